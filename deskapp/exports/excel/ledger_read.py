"""Reading an untrusted ledger workbook safely, into plain rows (core.ledger.RawSheet).

What the file is, is decided by its first bytes, not its name: a ZIP is an .xlsx (read with
openpyxl, which parses the XML with defusedxml, so an entity bomb is refused, not expanded);
an OLE2 file is either an old .xls (read with xlrd) or a password-protected .xlsx (Office puts
the encrypted workbook in an OLE2 container, as a stream named "EncryptedPackage"). A file
whose name says otherwise is read for what it is, with a note saying so.

Nothing the file declares is trusted: not the sheet's dimension (a 6 KB sheet may declare
A1:XFD1048576), not the number of rows. Rows are streamed, at most MAX_COLS columns of each
are read, reading stops after EMPTY_RUN empty rows in a row, and the members of a ZIP may not
inflate beyond sane sizes (zip bomb). Both formats go through the same row path. Every
refusal is a DeskError with one Chinese sentence; nothing is written.
"""

from __future__ import annotations

import bisect
import importlib
import itertools
import os
import re
import struct
import zipfile
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional, cast
from xml.etree import ElementTree

import defusedxml
import openpyxl
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.exceptions import InvalidFileException

from deskapp.core.errors import DeskError
from deskapp.core.ledger.fields import HEADER_SCAN_ROWS, find_header
from deskapp.core.ledger.preview import MAX_ROWS, LedgerRow, RawSheet

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and Office's encrypted .xlsx container
ZIP_MAGIC = b"PK\x03\x04"
# The stream names of an encrypted OOXML package, as the OLE2 directory stores them (UTF-16LE).
ENCRYPTED_MARKS = ("EncryptedPackage".encode("utf-16-le"), "EncryptionInfo".encode("utf-16-le"))
MAX_TOTAL_BYTES = 300 * 1024 * 1024  # all members unpacked; a 20 000-row ledger is ~30 MB
MAX_RATIO = 200  # unpacked / packed for a large member; real sheets compress ~10:1
MAX_MEMBERS = 5000
MAX_COLS = 200  # columns read of each row; a ledger has a dozen or two
EMPTY_RUN = 200  # this many empty rows in a row end the sheet, whatever it declares
PEEK_ROWS = 5000  # rows looked at past such a gap, to say that something lies below it
MAX_MERGES = 20_000  # merged ranges; a ledger has a few hundred at most
LEDGER_SUFFIXES = (".xlsx", ".xls")
# What openpyxl raises for a broken or hostile file (it wraps most parse errors in ValueError).
READ_ERRORS = (ValueError, KeyError, IndexError, zipfile.BadZipFile, ElementTree.ParseError,
               defusedxml.DefusedXmlException, InvalidFileException, EOFError, OSError)
# What xlrd raises for a broken .xls (its own errors, and the struct/index errors of bad BIFF).
XLS_ERRORS = READ_ERRORS + (struct.error, AssertionError, UnicodeDecodeError, OverflowError, TypeError)
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+\d+(?::[A-Z]+\d+)?)"')
_AS_XLSX = "请用 WPS 或 Excel 打开后另存为 .xlsx 再导入"

Cells = tuple[list[Any], frozenset[int]]  # a row's values (formulas as None) and formula columns


def _name(path: Path) -> str:
    return path.name


def _contains(path: Path, marks: Iterable[bytes], chunk: int = 1 << 20) -> bool:
    """Whether any of ``marks`` occurs in the file: read in chunks, never all at once."""
    marks = tuple(marks)
    keep = max(len(m) for m in marks) - 1
    tail = b""
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            data = tail + block
            if any(m in data for m in marks):
                return True
            tail = data[-keep:]
    return False


def sniff(path: Path) -> str:
    """What the file is by its content: 'xlsx' (a ZIP), 'xls' (OLE2 workbook), 'encrypted'
    (OLE2 holding an encrypted OOXML package), 'html', 'text' or 'unknown'."""
    if not path.exists():
        raise DeskError(f"找不到文件“{path}”，请确认文件位置后重试。")
    if path.is_dir():
        raise DeskError(f"“{path}”是一个文件夹，请选择台账的 .xlsx 或 .xls 文件。")
    try:
        with open(path, "rb") as fh:
            head = fh.read(512)
        if head.startswith(OLE_MAGIC):
            return "encrypted" if _contains(path, ENCRYPTED_MARKS) else "xls"
    except OSError as exc:
        raise DeskError(f"无法读取“{_name(path)}”（{exc.strerror or exc}），请关闭正在使用它的程序后重试。") from exc
    if head.startswith(ZIP_MAGIC):
        return "xlsx"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml", b"<meta")) or b"<html" in text:
        return "html"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:  # not just a character cut at the end of the 512 bytes
            return "unknown"
    return "text" if head and b"\x00" not in head else "unknown"


def _refusal(path: Path, kind: str) -> DeskError:
    """The true reason a file cannot be read, and what to do."""
    name = _name(path)
    if kind == "encrypted":
        return DeskError(f"“{name}”设有打开密码（已加密），请先在 WPS 或 Excel 中取消密码，另存为 .xlsx 后再导入。")
    if kind == "html":
        return DeskError(f"“{name}”其实是网页（HTML）文件，不是 Excel 工作簿（网站导出的“Excel”常是这样），"
                         f"{_AS_XLSX}。")
    if kind == "text":
        return DeskError(f"“{name}”其实是文本文件（如 CSV），不是 Excel 工作簿，{_AS_XLSX}。")
    return DeskError(f"“{name}”不是 Excel 工作簿（文件内容不对或已损坏），请选择台账的 .xlsx 或 .xls 文件。")


def check_ledger_file(path: Path) -> tuple[str, list[str]]:
    """('xlsx' or 'xls', notes): what the ledger file really is; DeskError for anything that
    cannot be read as a ledger. A workbook whose extension is wrong is read for what it is."""
    suffix = path.suffix.lower()
    if path.exists() and not path.is_dir() and suffix not in LEDGER_SUFFIXES:
        raise DeskError(f"只能导入 .xlsx 或 .xls 文件，“{_name(path)}”不是；请用 WPS 或 Excel 另存为 .xlsx 后再导入。")
    kind = sniff(path)
    if kind not in ("xlsx", "xls"):
        raise _refusal(path, kind)
    notes = []
    if f".{kind}" != suffix:
        notes.append(f"“{_name(path)}”的扩展名是 {suffix}，内容其实是 .{kind} 工作簿，已按 .{kind} 读取；"
                     f"建议把扩展名改为 .{kind}。")
    if kind == "xlsx":
        _check_zip(path)
    return kind, notes


def check_file(path: Path) -> None:
    """Refuse, before parsing, what is not a plain .xlsx workbook (for readers that take only
    .xlsx); the message says what the file really is."""
    kind = sniff(path)
    if kind == "xls":
        raise DeskError(f"“{_name(path)}”是旧版 Excel（.xls）文件，请先用 WPS 或 Excel 打开，另存为 .xlsx 后再导入。")
    if kind != "xlsx":
        raise _refusal(path, kind)
    if path.suffix.lower() != ".xlsx":
        raise DeskError(f"只能导入 .xlsx 文件，“{_name(path)}”不是；请用 WPS 或 Excel 另存为 .xlsx 后再导入。")
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
    has a recognisable header row, else the first sheet. An .xlsx or an old .xls alike."""
    p = Path(path).expanduser()
    kind, notes = check_ledger_file(p)
    book: _Book = _XlsBook(p) if kind == "xls" else _XlsxBook(p)
    try:
        name = _choose_sheet(book, sheet, p)
        rows, more = _collect(book.rows(name), p)
        merged = book.merged(name)
    except DeskError:
        raise
    except book.errors as exc:
        raise book.unreadable(exc) from exc
    finally:
        book.close()
    if len(merged) > MAX_MERGES:
        raise DeskError(f"“{_name(p)}”的工作表“{name}”有{len(merged)}处合并单元格，远超台账所需，为安全起见已拒绝读取；"
                        f"请取消合并后另存为 .xlsx 再导入。")
    return RawSheet(p.name, name, _fill_down(rows, merged), merged, notes + more)


def sheet_names(path: str | os.PathLike[str]) -> list[str]:
    p = Path(path).expanduser()
    kind, _notes = check_ledger_file(p)
    book: _Book = _XlsBook(p) if kind == "xls" else _XlsxBook(p)
    try:
        return list(book.names)
    finally:
        book.close()


def _unreadable(path: Path, exc: BaseException) -> DeskError:
    """An entity bomb (refused by defusedxml, which openpyxl may wrap) or a broken file."""
    cause: Optional[BaseException] = exc
    while cause is not None:
        if isinstance(cause, defusedxml.DefusedXmlException):
            return DeskError(f"“{_name(path)}”含有不安全的 XML 内容（实体定义），为安全起见已拒绝读取；"
                             "请用 WPS 或 Excel 另存为新的 .xlsx 后再导入。")
        cause = cause.__cause__ or cause.__context__
    return DeskError(f"无法读取“{_name(path)}”，文件可能已损坏；{_AS_XLSX}。")


# --- the two formats, one row path ---------------------------------------------------------------

class _Book(ABC):
    """A workbook opened for reading: its sheet names, visible ones, rows and merges."""

    errors: tuple[type[BaseException], ...] = READ_ERRORS
    names: list[str]
    visible: list[str]

    def __init__(self, path: Path) -> None:
        self.path = path

    @abstractmethod
    def rows(self, name: str) -> Iterator[Cells]:
        """Every row from row 1 (empty ones included), at most MAX_COLS values each."""

    @abstractmethod
    def merged(self, name: str) -> list[tuple[int, int, int, int]]:
        """Merged ranges as (min_row, min_col, max_row, max_col), 1-based."""

    def unreadable(self, exc: BaseException) -> DeskError:
        return _unreadable(self.path, exc)

    @abstractmethod
    def close(self) -> None:
        """Release the file."""


class _XlsxBook(_Book):
    def __init__(self, path: Path) -> None:
        super().__init__(path)
        # Opened as a file object: openpyxl would refuse a name ending in .xls even when the
        # content is an .xlsx (check_ledger_file decided by the content).
        self.fh = open(path, "rb")
        try:
            # Any: the read-only workbook's archive and sheet paths (for the merges) are private.
            self.wb: Any = openpyxl.load_workbook(self.fh, read_only=True, data_only=False)
        except READ_ERRORS as exc:
            self.fh.close()
            raise _unreadable(path, exc) from exc
        self.names = list(self.wb.sheetnames)
        self.visible = [ws.title for ws in self.wb.worksheets
                        if getattr(ws, "sheet_state", "visible") == "visible"]

    def rows(self, name: str) -> Iterator[Cells]:
        ws = self.wb[name]
        # The declared dimension (<dimension ref="A1:XFD1048576"/>) is not believed: rows are
        # padded to at most MAX_COLS cells, and the caller stops at a long run of empty rows.
        ws.reset_dimensions()
        for cells in ws.iter_rows(max_col=MAX_COLS):
            values: list[Any] = []
            formulas: set[int] = set()
            for i, cell in enumerate(cells):
                if getattr(cell, "data_type", None) == "f":
                    formulas.add(i)
                    values.append(None)
                else:
                    values.append(cell.value)
            yield values, frozenset(formulas)

    def merged(self, name: str) -> list[tuple[int, int, int, int]]:
        """Merged ranges, read from the sheet's XML (read-only mode does not offer them)."""
        ws = self.wb[name]
        data = self.wb._archive.read(ws._worksheet_path)
        out = []
        for ref in _MERGE.findall(data):
            # _MERGE matches cell references only ("A1", "A1:C3"), never whole rows or columns,
            # so every bound is a number (range_boundaries is typed for "A:C" too).
            c1, r1, c2, r2 = cast(tuple[int, int, int, int], range_boundaries(ref.decode("ascii")))
            out.append((r1, c1, r2, c2))
        return out

    def close(self) -> None:
        self.wb.close()
        self.fh.close()


def _xlrd() -> Any:
    """xlrd, imported when an .xls is read (it ships no type hints; start-up stays light)."""
    return importlib.import_module("xlrd")


class _XlsBook(_Book):
    errors: tuple[type[BaseException], ...] = XLS_ERRORS

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        xlrd = _xlrd()
        self.errors = XLS_ERRORS + (xlrd.XLRDError, xlrd.compdoc.CompDocError)
        try:
            # formatting_info: the merged ranges (科室 merged down a block of items).
            self.book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)
        except self.errors as exc:
            raise self.unreadable(exc) from exc
        self.names = list(self.book.sheet_names())
        self.visible = [n for i, n in enumerate(self.names)
                        if getattr(self.book.sheet_by_index(i), "visibility", 0) == 0]

    def unreadable(self, exc: BaseException) -> DeskError:
        if "encrypt" in str(exc).lower():
            return _refusal(self.path, "encrypted")
        return DeskError(f"无法读取旧版 Excel 文件“{_name(self.path)}”，文件可能已损坏；{_AS_XLSX}。")

    def rows(self, name: str) -> Iterator[Cells]:
        sheet = self.book.sheet_by_name(name)
        for r in range(sheet.nrows):
            cells = sheet.row_slice(r, 0, min(sheet.ncols, MAX_COLS))
            yield [self._value(c) for c in cells], frozenset()  # xlrd gives a formula's last value

    def _value(self, cell: Any) -> Any:
        xlrd = _xlrd()
        kind = cell.ctype
        if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
            return None
        if kind == xlrd.XL_CELL_DATE:
            try:  # the workbook's own date mode (1900 or 1904)
                return xlrd.xldate.xldate_as_datetime(cell.value, self.book.datemode)
            except (ValueError, OverflowError, xlrd.xldate.XLDateError):
                return cell.value
        if kind == xlrd.XL_CELL_BOOLEAN:
            return bool(cell.value)
        return cell.value

    def merged(self, name: str) -> list[tuple[int, int, int, int]]:
        """xlrd's (rlo, rhi, clo, chi), half-open and 0-based, as 1-based inclusive bounds."""
        sheet = self.book.sheet_by_name(name)
        return [(rlo + 1, clo + 1, rhi, chi) for rlo, rhi, clo, chi in sheet.merged_cells]

    def close(self) -> None:
        self.book.release_resources()


def _choose_sheet(book: _Book, name: Optional[str], path: Path) -> str:
    if name:
        if name not in book.names:
            raise DeskError(f"“{_name(path)}”中没有名为“{name}”的工作表。")
        return name
    for candidate in book.visible:
        top = [values for values, _f in itertools.islice(book.rows(candidate), HEADER_SCAN_ROWS)]
        if find_header(top) is not None:
            return candidate
    if not book.visible:
        raise DeskError(f"“{_name(path)}”中没有可见的工作表。")
    return book.visible[0]


def _filled(cells: Cells) -> bool:
    values, formulas = cells
    return bool(formulas) or any(v not in (None, "") for v in values)


def _collect(rows: Iterator[Cells], path: Path) -> tuple[list[LedgerRow], list[str]]:
    """The non-empty rows with their Excel row numbers, read until EMPTY_RUN empty rows in a
    row (a note when something lies below that gap)."""
    out: list[LedgerRow] = []
    empty = 0
    for row_no, cells in enumerate(rows, start=1):
        if not _filled(cells):
            empty += 1
            if empty >= EMPTY_RUN:
                return out, _below_gap(rows, row_no)
            continue
        empty = 0
        if len(out) >= MAX_ROWS + HEADER_SCAN_ROWS:
            raise DeskError(f"“{_name(path)}”超过{MAX_ROWS}行，一次最多导入{MAX_ROWS}行，请分成几个文件导入。")
        values, formulas = cells
        width = max([i + 1 for i, v in enumerate(values) if v not in (None, "")] + [i + 1 for i in formulas])
        out.append(LedgerRow(row_no, tuple(values[:width]), formulas))  # no padding to a declared width
    return out, []


def _below_gap(rows: Iterator[Cells], row_no: int) -> list[str]:
    for offset, cells in enumerate(itertools.islice(rows, PEEK_ROWS), start=1):
        if _filled(cells):
            return [f"第{row_no - EMPTY_RUN + 1}行起连续{EMPTY_RUN}行是空行，其下（如第{row_no + offset}行）的内容"
                    "没有读取；如那也是台账的一部分，请删去中间的空行后重新导入。"]
    return []


def _fill_down(rows: list[LedgerRow], merged: list[tuple[int, int, int, int]]) -> list[LedgerRow]:
    """A cell merged down over several rows (科室 for a block of items) means that value for
    each of them: copy it down. Merges across columns are left alone."""
    vertical = [m for m in merged if m[2] > m[0]]
    if not vertical:
        return rows
    by_row = {r.row: r for r in rows}
    numbers = sorted(by_row)
    for r1, c1, r2, _c2 in vertical:
        top = by_row.get(r1)
        if top is None or c1 - 1 >= len(top.values):
            continue
        value = top.values[c1 - 1]
        # Only the rows read (a range may claim a million rows), found by bisection.
        for n in numbers[bisect.bisect_right(numbers, r1):bisect.bisect_right(numbers, r2)]:
            row = by_row[n]
            values = list(row.values) + [None] * (c1 - len(row.values))  # rows end at their last cell
            if values[c1 - 1] in (None, ""):
                values[c1 - 1] = value
                by_row[n] = LedgerRow(row.row, tuple(values), row.formulas)
    return [by_row[r.row] for r in rows]
