"""Reading the request register: filters, search, rows a page at a time, one request's detail.

The window's table holds only ids (``ids``) and asks for rows a page at a time
(``rows_for``), as the item register does. Plain dataclasses out, never ORM objects; the
applicant's name (a person's), 证件号 and phone are masked in rows and in the detail's
display fields.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Optional, Sequence

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select
from sqlalchemy.orm import Session

from deskapp.core.accounts.scope import check_department, department_clause
from deskapp.core.calendar.dates import iso_or_none
from deskapp.core.calendar.workdays import WorkCalendar
from deskapp.core.privacy import masking
from deskapp.core.register.query import due_soon_limit
from deskapp.core.requests import clock, records
from deskapp.core.requests.vocab import (
    APPLICANT_TYPES,
    CHANNELS,
    EVENT_KINDS,
    OPEN_STEPS,
    OUTCOMES,
    RECEIVED_HINTS,
    STEPS,
)
from deskapp.core.store.db import Database
from deskapp.core.store.models import Department, InfoRequest, RequestConsultation, RequestEvent

OUTCOME_GROUP_PREFIXES = ("refuse", "unable", "reject", "other")
SORT_KEYS = ("number", "received_on", "due_on", "applicant", "step", "outcome", "reply_on", "department")


@dataclass(frozen=True)
class RequestFilter:
    year: Optional[int] = None  # received in this year
    step: Optional[str] = None  # vocab.STEPS code
    open_only: bool = False
    overdue_only: bool = False
    due_soon_only: bool = False
    outcome: Optional[str] = None  # an OUTCOMES code, or a group: refuse / unable / reject / other
    department_id: Optional[int] = None
    search: str = ""  # in the number, the applicant's name, what is asked


def overdue_clause(today: dt.date) -> ColumnElement[bool]:
    """Late: open and past its due date, or replied after it."""
    return and_(InfoRequest.due_on.is_not(None), or_(
        and_(InfoRequest.outcome.is_(None), InfoRequest.due_on < today),
        InfoRequest.reply_on > InfoRequest.due_on,
    ))


def masked_applicant(applicant_type: str, name: str) -> str:
    """A person's name as 张*三; an organisation's name is public and stays."""
    return masking.mask_name(name) if applicant_type == "person" else name


def mask_phone(phone: str) -> str:
    return masking.mask_text(phone) if phone else ""


@dataclass(frozen=True)
class RequestRow:
    """One request as the table and the CLI show it. The applicant is masked."""

    id: int
    number: str
    year: int
    applicant: str
    applicant_type: str
    channel: str
    received_on: dt.date
    content: str
    department: str
    step: str
    due_on: Optional[dt.date]
    due_provisional: bool
    days_left: Optional[int]  # working days from today to the due date; negative when late
    overdue: bool
    due_soon: bool
    outcome: Optional[str]
    reply_on: Optional[dt.date]
    carried_over_from_year: Optional[int]
    version: int

    @property
    def step_label(self) -> str:
        return STEPS.get(self.step, self.step)

    @property
    def outcome_label(self) -> str:
        return OUTCOMES.get(self.outcome or "", self.outcome or "")

    @property
    def applicant_type_label(self) -> str:
        return APPLICANT_TYPES.get(self.applicant_type, self.applicant_type)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "number": self.number, "applicant": self.applicant,
            "applicant_type": self.applicant_type, "channel": self.channel,
            "received_on": iso_or_none(self.received_on), "department": self.department, "step": self.step,
            "due_on": iso_or_none(self.due_on), "due_provisional": self.due_provisional,
            "days_left": self.days_left, "overdue": self.overdue, "due_soon": self.due_soon,
            "outcome": self.outcome, "reply_on": iso_or_none(self.reply_on),
            "carried_over_from_year": self.carried_over_from_year,
        }


@dataclass(frozen=True)
class TimelineEntry:
    day: dt.date
    kind: str
    text: str
    actor_name: str
    at: dt.datetime
    letter_kind: Optional[str]

    @property
    def kind_label(self) -> str:
        return EVENT_KINDS.get(self.kind, self.kind)


@dataclass(frozen=True)
class ConsultationView:
    id: int
    third_party: str
    sent_on: dt.date
    answered_on: Optional[dt.date]
    until: dt.date  # the answer, or the 15th working day after sending (the pause's end)


@dataclass(frozen=True)
class RequestDetail:
    """Everything the detail pane and the letters need about one request.

    ``data`` holds the registration as entered — the 证件号 unmasked, for the edit dialog and
    the letter addressed to the applicant only; everything else shows the ``*_masked`` fields.
    """

    id: int
    number: str
    data: records.RequestData
    applicant_masked: str
    id_number_masked: str
    phone_masked: str
    department: str
    received_hint: str
    step: str
    due_on: Optional[dt.date]
    due: Optional[clock.RequestDue]  # None while a 补正 notice awaits its supplement
    supplement_notice_due: dt.date
    supplement_notice_on: Optional[dt.date]
    supplement_missing: str
    supplement_days: Optional[int]
    supplement_deadline: Optional[dt.date]
    supplement_received_on: Optional[dt.date]
    consultations: tuple[ConsultationView, ...]
    extension_on: Optional[dt.date]
    extension_approver: str
    extension_reason: str
    extension_possible: bool
    fee_cents: Optional[int]
    fee_notice_on: Optional[dt.date]
    fee_paid_on: Optional[dt.date]
    fee_deadline: Optional[dt.date]
    outcome: Optional[str]
    reply_on: Optional[dt.date]
    reply_delivery: Optional[str]
    withdrawn_on: Optional[dt.date]
    overdue: bool
    timeline: tuple[TimelineEntry, ...]
    version: int

    @property
    def step_label(self) -> str:
        return STEPS.get(self.step, self.step)

    @property
    def outcome_label(self) -> str:
        return OUTCOMES.get(self.outcome or "", "")


class RequestRegister:
    """Queries over one database, given today's date (a parameter so tests can pin it)."""

    def __init__(self, db: Database, today: Optional[dt.date] = None):
        self.db = db
        self.today = today or dt.date.today()
        self._cal: Optional[WorkCalendar] = None
        self._soon_limit: Optional[dt.date] = None

    def calendar(self, session: Session) -> WorkCalendar:
        if self._cal is None:
            self._cal = WorkCalendar.load(session)
        return self._cal

    def soon_limit(self, session: Session) -> dt.date:
        if self._soon_limit is None:
            self._soon_limit = due_soon_limit(session, self.today, self.calendar(session))
        return self._soon_limit

    def where(self, session: Session, f: RequestFilter) -> list[ColumnElement[bool]]:
        c: list[ColumnElement[bool]] = []
        if f.year:
            c.append(InfoRequest.received_on.between(dt.date(f.year, 1, 1), dt.date(f.year, 12, 31)))
        if f.step:
            c.append(InfoRequest.step == f.step)
        if f.open_only:
            c.append(InfoRequest.step.in_(OPEN_STEPS))
        if f.overdue_only:
            c.append(overdue_clause(self.today))
        if f.due_soon_only:
            c.append(and_(InfoRequest.step.in_(OPEN_STEPS), InfoRequest.due_on >= self.today,
                          InfoRequest.due_on <= self.soon_limit(session)))
        if f.outcome in OUTCOME_GROUP_PREFIXES:
            c.append(InfoRequest.outcome.startswith(f"{f.outcome}_"))
        elif f.outcome:
            c.append(InfoRequest.outcome == f.outcome)
        if f.department_id:
            c.append(InfoRequest.department_id == f.department_id)
        text = f.search.strip()
        if text:
            c.append(or_(InfoRequest.number.contains(text, autoescape=True),
                         InfoRequest.applicant_name.contains(text, autoescape=True),
                         InfoRequest.content.contains(text, autoescape=True)))
        mine = department_clause(session, InfoRequest.department_id)  # a department account's own only
        if mine is not None:
            c.append(mine)
        return c

    def _sorted(self, stmt: Select[Any], sort: str, descending: bool) -> Select[Any]:
        keys: list[Any]
        if sort == "number":
            keys = [InfoRequest.year, InfoRequest.serial]
        elif sort == "applicant":
            keys = [InfoRequest.applicant_name]
        elif sort == "department":
            stmt = stmt.outerjoin(Department, Department.id == InfoRequest.department_id)
            keys = [Department.name]
        elif sort in SORT_KEYS:
            keys = [getattr(InfoRequest, sort)]
        else:
            keys = [InfoRequest.received_on]
        keys.append(InfoRequest.id)
        return stmt.order_by(*[k.desc() if descending else k.asc() for k in keys])

    def ids(self, session: Session, f: RequestFilter, sort: str = "number", descending: bool = True,
            limit: Optional[int] = None) -> list[int]:
        stmt = self._sorted(select(InfoRequest.id).where(*self.where(session, f)), sort, descending)
        if limit is not None:
            stmt = stmt.limit(limit)
        return list(session.scalars(stmt))

    def counts(self, session: Session, f: RequestFilter) -> tuple[int, int]:
        """(requests matching, of which late) for "共 N 件，超期 M 件"."""
        late = func.sum(case((overdue_clause(self.today), 1), else_=0))
        row = session.execute(select(func.count(InfoRequest.id), late).where(*self.where(session, f))).one()
        return int(row[0] or 0), int(row[1] or 0)

    def rows_for(self, session: Session, ids: Sequence[int]) -> dict[int, RequestRow]:
        if not ids:
            return {}
        cal, soon = self.calendar(session), self.soon_limit(session)
        stmt = (select(InfoRequest, Department.name)
                .outerjoin(Department, Department.id == InfoRequest.department_id)
                .where(InfoRequest.id.in_(list(ids))))
        return {r.id: self._row(r, dep, cal, soon) for r, dep in session.execute(stmt)}

    def rows(self, session: Session, f: RequestFilter, sort: str = "number",
             descending: bool = False) -> list[RequestRow]:
        ids = self.ids(session, f, sort, descending)
        out: list[RequestRow] = []
        for start in range(0, len(ids), 500):
            page = ids[start:start + 500]
            found = self.rows_for(session, page)
            out.extend(found[i] for i in page if i in found)
        return out

    def _row(self, r: InfoRequest, department: Optional[str], cal: WorkCalendar, soon: dt.date) -> RequestRow:
        is_open = r.outcome is None
        overdue = r.due_on is not None and (
            (is_open and r.due_on < self.today) or (r.reply_on is not None and r.reply_on > r.due_on))
        days_left = cal.workdays_between(self.today, r.due_on) if is_open and r.due_on else None
        return RequestRow(
            id=r.id, number=r.number, year=r.year, applicant=masked_applicant(r.applicant_type, r.applicant_name),
            applicant_type=r.applicant_type, channel=r.channel, received_on=r.received_on, content=r.content,
            department=department or "", step=r.step, due_on=r.due_on, due_provisional=bool(r.due_provisional),
            days_left=days_left, overdue=overdue,
            due_soon=bool(is_open and r.due_on and self.today <= r.due_on <= soon),
            outcome=r.outcome, reply_on=r.reply_on, carried_over_from_year=r.carried_over_from_year,
            version=r.version,
        )

    def detail(self, session: Session, request_id: int) -> RequestDetail:
        req = records.get_request(session, request_id)
        check_department(session, req.department_id, "申请")
        session.refresh(req)  # another window may have recorded a step since it was loaded
        cal = self.calendar(session)
        cons = records.consultations_of(session, req.id)
        due = records.due_of(req, cons, cal)
        events = session.scalars(select(RequestEvent).where(RequestEvent.request_id == req.id)
                                 .order_by(RequestEvent.day, RequestEvent.at, RequestEvent.id))
        department = session.get(Department, req.department_id) if req.department_id else None
        row = self._row(req, None, cal, self.soon_limit(session))
        return RequestDetail(
            id=req.id, number=req.number, data=records.RequestData.of(req),
            applicant_masked=masked_applicant(req.applicant_type, req.applicant_name),
            id_number_masked=records.mask_id_number(req.id_number), phone_masked=mask_phone(req.phone),
            department=department.name if department else "", received_hint=RECEIVED_HINTS.get(req.channel, ""),
            step=req.step, due_on=req.due_on, due=due,
            supplement_notice_due=clock.supplement_notice_due(cal, req.received_on),
            supplement_notice_on=req.supplement_notice_on, supplement_missing=req.supplement_missing,
            supplement_days=req.supplement_days, supplement_deadline=records.supplement_deadline(cal, req),
            supplement_received_on=req.supplement_received_on,
            consultations=tuple(_consultation(cal, c) for c in cons),
            extension_on=req.extension_on, extension_approver=req.extension_approver,
            extension_reason=req.extension_reason,
            extension_possible=(req.outcome is None and req.extension_on is None and due is not None
                                and self.today <= due.due),
            fee_cents=req.fee_cents, fee_notice_on=req.fee_notice_on, fee_paid_on=req.fee_paid_on,
            fee_deadline=records.fee_deadline(session, cal, req),
            outcome=req.outcome, reply_on=req.reply_on, reply_delivery=req.reply_delivery,
            withdrawn_on=req.withdrawn_on, overdue=row.overdue,
            timeline=tuple(TimelineEntry(e.day, e.kind, e.text, e.actor_name, e.at, e.letter_kind) for e in events),
            version=req.version,
        )


def _consultation(cal: WorkCalendar, c: RequestConsultation) -> ConsultationView:
    until = clock.consultation_until(cal, clock.Consultation(c.sent_on, c.answered_on))
    return ConsultationView(c.id, c.third_party, c.sent_on, c.answered_on, until)


def channel_hint(channel: str) -> str:
    """Art. 31's rule for the received date of a channel (the registration form shows it)."""
    return RECEIVED_HINTS.get(channel, "")


def channel_label(channel: str) -> str:
    return CHANNELS.get(channel, channel)
