"""What the item dialog needs from the database, as plain data: the choices of its combo
boxes, an item's editable fields with its version, 公示期 arithmetic and the search for a
policy document's 政策解读. No Qt here; the rules stay testable with plain pytest.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased

from deskapp.core.accounts.scope import scope_of
from deskapp.core.calendar.workdays import WorkCalendar
from deskapp.core.errors import ValidationError
from deskapp.core.register.items import ItemData, get_item
from deskapp.core.register.query import ItemFilter, Register
from deskapp.core.store import settings
from deskapp.core.store.db import Database
from deskapp.core.store.models import CatalogueEntry, Department, Item, Person

INTERPRETATION_KIND = "政策解读"
NORMATIVE_KIND = "规范性文件"


@dataclass(frozen=True)
class Choice:
    id: int
    label: str


@dataclass(frozen=True)
class CatalogueChoice:
    id: int
    name: str
    level: int  # 1 = 一级事项, 2 = 二级事项
    code: str
    channels: tuple[str, ...]
    time_limit_days: int
    time_limit_text: str


@dataclass(frozen=True)
class FormChoices:
    departments: list[Choice]
    people: list[Choice]
    catalogue: list[CatalogueChoice]  # parents each followed by their children
    notice_days: int  # the organisation's default 公示期
    notice_day_kind: str  # calendar/working
    default_time_limit: int

    def catalogue_entry(self, entry_id: Optional[int]) -> Optional[CatalogueChoice]:
        return next((c for c in self.catalogue if c.id == entry_id), None)


@dataclass(frozen=True)
class ItemSnapshot:
    """An item as the dialog opens it: its fields and the version they were read at."""

    id: int
    version: int
    data: ItemData
    index_no: str
    status: str
    interpretation_label: str = ""


def load_choices(session: Session, keep: Optional[ItemData] = None) -> FormChoices:
    """Active departments, people and catalogue entries — plus the inactive ones ``keep``
    refers to, so an old item still shows who drafted it."""
    dep_ids = {keep.department_id} if keep and keep.department_id else set()
    person_ids = {keep.drafter_id} if keep and keep.drafter_id else set()
    cat_ids = {keep.catalogue_id} if keep and keep.catalogue_id else set()
    departments = [
        Choice(d.id, d.name) for d in session.scalars(
            select(Department).where(or_(Department.active, Department.id.in_(dep_ids)))
            .order_by(Department.sort_order, Department.id))
        if scope_of(session).allows(d.id)  # a department account drafts only for its own
    ]
    dep = aliased(Department)
    people = [
        Choice(p.id, f"{p.name}（{dep_name}）" if dep_name else p.name)
        for p, dep_name in session.execute(
            select(Person, dep.name).outerjoin(dep, dep.id == Person.department_id)
            .where(or_(Person.active, Person.id.in_(person_ids)))
            .order_by(Person.name, Person.id))
    ]
    return FormChoices(
        departments=departments,
        people=people,
        catalogue=_catalogue(session, cat_ids),
        notice_days=int(settings.get(session, "notice_days")),
        notice_day_kind=str(settings.get(session, "notice_day_kind")),
        default_time_limit=int(settings.get(session, "default_time_limit")),
    )


def _catalogue(session: Session, keep_ids: set[int]) -> list[CatalogueChoice]:
    entries = list(session.scalars(
        select(CatalogueEntry).where(or_(CatalogueEntry.active, CatalogueEntry.id.in_(keep_ids)))
        .order_by(CatalogueEntry.sort_order, CatalogueEntry.id)))
    children: dict[Optional[int], list[CatalogueEntry]] = {}
    for e in entries:
        children.setdefault(e.parent_id, []).append(e)
    known = {e.id for e in entries}
    out: list[CatalogueChoice] = []

    def add(entry: CatalogueEntry, level: int) -> None:
        out.append(CatalogueChoice(entry.id, entry.name, level, entry.code or "",
                                   tuple(entry.channels or ()), entry.time_limit_days or 0,
                                   entry.time_limit_text or ""))
        for child in children.get(entry.id, []):
            add(child, level + 1)

    # Roots, and children whose parent is inactive (so they are not lost from the list).
    for e in entries:
        if e.parent_id is None or e.parent_id not in known:
            add(e, 1)
    return out


def load_item(session: Session, item_id: int) -> ItemSnapshot:
    item = get_item(session, item_id)
    data = ItemData.of(item)
    data.channels = list(data.channels or [])
    label = ""
    if item.interpretation_id:
        linked = session.get(Item, item.interpretation_id)
        label = interpretation_label(linked.index_no, linked.title) if linked else ""
    return ItemSnapshot(item.id, item.version, data, item.index_no, item.status, label)


def interpretation_label(index_no: str, title: str) -> str:
    return f"{title}（{index_no}）"


@dataclass(frozen=True)
class Candidate:
    id: int
    index_no: str
    title: str
    formed_on: dt.date

    @property
    def label(self) -> str:
        return interpretation_label(self.index_no, self.title)


def interpretation_candidates(session: Session, db: Database, text: str = "",
                              limit: int = 200, exclude_id: Optional[int] = None) -> list[Candidate]:
    """政策解读 items whose 标题/文号/索引号/内容 contain ``text``, newest first."""
    register = Register(db)
    ids = register.item_ids(session, ItemFilter(kind=INTERPRETATION_KIND, search=text),
                            sort="formed_on", descending=True)
    ids = [i for i in ids if i != exclude_id][:limit]
    rows = register.rows_for(session, ids)
    return [Candidate(i, rows[i].index_no, rows[i].title, rows[i].formed_on) for i in ids if i in rows]


# --- 公示期 --------------------------------------------------------------------------------

def notice_end(cal: WorkCalendar, start: dt.date, days: int, day_kind: str) -> dt.date:
    """The last day of a 公示期 of ``days`` days beginning on ``start`` (start included).

    "公示时间：2026年9月23日—29日" is seven calendar days. In working days the first day is
    ``start`` when it is a working day, else the next one; holidays are skipped.
    """
    if not 1 <= days <= 90:
        raise ValidationError({"notice_days": "公示期应在 1 到 90 天之间。"})
    if day_kind == "calendar":
        return start + dt.timedelta(days=days - 1)
    if day_kind == "working":
        return cal.due_date(start - dt.timedelta(days=1), days).due
    raise ValidationError({"notice_day_kind": "公示期计算方式只能是自然日或工作日。"})
