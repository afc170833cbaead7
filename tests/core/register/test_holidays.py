"""Entering a year's holiday arrangement: rules, recomputation, audit, in one transaction."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from deskapp.core.calendar.workdays import HolidayRange, WorkCalendar, YearArrangement, known_years
from deskapp.core.errors import ValidationError
from deskapp.core.register import holidays
from deskapp.core.register.items import ItemData, create_item
from deskapp.core.store.models import AuditEvent, Item

D = dt.date
LATER = D(2027, 12, 31)  # "today" for items formed in 2027


def arrangement_2027(**overrides):
    values = dict(
        holidays=[HolidayRange("元旦", D(2027, 1, 1), D(2027, 1, 3)),
                  HolidayRange("春节", D(2027, 2, 6), D(2027, 2, 13)),
                  HolidayRange("国庆节", D(2027, 10, 1), D(2027, 10, 7))],
        makeup_workdays=[D(2027, 2, 14), D(2027, 10, 9)],
    )
    values.update(overrides)
    return YearArrangement(2027, **values)


def test_status_of_years(db):
    with db.session() as s:
        assert holidays.year_info(s, 2026).source == "package"
        info = holidays.year_info(s, 2027)
    assert info.source is None and not info.in_package
    assert info.status_text == "未录入，期限暂按周一至周五计算"
    assert info.arrangement.holidays == []


def test_entering_an_unknown_year_makes_provisional_deadlines_firm(db, actor, today):
    with db.session() as s:
        crossing = create_item(s, actor, ItemData(title="年底通知", formed_on=D(2026, 12, 20)), today=LATER)
        in_2027 = create_item(s, actor, ItemData(title="春节慰问", formed_on=D(2027, 1, 28)), today=LATER)
        before_2027 = create_item(s, actor, ItemData(title="国庆安排", formed_on=D(2026, 9, 25)), today=today)
        assert (crossing.due_on, crossing.due_provisional) == (D(2027, 1, 15), True)
        assert in_2027.due_provisional and not before_2027.due_provisional
    with db.session() as s:
        assert holidays.provisional_count(s) == 2
        changed = holidays.save_year(s, actor, arrangement_2027())
    assert changed == 2
    with db.session() as s:
        firm = s.get(Item, crossing.id)
        assert (firm.due_on, firm.due_provisional) == (D(2027, 1, 18), False)  # 元旦 skipped
        later = s.get(Item, in_2027.id)
        assert later.due_provisional is False
        assert later.due_on == WorkCalendar.load(s).due_date(D(2027, 1, 28), 20).due
        assert s.get(Item, before_2027.id).due_on == D(2026, 10, 29)
        assert known_years(s)[2027] == "user"
        assert holidays.provisional_count(s) == 0


def test_saving_a_year_is_audited_with_before_and_after(db, actor):
    with db.session() as s:
        holidays.save_year(s, actor, arrangement_2027())
    with db.session() as s:
        holidays.save_year(s, actor, arrangement_2027(makeup_workdays=[D(2027, 2, 14)]))
    with db.session() as s:
        events = s.scalars(select(AuditEvent).where(AuditEvent.entity == "calendar_year")).all()
    assert [(e.action, e.entity_id, e.actor_name) for e in events] == [
        ("create", "2027", "测试员"), ("update", "2027", "测试员")]
    assert events[0].before["source"] is None and events[0].before["holidays"] == []
    assert events[0].after["holidays"][0] == ["元旦", "2027-01-01", "2027-01-03"]
    assert events[1].before["makeup_workdays"] == ["2027-02-14", "2027-10-09"]
    assert events[1].after["makeup_workdays"] == ["2027-02-14"]


def test_a_saved_year_reads_back_as_entered(db, actor):
    with db.session() as s:
        holidays.save_year(s, actor, arrangement_2027(makeup_workdays=[D(2027, 10, 9), D(2027, 2, 14)]))
    with db.session() as s:
        back = holidays.year_info(s, 2027).arrangement
    assert back.holidays == arrangement_2027().holidays
    assert back.makeup_workdays == [D(2027, 2, 14), D(2027, 10, 9)]


@pytest.mark.parametrize("overrides, field, words", [
    ({"holidays": []}, "holidays", "至少"),
    ({"holidays": [HolidayRange("中秋节", D(2027, 9, 15), D(2027, 9, 17)),
                   HolidayRange("国庆节", D(2027, 9, 17), D(2027, 9, 20))]}, "holidays", "重叠"),
    ({"holidays": [HolidayRange("国庆节", D(2027, 10, 7), D(2027, 10, 1))]}, "holidays", "早于"),
    ({"holidays": [HolidayRange(" ", D(2027, 10, 1), D(2027, 10, 7))]}, "holidays", "名称"),
    ({"holidays": [HolidayRange("国庆节", D(2028, 10, 1), D(2028, 10, 7))]}, "holidays", "2027"),
    ({"holidays": [HolidayRange("暑假", D(2027, 7, 1), D(2027, 8, 31))]}, "holidays", "一个月"),
    ({"makeup_workdays": [D(2027, 10, 4)]}, "makeup", "假日"),  # inside 国庆节
    ({"makeup_workdays": [D(2027, 10, 12)]}, "makeup", "周六或周日"),  # a Tuesday
    ({"makeup_workdays": [D(2026, 12, 26)]}, "makeup", "不在2027年内"),
    ({"makeup_workdays": [D(2027, 2, 14), D(2027, 2, 14)]}, "makeup", "重复"),
])
def test_bad_arrangements_are_refused_and_nothing_changes(db, actor, today, overrides, field, words):
    with db.session() as s:
        item = create_item(s, actor, ItemData(title="年底通知", formed_on=D(2026, 12, 20)), today=LATER)
    with pytest.raises(ValidationError) as exc:
        with db.session() as s:
            holidays.save_year(s, actor, arrangement_2027(**overrides))
    assert words in exc.value.fields[field]
    with db.session() as s:
        assert 2027 not in known_years(s)
        assert s.get(Item, item.id).due_provisional is True
        assert not s.scalars(select(AuditEvent).where(AuditEvent.entity == "calendar_year")).all()


def test_a_year_out_of_range_is_refused(db, actor):
    with pytest.raises(ValidationError) as exc:
        with db.session() as s:
            new_year = HolidayRange("元旦", D(1999, 1, 1), D(1999, 1, 1))
            holidays.save_year(s, actor, YearArrangement(1999, [new_year], []))
    assert "年份" in exc.value.fields["year"]


def test_a_failure_after_saving_rolls_everything_back(db, actor, today, monkeypatch):
    """The recomputation runs in the same transaction: if it fails, the year is not saved."""
    with db.session() as s:
        create_item(s, actor, ItemData(title="年底通知", formed_on=D(2026, 12, 20)), today=LATER)

    def broken(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(holidays, "recompute_open_deadlines", broken)
    with pytest.raises(RuntimeError):
        with db.session() as s:
            holidays.save_year(s, actor, arrangement_2027())
    with db.session() as s:
        assert 2027 not in known_years(s)
        assert holidays.year_info(s, 2027).arrangement.holidays == []


def test_editing_a_package_year_then_restoring_it(db, actor, today):
    with db.session() as s:
        item = create_item(s, actor, ItemData(title="国庆安排", formed_on=D(2026, 9, 25)), today=today)
        original = holidays.year_info(s, 2026).arrangement
        without_national_day = [r for r in original.holidays if r.name != "国庆节"]
        changed = holidays.save_year(s, actor, YearArrangement(2026, without_national_day, []))
        assert changed == 1
        assert s.get(Item, item.id).due_on < D(2026, 10, 29)
        assert holidays.year_info(s, 2026).source == "user"
    with db.session() as s:
        assert holidays.restore_package_year(s, actor, 2026) == 1
        assert holidays.year_info(s, 2026).source == "package"
        assert s.get(Item, item.id).due_on == D(2026, 10, 29)
    with pytest.raises(ValidationError):
        with db.session() as s:
            holidays.restore_package_year(s, actor, 2027)


def test_the_year_to_enter(db):
    with db.session() as s:
        assert holidays.first_year_needing_entry(s, D(2026, 11, 26)) == 2027
        assert holidays.first_year_needing_entry(s, D(2026, 3, 1)) == 2026


def test_weekday_names():
    assert holidays.weekday_name(D(2027, 2, 14)) == "周日"
    assert holidays.weekday_name(D(2027, 10, 11)) == "周一"
