"""The annual report (政府信息公开工作年度报告) as an editable Word document (python-docx).

The clerk edits the texts after export, so everything is real Word structure: paragraphs
with named fonts, and tables 二/三/四 as Word tables whose merged cells are the national
layout's (gridSpan across, vMerge down), drawn from :mod:`deskapp.exports.annual_layout`.
Chinese font names are set for East Asian text (``w:eastAsia``): WPS and Word otherwise show
Chinese in the template's default font. A4, the margins of GB/T 9704-2012.

``render_docx(doc) -> bytes``; ``write_docx(doc, path)`` saves through a temp file.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Optional

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.table import CT_Row
from docx.shared import Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from deskapp.core.calendar.dates import chinese_date
from deskapp.exports.annual_layout import Cell, DocSection, Grid, ReportDoc, split_lead
from deskapp.exports.word.save import write_atomic

FANGSONG = "仿宋"
HEITI = "黑体"
KAITI = "楷体"
TITLE_FONT = "方正小标宋简体"  # WPS/Word substitute a 宋体 where it is not installed
BODY_SIZE = Pt(16)  # 3号
TITLE_SIZE = Pt(22)  # 2号
TABLE_SIZE = Pt(10.5)  # 5号
SMALL_TABLE_SIZE = Pt(9)  # 小5号: tables 三 and 四 (a 5-digit figure fits its column)
LINE = Pt(28)  # fixed line pitch: 22 lines on the 225 mm 版心
TEXT_WIDTH_MM = 156.0
CELL_MARGIN_TWIPS = 40  # 0.7 mm (Word's default is 1.9 mm)
KEEP_TOGETHER_ROWS = 16  # tables 二 and 四 are kept on one page; 三 runs on, its header repeated


def set_font(run: Run, name: str, size: Optional[Pt] = None, bold: bool = False) -> None:
    """Name the font for Latin and East Asian text alike (WPS reads ``w:eastAsia``)."""
    run.font.name = name
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)
    if size is not None:
        run.font.size = size
    run.font.bold = bold


def _base_style(doc: DocxDocument) -> None:
    style = doc.styles["Normal"]
    font = style.font
    font.name, font.size = FANGSONG, BODY_SIZE
    rpr = style.element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), FANGSONG)
    fmt = style.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE


def _page(doc: DocxDocument) -> None:
    for section in doc.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)


def _para(doc: DocxDocument, text: str, font: str = FANGSONG, size: Pt = BODY_SIZE,
          align: Optional[WD_ALIGN_PARAGRAPH] = None, indent: bool = True) -> Paragraph:
    p = doc.add_paragraph()
    if align is not None:
        p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = Pt(size.pt * 2)  # 首行缩进二字
    set_font(p.add_run(text), font, size)
    return p


def _title(doc: DocxDocument, text: str) -> None:
    p = _para(doc, text, TITLE_FONT, TITLE_SIZE, WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    p.paragraph_format.line_spacing = Pt(36)
    p.paragraph_format.space_after = Pt(14)


def _section(doc: DocxDocument, section: DocSection) -> None:
    _para(doc, section.heading, HEITI).paragraph_format.keep_with_next = True
    for text in section.paragraphs:
        for line in text.splitlines() or [""]:
            line = line.strip()
            if line:
                lead, rest = split_lead(line)
                p = _para(doc, lead, KAITI) if lead else _para(doc, rest)
                if lead and rest:
                    set_font(p.add_run(rest), FANGSONG, BODY_SIZE)
    if section.grid is not None:
        _table(doc, section.grid)
        doc.add_paragraph()  # a blank line after the table (and a place to click)


# --- tables -----------------------------------------------------------------------------------

def _table(doc: DocxDocument, grid: Grid) -> Table:
    table: Table = doc.add_table(rows=grid.n_rows, cols=grid.n_cols)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    total = sum(grid.widths)
    widths = [Mm(TEXT_WIDTH_MM * w / total) for w in grid.widths]
    for i, column in enumerate(table.columns):
        column.width = widths[i]  # w:gridCol, which LibreOffice reads
    for row in table.rows:
        for i, cell in enumerate(row.cells):
            cell.width = widths[i]  # w:tcW, which Word reads
    size = SMALL_TABLE_SIZE if grid.n_cols > 4 else TABLE_SIZE
    for cell in grid.cells:
        target = table.cell(cell.row, cell.col)
        if cell.rows > 1 or cell.cols > 1:
            target = target.merge(table.cell(cell.row + cell.rows - 1, cell.col + cell.cols - 1))
        _fill(target, cell, size)
    _cell_margins(table, CELL_MARGIN_TWIPS)
    for r in range(grid.header_rows):
        _repeat_header(table, r)
    keep = grid.n_rows <= KEEP_TOGETHER_ROWS
    for r, row in enumerate(table.rows):
        _row_flag(row._tr, "w:cantSplit")  # a row never breaks across pages
        if keep and r < grid.n_rows - 1:  # a short table stays on one page
            for cell in row.cells:
                for p in cell.paragraphs:
                    p.paragraph_format.keep_with_next = True
    return table


def _fill(target: _Cell, cell: Cell, size: Pt) -> None:
    target.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    p = target.paragraphs[0]
    fmt = p.paragraph_format
    fmt.first_line_indent = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    p.alignment = WD_ALIGN_PARAGRAPH.LEFT if cell.role == "label" else WD_ALIGN_PARAGRAPH.CENTER
    font = HEITI if cell.role in ("head", "caption") else FANGSONG
    set_font(p.add_run(cell.display()), font, size)


def _cell_margins(table: Table, twips: int) -> None:
    """Narrow left/right cell margins (w:tblCellMar): a 5-digit figure fits table 三's columns."""
    tblpr = table._tbl.tblPr
    mar = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(twips))
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    # its place in w:tblPr's sequence: before tblLook/tblCaption/tblDescription, else ignored
    tblpr.insert_element_before(mar, "w:tblLook", "w:tblCaption", "w:tblDescription")


def _repeat_header(table: Table, row: int) -> None:
    """Header rows repeat at the top of each page the table runs onto (w:tblHeader)."""
    _row_flag(table.rows[row]._tr, "w:tblHeader")


def _row_flag(tr: CT_Row, tag: str) -> None:
    trpr = tr.get_or_add_trPr()
    if trpr.find(qn(tag)) is None:
        flag = OxmlElement(tag)
        flag.set(qn("w:val"), "true")
        trpr.append(flag)


def _signoff(doc: DocxDocument, office: str, date: str) -> None:
    """署名 one line below the body, 右空二字; the date on the next line (GB/T 9704, no seal)."""
    doc.add_paragraph()
    for text in (office, date):
        p = _para(doc, text, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
        p.paragraph_format.right_indent = Pt(BODY_SIZE.pt * 2)


# --- the document -----------------------------------------------------------------------------

def render_docx(report: ReportDoc) -> bytes:
    doc = Document()
    _base_style(doc)
    _page(doc)
    doc.core_properties.title = report.title
    doc.core_properties.author = "政务公开台账"
    _title(doc, report.title)
    for section in report.sections:
        _section(doc, section)
    _signoff(doc, report.office, chinese_date(report.date))
    if report.anchor:  # a small last line: the log as it stood, for audit verify --anchor
        _para(doc, report.anchor, size=Pt(9), align=WD_ALIGN_PARAGRAPH.LEFT, indent=False)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def write_docx(report: ReportDoc, path: os.PathLike[str] | str) -> Path:
    return write_atomic(path, render_docx(report), ".docx")
