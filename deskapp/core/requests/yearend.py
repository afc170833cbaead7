"""Closing a year of requests: what was still open on 31 December is carried over.

A request open on 31 December of year Y (received by then, not replied or withdrawn by then)
is the annual report's 四、结转下年度继续办理 for Y and 二、上年结转 for Y+1. Both are read from
the dates, so nothing is retyped; :func:`carry_over` also stamps the requests
(``carried_over_from_year``) and their history, so the step is visible in the timeline.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from deskapp.core.audit import chain as audit
from deskapp.core.audit.chain import Actor
from deskapp.core.requests.records import ENTITY, add_event
from deskapp.core.requests.vocab import APPLICANT_TYPES, OUTCOMES
from deskapp.core.store.models import InfoRequest


def open_on_clause(day: dt.date) -> ColumnElement[bool]:
    """Received by ``day`` and not closed by then (a reply or withdrawal after it)."""
    return and_(InfoRequest.received_on <= day, or_(InfoRequest.reply_on.is_(None), InfoRequest.reply_on > day))


def open_at_year_end(session: Session, year: int) -> list[int]:
    """Ids of the requests open on 31 December of ``year``, in number order."""
    stmt = (select(InfoRequest.id).where(open_on_clause(dt.date(year, 12, 31)))
            .order_by(InfoRequest.year, InfoRequest.serial))
    return list(session.scalars(stmt))


def carried_into(session: Session, year: int) -> list[int]:
    """Section 三 row 二 of ``year``: what the year before left open."""
    return open_at_year_end(session, year - 1)


def carry_over(session: Session, actor: Actor, year: int) -> int:
    """Stamp the requests open at the end of ``year`` as carried over into ``year`` + 1.
    Idempotent: requests already stamped are left as they are. Returns how many were stamped."""
    ids = open_at_year_end(session, year)
    reqs = [r for r in session.scalars(select(InfoRequest).where(InfoRequest.id.in_(ids)))
            if r.carried_over_from_year is None]
    for req in reqs:
        req.carried_over_from_year = year
        add_event(session, actor, req.id, "carried_over", dt.date(year, 12, 31),
                  f"{year}年未办结，结转至{year + 1}年继续办理")
    session.flush()
    if reqs:
        changes: list[tuple[object, Any, Any]] = [(r.id, {"carried_over_from_year": None},
                                                   {"carried_over_from_year": year}) for r in reqs]
        audit.record_many(session, actor, "carry_over", ENTITY, changes)
    return len(reqs)


# --- section 三 of the annual report --------------------------------------------------------------

COLUMNS = (*APPLICANT_TYPES, "total")


def _by_type(rows: list[tuple[str, int]]) -> dict[str, int]:
    out = {c: 0 for c in COLUMNS}
    for applicant_type, n in rows:
        out[applicant_type] = out.get(applicant_type, 0) + n
        out["total"] += n
    return out


@dataclass(frozen=True)
class SectionThree:
    """The figures of section 三 for one year, each row {applicant column: count, "total": n}."""

    year: int
    new: dict[str, int]  # 一、本年新收
    carried_in: dict[str, int]  # 二、上年结转
    outcomes: dict[str, dict[str, int]]  # 三、本年度办理结果, by OUTCOMES code
    outcomes_total: dict[str, int]  # 三（七）总计
    carried_out: dict[str, int]  # 四、结转下年度继续办理

    def balanced(self) -> bool:
        """一 + 二 = 三（七） + 四 in every column (the report's 勾稽关系)."""
        return all(self.new[c] + self.carried_in[c] == self.outcomes_total[c] + self.carried_out[c] for c in COLUMNS)


def section_three(session: Session, year: int) -> SectionThree:
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)

    def counted(*where: ColumnElement[bool]) -> list[tuple[str, int]]:
        stmt = select(InfoRequest.applicant_type, func.count()).where(*where).group_by(InfoRequest.applicant_type)
        return [(t, int(n)) for t, n in session.execute(stmt)]

    outcomes: dict[str, dict[str, int]] = {}
    closed = select(InfoRequest.outcome, InfoRequest.applicant_type, func.count()).where(
        InfoRequest.reply_on.between(first, last)).group_by(InfoRequest.outcome, InfoRequest.applicant_type)
    grouped: dict[str, list[tuple[str, int]]] = {}
    for outcome, applicant_type, n in session.execute(closed):
        grouped.setdefault(outcome or "", []).append((applicant_type, int(n)))
    for code in OUTCOMES:
        outcomes[code] = _by_type(grouped.get(code, []))
    total = _by_type([(t, n) for rows in grouped.values() for t, n in rows])
    return SectionThree(
        year=year,
        new=_by_type(counted(InfoRequest.received_on.between(first, last))),
        carried_in=_by_type(counted(open_on_clause(dt.date(year - 1, 12, 31)))),
        outcomes=outcomes, outcomes_total=total,
        carried_out=_by_type(counted(open_on_clause(last))),
    )
