"""The annual report's 勾稽 checks, on plain numbers.

:func:`check_tables` knows nothing of the database: the report built from the register calls
it, and so does ``deskapp report check FILE.xlsx`` on numbers read from any office's workbook.
Each :class:`CheckResult` names the table, the row and the column label as the format prints
them; the register's report then adds the ids of the rows behind the failing cell
(:func:`with_ids`), which plain numbers cannot know.

The rules (国办公开办函〔2021〕30号, table 三's own top-left note and the district's practice):

- 表三, every column: 一 + 二 = 三（七） + 四.
- 表三, every column: 三（七） = the sum of （一）…（六） with their sub-rows (there are no subtotal rows).
- 表三, every row: 总计 = the sum of the six applicant columns.
- 表三, every column: 二 = last year's 四 (when last year's report is known).
- 表四: each 总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结.
- 表二: 现行有效 = last year's 现行有效 + 本年制发 − 本年废止 — a warning only, since the
  register of earlier years may be incomplete.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Iterable, Mapping, Optional, Sequence, Union

from deskapp.core.reports.annual_labels import (
    APPLICANT_COLUMNS,
    COLUMN_KEYS,
    COLUMN_LABEL,
    OUTCOME_ROWS,
    ROW_KEYS,
    ROW_SPEC,
    S2_BLOCKS,
    S2_ROW_LABELS,
    S4_KIND_LABELS,
    S4_KINDS,
    S4_RESULTS,
    s4_column_label,
)

Number = Union[int, float]
Cells = Mapping[tuple[str, str], Optional[Number]]

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class CheckResult:
    """One failing check. ``row``/``column`` are the printed labels; ``row_key``/``column_key``
    the stable keys (annual_labels) so a window can point at the cell. ``ids`` are the rows
    behind it: request ids (表三), appeal ids (表四) or item ids (表二); empty for plain numbers."""

    rule: str  # balance / outcome_sum / column_sum / carried_in / s4_total / in_force / missing_input
    table: str  # 二 / 三 / 四
    row: str
    column: str
    row_key: str
    column_key: str
    message: str  # one Chinese sentence: what is wrong, what to check
    expected: Optional[Number] = None
    actual: Optional[Number] = None
    severity: str = ERROR  # error / warning
    ids: tuple[int, ...] = ()

    @property
    def blocking(self) -> bool:
        """An error stops the report being marked final; a warning does not."""
        return self.severity == ERROR


def fmt(n: Optional[Number]) -> str:
    """A figure as the report prints it: 12, 3.5, 0.0125 (no needless ".0")."""
    if n is None:
        return "空"
    if isinstance(n, float) and not n.is_integer():
        return f"{n:.4f}".rstrip("0").rstrip(".")
    return str(int(n))


def _v(cells: Cells, key: tuple[str, str]) -> Number:
    value = cells.get(key)
    return 0 if value is None else value


def _differ(a: Number, b: Number) -> bool:
    return abs(float(a) - float(b)) > 1e-9


def check_section3(cells: Cells, last_year_carried_out: Optional[Mapping[str, Optional[Number]]] = None
                   ) -> list[CheckResult]:
    """Table 三's checks on ``{(row key, column key): number}`` (missing or None = 0)."""
    out: list[CheckResult] = []
    for col in COLUMN_KEYS:
        label = COLUMN_LABEL[col]
        left = _v(cells, ("new", col)) + _v(cells, ("carried_in", col))
        right = _v(cells, ("outcomes_total", col)) + _v(cells, ("carried_out", col))
        if _differ(left, right):
            out.append(CheckResult(
                "balance", "三", ROW_SPEC["carried_out"].label, label, "carried_out", col,
                f"表三“{label}”列：第一项加第二项之和为{fmt(left)}，第三项（七）总计加第四项之和为{fmt(right)}，"
                f"两者不等，请核对该列。", left, right))
        total = _v(cells, ("outcomes_total", col))
        parts = sum(_v(cells, (row, col)) for row in OUTCOME_ROWS)
        if _differ(total, parts):
            out.append(CheckResult(
                "outcome_sum", "三", ROW_SPEC["outcomes_total"].label, label, "outcomes_total", col,
                f"表三“{label}”列：（七）总计为{fmt(total)}，而（一）至（六）各项之和为{fmt(parts)}，"
                f"请核对该列的办理结果。", parts, total))
    for row in ROW_KEYS:
        total = _v(cells, (row, "total"))
        parts = sum(_v(cells, (row, col)) for col in APPLICANT_COLUMNS)
        if _differ(total, parts):
            spec = ROW_SPEC[row]
            name = " ".join(x for x in (spec.group, spec.sub) if x) or spec.part
            out.append(CheckResult(
                "column_sum", "三", spec.label, COLUMN_LABEL["total"], row, "total",
                f"表三“{name}”行：总计为{fmt(total)}，而六类申请人之和为{fmt(parts)}，请核对该行。", parts, total))
    if last_year_carried_out is not None:
        for col in COLUMN_KEYS:
            now = _v(cells, ("carried_in", col))
            before = last_year_carried_out.get(col)
            before = 0 if before is None else before
            if _differ(now, before):
                label = COLUMN_LABEL[col]
                out.append(CheckResult(
                    "carried_in", "三", ROW_SPEC["carried_in"].label, label, "carried_in", col,
                    f"表三“{label}”列：二、上年结转为{fmt(now)}，而上年报告的四、结转下年度继续办理为{fmt(before)}，"
                    f"请核对上年结转数。", before, now))
    return out


def check_section4(cells: Cells) -> list[CheckResult]:
    """Table 四's checks on ``{(kind key, result key): number}`` (missing or None = 0)."""
    out: list[CheckResult] = []
    for kind in S4_KINDS:
        total = _v(cells, (kind, "total"))
        parts = sum(_v(cells, (kind, r)) for r in S4_RESULTS if r != "total")
        if _differ(total, parts):
            label = s4_column_label(kind, "total")
            out.append(CheckResult(
                "s4_total", "四", S4_KIND_LABELS[kind], label, kind, "total",
                f"表四“{label}”为{fmt(total)}，而结果维持、结果纠正、其他结果、尚未审结之和为{fmt(parts)}，"
                f"请核对。", parts, total))
    return out


def check_in_force(row_key: str, previous: Optional[Number], issued: Optional[Number],
                   repealed: Optional[Number], now: Optional[Number]) -> list[CheckResult]:
    """Table 二 (第二十条第（一）项): 现行有效 = last year's 现行有效 + 制发 − 废止, a warning.
    Nothing is said when last year's figure is unknown (None)."""
    if previous is None:
        return []
    expected = previous + (issued or 0) - (repealed or 0)
    actual = now or 0
    if not _differ(expected, actual):
        return []
    label = S2_ROW_LABELS[row_key]
    return [CheckResult(
        "in_force", "二", label, "现行有效件数", row_key, "in_force",
        f"表二“{label}”：现行有效件数为{fmt(actual)}，而上年现行有效{fmt(previous)}件加本年制发{fmt(issued or 0)}件"
        f"减本年废止{fmt(repealed or 0)}件为{fmt(expected)}件，请核对（往年登记可能不全）。",
        expected, actual, WARNING)]


def check_inputs(cells: Cells, keys: Iterable[tuple[str, str]]) -> list[CheckResult]:
    """Table 二's figures kept by other systems must be entered (0 when there were none)."""
    out: list[CheckResult] = []
    for row, col in keys:
        if cells.get((row, col)) is None:
            block = next(b for b in S2_BLOCKS if row in dict(b.rows))
            column = dict(block.columns)[col]
            label = S2_ROW_LABELS[row]
            out.append(CheckResult(
                "missing_input", "二", label, column, row, col,
                f"表二“{block.caption} {label}”的{column}尚未录入，请在年度报告的录入页填写（没有的填0）。"))
    return out


def check_tables(section3: Cells, section4: Cells,
                 last_year_carried_out: Optional[Mapping[str, Optional[Number]]] = None) -> list[CheckResult]:
    """Every 勾稽 check of tables 三 and 四 on plain numbers; an empty list when all hold.

    ``section3`` is ``{(row key, column key): n}`` with the keys of annual_labels.ROW_KEYS ×
    COLUMN_KEYS (see :func:`section3_from_grid` for a list of rows); ``section4`` is
    ``{(kind, result): n}`` (S4_KINDS × S4_RESULTS, see :func:`section4_from_row`). A missing
    or empty cell counts as 0. ``last_year_carried_out`` ({column key: n}) adds 二 = 上年四."""
    return [*check_section3(section3, last_year_carried_out), *check_section4(section4)]


def section3_from_grid(grid: Sequence[Sequence[Optional[Number]]]) -> dict[tuple[str, str], Optional[Number]]:
    """Table 三 as rows of 7 numbers in the format's order (ROW_KEYS × COLUMN_KEYS)."""
    if len(grid) != len(ROW_KEYS) or any(len(row) != len(COLUMN_KEYS) for row in grid):
        raise ValueError(f"table 三 needs {len(ROW_KEYS)} rows of {len(COLUMN_KEYS)} numbers")
    return {(r, c): grid[i][j] for i, r in enumerate(ROW_KEYS) for j, c in enumerate(COLUMN_KEYS)}


def section4_from_row(row: Sequence[Optional[Number]]) -> dict[tuple[str, str], Optional[Number]]:
    """Table 四 as its one data row of 15 numbers in the format's order."""
    if len(row) != len(S4_KINDS) * len(S4_RESULTS):
        raise ValueError(f"table 四 needs {len(S4_KINDS) * len(S4_RESULTS)} numbers")
    return {(k, r): row[i * len(S4_RESULTS) + j] for i, k in enumerate(S4_KINDS) for j, r in enumerate(S4_RESULTS)}


def with_ids(check: CheckResult, ids: Iterable[int]) -> CheckResult:
    """The same check pointing at the rows behind it (sorted, once each)."""
    return replace(check, ids=tuple(sorted(set(ids))))
