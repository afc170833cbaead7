"""The work log (工作记录): the desk's activities that are not disclosure items.

Meetings, training, lectures, replies to residents' questions, hearings and supervision
feed the quarterly tally (回应群众询问次数, 工作会议次数, 培训次数 …; see core.tally). Every
function takes the caller's session and an Actor and records an audit event per change;
the UI gets plain :class:`WorklogRow` values, never ORM objects.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Optional, cast

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from deskapp.core.attachments import files
from deskapp.core.audit import chain as audit
from deskapp.core.audit.chain import Actor
from deskapp.core.audit.conflicts import check_version
from deskapp.core.errors import NotFoundError, ValidationError
from deskapp.core.store.db import Database
from deskapp.core.store.models import Attachment, Department, WorklogAttachment, WorklogEntry

# Stored code → the label users see. The order is the order of the tally's rows.
KINDS = {
    "meeting": "工作会议",
    "training": "业务培训",
    "publicity": "专题讲座/宣传活动",
    "response": "回应关切答复",
    "hearing": "座谈会/听证会",
    "supervision": "监督评议",
}
# Where a resident's question came in (回应关切答复 only).
CHANNELS = {"weibo": "微博", "web": "网评", "hotline": "热线", "letter": "来信"}
MAX_TITLE = 300


@dataclass
class WorklogData:
    """The editable fields of an entry, as the dialog and tests supply them."""

    day: Optional[dt.date] = None
    kind: str = "meeting"
    title: str = ""
    participants: str = ""
    department_id: Optional[int] = None
    channel: Optional[str] = None
    question: str = ""
    reply: str = ""
    note: str = ""

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in fields(cls)]


@dataclass(frozen=True)
class WorklogRow:
    """One entry as the table, the tally and the workbook show it."""

    id: int
    day: dt.date
    kind: str
    title: str
    participants: str
    department_id: Optional[int]
    department: str
    channel: Optional[str]
    question: str
    reply: str
    note: str
    version: int
    attachments: int

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)

    @property
    def channel_label(self) -> str:
        return CHANNELS.get(self.channel or "", self.channel or "")

    def data(self) -> WorklogData:
        return WorklogData(**{n: getattr(self, n) for n in WorklogData.names()})


def validate(data: WorklogData, today: dt.date) -> None:
    """Raise ValidationError with a Chinese message per bad field; nothing is saved."""
    errors: dict[str, str] = {}
    if data.day is None:
        errors["day"] = "请填写日期。"
    elif data.day > today:
        errors["day"] = "日期不能晚于今天。"
    if data.kind not in KINDS:
        errors["kind"] = "请选择工作类型。"
    title = data.title.strip()
    if not title:
        errors["title"] = "请填写名称或事由。"
    elif len(title) > MAX_TITLE:
        errors["title"] = f"名称不能超过{MAX_TITLE}个字。"
    if data.kind == "response":
        if data.channel not in CHANNELS:
            errors["channel"] = "回应关切答复须选择渠道（微博、网评、热线或来信）。"
        if not data.question.strip():
            errors["question"] = "请填写群众询问的内容。"
        if not data.reply.strip():
            errors["reply"] = "请填写答复内容。"
    if errors:
        raise ValidationError(errors)


def _check_department(session: Session, department_id: Optional[int]) -> None:
    if department_id is not None and session.get(Department, department_id) is None:
        raise ValidationError({"department_id": "所选科室已不存在，请重新选择。"})


def _assign(entry: WorklogEntry, data: WorklogData) -> None:
    entry.day = cast(dt.date, data.day)  # validate() has refused an entry without a day
    entry.kind = data.kind
    entry.title = data.title.strip()
    entry.participants = data.participants.strip()
    entry.department_id = data.department_id
    # Only a reply to a resident has a channel, a question and a reply.
    is_response = data.kind == "response"
    entry.channel = data.channel if is_response else None
    entry.question = data.question.strip() if is_response else ""
    entry.reply = data.reply.strip() if is_response else ""
    entry.note = data.note.strip()


AUDITED = WorklogData.names() + ["version"]


def create_entry(session: Session, actor: Actor, data: WorklogData,
                 today: Optional[dt.date] = None, is_demo: bool = False) -> WorklogRow:
    validate(data, today or dt.date.today())
    _check_department(session, data.department_id)
    entry = WorklogEntry(created_by=actor.name, is_demo=is_demo)
    _assign(entry, data)
    session.add(entry)
    session.flush()
    audit.record(session, actor, "create", "worklog", entry.id, None, audit.snapshot(entry, AUDITED))
    return get_row(session, entry.id)


def _get(session: Session, entry_id: int) -> WorklogEntry:
    entry = session.get(WorklogEntry, entry_id)
    if entry is None:
        raise NotFoundError(f"找不到编号为 {entry_id} 的工作记录，可能已被删除。")
    return entry


def update_entry(session: Session, actor: Actor, entry_id: int, expected_version: int,
                 data: WorklogData, today: Optional[dt.date] = None) -> WorklogRow:
    """Save an edit made on ``expected_version``; refuse if someone saved in between."""
    entry = _get(session, entry_id)
    check_version(session, entry, expected_version, "worklog", AUDITED)
    validate(data, today or dt.date.today())
    _check_department(session, data.department_id)
    before = audit.snapshot(entry, AUDITED)
    _assign(entry, data)
    session.flush()
    changed_before, changed_after = audit.diff(before, audit.snapshot(entry, AUDITED))
    if changed_after:
        audit.record(session, actor, "update", "worklog", entry.id, changed_before, changed_after)
    return get_row(session, entry.id)


def delete_entry(session: Session, db: Database, actor: Actor, entry_id: int,
                 expected_version: Optional[int] = None) -> None:
    """Delete an entry and its attachments (their files go when nothing else uses them)."""
    entry = _get(session, entry_id)
    check_version(session, entry, expected_version, "worklog", AUDITED)
    before = audit.snapshot(entry, AUDITED)
    for attachment_id in _attachment_ids(session, entry_id):
        files.remove_attachment(session, db, actor, attachment_id)
    session.delete(entry)
    session.flush()
    audit.record(session, actor, "delete", "worklog", entry_id, before, None)


# --- reading ------------------------------------------------------------------------------------

def _rows(session: Session, *where: ColumnElement[bool]) -> list[WorklogRow]:
    counts = (select(WorklogAttachment.entry_id, func.count().label("n"))
              .group_by(WorklogAttachment.entry_id).subquery())
    # (the subquery's count column is untyped for mypy: the row's types are stated here)
    stmt: Select[WorklogEntry, Optional[str], Optional[int]] = (
        select(WorklogEntry, Department.name, counts.c.n)
        .outerjoin(Department, Department.id == WorklogEntry.department_id)
        .outerjoin(counts, counts.c.entry_id == WorklogEntry.id)
        .where(*where)
        .order_by(WorklogEntry.day, WorklogEntry.id)
    )
    return [_row(e, dep, n) for e, dep, n in session.execute(stmt)]


def _row(e: WorklogEntry, department: Optional[str], attachments: Optional[int]) -> WorklogRow:
    return WorklogRow(
        id=e.id, day=e.day, kind=e.kind, title=e.title, participants=e.participants,
        department_id=e.department_id, department=department or "", channel=e.channel,
        question=e.question, reply=e.reply, note=e.note, version=e.version,
        attachments=int(attachments or 0),
    )


def get_row(session: Session, entry_id: int) -> WorklogRow:
    found = _rows(session, WorklogEntry.id == entry_id)
    if not found:
        raise NotFoundError(f"找不到编号为 {entry_id} 的工作记录，可能已被删除。")
    return found[0]


def list_entries(session: Session, first: Optional[dt.date] = None, last: Optional[dt.date] = None,
                 kind: Optional[str] = None) -> list[WorklogRow]:
    """Entries from ``first`` to ``last`` (inclusive, either may be open), oldest first."""
    where = []
    if first is not None:
        where.append(WorklogEntry.day >= first)
    if last is not None:
        where.append(WorklogEntry.day <= last)
    if kind:
        where.append(WorklogEntry.kind == kind)
    return _rows(session, *where)


# --- attachments (stored by core.files, linked here) -------------------------------------------

def _attachment_ids(session: Session, entry_id: int) -> list[int]:
    return list(session.scalars(
        select(WorklogAttachment.attachment_id).where(WorklogAttachment.entry_id == entry_id)))


def add_attachment(session: Session, db: Database, actor: Actor, entry_id: int,
                   source: str | Path) -> files.AttachmentInfo:
    """Copy ``source`` into the file store and attach it to the entry."""
    _get(session, entry_id)
    name = files.safe_filename(Path(source).name)
    stored = files.store_file(session, db, source)
    att = Attachment(item_id=None, sha256=stored.sha256, filename=name, purpose="attachment",
                     added_by=actor.name)
    session.add(att)
    session.flush()
    session.add(WorklogAttachment(entry_id=entry_id, attachment_id=att.id))
    session.flush()
    audit.record(session, actor, "attach", "worklog", entry_id, None,
                 {"attachment_id": att.id, "filename": name, "sha256": stored.sha256,
                  "size": stored.size})
    return files.get_attachment(session, att.id)


def list_attachments(session: Session, entry_id: int) -> list[files.AttachmentInfo]:
    return [files.get_attachment(session, i) for i in _attachment_ids(session, entry_id)]


def remove_attachment(session: Session, db: Database, actor: Actor, entry_id: int,
                      attachment_id: int) -> None:
    if attachment_id not in _attachment_ids(session, entry_id):
        raise NotFoundError("该附件已被删除，请刷新后重试。")
    info = files.get_attachment(session, attachment_id)
    files.remove_attachment(session, db, actor, attachment_id)
    audit.record(session, actor, "detach", "worklog", entry_id,
                 {"attachment_id": attachment_id, "filename": info.filename}, None)


# --- demo entries (for core.demo) ---------------------------------------------------------------

_DEMO_TITLES = {
    "meeting": ["召开政务公开工作领导小组会议", "召开季度政府信息公开工作推进会", "召开政务公开工作例会"],
    "training": ["组织信息员政务公开业务培训", "开展《政府信息公开条例》专题学习", "参加区政务公开业务培训"],
    "publicity": ["开展政务公开日宣传活动", "举办“政务公开进社区”专题讲座"],
    "response": ["关于小区加装电梯进度的回复", "关于低保申请条件的答复", "关于道路施工时间的回复",
                 "关于垃圾分类投放点设置的答复"],
    "hearing": ["召开老旧小区改造居民座谈会", "召开停车收费标准听证会"],
    "supervision": ["邀请人大代表、政协委员评议政务公开工作", "开展政务公开群众满意度测评"],
}
_DEMO_QA = [("小区加装电梯什么时候开工？", "经街道与施工单位确认，预计下月开工，届时将在小区公示栏公告。"),
            ("申请低保需要哪些材料？", "需提供户口簿、身份证及家庭收入证明，可到社区便民服务站办理。"),
            ("门前道路施工要持续多久？", "施工期约三十天，夜间不施工，详见街道网站公告。")]


def add_demo_entries(session: Session, year: int, today: dt.date, seed: int = 1,
                     per_month: int = 4, actor: Actor = audit.SYSTEM) -> int:
    """A year of work log entries (marked is_demo) for the demo database; one audit event."""
    import random

    rng = random.Random(seed)
    kinds = list(KINDS)
    weights = [3, 2, 1, 3, 1, 1]
    n = 0
    for month in range(1, 13):
        for _ in range(per_month):
            day = dt.date(year, month, rng.randint(1, 28))
            if day > today:
                continue
            kind = rng.choices(kinds, weights)[0]
            entry = WorklogEntry(day=day, kind=kind, title=rng.choice(_DEMO_TITLES[kind]),
                                 participants="街道班子成员、各科室负责人、信息员", note="", is_demo=True,
                                 created_by=actor.name)
            if kind == "response":
                entry.channel = rng.choice(list(CHANNELS))
                entry.question, entry.reply = rng.choice(_DEMO_QA)
            session.add(entry)
            n += 1
    session.flush()
    audit.record(session, actor, "demo_worklog", "worklog", None, None, {"entries": n, "year": year})
    return n
