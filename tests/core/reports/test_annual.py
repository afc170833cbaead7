"""The annual report's tables from a small hand-made desk: every cell and the ids behind it."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from deskapp.core.reports import annual_labels as L
from deskapp.core.reports.annual import build_report
from deskapp.core.reports.annual_checks import check_tables
from deskapp.core.reports.annual_store import AnnualInputs, save_inputs
from deskapp.core.requests.vocab import APPEAL_KINDS, APPEAL_RESULTS, APPLICANT_TYPES, OUTCOMES
from deskapp.core.requests.yearend import section_three
from deskapp.core.store.models import InfoRequest
from tests.core.reports.annual_data import TODAY, YEAR, build


@pytest.fixture
def desk(db):
    with db.session() as s:
        ids = build(s)
    return db, ids


def test_labels_follow_the_format_and_the_request_register() -> None:
    assert L.ROW_LABELS[:4] == ("一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量",
                                "（一）予以公开", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）")
    assert L.ROW_LABELS[-2:] == ("（七）总计", "四、结转下年度继续办理")
    assert len(L.ROW_KEYS) == 2 + 2 + 8 + 3 + 5 + 3 + 1 + 1
    # the outcome rows are the register's outcome codes, in the register's order, with the same texts
    assert L.OUTCOME_ROWS == tuple(OUTCOMES)
    for key in OUTCOMES:
        spec = L.ROW_SPEC[key]
        assert OUTCOMES[key].split(" ")[-1] in (spec.sub or spec.group)
    assert [L.ROW_SPEC[k].group for k in ("refuse_1", "unable_1", "reject_1", "other_1")] == \
        ["（三）不予公开", "（四）无法提供", "（五）不予处理", "（六）其他处理"]
    assert L.COLUMN_LABELS == ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
    assert L.APPLICANT_COLUMNS == tuple(APPLICANT_TYPES)
    assert [APPLICANT_TYPES[k] for k in L.APPLICANT_COLUMNS] == list(L.COLUMN_LABELS[:6])
    assert set(L.S4_KINDS) == set(APPEAL_KINDS) and set(L.S4_RESULTS) - {"total"} == set(APPEAL_RESULTS)
    assert L.S4_RESULT_LABELS == ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
    assert [b.caption for b in L.S2_BLOCKS] == ["第二十条第（一）项", "第二十条第（五）项", "第二十条第（六）项",
                                                "第二十条第（八）项"]
    assert L.S2_BLOCKS[0].headers == ("信息内容", "本年制发件数", "本年废止件数", "现行有效件数")
    assert [label for b in L.S2_BLOCKS for _, label in b.rows] == ["规章", "行政规范性文件", "行政许可", "行政处罚",
                                                                  "行政强制", "行政事业性收费"]
    assert L.S2_BLOCKS[3].headers == ("信息内容", "本年收费金额（单位：万元）")


def test_every_cell_of_table_three(desk) -> None:
    db, ids = desk
    with db.session() as s:
        s3 = build_report(s, YEAR, TODAY).section3
    expected = {
        ("new", "person"): {"c", "h"}, ("new", "business"): {"b"}, ("new", "research"): {"f"},
        ("new", "charity"): {"e"}, ("new", "legal"): {"d"}, ("new", "other_org"): {"g"},
        ("new", "total"): {"b", "c", "d", "e", "f", "g", "h"},
        ("carried_in", "person"): {"a", "k"}, ("carried_in", "total"): {"a", "k"},
        ("open", "person"): {"a"}, ("open", "total"): {"a"},
        ("partial", "business"): {"b"}, ("partial", "total"): {"b"},
        ("refuse_3", "person"): {"c"}, ("refuse_3", "total"): {"c"},
        ("unable_2", "legal"): {"d"}, ("unable_2", "total"): {"d"},
        ("reject_4", "charity"): {"e"}, ("reject_4", "total"): {"e"},
        ("other_3", "research"): {"f"}, ("other_3", "total"): {"f"},
        ("outcomes_total", "person"): {"a", "c"}, ("outcomes_total", "business"): {"b"},
        ("outcomes_total", "research"): {"f"}, ("outcomes_total", "charity"): {"e"},
        ("outcomes_total", "legal"): {"d"}, ("outcomes_total", "total"): {"a", "b", "c", "d", "e", "f"},
        ("carried_out", "person"): {"h", "k"}, ("carried_out", "other_org"): {"g"},
        ("carried_out", "total"): {"g", "h", "k"},
    }
    for row in L.ROW_KEYS:
        for col in L.COLUMN_KEYS:
            names = expected.get((row, col), set())
            assert s3.value(row, col) == len(names), (row, col)
            assert set(s3.traced(row, col)) == {ids[n] for n in names}, (row, col)
    assert len(s3.grid()) == len(L.ROW_KEYS) and all(len(r) == 7 for r in s3.grid())
    assert s3.carried_in_source == "register"


def test_every_cell_of_table_four(desk) -> None:
    db, ids = desk
    with db.session() as s:
        s4 = build_report(s, YEAR, TODAY).section4
    expected = {("review", "upheld"): {"p1"}, ("review", "pending"): {"p2", "p3"},
                ("review", "total"): {"p1", "p2", "p3"}, ("suit_direct", "other"): {"p4"},
                ("suit_direct", "total"): {"p4"}, ("suit_after_review", "corrected"): {"p5"},
                ("suit_after_review", "total"): {"p5"}}
    for key in L.S4_CELLS:
        names = expected.get(key, set())
        assert s4.value(*key) == len(names), key
        assert set(s4.traced(*key)) == {ids[n] for n in names}, key
    assert s4.row() == [1, 0, 0, 2, 3, 0, 0, 1, 0, 1, 0, 1, 0, 0, 1]


def test_every_cell_of_table_two(desk, actor) -> None:
    db, ids = desk
    with db.session() as s:
        s2 = build_report(s, YEAR, TODAY).section2
        assert s2.value("permit", "decisions") is None  # not entered yet
        assert s2.value("regulation", "issued") == 0  # a street office makes no 规章
        save_inputs(s, actor, YEAR, AnnualInputs(permits=12, permits_note="区政务服务网", penalties=3,
                                                 penalties_note="综合执法队台账", coercions=0, fees="1.25",
                                                 fees_note="财政所"))
    with db.session() as s:
        s2 = build_report(s, YEAR, TODAY).section2
    assert set(s2.cell("normative", "issued").ids) == {ids["n2"], ids["n4"]}
    assert s2.value("normative", "issued") == 2
    assert s2.cell("normative", "repealed").ids == (ids["n3"],)
    assert set(s2.cell("normative", "in_force").ids) == {ids["n1"], ids["n2"]}
    assert s2.value("permit", "decisions") == 12 and s2.cell("permit", "decisions").source == "区政务服务网"
    assert s2.value("penalty", "decisions") == 3 and s2.value("coercion", "decisions") == 0
    assert s2.value("fee", "amount") == 1.25 and s2.cell("fee", "amount").source == "财政所"
    assert set(s2.cells) == set(L.S2_CELLS)


def test_a_consistent_desk_has_only_the_in_force_warning(desk, actor) -> None:
    db, ids = desk
    with db.session() as s:
        save_inputs(s, actor, YEAR, AnnualInputs(permits=0, penalties=0, coercions=0, fees="0"))
    with db.session() as s:
        report = build_report(s, YEAR, TODAY)
    assert report.balanced and not report.errors
    # n4 was issued this year and withdrawn (not in force, not repealed): the warning points at it
    [warning] = report.warnings
    assert (warning.table, warning.row, warning.column) == ("二", "行政规范性文件", "现行有效件数")
    assert warning.ids == (ids["n4"],)
    assert (warning.expected, warning.actual) == (3, 2)


def test_manual_carry_over_replaces_the_register_for_a_new_desk(db, actor) -> None:
    from tests.core.reports.annual_data import request

    with db.session() as s:
        request(s, "x", "person", "2025-02-01", "2025-02-10", "open")
        save_inputs(s, actor, YEAR, AnnualInputs(carried_in={"person": 2, "legal": 1}, carried_in_note="旧台账"))
    with db.session() as s:
        report = build_report(s, YEAR, TODAY)
    s3 = report.section3
    assert s3.carried_in_source == "manual"
    assert [s3.value("carried_in", c) for c in L.COLUMN_KEYS] == [2, 0, 0, 0, 1, 0, 3]
    assert s3.traced("carried_in", "person") == ()
    # no earlier year in the desk: 二 = 上年四 is not checked; the balance is (3 carried, none closed)
    assert {c.rule for c in report.errors} == {"balance", "missing_input"}
    assert {c.column_key for c in report.errors if c.rule == "balance"} == {"person", "legal", "total"}


def test_0007_creates_and_drops_the_annual_report_table(db) -> None:
    from alembic import command
    from sqlalchemy import inspect

    from deskapp.core.store import migrate

    cfg = migrate.alembic_config()
    with db.engine.connect() as conn:
        assert "annual_report" in inspect(conn).get_table_names()
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0006_requests")
        conn.commit()
        assert "annual_report" not in inspect(conn).get_table_names()
        assert "info_request" in inspect(conn).get_table_names()
        command.upgrade(cfg, "heads")
        conn.commit()
        assert "annual_report" in inspect(conn).get_table_names()


# --- any register: table 三 counted independently, and its checks hold ------------------------------

DAYS = st.integers(min_value=0, max_value=3 * 365 - 1).map(lambda n: dt.date(YEAR - 1, 1, 1) + dt.timedelta(days=n))


@st.composite
def requests_(draw):
    received = draw(DAYS)
    reply = draw(st.one_of(st.none(), st.integers(0, 400).map(lambda n: received + dt.timedelta(days=n))))
    return (draw(st.sampled_from(L.APPLICANT_COLUMNS)), received, reply,
            draw(st.sampled_from(L.OUTCOME_ROWS)) if reply else None)


@hsettings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(requests_(), max_size=25))
def test_any_register_gives_a_balanced_table_three_counted_as_the_rules_say(db, rows) -> None:
    first, last = dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)
    with db.session() as s:
        s.query(InfoRequest).delete()
        for n, (kind, received, reply, outcome) in enumerate(rows):
            s.add(InfoRequest(year=received.year, serial=n + 1, number=f"H{n}", applicant_type=kind,
                              applicant_name="甲", channel="online", received_on=received, reply_on=reply,
                              outcome=outcome))
    with db.session() as s:
        report = build_report(s, YEAR, TODAY)
        register = section_three(s, YEAR)  # the request register's own count agrees
    for row, figures in [("new", register.new), ("carried_in", register.carried_in),
                         ("outcomes_total", register.outcomes_total), ("carried_out", register.carried_out),
                         *register.outcomes.items()]:
        assert {c: report.section3.value(row, c) for c in L.COLUMN_KEYS} == figures
    assert register.balanced()
    expected: dict[tuple[str, str], int] = {}

    def add(row: str, col: str) -> None:
        for c in (col, "total"):
            expected[(row, c)] = expected.get((row, c), 0) + 1

    for kind, received, reply, outcome in rows:
        if first <= received <= last:
            add("new", kind)
        if received < first and (reply is None or reply >= first):
            add("carried_in", kind)
        if reply is not None and first <= reply <= last:
            add(outcome, kind)
            add("outcomes_total", kind)
        if received <= last and (reply is None or reply > last):
            add("carried_out", kind)
    assert {k: v for k, v in report.section3.cells.items() if v} == expected
    assert [c for c in report.checks if c.table == "三"] == []
    assert check_tables(report.section3.cells, report.section4.cells) == []
