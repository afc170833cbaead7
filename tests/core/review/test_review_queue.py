"""The queue (grouped by step, waited working days, late/soon, 待我审批, blocked steps),
the opening summary, an item's steps and timeline, and the 操作记录 filter."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook

from deskapp.core.calendar.workdays import WorkCalendar
from deskapp.core.errors import ValidationError
from deskapp.core.review import history as rh
from deskapp.core.review import queue as rq
from deskapp.core.review import workflow
from deskapp.core.review.history import HistoryFilter
from deskapp.core.store.models import Item, Person
from deskapp.exports.excel.audit_log import write_history
from tests.review_support import PASSWORD, TODAY, make_item, make_staff

DAY0 = dt.date(2026, 11, 16)  # a Monday


@pytest.fixture
def desk(db, actor):
    """Items at 初审 (since DAY0), 保密审查, 待发布, returned, draft."""
    with db.session() as s:
        staff = make_staff(s)
        ids = {name: make_item(s, actor, staff, title=f"{name}的信息", formed_on=dt.date(2026, 10, 20))
               for name in ("初审", "保密", "待发布", "退回", "草稿")}
        for key in ("初审", "保密", "待发布", "退回"):
            workflow.submit(s, actor, ids[key], None, today=DAY0)
        for key in ("保密", "待发布", "退回"):
            workflow.approve(s, actor, ids[key], None, staff.head, PASSWORD, today=DAY0 + dt.timedelta(days=2))
        for person in staff.chain[1:]:
            workflow.approve(s, actor, ids["待发布"], None, person, PASSWORD, today=DAY0 + dt.timedelta(days=3))
        workflow.return_item(s, actor, ids["退回"], None, staff.secrecy, PASSWORD, "请补充依据",
                             today=DAY0 + dt.timedelta(days=3))
    return staff, ids


def test_groups_in_flow_order_with_waited_days(db, desk):
    staff, ids = desk
    with db.session() as s:
        rows = rq.queue_rows(s, TODAY)
        groups = rq.grouped(s, rows)
        cal = WorkCalendar.load(s)
    assert [g.label for g in groups] == ["待科室负责人初审", "待保密审查", "待分管领导审核", "待主要领导签发",
                                         "待发布（已签发）", "已退回（待经办人修改）", "待送审（草稿）"]
    first = groups[0].rows[0]
    assert first.item_id == ids["初审"] and first.waited == cal.workdays_between(DAY0, TODAY) == 8
    assert first.drafter == "王经办" and first.department == "党政办公室"
    assert first.deciders == ("李科长",)
    assert groups[1].rows[0].waited == cal.workdays_between(DAY0 + dt.timedelta(days=2), TODAY)
    assert groups[2].rows == ()


def test_late_and_due_soon_flags(db, desk):
    staff, ids = desk
    with db.session() as s:
        due = s.get(Item, ids["初审"]).due_on
        rows = {r.item_id: r for r in rq.queue_rows(s, due + dt.timedelta(days=1))}
        assert rows[ids["初审"]].late and not rows[ids["初审"]].due_soon
        rows = {r.item_id: r for r in rq.queue_rows(s, due - dt.timedelta(days=1))}
        assert rows[ids["初审"]].due_soon and not rows[ids["初审"]].late


def test_waiting_for_me(db, desk):
    staff, ids = desk
    with db.session() as s:
        mine = rq.queue_rows(s, TODAY, person_id=staff.secrecy)
        assert [r.item_id for r in mine] == [ids["保密"]]
        assert rq.queue_rows(s, TODAY, person_id=staff.chief) == []


def test_blocked_step_is_reported(db, desk):
    staff, ids = desk
    with db.session() as s:
        s.get(Person, staff.head).active = False
    with db.session() as s:
        row = next(r for r in rq.queue_rows(s, TODAY) if r.item_id == ids["初审"])
        assert row.blocked and row.deciders == ()
        summary = rq.opening_summary(s, TODAY, None)
    assert summary.blocked_steps == ["科室负责人初审"]


def test_workday_counter_agrees_with_calendar(db):
    with db.session() as s:
        cal = WorkCalendar.load(s)
    counter = rq.WorkdayCounter(cal, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    for a, b in [(dt.date(2026, 9, 25), dt.date(2026, 10, 29)), (dt.date(2026, 3, 1), dt.date(2026, 3, 1)),
                 (dt.date(2026, 5, 1), dt.date(2026, 5, 9)), (dt.date(2025, 12, 20), dt.date(2026, 1, 5))]:
        assert counter.between(a, b) == cal.workdays_between(a, b)


def test_opening_summary_for_a_person_and_for_everyone(db, desk):
    staff, ids = desk
    with db.session() as s:
        due = s.get(Item, ids["初审"]).due_on
        mine = rq.opening_summary(s, TODAY, staff.head)
        everyone = rq.opening_summary(s, TODAY, None)
        drafter = rq.opening_summary(s, TODAY, staff.drafter)
        later = rq.opening_summary(s, due + dt.timedelta(days=2), None)
    assert mine.person == "李科长" and mine.waiting == [("科室负责人初审", 1)]
    assert everyone.waiting == [("科室负责人初审", 1), ("保密审查", 1)]
    assert [r.item_id for r in drafter.returned] == [ids["退回"]] and mine.returned == []
    assert later.late_total >= 4 and any(i.item_id == ids["草稿"] for i in later.late)
    assert not everyone.empty


def test_step_states_and_timeline(db, desk):
    staff, ids = desk
    with db.session() as s:
        states = rh.step_states(s, ids["保密"])
        entries = rh.timeline(s, ids["退回"])
    assert [x.state for x in states] == ["done", "current", "waiting", "waiting"]
    assert states[0].decision.person == "李科长" and states[1].people == ("赵保密",)
    assert [e.action for e in entries] == ["create", "submit", "approve", "return"]
    assert entries[-1].opinion == "请补充依据" and entries[-1].mode_label == "在线签批"


def test_paper_entry_says_so(db, actor, desk):
    staff, ids = desk
    with db.session() as s:
        workflow.record_paper_decision(s, actor, ids["保密"], None, staff.secrecy, "approve", "",
                                       TODAY - dt.timedelta(days=1), today=TODAY)
        entry = rh.timeline(s, ids["保密"])[-1]
    assert entry.mode == "paper" and "纸质签批" in entry.mode_label and actor.name in entry.mode_label


def test_history_filters_and_excel(db, actor, desk, tmp_path):
    staff, ids = desk
    with db.session() as s:
        by_head = rh.history(s, HistoryFilter(person_id=staff.head))
        on_item = rh.history(s, HistoryFilter(item_ids=(ids["退回"],)))
        none_yet = rh.history(s, HistoryFilter(last=dt.date(2000, 1, 1)))
        today_only = rh.history(s, HistoryFilter(first=dt.date.today(), last=dt.date.today()))
        found = rh.find_items(s, "退回的")
    assert {r.action for r in by_head} == {"approve"} and len(by_head) == 3
    assert [r.action_label for r in on_item] == ["退回", "同意", "送审", "新建"]
    assert {r.subject for r in on_item} == {"退回的信息"}
    assert "意见：请补充依据" in on_item[0].details and "状态：审核中 → 已退回" in on_item[0].details
    assert none_yet == [] and len(today_only) > 10
    assert [f[0] for f in found] == [ids["退回"]]
    out = tmp_path / "导出 文件夹" / "操作记录.xlsx"
    out.parent.mkdir()
    formulas = rh.HistoryRow(999, dt.datetime(2026, 11, 26, 9), "=1+1", "approve", "item", "1", '=HYPERLINK("x")')
    rows = on_item + [formulas]
    write_history(rows, out)
    ws = load_workbook(out).active
    values = [[c.value for c in row] for row in ws.iter_rows(min_row=3)]
    assert values[0] == ["编号", "时间", "操作人", "操作", "对象", "对象编号", "名称", "内容"]
    assert values[1][3] == "退回" and values[1][6] == "退回的信息" and "请补充依据" in values[1][7]
    assert values[-1][2] == "=1+1" and ws.cell(row=len(values) + 2, column=3).data_type == "s"
    assert not list(out.parent.glob(".deskapp-*"))


def test_in_review_without_steps_is_listed_for_submission(db, actor):
    """An item marked 审核中 by an imported ledger has no steps: listed to 送审, not lost."""
    with db.session() as s:
        staff = make_staff(s)
        item_id = make_item(s, actor, staff, status="in_review")
        row = next(r for r in rq.queue_rows(s, TODAY) if r.item_id == item_id)
        assert (row.group, row.status, row.position) == (rq.DRAFTS, "in_review", None)
        with pytest.raises(ValidationError):
            workflow.approve(s, actor, item_id, None, staff.head, PASSWORD, today=TODAY)
    with db.session() as s:
        out = workflow.submit(s, actor, item_id, None, today=TODAY)
        assert out.step == "科室负责人初审"
        with pytest.raises(ValidationError):
            workflow.submit(s, actor, item_id, None, today=TODAY)  # now it has its steps


def test_privacy_badges_name_unmasked_numbers_only(db, actor):
    """The queue's warning badge: unmasked ID/phone numbers in title, summary or content are
    named and counted; masked numbers and ordinary digits (dates, amounts) are not."""
    with db.session() as s:
        staff = make_staff(s)
        bare = make_item(s, actor, staff, title="低保新增对象公示")
        masked = make_item(s, actor, staff, title="低保新增对象公示（已遮盖）")
        clean = make_item(s, actor, staff, title="2026年11月26日会议通知")
        s.get(Item, bare).content = "张三 330102199001011234 电话 13800138000"
        s.get(Item, masked).content = "张三 330102********1234 电话 138****8000"
        s.get(Item, clean).content = "金额 1540 元，2026年12月1日前报送。"
    with db.session() as s:
        badges = rq.privacy_badges(s, [bare, masked, clean])
        assert badges == {bare: "含未遮盖的身份证号1处、手机号1处", masked: "", clean: ""}
        assert rq.privacy_badges(s, []) == {}


def test_every_recorded_action_and_entity_has_a_chinese_label():
    """操作记录 shows words, not identifiers: every action and entity that the code records
    (the literal names in audit.record calls) has a label."""
    import re
    from pathlib import Path

    import deskapp

    call = re.compile(r'audit\.record\(\s*\w+,\s*[\w.()]+(?:\([^)]*\))?,\s*"(\w+)",\s*"(\w+)"')
    found: set[tuple[str, str]] = set()
    for path in Path(deskapp.__file__).parent.rglob("*.py"):
        found.update(call.findall(path.read_text(encoding="utf-8")))
    assert len(found) > 20  # the pattern still finds the calls
    missing = sorted({a for a, _ in found if a not in rh.ACTIONS} | {e for _, e in found if e not in rh.ENTITIES})
    assert missing == []
