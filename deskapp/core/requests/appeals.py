"""行政复议 / 行政诉讼 records (annual report section 四: 15 cells), linked to a request or not."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from deskapp.core.audit import chain as audit
from deskapp.core.audit.chain import Actor
from deskapp.core.audit.conflicts import check_version
from deskapp.core.errors import ConcurrentEditError, NotFoundError, ValidationError
from deskapp.core.requests.vocab import APPEAL_KINDS, APPEAL_RESULTS
from deskapp.core.store.models import Appeal, InfoRequest

ENTITY = "appeal"


@dataclass
class AppealData:
    kind: str = "review"
    request_id: Optional[int] = None
    filed_on: Optional[dt.date] = None
    body: str = ""  # 复议机关 / 人民法院
    result: str = "pending"
    result_on: Optional[dt.date] = None
    note: str = ""

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in fields(cls)]


@dataclass(frozen=True)
class AppealRow:
    id: int
    kind: str
    kind_label: str
    request_id: Optional[int]
    request_number: str
    filed_on: dt.date
    body: str
    result: str
    result_label: str
    result_on: Optional[dt.date]
    note: str
    version: int


AUDITED = AppealData.names() + ["version"]


def validate(session: Session, data: AppealData, today: dt.date) -> None:
    errors: dict[str, str] = {}
    if data.kind not in APPEAL_KINDS:
        errors["kind"] = "请选择类型（行政复议、直接起诉或复议后起诉）。"
    if data.filed_on is None:
        errors["filed_on"] = "请填写提起日期。"
    elif data.filed_on > today:
        errors["filed_on"] = "提起日期不能晚于今天。"
    if data.result not in APPEAL_RESULTS:
        errors["result"] = "请选择结果（维持、纠正、其他或尚未审结）。"
    elif data.result == "pending" and data.result_on is not None:
        errors["result_on"] = "尚未审结的不填结果日期；已审结的请选择结果。"
    elif data.result != "pending" and data.result_on is None:
        errors["result_on"] = "已审结的请填写结果日期。"
    if data.result_on is not None:
        if data.result_on > today:
            errors["result_on"] = "结果日期不能晚于今天。"
        elif data.filed_on is not None and data.result_on < data.filed_on:
            errors["result_on"] = "结果日期不能早于提起日期。"
    if data.request_id is not None:
        req = session.get(InfoRequest, data.request_id)
        if req is None:
            errors["request_id"] = "所选申请已不存在，请重新选择。"
        elif data.filed_on is not None and data.filed_on < req.received_on:
            errors["filed_on"] = "提起日期不能早于该申请的收到日期。"
    if errors:
        raise ValidationError(errors)


def _assign(appeal: Appeal, data: AppealData) -> None:
    for name in AppealData.names():
        value = getattr(data, name)
        setattr(appeal, name, value.strip() if isinstance(value, str) else value)


def create_appeal(session: Session, actor: Actor, data: AppealData, today: Optional[dt.date] = None,
                  is_demo: bool = False) -> int:
    validate(session, data, today or dt.date.today())
    appeal = Appeal(is_demo=is_demo)
    _assign(appeal, data)
    session.add(appeal)
    session.flush()
    audit.record(session, actor, "create", ENTITY, appeal.id, None, audit.snapshot(appeal, AUDITED))
    return appeal.id


def _get(session: Session, appeal_id: int, expected_version: Optional[int]) -> Appeal:
    appeal = session.get(Appeal, appeal_id)
    if appeal is None:
        raise NotFoundError(f"找不到编号为 {appeal_id} 的复议或诉讼记录，可能已被删除。")
    check_version(session, appeal, expected_version, ENTITY, AUDITED)
    return appeal


def update_appeal(session: Session, actor: Actor, appeal_id: int, expected_version: int, data: AppealData,
                  today: Optional[dt.date] = None) -> int:
    appeal = _get(session, appeal_id, expected_version)
    validate(session, data, today or dt.date.today())
    before = audit.snapshot(appeal, AUDITED)
    _assign(appeal, data)
    try:
        session.flush()
    except StaleDataError as exc:
        raise ConcurrentEditError() from exc
    b, a = audit.diff(before, audit.snapshot(appeal, AUDITED))
    if a:
        audit.record(session, actor, "update", ENTITY, appeal.id, b, a)
    return appeal.version


def delete_appeal(session: Session, actor: Actor, appeal_id: int, expected_version: Optional[int] = None) -> None:
    appeal = _get(session, appeal_id, expected_version)
    before = audit.snapshot(appeal, AUDITED)
    session.delete(appeal)
    session.flush()
    audit.record(session, actor, "delete", ENTITY, appeal_id, before, None)


def list_appeals(session: Session, year: Optional[int] = None, request_id: Optional[int] = None) -> list[AppealRow]:
    """Appeals filed in ``year`` (all when None) or about one request, oldest first."""
    stmt = select(Appeal, InfoRequest.number).outerjoin(InfoRequest, InfoRequest.id == Appeal.request_id)
    if year is not None:
        stmt = stmt.where(Appeal.filed_on.between(dt.date(year, 1, 1), dt.date(year, 12, 31)))
    if request_id is not None:
        stmt = stmt.where(Appeal.request_id == request_id)
    rows = session.execute(stmt.order_by(Appeal.filed_on, Appeal.id))
    return [AppealRow(a.id, a.kind, APPEAL_KINDS[a.kind], a.request_id, number or "", a.filed_on, a.body,
                      a.result, APPEAL_RESULTS[a.result], a.result_on, a.note, a.version) for a, number in rows]


def section_four(session: Session, year: int) -> dict[str, dict[str, int]]:
    """{kind: {upheld, corrected, other, pending, total}} of appeals filed in ``year``: the
    report's 15 cells. A case decided after 31 December counts as 尚未审结 for that year."""
    end = dt.date(year, 12, 31)
    cells = {kind: {**{r: 0 for r in APPEAL_RESULTS}, "total": 0} for kind in APPEAL_KINDS}
    for row in list_appeals(session, year):
        result = "pending" if row.result_on is None or row.result_on > end else row.result
        cells[row.kind][result] += 1
        cells[row.kind]["total"] += 1
    return cells
