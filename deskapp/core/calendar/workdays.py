"""Working days in China, and due dates that can explain themselves.

The law counts "自形成或者变更之日起20个工作日内": the start day is not counted; the due date is
the Nth working day after it. Working days follow the State Council's yearly arrangement
(holidays and make-up working weekends), kept in the calendar tables. A year whose
arrangement is not known is counted Monday–Friday and every deadline touching it is
provisional (暂按周一至周五计算).

The database functions import SQLAlchemy and the models when called: the counting itself
(WorkCalendar, DueDate) loads without them, so ``deskapp calendar due`` can answer from a
quick sqlite3 read (:func:`quick_calendar`) in a fraction of the full open's time.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable, Iterator, Optional, Sequence

from deskapp.core.errors import ValidationError
from deskapp.core.store import quick

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

ONE_DAY = dt.timedelta(days=1)
PROVISIONAL_NOTE = "暂按周一至周五计算"
MAX_DAYS = 3660  # no deadline of the desk is anywhere near ten years of working days


@dataclass(frozen=True)
class DueDate:
    start: dt.date
    days: int
    due: dt.date
    provisional: bool
    skipped: list[tuple[dt.date, str]]  # holidays on weekdays, each with its name
    makeup_workdays: list[dt.date]

    def explain(self) -> str:
        """"形成 2026-09-25；第20个工作日 2026-10-29；跳过 国庆节 10/1–10/7；调休上班 10/10"."""
        parts = [f"起算 {self.start.isoformat()}", f"第{self.days}个工作日 {self.due.isoformat()}"]
        return "；".join(parts + calendar_notes(self.skipped, self.makeup_workdays, self.provisional))

    def as_json(self) -> dict[str, object]:
        return due_json(self.start, self.days, self.due, self.provisional, self.skipped, self.makeup_workdays)


def calendar_notes(skipped: Sequence[tuple[dt.date, str]], makeup_workdays: Sequence[dt.date],
                   provisional: bool) -> list[str]:
    """What a due date's explanation says about the calendar: holidays skipped, make-up days
    counted, a year not yet entered. Items' and requests' due dates both end with it."""
    parts = []
    for name, first, last in group_holidays(list(skipped)):
        span = _md(first) if first == last else f"{_md(first)}–{_md(last)}"
        parts.append(f"跳过 {name} {span}")
    if makeup_workdays:
        parts.append("调休上班 " + "、".join(_md(d) for d in makeup_workdays))
    if provisional:
        parts.append(f"该年度节假日安排未录入，{PROVISIONAL_NOTE}")
    return parts


def due_json(start: dt.date, days: int, due: dt.date, provisional: bool,
             skipped: Sequence[tuple[dt.date, str]], makeup_workdays: Sequence[dt.date]) -> dict[str, object]:
    """The keys of ``calendar due --json`` (cli.md); ``request due --json`` adds its own."""
    return {
        "start": start.isoformat(),
        "days": days,
        "due": due.isoformat(),
        "provisional": provisional,
        "skipped": [[d.isoformat(), name] for d, name in skipped],
        "makeup_workdays": [d.isoformat() for d in makeup_workdays],
    }


def _md(day: dt.date) -> str:
    return f"{day.month}/{day.day}"


def group_holidays(
    days: list[tuple[dt.date, str]], max_gap: int = 3
) -> Iterator[tuple[str, dt.date, dt.date]]:
    """Runs of same-named holidays: (name, first, last). Days of one run are at most
    ``max_gap`` days apart (a weekend inside a holiday still belongs to it)."""
    run: list[tuple[dt.date, str]] = []
    for day, name in days:
        if run and (name != run[-1][1] or (day - run[-1][0]).days > max_gap):
            yield run[0][1], run[0][0], run[-1][0]
            run = []
        run.append((day, name))
    if run:
        yield run[0][1], run[0][0], run[-1][0]


@dataclass
class WorkCalendar:
    """Which days are working days. Built from the database, or directly in tests."""

    holidays: dict[dt.date, str] = field(default_factory=dict)  # day → holiday name
    makeup_workdays: set[dt.date] = field(default_factory=set)
    known_years: set[int] = field(default_factory=set)

    @classmethod
    def load(cls, session: Session) -> "WorkCalendar":
        from sqlalchemy import select

        from deskapp.core.store.models import CalendarDay, CalendarYear

        days = session.execute(select(CalendarDay.day, CalendarDay.kind, CalendarDay.name))
        return cls.from_rows(session.scalars(select(CalendarYear.year)), days)

    @classmethod
    def from_rows(cls, years: Iterable[int],
                  days: Iterable[tuple[dt.date, str, Optional[str]]]) -> "WorkCalendar":
        """From the calendar tables' rows: known years, and (day, kind, name) of each day."""
        cal = cls(known_years=set(years))
        for day, kind, name in days:
            if kind == "workday":
                cal.makeup_workdays.add(day)
            else:
                cal.holidays[day] = name or "节假日"
        return cal

    def is_known(self, day: dt.date) -> bool:
        return day.year in self.known_years

    def is_workday(self, day: dt.date) -> bool:
        if day in self.makeup_workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def add_workdays(self, start: dt.date, days: int) -> dt.date:
        """The ``days``-th working day after ``start`` (start itself not counted)."""
        return self.due_date(start, days).due

    def due_date(self, start: dt.date, days: int = 20) -> DueDate:
        if not 1 <= days <= MAX_DAYS:
            raise ValidationError({"days": f"工作日天数应在 1 到 {MAX_DAYS} 之间。"})
        day, counted = start, 0
        skipped: list[tuple[dt.date, str]] = []
        makeup: list[dt.date] = []
        provisional = False
        while counted < days:
            day += ONE_DAY
            provisional = provisional or not self.is_known(day)
            if self.is_workday(day):
                counted += 1
                if day.weekday() >= 5:
                    makeup.append(day)
            elif day in self.holidays:
                skipped.append((day, self.holidays[day]))
        return DueDate(start, days, day, provisional, skipped, makeup)

    def workdays_between(self, first: dt.date, last: dt.date) -> int:
        """Working days in (first, last]; negative when last is before first."""
        if last < first:
            return -self.workdays_between(last, first)
        count, day = 0, first
        while day < last:
            day += ONE_DAY
            count += self.is_workday(day)
        return count

    def is_within_workdays(self, today: dt.date, due: dt.date, days: int) -> bool:
        """True when ``due`` is today or within ``days`` working days after today."""
        return today <= due and self.workdays_between(today, due) <= days


# --- the arrangement tables ----------------------------------------------------------------

@dataclass(frozen=True)
class HolidayRange:
    name: str
    first: dt.date
    last: dt.date


@dataclass(frozen=True)
class YearArrangement:
    """One year's arrangement as the State Council publishes it."""

    year: int
    holidays: list[HolidayRange]
    makeup_workdays: list[dt.date]

    def validate(self) -> None:
        errors: dict[str, str] = {}
        for r in self.holidays:
            if r.last < r.first:
                errors["holidays"] = f"“{r.name}”的结束日期早于开始日期，请改正。"
            elif not r.name.strip():
                errors["holidays"] = "每段假期都要填写名称（如“国庆节”）。"
            elif r.first.year != self.year and r.last.year != self.year:
                errors["holidays"] = f"“{r.name}”不在{self.year}年内，请检查年份。"
            elif (r.last - r.first).days > 31:
                errors["holidays"] = f"“{r.name}”超过一个月，请检查日期。"
        holiday_days = {d for r in self.holidays for d in _days(r.first, r.last)}
        for d in self.makeup_workdays:
            if d in holiday_days:
                errors["makeup"] = f"{d.isoformat()} 既是假日又是调休上班日，请改正。"
            elif d.weekday() < 5:
                errors["makeup"] = f"{d.isoformat()} 本来就是工作日，调休上班日应为周六或周日。"
        if errors:
            raise ValidationError(errors)


def _days(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    day = first
    while day <= last:
        yield day
        day += ONE_DAY


def save_arrangement(session: Session, arrangement: YearArrangement, source: str = "user") -> None:
    """Replace one year's arrangement. The caller recomputes open deadlines."""
    from sqlalchemy import delete

    from deskapp.core.store.models import CalendarDay, CalendarYear

    arrangement.validate()
    year = arrangement.year
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    session.execute(delete(CalendarDay).where(CalendarDay.day >= start, CalendarDay.day <= end))
    for r in arrangement.holidays:
        for day in _days(r.first, r.last):
            if start <= day <= end:
                session.add(CalendarDay(day=day, kind="holiday", name=r.name.strip()))
    for day in arrangement.makeup_workdays:
        session.add(CalendarDay(day=day, kind="workday", name="调休上班"))
    known = session.get(CalendarYear, year)
    if known is None:
        session.add(CalendarYear(year=year, source=source))
    else:
        known.source = source
    session.flush()


def load_arrangement(session: Session, year: int) -> YearArrangement:
    from sqlalchemy import select

    from deskapp.core.store.models import CalendarDay

    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    rows = session.execute(
        select(CalendarDay).where(CalendarDay.day >= start, CalendarDay.day <= end).order_by(CalendarDay.day)
    ).scalars()
    holidays: list[tuple[dt.date, str]] = []
    makeup: list[dt.date] = []
    for row in rows:
        (makeup.append(row.day) if row.kind == "workday" else holidays.append((row.day, row.name)))
    ranges = [HolidayRange(name, a, b) for name, a, b in group_holidays(holidays, max_gap=1)]
    return YearArrangement(year, ranges, makeup)


def known_years(session: Session) -> dict[int, str]:
    from sqlalchemy import select

    from deskapp.core.store.models import CalendarYear

    rows = session.execute(select(CalendarYear.year, CalendarYear.source))
    return {row.year: row.source for row in rows}


# --- pre-filling from the chinesecalendar package -------------------------------------------

def package_arrangements() -> Iterable[YearArrangement]:
    """Every year the installed chinesecalendar package knows."""
    import chinese_calendar

    names = _CHINESE_HOLIDAY_NAMES
    by_year: dict[int, tuple[list[tuple[dt.date, str]], list[dt.date]]] = {}
    for day, holiday in sorted(chinese_calendar.holidays.items()):
        if holiday is None:
            continue  # plain weekends are in the package's table too; weekdays tell those
        name = names.get(getattr(holiday, "value", holiday), str(holiday))
        by_year.setdefault(day.year, ([], []))[0].append((day, name))
    for day in sorted(chinese_calendar.workdays):
        if day.weekday() >= 5:
            by_year.setdefault(day.year, ([], []))[1].append(day)
    for year, (holidays, makeup) in sorted(by_year.items()):
        ranges = [HolidayRange(n, a, b) for n, a, b in group_holidays(holidays, max_gap=1)]
        yield YearArrangement(year, ranges, makeup)


_CHINESE_HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}


def prefill_from_package(session: Session) -> list[int]:
    """Add the years the package knows and the table lacks; user-entered years are kept."""
    have = known_years(session)
    added = []
    for arrangement in package_arrangements():
        if arrangement.year not in have:
            save_arrangement(session, arrangement, source="package")
            added.append(arrangement.year)
    return added


def quick_calendar(target: str) -> Optional[WorkCalendar]:
    """The calendar of the desk database ``target`` read with sqlite3 alone, or None when the
    full open is needed: the database is not a current SQLite desk (see
    :func:`deskapp.core.store.quick.open_current`), or it lacks a year the installed
    chinesecalendar package knows (the full open adds that year first, so reading without it
    would count that year Monday–Friday when the desk would not)."""
    conn = quick.open_current(target)
    if conn is None:
        return None
    try:
        years = {int(row[0]) for row in conn.execute("SELECT year FROM calendar_year")}
        rows = conn.execute("SELECT day, kind, name FROM calendar_day").fetchall()
        days = [(dt.date.fromisoformat(str(day)), str(kind), name) for day, kind, name in rows]
    except (sqlite3.Error, ValueError):  # a table not as expected, a day that is not a date
        return None
    finally:
        conn.close()
    if not {a.year for a in package_arrangements()} <= years:
        return None
    return WorkCalendar.from_rows(years, days)
