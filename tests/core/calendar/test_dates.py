"""Dates as clerks type them (ledger import, CLI, dialogs) and as notices print them."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deskapp.core.calendar.dates import chinese_date, from_excel_serial, parse_date

DAYS = st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2099, 12, 31))


def typed_forms(d: dt.date) -> list[str]:
    return [
        f"{d.year}-{d.month}-{d.day}", f"{d.year}-{d.month:02d}-{d.day:02d}",
        f"{d.year}/{d.month:02d}/{d.day:02d}", f"{d.year}.{d.month}.{d.day}",
        f"{d.year}年{d.month}月{d.day}日", f"{d.year}年{d.month}月{d.day}号",
        f" {d.year} 年 {d.month} 月 {d.day} 日 ", f"{d.year}{d.month:02d}{d.day:02d}",
    ]


@given(DAYS)
def test_every_form_a_clerk_types_means_the_same_day(day):
    assert {parse_date(text) for text in typed_forms(day)} == {day}


@given(DAYS)
def test_excel_serials_agree_with_excel(day):
    serial = (day - dt.date(1899, 12, 30)).days
    assert parse_date(serial) == day == parse_date(float(serial)) == parse_date(str(serial))


def test_known_excel_serials():
    assert from_excel_serial(46268) == dt.date(2026, 9, 3)
    assert from_excel_serial(0) is None and from_excel_serial(-5) is None


@pytest.mark.parametrize("text", ["2026-2-30", "2026-13-01", "2026年9月", "九月三日", "", "  ", "2026-09-03x",
                                  "20261301", True, None, [2026, 9, 3]])
def test_not_a_date(text):
    assert parse_date(text) is None


def test_dates_and_datetimes_pass_through():
    assert parse_date(dt.datetime(2026, 9, 3, 14, 30)) == dt.date(2026, 9, 3)
    assert parse_date(dt.date(2026, 9, 3)) == dt.date(2026, 9, 3)


@given(DAYS)
def test_chinese_date_has_no_leading_zeros_and_reads_back(day):
    text = chinese_date(day)
    assert text == f"{day.year}年{day.month}月{day.day}日"
    assert "年0" not in text and "月0" not in text
    assert parse_date(text) == day
