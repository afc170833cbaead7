"""The A4 notice (GB/T 9704-2012) and the A3 poster: title, body, the wording of its genre
(公示, 公告, 通知…: :mod:`deskapp.core.board.wording`), 署名 and date.

``render_notice(NoticeData, template="a4"|"a3", fonts=None) -> RenderResult``. The data is
plain (built from an item by :mod:`deskapp.exports.pdf.source`, already masked); this module
only lays it out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Optional, Protocol

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.colors import Color
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from deskapp.core.board.wording import wording
from deskapp.core.calendar.dates import chinese_date, parse_date
from deskapp.exports.pdf import blocks as blk
from deskapp.exports.pdf.fonts import FontBook
from deskapp.exports.pdf.page import A3_POSTER, A4_NOTICE, Furniture, Geometry, RenderResult, build
from deskapp.exports.pdf.para import Para, TextStyle, draw_runs, runs_width
from deskapp.exports.pdf.table import people_table

SEAL_RED = Color(0.85, 0.1, 0.1)
TEMPLATES = {"a4": A4_NOTICE, "a3": A3_POSTER}


@dataclass
class NoticeData:
    """Everything printed on a notice, already masked."""

    title: str
    content: str
    issuer: str  # 署名 (发文机关)
    date: dt.date  # 成文日期
    notice_start: Optional[dt.date] = None
    notice_end: Optional[dt.date] = None
    phone: str = ""  # 监督电话
    url: str = ""
    draft: bool = False
    seal: bool = False
    warnings: list[str] = field(default_factory=list)
    genre: str = "公示"  # a key of deskapp.core.board.wording.WORDINGS: which closing lines it has


def period_text(start: dt.date, end: dt.date) -> str:
    """2026年9月23日—29日; 2026年9月28日—10月9日; across years both in full."""
    if start.year != end.year:
        return f"{chinese_date(start)}—{chinese_date(end)}"
    if start.month != end.month:
        return f"{chinese_date(start)}—{end.month}月{end.day}日"
    return f"{chinese_date(start)}—{end.day}日"


def closing_paragraphs(data: NoticeData, body_text: str) -> list[str]:
    """The closing lines of the notice's genre (公示: domain.md §4; 公告: 特此公告。…), each
    unless the body already says it."""
    period = period_text(data.notice_start, data.notice_end) if data.notice_start and data.notice_end else ""
    return wording(data.genre).lines(body_text, period=period, who=data.issuer or "我单位", phone=data.phone)


class Styles:
    """The text styles of a template, derived from its geometry."""

    def __init__(self, g: Geometry):
        base = TextStyle(role="body", size=g.body_size, leading=g.leading, char_space=g.char_space)
        self.body = base.but(first_indent=2)
        self.h1 = self.body.but(role="hei", keep_with_next=True)
        self.h2 = self.body.but(role="kai", keep_with_next=True)
        title_lead = max(g.title_size * 1.35, g.leading)
        self.title = TextStyle(role="title", size=g.title_size, leading=title_lead, align="center",
                               space_after=g.leading)
        self.table_size = g.body_size * 0.75  # 小四 on A4: a list of people fits the 版心


class BodyStyles(Protocol):
    """The styles body_flowables reads: a notice's Styles, or the board's own."""

    @property
    def body(self) -> TextStyle: ...
    @property
    def h1(self) -> TextStyle: ...
    @property
    def h2(self) -> TextStyle: ...
    @property
    def table_size(self) -> float: ...


class BodyGeometry(Protocol):
    """The measures body_flowables reads: a page's Geometry, or one column of the board."""

    @property
    def leading(self) -> float: ...
    @property
    def width(self) -> float: ...


def body_flowables(content: str, st: BodyStyles, g: BodyGeometry, fonts: FontBook, missing: set[str],
                   extra: list[str]) -> list[Flowable]:
    out: list[Flowable] = []
    for b in blk.parse(content):
        if b.kind == "table":
            out.append(Spacer(1, g.leading * 0.25))
            out.append(people_table(b.rows, fonts, st.table_size, g.width, missing))
            out.append(Spacer(1, g.leading * 0.5))
        elif b.kind in ("h1", "h2"):
            head, rest = b.heading_split()
            style = st.h1 if b.kind == "h1" else st.h2
            segs = [(head, style.role)] + ([(rest, "body")] if rest else [])
            out.append(Para(segs, style.but(keep_with_next=not rest), fonts, missing))
        else:
            out.append(Para(b.text, st.body, fonts, missing))
    out.extend(Para(text, st.body, fonts, missing) for text in extra)
    return out


class Signature(Flowable):
    """署名 and 成文日期 (GB/T 9704 §7.3.5), an optional seal placeholder and QR code."""

    def __init__(self, issuer: str, date: dt.date, g: Geometry, fonts: FontBook,
                 missing: set[str], seal: bool = False, url: str = "", heading: str = "公示"):
        super().__init__()
        self.g, self.fonts, self.seal, self.url, self.heading = g, fonts, seal, url, heading
        self.issuer = fonts.runs(issuer, "body", missing)
        self.date = fonts.runs(chinese_date(date), "body", missing)
        blank = 2 if seal else 1  # 正文下空一行; with a seal a line more for its upper half
        self.spaceBefore = blank * g.leading
        self.keepWithNext = False

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = availWidth
        self.height = 2 * self.g.leading
        return self.width, self.height

    def positions(self) -> tuple[float, float]:
        """x of 署名 and of 成文日期 (left edges) within the 版心."""
        g = self.g
        pitch = g.body_size + g.char_space
        wi, wd = runs_width(self.issuer, g.body_size, g.char_space), runs_width(self.date, g.body_size, g.char_space)
        if self.seal:  # date 右空四字, 署名 centred on the date
            xd = self.width - 4 * pitch - wd
            return xd + (wd - wi) / 2, xd
        xi = self.width - 2 * pitch - wi  # 署名右空二字
        xd = xi + 2 * pitch  # date starts two characters right of the 署名
        if xd + wd > self.width - 2 * pitch:  # a longer date: it takes 右空二字, 署名 moves left
            xd = self.width - 2 * pitch - wd
            xi = xd - 2 * pitch
        return xi, xd

    def draw(self) -> None:
        g, canv = self.g, self.canv
        xi, xd = self.positions()
        base1 = self.height - (g.leading - g.body_size) / 2 - 0.88 * g.body_size
        base2 = base1 - g.leading
        canv.setFillColor(Color(0, 0, 0))
        draw_runs(canv, xi, base1, self.issuer, g.body_size, g.char_space)
        draw_runs(canv, xd, base2, self.date, g.body_size, g.char_space)
        if self.seal:
            self._seal(*self.seal_circle())
        if self.url:
            self._qr()

    def seal_circle(self) -> tuple[float, float, float]:
        """Centre and radius of the seal (42 mm at 3号): centred on the date, its top half a
        line below the body (GB/T 9704 §7.3.5.1: 一行之内), so that 署名 and 成文日期 sit a
        little below its centre."""
        g = self.g
        r = 21 * mm * (g.body_size / 16)
        _xi, xd = self.positions()
        top = self.height + self.spaceBefore - g.leading / 2
        return xd + runs_width(self.date, g.body_size, g.char_space) / 2, top - r, r

    def _seal(self, cx: float, cy: float, r: float) -> None:
        canv = self.canv
        canv.saveState()
        canv.setStrokeColor(SEAL_RED)
        canv.setLineWidth(1.2)
        canv.setDash(4, 3)
        canv.circle(cx, cy, r, stroke=1, fill=0)
        canv.restoreState()

    def _qr(self) -> None:
        size = 22 * mm * (self.g.body_size / 16)
        widget = QrCodeWidget(self.url)
        x0, y0, x1, y1 = widget.getBounds()
        drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
        drawing.add(widget)
        renderPDF.draw(drawing, self.canv, 0, self.height - size)
        cap = self.fonts.runs(f"扫码查看网上{self.heading}", "body")
        csize = self.g.body_size * 0.55
        draw_runs(self.canv, (size - runs_width(cap, csize)) / 2, self.height - size - csize * 1.1, cap, csize)


def own_signature(data: NoticeData) -> tuple[str, str, dt.date]:
    """(body, issuer, date): a 落款 typed at the end of the content replaces the default one."""
    body, issuer, date_text = blk.trailing_signature(data.content)
    day = parse_date(date_text) if date_text else None
    return body, issuer or data.issuer, day or data.date


def notice_flowables(data: NoticeData, g: Geometry, fonts: FontBook, missing: set[str]) -> list[Flowable]:
    st = Styles(g)
    title = " ".join(data.title.split()) or "（无标题）"
    flow: list[Flowable] = [Para(title, st.title, fonts, missing)]
    body, issuer, day = own_signature(data)
    extra = closing_paragraphs(data, body)
    flow += body_flowables(body, st, g, fonts, missing, extra)
    flow.append(Signature(issuer, day, g, fonts, missing, data.seal, data.url, wording(data.genre).heading))
    return flow


def empty_body_warning(genre: str) -> str:
    """What the clerk is told when she prints an item without a body, in its genre's words."""
    w = wording(genre)
    if w.period:
        return f"该信息没有正文，{w.heading}只含标题、{w.heading}时间和落款。"
    said = "".join(f"、“{line.template.rstrip('。')}”" for line in w.closing)
    return f"该信息没有正文，打印件只含标题{said}和落款。"


def render_notice(data: NoticeData, template: str = "a4", fonts: Optional[FontBook] = None) -> RenderResult:
    """One notice as a PDF in memory; ``template`` is 'a4' (GB/T 9704) or 'a3' (poster)."""
    g = TEMPLATES[template]
    fonts = fonts or FontBook.get()
    missing: set[str] = set()
    flow = notice_flowables(data, g, fonts, missing)
    pdf, pages = build(flow, g, Furniture(g, fonts, draft=data.draft), data.title[:100])
    warnings = list(data.warnings)
    if not data.content.strip():
        warnings.append(empty_body_warning(data.genre))
    return RenderResult(pdf, pages, missing, warnings)
