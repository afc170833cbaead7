"""From a request in the database to a letter on paper: ``letter_data`` gathers what a letter
of one kind says (office, applicant, dates from the request's clock), ``write_letter`` renders
it, writes the file (temp file + rename) and records in the request's history that the letter
was produced — in the caller's one transaction, so only a written letter is recorded.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Optional

from sqlalchemy.orm import Session

from deskapp.core.audit.chain import Actor
from deskapp.core.calendar.workdays import WorkCalendar
from deskapp.core.errors import ValidationError
from deskapp.core.requests import clock, records, wording
from deskapp.core.requests.query import RequestRegister
from deskapp.core.store import settings
from deskapp.core.store.db import Database
from deskapp.core.store.models import InfoRequest
from deskapp.exports.pdf.letter import LetterData, compose_letter, render_letter
from deskapp.exports.pdf.page import RenderResult, write_atomic

THIRD_PARTY_DAYS = 15  # Art. 32: the third party answers within 15 working days


def _check_kind_fits(kind: str, detail: InfoRequest) -> None:
    """A letter says what happened: refuse one for a step that was not recorded."""
    if kind == "supplement" and detail.supplement_notice_on is None:
        raise ValidationError({"letter_kind": "该申请尚未登记补正告知，请先在“补正告知”中登记，再打印告知书。"})
    if kind == "extension" and detail.extension_on is None:
        raise ValidationError({"letter_kind": "该申请尚未登记延期答复，请先登记延期，再打印告知书。"})
    if kind == "reply" and detail.outcome is None:
        raise ValidationError({"letter_kind": "该申请尚未答复办结，请先登记办理结果，再打印答复书。"})


def letter_data(session: Session, db: Database, request_id: int, kind: str, today: dt.date,
                consultation_id: Optional[int] = None) -> LetterData:
    """What a letter of ``kind`` says about the request (third-party letters: the consultation
    given, else the newest one)."""
    kind = wording.normalise_kind(kind)
    req = records.get_request(session, request_id)
    _check_kind_fits(kind, req)
    detail = RequestRegister(db, today).detail(session, request_id)
    cal = WorkCalendar.load(session)
    values = settings.get_all(session)
    third_party, third_due, sent = "", None, None
    if kind == "third_party":
        cons = [c for c in detail.consultations if consultation_id in (None, c.id)]
        if not cons:
            raise ValidationError({"letter_kind": "该申请尚未登记征求第三方意见，请先登记，再打印征求意见书。"})
        third_party, sent = cons[-1].third_party, cons[-1].sent_on
        third_due = cal.add_workdays(sent, THIRD_PARTY_DAYS)
    current = detail.due.due if detail.due is not None else None
    unextended = current
    if req.extension_on is not None:  # the extension letter names both dates
        supplement = req.supplement_received_on if req.supplement_notice_on else None
        pauses = [clock.Consultation(c.sent_on, c.answered_on) for c in detail.consultations]
        unextended = clock.request_due(cal, req.received_on, supplement, pauses, False).due
    letter_date = {"receipt": req.received_on, "supplement": req.supplement_notice_on,
                   "extension": req.extension_on, "third_party": sent, "reply": req.reply_on}[kind]
    return LetterData(
        kind=kind, office=str(values["org_name"]), number=req.number, letter_date=letter_date or today,
        applicant=req.applicant_name, id_number=req.id_number, outcome=req.outcome or "",
        address=str(values["address"]), phone=str(values["phone"]), received=req.received_on,
        due=unextended, new_due=current if req.extension_on is not None else None,
        supplement_end=detail.supplement_deadline, third_party_due=third_due, subject=req.content,
        missing=req.supplement_missing, approver=req.extension_approver, third_party=third_party,
        reason=req.extension_reason if kind == "extension" else "",
    )


def render_request_letter(session: Session, db: Database, request_id: int, kind: str,
                          today: dt.date) -> RenderResult:
    data = letter_data(session, db, request_id, kind, today)
    return render_letter(compose_letter(data, wording.load_wording(session)))


def write_letter(session: Session, db: Database, actor: Actor, request_id: int, kind: str, path: str | Path,
                 today: dt.date) -> RenderResult:
    """Render, write ``path`` atomically, and record the letter in the request's history."""
    result = render_request_letter(session, db, request_id, kind, today)
    write_atomic(path, result.data)
    # The history keeps the CLI's spelling of the kinds (third-party), the wording module its own.
    recorded = "third-party" if wording.normalise_kind(kind) == "third_party" else wording.normalise_kind(kind)
    records.record_letter(session, actor, request_id, recorded, today, detail=Path(path).name)
    return result
