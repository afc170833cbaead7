"""The noticeboard's rules: 公示期, the four lists, posting and taking down."""

from __future__ import annotations

import datetime as dt

import pytest

from deskapp.core.board import noticeboard
from deskapp.core.calendar.workdays import WorkCalendar
from deskapp.core.errors import DeskError, ValidationError
from deskapp.core.register.items import ItemData, create_item
from deskapp.core.store import settings


def add(s, actor, today, status="approved", kind="公告公示", **kw):
    data = ItemData(title="关于低保对象的公示", kind=kind, formed_on=dt.date(2026, 9, 1), status=status, **kw)
    return create_item(s, actor, data, today=today)


def test_period_calendar_and_working_days(db):
    with db.session() as s:
        cal = WorkCalendar.load(s)
    assert noticeboard.period_end(dt.date(2026, 9, 23), 7, "calendar", cal) == dt.date(2026, 9, 29)
    # 5 working days from Friday 2026-09-25: 9/25, 9/28, 9/29, 9/30, then the National Day
    # holiday (10/1–10/7) is skipped: 10/9 (10/10 is a make-up Saturday, the 6th).
    assert noticeboard.period_end(dt.date(2026, 9, 25), 5, "working", cal) == dt.date(2026, 10, 9)


def test_item_override_beats_setting(db, actor, today):
    with db.session() as s:
        settings.put_many(s, {"notice_days": 5, "notice_day_kind": "working"})
        item = add(s, actor, today, notice_days=10, notice_day_kind="calendar")
        assert noticeboard.notice_period(s, item, dt.date(2026, 11, 2)) == (dt.date(2026, 11, 2), dt.date(2026, 11, 11))
        other = add(s, actor, today)
        assert noticeboard.notice_period(s, other, dt.date(2026, 11, 2))[1] == dt.date(2026, 11, 6)


def test_lists_and_transitions(db, actor, today):
    with db.session() as s:
        pending = add(s, actor, today).id
        add(s, actor, today, status="draft")
        add(s, actor, today, kind="工作动态")
    with db.session() as s:
        lists = noticeboard.board_lists(s, today)
        assert [r.id for r in lists["pending"]] == [pending]
        noticeboard.register_posting(s, actor, pending, dt.date(2026, 11, 16), "东湖社区", today=today)
    with db.session() as s:
        lists = noticeboard.board_lists(s, today)
        assert lists["pending"] == [] and [r.id for r in lists["due_down"]] == [pending]
        assert lists["due_down"][0].notice_end == dt.date(2026, 11, 22)
        assert lists["due_down"][0].days_left == -4
        with pytest.raises(ValidationError):
            noticeboard.register_posting(s, actor, pending, today, "东湖社区", today=today)
        with pytest.raises(ValidationError):
            noticeboard.register_removal(s, actor, pending, dt.date(2026, 11, 1), today=today)
        noticeboard.register_removal(s, actor, pending, today, today=today)
    with db.session() as s:
        assert [r.id for r in noticeboard.board_lists(s, today)["removed"]] == [pending]


def test_rules_refuse_bad_postings(db, actor, today):
    with db.session() as s:
        draft = add(s, actor, today, status="draft")
        ok = add(s, actor, today)
        with pytest.raises(ValidationError):
            noticeboard.register_posting(s, actor, draft.id, today, "街道", today=today)
        with pytest.raises(ValidationError):
            noticeboard.register_posting(s, actor, ok.id, today + dt.timedelta(days=1), "街道", today=today)
        with pytest.raises(ValidationError):
            noticeboard.register_posting(s, actor, ok.id, today, "  ", today=today)
        with pytest.raises(ValidationError):
            noticeboard.register_removal(s, actor, ok.id, today, today=today)
        with pytest.raises(DeskError):
            noticeboard.check_printable(draft, draft=False)
        noticeboard.check_printable(draft, draft=True)


def test_history_is_the_newest_few_and_counted(db, actor, today):
    with db.session() as s:
        ids = [add(s, actor, today).id for _ in range(3)]
        for n, item_id in enumerate(ids):
            day = dt.date(2026, 11, 10 + n)
            noticeboard.register_posting(s, actor, item_id, day, "街道", today=today)
            noticeboard.register_removal(s, actor, item_id, day, today=today)
    with db.session() as s:
        lists = noticeboard.board_lists(s, today, history=2)
        assert [r.id for r in lists["removed"]] == [ids[2], ids[1]]
        assert noticeboard.removed_total(s) == 3


def test_rows_carry_the_badge_without_the_content(db, actor, today):
    from deskapp.core.privacy.masking import id_check_char

    pid = "33010219620408031" + id_check_char("33010219620408031")
    with db.session() as s:
        marked = add(s, actor, today, content=f"姓名\t身份证号\n张三\t{pid}").id
        clean = add(s, actor, today, content="现将名单公示如下。电话0571-87654321。").id
    with db.session() as s:
        rows = {r.id: r for r in noticeboard.board_lists(s, today)["pending"]}
    assert rows[marked].unmasked and not rows[clean].unmasked
