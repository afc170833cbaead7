"""The board sheet: an A3 page headed "<office>政务公开栏 第N期 <date>" with several short
notices in two columns (a long one flows on to the next column or page, masthead repeated).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Optional

from reportlab.lib.colors import Color
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Frame
from reportlab.platypus.flowables import HRFlowable

from deskapp.core.calendar.dates import chinese_date
from deskapp.exports.pdf.fonts import FontBook
from deskapp.exports.pdf.notice import NoticeData, body_flowables, closing_paragraphs, own_signature
from deskapp.exports.pdf.page import A3_BOARD, Furniture, RenderResult, build
from deskapp.exports.pdf.para import Para, TextStyle, draw_runs, runs_width

RED = Color(0.80, 0.05, 0.05)
MASTHEAD = 52 * mm
GAP = 10 * mm


@dataclass
class BoardData:
    office: str
    board_name: str
    number: int
    date: dt.date
    notices: list[NoticeData] = field(default_factory=list)

    @property
    def masthead(self) -> str:
        return f"{self.office}{self.board_name}"

    @property
    def subtitle(self) -> str:
        return f"第{self.number}期　　{chinese_date(self.date)}"


class _Geo:
    """Column geometry of the board's text (a 13 pt body, two columns)."""

    def __init__(self) -> None:
        g = A3_BOARD
        self.col_width = (g.width - GAP) / 2
        self.body_size = g.body_size
        self.chars = int(self.col_width // g.body_size)
        self.char_space = self.col_width / self.chars - g.body_size
        self.leading = g.body_size * 1.7
        self.width = self.col_width


class _Styles:
    def __init__(self, geo: _Geo):
        base = TextStyle(role="body", size=geo.body_size, leading=geo.leading, char_space=geo.char_space)
        self.body = base.but(first_indent=2)
        self.h1 = self.body.but(role="hei", keep_with_next=True)
        self.h2 = self.body.but(role="kai", keep_with_next=True)
        self.title = TextStyle(role="title", size=A3_BOARD.title_size, leading=A3_BOARD.title_size * 1.45,
                               align="center", space_after=geo.leading * 0.4, keep_with_next=True)
        self.sign = base.but(align="right", right_indent=2 * geo.body_size)
        self.table_size = geo.body_size * 0.85


def _notice(n: NoticeData, st: _Styles, geo: _Geo, fonts: FontBook, missing: set[str]) -> list[Flowable]:
    flow: list[Flowable] = [Para(" ".join(n.title.split()) or "（无标题）", st.title, fonts, missing)]
    body, issuer, day = own_signature(n)
    flow += body_flowables(body, st, geo, fonts, missing, closing_paragraphs(n, body))
    flow.append(Para(issuer, st.sign.but(space_before=geo.leading * 0.5), fonts, missing))
    flow.append(Para(chinese_date(day), st.sign, fonts, missing))
    flow.append(HRFlowable(width="100%", thickness=0.8, color=RED, spaceBefore=geo.leading * 0.6,
                           spaceAfter=geo.leading * 0.8))
    return flow


class Masthead:
    """Drawn on every page: the red masthead, issue number and date, and a red double rule."""

    def __init__(self, data: BoardData, fonts: FontBook):
        self.data, self.fonts = data, fonts

    def __call__(self, canv: Canvas, page: int) -> None:
        g = A3_BOARD
        top = g.page[1] - g.top
        title = self.data.masthead + ("（续）" if page > 1 else "")
        size = min(54.0, g.width / max(len(title), 1) * 0.95)
        runs = self.fonts.runs(title, "title")
        canv.setFillColor(RED)
        draw_runs(canv, (g.page[0] - runs_width(runs, size)) / 2, top - size * 0.95, runs, size)
        sub = self.fonts.runs(self.data.subtitle, "hei")
        ssize = 18.0
        canv.setFillColor(Color(0, 0, 0))
        draw_runs(canv, (g.page[0] - runs_width(sub, ssize)) / 2, top - size - ssize * 1.6, sub, ssize)
        y = top - MASTHEAD + 8 * mm
        canv.setStrokeColor(RED)
        canv.setLineWidth(2.2)
        canv.line(g.left, y, g.left + g.width, y)
        canv.setLineWidth(0.7)
        canv.line(g.left, y - 2.2 * mm, g.left + g.width, y - 2.2 * mm)


def board_frames() -> list[Frame]:
    g, geo = A3_BOARD, _Geo()
    height = g.height - MASTHEAD
    pad = dict(leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    return [Frame(g.left, g.bottom, geo.col_width, height, id="left", **pad),
            Frame(g.left + geo.col_width + GAP, g.bottom, geo.col_width, height, id="right", **pad)]


def render_board(data: BoardData, fonts: Optional[FontBook] = None) -> RenderResult:
    fonts = fonts or FontBook.get()
    geo, missing = _Geo(), set[str]()
    st = _Styles(geo)
    flow: list[Flowable] = []
    warnings: list[str] = []
    for n in data.notices:
        flow += _notice(n, st, geo, fonts, missing)
        warnings += [f"《{n.title[:20]}》：{w}" for w in n.warnings]
    furniture = Furniture(A3_BOARD, fonts, draft=any(n.draft for n in data.notices),
                          extra=Masthead(data, fonts))
    pdf, pages = build(flow, A3_BOARD, furniture, f"{data.masthead} {data.subtitle}", frames=board_frames())
    return RenderResult(pdf, pages, missing, list(dict.fromkeys(warnings)))
