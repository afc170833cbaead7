"""What is waiting on whom, and for how long: the review queue and the opening summary.

Plain rows for the 审核签发 tab, the summary dialog and the CLI; no Qt. A handful of
queries over the whole table (not one per item), so the tab opens fast on 100 000 items.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Iterable, Optional, TypeVarTuple, Unpack

from sqlalchemy import CursorResult, Row, Select, SQLColumnExpression, String, and_, func, select, type_coerce
from sqlalchemy.orm import Session, aliased

from deskapp.core.accounts.scope import department_clause
from deskapp.core.calendar.workdays import ONE_DAY, WorkCalendar
from deskapp.core.privacy import masking as privacy
from deskapp.core.register.query import due_soon_clause, due_soon_limit, overdue_clause
from deskapp.core.review.flow import load_flow
from deskapp.core.store import settings
from deskapp.core.store.models import Department, Item, ItemReview, ItemStep, ItemStepPerson, Person

DRAFTS = "drafts"
RETURNED = "returned"
TO_PUBLISH = "to_publish"


class WorkdayCounter:
    """Working days between two dates in O(log n), from a prefix count built once."""

    def __init__(self, cal: WorkCalendar, first: dt.date, last: dt.date):
        self.cal, self.first = cal, first
        self.workdays: list[dt.date] = []
        day = first
        while day <= last:
            if cal.is_workday(day):
                self.workdays.append(day)
            day += ONE_DAY

    def between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end], as WorkCalendar.workdays_between; 0 when end ≤ start."""
        if end <= start:
            return 0
        if start < self.first:
            return self.cal.workdays_between(start, end)
        return bisect.bisect_right(self.workdays, end) - bisect.bisect_right(self.workdays, start)


@dataclass(slots=True)  # not frozen: a frozen dataclass is ~8× slower to build, and the
class QueueRow:  # queue builds one per waiting item each time the tab opens
    """One item in the queue. ``group`` is a step name, or DRAFTS / RETURNED / TO_PUBLISH."""

    item_id: int
    version: int
    group: str
    title: str
    index_no: str
    department: str
    drafter: str
    drafter_id: Optional[int]
    status: str
    position: Optional[int]  # the step's number, for in-review rows
    since: Optional[dt.date]  # at this step / returned / approved since
    waited: int  # working days since ``since``
    due_on: Optional[dt.date]
    late: bool
    due_soon: bool
    deciders: tuple[str, ...] = ()
    decider_ids: tuple[int, ...] = ()
    revision_no: int = 1  # > 1: a revision of a published item, reviewed again

    @property
    def blocked(self) -> bool:
        """In review at a step nobody (active) may decide."""
        return self.status == "in_review" and not self.decider_ids


@dataclass(frozen=True)
class QueueGroup:
    key: str
    label: str
    rows: tuple[QueueRow, ...]
    total: int = -1  # when only part of the group is listed (drafts): how many there are

    @property
    def count_text(self) -> str:
        if self.total > len(self.rows):
            return f"最近 {len(self.rows)} 条，共 {self.total} 条"
        return str(len(self.rows))


def group_label(key: str) -> str:
    return {DRAFTS: "待送审（草稿）", RETURNED: "已退回（待经办人修改）",
            TO_PUBLISH: "待发布（已签发）"}.get(key, f"待{key}")


@dataclass
class _Ctx:
    today: dt.date
    soon: dt.date
    counter: WorkdayCounter


def _ctx(session: Session, today: dt.date, oldest: Optional[dt.date]) -> _Ctx:
    cal = WorkCalendar.load(session)
    first = min(oldest or today, today) - ONE_DAY
    return _Ctx(today, due_soon_limit(session, today, cal), WorkdayCounter(cal, first, today))


def _all(extra: Iterable[SQLColumnExpression[Any]] = ()) -> Select[Unpack[tuple[Any, ...]]]:
    dep, drafter = aliased(Department), aliased(Person)
    # created_at as its stored text: only its date is needed, and parsing 10 000 datetimes
    # is a noticeable part of opening the tab.
    cols = (Item.id, Item.version, Item.title, Item.index_no, dep.name, drafter.name, Item.drafter_id,
            Item.status, Item.due_on, type_coerce(Item.created_at, String), Item.revision_no, *extra)
    return (select(*cols).outerjoin(dep, dep.id == Item.department_id)
            .outerjoin(drafter, drafter.id == Item.drafter_id))


def _created(text: Optional[str] | dt.datetime) -> Optional[dt.date]:
    if isinstance(text, dt.datetime):  # PostgreSQL hands the timestamp over as one
        return text.date()
    try:
        return dt.date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


_NOBODY: tuple[tuple[int, ...], tuple[str, ...]] = ((), ())
_Ts = TypeVarTuple("_Ts")  # a statement's column types, kept by _run


def _row(r: Row[Unpack[tuple[Any, ...]]], group: str, since: Optional[dt.date], position: Optional[int], c: _Ctx,
         deciders: tuple[tuple[int, ...], tuple[str, ...]] = _NOBODY) -> QueueRow:
    due = r[8]
    late = bool(due and due < c.today)  # every row in the queue is unpublished
    soon = bool(due and c.today <= due <= c.soon)
    return QueueRow(r[0], r[1], group, r[2], r[3], r[4] or "", r[5] or "", r[6], r[7], position, since,
                    c.counter.between(since, c.today) if since else 0, due, late, soon,
                    deciders[1], deciders[0], r[10] or 1)


def _run(session: Session, stmt: Select[Unpack[_Ts]]) -> CursorResult[Unpack[_Ts]]:
    """Core execution: plain rows without the ORM's loading layer (a third of the time)."""
    return session.connection().execute(stmt)


@dataclass(slots=True)
class _Current:
    position: int
    name: str
    since: Optional[dt.date]
    who: tuple[tuple[int, ...], tuple[str, ...]]


def _current_steps(session: Session) -> dict[int, _Current]:
    """item id → its current step, since when, and the active people who may decide it.

    One query for all items in review; the people are outer-joined so that a step nobody
    can decide is still named (and reported as blocked)."""
    active = and_(Person.id == ItemStepPerson.person_id, Person.active.is_(True))
    stmt = (select(ItemStep.item_id, ItemStep.position, ItemStep.name, ItemReview.step_since, Person.id, Person.name)
            .join(ItemReview, and_(ItemReview.item_id == ItemStep.item_id,
                                   ItemReview.current_position == ItemStep.position))
            .outerjoin(ItemStepPerson, ItemStepPerson.item_step_id == ItemStep.id)
            .outerjoin(Person, active)
            .where(ItemReview.current_position.is_not(None)))  # no ORDER BY: sorted below, per item
    steps: dict[int, tuple[int, str, Optional[dt.date]]] = {}
    people: dict[int, list[tuple[int, str]]] = {}
    for item_id, position, name, since, pid, pname in _run(session, stmt):
        steps[item_id] = (position, name, since)
        if pid is not None:
            people.setdefault(item_id, []).append((pid, pname))
    shared: dict[tuple[tuple[int, str], ...], tuple[tuple[int, ...], tuple[str, ...]]] = {(): _NOBODY}
    result = {}
    for item_id, (position, name, since) in steps.items():
        key = tuple(sorted(people.get(item_id, ())))  # most items at a step share their deciders
        if key not in shared:
            shared[key] = (tuple(p for p, _ in key), tuple(n for _, n in key))
        result[item_id] = _Current(position, name, since, shared[key])
    return result


DRAFT_LIMIT = 300  # the newest drafts; the register lists them all


def queue_rows(session: Session, today: dt.date, person_id: Optional[int] = None,
               include_drafts: bool = True, draft_limit: int = DRAFT_LIMIT) -> list[QueueRow]:
    """Everything waiting: in review (by step), approved to publish, returned, and the newest
    ``draft_limit`` drafts.

    With ``person_id``: only the items whose current step that person may decide (待我审批).
    """
    current = _current_steps(session)
    mine = department_clause(session, Item.department_id)  # a department account's own only

    def _base(extra: Iterable[SQLColumnExpression[Any]] = ()) -> Select[Unpack[tuple[Any, ...]]]:
        stmt = _all(extra)
        return stmt if mine is None else stmt.where(mine)
    # (row, group, since, position, deciders) first; the rows are built once the oldest date
    # is known (the working-day counter spans it), without a scan of every review for it.
    found: list[tuple[Any, str, Optional[dt.date], Optional[int], tuple[tuple[int, ...], tuple[str, ...]]]] = []
    unstepped = []  # 审核中 without a recorded step (e.g. from an imported ledger): to 送审
    for r in _run(session, _base().where(Item.status == "in_review")):
        step = current.get(r[0])
        if step is None:
            unstepped.append(r)
        elif person_id is None or person_id in step.who[0]:
            found.append((r, step.name, step.since, step.position, step.who))
    if person_id is None:
        found.extend((r, DRAFTS, _created(r[9]), None, _NOBODY) for r in unstepped)
        stmt = (_base((ItemReview.step_since,)).join(ItemReview, ItemReview.item_id == Item.id)
                .where(Item.status == "approved", Item.attribute != "withheld"))
        found.extend((r, TO_PUBLISH, r[11], None, _NOBODY) for r in _run(session, stmt))
        stmt = _base((ItemReview.step_since,)).outerjoin(ItemReview, ItemReview.item_id == Item.id).where(
            Item.status == "returned")
        found.extend((r, RETURNED, r[11] or _created(r[9]), None, _NOBODY) for r in _run(session, stmt))
        if include_drafts:
            stmt = _base().where(Item.status == "draft").order_by(Item.id.desc()).limit(draft_limit)
            found.extend((r, DRAFTS, _created(r[9]), None, _NOBODY) for r in _run(session, stmt))
    oldest = min((f[2] for f in found if f[2] is not None), default=today)
    c = _ctx(session, today, oldest)
    return _sorted([_row(r, group, since, position, c, who) for r, group, since, position, who in found])


def _sorted(rows: list[QueueRow]) -> list[QueueRow]:
    # Longest waiting first within a group; the due date breaks ties (earliest first).
    return sorted(rows, key=lambda r: (-r.waited, r.due_on or dt.date.max, r.item_id))


def draft_count(session: Session) -> int:
    stmt = select(func.count(Item.id)).where(Item.status == "draft")
    mine = department_clause(session, Item.department_id)
    return session.scalar(stmt if mine is None else stmt.where(mine)) or 0


def grouped(session: Session, rows: list[QueueRow]) -> list[QueueGroup]:
    """Groups in flow order (the configured steps, then steps of older flows), then 待发布,
    已退回, 草稿. Empty configured steps are listed too, so the queue shows every step."""
    order = [s.name for s in load_flow(session).steps]
    by: dict[str, list[QueueRow]] = {}
    for r in rows:
        by.setdefault(r.group, []).append(r)
    extra_steps = sorted(k for k in by if k not in order and k not in (TO_PUBLISH, RETURNED, DRAFTS))
    keys = order + extra_steps + [TO_PUBLISH, RETURNED, DRAFTS]
    drafts = draft_count(session) if DRAFTS in by else -1
    return [QueueGroup(k, group_label(k), tuple(by.get(k, ())), drafts if k == DRAFTS else -1)
            for k in keys if k in by or k in order]


def privacy_badges(session: Session, item_ids: list[int]) -> dict[int, str]:
    """item id → the warning badge for unmasked ID/phone/card numbers in its title, summary or
    content ("含未遮盖的身份证号2处"), "" when there are none.

    Asked for by the queue's model for the rows on screen only: scanning the text of every
    waiting item would cost more than opening the tab may."""
    if not item_ids:
        return {}
    rows = _run(session, select(Item.id, Item.title, Item.summary, Item.content).where(Item.id.in_(item_ids)))
    return {r[0]: privacy.badge_text("\n".join(t or "" for t in r[1:])) for r in rows}


# --- the opening summary ------------------------------------------------------------------------

@dataclass(frozen=True)
class SummaryItem:
    item_id: int
    title: str
    due_on: Optional[dt.date]
    note: str  # 已超期 3 天 / 3 个工作日内到期 / 退回意见…


@dataclass
class Summary:
    person: str  # "" for everyone
    waiting: list[tuple[str, int]] = field(default_factory=list)  # (step, items) for the person
    blocked_steps: list[str] = field(default_factory=list)  # steps waiting with nobody to decide
    late: list[SummaryItem] = field(default_factory=list)
    due_soon: list[SummaryItem] = field(default_factory=list)
    returned: list[SummaryItem] = field(default_factory=list)  # awaiting their drafter
    late_total: int = 0  # the lists stop at LIST_LIMIT; these count everything
    due_soon_total: int = 0

    @property
    def empty(self) -> bool:
        return not (self.waiting or self.blocked_steps or self.late or self.due_soon or self.returned)


LIST_LIMIT = 50


def opening_summary(session: Session, today: dt.date, person_id: Optional[int] = None) -> Summary:
    """For the person at the desk: what waits for them at each step, what is late or due
    within the reminder window (3 working days by default), and returned items for their
    drafter (the person's own, or all when no person is chosen)."""
    person = session.get(Person, person_id) if person_id else None
    name = person.name if person else ""
    summary = Summary(name)
    rows = queue_rows(session, today, None, include_drafts=False)
    mine = [r for r in rows if r.status == "in_review" and (person_id is None or person_id in r.decider_ids)]
    counts: dict[str, int] = {}
    for r in mine:
        counts[r.group] = counts.get(r.group, 0) + 1
    order = [s.name for s in load_flow(session).steps]
    summary.waiting = sorted(counts.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99)
    summary.blocked_steps = sorted({r.group for r in rows if r.blocked})
    summary.late, summary.due_soon = _deadline_items(session, today)
    soon_limit = due_soon_limit(session, today)
    summary.late_total = session.scalar(select(func.count(Item.id)).where(
        overdue_clause(today), Item.published_on.is_(None))) or 0
    summary.due_soon_total = session.scalar(select(func.count(Item.id)).where(
        due_soon_clause(today, soon_limit))) or 0
    summary.returned = [
        SummaryItem(r.item_id, r.title, r.due_on, f"已退回 {r.waited} 个工作日，经办人：{r.drafter or '未指定'}")
        for r in rows if r.group == RETURNED and (person_id is None or r.drafter_id == person_id)
    ][:LIST_LIMIT]
    return summary


def _deadline_items(session: Session, today: dt.date) -> tuple[list[SummaryItem], list[SummaryItem]]:
    soon_limit = due_soon_limit(session, today)
    mine = department_clause(session, Item.department_id)  # a department account's own only
    base = select(Item.id, Item.title, Item.due_on)
    base = base if mine is None else base.where(mine)
    late = [SummaryItem(i, t, d, f"已超期 {(today - d).days} 天")
            for i, t, d in session.execute(base.where(overdue_clause(today), Item.published_on.is_(None))
                                           .order_by(Item.due_on).limit(LIST_LIMIT))
            if d is not None]  # (always: overdue_clause needs a due date)
    soon = [SummaryItem(i, t, d, f"{d.month}月{d.day}日到期")
            for i, t, d in session.execute(base.where(due_soon_clause(today, soon_limit))
                                           .order_by(Item.due_on).limit(LIST_LIMIT))
            if d is not None]  # (always: due_soon_clause needs a due date)
    return late, soon


def due_soon_days(session: Session) -> int:
    return int(settings.get(session, "due_soon_workdays"))
