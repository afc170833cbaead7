"""The annual report (政府信息公开工作年度报告) as a PDF for print, on the desk's engine.

The GB/T 9704 page of the notices (A4, 3号仿宋 on the 28 × 22 grid, headings 黑体, "（一）"
楷体, page numbers "— 1 —"), and tables 二/三/四 as ReportLab Tables whose SPAN styles are
the national layout's merged cells (:mod:`deskapp.exports.annual_layout`, the same grids the
Word and Excel files draw). A table would run onto the next page with its header rows
repeated, only if it is ever taller than a page; each table is kept with its heading.

``render_annual_pdf(doc) -> RenderResult``; ``write_annual_pdf(doc, path)`` saves atomically.
"""

from __future__ import annotations

import os
from typing import Any, Optional

from reportlab.lib.colors import black
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from deskapp.exports.annual_layout import Grid, ReportDoc, split_lead
from deskapp.exports.pdf.fonts import FontBook
from deskapp.exports.pdf.notice import Signature, Styles
from deskapp.exports.pdf.page import A4_NOTICE, Furniture, RenderResult, build, write_atomic
from deskapp.exports.pdf.para import Para, TextStyle

TABLE_SIZE = 10.5  # 5号
MID_TABLE_SIZE = 9  # 小5号: table 三's ten columns (a 5-digit figure fits its column)
SMALL_TABLE_SIZE = 8.5  # table 四's fifteen columns
PAD = 2.5


def _table(grid: Grid, fonts: FontBook, missing: set[str]) -> Flowable:
    size = SMALL_TABLE_SIZE if grid.n_cols > 10 else MID_TABLE_SIZE if grid.n_cols > 4 else TABLE_SIZE
    cell = TextStyle(role="body", size=size, leading=size * 1.3, align="center")
    styles = {"head": cell.but(role="hei"), "caption": cell.but(role="hei"), "note": cell,
              "label": cell.but(align="left"), "value": cell}
    data: list[list[Any]] = [["" for _ in range(grid.n_cols)] for _ in range(grid.n_rows)]
    spans: list[tuple[Any, ...]] = []
    for c in grid.cells:
        data[c.row][c.col] = Para(c.display() or " ", styles[c.role], fonts, missing)
        if c.rows > 1 or c.cols > 1:
            spans.append(("SPAN", (c.col, c.row), (c.col + c.cols - 1, c.row + c.rows - 1)))
    total = sum(grid.widths)
    widths = [A4_NOTICE.width * w / total for w in grid.widths]
    table = Table(data, colWidths=widths, repeatRows=grid.header_rows, hAlign="CENTER")
    table.setStyle(TableStyle([
        *spans,
        # FONTNAME for the empty spanned cells too: else ReportLab sets Helvetica (not embedded)
        ("FONTNAME", (0, 0), (-1, -1), fonts.role("body").name),
        ("GRID", (0, 0), (-1, -1), 0.6, black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), PAD),
        ("BOTTOMPADDING", (0, 0), (-1, -1), PAD + 1),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
    ]))
    return table


def render_annual_pdf(report: ReportDoc, fonts: Optional[FontBook] = None) -> RenderResult:
    fonts = fonts or FontBook.get()
    missing: set[str] = set()
    st = Styles(A4_NOTICE)
    flow: list[Flowable] = [Para(report.title, st.title, fonts, missing)]
    for section in report.sections:
        heading = Para(section.heading, st.h1, fonts, missing)
        body: list[Flowable] = []
        for text in section.paragraphs:
            for line in (x.strip() for x in text.splitlines()):
                if line:
                    lead, rest = split_lead(line)
                    runs = [(part, role) for part, role in ((lead, "kai"), (rest, "body")) if part]
                    body.append(Para(runs, st.h2 if lead and not rest else st.body, fonts, missing))
        if section.grid is None:
            flow += [heading, *body]
            continue
        # Kept with its heading on one page (a page of its own when need be); only a table
        # taller than a page (never in the format) would run on, its header rows repeated.
        table = _table(section.grid, fonts, missing)
        flow += [KeepTogether([heading, *body, table]), Spacer(1, A4_NOTICE.leading / 2)]
    flow.append(Signature(report.office, report.date, A4_NOTICE, fonts, missing))
    if report.anchor:  # a small last line: the log as it stood, for audit verify --anchor
        flow.append(Para(report.anchor, TextStyle(role="body", size=9, leading=13, align="left",
                                                  space_before=12), fonts, missing))
    pdf, pages = build(flow, A4_NOTICE, Furniture(A4_NOTICE, fonts), report.title)
    return RenderResult(pdf, pages, missing)


def write_annual_pdf(report: ReportDoc, path: os.PathLike[str] | str,
                     fonts: Optional[FontBook] = None) -> RenderResult:
    result = render_annual_pdf(report, fonts)
    write_atomic(path, result.data)
    return result
