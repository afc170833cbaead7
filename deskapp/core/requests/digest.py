"""What the opening digest (今日待办) says about 依申请公开: open requests that are late, due
within the reminder period (``due_soon_workdays``), or whose 补正 notice must go out soon.

A 补正 notice is only allowed within 7 working days of receipt (Art. 30, cf.
:func:`deskapp.core.requests.clock.supplement_notice_due`); once that window has passed the
office can no longer ask, so a request still at its first step whose window closes within the
reminder period is listed with the last day. Applicants are masked (``RequestRow.applicant``).
Reads only; built on :class:`~deskapp.core.requests.query.RequestRegister`, so the digest and
the tab's "超期" / "即将到期" filters always agree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from deskapp.core.requests import clock
from deskapp.core.requests.query import RequestFilter, RequestRegister, RequestRow
from deskapp.core.store.db import Database
from deskapp.core.store.models import InfoRequest

LIST_LIMIT = 50  # as the items' digest: the lists stop here, the totals count everything
# 7 working days never span more calendar days than this (the longest holiday is 8–9 days).
_SUPPLEMENT_WINDOW_SPAN = dt.timedelta(days=40)


@dataclass(frozen=True)
class DigestEntry:
    """One line of the digest: number, masked applicant, the date that matters, and why."""

    request_id: int
    number: str
    applicant: str  # masked (a person's name as 张*三)
    day: dt.date  # the due date, or the last day for the 补正 notice
    note: str  # e.g. "已超期 3 个工作日", "11月30日到期", "补正告知最迟 11月30日发出"


@dataclass(frozen=True)
class RequestDigest:
    late: list[DigestEntry] = field(default_factory=list)
    due_soon: list[DigestEntry] = field(default_factory=list)
    supplement: list[DigestEntry] = field(default_factory=list)  # 补正 window closing soon
    late_total: int = 0
    due_soon_total: int = 0
    supplement_total: int = 0

    @property
    def empty(self) -> bool:
        return not (self.late_total or self.due_soon_total or self.supplement_total)


def _md(day: dt.date) -> str:
    return f"{day.month}月{day.day}日"


def _late_note(row: RequestRow) -> str:
    days = -(row.days_left or 0)
    return f"已超期 {days} 个工作日" if days > 0 else "已超期"


def _entries(reg: RequestRegister, session: Session, f: RequestFilter, limit: int) -> tuple[list[RequestRow], int]:
    total = reg.counts(session, f)[0]
    ids = reg.ids(session, f, sort="due_on", descending=False, limit=limit)
    found = reg.rows_for(session, ids)
    return [found[i] for i in ids if i in found], total


def _supplement_window(reg: RequestRegister, session: Session, today: dt.date,
                       limit: int) -> tuple[list[DigestEntry], int]:
    """Requests at their first step, no 补正 notice yet, whose 7-working-day window for one is
    still open and closes within the reminder period."""
    cal = reg.calendar(session)
    soon = reg.soon_limit(session)
    stmt = (select(InfoRequest.id, InfoRequest.received_on)
            .where(*reg.where(session, RequestFilter(step="registered")),
                   InfoRequest.supplement_notice_on.is_(None),
                   InfoRequest.received_on >= today - _SUPPLEMENT_WINDOW_SPAN,
                   InfoRequest.received_on <= today)
            .order_by(InfoRequest.received_on, InfoRequest.id))
    due: list[tuple[int, dt.date]] = []
    for request_id, received in session.execute(stmt):
        last = clock.supplement_notice_due(cal, received)
        if today <= last <= soon:
            due.append((request_id, last))
    shown = due[:limit]
    rows = reg.rows_for(session, [i for i, _ in shown])
    entries = [DigestEntry(i, rows[i].number, rows[i].applicant, last, f"补正告知最迟 {_md(last)}发出")
               for i, last in shown if i in rows]
    return entries, len(due)


def request_digest(session: Session, db: Database, today: dt.date, limit: int = LIST_LIMIT) -> RequestDigest:
    """The digest's 依申请公开 part for ``today``; each list at most ``limit`` long, the
    totals complete. Late and due-soon requests are open ones only (a late reply already sent
    is history, not a task)."""
    reg = RequestRegister(db, today)
    late_rows, late_total = _entries(reg, session, RequestFilter(open_only=True, overdue_only=True), limit)
    soon_rows, soon_total = _entries(reg, session, RequestFilter(open_only=True, due_soon_only=True), limit)
    supplement, supplement_total = _supplement_window(reg, session, today, limit)
    return RequestDigest(
        late=[_entry(r, _late_note(r)) for r in late_rows if r.due_on is not None],
        due_soon=[_entry(r, f"{_md(r.due_on)}到期") for r in soon_rows if r.due_on is not None],
        supplement=supplement,
        late_total=late_total, due_soon_total=soon_total, supplement_total=supplement_total,
    )


def _entry(row: RequestRow, note: str) -> DigestEntry:
    assert row.due_on is not None  # the callers keep only rows with a due date
    return DigestEntry(row.id, row.number, row.applicant, row.due_on, note)

