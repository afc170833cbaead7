"""The annual report's tables 二, 三 and 四 as a workbook, and reading tables 三/四 back.

Writing: one sheet per table (表二, 表三, 表四), the national layout cell for cell (merged
headers, the exact labels, table 三's top-left note), numbers as numbers and labels as text
(never a formula), A4, the title on top. The layout is :mod:`deskapp.exports.annual_layout`'s,
the same the Word and PDF files draw.

Reading (``deskapp report check``): any workbook holding table 三 (and 四) in this layout —
made by the desk or typed by hand from another office's report. The header row is found by
its labels (自然人 / 行政复议), blank rows are skipped, each of table 三's 25 rows is matched to
the format's label (spacing, quotes and brackets forgiven), blanks and "—" read as empty.
The file is opened as an untrusted one (:func:`ledger_read.check_file`: no .xls, no password
protection, no zip bomb; defusedxml refuses entity bombs) and only the top-left
MAX_SCAN_ROWS × MAX_SCAN_COLS of each sheet is read, so a hostile file is refused in seconds.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import defusedxml
import openpyxl
from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from deskapp.core.errors import DeskError
from deskapp.core.reports.annual_labels import (
    COLUMN_LABELS,
    ROW_LABELS,
    S4_KIND_LABELS,
    S4_RESULT_LABELS,
    S4_REVIEW,
    S4_SUIT,
)
from deskapp.exports.annual_layout import Cell, Grid, Number, ReportDoc
from deskapp.exports.excel.ledger_read import READ_ERRORS, check_file
from deskapp.exports.excel.output import atomic_output
from deskapp.exports.excel.style import (
    BODY_FONT,
    BORDER,
    CENTER,
    HEADER_FILL,
    HEADER_FONT,
    INT_FORMAT,
    LINE_HEIGHT,
    WRAP,
    first_sheet,
    print_setup,
    put,
    text_width,
    title_rows,
)

WIDTH_SCALE = 9.0  # Excel width units per unit of the layout's relative widths
MONEY_FORMAT = "0.00##"  # 万元 with up to four decimals
MAX_SCAN_ROWS = 300
MAX_SCAN_COLS = 60
MAX_SHEETS = 30


# --- writing ----------------------------------------------------------------------------------

def _sheet(ws: Worksheet, title: str, heading: str, grid: Grid) -> None:
    top = title_rows(ws, title, heading, grid.n_cols)
    widths = [w * WIDTH_SCALE for w in grid.widths]
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    lines = [1] * grid.n_rows
    for cell in grid.cells:
        _put(ws, top, cell)
        if cell.role in ("label", "note"):
            room = sum(widths[cell.col:cell.col + cell.cols])
            need = -(-text_width(cell.text) // max(int(room) - 1, 4))
            per_row = -(-need // cell.rows)
            for r in range(cell.row, cell.row + cell.rows):
                lines[r] = max(lines[r], per_row)
    for r, n in enumerate(lines):
        ws.row_dimensions[top + r].height = round(LINE_HEIGHT * max(n, 1) + 6, 1)
    print_setup(ws, top - 1 + grid.header_rows, landscape=grid.n_cols > 10)
    ws.freeze_panes = None  # the layout's merged labels make frozen panes confusing


def _put(ws: Worksheet, top: int, cell: Cell) -> None:
    row, col = top + cell.row, 1 + cell.col
    if cell.is_value:
        value: Any = cell.value  # None stays an empty cell: a figure not entered
        put(ws, row, col, value, "int")
        if isinstance(value, float):
            ws.cell(row=row, column=col).number_format = MONEY_FORMAT
        else:
            ws.cell(row=row, column=col).number_format = INT_FORMAT
        ws.cell(row=row, column=col).alignment = CENTER
    else:
        head = cell.role in ("head", "caption")
        put(ws, row, col, cell.text, "center" if cell.role != "label" else "wrap",
            font=HEADER_FONT if head else BODY_FONT, fill=HEADER_FILL if head else None)
        if cell.role == "note":
            ws.cell(row=row, column=col).alignment = CENTER
        elif cell.role == "label":
            ws.cell(row=row, column=col).alignment = WRAP if cell.rows == 1 else \
                Alignment(horizontal="center", vertical="center", wrap_text=True)
    if cell.rows > 1 or cell.cols > 1:
        ws.merge_cells(start_row=row, start_column=col, end_row=row + cell.rows - 1,
                       end_column=col + cell.cols - 1)
        for r in range(row, row + cell.rows):
            for c in range(col, col + cell.cols):
                ws.cell(row=r, column=c).border = BORDER  # else merged edges print without lines


def render_workbook(report: ReportDoc) -> Workbook:
    wb = Workbook()
    first = True
    for section in report.sections:
        if section.grid is None:
            continue
        ws = first_sheet(wb) if first else wb.create_sheet()
        ws.title = f"表{section.grid.key}"
        first = False
        _sheet(ws, report.title, section.heading, section.grid)
        if report.anchor and ws.oddFooter is not None:  # openpyxl always makes one; typed optional
            ws.oddFooter.left.text = report.anchor
    if report.anchor and not first:  # a small last line under the last table, for audit verify --anchor
        ws.cell(row=ws.max_row + 2, column=1, value=report.anchor)
    return wb


def write_workbook(report: ReportDoc, path: os.PathLike[str] | str) -> Path:
    """Save tables 二, 三, 四 as a .xlsx, replacing ``path`` only once the whole file is written."""
    wb = render_workbook(report)
    with atomic_output(path) as folder:
        wb.save(folder / "out.xlsx")
    return Path(path).expanduser()


# --- reading ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class AnnualNumbers:
    """Tables 三 and 四 as read from a workbook. ``section3``: 25 rows of 7 numbers in the
    format's order (annual_labels.ROW_KEYS × COLUMN_KEYS); ``section4``: its 15 numbers, or
    None when the workbook has no table 四. ``None`` in a cell: left blank (counts as 0)."""

    section3: tuple[tuple[Optional[Number], ...], ...]
    section4: Optional[tuple[Optional[Number], ...]]
    sheet3: str
    sheet4: Optional[str]


_SPACE = re.compile(r"[\s\u3000]+")
_PUNCT = str.maketrans({"“": "", "”": "", '"': "", "‘": "", "’": "", "'": "", "(": "（", ")": "）",
                        "．": ".", "，": ",", "：": ":"})
_EMPTY_MARKS = {"", "-", "—", "——", "/", "／", "无", "–"}


def norm(text: Any) -> str:
    """A label as compared: no spaces, no quotes, brackets full-width, 1． as 1."""
    if text is None:
        return ""
    return _SPACE.sub("", str(text)).translate(_PUNCT)


Rows = list[tuple[int, list[Any]]]  # (sheet row number, cell values)


def read_annual_workbook(path: os.PathLike[str] | str) -> AnnualNumbers:
    """Tables 三 and 四 of any workbook in the national layout; DeskError in Chinese when
    the file cannot be read safely or the tables are not there."""
    p = Path(path).expanduser()
    check_file(p)
    sheets = _load(p, cached=False)
    if any(_has_formula(rows) for _, rows in sheets):
        sheets = _load(p, cached=True)  # formulas (=SUM(…)) as last computed by WPS/Excel
    found3: Optional[tuple[str, tuple[tuple[Optional[Number], ...], ...]]] = None
    found4: Optional[tuple[str, tuple[Optional[Number], ...]]] = None
    for name, rows in sheets:
        if found3 is None:
            t3 = _table3(rows, name)
            found3 = (name, t3) if t3 is not None else None
        if found4 is None:
            t4 = _table4(rows, name)
            found4 = (name, t4) if t4 is not None else None
    if found3 is None:
        raise DeskError(f"在“{p.name}”中没有找到表三（收到和处理政府信息公开申请情况）：找不到含“自然人”的表头，"
                        "请确认该表按全国统一格式填写。")
    return AnnualNumbers(found3[1], found4[1] if found4 else None, found3[0], found4[0] if found4 else None)


class _Formula:
    """A formula cell read without its cached value (the formula text is not a number)."""

    def __init__(self, text: str) -> None:
        self.text = text


def _load(p: Path, cached: bool) -> list[tuple[str, Rows]]:
    try:
        wb = openpyxl.load_workbook(p, read_only=True, data_only=cached)
    except READ_ERRORS as exc:
        raise _unreadable(p, exc) from exc
    try:
        out = []
        visible = [ws for ws in wb.worksheets if getattr(ws, "sheet_state", "visible") == "visible"]
        for ws in visible[:MAX_SHEETS]:
            rows: Rows = []
            for n, cells in enumerate(ws.iter_rows(max_row=MAX_SCAN_ROWS, max_col=MAX_SCAN_COLS), start=1):
                values = [_Formula(str(c.value)) if getattr(c, "data_type", None) == "f" and not cached else c.value
                          for c in cells]
                if any(v not in (None, "") for v in values):
                    rows.append((n, values))
            out.append((str(ws.title), rows))
        return out
    except READ_ERRORS as exc:
        raise _unreadable(p, exc) from exc
    finally:
        wb.close()


def _has_formula(rows: Rows) -> bool:
    return any(isinstance(v, _Formula) for _, values in rows for v in values)


def _unreadable(path: Path, exc: BaseException) -> DeskError:
    cause: Optional[BaseException] = exc
    while cause is not None:
        if isinstance(cause, defusedxml.DefusedXmlException):
            return DeskError(f"“{path.name}”含有不安全的 XML 内容（实体定义），为安全起见已拒绝读取；"
                             "请用 WPS 或 Excel 另存为新的 .xlsx 后再检查。")
        cause = cause.__cause__ or cause.__context__
    return DeskError(f"无法读取“{path.name}”，文件可能已损坏；请用 WPS 或 Excel 打开后另存为 .xlsx 再检查。")


def _find(rows: Rows, label: str, after: int = -1) -> Optional[tuple[int, int]]:
    """(index in rows, column) of the first cell reading ``label`` below row index ``after``."""
    want = norm(label)
    for i in range(after + 1, len(rows)):
        for c, v in enumerate(rows[i][1]):
            if isinstance(v, str) and norm(v) == want:
                return i, c
    return None


def _cell(values: list[Any], c: int) -> Any:
    return values[c] if c < len(values) else None


def _number(value: Any, sheet: str, row: int, col: int, what: str) -> Optional[Number]:
    where = f"工作表“{sheet}”{get_column_letter(col + 1)}{row}（{what}）"
    if isinstance(value, _Formula):
        raise DeskError(f"{where}是公式但文件中没有保存计算结果，请在 WPS 或 Excel 中打开该文件、保存后再检查。")
    if value is None:
        return None
    if isinstance(value, bool):
        raise DeskError(f"{where}应为数字，请改为数字后再检查。")
    if isinstance(value, (int, float)):
        number: Number = value
    else:
        text = norm(value)
        if text in _EMPTY_MARKS:
            return None
        try:
            number = float(text.replace(",", ""))
        except ValueError:
            raise DeskError(f"{where}的“{str(value)[:20]}”不是数字，请改为数字（没有的填0）后再检查。") from None
    if number < 0:
        raise DeskError(f"{where}为负数，数量不能为负，请核对后再检查。")
    return int(number) if float(number).is_integer() else float(number)


def _strip_number(label: str) -> str:
    """"（三）不予公开" → "不予公开", "1.属于国家秘密" → "属于国家秘密", "一、本年…" → "本年…"."""
    return re.sub(r"^(（[一二三四五六七八九十]+）|[一二三四五六七八九十]+、|\d+[.、])", "", label)


def _row_label(values: list[Any], first_value_col: int) -> str:
    texts = [norm(v) for v in values[:first_value_col] if isinstance(v, str) and norm(v)]
    return texts[-1] if texts else ""


def _table3(rows: Rows, sheet: str) -> Optional[tuple[tuple[Optional[Number], ...], ...]]:
    head = _find(rows, COLUMN_LABELS[0])  # 自然人
    if head is None:
        return None
    hi, c0 = head
    sub = _find(rows, COLUMN_LABELS[1], hi - 1)  # 商业企业, on the header row or the one below
    if sub is None or sub[1] != c0 + 1 or sub[0] > hi + 2:
        raise DeskError(f"工作表“{sheet}”表三的表头不完整：“{COLUMN_LABELS[0]}”右边应依次为商业企业、科研机构、"
                        "社会公益组织、法律服务机构、其他、总计，请按全国统一格式填写。")
    si = sub[0]
    for k, label in enumerate(COLUMN_LABELS[1:6], start=1):
        if norm(_cell(rows[si][1], c0 + k)) != norm(label):
            raise DeskError(f"工作表“{sheet}”第{rows[si][0]}行第{c0 + k + 1}列的表头应为“{label}”，"
                            f"实为“{_cell(rows[si][1], c0 + k) or '空'}”，请按全国统一格式填写。")
    total_ok = any(norm(_cell(rows[i][1], c0 + 6)) == norm(COLUMN_LABELS[6]) for i in range(hi, si + 1))
    if not total_ok:
        raise DeskError(f"工作表“{sheet}”表三的“总计”列应紧接在“其他”列右边，请按全国统一格式填写。")
    data = rows[si + 1:]
    out: list[tuple[Optional[Number], ...]] = []
    for n, expected in enumerate(ROW_LABELS):
        if n >= len(data):
            raise DeskError(f"工作表“{sheet}”的表三缺少“{expected}”及以下各行（应有{len(ROW_LABELS)}行），"
                            "请按全国统一格式补齐。")
        row_no, values = data[n]
        got = _row_label(values, c0)
        if got != norm(expected) and _strip_number(got) != _strip_number(norm(expected)):
            raise DeskError(f"工作表“{sheet}”第{row_no}行应为表三的“{expected}”，实为“{got or '空'}”，"
                            "请按全国统一格式的行次填写。")
        out.append(tuple(_number(_cell(values, c0 + k), sheet, row_no, c0 + k, f"{expected} / {COLUMN_LABELS[k]}")
                         for k in range(7)))
    return tuple(out)


def _table4(rows: Rows, sheet: str) -> Optional[tuple[Optional[Number], ...]]:
    head = _find(rows, S4_REVIEW)
    while head is not None and not any(norm(v) == norm(S4_SUIT) for v in rows[head[0]][1] if isinstance(v, str)):
        head = _find(rows, S4_REVIEW, head[0])  # 行政复议 alone is a section-heading word, not the header
    if head is None:
        return None
    hi, c0 = head
    n = len(S4_RESULT_LABELS)
    second = next((i for i in range(hi + 1, min(hi + 3, len(rows)))
                   if norm(_cell(rows[i][1], c0)) == norm(S4_RESULT_LABELS[0])), None)
    if second is None or norm(_cell(rows[second][1], c0 + n)) != norm(S4_KIND_LABELS["suit_direct"]) \
            or norm(_cell(rows[second][1], c0 + 2 * n)) != norm(S4_KIND_LABELS["suit_after_review"]):
        raise DeskError(f"工作表“{sheet}”表四的表头不完整：“行政复议”下应为结果维持……总计，“行政诉讼”下应为"
                        "“未经复议直接起诉”和“复议后起诉”各五列，请按全国统一格式填写。")
    for i in range(second + 1, len(rows)):
        row_no, values = rows[i]
        if any(norm(_cell(values, c0 + k)) == norm(S4_RESULT_LABELS[0]) for k in range(3 * n)):
            continue  # the third header row (结果维持 … under each 诉讼 kind)
        return tuple(_number(_cell(values, c0 + k), sheet, row_no, c0 + k, f"表四第{k + 1}列") for k in range(3 * n))
    raise DeskError(f"工作表“{sheet}”的表四没有数据行，请在表头下一行填写15个数字（没有的填0）。")

