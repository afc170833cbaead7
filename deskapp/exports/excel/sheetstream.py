"""Long lists written fast, with flat memory: rows go straight to sheet XML in a temp file,
and are spliced into the workbook after openpyxl has saved its layout (title, headers,
styles, print setup, charts).

openpyxl's own cell writer manages ~70 000 cells a second; a 25 000-row detail list is
350 000 cells. Writing the ``<row>`` elements here is ten times faster. Each column's
style is registered in the workbook through openpyxl first (``style_id``), so the ids used
here exist in the styles openpyxl writes. Strings are inline strings (``t="inlineStr"``, as
openpyxl writes them too): always text, so a value starting with "=" is never a formula.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
import zipfile
from pathlib import Path
from typing import Any, Iterable, Optional, Sequence
from xml.etree import ElementTree
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from deskapp.exports.excel.style import (
    BODY_FONT,
    BORDER,
    MAX_CELL_TEXT,
    Col,
    apply_kind,
    text_width,
    wrapped_height,
)

EPOCH = dt.date(1899, 12, 30).toordinal()  # Excel's day 0 (1900 date system)
BUFFER_ROWS = 500
WIDTH_SAMPLE = 2000  # rows whose text widths size the columns
# Characters XML 1.0 cannot carry (control characters but tab, newline, carriage return).
_ILLEGAL = {c: None for c in [*range(9), 11, 12, *range(14, 32)]}
_ILLEGAL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
       "p": "http://schemas.openxmlformats.org/package/2006/relationships"}


def _xml_text(value: str) -> str:
    """Cell text for the XML: illegal characters dropped, at most 32 767 characters, escaped.
    (Checks first: most cells need none of it, and this runs for every cell.)"""
    if _ILLEGAL_RE.search(value):
        value = value.translate(_ILLEGAL)
    if len(value) > MAX_CELL_TEXT:
        value = value[:MAX_CELL_TEXT]
    if "&" in value or "<" in value or ">" in value:
        value = escape(value)
    return value


def _style_ids(wb: Workbook, cols: Sequence[Col]) -> tuple[list[int], int]:
    """The workbook's style id for each column (and one for text in a number column)."""
    scratch = wb.create_sheet("_scratch")
    ids = []
    for i, col in enumerate([*cols, Col("", "center")], start=1):
        cell = scratch.cell(row=1, column=i)
        cell.font, cell.border = BODY_FONT, BORDER
        apply_kind(cell, col.kind)
        ids.append(cell.style_id)
    wb.remove(scratch)
    return ids[:-1], ids[-1]


class StreamedSheet:
    """The body rows of one worksheet, from ``start_row`` down. ``add`` each row, then the
    workbook is saved and :func:`splice` puts the rows in."""

    def __init__(self, wb: Workbook, ws: Worksheet, start_row: int, cols: Sequence[Col], folder: Path):
        self.ws, self.start_row, self.cols = ws, start_row, list(cols)
        self.ids, self.text_id = _style_ids(wb, cols)
        self.numeric = [c.kind in ("int", "pct", "date") for c in cols]
        self.wraps = any(c.kind == "wrap" for c in cols)
        self.letters = [get_column_letter(i + 1) for i in range(len(cols))]
        self.widths = [0] * len(cols)
        self.count = 0
        self._buffer: list[str] = []
        self._file = tempfile.NamedTemporaryFile(dir=folder, suffix=".rows", delete=False)
        self.path = Path(self._file.name)

    @property
    def last_row(self) -> int:
        """The last row written (the header row when there is none)."""
        return self.start_row + self.count - 1

    def add(self, values: Sequence[Any]) -> None:
        """Append one row. Hot path (hundreds of thousands of cells): plain type checks."""
        rs = str(self.start_row + self.count)
        ids, letters = self.ids, self.letters
        height = wrapped_height(values, self.cols) if self.wraps else None
        parts = [f'<row r="{rs}" ht="{height}" customHeight="1">' if height else f'<row r="{rs}">']
        for i, v in enumerate(values):
            t = type(v)
            if t is str and v and (text := _xml_text(v)):
                s = self.text_id if self.numeric[i] else ids[i]
                space = ' xml:space="preserve"' if text[0] in " \n\t" or text[-1] in " \n\t" else ""
                parts.append(f'<c r="{letters[i]}{rs}" s="{s}" t="inlineStr"><is><t{space}>{text}</t></is></c>')
            elif t is int or t is float:
                parts.append(f'<c r="{letters[i]}{rs}" s="{ids[i]}"><v>{v!r}</v></c>')
            elif t is dt.date:
                parts.append(f'<c r="{letters[i]}{rs}" s="{ids[i]}"><v>{v.toordinal() - EPOCH}</v></c>')
            elif v is None or t is str:
                parts.append(f'<c r="{letters[i]}{rs}" s="{ids[i]}"/>')
            else:
                parts.append(self._cell(i, rs, v))
        parts.append("</row>")
        self._buffer.append("".join(parts))
        if self.count < WIDTH_SAMPLE:
            self.widths = [max(w, text_width(v)) for w, v in zip(self.widths, values, strict=True)]
        self.count += 1
        if len(self._buffer) >= BUFFER_ROWS:
            self._flush()

    def extend(self, rows: Iterable[Sequence[Any]]) -> None:
        for row in rows:
            self.add(row)

    def _cell(self, i: int, rs: str, v: Any) -> str:
        """The rarer types: datetimes, booleans, numbers of other classes, anything else."""
        ref = f"{self.letters[i]}{rs}"
        if isinstance(v, dt.datetime):
            serial = v.toordinal() - EPOCH + (v.hour * 3600 + v.minute * 60 + v.second) / 86400
            return f'<c r="{ref}" s="{self.ids[i]}"><v>{serial!r}</v></c>'
        if isinstance(v, dt.date):
            return f'<c r="{ref}" s="{self.ids[i]}"><v>{v.toordinal() - EPOCH}</v></c>'
        if isinstance(v, bool):
            return f'<c r="{ref}" s="{self.ids[i]}" t="b"><v>{int(v)}</v></c>'
        if isinstance(v, (int, float)):
            return f'<c r="{ref}" s="{self.ids[i]}"><v>{float(v)!r}</v></c>'
        text = _xml_text(str(v))
        return f'<c r="{ref}" s="{self.ids[i]}" t="inlineStr"><is><t>{text}</t></is></c>'

    def _flush(self) -> None:
        self._file.write("".join(self._buffer).encode("utf-8"))
        self._buffer.clear()

    def finish(self) -> None:
        self._flush()
        self._file.close()

    def discard(self) -> None:
        self._file.close()
        self.path.unlink(missing_ok=True)


# --- splicing the rows into the saved workbook ---------------------------------------------------

def sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet title → its XML part, read from the workbook we have just saved ourselves."""
    book = ElementTree.fromstring(zf.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.findall("p:Relationship", _NS)}
    out = {}
    for sheet in book.findall("m:sheets/m:sheet", _NS):
        target = targets[sheet.get(f"{{{_NS['r']}}}id")]
        out[sheet.get("name", "")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return out


_EMPTY_DATA = re.compile(r"<sheetData\s*/>")
_DIMENSION = re.compile(r'<dimension ref="[^"]*"\s*/>')


def _split(xml: str, sheet: StreamedSheet) -> tuple[str, str]:
    """The sheet XML before and after where the streamed rows go."""
    last_col = sheet.letters[-1] if sheet.letters else "A"
    xml = _DIMENSION.sub(f'<dimension ref="A1:{last_col}{max(sheet.last_row, 1)}"/>', xml, count=1)
    xml = _EMPTY_DATA.sub("<sheetData></sheetData>", xml, count=1)
    at = xml.index("</sheetData>")
    return xml[:at], xml[at:]


def splice(layout: Path, out: Path, sheets: Sequence[StreamedSheet]) -> None:
    """Copy ``layout`` to ``out`` with each sheet's streamed rows put into its sheetData."""
    with zipfile.ZipFile(layout) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED,
                                                        compresslevel=6) as dst:
        parts = sheet_parts(src)
        by_part = {parts[s.ws.title]: s for s in sheets}
        for info in src.infolist():
            sheet: Optional[StreamedSheet] = by_part.get(info.filename)
            if sheet is None:
                dst.writestr(info, src.read(info), compress_type=zipfile.ZIP_DEFLATED)
                continue
            head, tail = _split(src.read(info).decode("utf-8"), sheet)
            # Level 1 for the long lists: three times faster than 6, files ~15 % larger.
            target = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            target.compress_type = zipfile.ZIP_DEFLATED
            setattr(target, "compress_level" if hasattr(target, "compress_level") else "_compresslevel", 1)
            with dst.open(target, "w") as fh, open(sheet.path, "rb") as rows:
                fh.write(head.encode("utf-8"))
                while chunk := rows.read(1 << 20):
                    fh.write(chunk)
                fh.write(tail.encode("utf-8"))
