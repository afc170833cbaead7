"""The package's holiday arrangements as a WorkCalendar (no database), for the calendar's and
the request clock's tests."""

from __future__ import annotations

import datetime as dt

from deskapp.core.calendar.workdays import WorkCalendar, package_arrangements

ONE = dt.timedelta(days=1)


def package_calendar() -> WorkCalendar:
    cal = WorkCalendar()
    for arr in package_arrangements():
        cal.known_years.add(arr.year)
        for r in arr.holidays:
            day = r.first
            while day <= r.last:
                cal.holidays[day] = r.name
                day += ONE
        cal.makeup_workdays.update(arr.makeup_workdays)
    return cal


CAL = package_calendar()
