"""The 工作台: each checklist finding is counted on a case built for it, and is zero once the
case is fixed; the figures agree with the quarterly tally's own."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from sqlalchemy import delete

from deskapp.core.board.noticeboard import board_lists
from deskapp.core.dashboard.board import HOLIDAYS, REGISTER, REQUESTS, TALLY, dashboard
from deskapp.core.reports import reported, tally
from deskapp.core.review import workflow
from deskapp.core.store import settings
from deskapp.core.store.models import CalendarYear, Department, InfoRequest, Item, WorklogEntry
from tests.core.requests.helpers import new_request
from tests.review_support import PASSWORD, make_item, make_staff

TODAY = dt.date(2026, 11, 26)  # a Thursday in the fourth quarter
_serial = itertools.count(1)


def add(s, **kw) -> int:
    """An item straight into the table: only what the rule under test reads."""
    n = next(_serial)
    base = dict(index_no=f"TEST/2026-{n:05d}", title=f"测试信息{n}", kind="工作动态", formed_on=dt.date(2026, 1, 5),
                status="draft", attribute="active")
    base.update(kw)
    item = Item(**base)
    s.add(item)
    s.flush()
    return item.id


def board(db, today=TODAY):
    with db.session() as s:
        return dashboard(s, today)


def finding(db, key, today=TODAY):
    return board(db, today).finding(key)


def test_a_new_desk_has_only_the_calendar_findings(db):
    d = board(db)
    assert d.year == 2026 and d.quarter == 4 and d.quarter_label == "第四季度"
    counts = {f.key: f.count for f in d.findings}
    assert counts["policy_without_interpretation"] == counts["board_due_down"] == 0
    assert counts["overdue_unpublished"] == counts["requests_late"] == counts["review_stalled"] == 0
    assert counts["quarters_unlocked"] == 3  # Q1–Q3 have ended and none is marked 已上报
    assert [f.label for f in d.findings] == ["规范性文件无解读", "公示期满未撤下", "超期未公开", "依申请超期",
                                             "审核超时", "下一年节假日安排未录入", "季度台账未锁定"]


def test_policy_document_without_interpretation_then_interpreted(db):
    with db.session() as s:
        doc = add(s, kind="规范性文件", status="published", published_on=dt.date(2026, 5, 10))
        add(s, kind="规范性文件", status="published", published_on=dt.date(2025, 5, 10))  # last year: not counted
    f = finding(db, "policy_without_interpretation")
    assert (f.count, f.item_ids, f.target) == (1, (doc,), REGISTER)
    with db.session() as s:
        draft = add(s, kind="政策解读", status="draft")
        s.get(Item, doc).interpretation_id = draft
    assert finding(db, "policy_without_interpretation").count == 1  # an unpublished interpretation is none
    with db.session() as s:
        interp = s.get(Item, draft)
        interp.status, interp.published_on = "published", dt.date(2026, 5, 12)
    assert finding(db, "policy_without_interpretation").count == 0


def test_notice_left_up_after_its_period_then_taken_down(db):
    with db.session() as s:
        notice = add(s, kind="公告公示", status="published", published_on=dt.date(2026, 11, 1),
                     notice_start=dt.date(2026, 11, 1), notice_end=dt.date(2026, 11, 7), posted_on=dt.date(2026, 11, 1))
        add(s, kind="公告公示", status="published", published_on=dt.date(2026, 11, 20),
            notice_start=dt.date(2026, 11, 20), notice_end=dt.date(2026, 11, 27), posted_on=dt.date(2026, 11, 20))
    d = board(db)
    f = d.finding("board_due_down")
    assert (f.count, f.item_ids) == (1, (notice,))
    with db.session() as s:  # the tile's counts are the board tab's lists
        lists = board_lists(s, TODAY)
    assert (d.board.pending, d.board.showing, d.board.due_down) == (
        len(lists["pending"]), len(lists["showing"]), len(lists["due_down"])) == (0, 1, 1)
    with db.session() as s:
        s.get(Item, notice).removed_on = dt.date(2026, 11, 20)
    d = board(db)
    assert d.finding("board_due_down").count == 0
    assert d.board.removed_late == 1  # taken down 13 days after its 公示期 ended


def test_overdue_unpublished_then_published_late(db):
    with db.session() as s:
        dep = Department(name="城管科")
        s.add(dep)
        s.flush()
        late = add(s, due_on=dt.date(2026, 11, 2), department_id=dep.id)
        add(s, due_on=dt.date(2026, 11, 30))  # not yet due
        add(s, due_on=dt.date(2026, 10, 2), status="published", published_on=dt.date(2026, 10, 1))  # in time
    d = board(db)
    f = d.finding("overdue_unpublished")
    assert (f.count, f.item_ids) == (1, (late,))
    assert d.ytd_figures["overdue_unpublished"] == 1
    assert [(r.department, r.late) for r in d.late_by_department] == [("城管科", 1)]
    with db.session() as s:
        item = s.get(Item, late)
        item.status, item.published_on = "published", dt.date(2026, 11, 25)
    d = board(db)
    assert d.finding("overdue_unpublished").count == 0
    assert [(r.department, r.late) for r in d.late_by_department] == [("城管科", 1)]  # published late still counts
    assert (d.quarter_figures["on_time"], d.quarter_figures["with_deadline"]) == (1, 2)


def test_request_past_its_due_date_then_answered(db, actor):
    request_id, _ = new_request(db, actor, dt.date(2026, 9, 1), received_on=dt.date(2026, 9, 1))
    new_request(db, actor, TODAY, received_on=TODAY)  # just received: open, not late
    d = board(db)
    f = d.finding("requests_late")
    assert (f.count, f.target) == (1, REQUESTS)
    assert f.request_filter is not None and f.request_filter.open_only and f.request_filter.overdue_only
    assert (d.requests.open, d.requests.late) == (2, 1)
    with db.session() as s:
        req = s.get(InfoRequest, request_id)
        req.outcome, req.step, req.reply_on = "open", "replied", TODAY
    d = board(db)
    assert d.finding("requests_late").count == 0 and d.requests.open == 1


def test_review_waiting_too_long_at_one_step_then_decided(db, actor):
    with db.session() as s:
        staff = make_staff(s)
        stalled = make_item(s, actor, staff, formed_on=dt.date(2026, 10, 20))
        fresh = make_item(s, actor, staff, title="刚送审的信息", formed_on=dt.date(2026, 11, 20))
        workflow.submit(s, actor, stalled, None, today=dt.date(2026, 11, 2))  # 18 working days ago
        workflow.submit(s, actor, fresh, None, today=dt.date(2026, 11, 24))
        limit = settings.get(s, "review_step_workdays")
    d = board(db)
    f = d.finding("review_stalled")
    assert (f.count, f.item_ids) == (1, (stalled,))
    assert str(limit) in f.rule
    assert d.reviews_waiting == (("科室负责人初审", 2),)
    with db.session() as s:
        workflow.approve(s, actor, stalled, None, staff.head, PASSWORD, today=TODAY)
    d = board(db)
    assert d.finding("review_stalled").count == 0
    assert d.reviews_waiting == (("科室负责人初审", 1), ("保密审查", 1))


def test_next_years_holidays_missing_from_november_then_entered(db):
    with db.session() as s:
        s.execute(delete(CalendarYear).where(CalendarYear.year == 2027))
    f = finding(db, "holidays_missing")
    assert (f.count, f.target) == (1, HOLIDAYS) and "2027年" in f.detail
    assert finding(db, "holidays_missing", dt.date(2026, 10, 15)).count == 0  # not published yet in October
    with db.session() as s:
        s.add(CalendarYear(year=2027, source="user"))
    assert finding(db, "holidays_missing").count == 0


def test_ended_quarters_not_locked_then_reported(db, actor):
    f = finding(db, "quarters_unlocked")
    assert (f.count, f.target, f.detail) == (3, TALLY, "第一季度、第二季度、第三季度")
    with db.session() as s:
        for q in (1, 2):
            reported.mark_reported(s, actor, 2026, q, TODAY)
    assert finding(db, "quarters_unlocked").detail == "第三季度"
    with db.session() as s:
        reported.mark_reported(s, actor, 2026, 3, TODAY)
    f = finding(db, "quarters_unlocked")
    assert f.ok and f.text == "季度台账未锁定：无"


@pytest.mark.parametrize("quarter", [3, 4])
def test_figures_are_the_tallys(db, quarter):
    with db.session() as s:
        for month in range(1, 12):
            day = dt.date(2026, month, 10)
            due = day + dt.timedelta(days=month % 3 - 1)  # March, June, … a day late
            add(s, kind="规范性文件", status="published", published_on=day, due_on=due)
            add(s, kind="政策解读", status="withdrawn", published_on=day, due_on=day)
            add(s, attribute="on_request", status="published", published_on=day)
        s.add(WorklogEntry(day=dt.date(2026, 8, 3), kind="meeting", title="工作会"))
        s.add(WorklogEntry(day=dt.date(2026, 11, 3), kind="training", title="培训"))
        expected = tally.quarter_figures(s, 2026, quarter, TODAY)
        d = dashboard(s, TODAY, 2026, quarter)
    for key in ("new_active", "policy_documents", "interpretations", "with_deadline", "on_time", "on_time_rate",
                "meetings", "trainings", "responses"):
        assert d.quarter_figures[key] == expected.value(key), key
        assert d.ytd_figures[key] == expected.value(key, "ytd"), key
    months = {p.month: p for p in d.months}
    assert months[12].published is None and months[11].published == 2
    assert months[3].on_time_rate == 0.5 and months[2].on_time_rate == 1.0  # March: 规范性文件 a day late
