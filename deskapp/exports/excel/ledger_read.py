"""Reading an untrusted .xlsx ledger safely, into plain rows (core.ledger.RawSheet).

Checked before openpyxl parses anything: that it is a file, not an old .xls or an encrypted
(password-protected) workbook — both are OLE files, not zip — that it is a zip holding a
workbook, and that its members do not inflate beyond sane sizes (zip bomb). openpyxl parses
the XML with defusedxml (installed with the desk), so an entity bomb is refused, not
expanded. Every refusal is a DeskError with one Chinese sentence; nothing is written.
"""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path
from typing import Any, Optional, cast
from xml.etree import ElementTree

import defusedxml
import openpyxl
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.exceptions import InvalidFileException

from deskapp.core.errors import DeskError
from deskapp.core.ledger.fields import HEADER_SCAN_ROWS, find_header
from deskapp.core.ledger.preview import MAX_ROWS, LedgerRow, RawSheet

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and Office's encrypted .xlsx container
MAX_TOTAL_BYTES = 300 * 1024 * 1024  # all members unpacked; a 20 000-row ledger is ~30 MB
MAX_RATIO = 200  # unpacked / packed for a large member; real sheets compress ~10:1
MAX_MEMBERS = 5000
# What openpyxl raises for a broken or hostile file (it wraps most parse errors in ValueError).
READ_ERRORS = (ValueError, KeyError, IndexError, zipfile.BadZipFile, ElementTree.ParseError,
               defusedxml.DefusedXmlException, InvalidFileException, EOFError, OSError)
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+\d+(?::[A-Z]+\d+)?)"')


def _name(path: Path) -> str:
    return path.name


def check_file(path: Path) -> None:
    """Refuse, before parsing, what is not a plain .xlsx workbook."""
    if not path.exists():
        raise DeskError(f"找不到文件“{path}”，请确认文件位置后重试。")
    if path.is_dir():
        raise DeskError(f"“{path}”是一个文件夹，请选择台账的 .xlsx 文件。")
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise DeskError(f"无法读取“{_name(path)}”（{exc.strerror or exc}），请关闭正在使用它的程序后重试。") from exc
    suffix = path.suffix.lower()
    if suffix == ".xls" or (head == OLE_MAGIC and suffix != ".xlsx"):
        raise DeskError(f"“{_name(path)}”是旧版 Excel（.xls）文件，请先用 WPS 或 Excel 打开，"
                        "另存为 .xlsx 后再导入。")
    if head == OLE_MAGIC:
        raise DeskError(f"“{_name(path)}”设有打开密码（已加密），请先在 WPS 或 Excel 中取消密码，"
                        "另存为 .xlsx 后再导入。")
    if suffix != ".xlsx":
        raise DeskError(f"只能导入 .xlsx 文件，“{_name(path)}”不是；请用 WPS 或 Excel 另存为 .xlsx 后再导入。")
    if not zipfile.is_zipfile(path):
        raise DeskError(f"“{_name(path)}”不是 Excel 工作簿（文件内容不对或已损坏），请选择台账的 .xlsx 文件。")
    _check_zip(path)


def _check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise DeskError(f"“{_name(path)}”已损坏，无法打开，请用 WPS 或 Excel 另存为新的 .xlsx 后再导入。") from exc
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names:
        raise DeskError(f"“{_name(path)}”不是 Excel 工作簿（里面没有工作表），请选择台账的 .xlsx 文件。")
    total = sum(i.file_size for i in infos)
    inflated = [i for i in infos if i.file_size > 1_000_000
                and i.file_size > MAX_RATIO * max(i.compress_size, 1)]
    if len(infos) > MAX_MEMBERS or total > MAX_TOTAL_BYTES or inflated:
        raise DeskError(f"“{_name(path)}”解压后异常巨大（可能是“压缩炸弹”），为安全起见已拒绝读取；"
                        "请用 WPS 或 Excel 另存为新的 .xlsx 后再导入。")


def read_ledger(path: str | os.PathLike[str], sheet: Optional[str] = None) -> RawSheet:
    """The ledger's worksheet as plain rows: ``sheet`` by name, else the first sheet that
    has a recognisable header row, else the first sheet."""
    p = Path(path).expanduser()
    check_file(p)
    try:
        wb = openpyxl.load_workbook(p, read_only=True, data_only=False)
    except READ_ERRORS as exc:
        raise _unreadable(p, exc) from exc
    try:
        ws = _choose_sheet(wb, sheet, p)
        rows = _rows(ws, p)
        merged = _merged(wb, ws)
    except READ_ERRORS as exc:
        raise _unreadable(p, exc) from exc
    finally:
        wb.close()
    return RawSheet(p.name, ws.title, _fill_down(rows, merged), merged)


def _unreadable(path: Path, exc: BaseException) -> DeskError:
    """An entity bomb (refused by defusedxml, which openpyxl may wrap) or a broken file."""
    cause: Optional[BaseException] = exc
    while cause is not None:
        if isinstance(cause, defusedxml.DefusedXmlException):
            return DeskError(f"“{_name(path)}”含有不安全的 XML 内容（实体定义），为安全起见已拒绝读取；"
                             "请用 WPS 或 Excel 另存为新的 .xlsx 后再导入。")
        cause = cause.__cause__ or cause.__context__
    return DeskError(f"无法读取“{_name(path)}”，文件可能已损坏；请用 WPS 或 Excel 打开后另存为 .xlsx 再导入。")


def sheet_names(path: str | os.PathLike[str]) -> list[str]:
    p = Path(path).expanduser()
    check_file(p)
    try:
        wb = openpyxl.load_workbook(p, read_only=True)
    except READ_ERRORS as exc:
        raise _unreadable(p, exc) from exc
    try:
        return list(wb.sheetnames)
    finally:
        wb.close()


def _choose_sheet(wb: Any, name: Optional[str], path: Path) -> Any:
    if name:
        if name not in wb.sheetnames:
            raise DeskError(f"“{_name(path)}”中没有名为“{name}”的工作表。")
        return wb[name]
    sheets = [ws for ws in wb.worksheets if getattr(ws, "sheet_state", "visible") == "visible"]
    for ws in sheets:
        top = [tuple(c for c in row) for row in ws.iter_rows(max_row=HEADER_SCAN_ROWS, values_only=True)]
        if find_header(top) is not None:
            return ws
    if not sheets:
        raise DeskError(f"“{_name(path)}”中没有可见的工作表。")
    return sheets[0]


def _rows(ws: Any, path: Path) -> list[LedgerRow]:
    out: list[LedgerRow] = []
    filled = 0
    for row_no, cells in enumerate(ws.iter_rows(), start=1):  # every row from 1, gaps filled
        values: list[Any] = []
        formulas: set[int] = set()
        for i, cell in enumerate(cells):
            if getattr(cell, "data_type", None) == "f":
                formulas.add(i)
                values.append(None)
            else:
                values.append(cell.value)
        if not any(v not in (None, "") for v in values) and not formulas:
            continue
        filled += 1
        if filled > MAX_ROWS + HEADER_SCAN_ROWS:
            raise DeskError(f"“{_name(path)}”超过{MAX_ROWS}行，一次最多导入{MAX_ROWS}行，请分成几个文件导入。")
        out.append(LedgerRow(row_no, tuple(values), frozenset(formulas)))
    return out


def _merged(wb: Any, ws: Any) -> list[tuple[int, int, int, int]]:
    """Merged ranges, read from the sheet's XML (read-only mode does not offer them)."""
    data = wb._archive.read(ws._worksheet_path)
    out = []
    for ref in _MERGE.findall(data):
        # _MERGE matches cell references only ("A1", "A1:C3"), never whole rows or columns,
        # so every bound is a number (range_boundaries is typed for "A:C" too).
        c1, r1, c2, r2 = cast(tuple[int, int, int, int], range_boundaries(ref.decode("ascii")))
        out.append((r1, c1, r2, c2))
    return out


def _fill_down(rows: list[LedgerRow], merged: list[tuple[int, int, int, int]]) -> list[LedgerRow]:
    """A cell merged down over several rows (科室 for a block of items) means that value for
    each of them: copy it down. Merges across columns are left alone."""
    vertical = [m for m in merged if m[2] > m[0]]
    if not vertical:
        return rows
    by_row = {r.row: r for r in rows}
    for r1, c1, r2, _c2 in vertical:
        top = by_row.get(r1)
        if top is None or c1 - 1 >= len(top.values):
            continue
        value = top.values[c1 - 1]
        for n in range(r1 + 1, r2 + 1):
            row = by_row.get(n)
            if row is not None and c1 - 1 < len(row.values) and row.values[c1 - 1] in (None, ""):
                values = list(row.values)
                values[c1 - 1] = value
                by_row[n] = LedgerRow(row.row, tuple(values), row.formulas)
    return [by_row[r.row] for r in rows]
