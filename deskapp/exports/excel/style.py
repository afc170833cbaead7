"""How the desk's workbooks look: fonts, header fill and borders, number and date formats,
column widths that fit Chinese text, frozen headers, A4 print setup — and writing a value so
that user text always stays text (never a formula).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Optional, Sequence, cast

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.header_footer import HeaderFooterItem
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

FONT_NAME = "宋体"  # WPS's and Excel's default Chinese font; LibreOffice falls back sensibly
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
PERCENT_FORMAT = "0.0%"
INT_FORMAT = "#,##0"
MAX_CELL_TEXT = 32767  # Excel's limit per cell

TITLE_FONT = Font(name=FONT_NAME, size=16, bold=True)
NOTE_FONT = Font(name=FONT_NAME, size=10, color="404040")
HEADER_FONT = Font(name=FONT_NAME, size=11, bold=True)
BODY_FONT = Font(name=FONT_NAME, size=10.5)
TOTAL_FONT = Font(name=FONT_NAME, size=10.5, bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
_THIN = Side(style="thin", color="808080")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center")
WRAP = Alignment(horizontal="left", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")


def first_sheet(wb: Workbook) -> Worksheet:
    """The sheet a new workbook starts with. openpyxl's stubs type ``Workbook.active`` as any
    kind of sheet or None (None once every sheet is removed); a fresh ``Workbook()`` always
    has exactly one Worksheet, and it is the active one."""
    return cast(Worksheet, wb.active)  # see above: never None, never a chartsheet here


@dataclass(frozen=True)
class Col:
    """A list column: its header, how its values look, and its width limits (characters)."""

    header: str
    kind: str = "text"  # text / wrap / center / int / date / pct
    min_width: float = 6
    max_width: float = 40


def text_width(value: Any) -> int:
    """Display width in Excel's units: a Chinese character is two, a Latin one is one."""
    if value is None:
        return 0
    if isinstance(value, (dt.date, dt.datetime)):
        return 15  # 2026年12月31日
    return len(str(value).encode("gbk", "replace"))


def clean_text(value: str) -> str:
    """Text Excel accepts: no control characters, at most 32 767 characters."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)[:MAX_CELL_TEXT]


def put(ws: Worksheet, row: int, col: int, value: Any, kind: str = "text",
        font: Font = BODY_FONT, border: bool = True, fill: Optional[PatternFill] = None) -> Any:
    """Write one value. Text is cleaned and kept as text even when it starts with "="."""
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        cell.value = clean_text(value)
        cell.data_type = "s"  # "=1+1" typed by a user stays text: no formula injection
    else:
        cell.value = value
    cell.font = font
    if border:
        cell.border = BORDER
    if fill is not None:
        cell.fill = fill
    if isinstance(value, str) and kind in ("int", "pct", "date"):
        kind = "center"  # "—" where a number cannot be given
    apply_kind(cell, kind)
    return cell


def apply_kind(cell: Any, kind: str) -> None:
    if kind == "date":
        cell.number_format, cell.alignment = DATE_FORMAT, CENTER
    elif kind == "pct":
        cell.number_format, cell.alignment = PERCENT_FORMAT, RIGHT
    elif kind == "int":
        cell.number_format, cell.alignment = INT_FORMAT, RIGHT
    elif kind == "wrap":
        cell.alignment = WRAP
    elif kind == "center":
        cell.alignment = CENTER
    else:
        cell.alignment = LEFT


def title_rows(ws: Worksheet, title: str, note: str, width: int) -> int:
    """Row 1: the title across the table; row 2: office, period and date. Returns 3."""
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(width, 1))
    cell = ws.cell(row=1, column=1, value=clean_text(title))
    cell.data_type = "s"
    cell.font, cell.alignment = TITLE_FONT, Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 30
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=max(width, 1))
    cell = ws.cell(row=2, column=1, value=clean_text(note))
    cell.data_type = "s"
    cell.font, cell.alignment = NOTE_FONT, Alignment(horizontal="left", vertical="center",
                                                      wrap_text=True)
    ws.row_dimensions[2].height = 20 if len(note) < 90 else 34
    return 3


def header_row(ws: Worksheet, row: int, cols: Sequence[Col], first_col: int = 1) -> None:
    for i, col in enumerate(cols):
        put(ws, row, first_col + i, col.header, "center", font=HEADER_FONT, fill=HEADER_FILL)
    ws.row_dimensions[row].height = 22


def col_width(col: Col, seen: float, streamed: bool = False) -> float:
    """Widest value seen (header included) within the column's limits. In a streamed list a
    wrapping column is always at its widest, so row heights are known while rows stream."""
    if col.kind == "wrap" and streamed:
        return col.max_width
    return min(max(max(seen, text_width(col.header)) + 2, col.min_width), col.max_width)


def set_widths(ws: Worksheet, cols: Sequence[Col], widths: Sequence[float], first_col: int = 1,
               streamed: bool = False) -> list[float]:
    out = []
    for i, col in enumerate(cols):
        width = col_width(col, widths[i] if i < len(widths) else 0, streamed)
        ws.column_dimensions[get_column_letter(first_col + i)].width = width
        out.append(width)
    fit_title(ws)
    return out


DEFAULT_WIDTH = 8.43  # Excel's width of a column nobody sized
TITLE_SCALE = 1.5  # a 16 pt bold character against widths measured in 11 pt digits
TITLE_LINE = 22.0  # points per line of the title


def fit_title(ws: Worksheet) -> None:
    """Wrap the title row onto more lines when it is wider than the table under it: WPS and
    LibreOffice clip a centred merged cell at both ends (a narrow sheet lost its first and
    last characters on paper). Called once the columns have their widths."""
    span = next((r for r in ws.merged_cells.ranges
                 if r.min_row == r.max_row == 1 and r.min_col == 1), None)
    cell = ws.cell(row=1, column=1)
    if span is None or not isinstance(cell.value, str):
        return
    room = 0.0
    for c in range(span.min_col, span.max_col + 1):
        dim = ws.column_dimensions[get_column_letter(c)]
        room += dim.width if dim.customWidth else DEFAULT_WIDTH
    lines = max(1, -(-int(text_width(cell.value) * TITLE_SCALE) // max(int(room) - 2, 1)))
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=lines > 1 or None)
    ws.row_dimensions[1].height = 30 if lines == 1 else round(TITLE_LINE * lines + 8, 1)


LINE_HEIGHT = 14.0  # points per line of 10.5 pt text


def wrapped_height(values: Sequence[Any], cols: Sequence[Col],
                   widths: Optional[Sequence[float]] = None) -> Optional[float]:
    """The row height wrapped text needs (None: one line is enough). Neither Excel nor
    LibreOffice fits row heights when opening a file, so the desk sets them. ``widths``:
    the columns' widths (default: each column's widest)."""
    lines = 1
    for i, (col, value) in enumerate(zip(cols, values, strict=True)):
        width = widths[i] if widths else col.max_width
        if col.kind == "wrap" and isinstance(value, str) and 2 * len(value) > width:
            per_line = max(width, 4)  # (shorter text fits one line: width ≤ 2 × length)
            need = sum(-(-text_width(part) // per_line) or 1 for part in value.split("\n"))
            lines = max(lines, int(need))
    return None if lines == 1 else round(LINE_HEIGHT * lines + 2, 1)


def print_setup(ws: Worksheet, header_rows: int, landscape: bool, filter_ref: Optional[str] = None,
                one_page: bool = False) -> None:
    """A4, fit to the page width (as many pages down as needed), header rows repeated on
    every page, "第 N 页，共 M 页" in the footer, frozen below the header. ``one_page``: the
    whole sheet on one page (汇总, with its chart)."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1 if one_page else 0
    # openpyxl's stubs type these parts as optional (the XML may omit them), but a sheet
    # openpyxl creates always has them: WorksheetProperties() and HeaderFooter() fill them in.
    setup_pr = cast(PageSetupProperties, ws.sheet_properties.pageSetUpPr)
    footer = cast(HeaderFooterItem, ws.oddFooter)
    setup_pr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top, ws.page_margins.bottom = 0.7, 0.7
    ws.print_title_rows = f"1:{header_rows}"
    footer.center.text = "第 &P 页，共 &N 页"
    footer.center.font = FONT_NAME
    ws.freeze_panes = f"A{header_rows + 1}"  # a string: creating the cell would add a row
    if filter_ref:
        ws.auto_filter.ref = filter_ref
