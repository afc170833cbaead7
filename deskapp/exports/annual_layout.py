"""The national layout of the annual report's tables 二, 三 and 四 (国办公开办函〔2021〕30号),
as grids of cells with their spans — one description that the Word, Excel and PDF writers
each draw, so the three files cannot drift apart cell by cell.

A :class:`Grid` is ``n_rows`` × ``n_cols``; each :class:`Cell` sits at its top-left corner
and spans ``rows`` × ``cols``. ``role`` says how it looks: ``caption`` (section 二's 第二十条
rows), ``head`` (column headers), ``note`` (table 三's top-left 勾稽 note), ``label`` (a row
label) and ``value`` (a number; ``None`` is a figure not entered, drawn blank).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional, Sequence, Union

Number = Union[int, float]
Role = str  # caption / head / note / label / value


@dataclass(frozen=True)
class Cell:
    row: int
    col: int
    role: Role
    text: str = ""
    value: Optional[Number] = None
    rows: int = 1
    cols: int = 1

    @property
    def is_value(self) -> bool:
        return self.role == "value"

    def display(self) -> str:
        """The text shown in the cell: a number without a needless ".0", blank when not given."""
        if not self.is_value:
            return self.text
        if self.value is None:
            return ""
        if isinstance(self.value, float) and not self.value.is_integer():
            return f"{self.value:.4f}".rstrip("0").rstrip(".")
        return str(int(self.value))


@dataclass(frozen=True)
class Grid:
    """One table: its cells, how many rows are headers, and relative column widths."""

    key: str  # "二" / "三" / "四"
    n_rows: int
    n_cols: int
    header_rows: int
    widths: tuple[float, ...]  # relative: the writers scale them to their page
    cells: tuple[Cell, ...]

    def at(self, row: int, col: int) -> Optional[Cell]:
        """The cell whose top-left corner is (row, col), if any."""
        for cell in self.cells:
            if cell.row == row and cell.col == col:
                return cell
        return None

    def rows_of(self, row: int) -> list[Cell]:
        return [c for c in self.cells if c.row == row]


class _Builder:
    def __init__(self) -> None:
        self.cells: list[Cell] = []

    def add(self, row: int, col: int, role: Role, text: str = "", value: Optional[Number] = None,
            rows: int = 1, cols: int = 1) -> None:
        self.cells.append(Cell(row, col, role, text, value, rows, cols))


# --- table 二 ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Block2:
    """One of section 二's four blocks: 第二十条第（N）项, its value headers, its rows."""

    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, tuple[Optional[Number], ...]], ...]


def section2_grid(blocks: Sequence[Block2], first_header: str) -> Grid:
    """Four columns: 信息内容 then three values; a block with one value spans all three."""
    b = _Builder()
    row = 0
    for block in blocks:
        b.add(row, 0, "caption", block.caption, cols=4)
        b.add(row + 1, 0, "head", first_header)
        span = 3 // len(block.columns)
        for i, head in enumerate(block.columns):
            b.add(row + 1, 1 + i * span, "head", head, cols=span)
        row += 2
        for label, values in block.rows:
            b.add(row, 0, "label", label)
            for i, value in enumerate(values):
                b.add(row, 1 + i * span, "value", value=value, cols=span)
            row += 1
    return Grid("二", row, 4, 0, (2.6, 1.8, 1.8, 1.8), tuple(b.cells))


# --- table 三 ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Row3:
    """A row label of table 三 as the format nests it: ``level`` 0 (一、…), 1 (（一）…) or 2
    (1.…); a level-1 label with children spans their rows and carries no numbers itself."""

    label: str
    children: tuple[str, ...] = ()


def section3_grid(note: str, applicant: str, natural: str, org: str, org_cols: Sequence[str],
                  total: str, outline: Sequence[tuple[str, Sequence[Row3]]],
                  values: Sequence[Sequence[Number]]) -> Grid:
    """Ten columns: three for the labels, 自然人, the five 法人或其他组织 and 总计.

    ``outline``: the top rows (一、二、三、四) each with its （一）…（七） rows (empty for the
    rows with numbers of their own). ``values``: one row of seven numbers per numbered row,
    in reading order (25 rows)."""
    b = _Builder()
    b.add(0, 0, "note", note, rows=3, cols=3)
    b.add(0, 3, "head", applicant, cols=7)
    b.add(1, 3, "head", natural, rows=2)
    b.add(1, 4, "head", org, cols=len(org_cols))
    b.add(1, 4 + len(org_cols), "head", total, rows=2)
    for i, name in enumerate(org_cols):
        b.add(2, 4 + i, "head", name)
    row = 3
    numbered = iter(values)

    def numbers(r: int) -> None:
        try:
            cells = next(numbered)
        except StopIteration:
            raise ValueError("table 三 has fewer value rows than labels") from None
        if len(cells) != 7:
            raise ValueError(f"table 三 row {r}: 7 values expected, got {len(cells)}")
        for i, v in enumerate(cells):
            b.add(r, 3 + i, "value", value=v)

    for top, subs in outline:
        if not subs:
            b.add(row, 0, "label", top, cols=3)
            numbers(row)
            row += 1
            continue
        height = sum(max(1, len(s.children)) for s in subs)
        b.add(row, 0, "label", top, rows=height)
        for sub in subs:
            if not sub.children:
                b.add(row, 1, "label", sub.label, cols=2)
                numbers(row)
                row += 1
                continue
            b.add(row, 1, "label", sub.label, rows=len(sub.children))
            for child in sub.children:
                b.add(row, 2, "label", child)
                numbers(row)
                row += 1
    if next(numbered, None) is not None:
        raise ValueError("table 三 has more value rows than labels")
    widths = (0.85, 1.15, 3.2, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0)
    return Grid("三", row, 10, 3, widths, tuple(b.cells))


def value_row_labels(outline: Sequence[tuple[str, Sequence[Row3]]]) -> list[tuple[str, ...]]:
    """Each numbered row of table 三 as its label path, in reading order: ("一、…",),
    ("三、…", "（一）…"), ("三、…", "（三）…", "1.…") …"""
    out: list[tuple[str, ...]] = []
    for top, subs in outline:
        if not subs:
            out.append((top,))
        for sub in subs:
            if not sub.children:
                out.append((top, sub.label))
            out.extend((top, sub.label, child) for child in sub.children)
    return out


# --- table 四 ---------------------------------------------------------------------------------

def section4_grid(review: str, lawsuit: str, direct: str, after_review: str,
                  outcomes: Sequence[str], values: Sequence[Number]) -> Grid:
    """Fifteen columns: 行政复议 (five outcomes spanning two header rows), 行政诉讼 over
    未经复议直接起诉 and 复议后起诉 (five each); one data row."""
    n = len(outcomes)
    if len(values) != 3 * n:
        raise ValueError(f"table 四: {3 * n} values expected, got {len(values)}")
    b = _Builder()
    b.add(0, 0, "head", review, cols=n)
    b.add(0, n, "head", lawsuit, cols=2 * n)
    for i, name in enumerate(outcomes):
        b.add(1, i, "head", name, rows=2)
    b.add(1, n, "head", direct, cols=n)
    b.add(1, 2 * n, "head", after_review, cols=n)
    for block in (1, 2):
        for i, name in enumerate(outcomes):
            b.add(2, block * n + i, "head", name)
    for i, v in enumerate(values):
        b.add(3, i, "value", value=v)
    return Grid("四", 4, 3 * n, 3, (1.0,) * (3 * n), tuple(b.cells))


# --- the whole report -------------------------------------------------------------------------

@dataclass(frozen=True)
class DocSection:
    """One of the six sections: its heading ("一、总体情况"), its paragraphs, then its table."""

    heading: str
    paragraphs: tuple[str, ...] = ()
    grid: Optional[Grid] = None


@dataclass(frozen=True)
class ReportDoc:
    """What the Word and PDF writers draw: the title, the six sections, and the sign-off
    under them (署名 and 成文日期, right-aligned)."""

    title: str
    sections: tuple[DocSection, ...]
    office: str
    date: dt.date
    anchor: str = ""  # 审计锚点, printed as a small last line (issue 15 §2)


def subheading_level(text: str) -> int:
    """1 for "（一）…" paragraphs (楷体 in the format), 0 for body text."""
    return 1 if text.startswith("（") and "）" in text[:5] else 0


LEAD_MAX = 30  # characters: a run-in heading is short


def split_lead(text: str) -> tuple[str, str]:
    """A "（一）主动公开。全年……" paragraph as its run-in heading (楷体, up to its first 。)
    and the body text after it (仿宋); ("", text) for a plain paragraph, (text, "") for a
    heading on its own line."""
    if not subheading_level(text):
        return "", text
    end = text.find("。", 0, LEAD_MAX)
    if end < 0:
        return text, ""
    return text[:end + 1], text[end + 1:]
