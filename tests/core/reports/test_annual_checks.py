"""Every 勾稽 check broken by a case: on plain numbers (check_tables, as `report check` uses it)
and on the register (each failure pointing at the rows behind it)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from deskapp.core.reports import annual_checks as C
from deskapp.core.reports import annual_labels as L
from deskapp.core.reports.annual import build_report
from deskapp.core.reports.annual_store import AnnualInputs, mark_final, save_inputs
from deskapp.core.store.models import Appeal, InfoRequest
from tests.core.reports.annual_data import TODAY, YEAR, appeal, build, item, request

ZERO_INPUTS = AnnualInputs(permits=0, penalties=0, coercions=0, fees="0")


# --- consistent tables built from numbers ------------------------------------------------------------

def consistent_section3(outcomes: dict[tuple[str, str], int], carried_in: dict[str, int],
                        carried_out: dict[str, int]) -> dict[tuple[str, str], int]:
    """Table 三 that holds: 一 = 三（七）+ 四 − 二 per column, totals summed."""
    cells: dict[tuple[str, str], int] = {}
    for col in L.APPLICANT_COLUMNS:
        for row in L.OUTCOME_ROWS:
            cells[(row, col)] = outcomes.get((row, col), 0)
        cells[("outcomes_total", col)] = sum(cells[(r, col)] for r in L.OUTCOME_ROWS)
        cells[("carried_in", col)] = carried_in.get(col, 0)
        cells[("carried_out", col)] = carried_out.get(col, 0)
        cells[("new", col)] = cells[("outcomes_total", col)] + cells[("carried_out", col)] - cells[("carried_in", col)]
    for row in L.ROW_KEYS:
        cells[(row, "total")] = sum(cells[(row, c)] for c in L.APPLICANT_COLUMNS)
    return cells


def consistent_section4(results: dict[tuple[str, str], int]) -> dict[tuple[str, str], int]:
    cells = {(k, r): results.get((k, r), 0) for k in L.S4_KINDS for r in L.S4_RESULTS if r != "total"}
    for k in L.S4_KINDS:
        cells[(k, "total")] = sum(cells[(k, r)] for r in L.S4_RESULTS if r != "total")
    return cells


SAMPLE3 = consistent_section3({("open", "person"): 5, ("refuse_3", "business"): 2, ("other_2", "legal"): 1},
                              {"person": 3, "legal": 1}, {"person": 1})
SAMPLE4 = consistent_section4({("review", "upheld"): 2, ("suit_direct", "pending"): 1})


def rules(found: list[C.CheckResult]) -> set[tuple[str, str, str]]:
    return {(c.rule, c.row_key, c.column_key) for c in found}


def test_consistent_tables_pass() -> None:
    assert C.check_tables(SAMPLE3, SAMPLE4) == []
    assert C.check_tables(SAMPLE3, SAMPLE4, {c: SAMPLE3[("carried_in", c)] for c in L.COLUMN_KEYS}) == []
    assert SAMPLE3[("new", "person")] == 3  # 5 closed + 1 carried out − 3 carried in


def test_balance_is_broken_per_column() -> None:
    broken = {**SAMPLE3, ("carried_out", "legal"): 1, ("carried_out", "total"): 2}
    found = C.check_tables(broken, SAMPLE4)
    assert rules(found) == {("balance", "carried_out", "legal"), ("balance", "carried_out", "total")}
    legal = next(c for c in found if c.column_key == "legal")
    assert (legal.table, legal.column) == ("三", "法律服务机构")
    assert "第一项加第二项之和为1" in legal.message and "第三项（七）总计加第四项之和为2" in legal.message


def test_outcome_total_must_equal_its_rows() -> None:
    # （七） says 6 for 自然人 but the rows hold 5; 一 raised too, so only the sum rule breaks
    broken = {**SAMPLE3, ("outcomes_total", "person"): 6, ("new", "person"): 4,
              ("outcomes_total", "total"): SAMPLE3[("outcomes_total", "total")] + 1,
              ("new", "total"): SAMPLE3[("new", "total")] + 1}
    found = C.check_tables(broken, SAMPLE4)
    assert rules(found) == {("outcome_sum", "outcomes_total", "person"), ("outcome_sum", "outcomes_total", "total")}
    assert found[0].row == "（七）总计" and found[0].column == "自然人"


def test_a_sub_row_counts_in_the_outcome_sum() -> None:
    broken = {**SAMPLE3, ("reject_5", "charity"): 1, ("reject_5", "total"): 1}
    found = C.check_tables(broken, SAMPLE4)
    assert ("outcome_sum", "outcomes_total", "charity") in rules(found)


def test_total_column_must_equal_the_six_columns() -> None:
    broken = {**SAMPLE3, ("refuse_3", "total"): 3,
              ("outcomes_total", "total"): SAMPLE3[("outcomes_total", "total")] + 1,
              ("new", "total"): SAMPLE3[("new", "total")] + 1}
    found = C.check_tables(broken, SAMPLE4)
    assert rules(found) == {("column_sum", "refuse_3", "total"), ("column_sum", "outcomes_total", "total"),
                            ("column_sum", "new", "total")}
    refuse = next(c for c in found if c.row_key == "refuse_3")
    assert refuse.message.startswith("表三“（三）不予公开 3.危及“三安全一稳定””行：总计为3，而六类申请人之和为2")


def test_carried_in_must_equal_last_years_carried_out() -> None:
    last = {c: SAMPLE3[("carried_in", c)] for c in L.COLUMN_KEYS}
    last["person"], last["total"] = 2, last["total"] - 1
    found = C.check_tables(SAMPLE3, SAMPLE4, last)
    assert rules(found) == {("carried_in", "carried_in", "person"), ("carried_in", "carried_in", "total")}
    assert "上年报告的四、结转下年度继续办理为2" in found[0].message


def test_table_four_totals_must_equal_their_rows() -> None:
    broken = {**SAMPLE4, ("suit_after_review", "total"): 1}
    [found] = C.check_tables(SAMPLE3, broken)
    assert (found.rule, found.table, found.row_key, found.column) == \
        ("s4_total", "四", "suit_after_review", "行政诉讼（复议后起诉）总计")


def test_in_force_is_a_warning() -> None:
    assert C.check_in_force("normative", 10, 2, 1, 11) == []
    assert C.check_in_force("normative", None, 2, 1, 5) == []  # last year unknown: nothing said
    [w] = C.check_in_force("normative", 10, 2, 1, 12)
    assert (w.severity, w.blocking, w.expected, w.actual) == ("warning", False, 11, 12)


def test_empty_cells_count_as_zero_and_grids_convert() -> None:
    grid = [[SAMPLE3[(r, c)] for c in L.COLUMN_KEYS] for r in L.ROW_KEYS]
    grid[1] = [None if v == 0 else v for v in grid[1]]
    row4 = [SAMPLE4[k] for k in L.S4_CELLS]
    assert C.check_tables(C.section3_from_grid(grid), C.section4_from_row(row4)) == []
    with pytest.raises(ValueError):
        C.section3_from_grid(grid[:-1])
    with pytest.raises(ValueError):
        C.section4_from_row(row4[:-1])


counts = st.integers(min_value=0, max_value=50)


@hsettings(max_examples=60, deadline=None)
@given(outcomes=st.dictionaries(st.tuples(st.sampled_from(L.OUTCOME_ROWS), st.sampled_from(L.APPLICANT_COLUMNS)),
                                counts, max_size=12),
       carried_in=st.dictionaries(st.sampled_from(L.APPLICANT_COLUMNS), counts, max_size=6),
       carried_out=st.dictionaries(st.sampled_from(L.APPLICANT_COLUMNS), counts, max_size=6),
       results=st.dictionaries(st.tuples(st.sampled_from(L.S4_KINDS), st.sampled_from(L.S4_RESULTS[:4])), counts),
       row=st.sampled_from(L.ROW_KEYS), col=st.sampled_from(L.COLUMN_KEYS), delta=st.integers(1, 9))
def test_any_consistent_table_passes_and_any_one_changed_cell_is_named(outcomes, carried_in, carried_out, results,
                                                                       row, col, delta) -> None:
    s3, s4 = consistent_section3(outcomes, carried_in, carried_out), consistent_section4(results)
    assert C.check_tables(s3, s4) == []
    found = C.check_tables({**s3, (row, col): s3[(row, col)] + delta}, s4)
    assert found
    assert all(c.column_key == col or c.row_key == row for c in found)
    if col != "total":
        assert any(c.column_key == col for c in found)  # the column's own check names it


@hsettings(max_examples=40, deadline=None)
@given(results=st.dictionaries(st.tuples(st.sampled_from(L.S4_KINDS), st.sampled_from(L.S4_RESULTS)), counts))
def test_table_four_fails_exactly_where_a_total_differs(results) -> None:
    cells = {(k, r): results.get((k, r), 0) for k, r in L.S4_CELLS}
    bad = {k for k in L.S4_KINDS if cells[(k, "total")] != sum(cells[(k, r)] for r in L.S4_RESULTS[:4])}
    assert {c.row_key for c in C.check_section4(cells)} == bad


# --- the register: each failure points at the rows behind it -----------------------------------------

@pytest.fixture
def desk(db, actor):
    with db.session() as s:
        ids = build(s)
        save_inputs(s, actor, YEAR, ZERO_INPUTS)
    return db, ids


def errors(db) -> list[C.CheckResult]:
    with db.session() as s:
        return build_report(s, YEAR, TODAY).errors


def test_balance_names_the_request_that_breaks_it(desk) -> None:
    db, _ = desk
    with db.session() as s:  # replied in the year, received after it (a typing error)
        bad = request(s, "z", "legal", "2026-01-02", "2025-12-30", "open")
    [found] = [c for c in errors(db) if c.column_key == "legal"]
    assert (found.rule, found.ids) == ("balance", (bad,))
    assert {c.column_key for c in errors(db)} == {"legal", "total"}


def test_outcome_sum_names_the_closed_request_without_outcome(desk) -> None:
    db, _ = desk
    with db.session() as s:
        bad = request(s, "z", "charity", "2025-04-01", "2025-04-10", None)
    found = errors(db)
    assert rules(found) == {("outcome_sum", "outcomes_total", "charity"), ("outcome_sum", "outcomes_total", "total")}
    assert all(c.ids == (bad,) for c in found)


def test_total_column_names_the_request_of_no_known_applicant_type(desk) -> None:
    db, _ = desk
    with db.session() as s:
        bad = request(s, "z", "stranger", "2025-04-01", "2025-04-10", "open")
    found = errors(db)
    assert rules(found) == {("column_sum", "new", "total"), ("column_sum", "open", "total"),
                            ("column_sum", "outcomes_total", "total")}
    assert all(c.ids == (bad,) for c in found)


def test_table_four_total_names_the_appeal_of_no_known_result(desk) -> None:
    db, _ = desk
    with db.session() as s:
        bad = appeal(s, "suit_direct", "2025-04-01", "settled", "2025-06-01")
    [found] = errors(db)
    assert (found.rule, found.row_key, found.ids) == ("s4_total", "suit_direct", (bad,))


def test_missing_inputs_are_errors(db) -> None:
    with db.session() as s:
        found = build_report(s, YEAR, TODAY).errors
    assert [(c.rule, c.row_key) for c in found] == [("missing_input", "permit"), ("missing_input", "penalty"),
                                                    ("missing_input", "coercion"), ("missing_input", "fee")]


def test_carried_in_differs_from_last_years_final_report(desk, actor) -> None:
    db, ids = desk
    last_year_today = dt.date(YEAR, 2, 1)
    with db.session() as s:
        save_inputs(s, actor, YEAR - 1, ZERO_INPUTS)
        mark_final(s, actor, YEAR - 1, last_year_today)
    assert errors(db) == []
    with db.session() as s:  # k was in fact answered before the year ended: last year's 四 was wrong
        s.get(InfoRequest, ids["k"]).reply_on = dt.date(YEAR - 1, 12, 30)
    found = errors(db)
    assert ("carried_in", "carried_in", "person") in rules(found)
    assert next(c for c in found if c.rule == "carried_in").ids == (ids["k"],)


def test_manual_carry_over_is_checked_against_the_register_of_last_year(desk, actor) -> None:
    db, ids = desk
    with db.session() as s:
        save_inputs(s, actor, YEAR, AnnualInputs(permits=0, penalties=0, coercions=0, fees="0",
                                                 carried_in={"person": 1}))
    found = [c for c in errors(db) if c.rule == "carried_in"]
    assert {c.column_key for c in found} == {"person", "total"}
    assert set(found[0].ids) == {ids["a"], ids["k"]}


def test_in_force_warning_names_an_item_expired_without_being_repealed(desk) -> None:
    db, ids = desk
    with db.session() as s:  # in force last year, its 有效期 ended this year, not marked 废止
        expired = item(s, "规范性文件", "2024-02-01", validity="valid", valid_until=dt.date(YEAR, 9, 30))
        report = build_report(s, YEAR, TODAY)
    [warning] = report.warnings
    assert set(warning.ids) == {ids["n4"], expired}
    assert report.balanced


def test_appeal_pending_at_year_end_is_not_a_failure(desk) -> None:
    db, _ = desk
    with db.session() as s:
        s.add(Appeal(kind="review", filed_on=dt.date(YEAR, 12, 1), result="upheld", result_on=dt.date(YEAR + 1, 1, 3)))
    assert errors(db) == []
