"""Marking the annual report final: refused while a check fails; the figures freeze; later
changes to the counted rows are listed; inputs and texts are kept, validated and audited."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from deskapp.core.errors import ValidationError
from deskapp.core.reports import annual_store as store
from deskapp.core.reports.annual import build_report
from deskapp.core.reports.annual_store import AnnualInputs
from deskapp.core.store.models import AuditEvent, InfoRequest
from tests.core.reports.annual_data import TODAY, YEAR, build, request

ZERO = AnnualInputs(permits=0, penalties=0, coercions=0, fees="0")


@pytest.fixture
def desk(db):
    with db.session() as s:
        ids = build(s)
    return db, ids


def test_final_is_refused_while_a_check_fails_and_names_it(desk, actor) -> None:
    db, _ = desk
    with db.session() as s, pytest.raises(ValidationError) as exc:
        store.mark_final(s, actor, YEAR, TODAY)
    assert exc.value.message.startswith(
        "勾稽检查未通过，不能定稿：表二“第二十条第（五）项 行政许可”的本年处理决定数量尚未录入")
    assert "（另有3项）" in exc.value.message
    with db.session() as s:
        store.save_inputs(s, actor, YEAR, ZERO)
        request(s, "z", "person", "2025-04-01", "2025-04-10", None)  # closed without an outcome
    with db.session() as s, pytest.raises(ValidationError) as exc:
        store.mark_final(s, actor, YEAR, TODAY)
    assert "（七）总计为" in exc.value.message and "自然人" in exc.value.message
    with db.session() as s:
        assert store.final_info(s, YEAR) is None


def test_final_is_refused_before_the_year_ends(desk, actor) -> None:
    db, _ = desk
    with db.session() as s:
        store.save_inputs(s, actor, YEAR, ZERO)
    with db.session() as s, pytest.raises(ValidationError, match="2025年尚未结束"):
        store.mark_final(s, actor, YEAR, dt.date(YEAR, 12, 31))


def test_final_freezes_the_figures_and_lists_later_changes(desk, actor) -> None:
    db, ids = desk
    with db.session() as s:
        store.save_inputs(s, actor, YEAR, ZERO)
        before = build_report(s, YEAR, TODAY)
        info = store.mark_final(s, actor, YEAR, TODAY)
    assert info.frozen_by == actor.name
    with db.session() as s:
        assert store.changes_since_final(s, YEAR, TODAY) == []
        late = request(s, "late", "person", "2025-06-01", "2025-06-20", "open")  # registered after the report
        s.get(InfoRequest, ids["b"]).outcome = "open"  # partial → open, corrected afterwards
    with db.session() as s:
        report = build_report(s, YEAR, TODAY)
        changes = store.changes_since_final(s, YEAR, TODAY)
    assert report.final and report.frozen_at is not None and report.frozen_by == actor.name
    assert report.section3.grid() == before.section3.grid()  # the published figures
    assert report.texts == before.texts
    by_cell = {(c.table, c.row_key, c.column_key): c for c in changes}
    new_person = by_cell[("三", "new", "person")]
    assert (new_person.published, new_person.now, new_person.added, new_person.removed) == (2, 3, (late,), ())
    assert new_person.describe() == \
        "表三“一、本年新收政府信息公开申请数量”行“自然人”列：定稿时为2，现为3（新增计入1条）。"
    assert by_cell[("三", "partial", "business")].describe().startswith(
        "表三“（二）部分公开（区分处理的，只计这一情形，不计其他情形）”行“商业企业”列：定稿时为1，现为0（不再计入1条）")
    assert by_cell[("三", "partial", "business")].removed == (ids["b"],)
    assert by_cell[("三", "open", "business")].added == (ids["b"],)
    assert ("三", "open", "total") in by_cell and ("四", "review", "total") not in by_cell
    assert changes == report.changes


def test_a_final_report_keeps_its_inputs_and_texts_until_reopened(desk, actor) -> None:
    db, _ = desk
    with db.session() as s:
        store.save_inputs(s, actor, YEAR, ZERO)
        store.mark_final(s, actor, YEAR, TODAY)
    with db.session() as s, pytest.raises(ValidationError, match="已定稿"):
        store.save_inputs(s, actor, YEAR, AnnualInputs(permits=5))
    with db.session() as s, pytest.raises(ValidationError, match="已定稿"):
        store.save_texts(s, actor, YEAR, {"一": "改写"})
    with db.session() as s, pytest.raises(ValidationError, match="已经定稿"):
        store.mark_final(s, actor, YEAR, TODAY)
    with db.session() as s, pytest.raises(ValidationError, match="原因"):
        store.reopen(s, actor, YEAR, "  ")
    with db.session() as s:
        store.reopen(s, actor, YEAR, "区政务公开办退回修改")
        store.save_inputs(s, actor, YEAR, AnnualInputs(permits=5, penalties=0, coercions=0, fees="0"))
    with db.session() as s:
        report = build_report(s, YEAR, TODAY)
        assert not report.final and report.section2.value("permit", "decisions") == 5
        actions = list(s.scalars(select(AuditEvent.action).where(AuditEvent.entity == "annual_report")
                                 .order_by(AuditEvent.id)))
    assert actions == ["update_inputs", "final", "reopen", "update_inputs"]


def test_texts_replace_the_drafts_and_an_empty_text_brings_the_draft_back(desk, actor) -> None:
    db, _ = desk
    with db.session() as s:
        draft = build_report(s, YEAR, TODAY).texts
        store.save_texts(s, actor, YEAR, {"一": " 本机关全年工作……\n", "六": "本年度未收取信息处理费。"})
    with db.session() as s:
        report = build_report(s, YEAR, TODAY)
    assert report.texts == {"一": "本机关全年工作……", "五": draft["五"], "六": "本年度未收取信息处理费。"}
    assert report.drafts == draft
    with db.session() as s:
        store.save_texts(s, actor, YEAR, {"一": ""})
        assert build_report(s, YEAR, TODAY).texts["一"] == draft["一"]
    with db.session() as s, pytest.raises(ValidationError, match="第一、五、六部分"):
        store.save_texts(s, actor, YEAR, {"二": "表格不能改成文字"})


@pytest.mark.parametrize("inputs, field", [
    (AnnualInputs(permits=-1), "permits"),
    (AnnualInputs(penalties=True), "penalties"),  # a tick box is not a count
    (AnnualInputs(fees="十万"), "fees"),
    (AnnualInputs(fees="-0.5"), "fees"),
    (AnnualInputs(fees="1.23456"), "fees"),
    (AnnualInputs(carried_in={"法人": 2}), "carried_in"),
    (AnnualInputs(carried_in={"person": -2}), "carried_in"),
])
def test_wrong_inputs_are_refused_and_nothing_is_saved(db, actor, inputs, field) -> None:
    with db.session() as s, pytest.raises(ValidationError) as exc:
        store.save_inputs(s, actor, YEAR, inputs)
    assert field in exc.value.fields
    with db.session() as s:
        assert store.load_inputs(s, YEAR) == AnnualInputs()


def test_inputs_round_trip_normalised(db, actor) -> None:
    with db.session() as s:
        store.save_inputs(s, actor, YEAR,
                          AnnualInputs(fees=" 1,200.50 ", fees_note=" 财政所 ", carried_in={"legal": 1}))
    with db.session() as s:
        saved = store.load_inputs(s, YEAR)
        assert build_report(s, YEAR, TODAY).section2.value("fee", "amount") == 1200.5
    assert (saved.fees, saved.fees_note) == ("1200.5", "财政所")
    assert saved.carried_in == {"person": 0, "business": 0, "research": 0, "charity": 0, "legal": 1, "other_org": 0}
