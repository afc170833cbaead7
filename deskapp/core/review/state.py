"""What the review state machine's two halves share: the outcome of an action, loading an
item at the version the user saw, its steps, and the optimistic-lock helpers. Both
:mod:`~deskapp.core.review.workflow` (submit, decide) and :mod:`~deskapp.core.review.publishing`
(publish, withdraw, revise) import these; neither imports the other's private names."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from deskapp.core.audit.conflicts import check_version
from deskapp.core.errors import ConcurrentEditError
from deskapp.core.register import items as register
from deskapp.core.store.models import Item, ItemReview, ItemStep, utcnow


@dataclass(frozen=True)
class Outcome:
    """What an action left behind, for the UI's status line and the CLI."""

    item_id: int
    status: str
    version: int
    step: str  # the step now waiting, "" when none
    message: str


def load_item(session: Session, item_id: int, expected_version: Optional[int]) -> Item:
    item = register.get_item(session, item_id)
    check_version(session, item, expected_version, "item", register.CONFLICT_FIELDS)
    return item


def steps_of(session: Session, item_id: int) -> list[ItemStep]:
    return list(session.scalars(select(ItemStep).where(ItemStep.item_id == item_id)
                                .order_by(ItemStep.position)))


def touch(item: Item) -> None:
    """Every decision changes the item row, so its version moves on and a reviewer who saw
    the previous state is refused (optimistic locking)."""
    item.updated_at = utcnow()


def flush_checked(session: Session) -> None:
    try:
        session.flush()
    except StaleDataError as exc:  # saved by someone else between our read and our write
        raise ConcurrentEditError() from exc


def outcome(session: Session, item: Item, message: str) -> Outcome:
    review = session.get(ItemReview, item.id)
    step = ""
    if review is not None and review.current_position is not None:
        step = next((s.name for s in steps_of(session, item.id)
                     if s.position == review.current_position), "")
    return Outcome(item.id, item.status, item.version, step, message)
