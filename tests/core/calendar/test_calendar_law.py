"""The working-day arithmetic: properties (hypothesis) and the cases the law and the State
Council's arrangements pin down."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from hypothesis import assume, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from deskapp.core.calendar.workdays import (
    MAX_DAYS,
    PROVISIONAL_NOTE,
    HolidayRange,
    WorkCalendar,
    YearArrangement,
    group_holidays,
    load_arrangement,
    save_arrangement,
)
from deskapp.core.errors import ValidationError
from tests.core.calendar.package_calendar import CAL, ONE

LAST_KNOWN = max(CAL.known_years)
starts = st.dates(dt.date(2004, 1, 1), dt.date(LAST_KNOWN + 3, 12, 31))
spans = st.integers(1, 60)


def days_in(first: dt.date, last: dt.date):
    day = first
    while day <= last:
        yield day
        day += ONE


# --- properties ------------------------------------------------------------------------------

@hsettings(max_examples=300, deadline=None)
@given(starts, spans)
def test_due_is_a_working_day_with_exactly_n_working_days_after_the_start(start, n):
    due = CAL.due_date(start, n)
    assert CAL.is_workday(due.due)
    assert due.due > start
    assert CAL.workdays_between(start, due.due) == n
    assert sum(CAL.is_workday(d) for d in days_in(start + ONE, due.due)) == n
    assert CAL.add_workdays(start, n) == due.due


@hsettings(max_examples=200, deadline=None)
@given(starts, starts, spans)
def test_monotonic_in_the_start(a, b, n):
    a, b = min(a, b), max(a, b)
    assert CAL.due_date(a, n).due <= CAL.due_date(b, n).due


@hsettings(max_examples=200, deadline=None)
@given(starts, spans, spans)
def test_strictly_monotonic_in_the_number_of_days(start, m, n):
    assume(m != n)
    m, n = min(m, n), max(m, n)
    assert CAL.due_date(start, m).due < CAL.due_date(start, n).due


@hsettings(max_examples=200, deadline=None)
@given(starts, spans, st.dates(dt.date(2004, 1, 1), dt.date(LAST_KNOWN + 3, 12, 31)))
def test_adding_a_holiday_never_makes_a_due_date_earlier(start, n, holiday):
    before = CAL.due_date(start, n).due
    more = copy.deepcopy(CAL)
    more.holidays[holiday] = "临时假日"
    more.makeup_workdays.discard(holiday)
    after = more.due_date(start, n).due
    assert after >= before
    if start < holiday <= before and CAL.is_workday(holiday):
        assert after > before  # a working day inside the counted range was taken away


@hsettings(max_examples=300, deadline=None)
@given(starts, spans)
def test_provisional_exactly_when_the_counted_range_touches_an_unknown_year(start, n):
    due = CAL.due_date(start, n)
    years = set(range((start + ONE).year, due.due.year + 1))
    assert due.provisional == any(y not in CAL.known_years for y in years)
    assert (PROVISIONAL_NOTE in due.explain()) == due.provisional


@hsettings(max_examples=200, deadline=None)
@given(starts, starts)
def test_workdays_between_is_antisymmetric_and_additive(a, b):
    assert CAL.workdays_between(a, b) == -CAL.workdays_between(b, a)
    mid = min(a, b) + (max(a, b) - min(a, b)) / 2
    lo, hi = min(a, b), max(a, b)
    assert CAL.workdays_between(lo, hi) == CAL.workdays_between(lo, mid) + CAL.workdays_between(mid, hi)


@hsettings(max_examples=200, deadline=None)
@given(starts, spans)
def test_explanation_lists_only_days_inside_the_counted_range(start, n):
    due = CAL.due_date(start, n)
    assert all(start < d <= due.due and not CAL.is_workday(d) for d, _ in due.skipped)
    assert all(start < d <= due.due and d.weekday() >= 5 for d in due.makeup_workdays)


# --- known cases -----------------------------------------------------------------------------

def test_the_national_day_case_pinned_by_the_domain():
    due = CAL.due_date(dt.date(2026, 9, 25), 20)
    assert due.due == dt.date(2026, 10, 29) and not due.provisional
    assert [d for d, name in due.skipped if name == "国庆节"] == list(
        days_in(dt.date(2026, 10, 1), dt.date(2026, 10, 7)))
    assert due.makeup_workdays == [dt.date(2026, 10, 10)]
    text = due.explain()
    assert "第20个工作日 2026-10-29" in text
    assert "跳过 国庆节 10/1–10/7" in text and "调休上班 10/10" in text


def test_spring_festival_2026():
    # 2/14 (Sat) and 2/28 (Sat) are make-up working days; 2/15–2/23 is the holiday.
    due = CAL.due_date(dt.date(2026, 2, 10), 20)
    assert due.due == dt.date(2026, 3, 16)
    assert due.makeup_workdays == [dt.date(2026, 2, 14), dt.date(2026, 2, 28)]
    assert {name for _, name in due.skipped} == {"春节"}
    assert not CAL.is_workday(dt.date(2026, 2, 16)) and CAL.is_workday(dt.date(2026, 2, 14))
    assert CAL.due_date(dt.date(2026, 2, 13), 1).due == dt.date(2026, 2, 14)
    assert CAL.due_date(dt.date(2026, 2, 14), 1).due == dt.date(2026, 2, 24)


def test_social_assistance_ten_days_over_national_day():
    assert CAL.due_date(dt.date(2026, 9, 25), 10).due == dt.date(2026, 10, 15)


def test_year_end_into_an_unknown_year_counts_monday_to_friday_provisionally():
    due = CAL.due_date(dt.date(2026, 12, 20), 20)
    assert LAST_KNOWN == 2026  # the package's last arrangement at the time of writing
    # 12/21–12/25, 12/28–12/31, then 2027: 1/1 counts (元旦 not yet known), 1/4–1/15.
    assert due.due == dt.date(2027, 1, 15) and due.provisional
    assert "该年度节假日安排未录入，暂按周一至周五计算" in due.explain()
    inside = CAL.due_date(dt.date(2026, 11, 2), 20)
    assert not inside.provisional and inside.due == dt.date(2026, 11, 30)


def test_entering_the_next_years_arrangement_moves_and_firms_the_deadline(db):
    with db.session() as s:
        save_arrangement(s, YearArrangement(2027, [HolidayRange("元旦", dt.date(2027, 1, 1),
                                                                dt.date(2027, 1, 3))], []))
        cal = WorkCalendar.load(s)
    due = cal.due_date(dt.date(2026, 12, 20), 20)
    assert due.due == dt.date(2027, 1, 18) and not due.provisional
    assert "跳过 元旦 1/1" in due.explain()


def test_database_calendar_equals_the_package(db):
    with db.session() as s:
        cal = WorkCalendar.load(s)
    assert cal.known_years == CAL.known_years
    assert cal.holidays == CAL.holidays and cal.makeup_workdays == CAL.makeup_workdays


@pytest.mark.parametrize("days", [0, -3, MAX_DAYS + 1])
def test_a_silly_number_of_days_is_refused(days):
    with pytest.raises(ValidationError) as err:
        CAL.due_date(dt.date(2026, 1, 5), days)
    assert "工作日天数" in str(err.value)


def test_within_workdays():
    today = dt.date(2026, 9, 30)  # Wednesday before National Day
    assert CAL.is_within_workdays(today, dt.date(2026, 10, 9), 3)  # 9/30→10/8, 10/9: 2 days
    assert not CAL.is_within_workdays(today, dt.date(2026, 10, 13), 3)
    assert not CAL.is_within_workdays(today, dt.date(2026, 9, 29), 3)  # already past


# --- arrangements ----------------------------------------------------------------------------

@pytest.mark.parametrize("holidays, makeup, field", [
    ([HolidayRange("国庆节", dt.date(2027, 10, 7), dt.date(2027, 10, 1))], [], "holidays"),
    ([HolidayRange(" ", dt.date(2027, 10, 1), dt.date(2027, 10, 7))], [], "holidays"),
    ([HolidayRange("国庆节", dt.date(2025, 10, 1), dt.date(2025, 10, 7))], [], "holidays"),
    ([HolidayRange("长假", dt.date(2027, 1, 1), dt.date(2027, 3, 1))], [], "holidays"),
    ([HolidayRange("国庆节", dt.date(2027, 10, 1), dt.date(2027, 10, 7))], [dt.date(2027, 10, 2)], "makeup"),
    ([], [dt.date(2027, 10, 8)], "makeup"),  # a Friday is a working day anyway
])
def test_bad_arrangements_say_what_is_wrong(holidays, makeup, field):
    with pytest.raises(ValidationError) as err:
        YearArrangement(2027, holidays, makeup).validate()
    assert field in err.value.fields


def test_an_arrangement_reads_back_as_saved(db):
    arr = YearArrangement(2027, [HolidayRange("元旦", dt.date(2027, 1, 1), dt.date(2027, 1, 3)),
                                 HolidayRange("春节", dt.date(2027, 2, 5), dt.date(2027, 2, 13))],
                          [dt.date(2027, 2, 14)])
    with db.session() as s:
        save_arrangement(s, arr)
    with db.session() as s:
        assert load_arrangement(s, 2027) == arr


def test_group_holidays_joins_runs_across_weekends():
    days = [(dt.date(2026, 10, d), "国庆节") for d in range(1, 8)] + [(dt.date(2026, 10, 20), "国庆节")]
    assert list(group_holidays(days)) == [("国庆节", dt.date(2026, 10, 1), dt.date(2026, 10, 7)),
                                          ("国庆节", dt.date(2026, 10, 20), dt.date(2026, 10, 20))]
