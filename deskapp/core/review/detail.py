"""One item as the review pane and the approval form (审批表) show it: its fields, its
attachments, its steps with this round's decisions, and its whole timeline. Plain data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from deskapp.core.privacy import masking as privacy
from deskapp.core.register import items as register
from deskapp.core.review.flow import load_flow
from deskapp.core.review.history import Entry, StepState, step_states, timeline
from deskapp.core.review.workflow import deciders_of, steps_of
from deskapp.core.store.models import Attachment, Item, ItemReview, StoredFile
from deskapp.core.store.vocab import ATTRIBUTES, SCOPES, STATUSES


@dataclass(frozen=True)
class AttachmentLine:
    id: int
    filename: str
    size: int
    purpose: str


@dataclass(frozen=True)
class ItemDetail:
    id: int
    version: int
    title: str
    index_no: str
    doc_no: str
    kind: str
    department: str
    drafter: str
    drafter_id: Optional[int]
    formed_on: dt.date
    changed_on: Optional[dt.date]
    due_on: Optional[dt.date]
    status: str
    attribute: str
    withheld_reason: str
    scope: str
    channels: tuple[str, ...]
    summary: str
    content: str
    revision_no: int
    revision_of_id: Optional[int]
    published_on: Optional[dt.date]
    approved_on: Optional[dt.date]
    days_late: Optional[int]
    superseded_by_id: Optional[int]
    attachments: tuple[AttachmentLine, ...]
    steps: tuple[StepState, ...]  # the item's own steps; the flow's when not yet submitted
    timeline: tuple[Entry, ...]
    current_position: Optional[int]
    current_deciders: tuple[tuple[int, str], ...]
    can_withhold_now: bool
    privacy_badge: str = ""  # "含未遮盖的身份证号2处…" when title/summary/content hold any

    @property
    def status_label(self) -> str:
        if self.attribute == "withheld" and self.status == "approved":
            return "不予公开（已办结）"
        return STATUSES.get(self.status, self.status)

    @property
    def attribute_label(self) -> str:
        return ATTRIBUTES.get(self.attribute, self.attribute)

    @property
    def scope_label(self) -> str:
        return SCOPES.get(self.scope, self.scope)

    @property
    def current_step(self) -> Optional[StepState]:
        return next((s for s in self.steps if s.position == self.current_position), None)

    @property
    def compliance_label(self) -> str:
        if self.published_on is None or self.days_late is None:
            return ""
        return "按时公开" if self.days_late == 0 else f"超期 {self.days_late} 个工作日"


def _attachments(session: Session, item_id: int) -> tuple[AttachmentLine, ...]:
    rows = session.execute(
        select(Attachment.id, Attachment.filename, StoredFile.size, Attachment.purpose)
        .join(StoredFile, StoredFile.sha256 == Attachment.sha256)
        .where(Attachment.item_id == item_id).order_by(Attachment.id))
    return tuple(AttachmentLine(*r) for r in rows)


def _planned_steps(session: Session) -> tuple[StepState, ...]:
    """Not yet submitted: the steps it would get from the flow today, none decided."""
    return tuple(StepState(s.position, s.name, tuple(p.name for p in s.deciders), "not_started", None)
                 for s in load_flow(session).steps)


def item_detail(session: Session, item_id: int) -> ItemDetail:
    item: Item = register.get_item(session, item_id)
    review = session.get(ItemReview, item_id)
    states = tuple(step_states(session, item_id)) or _planned_steps(session)
    current = review.current_position if review else None
    deciders: tuple[tuple[int, str], ...] = ()
    can_withhold = False
    if current is not None and item.status == "in_review":
        step = next(s for s in steps_of(session, item_id) if s.position == current)
        deciders = tuple(deciders_of(session, step.id).items())
        can_withhold = step.can_withhold
    return ItemDetail(
        id=item.id, version=item.version, title=item.title, index_no=item.index_no,
        doc_no=item.doc_no or "", kind=item.kind,
        department=item.department.name if item.department else "",
        drafter=item.drafter.name if item.drafter else "", drafter_id=item.drafter_id,
        formed_on=item.formed_on, changed_on=item.changed_on, due_on=item.due_on, status=item.status,
        attribute=item.attribute, withheld_reason=item.withheld_reason or "", scope=item.scope,
        channels=tuple(item.channels or ()), summary=item.summary or "", content=item.content or "",
        revision_no=item.revision_no, revision_of_id=item.revision_of_id,
        published_on=item.published_on, approved_on=review.approved_on if review else None,
        days_late=review.days_late if review else None,
        superseded_by_id=review.superseded_by_id if review else None,
        attachments=_attachments(session, item_id), steps=states,
        timeline=tuple(timeline(session, item_id)), current_position=current,
        current_deciders=deciders, can_withhold_now=can_withhold,
        privacy_badge=privacy.badge_text("\n".join((item.title, item.summary or "", item.content or ""))),
    )
