"""The desk's data model (SQLAlchemy 2 typed ORM). No Qt here.

Stored codes are English (``active``, ``draft``); the Chinese labels users see live in
:mod:`deskapp.core.store.vocab`. Schema changes go through alembic migrations in ``db/``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional, cast

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Stable constraint names so batch migrations on SQLite can find and alter them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dict[str, Any]: JSON, list[str]: JSON}


def table_of(model: type[Base]) -> Table:
    """A model's Core Table, for bulk INSERT / UPDATE / DELETE without the ORM. SQLAlchemy
    types ``__table__`` as any FromClause (a class may map a join or a select); every model
    here is declared with ``__tablename__``, so it maps exactly one Table."""
    return cast(Table, model.__table__)


class Setting(Base):
    """One organisation or desk setting; keys and defaults are declared in core/settings.py."""

    __tablename__ = "setting"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


class Department(Base):
    """科室 / 社区 / 站所."""

    __tablename__ = "department"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(16), default="office")  # office/community/station
    sort_order: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)


class Person(Base):
    """Someone who drafts, reviews, signs or keeps the desk."""

    __tablename__ = "person"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    department_id: Mapped[Optional[int]] = mapped_column(ForeignKey("department.id"))
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)  # see vocab.ROLES
    title: Mapped[str] = mapped_column(String(50), default="")  # 职务
    phone: Mapped[str] = mapped_column(String(30), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Filled by the review issue: a salted hash, never the password itself.
    password_hash: Mapped[Optional[str]] = mapped_column(String(200))
    failed_logins: Mapped[int] = mapped_column(default=0)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)

    department: Mapped[Optional[Department]] = relationship()


class CatalogueEntry(Base):
    """An entry of the office's 公开目录: 一级事项 (parent) or 二级事项 (child)."""

    __tablename__ = "catalogue_entry"
    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[Optional[int]] = mapped_column(ForeignKey("catalogue_entry.id"))
    code: Mapped[str] = mapped_column(String(20), default="")  # 序号
    name: Mapped[str] = mapped_column(String(100))
    content_elements: Mapped[str] = mapped_column(Text, default="")  # 公开内容（要素）
    basis: Mapped[str] = mapped_column(Text, default="")  # 公开依据
    time_limit_days: Mapped[int] = mapped_column(default=20)  # 公开时限, working days
    time_limit_text: Mapped[str] = mapped_column(String(200), default="")
    subject: Mapped[str] = mapped_column(String(100), default="")  # 公开主体
    channels: Mapped[list[str]] = mapped_column(JSON, default=list)  # 公开渠道和载体
    audience: Mapped[str] = mapped_column(String(20), default="全社会")  # 公开对象
    method: Mapped[str] = mapped_column(String(20), default="主动")  # 公开方式
    layer: Mapped[str] = mapped_column(String(20), default="乡级")  # 公开层级
    sort_order: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    parent: Mapped[Optional[CatalogueEntry]] = relationship(remote_side=[id])


class Item(Base):
    """A disclosure item (one revision of one piece of information)."""

    __tablename__ = "item"
    __table_args__ = (
        Index("ix_item_status_due", "status", "due_on"),
        Index("ix_item_formed", "formed_on"),
        Index("ix_item_published", "published_on"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    index_no: Mapped[str] = mapped_column(String(80), unique=True)  # 索引号
    title: Mapped[str] = mapped_column(String(300))
    doc_no: Mapped[Optional[str]] = mapped_column(String(100))  # 文号, normalised 〔〕
    kind: Mapped[str] = mapped_column(String(20), index=True)  # vocab.KINDS
    catalogue_id: Mapped[Optional[int]] = mapped_column(ForeignKey("catalogue_entry.id"), index=True)
    department_id: Mapped[Optional[int]] = mapped_column(ForeignKey("department.id"), index=True)
    drafter_id: Mapped[Optional[int]] = mapped_column(ForeignKey("person.id"), index=True)
    content: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    attribute: Mapped[str] = mapped_column(String(12), default="active")  # 公开属性
    withheld_reason: Mapped[str] = mapped_column(Text, default="")  # 不予公开的理由和依据
    scope: Mapped[str] = mapped_column(String(12), default="public")  # 公开范围
    channels: Mapped[list[str]] = mapped_column(JSON, default=list)
    formed_on: Mapped[dt.date] = mapped_column(Date)  # 形成日期
    changed_on: Mapped[Optional[dt.date]] = mapped_column(Date)  # 变更日期 (a revision)
    due_on: Mapped[Optional[dt.date]] = mapped_column(Date)  # 公开期限, computed
    due_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    published_on: Mapped[Optional[dt.date]] = mapped_column(Date)
    notice_start: Mapped[Optional[dt.date]] = mapped_column(Date)  # 公示期
    notice_end: Mapped[Optional[dt.date]] = mapped_column(Date)
    notice_days: Mapped[Optional[int]] = mapped_column()  # overrides the setting
    notice_day_kind: Mapped[Optional[str]] = mapped_column(String(10))  # calendar/working
    posted_on: Mapped[Optional[dt.date]] = mapped_column(Date)
    posted_board: Mapped[str] = mapped_column(String(100), default="")
    removed_on: Mapped[Optional[dt.date]] = mapped_column(Date)
    validity: Mapped[Optional[str]] = mapped_column(String(10))  # valid/repealed/expired
    valid_from: Mapped[Optional[dt.date]] = mapped_column(Date)
    valid_until: Mapped[Optional[dt.date]] = mapped_column(Date)
    # Indexed (migration 0005): deleting an item looks up who links to it, row by row.
    interpretation_id: Mapped[Optional[int]] = mapped_column(ForeignKey("item.id"), index=True)
    url: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(12), default="draft")
    revision_of_id: Mapped[Optional[int]] = mapped_column(ForeignKey("item.id"), index=True)
    revision_no: Mapped[int] = mapped_column(default=1)
    source_file: Mapped[str] = mapped_column(String(300), default="")  # ledger import
    source_row: Mapped[Optional[int]] = mapped_column()
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    catalogue: Mapped[Optional[CatalogueEntry]] = relationship()
    department: Mapped[Optional[Department]] = relationship()
    drafter: Mapped[Optional[Person]] = relationship()
    interpretation: Mapped[Optional[Item]] = relationship(
        foreign_keys=[interpretation_id], remote_side=[id]
    )


class StoredFile(Base):
    """A file copied into the data folder, stored once per content (sha256)."""

    __tablename__ = "stored_file"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class FileContent(Base):
    """A stored file's bytes, kept in the database when it is a server (every desk reaches
    them there); a desk on SQLite keeps them in its ``files/`` folder and leaves this empty."""

    __tablename__ = "file_content"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)


class Attachment(Base):
    """A file attached to an item, under the name the user gave it."""

    __tablename__ = "attachment"
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[Optional[int]] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    sha256: Mapped[str] = mapped_column(ForeignKey("stored_file.sha256"), index=True)
    filename: Mapped[str] = mapped_column(String(260))
    purpose: Mapped[str] = mapped_column(String(20), default="attachment")  # attachment/photo/scan
    added_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    added_by: Mapped[str] = mapped_column(String(50), default="")


class CalendarYear(Base):
    """A year whose holiday arrangement is known (from the package or entered by a user)."""

    __tablename__ = "calendar_year"
    year: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(10))  # package/user


class CalendarDay(Base):
    """A day that is not what its weekday says: a holiday, or a make-up working day (调休)."""

    __tablename__ = "calendar_day"
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # holiday/workday
    name: Mapped[str] = mapped_column(String(50), default="")


class AuditEvent(Base):
    """An append-only record of one change: who, when, what, before and after."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_entity", "entity", "entity_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor_id: Mapped[Optional[int]] = mapped_column()  # no FK: people may be deleted
    actor_name: Mapped[str] = mapped_column(String(50), default="")
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(30))
    entity_id: Mapped[Optional[str]] = mapped_column(String(40))
    before: Mapped[Optional[dict[str, Any]]] = mapped_column(JSON)
    after: Mapped[Optional[dict[str, Any]]] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64), default="")
    hash: Mapped[str] = mapped_column(String(64), default="")


__all__ = [
    "Base",
    "Setting",
    "Department",
    "Person",
    "CatalogueEntry",
    "Item",
    "StoredFile",
    "Attachment",
    "CalendarYear",
    "CalendarDay",
    "AuditEvent",
    "utcnow",
]


# === Review and sign-off (issue 3, engineer D) ===============================================
# The review flow is configuration (ReviewFlow + ReviewStep + ReviewStepPerson); an item keeps
# the steps it started with (ItemStep + ItemStepPerson, a snapshot per item row = revision);
# ItemReview says where it is now; ReviewDecision is what each reviewer decided.
# People are linked by foreign keys so that a reviewer who is configured or has decided is
# deactivated, never deleted (people.remove_person lets the database judge).


class ReviewFlow(Base):
    """The office's review flow settings: one row (id 1)."""

    __tablename__ = "review_flow"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), default="四级审查")
    # A person may not approve an item they drafted (can be switched off in settings).
    forbid_self_approval: Mapped[bool] = mapped_column(Boolean, default=True)


class ReviewStep(Base):
    """One step of the configured flow, in ``position`` order (1, 2, …)."""

    __tablename__ = "review_step"
    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column()
    name: Mapped[str] = mapped_column(String(50))
    can_withhold: Mapped[bool] = mapped_column(Boolean, default=False)  # 可决定不予公开
    # With no people named, people holding this role (vocab.ROLES) decide the step.
    role: Mapped[Optional[str]] = mapped_column(String(20))


class ReviewStepPerson(Base):
    """Who may decide a configured step."""

    __tablename__ = "review_step_person"
    step_id: Mapped[int] = mapped_column(ForeignKey("review_step.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)


class ItemStep(Base):
    """A step as the item got it when first submitted (later flow edits do not change it)."""

    __tablename__ = "item_step"
    __table_args__ = (Index("ix_item_step_item_position", "item_id", "position", unique=True),)
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column()
    name: Mapped[str] = mapped_column(String(50))
    can_withhold: Mapped[bool] = mapped_column(Boolean, default=False)
    flow_step_id: Mapped[Optional[int]] = mapped_column()  # the configured step it came from


class ItemStepPerson(Base):
    """Who may decide an item's step (kept in step with the flow for undecided steps)."""

    __tablename__ = "item_step_person"
    item_step_id: Mapped[int] = mapped_column(ForeignKey("item_step.id", ondelete="CASCADE"),
                                              primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True, index=True)


class ItemReview(Base):
    """Where an item is in its review, and how it ended."""

    __tablename__ = "item_review"
    # Covering the queue's read of "what is in review, at which step, since when" (no table
    # rows touched for the 95 % of items whose review is over).
    __table_args__ = (Index("ix_item_review_current_position", "current_position", "item_id", "step_since"),)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), primary_key=True)
    round: Mapped[int] = mapped_column(default=0)  # 1 at first submission, +1 per resubmission
    current_position: Mapped[Optional[int]] = mapped_column()  # None: not in review
    step_since: Mapped[Optional[dt.date]] = mapped_column(Date)  # arrived at the current step
    submitted_on: Mapped[Optional[dt.date]] = mapped_column(Date)
    outcome: Mapped[Optional[str]] = mapped_column(String(10))  # approved / withheld
    approved_on: Mapped[Optional[dt.date]] = mapped_column(Date)  # 签发日期 (last approval)
    days_late: Mapped[Optional[int]] = mapped_column()  # working days late when published
    superseded_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("item.id", ondelete="SET NULL"),
                                                            index=True)


class ReviewDecision(Base):
    """One reviewer's decision on one step, online (password) or on paper (纸质签批)."""

    __tablename__ = "review_decision"
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    round: Mapped[int] = mapped_column()
    position: Mapped[int] = mapped_column()
    step_name: Mapped[str] = mapped_column(String(50))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    person_name: Mapped[str] = mapped_column(String(50))
    decision: Mapped[str] = mapped_column(String(10))  # approve / return / withhold
    opinion: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    mode: Mapped[str] = mapped_column(String(10), default="online")  # online / paper
    paper_date: Mapped[Optional[dt.date]] = mapped_column(Date)  # the date written on the form
    recorded_by: Mapped[str] = mapped_column(String(50), default="")  # who entered a paper one
    scan_attachment_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("attachment.id", ondelete="SET NULL"), index=True)


class SignInFailure(Base):
    """A wrong password given to sign a decision: the only thing a failed attempt leaves."""

    __tablename__ = "signin_failure"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[Optional[int]] = mapped_column(index=True)  # no FK: kept if they go
    person_name: Mapped[str] = mapped_column(String(50), default="")
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    purpose: Mapped[str] = mapped_column(String(100), default="")


__all__ += ["ReviewFlow", "ReviewStep", "ReviewStepPerson", "ItemStep", "ItemStepPerson",
            "ItemReview", "ReviewDecision", "SignInFailure"]
# === end of review and sign-off ===============================================================


# === Work log and reported quarters (issue 5, engineer F) ====================================
# The desk's activities that are not disclosure items (meetings, training, replies to
# residents' questions …) feed the quarterly tally; a quarter marked 已上报 keeps the figures
# that were sent, so later changes can be listed as 上报后变更.


class WorklogEntry(Base):
    """One activity of the work log (工作记录): a meeting, a training, a reply to a resident …"""

    __tablename__ = "worklog_entry"
    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, index=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)  # core.worklog.KINDS
    title: Mapped[str] = mapped_column(String(300))
    participants: Mapped[str] = mapped_column(Text, default="")
    department_id: Mapped[Optional[int]] = mapped_column(ForeignKey("department.id"))
    channel: Mapped[Optional[str]] = mapped_column(String(10))  # 回应关切答复: core.worklog.CHANNELS
    question: Mapped[str] = mapped_column(Text, default="")
    reply: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(50), default="")
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    department: Mapped[Optional[Department]] = relationship()


class WorklogAttachment(Base):
    """Links an attachment (core.files, item_id left empty) to a work log entry, so the file
    store's reference counting keeps working unchanged."""

    __tablename__ = "worklog_attachment"
    entry_id: Mapped[int] = mapped_column(ForeignKey("worklog_entry.id", ondelete="CASCADE"),
                                          primary_key=True)
    attachment_id: Mapped[int] = mapped_column(ForeignKey("attachment.id", ondelete="CASCADE"),
                                               primary_key=True, index=True)


class ReportedQuarter(Base):
    """A quarter whose tally was sent (已上报), with the figures as they were then."""

    __tablename__ = "reported_quarter"
    year: Mapped[int] = mapped_column(primary_key=True)
    quarter: Mapped[int] = mapped_column(primary_key=True)
    reported_on: Mapped[dt.date] = mapped_column(Date)
    reported_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    reported_by: Mapped[str] = mapped_column(String(50), default="")
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)  # {key: {"quarter": n, "ytd": n}}
    published_ids: Mapped[list[int]] = mapped_column(JSON, default=list)  # items counted then


__all__ += ["WorklogEntry", "WorklogAttachment", "ReportedQuarter"]
# === end of work log and reported quarters ====================================================


# === Noticeboard (issue 4, engineer E) ========================================================

class BoardIssue(Base):
    """One issue (第N期) of the 政务公开栏: the day it was made and the notices it carried."""

    __tablename__ = "board_issue"
    __table_args__ = (Index("ix_board_issue_year_number", "year", "number", unique=True),)
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column()
    number: Mapped[int] = mapped_column()  # 第N期, counted per year
    issue_date: Mapped[dt.date] = mapped_column(Date, unique=True)
    board: Mapped[str] = mapped_column(String(100), default="")
    item_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    created_by: Mapped[str] = mapped_column(String(50), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


__all__ += ["BoardIssue"]
# === end of noticeboard =======================================================================


# === 依申请公开: requests, their history, 复议/诉讼 (issue 11) =====================================
# Codes and labels are in deskapp.core.requests.vocab; the statutory clock in
# deskapp.core.requests.clock. due_on / due_provisional / step are derived from the dates and
# stored so the lazy table can filter and sort in SQL; every action recomputes them.


class InfoRequest(Base):
    """One application for government information (政府信息公开申请)."""

    __tablename__ = "info_request"
    __table_args__ = (
        Index("ix_info_request_year_serial", "year", "serial", unique=True),
        Index("ix_info_request_step_due", "step", "due_on"),
        Index("ix_info_request_received", "received_on"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column()  # the received date's year: the number's sequence
    serial: Mapped[int] = mapped_column()
    number: Mapped[str] = mapped_column(String(80), unique=True)  # 申请编号
    applicant_type: Mapped[str] = mapped_column(String(12))  # person/business/research/…
    applicant_name: Mapped[str] = mapped_column(String(200))
    id_number: Mapped[str] = mapped_column(String(40), default="")  # 证件号, shown masked
    phone: Mapped[str] = mapped_column(String(40), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    channel: Mapped[str] = mapped_column(String(12))  # in_person/post/letter/online/fax/email
    received_on: Mapped[dt.date] = mapped_column(Date)  # Art. 31, entered
    content: Mapped[str] = mapped_column(Text, default="")  # 申请内容
    form_wanted: Mapped[str] = mapped_column(String(12), default="paper")  # paper/electronic
    delivery: Mapped[str] = mapped_column(String(12), default="post")  # post/pickup/email
    department_id: Mapped[Optional[int]] = mapped_column(ForeignKey("department.id"), index=True)
    supplement_notice_on: Mapped[Optional[dt.date]] = mapped_column(Date)  # 补正告知
    supplement_missing: Mapped[str] = mapped_column(Text, default="")
    supplement_days: Mapped[Optional[int]] = mapped_column()  # working days given to supplement
    supplement_received_on: Mapped[Optional[dt.date]] = mapped_column(Date)
    extension_on: Mapped[Optional[dt.date]] = mapped_column(Date)  # 延期
    extension_approver: Mapped[str] = mapped_column(String(50), default="")
    extension_reason: Mapped[str] = mapped_column(Text, default="")
    fee_cents: Mapped[Optional[int]] = mapped_column()  # 信息处理费, in fen
    fee_notice_on: Mapped[Optional[dt.date]] = mapped_column(Date)
    fee_paid_on: Mapped[Optional[dt.date]] = mapped_column(Date)
    outcome: Mapped[Optional[str]] = mapped_column(String(12), index=True)  # requests.vocab.OUTCOMES
    reply_on: Mapped[Optional[dt.date]] = mapped_column(Date)
    reply_delivery: Mapped[Optional[str]] = mapped_column(String(12))
    withdrawn_on: Mapped[Optional[dt.date]] = mapped_column(Date)
    carried_over_from_year: Mapped[Optional[int]] = mapped_column()
    step: Mapped[str] = mapped_column(String(12), default="registered")  # derived
    due_on: Mapped[Optional[dt.date]] = mapped_column(Date)  # derived (clock)
    due_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    department: Mapped[Optional[Department]] = relationship()


class RequestConsultation(Base):
    """A third-party consultation (征求第三方意见, Art. 32): it pauses the request's clock."""

    __tablename__ = "request_consultation"
    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("info_request.id", ondelete="CASCADE"), index=True)
    third_party: Mapped[str] = mapped_column(String(200))
    sent_on: Mapped[dt.date] = mapped_column(Date)
    answered_on: Mapped[Optional[dt.date]] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")


class RequestEvent(Base):
    """One step of a request's history: what happened on which day, and each letter produced."""

    __tablename__ = "request_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("info_request.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(24))  # requests.vocab.EVENT_KINDS
    day: Mapped[dt.date] = mapped_column(Date)  # the date of the step itself
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)  # when it was recorded
    actor_name: Mapped[str] = mapped_column(String(50), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    letter_kind: Mapped[Optional[str]] = mapped_column(String(20))  # a letter produced


class Appeal(Base):
    """A 行政复议 or 行政诉讼 about the office's disclosure work (annual report section 四)."""

    __tablename__ = "appeal"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # review/suit_direct/suit_after_review
    request_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("info_request.id", ondelete="SET NULL"), index=True)
    filed_on: Mapped[dt.date] = mapped_column(Date)
    body: Mapped[str] = mapped_column(String(200), default="")  # 复议机关 / 法院
    result: Mapped[str] = mapped_column(String(12), default="pending")  # upheld/corrected/other/pending
    result_on: Mapped[Optional[dt.date]] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


__all__ += ["InfoRequest", "RequestConsultation", "RequestEvent", "Appeal"]
# === end of 依申请公开 ===========================================================================


# === Annual report (issue 12) ===================================================================
# One row per year: the figures the desk cannot count (kept by other systems, entered with a
# note of their source), a carry-over typed once when the desk is new, the clerk's texts, and,
# once final, the figures as published (frozen JSON) so later changes can be listed.


class AnnualReportRecord(Base):
    """The annual report of one year (政府信息公开工作年度报告): inputs, texts, final state."""

    __tablename__ = "annual_report"
    year: Mapped[int] = mapped_column(primary_key=True)
    # 第二十条第（一）项 规章: a street office makes none; entered when it does.
    regulation_issued: Mapped[Optional[int]] = mapped_column()
    regulation_repealed: Mapped[Optional[int]] = mapped_column()
    regulation_in_force: Mapped[Optional[int]] = mapped_column()
    regulation_note: Mapped[str] = mapped_column(Text, default="")
    permits: Mapped[Optional[int]] = mapped_column()  # 行政许可 本年处理决定数量
    permits_note: Mapped[str] = mapped_column(Text, default="")
    penalties: Mapped[Optional[int]] = mapped_column()  # 行政处罚
    penalties_note: Mapped[str] = mapped_column(Text, default="")
    coercions: Mapped[Optional[int]] = mapped_column()  # 行政强制
    coercions_note: Mapped[str] = mapped_column(Text, default="")
    fees: Mapped[Optional[str]] = mapped_column(String(20))  # 行政事业性收费, 万元, decimal text
    fees_note: Mapped[str] = mapped_column(Text, default="")
    # 二、上年结转 typed by hand ({applicant column: n}) for a desk new this year; None = the register's.
    carried_in: Mapped[Optional[dict[str, Any]]] = mapped_column(JSON)
    carried_in_note: Mapped[str] = mapped_column(Text, default="")
    texts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # {"一"|"五"|"六": text}
    final: Mapped[bool] = mapped_column(Boolean, default=False)
    frozen: Mapped[Optional[dict[str, Any]]] = mapped_column(JSON)  # the figures as published
    frozen_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    frozen_by: Mapped[str] = mapped_column(String(50), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str] = mapped_column(String(50), default="")


__all__ += ["AnnualReportRecord"]
# === end of annual report =========================================================================


# === Accounts on a shared server (issue 13) =======================================================
# On a PostgreSQL server each person signs in; the account's role and department decide what
# they see (core/accounts). The single-PC SQLite desk has no accounts: its operator chooser stays.


class Account(Base):
    """A sign-in name for one person, with its role, its department (for the roles that see
    only their own department's items) and the lockout counter, which outlives a restart."""

    __tablename__ = "account"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    role: Mapped[str] = mapped_column(String(30))  # see core/accounts/roles.ACCOUNT_ROLES
    department_id: Mapped[Optional[int]] = mapped_column(ForeignKey("department.id"))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_count: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_sign_in: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)

    person: Mapped[Person] = relationship()
    department: Mapped[Optional[Department]] = relationship()


__all__ += ["Account"]
# === end of accounts ==============================================================================


# === Change feed (issue 13) ======================================================================
# Desks sharing one database poll these rows to see each other's changes (core/store/changes).


class ChangeFeed(Base):
    """How many committed transactions have written data of one kind (items, requests, …)."""

    __tablename__ = "change_feed"
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    serial: Mapped[int] = mapped_column(BigInteger, default=0)
    changed_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime)


__all__ += ["ChangeFeed"]
# === end of change feed ===========================================================================


# === Number counters (issue 13) ===================================================================
# The last 索引号 serial per prefix and year, the last 申请编号 serial per year (core/store/counters).


class NumberCounter(Base):
    """The last serial handed out under one name ("item:<prefix>/<year>-", "request:<year>");
    read and advanced by one writer at a time, so two desks never take the same number."""

    __tablename__ = "number_counter"
    name: Mapped[str] = mapped_column(String(120), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


__all__ += ["NumberCounter"]
# === end of number counters =======================================================================
