"""The 自查报告 draft as an editable Word document (python-docx; no Qt).

Laid out as an office's own report (GB/T 9704 proportions: A4, 3号仿宋 body, 2号 title,
"一、" headings in 黑体), the 工作台's two charts embedded under 一、基本情况 — the very PNGs
the window shows (:mod:`deskapp.exports.charts`). Saved atomically (temp file + rename).
"""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path
from typing import Optional, Sequence

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph
from sqlalchemy.orm import Session

from deskapp.core.calendar.dates import chinese_date
from deskapp.core.dashboard.board import dashboard, review_step_limit
from deskapp.core.dashboard.self_inspection import SelfInspection, self_inspection
from deskapp.core.store import settings
from deskapp.exports.charts import Chart, dashboard_charts
from deskapp.exports.word.save import write_atomic

FANGSONG, HEITI, TITLE_FONT = "仿宋", "黑体", "方正小标宋简体"
BODY, TITLE, CAPTION = Pt(16), Pt(22), Pt(12)
CHART_WIDTH = Mm(150)  # inside the 156 mm 版心
HEADINGS = ("一、基本情况", "二、存在问题", "三、整改措施")


def _font(paragraph: Paragraph, text: str, name: str, size: Pt, bold: bool = False) -> None:
    run = paragraph.add_run(text)
    run.font.name, run.font.size, run.font.bold = name, size, bold
    rpr = run._element.get_or_add_rPr()  # the East Asian font is only reachable in the XML
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _para(doc: DocxDocument, text: str, name: str = FANGSONG, size: Pt = BODY, indent: bool = True,
          align: Optional[WD_ALIGN_PARAGRAPH] = None) -> Paragraph:
    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.line_spacing, fmt.space_after, fmt.space_before = Pt(28), Pt(0), Pt(0)
    if indent:
        fmt.first_line_indent = Pt(32)  # 首行缩进二字
    if align is not None:
        p.alignment = align
    _font(p, text, name, size)
    return p


def _page(doc: DocxDocument) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)


def _chart(doc: DocxDocument, chart: Chart, caption: str) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run().add_picture(io.BytesIO(chart.png), width=CHART_WIDTH)
    _para(doc, caption, FANGSONG, CAPTION, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)


def build_document(draft: SelfInspection, charts: Sequence[tuple[Chart, str]] = ()) -> DocxDocument:
    """The document in memory: title, lead, the three sections, signature and date."""
    doc = Document()
    _page(doc)
    _para(doc, draft.title, TITLE_FONT, TITLE, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, "", indent=False)
    _para(doc, draft.lead)
    _para(doc, HEADINGS[0], HEITI)
    for text in draft.basics:
        _para(doc, text)
    for chart, caption in charts:
        _chart(doc, chart, caption)
    _para(doc, HEADINGS[1], HEITI)
    if draft.problems:
        for text in draft.numbered([p.problem for p in draft.problems]):
            _para(doc, text)
    else:
        _para(doc, draft.none_found)
    _para(doc, HEADINGS[2], HEITI)
    if draft.problems:
        for text in draft.numbered([p.measure for p in draft.problems]):
            _para(doc, text)
    _para(doc, draft.closing)
    _para(doc, "", indent=False)
    _para(doc, draft.org, indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(doc, chinese_date(draft.signed_on), indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    return doc


def write_self_inspection(draft: SelfInspection, charts: Sequence[tuple[Chart, str]],
                          path: os.PathLike[str] | str) -> Path:
    """Write the .docx (temp file + rename; a refused target is one Chinese DeskError)."""
    out = io.BytesIO()
    build_document(draft, charts).save(out)
    return write_atomic(path, out.getvalue(), ".docx")


def draft_for(session: Session, today: dt.date, year: int,
              quarter: int) -> tuple[SelfInspection, list[tuple[Chart, str]]]:
    """The draft of ``year``/``quarter`` and its captioned charts, from the database as of today."""
    d = dashboard(session, today, year, quarter)
    org = str(settings.get(session, "org_name"))
    draft = self_inspection(d, org, today, review_step_limit(session))
    months, late = dashboard_charts(d)
    return draft, [(months, f"图1  {d.year}年各月主动公开新增信息数与按时公开率"),
                   (late, f"图2  {d.year}年超期信息按科室分布")]
