"""政府信息公开保密审查审批表: the printable review form (A4), on the desk's PDF layer.

The office's name heads it, the title comes from settings. The item's fields fill a grid;
below, one box per review step with the decision, the opinion, a signature line and the
date — filled from what is recorded (online or 纸质签批), blank where it is still to be
signed on paper. Fonts are embedded TrueType subsets (see :mod:`.fonts`).

``render_form(FormData) -> RenderResult``; ``write_form(session, item_id, path)`` builds the
data from the database and saves the file atomically.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from typing import Any, Optional

from reportlab.lib.colors import black
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table, TableStyle
from sqlalchemy.orm import Session

from deskapp.core.audit import chain as audit
from deskapp.core.calendar.dates import chinese_date
from deskapp.core.review.detail import ItemDetail, item_detail
from deskapp.core.review.flow import form_title
from deskapp.core.store import settings
from deskapp.exports.pdf.fonts import FontBook
from deskapp.exports.pdf.page import Furniture, Geometry, RenderResult, build, write_atomic
from deskapp.exports.pdf.para import Para, TextStyle

A4_FORM = Geometry("form", A4, 18 * mm, 20 * mm, 170 * mm, 255 * mm, 11, 18, 0, 0, 10,
                   page_no_centred=True)
BLANK_SPACE = 9 * mm  # room for a handwritten opinion in a box still to be signed
MIN_BLANK_SPACE = 4 * mm  # shrunk down to this so that the form stays on one sheet
DECISION_BOXES = [("approve", "同意"), ("return", "退回修改"), ("withhold", "不予公开")]
OFFICIAL_KINDS = ("政策文件", "规范性文件")  # 公文类 even without a 文号


@dataclass(frozen=True)
class StepBox:
    name: str
    decision: str = ""  # approve / return / withhold, "" when still to be signed
    opinion: str = ""
    signer: str = ""
    mode: str = ""  # online / paper
    date: Optional[dt.date] = None
    closed: bool = False  # after a 不予公开 decision: nothing left to sign here


@dataclass
class FormData:
    org_name: str
    title: str
    item_title: str
    index_no: str
    department: str
    drafter: str
    summary: str
    carrier: str  # 载体形式: 公文类 / 非公文类
    channels: str  # 拟公开方式（渠道）
    scope: str  # 公开范围
    planned: str  # 拟公开时间
    attribute: str  # 公开属性
    reason: str  # 不予公开的理由和依据
    steps: list[StepBox] = field(default_factory=list)
    printed: dt.date = field(default_factory=dt.date.today)
    anchor: str = ""  # 审计锚点 of the log when printed (audit.printed_anchor)


def carrier_of(detail: ItemDetail) -> str:
    return "公文类" if detail.doc_no or detail.kind in OFFICIAL_KINDS else "非公文类"


def planned_text(detail: ItemDetail) -> str:
    if detail.attribute == "withheld":
        return "不予公开"
    if detail.published_on:
        return f"{chinese_date(detail.published_on)}（已发布）"
    if detail.due_on:
        return f"不晚于{chinese_date(detail.due_on)}"
    return "审批后及时公开"


def _revision_note(d: ItemDetail) -> str:
    """A revision is reviewed as such: the form says which one and since when."""
    if d.revision_no <= 1:
        return ""
    changed = f"，变更日期{chinese_date(d.changed_on)}" if d.changed_on else ""
    return f"（第{d.revision_no}版修订{changed}）"


def form_data(session: Session, item_id: int, today: Optional[dt.date] = None) -> FormData:
    d = item_detail(session, item_id)
    steps = []
    withheld = any(s.state == "withheld" for s in d.steps)
    for s in d.steps:
        e = s.decision
        if e is None:
            steps.append(StepBox(s.name, closed=withheld))
        else:
            date = e.paper_date if e.mode == "paper" and e.paper_date else e.at.date()
            steps.append(StepBox(s.name, e.action, e.opinion, e.person, e.mode, date))
    return FormData(
        org_name=str(settings.get(session, "org_name") or ""), title=form_title(session),
        item_title=d.title + _revision_note(d), index_no=d.index_no, department=d.department, drafter=d.drafter,
        summary=d.summary or d.content[:200], carrier=carrier_of(d), channels="、".join(d.channels),
        scope=d.scope_label, planned=planned_text(d), attribute=d.attribute_label,
        reason=d.withheld_reason if d.attribute == "withheld" else "", steps=steps,
        printed=today or dt.date.today(), anchor=audit.printed_anchor(session),
    )


def form_filename(detail: ItemDetail) -> str:
    safe = "".join(ch for ch in detail.index_no if ch not in '<>:"/\\|?*') or str(detail.id)
    return f"审批表-{safe}.pdf"


# --- layout --------------------------------------------------------------------------------------

class _Form:
    def __init__(self, fonts: FontBook, missing: set[str]):
        self.fonts, self.missing = fonts, missing
        self.font = fonts.role("body").name
        self.cell = TextStyle(role="body", size=11, leading=16, align="left")
        self.label = self.cell.but(role="hei", align="center")

    def p(self, text: str, style: Optional[TextStyle] = None) -> Para:
        return Para(text or " ", style or self.cell, self.fonts, self.missing)

    def fields(self, data: FormData) -> Table:
        w = A4_FORM.width
        L = self.label
        rows: list[list[Flowable | str]] = [  # "": the spanned cells
            [self.p("信息名称", L), self.p(data.item_title), "", ""],
            [self.p("索引号", L), self.p(data.index_no), self.p("承办科室", L), self.p(data.department)],
            [self.p("经办人", L), self.p(data.drafter), self.p("载体形式", L), self.p(data.carrier)],
            [self.p("内容摘要", L), self.p(data.summary), "", ""],
            [self.p("拟公开方式（渠道）", L), self.p(data.channels or "—"), "", ""],
            [self.p("公开范围", L), self.p(data.scope), self.p("拟公开时间", L), self.p(data.planned)],
            [self.p("公开属性", L), self.p(data.attribute), self.p("不予公开的理由和依据", L),
             self.p(data.reason or "—")],
        ]
        table = Table(rows, colWidths=[0.17 * w, 0.33 * w, 0.17 * w, 0.33 * w])
        spans = [("SPAN", (1, r), (3, r)) for r in (0, 3, 4)]
        table.setStyle(TableStyle([*spans, *_grid(self.font)]))
        return table

    def step_box(self, number: int, box: StepBox, blank_space: float = BLANK_SPACE) -> Table:
        w = A4_FORM.width
        if box.closed:
            return self._box(number, box, [[self.p("已决定不予公开，本步无需审签。")]])
        marks = "　".join(("■" if box.decision == code else "□") + label for code, label in DECISION_BOXES)
        opinion = box.opinion or ("同意。" if box.decision == "approve" else "")
        if box.decision:
            how = "在线签批" if box.mode == "online" else "纸质签批"
            sign = f"签字：{box.signer}（{how}）"
            date = f"日期：{chinese_date(box.date)}" if box.date else "日期："
        else:
            sign = "签字：" + "　" * 8
            date = "日期：　　　　年　　月　　日"
        inner: list[list[Flowable]] = [
            [self.p(marks)],
            [self.p(f"意见：{opinion}")],
            [Spacer(1, 0 if opinion else blank_space)],
            [Table([[self.p(sign), self.p(date)]], colWidths=[0.44 * w, 0.34 * w],
                   style=TableStyle([("FONTNAME", (0, 0), (-1, -1), self.font), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                    ("VALIGN", (0, 0), (-1, -1), "BOTTOM")]))],
        ]
        return self._box(number, box, inner)

    def _box(self, number: int, box: StepBox, inner: list[list[Flowable]]) -> Table:
        w = A4_FORM.width
        right = Table(inner, colWidths=[0.80 * w], style=TableStyle([("FONTNAME", (0, 0), (-1, -1), self.font),
                                                                     ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                                                     ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                                                                     ("TOPPADDING", (0, 0), (-1, -1), 1),
                                                                     ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
        table = Table([[self.p(f"{number}. {box.name}", self.label), right]], colWidths=[0.17 * w, 0.83 * w],
                      minRowHeights=[(12 if box.closed else 29) * mm])
        table.setStyle(TableStyle(_grid(self.font)))
        return table


def _grid(font: str) -> list[tuple[Any, ...]]:
    # FONTNAME too: else ReportLab sets Helvetica (not embedded) for the empty spanned cells.
    return [("FONTNAME", (0, 0), (-1, -1), font), ("GRID", (0, 0), (-1, -1), 0.7, black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ("LEFTPADDING", (0, 0), (-1, -1), 5), ("RIGHTPADDING", (0, 0), (-1, -1), 5)]


def _height(flowable: Flowable) -> float:
    return flowable.wrap(A4_FORM.width, A4_FORM.height)[1] + flowable.getSpaceBefore() + flowable.getSpaceAfter()


def _blank_space(f: _Form, data: FormData, others: list[Flowable]) -> float:
    """The writing room of the boxes still to be signed: BLANK_SPACE, less (down to
    MIN_BLANK_SPACE) when that keeps the whole form on one sheet — a paper form whose last
    signature box sits alone on a second page is not one a leader signs. A form that cannot
    fit anyway (a long summary, many steps) keeps the full room and goes on to page 2."""
    blank = sum(1 for box in data.steps if not box.decision and not box.closed)
    if not blank:
        return BLANK_SPACE
    room = A4_FORM.height - 6 - sum(_height(x) for x in others)  # 6 pt of slack for rounding
    full = sum(_height(f.step_box(n, box)) for n, box in enumerate(data.steps, start=1))
    shrunk = BLANK_SPACE - (full - room) / blank
    return BLANK_SPACE if full <= room or shrunk < MIN_BLANK_SPACE else shrunk


def render_form(data: FormData, fonts: Optional[FontBook] = None) -> RenderResult:
    fonts = fonts or FontBook.get()
    missing: set[str] = set()
    f = _Form(fonts, missing)
    head = TextStyle(role="hei", size=15, leading=22, align="center")
    title = TextStyle(role="title", size=A4_FORM.title_size, leading=30, align="center", space_after=6)
    small = TextStyle(role="body", size=9, leading=13, align="left", space_before=6)
    flow: list[Flowable] = []
    if data.org_name:
        flow.append(Para(data.org_name, head, fonts, missing))
    flow.append(Para(data.title, title, fonts, missing))
    flow.append(f.fields(data))
    note = Para(f"打印日期：{chinese_date(data.printed)}。在线签批记录保存在台账“操作记录”中备查；"
                "纸质签批后请将本表扫描存档。" + (f"{data.anchor}。" if data.anchor else ""), small, fonts, missing)
    space = _blank_space(f, data, [*flow, note])
    for n, box in enumerate(data.steps, start=1):
        flow.append(f.step_box(n, box, space))
    flow.append(note)
    pdf, pages = build(flow, A4_FORM, Furniture(A4_FORM, fonts, page_numbers=False), data.title)
    return RenderResult(pdf, pages, missing)


def write_form(session: Session, item_id: int, path: os.PathLike[str] | str,
               today: Optional[dt.date] = None) -> RenderResult:
    result = render_form(form_data(session, item_id, today))
    write_atomic(path, result.data)
    return result
