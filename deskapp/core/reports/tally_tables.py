"""The tally's tables: by catalogue entry, department and channel, the detail list and the
late list. They count with the rules of :mod:`deskapp.core.reports.tally` (the same clauses), so a
table's total always equals the matching figure of 汇总.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterator, Optional, Unpack

from sqlalchemy import ColumnElement, Row, Select, case, extract, func, or_, select
from sqlalchemy.orm import Session, aliased

from deskapp.core.calendar.workdays import WorkCalendar
from deskapp.core.reports import tally
from deskapp.core.reports.tally import Period, QuarterFigures
from deskapp.core.reports.worklog import CHANNELS as RESPONSE_CHANNELS
from deskapp.core.store.models import CatalogueEntry, Department, Item, WorklogEntry
from deskapp.core.store.vocab import ATTRIBUTES, CHANNELS, STATUSES

if TYPE_CHECKING:
    # A detail row's columns as _detail_stmt selects them (the names may be NULL: outer joins).
    _DetailColumns = tuple[int, str, str, Optional[str], str, str, str, str, str, dt.date,
                           Optional[dt.date], Optional[dt.date], list[str], str]

UNFILED = "（未归类）"
NO_DEPARTMENT = "（未填科室）"
NO_CHANNEL = "（未填渠道）"


@dataclass(frozen=True)
class MonthRow:
    """A row counted per month of the quarter, for the quarter and for the year to date."""

    group: str
    name: str
    months: tuple[int, ...]
    quarter: int
    ytd: int


def _months(qf: QuarterFigures) -> list[int]:
    return [m.first.month for m in qf.months]


def _month_row(group: str, name: str, per_month: Counter[int], qf: QuarterFigures) -> MonthRow:
    months = tuple(per_month.get(m, 0) for m in _months(qf))
    return MonthRow(group, name, months, sum(months), sum(per_month.values()))


# --- by catalogue entry --------------------------------------------------------------------------

def by_category(session: Session, qf: QuarterFigures) -> list[MonthRow]:
    """Items published (tally.published_in) per catalogue entry and month, year to date."""
    month = extract("month", Item.published_on)
    found: dict[Optional[int], Counter[int]] = {}
    stmt = (select(Item.catalogue_id, month, func.count())
            .where(tally.published_in(qf.ytd)).group_by(Item.catalogue_id, month))
    for cat_id, m, n in session.execute(stmt):
        found.setdefault(cat_id, Counter())[int(m)] += n
    entries = {e.id: e for e in session.scalars(select(CatalogueEntry))}

    def order(cat_id: Optional[int]) -> tuple[int, int, int, int]:
        e = entries.get(cat_id) if cat_id is not None else None
        if e is None:
            return (1, 0, 0, 0)
        parent = entries.get(e.parent_id) if e.parent_id else None
        if parent is None:
            return (0, e.sort_order, -1, e.id)
        return (0, parent.sort_order, e.sort_order, e.id)

    rows = []
    for cat_id in sorted(found, key=order):
        e = entries.get(cat_id) if cat_id is not None else None
        parent = entries.get(e.parent_id) if e is not None and e.parent_id else None
        group = parent.name if parent else (e.name if e else UNFILED)
        name = e.name if e and parent else ""
        rows.append(_month_row(group, name, found[cat_id], qf))
    return rows


def by_group(rows: list[MonthRow]) -> list[tuple[str, int, int]]:
    """(first-level entry, quarter, year to date), for the chart on 汇总."""
    totals: dict[str, list[int]] = {}
    for r in rows:
        t = totals.setdefault(r.group, [0, 0])
        t[0] += r.quarter
        t[1] += r.ytd
    return [(g, q, y) for g, (q, y) in totals.items()]


# --- by department -------------------------------------------------------------------------------

@dataclass(frozen=True)
class DepartmentRow:
    name: str
    published: int
    with_deadline: int
    on_time: int
    late: int
    published_ytd: int
    with_deadline_ytd: int
    on_time_ytd: int
    late_ytd: int
    overdue_unpublished: int

    @property
    def rate(self) -> Optional[float]:
        return tally.rate(self.on_time, self.with_deadline)

    @property
    def rate_ytd(self) -> Optional[float]:
        return tally.rate(self.on_time_ytd, self.with_deadline_ytd)


def by_department(session: Session, qf: QuarterFigures) -> list[DepartmentRow]:
    """Published, on time and late per department (quarter and year to date), and what is
    overdue and unpublished at the quarter's end. Departments with nothing are left out."""
    def n(clause: ColumnElement[bool]) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((clause, 1), else_=0)), 0)

    q, y = qf.period, qf.ytd
    stmt = (
        select(Item.department_id,
               n(tally.published_in(q)), n(tally.with_deadline(q)), n(tally.on_time(q)),
               n(tally.late_published(q)), n(tally.published_in(y)), n(tally.with_deadline(y)),
               n(tally.on_time(y)), n(tally.late_published(y)), n(tally.overdue_unpublished(q)))
        .where(or_(tally.published_in(y), tally.overdue_unpublished(q)))
        .group_by(Item.department_id)
    )
    deps: dict[Optional[int], Department] = {d.id: d for d in session.scalars(select(Department))}
    rows = []
    for dep_id, *values in session.execute(stmt):
        d = deps.get(dep_id)
        rows.append((d.sort_order if d else 10**9, d.name if d else NO_DEPARTMENT, values))
    rows.sort(key=lambda r: (r[0], r[1]))
    return [DepartmentRow(name, *(int(v) for v in values)) for _, name, values in rows]


# --- by channel ----------------------------------------------------------------------------------

def by_channel(session: Session, qf: QuarterFigures) -> list[MonthRow]:
    """Items published per channel (公开渠道和载体) and month; an item published on several
    channels counts once on each, so the column total may exceed the number of items."""
    found: dict[str, Counter[int]] = {}
    month = extract("month", Item.published_on)
    # Grouped on the stored list itself: a few hundred distinct lists, not 70 000 rows.
    stmt = (select(Item.channels, month, func.count()).where(tally.published_in(qf.ytd))
            .group_by(Item.channels, month))
    for channels, m, n in session.execute(stmt):
        for name in dict.fromkeys(channels or [NO_CHANNEL]):
            found.setdefault(name, Counter())[int(m)] += n
    known = [c for c in CHANNELS if c in found]
    others = sorted(c for c in found if c not in CHANNELS and c != NO_CHANNEL)
    tail = [NO_CHANNEL] if NO_CHANNEL in found else []
    return [_month_row("", name, found[name], qf) for name in known + others + tail]


def responses_by_channel(session: Session, qf: QuarterFigures) -> list[MonthRow]:
    """回应关切答复 of the work log per channel (微博/网评/热线/来信) and month."""
    found: dict[str, Counter[int]] = {code: Counter() for code in RESPONSE_CHANNELS}
    stmt = (select(WorklogEntry.channel, WorklogEntry.day)
            .where(WorklogEntry.kind == "response",
                   WorklogEntry.day.between(qf.ytd.first, qf.ytd.last)))
    for channel, day in session.execute(stmt):
        found.setdefault(channel or "", Counter())[day.month] += 1
    return [_month_row("", RESPONSE_CHANNELS.get(code, code or NO_CHANNEL), c, qf)
            for code, c in found.items()]


# --- the detail and late lists -------------------------------------------------------------------

class WorkdayCounter:
    """``WorkCalendar.workdays_between`` for many pairs: cumulative counts built once."""

    def __init__(self, cal: WorkCalendar, first: dt.date, last: dt.date):
        self.cal, self.first, self.last = cal, first, last
        self.cum = [0]
        day = first
        while day < last:
            day += tally.ONE_DAY
            self.cum.append(self.cum[-1] + cal.is_workday(day))

    def between(self, a: dt.date, b: dt.date) -> int:
        """Working days in (a, b]."""
        if self.first <= a <= self.last and self.first <= b <= self.last:
            base = self.first.toordinal()
            return self.cum[b.toordinal() - base] - self.cum[a.toordinal() - base]
        return self.cal.workdays_between(a, b)


@dataclass(frozen=True)
class DetailRow:
    id: int
    index_no: str
    title: str
    doc_no: str
    kind: str
    category: str
    department: str
    attribute: str
    formed_on: dt.date
    due_on: Optional[dt.date]
    published_on: Optional[dt.date]
    channels: str
    status: str
    days_late: int  # calendar days past the due date (0 when on time)
    workdays_late: int
    open_at_end: bool  # not yet published when the period ended (as_of)

    @property
    def timeliness(self) -> str:
        if self.due_on is None:
            return "无公开期限"
        if self.days_late <= 0:
            return "按时"
        return f"超期{self.workdays_late}个工作日"

    @property
    def late_kind(self) -> str:
        return "期末超期未发布" if self.open_at_end else "超期发布"


def _detail_stmt(where: ColumnElement[bool]) -> Select[Unpack[tuple[Any, ...]]]:
    cat, parent, dep = aliased(CatalogueEntry), aliased(CatalogueEntry), aliased(Department)
    return (
        select(Item.id, Item.index_no, Item.title, Item.doc_no, Item.kind, parent.name, cat.name,
               dep.name, Item.attribute, Item.formed_on, Item.due_on, Item.published_on,
               Item.channels, Item.status)
        .outerjoin(cat, cat.id == Item.catalogue_id)
        .outerjoin(parent, parent.id == cat.parent_id)
        .outerjoin(dep, dep.id == Item.department_id)
        .where(where)
    )


def _detail(row: Row[Unpack[_DetailColumns]], as_of: dt.date, counter: WorkdayCounter) -> DetailRow:
    (id_, index_no, title, doc_no, kind, group, cat, dep, attribute, formed, due, published,
     channels, status) = row
    open_at_end = published is None or published >= as_of
    end = as_of if published is None or open_at_end else published
    days = work = 0
    if due is not None and end > due:
        days, work = (end - due).days, counter.between(due, end)
    category = f"{group}／{cat}" if group else (cat or "")
    return DetailRow(id_, index_no, title, doc_no or "", kind, category, dep or "",
                     ATTRIBUTES.get(attribute, attribute), formed, due, published,
                     "、".join(channels or []), STATUSES.get(status, status), days, work, open_at_end)


def count_detail(session: Session, p: Period) -> int:
    return session.scalar(select(func.count()).select_from(Item).where(tally.published_in(p))) or 0


def detail_rows(session: Session, p: Period, cal: WorkCalendar) -> Iterator[DetailRow]:
    """Every item published in the period (tally.published_in), by publication date."""
    counter = WorkdayCounter(cal, p.first - dt.timedelta(days=120), p.as_of)
    stmt = (_detail_stmt(tally.published_in(p)).order_by(Item.published_on, Item.index_no)
            .execution_options(yield_per=2000))
    for row in session.execute(stmt):
        yield _detail(row, p.as_of, counter)


def late_rows(session: Session, p: Period, cal: WorkCalendar) -> list[DetailRow]:
    """Published late in the period, or overdue and unpublished at its end; most late first."""
    where = or_(tally.late_published(p), tally.overdue_unpublished(p))
    earliest = session.scalar(select(func.min(Item.due_on)).where(where))
    if earliest is None:
        return []
    counter = WorkdayCounter(cal, earliest, p.as_of)
    rows = [_detail(r, p.as_of, counter) for r in session.execute(_detail_stmt(where))]
    rows.sort(key=lambda r: (-r.days_late, r.index_no))
    return rows
