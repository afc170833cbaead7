"""After the review: publish (发布), withdraw (下架), revise (变更 → a new revision).

Part of the state machine in :mod:`deskapp.core.review.workflow` (which re-exports these), kept in
its own module to stay small. No Qt.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Optional, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from deskapp.core.audit import chain as audit
from deskapp.core.audit.chain import Actor
from deskapp.core.calendar.workdays import WorkCalendar
from deskapp.core.errors import ValidationError
from deskapp.core.register import items as register
from deskapp.core.register.items import ItemData
from deskapp.core.review.state import Outcome, flush_checked, load_item, outcome, steps_of, touch
from deskapp.core.store.models import Item, ItemReview, ReviewDecision

MAX_CHANNELS = 13
REVISION_MARK = "-修订"


@dataclass(frozen=True)
class Compliance:
    """Was it published within its 公开时限 (Art. 26)?"""

    due_on: Optional[dt.date]
    published_on: dt.date
    days_late: Optional[int]  # working days after the due date; None when there is no due date

    @property
    def on_time(self) -> bool:
        return not self.days_late

    @property
    def label(self) -> str:
        if self.days_late is None:
            return "无公开时限"
        return "按时公开" if self.days_late == 0 else f"超期 {self.days_late} 个工作日"


def compliance(cal: WorkCalendar, due_on: Optional[dt.date], published_on: dt.date) -> Compliance:
    if due_on is None:
        return Compliance(None, published_on, None)
    late = cal.workdays_between(due_on, published_on) if published_on > due_on else 0
    return Compliance(due_on, published_on, late)


def fully_approved(session: Session, item: Item) -> bool:
    """Every step of the item's current round has an approval, and the review ended approved."""
    review = session.get(ItemReview, item.id)
    steps = steps_of(session, item.id)
    if review is None or review.outcome != "approved" or not steps:
        return False
    approved = set(session.scalars(
        select(ReviewDecision.position).where(ReviewDecision.item_id == item.id,
                                              ReviewDecision.round == review.round,
                                              ReviewDecision.decision == "approve")))
    return all(s.position in approved for s in steps)


def _check_publish(session: Session, item: Item, published_on: dt.date, channels: Sequence[str],
                   today: dt.date) -> list[str]:
    if item.attribute == "withheld":
        raise ValidationError({"attribute": "该信息已决定不予公开，不能发布。"})
    if item.status != "approved" or not fully_approved(session, item):
        raise ValidationError({"status": "只有全部审核步骤都已同意（已签发）的信息才能发布。"})
    review = session.get(ItemReview, item.id)
    errors: dict[str, str] = {}
    if published_on > today:
        errors["published_on"] = "发布日期不能晚于今天。"
    elif review and review.approved_on and published_on < review.approved_on:
        errors["published_on"] = f"发布日期不能早于签发日期 {review.approved_on.isoformat()}。"
    cleaned = list(dict.fromkeys(c.strip() for c in channels if c and c.strip()))
    if not cleaned:
        errors["channels"] = "请至少选择一个公开渠道。"
    elif len(cleaned) > MAX_CHANNELS or any(len(c) > 50 for c in cleaned):
        errors["channels"] = "公开渠道过多或名称过长，请检查。"
    if errors:
        raise ValidationError(errors)
    return cleaned


def publish(session: Session, actor: Actor, item_id: int, expected_version: Optional[int],
            published_on: dt.date, channels: Sequence[str], url: str = "",
            today: Optional[dt.date] = None) -> Outcome:
    """发布 an approved item; records date, channels and whether it was on time. Publishing a
    revision withdraws the revision it replaces (superseded)."""
    today = today or dt.date.today()
    item = load_item(session, item_id, expected_version)
    cleaned = _check_publish(session, item, published_on, channels, today)
    result = compliance(WorkCalendar.load(session), item.due_on, published_on)
    before = {"status": item.status, "published_on": None, "channels": list(item.channels or [])}
    item.status, item.published_on, item.channels = "published", published_on, cleaned
    if url.strip():
        item.url = url.strip()[:500]
    review = session.get(ItemReview, item.id)
    assert review is not None  # fully_approved checked it
    review.days_late = result.days_late
    touch(item)
    flush_checked(session)
    audit.record(session, actor, "publish", "item", item.id, before,
                 {"status": "published", "published_on": published_on, "channels": cleaned,
                  "url": item.url, "due_on": item.due_on, "days_late": result.days_late,
                  "compliance": result.label, "version": item.version})
    if item.revision_of_id is not None:
        _supersede(session, actor, item, today)
    return outcome(session, item, f"已发布（{result.label}）。")


def _supersede(session: Session, actor: Actor, new: Item, today: dt.date) -> None:
    old = session.get(Item, new.revision_of_id)
    if old is None or old.status != "published":
        return
    old.status = "withdrawn"
    review = session.get(ItemReview, old.id) or ItemReview(item_id=old.id, round=0)
    review.superseded_by_id = new.id
    session.add(review)
    touch(old)
    flush_checked(session)
    audit.record(session, actor, "supersede", "item", old.id, {"status": "published"},
                 {"status": "withdrawn", "superseded_by": new.id, "revision_no": new.revision_no,
                  "on": today})


def withdraw(session: Session, actor: Actor, item_id: int, expected_version: Optional[int],
             reason: str, today: Optional[dt.date] = None) -> Outcome:
    """下架 a published item (reason required); it is never deleted."""
    item = register.withdraw_item(session, actor, item_id, reason, expected_version, today)
    return outcome(session, item, "已下架。")


def open_revision(session: Session, item_id: int) -> Optional[Item]:
    """A revision of this item that is not yet published, if any."""
    return session.scalar(select(Item).where(Item.revision_of_id == item_id,
                                             Item.status.in_(register.OPEN_STATUSES)).limit(1))


def _revision_index_no(session: Session, item: Item, number: int) -> str:
    base = item.index_no.split(REVISION_MARK)[0]
    candidate = f"{base}{REVISION_MARK}{number}"
    while session.scalar(select(Item.id).where(Item.index_no == candidate)) is not None:
        number += 1
        candidate = f"{base}{REVISION_MARK}{number}"
    return candidate


def revise(session: Session, actor: Actor, item_id: int, expected_version: Optional[int],
           changed_on: dt.date, changes: Optional[ItemData] = None,
           today: Optional[dt.date] = None) -> Item:
    """变更: a published item gets a new revision (a draft with 变更日期 and a new due date)
    that goes through review again; the published one stays published until it is replaced."""
    today = today or dt.date.today()
    item = load_item(session, item_id, expected_version)
    if item.status != "published":
        raise ValidationError({"status": "只有已发布的信息才能变更（修订）。"})
    if open_revision(session, item.id) is not None:
        raise ValidationError({"status": "该信息已有一个尚未发布的修订版本，请先完成或删除它。"})
    if item.published_on and changed_on < item.published_on:
        raise ValidationError({"changed_on": "变更日期不能早于原版本的发布日期。"})
    base = changes or ItemData.of(item)
    number = item.revision_no + 1
    data = replace(base, changed_on=changed_on, status="draft", published_on=None, url="",
                   posted_on=None, removed_on=None, posted_board="",
                   index_no=_revision_index_no(session, item, number),
                   formed_on=base.formed_on or item.formed_on)
    new = register.create_item(session, actor, data, today=today, is_demo=item.is_demo)
    new.revision_of_id, new.revision_no = item.id, number
    flush_checked(session)
    audit.record(session, actor, "revise", "item", item.id, None,
                 {"revision_id": new.id, "revision_no": number, "changed_on": changed_on,
                  "index_no": new.index_no})
    return new
