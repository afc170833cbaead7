"""The request register: entering an application and recording each step the law knows.

Every function takes the caller's session (one transaction per user action, opened by the
caller), an :class:`~deskapp.core.audit.chain.Actor` and the version the user saw; it refuses
what the law does not allow with a ValidationError (one Chinese sentence), records the step
in the request's history (``request_event``) and in the audit log, and recomputes the
request's derived due date and step. Reading (the table, the detail) is in
:mod:`deskapp.core.requests.query`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, fields
from typing import Any, NoReturn, Optional

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from deskapp.core.accounts.scope import check_department
from deskapp.core.audit import chain as audit
from deskapp.core.audit.chain import Actor
from deskapp.core.audit.conflicts import check_version
from deskapp.core.calendar.workdays import WorkCalendar
from deskapp.core.errors import ConcurrentEditError, DeskError, NotFoundError, ValidationError
from deskapp.core.privacy import masking
from deskapp.core.requests import clock
from deskapp.core.requests.vocab import (
    APPLICANT_TYPES,
    CHANNELS,
    DELIVERIES,
    EVENT_KINDS,
    FORMS,
    LETTER_KINDS,
    OUTCOMES,
    REPLY_DELIVERIES,
)
from deskapp.core.store import counters, settings
from deskapp.core.store.models import Department, InfoRequest, RequestConsultation, RequestEvent, utcnow

ENTITY = "info_request"
MAX_NAME = 200
_OTHER_ID = re.compile(r"^[A-Za-z0-9()（）\-]{5,30}$")  # passport, 港澳台 permits, credit codes
_PHONE = re.compile(r"^[0-9+\-\s()（）转]{5,30}$")


@dataclass
class RequestData:
    """The registration fields of a request, as the dialog, the CLI and the demo supply them."""

    applicant_type: str = "person"
    applicant_name: str = ""
    id_number: str = ""
    phone: str = ""
    address: str = ""
    email: str = ""
    channel: str = "in_person"
    received_on: Optional[dt.date] = None  # Art. 31: entered, never assumed to be today
    content: str = ""
    form_wanted: str = "paper"
    delivery: str = "post"
    department_id: Optional[int] = None
    note: str = ""
    carried_over_from_year: Optional[int] = None

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in fields(cls)]

    @classmethod
    def of(cls, req: InfoRequest) -> "RequestData":
        return cls(**{n: getattr(req, n) for n in cls.names()})


AUDITED = ["number", *RequestData.names(), "supplement_notice_on", "supplement_missing", "supplement_days",
           "supplement_received_on", "extension_on", "extension_approver", "extension_reason", "fee_cents",
           "fee_notice_on", "fee_paid_on", "outcome", "reply_on", "reply_delivery", "withdrawn_on", "step",
           "due_on", "due_provisional", "version"]
CONFLICT_FIELDS = AUDITED  # what a ConcurrentEditError carries of the stored request


# --- checks on the registration -----------------------------------------------------------

def id_number_problem(applicant_type: str, number: str) -> Optional[str]:
    """Why a 证件号 is wrong (one Chinese sentence), or None. A resident's 18-character
    身份证号 must carry its GB 11643 check character; other documents are accepted as typed."""
    n = number.strip().replace(" ", "")
    if not n:
        return None
    if applicant_type == "person":
        if len(n) == 18 and n[:17].isdigit():
            return None if masking.is_id18(n) else "身份证号校验位不对，请核对后重新填写。"
        if n.isdigit() and len(n) == 15:
            return None if masking.is_id15(n) else "15位身份证号中的出生日期不对，请核对。"
        if n.isdigit():
            return "身份证号应为18位，请核对后重新填写。"
    if not _OTHER_ID.match(n):
        return "证件号只能由字母、数字组成（5到30位），请核对。"
    return None


def mask_id_number(number: str) -> str:
    """330102********123X for an ID; other documents keep their first two and last two."""
    n = number.strip()
    if not n:
        return ""
    if masking.classify(n) == "id":
        return masking.mask_number("id", n)
    if len(n) <= 4:
        return "*" * len(n)
    return n[:2] + "*" * (len(n) - 4) + n[-2:]


def validate(data: RequestData, today: dt.date) -> None:
    """Raise ValidationError with a Chinese message per bad field; nothing is saved."""
    errors: dict[str, str] = {}
    if data.applicant_type not in APPLICANT_TYPES:
        errors["applicant_type"] = "请选择申请人类型（自然人或法人、其他组织的类别）。"
    name = data.applicant_name.strip()
    if not name:
        errors["applicant_name"] = "请填写申请人姓名或名称。"
    elif len(name) > MAX_NAME:
        errors["applicant_name"] = f"申请人姓名或名称不能超过{MAX_NAME}个字。"
    problem = id_number_problem(data.applicant_type, data.id_number)
    if problem:
        errors["id_number"] = problem
    if data.phone.strip() and not _PHONE.match(data.phone.strip()):
        errors["phone"] = "联系电话只能含数字、空格和“-”，请核对。"
    if data.email.strip() and ("@" not in data.email or " " in data.email.strip()):
        errors["email"] = "电子邮箱格式不对，请核对。"
    if not (data.phone.strip() or data.address.strip() or data.email.strip()):
        errors["phone"] = "请至少填写一种联系方式（电话、通信地址或电子邮箱）。"
    if data.channel not in CHANNELS:
        errors["channel"] = "请选择申请方式（当面、邮寄、平信、网上、传真或电子邮件）。"
    if data.received_on is None:
        errors["received_on"] = "请填写收到申请之日（按第三十一条确定，不一定是今天）。"
    elif data.received_on > today:
        errors["received_on"] = "收到申请之日不能晚于今天。"
    if not data.content.strip():
        errors["content"] = "请填写申请公开的政府信息内容。"
    if data.form_wanted not in FORMS:
        errors["form_wanted"] = "请选择所需信息的形式（纸质或电子）。"
    if data.delivery not in DELIVERIES:
        errors["delivery"] = "请选择获取信息的方式（邮寄、自取或电子邮件）。"
    elif data.delivery == "post" and not data.address.strip():
        errors["address"] = "选择邮寄的，请填写通信地址。"
    elif data.delivery == "email" and not data.email.strip():
        errors["email"] = "选择电子邮件获取的，请填写电子邮箱。"
    year = data.carried_over_from_year
    if year is not None and data.received_on is not None and year < data.received_on.year:
        errors["carried_over_from_year"] = "结转年度不能早于收到申请的年份。"
    if errors:
        raise ValidationError(errors)


def _check_department(session: Session, department_id: Optional[int]) -> None:
    if department_id is not None and session.get(Department, department_id) is None:
        raise ValidationError({"department_id": "所选承办科室已不存在，请重新选择。"})
    check_department(session, department_id, "申请")  # a department account registers only its own


def _assign(req: InfoRequest, data: RequestData) -> None:
    for name in RequestData.names():
        value = getattr(data, name)
        setattr(req, name, value.strip() if isinstance(value, str) else value)
    req.id_number = data.id_number.strip().replace(" ", "").upper()


# --- numbers ----------------------------------------------------------------------------------

def number_of(prefix: str, year: int, serial: int) -> str:
    return f"{prefix or '依申请公开'}〔{year}〕{serial}号"


def next_serial(session: Session, year: int) -> int:
    """The next free serial of ``year`` from the locked counter (as items' 索引号), so two
    desks saving at once cannot take the same number."""
    def largest() -> int:
        return session.scalar(select(func.max(InfoRequest.serial)).where(InfoRequest.year == year)) or 0

    def taken(serial: int) -> bool:
        stmt = select(InfoRequest.id).where(InfoRequest.year == year, InfoRequest.serial == serial)
        return session.scalar(stmt) is not None

    return counters.allocate(session, counters.request_counter(year), largest, taken)


# --- the derived due date and step ------------------------------------------------------------

def consultations_of(session: Session, request_id: int) -> list[RequestConsultation]:
    stmt = select(RequestConsultation).where(RequestConsultation.request_id == request_id)
    return list(session.scalars(stmt.order_by(RequestConsultation.sent_on, RequestConsultation.id)))


def due_of(req: InfoRequest, consultations: list[RequestConsultation], cal: WorkCalendar) -> Optional[clock.RequestDue]:
    """The answer's due date; None while a 补正 notice awaits its supplement (the clock has
    not restarted yet)."""
    if req.supplement_notice_on is not None and req.supplement_received_on is None:
        return None
    return clock.request_due(
        cal, req.received_on,
        supplement_received=req.supplement_received_on if req.supplement_notice_on else None,
        consultations=[clock.Consultation(c.sent_on, c.answered_on) for c in consultations],
        extended=req.extension_on is not None,
    )


def step_of(req: InfoRequest, consultations: list[RequestConsultation]) -> str:
    if req.outcome is not None:
        return "closed"
    if req.supplement_notice_on is not None and req.supplement_received_on is None:
        return "supplement"
    if req.fee_notice_on is not None and req.fee_paid_on is None:
        return "fee"
    if any(c.answered_on is None for c in consultations):
        return "consulting"
    if req.extension_on is not None:
        return "extended"
    return "registered"


def refresh(session: Session, req: InfoRequest, cal: Optional[WorkCalendar] = None) -> Optional[clock.RequestDue]:
    """Recompute the stored due date and step from the request's dates."""
    with session.no_autoflush:  # the step is written once, with the version bumped once
        consultations = consultations_of(session, req.id) if req.id else []
        due = due_of(req, consultations, cal or WorkCalendar.load(session))
    req.due_on = due.due if due else None
    req.due_provisional = bool(due and due.provisional)
    req.step = step_of(req, consultations)
    return due


def supplement_deadline(cal: WorkCalendar, req: InfoRequest) -> Optional[dt.date]:
    """The last day the applicant may supplement (the period the notice gave, in working days)."""
    if req.supplement_notice_on is None or req.supplement_days is None:
        return None
    return cal.add_workdays(req.supplement_notice_on, req.supplement_days)


def fee_deadline(session: Session, cal: WorkCalendar, req: InfoRequest) -> Optional[dt.date]:
    if req.fee_notice_on is None:
        return None
    return cal.add_workdays(req.fee_notice_on, int(settings.get(session, "fee_payment_days")))


# --- shared plumbing of every action ---------------------------------------------------------

def get_request(session: Session, request_id: int) -> InfoRequest:
    req = session.get(InfoRequest, request_id)
    if req is None:
        raise NotFoundError(f"找不到编号为 {request_id} 的依申请公开记录，可能已被删除。")
    check_department(session, req.department_id, "申请")  # a department account opens only its own
    return req


def _open_for_step(session: Session, request_id: int, expected_version: int) -> InfoRequest:
    req = get_request(session, request_id)
    check_version(session, req, expected_version, ENTITY, CONFLICT_FIELDS)
    if req.outcome is not None:
        raise ValidationError({"outcome": "该申请已办结，不能再登记办理步骤；如需更正，请先撤销办结。"})
    return req


def _refuse(field: str, message: str) -> NoReturn:
    raise ValidationError({field: message})


def _not_future(field: str, day: Optional[dt.date], today: dt.date, label: str) -> dt.date:
    if day is None:
        _refuse(field, f"请填写{label}。")
    assert day is not None
    if day > today:
        _refuse(field, f"{label}不能晚于今天。")
    return day


def _check_answer(req: InfoRequest, field: str, on: dt.date, today: Optional[dt.date], what: str, label: str,
                  earlier_field: str, earlier_label: str, missing: str) -> None:
    """The answer to an earlier step (a supplement to its 补正 notice, a payment to its fee
    notice): not in the future, only after that step, only once, not dated before it."""
    _not_future(field, on, today or dt.date.today(), label)
    earlier: Optional[dt.date] = getattr(req, earlier_field)
    if earlier is None:
        _refuse(field, missing)
    assert earlier is not None
    if getattr(req, field) is not None:
        _refuse(field, f"已登记过{what}。")
    if on < earlier:
        _refuse(field, f"{label}不能早于{earlier_label}。")


def _flush(session: Session) -> None:
    try:
        session.flush()
    except StaleDataError as exc:
        raise ConcurrentEditError() from exc


def add_event(session: Session, actor: Actor, request_id: int, kind: str, day: dt.date, text: str = "",
              letter_kind: Optional[str] = None) -> RequestEvent:
    event = RequestEvent(request_id=request_id, kind=kind, day=day, actor_name=actor.name,
                         text=text or EVENT_KINDS.get(kind, kind), letter_kind=letter_kind)
    session.add(event)
    return event


def _finish(session: Session, actor: Actor, req: InfoRequest, before: dict[str, Any], action: str,
            day: dt.date, text: str, extra: Optional[dict[str, Any]] = None) -> InfoRequest:
    """Recompute, write (version-checked), add the history line and the audit event."""
    req.updated_at = utcnow()  # every step bumps the version, even one that changes no column
    refresh(session, req)
    _flush(session)
    add_event(session, actor, req.id, action, day, text)
    changed_before, changed_after = audit.diff(before, audit.snapshot(req, AUDITED))
    audit.record(session, actor, action, ENTITY, req.id, changed_before, {**changed_after, **(extra or {})})
    session.flush()
    return req


# --- registration -----------------------------------------------------------------------------

def create_request(session: Session, actor: Actor, data: RequestData, today: Optional[dt.date] = None,
                   cal: Optional[WorkCalendar] = None, is_demo: bool = False) -> InfoRequest:
    validate(data, today or dt.date.today())
    _check_department(session, data.department_id)
    assert data.received_on is not None
    year = data.received_on.year
    serial = next_serial(session, year)
    req = InfoRequest(year=year, serial=serial, is_demo=is_demo,
                      number=number_of(settings.get(session, "request_prefix"), year, serial))
    _assign(req, data)
    refresh(session, req, cal)
    session.add(req)
    try:
        session.flush()
    except IntegrityError as exc:
        raise DeskError(f"申请编号冲突，请重试：“{req.number}”刚被同时保存的另一条申请占用。") from exc
    add_event(session, actor, req.id, "created", req.received_on,
              f"收到申请（{CHANNELS[req.channel]}），登记编号 {req.number}")
    audit.record(session, actor, "create", ENTITY, req.id, None, audit.snapshot(req, AUDITED))
    return req


def _step_dates(req: InfoRequest) -> list[dt.date]:
    return [d for d in (req.supplement_notice_on, req.supplement_received_on, req.extension_on,
                        req.fee_notice_on, req.fee_paid_on, req.reply_on) if d is not None]


def update_request(session: Session, actor: Actor, request_id: int, expected_version: int, data: RequestData,
                   today: Optional[dt.date] = None) -> InfoRequest:
    """Correct the registration (the number stays). A received date after a recorded step is refused."""
    req = get_request(session, request_id)
    check_version(session, req, expected_version, ENTITY, CONFLICT_FIELDS)
    validate(data, today or dt.date.today())
    _check_department(session, data.department_id)
    assert data.received_on is not None
    earlier = [d for d in _step_dates(req) if d < data.received_on]
    earlier += [c.sent_on for c in consultations_of(session, req.id) if c.sent_on < data.received_on]
    if earlier:
        _refuse("received_on", f"收到申请之日不能晚于已登记的办理步骤（{min(earlier).isoformat()}），请核对日期。")
    before = audit.snapshot(req, AUDITED)
    with session.no_autoflush:
        _assign(req, data)
    return _finish(session, actor, req, before, "edited", today or dt.date.today(), "修改登记信息")


# --- 补正 (Art. 30) -------------------------------------------------------------------------------

def notify_supplement(session: Session, actor: Actor, request_id: int, expected_version: int,
                      on: dt.date, missing: str, days: Optional[int] = None, allow_late: bool = False,
                      today: Optional[dt.date] = None) -> InfoRequest:
    """The 补正 notice went out on ``on``. Only once; after the 7th working day only with
    ``allow_late`` (the window asks the user first)."""
    today = today or dt.date.today()
    req = _open_for_step(session, request_id, expected_version)
    _not_future("supplement_notice_on", on, today, "补正告知日期")
    if req.supplement_notice_on is not None:
        _refuse("supplement_notice_on", "补正只能告知一次（第三十条），该申请已发出过补正告知。")
    if on < req.received_on:
        _refuse("supplement_notice_on", "补正告知日期不能早于收到申请之日。")
    if not missing.strip():
        _refuse("supplement_missing", "请写明需要补正的事项。")
    period = days if days is not None else int(settings.get(session, "supplement_days"))
    if not 1 <= period <= 60:
        _refuse("supplement_days", "补正期限应在 1 到 60 个工作日之间。")
    cal = WorkCalendar.load(session)
    deadline = clock.supplement_notice_due(cal, req.received_on)
    if on > deadline and not allow_late:
        _refuse("supplement_notice_on",
                f"补正告知应在收到申请后7个工作日内（{deadline.isoformat()}前）发出，已逾期；确需登记请确认后再保存。")
    before = audit.snapshot(req, AUDITED)
    req.supplement_notice_on, req.supplement_missing, req.supplement_days = on, missing.strip(), period
    late = "（逾期发出）" if on > deadline else ""
    return _finish(session, actor, req, before, "supplement_notice", on,
                   f"发出补正告知{late}：{missing.strip()}；补正期限{period}个工作日",
                   {"late": on > deadline})


def receive_supplement(session: Session, actor: Actor, request_id: int, expected_version: int,
                       on: dt.date, today: Optional[dt.date] = None) -> InfoRequest:
    """The supplement arrived: the 20 working days restart from ``on``."""
    req = _open_for_step(session, request_id, expected_version)
    _check_answer(req, "supplement_received_on", on, today, "收到补正材料", "收到补正材料的日期",
                  "supplement_notice_on", "补正告知日期", "尚未发出补正告知，不能登记收到补正材料。")
    before = audit.snapshot(req, AUDITED)
    req.supplement_received_on = on
    return _finish(session, actor, req, before, "supplement_received", on, "收到补正材料，答复期限重新起算")


# --- third parties (Art. 32) ------------------------------------------------------------------------

def send_consultation(session: Session, actor: Actor, request_id: int, expected_version: int,
                      third_party: str, sent_on: dt.date, today: Optional[dt.date] = None) -> int:
    """A letter asking a third party's opinion went out; returns the consultation's id."""
    today = today or dt.date.today()
    req = _open_for_step(session, request_id, expected_version)
    _not_future("sent_on", sent_on, today, "征求意见的发出日期")
    if not third_party.strip():
        _refuse("third_party", "请填写第三方的名称或姓名。")
    if sent_on < req.received_on:
        _refuse("sent_on", "征求意见的发出日期不能早于收到申请之日。")
    if req.supplement_notice_on is not None and req.supplement_received_on is None:
        _refuse("sent_on", "申请正在等待补正，补正后再征求第三方意见。")
    before = audit.snapshot(req, AUDITED)
    consultation = RequestConsultation(request_id=req.id, third_party=third_party.strip(), sent_on=sent_on)
    session.add(consultation)
    session.flush()
    _finish(session, actor, req, before, "consultation_sent", sent_on, f"向“{third_party.strip()}”征求意见",
            {"consultation_id": consultation.id, "third_party": third_party.strip()})
    return consultation.id


def answer_consultation(session: Session, actor: Actor, request_id: int, expected_version: int,
                        consultation_id: int, answered_on: dt.date, today: Optional[dt.date] = None) -> InfoRequest:
    today = today or dt.date.today()
    req = _open_for_step(session, request_id, expected_version)
    consultation = session.get(RequestConsultation, consultation_id)
    if consultation is None or consultation.request_id != req.id:
        raise NotFoundError("找不到这次征求第三方意见的记录，请刷新后重试。")
    _not_future("answered_on", answered_on, today, "第三方答复日期")
    if consultation.answered_on is not None:
        _refuse("answered_on", "该第三方的答复已登记过。")
    if answered_on < consultation.sent_on:
        _refuse("answered_on", "第三方答复日期不能早于征求意见的发出日期。")
    before = audit.snapshot(req, AUDITED)
    consultation.answered_on = answered_on
    return _finish(session, actor, req, before, "consultation_answered", answered_on,
                   f"“{consultation.third_party}”答复意见", {"consultation_id": consultation.id})


# --- extension (Art. 33) --------------------------------------------------------------------------

def extend(session: Session, actor: Actor, request_id: int, expected_version: int, on: dt.date,
           approver: str, reason: str = "", today: Optional[dt.date] = None) -> InfoRequest:
    """One extension of 20 working days, approved by the head of the disclosure office, decided
    before the (unextended) due date."""
    today = today or dt.date.today()
    req = _open_for_step(session, request_id, expected_version)
    _not_future("extension_on", on, today, "延期决定日期")
    if req.extension_on is not None:
        _refuse("extension_on", "答复期限只能延长一次（第三十三条），该申请已延期。")
    if not approver.strip():
        _refuse("extension_approver", "延期须经政府信息公开工作机构负责人同意，请填写批准人。")
    due = due_of(req, consultations_of(session, req.id), WorkCalendar.load(session))
    if due is None:
        _refuse("extension_on", "申请正在等待补正，答复期限尚未起算，不能延期。")
    assert due is not None
    if on < req.received_on:
        _refuse("extension_on", "延期决定日期不能早于收到申请之日。")
    if on > due.due:
        _refuse("extension_on", f"答复期限已于 {due.due.isoformat()} 届满，不能再延期。")
    before = audit.snapshot(req, AUDITED)
    req.extension_on, req.extension_approver, req.extension_reason = on, approver.strip(), reason.strip()
    text = f"延期答复20个工作日，批准人：{approver.strip()}" + (f"；理由：{reason.strip()}" if reason.strip() else "")
    return _finish(session, actor, req, before, "extension", on, text)


# --- fees -----------------------------------------------------------------------------------------

def parse_yuan(text: str) -> int:
    """"12.5" → 1250 fen; ValidationError otherwise."""
    t = text.strip().replace("元", "").replace(",", "").replace("，", "")
    if not re.fullmatch(r"\d{1,7}(\.\d{1,2})?", t):
        _refuse("fee", f"收费金额“{text}”格式不对，请写作 12.50 这样的元数。")
    whole, _, frac = t.partition(".")
    return int(whole) * 100 + int((frac + "00")[:2])


def notify_fee(session: Session, actor: Actor, request_id: int, expected_version: int, amount_cents: int,
               on: dt.date, today: Optional[dt.date] = None) -> InfoRequest:
    today = today or dt.date.today()
    req = _open_for_step(session, request_id, expected_version)
    _not_future("fee_notice_on", on, today, "收费通知日期")
    if req.fee_notice_on is not None:
        _refuse("fee_notice_on", "该申请已发出过收费通知。")
    if amount_cents <= 0:
        _refuse("fee", "收费金额应大于零。")
    if on < req.received_on:
        _refuse("fee_notice_on", "收费通知日期不能早于收到申请之日。")
    before = audit.snapshot(req, AUDITED)
    req.fee_cents, req.fee_notice_on = amount_cents, on
    text = f"发出收费通知，信息处理费 {amount_cents / 100:.2f} 元"
    return _finish(session, actor, req, before, "fee_notice", on, text)


def record_fee_paid(session: Session, actor: Actor, request_id: int, expected_version: int, on: dt.date,
                    today: Optional[dt.date] = None) -> InfoRequest:
    req = _open_for_step(session, request_id, expected_version)
    _check_answer(req, "fee_paid_on", on, today, "缴费", "缴费日期",
                  "fee_notice_on", "收费通知日期", "尚未发出收费通知，不能登记缴费。")
    before = audit.snapshot(req, AUDITED)
    req.fee_paid_on = on
    return _finish(session, actor, req, before, "fee_paid", on, "申请人已缴纳信息处理费")


# --- the end: reply, withdrawal ------------------------------------------------------------------

def _check_outcome(session: Session, cal: WorkCalendar, req: InfoRequest, outcome: str, reply_on: dt.date) -> None:
    if outcome not in OUTCOMES:
        _refuse("outcome", "请选择办理结果（年度报告第三部分所列情形之一）。")
    waiting = req.supplement_notice_on is not None and req.supplement_received_on is None
    if outcome == "other_1":
        deadline = supplement_deadline(cal, req)
        if not waiting or deadline is None:
            _refuse("outcome", "只有发出补正告知而申请人未补正的申请，才能按“逾期不补正”办结。")
        assert deadline is not None
        if reply_on <= deadline:
            _refuse("reply_on", f"补正期限到 {deadline.isoformat()} 才届满，届满后才能按“逾期不补正”办结。")
    elif outcome == "other_2":
        deadline = fee_deadline(session, cal, req)
        if deadline is None or req.fee_paid_on is not None:
            _refuse("outcome", "只有发出收费通知而申请人未缴费的申请，才能按“逾期未缴费”办结。")
        assert deadline is not None
        if reply_on <= deadline:
            _refuse("reply_on", f"缴费期限到 {deadline.isoformat()} 才届满，届满后才能按“逾期未缴费”办结。")
    elif outcome == "unable_3":
        if req.supplement_received_on is None:
            _refuse("outcome", "“补正后申请内容仍不明确”须先发出补正告知并收到补正材料。")
    elif outcome != "other_3" and waiting:
        _refuse("outcome", "申请正在等待补正：申请人补正后再答复，或期满后按“逾期不补正”办结。")


def close_request(session: Session, actor: Actor, request_id: int, expected_version: int, outcome: str,
                  reply_on: dt.date, delivery: Optional[str], today: Optional[dt.date] = None) -> InfoRequest:
    """The reply went out on ``reply_on`` with ``outcome`` (a section 三 code)."""
    today = today or dt.date.today()
    req = _open_for_step(session, request_id, expected_version)
    _not_future("reply_on", reply_on, today, "答复日期")
    if reply_on < req.received_on:
        _refuse("reply_on", "答复日期不能早于收到申请之日。")
    if req.supplement_received_on is not None and reply_on < req.supplement_received_on:
        _refuse("reply_on", "答复日期不能早于收到补正材料的日期。")
    if delivery is not None and delivery not in REPLY_DELIVERIES:
        _refuse("reply_delivery", "请选择答复的送达方式。")
    if delivery is None and outcome != "other_3":
        _refuse("reply_delivery", "请选择答复的送达方式（邮寄、自取、电子邮件或网上申请平台）。")
    cal = WorkCalendar.load(session)
    _check_outcome(session, cal, req, outcome, reply_on)
    before = audit.snapshot(req, AUDITED)
    req.outcome, req.reply_on, req.reply_delivery = outcome, reply_on, delivery
    return _finish(session, actor, req, before, "closed", reply_on, f"答复办结：{OUTCOMES[outcome]}")


def close_unsupplemented(session: Session, actor: Actor, request_id: int, expected_version: int, on: dt.date,
                         delivery: Optional[str] = None, today: Optional[dt.date] = None) -> InfoRequest:
    """（六）1: the supplement period ran out without a supplement."""
    return close_request(session, actor, request_id, expected_version, "other_1", on, delivery or "post", today)


def close_unpaid(session: Session, actor: Actor, request_id: int, expected_version: int, on: dt.date,
                 delivery: Optional[str] = None, today: Optional[dt.date] = None) -> InfoRequest:
    """（六）2: the fee was not paid in time."""
    return close_request(session, actor, request_id, expected_version, "other_2", on, delivery or "post", today)


def withdraw_request(session: Session, actor: Actor, request_id: int, expected_version: int, on: dt.date,
                     reason: str = "", today: Optional[dt.date] = None) -> InfoRequest:
    """The applicant withdrew: ends as （六）3."""
    today = today or dt.date.today()
    req = _open_for_step(session, request_id, expected_version)
    _not_future("withdrawn_on", on, today, "撤回日期")
    if on < req.received_on:
        _refuse("withdrawn_on", "撤回日期不能早于收到申请之日。")
    before = audit.snapshot(req, AUDITED)
    req.withdrawn_on, req.outcome, req.reply_on, req.reply_delivery = on, "other_3", on, None
    text = "申请人撤回申请" + (f"：{reason.strip()}" if reason.strip() else "")
    return _finish(session, actor, req, before, "withdrawn", on, text)


def reopen_request(session: Session, actor: Actor, request_id: int, expected_version: int, reason: str,
                   today: Optional[dt.date] = None) -> InfoRequest:
    """Undo a closing entered by mistake (撤销办结); the reason is kept in the history."""
    req = get_request(session, request_id)
    check_version(session, req, expected_version, ENTITY, CONFLICT_FIELDS)
    if req.outcome is None:
        _refuse("outcome", "该申请尚未办结，无需撤销。")
    if not reason.strip():
        _refuse("reason", "撤销办结须写明原因。")
    before = audit.snapshot(req, AUDITED)
    req.outcome = req.reply_on = req.reply_delivery = req.withdrawn_on = None
    return _finish(session, actor, req, before, "edited", today or dt.date.today(), f"撤销办结：{reason.strip()}")


# --- letters --------------------------------------------------------------------------------------

def record_letter(session: Session, actor: Actor, request_id: int, letter_kind: str, on: Optional[dt.date] = None,
                  detail: str = "") -> RequestEvent:
    """A letter was produced (printed or saved): it joins the request's history. Call it in
    the same transaction that writes the file, so only a written letter is recorded."""
    if letter_kind not in LETTER_KINDS:
        _refuse("letter_kind", "文书种类不正确。")
    req = get_request(session, request_id)
    day = on or dt.date.today()
    event = add_event(session, actor, req.id, "letter", day,
                      f"制作{LETTER_KINDS[letter_kind]}" + (f"（{detail}）" if detail else ""), letter_kind)
    session.flush()
    audit.record(session, actor, "letter", ENTITY, req.id, None, {"letter_kind": letter_kind, "day": day})
    return event
