"""The tally's figures, recomputed independently (raw SQL rows + plain Python, not tally.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from sqlalchemy import text

from deskapp.core.calendar.workdays import WorkCalendar  # noqa: E402
from deskapp.core.errors import ValidationError  # noqa: E402
from deskapp.core.ledger.preview import column_letter
from deskapp.core.register import items as register  # noqa: E402
from deskapp.core.register.items import ItemData  # noqa: E402
from deskapp.core.reports import reported as tally_report  # noqa: E402
from deskapp.core.reports import (
    tally,  # noqa: E402
    tally_tables,  # noqa: E402
)
from tests.f_excel_data import ACTOR, TODAY

D = dt.date.fromisoformat


def load_rows(db):
    with db.engine.connect() as c:
        items = [dict(r._mapping) for r in c.execute(text("SELECT * FROM item"))]
        log = [dict(r._mapping) for r in c.execute(text("SELECT kind, day, channel FROM worklog_entry"))]
    for r in items:
        for k in ("published_on", "due_on", "formed_on", "valid_until"):
            r[k] = D(r[k]) if isinstance(r[k], str) else r[k]  # SQLite gives text, PostgreSQL dates
    for r in log:
        r["day"] = D(r["day"]) if isinstance(r["day"], str) else r["day"]
    return items, log


def expected(items, log, first, last, as_of):
    """The rules, as the issue states them, written out again by hand."""
    by_id = {r["id"]: r for r in items}
    pub = [r for r in items if r["status"] in ("published", "withdrawn")
           and r["published_on"] and first <= r["published_on"] <= last]
    policy = [r for r in pub if r["kind"] in ("政策文件", "规范性文件")]

    def interpreted(r):
        i = by_id.get(r["interpretation_id"])
        return bool(i and i["status"] in ("published", "withdrawn") and i["published_on"]
                    and i["published_on"] < as_of)

    def in_force(r):
        if r["kind"] != "规范性文件" or r["status"] != "published" or not r["published_on"]:
            return False
        if r["published_on"] >= as_of:
            return False
        if r["valid_until"] is not None:
            return r["valid_until"] >= as_of
        return r["validity"] not in ("repealed", "expired")

    def overdue(r):
        if r["due_on"] is None or r["due_on"] >= as_of:
            return False
        if r["published_on"] is None:
            return r["status"] in ("draft", "in_review", "returned", "approved")
        return r["published_on"] >= as_of

    dated = [r for r in pub if r["due_on"]]
    ontime = [r for r in dated if r["published_on"] <= r["due_on"]]
    logs = [e for e in log if first <= e["day"] <= last]
    count = lambda kind: sum(1 for e in logs if e["kind"] == kind)  # noqa: E731
    return {
        "new_active": sum(1 for r in pub if r["attribute"] == "active"),
        "policy_documents": len(policy),
        "normative_issued": sum(1 for r in pub if r["kind"] == "规范性文件"),
        "normative_repealed": sum(1 for r in items if r["kind"] == "规范性文件"
                                  and r["validity"] in ("repealed", "expired")
                                  and r["valid_until"] and first <= r["valid_until"] <= last),
        "normative_in_force": sum(1 for r in items if in_force(r)),
        "interpretations": sum(1 for r in pub if r["kind"] == "政策解读"),
        "policy_without_interpretation": sum(1 for r in policy if not interpreted(r)),
        "notices": sum(1 for r in pub if r["kind"] == "公告公示"),
        "news": sum(1 for r in pub if r["kind"] == "工作动态"),
        "responses": count("response"), "meetings": count("meeting"),
        "trainings": count("training"), "publicity": count("publicity"),
        "hearings": count("hearing"), "supervision": count("supervision"),
        "on_time_rate": (len(ontime) / len(dated)) if dated else None,
        "on_time": len(ontime), "with_deadline": len(dated),
        "late_published": len(dated) - len(ontime),
        "overdue_unpublished": sum(1 for r in items if overdue(r)),
        "published_total": len(pub),
    }




def check_period(items, log, got, first, last, today):
    as_of = min(last + dt.timedelta(days=1), today)
    want = expected(items, log, first, last, as_of)
    assert set(got) == set(want)
    for key, value in want.items():
        if key == "on_time_rate" and value is not None:
            assert got[key] == pytest.approx(value), key
        else:
            assert got[key] == value, key


@pytest.mark.parametrize("quarter", [1, 2, 3, 4])
def test_every_figure_matches_an_independent_count(built_db, quarter):
    items, log = load_rows(built_db)
    with built_db.session() as s:
        qf = tally.quarter_figures(s, 2026, quarter, TODAY)
    rows = {r.figure.key: r for r in qf.rows}
    check_period(items, log, {k: r.quarter for k, r in rows.items()}, qf.period.first, qf.period.last, TODAY)
    check_period(items, log, {k: r.ytd for k, r in rows.items()}, dt.date(2026, 1, 1), qf.period.last, TODAY)
    for i, m in enumerate(qf.months):
        got = {k: r.months[i] for k, r in rows.items()}
        if m.first > TODAY:
            assert set(got.values()) == {None}  # December has not started on 26 November
        else:
            check_period(items, log, got, m.first, m.last, TODAY)


def test_the_data_hits_the_edges(built_db):
    """Guard against a builder that silently stops exercising a rule."""
    with built_db.session() as s:
        qf = tally.quarter_figures(s, 2026, 3, TODAY)
    for key in ("new_active", "policy_documents", "normative_issued", "interpretations",
                "policy_without_interpretation", "notices", "news", "responses", "meetings",
                "trainings", "late_published", "overdue_unpublished", "normative_in_force"):
        assert qf.value(key) > 0, key
    assert qf.value("normative_repealed", "ytd") > 0
    assert 0 < qf.value("on_time_rate") < 1


def test_withdrawn_still_counts_in_its_quarter(built_db):
    with built_db.session() as s:
        before = tally.quarter_figures(s, 2026, 3, TODAY).value("published_total")
        item = s.scalars(text("SELECT id FROM item WHERE title='季度首日发布'")).one()
        register.withdraw_item(s, ACTOR, item, "内容过时", today=TODAY)
        after = tally.quarter_figures(s, 2026, 3, TODAY).value("published_total")
    assert before == after


def test_tables_add_up_to_the_figures(built_db):
    with built_db.session() as s:
        qf = tally.quarter_figures(s, 2026, 3, TODAY)
        cats = tally_tables.by_category(s, qf)
        deps = tally_tables.by_department(s, qf)
        cal = WorkCalendar.load(s)
        detail = list(tally_tables.detail_rows(s, qf.period, cal))
        late = tally_tables.late_rows(s, qf.period, cal)
        responses = tally_tables.responses_by_channel(s, qf)
        assert tally_tables.count_detail(s, qf.period) == len(detail)
    total = qf.value("published_total")
    assert sum(r.quarter for r in cats) == total == len(detail)
    assert sum(r.ytd for r in cats) == qf.value("published_total", "ytd")
    assert [sum(r.months[i] for r in cats) for i in range(3)] == [m for m in qf.rows[-1].months]
    assert sum(d.published for d in deps) == total
    assert sum(d.on_time for d in deps) == qf.value("on_time")
    assert sum(d.late for d in deps) == qf.value("late_published")
    assert sum(d.overdue_unpublished for d in deps) == qf.value("overdue_unpublished")
    assert sum(r.quarter for r in responses) == qf.value("responses")
    assert sum(r.ytd for r in responses) == qf.value("responses", "ytd")
    assert len(late) == qf.value("late_published") + qf.value("overdue_unpublished")
    assert all(r.days_late > 0 for r in late)
    assert [r.days_late for r in late] == sorted((r.days_late for r in late), reverse=True)


def test_days_late_in_working_days(built_db):
    with built_db.session() as s:
        qf = tally.quarter_figures(s, 2026, 3, TODAY)
        cal = WorkCalendar.load(s)
        late = {r.title: r for r in tally_tables.late_rows(s, qf.period, cal)}
    assert late["期限次日发布"].workdays_late == 1
    # Due on 30 September, unpublished: late from 1 October (National Day: 0 working days yet).
    edge = late["期限为季度末日未发布"]
    assert edge.days_late == 1 and edge.workdays_late == 0 and edge.published_on is None
    assert late["期限次日发布"].late_kind == "超期发布" and edge.late_kind == "期末超期未发布"
    as_of = qf.period.as_of
    for r in late.values():
        end = r.published_on if r.published_on and r.published_on < as_of else as_of
        assert r.open_at_end == (end == as_of)
        assert r.days_late == (end - r.due_on).days
        assert r.workdays_late == cal.workdays_between(r.due_on, end)


def test_channel_table(built_db):
    with built_db.session() as s:
        qf = tally.quarter_figures(s, 2026, 3, TODAY)
        rows = {r.name: r for r in tally_tables.by_channel(s, qf)}
    assert "街道微信公众号" in rows and tally_tables.NO_CHANNEL in rows
    names = list(rows)
    assert names.index("政府网站") < names.index("街道微信公众号") < names.index(tally_tables.NO_CHANNEL)


def test_reported_quarter_is_frozen_and_changes_are_listed(built_db):
    with built_db.session() as s:
        info = tally_report.mark_reported(s, ACTOR, 2026, 3, TODAY)
        qf = tally.quarter_figures(s, 2026, 3, TODAY)
        assert info.reported_by == "测试员"
        assert not tally_report.changes_since_report(s, qf).any
    with built_db.session() as s:
        register.create_item(s, ACTOR, ItemData(title="补录的九月信息", kind="工作动态",
                                                formed_on=D("2026-09-01"), published_on=D("2026-09-02"),
                                                status="published"), today=TODAY)
        qf = tally.quarter_figures(s, 2026, 3, TODAY)
        changes = tally_report.changes_since_report(s, qf)
    labels = {(c.label, c.column) for c in changes.figures}
    assert ("发布信息总数", "本季度") in labels and ("工作动态数", "截至本季度") in labels
    change = next(c for c in changes.figures if c.label == "发布信息总数" and c.column == "本季度")
    assert change.now == change.reported + 1
    assert [(i.title, i.change) for i in changes.items] == [("补录的九月信息", "上报后新增计入")]


def test_cannot_report_a_quarter_that_has_not_started(db):
    with pytest.raises(ValidationError):
        with db.session() as s:
            tally_report.mark_reported(s, ACTOR, 2027, 1, TODAY)
    with db.session() as s:
        assert tally_report.reported_quarters(s) == []


def test_empty_database_gives_zeros_and_no_rate(db):
    with db.session() as s:
        qf = tally.quarter_figures(s, 2026, 3, TODAY)
    assert qf.value("published_total") == 0 and qf.value("on_time_rate") is None


def test_every_figure_has_a_rule_text():
    for f in tally.FIGURES:
        assert f.rule and "：" not in f.rule[:2], f.key


def test_demo_data_figures_match_an_independent_count(db):
    """The demo engineer's generated year, when that module is present."""
    demo = pytest.importorskip("deskapp.core.demo.generate")
    demo.generate(db, items=3000, year=2026, seed=3, today=TODAY)
    items, log = load_rows(db)
    with db.session() as s:
        qf = tally.quarter_figures(s, 2026, 3, TODAY)
    rows = {r.figure.key: r for r in qf.rows}
    check_period(items, log, {k: r.quarter for k, r in rows.items()}, qf.period.first, qf.period.last, TODAY)
    check_period(items, log, {k: r.ytd for k, r in rows.items()}, dt.date(2026, 1, 1), qf.period.last, TODAY)
    assert qf.value("published_total") > 300 and qf.value("interpretations") > 0


_CAL = None


def _calendar():
    global _CAL
    if _CAL is None:
        from deskapp.core.calendar.workdays import package_arrangements

        cal = WorkCalendar(known_years=set())
        for arrangement in package_arrangements():
            cal.known_years.add(arrangement.year)
            for r in arrangement.holidays:
                day = r.first
                while day <= r.last:
                    cal.holidays[day] = r.name
                    day += dt.timedelta(days=1)
            cal.makeup_workdays.update(arrangement.makeup_workdays)
        _CAL = cal
    return _CAL


days = st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2026, 12, 31))


@hsettings(max_examples=300, deadline=None)
@given(days, days)
def test_workday_counter_agrees_with_the_calendar(a, b):
    cal = _calendar()
    counter = tally_tables.WorkdayCounter(cal, dt.date(2024, 6, 1), dt.date(2026, 6, 30))
    assert counter.between(a, b) == cal.workdays_between(a, b)


@given(st.integers(min_value=0, max_value=16383))
def test_column_letters_match_excel(index):
    from openpyxl.utils import get_column_letter

    assert column_letter(index) == get_column_letter(index + 1)


@given(st.integers(min_value=0, max_value=500), st.integers(min_value=0, max_value=500))
def test_rate_is_a_share_or_nothing(part, extra):
    whole = part + extra
    value = tally.rate(part, whole)
    assert (value is None) == (whole == 0)
    if value is not None:
        assert 0 <= value <= 1 and value * whole == pytest.approx(part)
