"""Open requests' due dates follow the holiday table.

``requests`` sits above ``register`` in the layer contract (register must not know about
requests), so the holiday save that should recompute both lives here: the settings dialog's
节假日安排 and anything else that changes the table call :func:`save_holiday_year` /
:func:`restore_holiday_year` instead of register.holidays' own, and get the items' and the
requests' deadlines recomputed in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from deskapp.core.audit import chain as audit
from deskapp.core.audit.chain import Actor
from deskapp.core.calendar.workdays import WorkCalendar, YearArrangement
from deskapp.core.register import holidays
from deskapp.core.requests import clock
from deskapp.core.store.models import InfoRequest, RequestConsultation, table_of

Key = tuple[dt.date, Optional[dt.date], tuple[tuple[dt.date, Optional[dt.date]], ...], bool]


def recompute_request_deadlines(session: Session, actor: Actor = audit.SYSTEM) -> int:
    """Every open request's due date again (after the holiday table changed); returns how
    many changed. A bulk UPDATE by id that leaves the version alone, as for items, so nobody's
    open dialog is refused because the holidays changed."""
    session.flush()
    cal = WorkCalendar.load(session)
    rows = session.execute(
        select(InfoRequest.id, InfoRequest.received_on, InfoRequest.supplement_notice_on,
               InfoRequest.supplement_received_on, InfoRequest.extension_on, InfoRequest.due_on,
               InfoRequest.due_provisional).where(InfoRequest.outcome.is_(None))
    ).all()
    open_ids = [r.id for r in rows]
    cons: dict[int, list[tuple[dt.date, Optional[dt.date]]]] = {}
    for start in range(0, len(open_ids), 900):
        chunk = open_ids[start:start + 900]
        stmt = (select(RequestConsultation.request_id, RequestConsultation.sent_on, RequestConsultation.answered_on)
                .where(RequestConsultation.request_id.in_(chunk)))
        for rid, sent, answered in session.execute(stmt):
            cons.setdefault(rid, []).append((sent, answered))
    memo: dict[Key, tuple[Optional[dt.date], bool]] = {}
    updates = []
    for r in rows:
        waiting = r.supplement_notice_on is not None and r.supplement_received_on is None
        supplement = r.supplement_received_on if r.supplement_notice_on else None
        key: Key = (r.received_on, supplement, tuple(sorted(cons.get(r.id, []), key=str)), r.extension_on is not None)
        if waiting:
            new: tuple[Optional[dt.date], bool] = (None, False)
        else:
            if key not in memo:
                due = clock.request_due(cal, key[0], key[1], [clock.Consultation(s, a) for s, a in key[2]], key[3])
                memo[key] = (due.due, due.provisional)
            new = memo[key]
        if new != (r.due_on, bool(r.due_provisional)):
            updates.append({"b_id": r.id, "b_due": new[0], "b_prov": new[1]})
    if updates:
        table = table_of(InfoRequest)
        bulk = (update(table).where(table.c.id == bindparam("b_id"))
                .values(due_on=bindparam("b_due"), due_provisional=bindparam("b_prov")))
        session.connection().execute(bulk, updates)
        for obj in list(session.identity_map.values()):
            if isinstance(obj, InfoRequest):
                session.expire(obj, ["due_on", "due_provisional"])
        audit.record(session, actor, "recompute_deadlines", "info_request", None, None, {"count": len(updates)})
    return len(updates)


def save_holiday_year(session: Session, actor: Actor, arrangement: YearArrangement) -> tuple[int, int]:
    """register.holidays.save_year, then the requests' due dates: (items changed, requests changed)."""
    items = holidays.save_year(session, actor, arrangement)
    return items, recompute_request_deadlines(session, actor)


def restore_holiday_year(session: Session, actor: Actor, year: int) -> tuple[int, int]:
    """register.holidays.restore_package_year, then the requests' due dates."""
    items = holidays.restore_package_year(session, actor, year)
    return items, recompute_request_deadlines(session, actor)
