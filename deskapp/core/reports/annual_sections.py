"""The three tables of the annual report as plain data (tables 二, 三, 四), each cell with the
ids of the rows it counts. Their own module so that the counting (:mod:`.annual`) and the
drafting of the texts (:mod:`.annual_text`) both read them without importing each other."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional

from deskapp.core.reports.annual_checks import Number
from deskapp.core.reports.annual_labels import COLUMN_KEYS, ROW_KEYS, S4_CELLS

Key = tuple[str, str]
Ids = tuple[int, ...]


@dataclass(frozen=True)
class Cell2:
    """A cell of section 二: the figure (None: not entered yet), the items it counts, its source."""

    value: Optional[Number]
    ids: Ids = ()
    source: str = ""


@dataclass(frozen=True)
class Section2:
    """Section 二, keyed by (row key, column key) of annual_labels.S2_CELLS."""

    cells: Mapping[Key, Cell2]

    def cell(self, row: str, column: str) -> Cell2:
        return self.cells[(row, column)]

    def value(self, row: str, column: str) -> Optional[Number]:
        return self.cells[(row, column)].value


@dataclass(frozen=True)
class Section3:
    """Section 三: ``cells[(row key, column key)]`` for ROW_KEYS × COLUMN_KEYS, and the request
    ids behind each cell. ``carried_in_source`` is "register" or "manual" (typed by hand)."""

    cells: Mapping[Key, int]
    ids: Mapping[Key, Ids]
    carried_in_source: str = "register"

    def value(self, row: str, column: str) -> int:
        return self.cells[(row, column)]

    def traced(self, row: str, column: str) -> Ids:
        return self.ids.get((row, column), ())

    def grid(self) -> list[list[int]]:
        """The numbers as printed: one list of 7 per row, in ROW_KEYS order."""
        return [[self.cells[(r, c)] for c in COLUMN_KEYS] for r in ROW_KEYS]


@dataclass(frozen=True)
class Section4:
    """Section 四: ``cells[(kind, result)]`` for S4_KINDS × S4_RESULTS, and the appeal ids."""

    cells: Mapping[Key, int]
    ids: Mapping[Key, Ids]

    def value(self, kind: str, result: str) -> int:
        return self.cells[(kind, result)]

    def traced(self, kind: str, result: str) -> Ids:
        return self.ids.get((kind, result), ())

    def row(self) -> list[int]:
        """The one data row of 15 numbers, in the format's order."""
        return [self.cells[k] for k in S4_CELLS]
