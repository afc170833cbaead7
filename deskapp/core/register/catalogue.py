"""Editing the office's 公开目录: 一级事项 with their 二级事项, with the standard catalogue's
columns (公开内容要素, 公开依据, 公开时限, 公开主体, 渠道, 公开对象, 公开方式, 公开层级).

Entries are deactivated, never deleted: items keep pointing at the entry they were filed
under. The 公开时限 belongs to the entry, so changing it recomputes the open deadlines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from deskapp.core.accounts.scope import check_manager
from deskapp.core.audit import chain as audit
from deskapp.core.audit.chain import Actor
from deskapp.core.errors import NotFoundError, ValidationError
from deskapp.core.register.holidays import recompute_deadlines
from deskapp.core.store.models import CatalogueEntry, Item
from deskapp.core.store.vocab import CHANNELS

AUDIENCES = ["全社会", "特定群众"]
METHODS = ["主动", "依申请"]
LAYERS = ["乡级", "县级"]
MIN_DAYS, MAX_DAYS = 1, 60
ENTRY_FIELDS = ["parent_id", "code", "name", "content_elements", "basis", "time_limit_days",
                "time_limit_text", "subject", "channels", "audience", "method", "layer",
                "sort_order", "active"]


def standard_time_limit_text(days: int) -> str:
    return f"信息形成或者变更之日起{days}个工作日内"


@dataclass(frozen=True)
class EntryRow:
    id: int
    parent_id: Optional[int]
    code: str
    name: str
    content_elements: str
    basis: str
    time_limit_days: int
    time_limit_text: str
    subject: str
    channels: tuple[str, ...]
    audience: str
    method: str
    layer: str
    sort_order: int
    active: bool
    items: int  # items filed under this entry

    @property
    def level(self) -> int:
        return 1 if self.parent_id is None else 2

    def data(self) -> "EntryData":
        return EntryData(**{f: getattr(self, f) for f in ENTRY_FIELDS if f != "channels"},
                         channels=list(self.channels))


@dataclass
class EntryData:
    """The editable fields of an entry. ``code`` empty: the next free 序号 is given."""

    parent_id: Optional[int] = None
    code: str = ""
    name: str = ""
    content_elements: str = ""
    basis: str = ""
    time_limit_days: int = 20
    time_limit_text: str = ""
    subject: str = ""
    channels: list[str] = field(default_factory=list)
    audience: str = "全社会"
    method: str = "主动"
    layer: str = "乡级"
    sort_order: Optional[int] = None  # None: after its siblings
    active: bool = True


@dataclass(frozen=True)
class EntrySaved:
    entry: EntryRow
    deadlines_changed: int


def _row(entry: CatalogueEntry, items: int) -> EntryRow:
    values = {f: getattr(entry, f) for f in ENTRY_FIELDS}
    values["channels"] = tuple(entry.channels or ())
    return EntryRow(id=entry.id, items=items, **values)


def _item_counts(session: Session) -> dict[int, int]:
    rows = session.execute(select(Item.catalogue_id, func.count())
                           .where(Item.catalogue_id.is_not(None)).group_by(Item.catalogue_id))
    return {cid: n for cid, n in rows if cid is not None}  # (none is: see where)


def list_entries(session: Session, include_inactive: bool = True) -> list[EntryRow]:
    """Tree order: each 一级事项 followed by its 二级事项, each level by sort order."""
    entries = list(session.scalars(select(CatalogueEntry).order_by(
        CatalogueEntry.sort_order, CatalogueEntry.code, CatalogueEntry.id)))
    counts = _item_counts(session)
    children: dict[Optional[int], list[CatalogueEntry]] = {}
    for e in entries:
        children.setdefault(e.parent_id, []).append(e)
    ordered: list[EntryRow] = []
    for parent in children.get(None, []):
        if include_inactive or parent.active:
            ordered.append(_row(parent, counts.get(parent.id, 0)))
            ordered += [_row(c, counts.get(c.id, 0)) for c in children.get(parent.id, [])
                        if include_inactive or c.active]
    return ordered


def get_entry(session: Session, entry_id: int) -> EntryRow:
    entry = _load(session, entry_id)
    count = session.scalar(select(func.count()).select_from(Item).where(Item.catalogue_id == entry_id))
    return _row(entry, count or 0)


def _load(session: Session, entry_id: int) -> CatalogueEntry:
    entry = session.get(CatalogueEntry, entry_id)
    if entry is None:
        raise NotFoundError("该目录条目已不存在，请刷新后重试。")
    return entry


# --- validation ---------------------------------------------------------------------------

def _validate(session: Session, data: EntryData, current: Optional[CatalogueEntry]) -> None:
    errors: dict[str, str] = {}
    _check_parent(session, data, current, errors)
    name = data.name.strip()
    if not name:
        errors["name"] = "请填写事项名称。"
    elif len(name) > 100:
        errors["name"] = "事项名称不能超过100个字。"
    elif "parent_id" not in errors and _sibling_named(session, data.parent_id, name, current):
        errors["name"] = f"同一级下已有“{name}”，请换一个名称。"
    code = data.code.strip()
    if len(code) > 20:
        errors["code"] = "序号不能超过20个字符。"
    elif code and _code_taken(session, code, current):
        errors["code"] = f"序号“{code}”已被其他事项使用。"
    days = data.time_limit_days
    if not isinstance(days, int) or isinstance(days, bool) or not MIN_DAYS <= days <= MAX_DAYS:
        errors["time_limit_days"] = f"公开时限应在 {MIN_DAYS} 到 {MAX_DAYS} 个工作日之间。"
    if len(data.time_limit_text.strip()) > 200:
        errors["time_limit_text"] = "时限说明不能超过200个字。"
    if len(data.subject.strip()) > 100:
        errors["subject"] = "公开主体不能超过100个字。"
    unknown = [c for c in data.channels if c not in CHANNELS]
    if unknown:
        errors["channels"] = f"渠道“{unknown[0]}”不在标准渠道中，请从列表中选择。"
    for key, allowed, what in (("audience", AUDIENCES, "公开对象"), ("method", METHODS, "公开方式"),
                               ("layer", LAYERS, "公开层级")):
        if getattr(data, key) not in allowed:
            errors[key] = f"{what}只能是{'或'.join(allowed)}。"
    if data.sort_order is not None and not 0 <= data.sort_order <= 9999:
        errors["sort_order"] = "排序号应在 0 到 9999 之间。"
    if errors:
        raise ValidationError(errors)


def _check_parent(session: Session, data: EntryData, current: Optional[CatalogueEntry],
                  errors: dict[str, str]) -> None:
    """Two levels only: a parent is a 一级事项; an entry with children stays 一级."""
    if data.parent_id is None:
        return
    parent = session.get(CatalogueEntry, data.parent_id)
    if parent is None:
        errors["parent_id"] = "所选一级事项已不存在，请重新选择。"
    elif current is not None and parent.id == current.id:
        errors["parent_id"] = "事项不能以自己为上级。"
    elif parent.parent_id is not None:
        errors["parent_id"] = "目录只有两级：请选择一个一级事项作为上级。"
    elif data.active and not parent.active:
        errors["parent_id"] = f"一级事项“{parent.name}”已停用，请先启用它。"
    elif current is not None and _has_children(session, current.id):
        errors["parent_id"] = "该事项下还有二级事项，不能改为二级事项。"


def _has_children(session: Session, entry_id: int) -> bool:
    return session.scalar(select(CatalogueEntry.id).where(CatalogueEntry.parent_id == entry_id).limit(1)) is not None


def _sibling_named(session: Session, parent_id: Optional[int], name: str,
                   current: Optional[CatalogueEntry]) -> bool:
    stmt = select(CatalogueEntry.id).where(CatalogueEntry.name == name)
    stmt = stmt.where(CatalogueEntry.parent_id.is_(None) if parent_id is None
                      else CatalogueEntry.parent_id == parent_id)
    if current is not None:
        stmt = stmt.where(CatalogueEntry.id != current.id)
    return session.scalar(stmt.limit(1)) is not None


def _code_taken(session: Session, code: str, current: Optional[CatalogueEntry]) -> bool:
    stmt = select(CatalogueEntry.id).where(CatalogueEntry.code == code)
    if current is not None:
        stmt = stmt.where(CatalogueEntry.id != current.id)
    return session.scalar(stmt.limit(1)) is not None


# --- changes ------------------------------------------------------------------------------

def next_code(session: Session, parent_id: Optional[int]) -> str:
    """序号 after the siblings': "11" after "10"; "0903" after "0902" under "09"."""
    parent = session.get(CatalogueEntry, parent_id) if parent_id else None
    head = parent.code if parent else ""
    siblings = session.scalars(select(CatalogueEntry.code).where(
        CatalogueEntry.parent_id.is_(None) if parent_id is None else CatalogueEntry.parent_id == parent_id))
    serials = [int(c[len(head):]) for c in siblings if c.startswith(head) and c[len(head):].isdigit()]
    n = max(serials, default=0) + 1
    while True:  # the user may have taken the obvious next code elsewhere
        code = f"{head}{n:02d}"
        if not _code_taken(session, code, None):
            return code
        n += 1


def _next_sort(session: Session, parent_id: Optional[int]) -> int:
    col = CatalogueEntry.sort_order
    stmt = select(func.max(col)).where(
        CatalogueEntry.parent_id.is_(None) if parent_id is None else CatalogueEntry.parent_id == parent_id)
    top = session.scalar(stmt)
    return 0 if top is None else top + 1


def _assign(entry: CatalogueEntry, data: EntryData, old_days: Optional[int]) -> None:
    for name in ("parent_id", "audience", "method", "layer", "time_limit_days"):
        setattr(entry, name, getattr(data, name))
    for name in ("code", "name", "content_elements", "basis", "subject"):
        setattr(entry, name, getattr(data, name).strip())
    text = data.time_limit_text.strip()
    # Keep the standard wording in step with the number unless the user wrote their own.
    if not text or (old_days is not None and text == standard_time_limit_text(old_days)):
        text = standard_time_limit_text(data.time_limit_days)
    entry.time_limit_text = text
    entry.channels = [c for c in CHANNELS if c in set(data.channels)]
    entry.active = bool(data.active)


def create_entry(session: Session, actor: Actor, data: EntryData) -> EntryRow:
    """A new 一级事项 (``parent_id`` None) or 二级事项 under a 一级事项."""
    check_manager(session, "修改公开目录")
    _validate(session, data, None)
    entry = CatalogueEntry()
    _assign(entry, data, None)
    entry.code = entry.code or next_code(session, data.parent_id)
    entry.sort_order = data.sort_order if data.sort_order is not None else _next_sort(session, data.parent_id)
    session.add(entry)
    session.flush()
    audit.record(session, actor, "create", "catalogue_entry", entry.id, None,
                 audit.snapshot(entry, ENTRY_FIELDS))
    return get_entry(session, entry.id)


def update_entry(session: Session, actor: Actor, entry_id: int, data: EntryData) -> EntrySaved:
    """Save an edit; a new 公开时限 recomputes every open deadline filed under the entry."""
    check_manager(session, "修改公开目录")
    entry = _load(session, entry_id)
    _validate(session, data, entry)
    before = audit.snapshot(entry, ENTRY_FIELDS)
    old_days = entry.time_limit_days
    _assign(entry, data, old_days)
    entry.code = entry.code or next_code(session, data.parent_id)
    if data.sort_order is not None:
        entry.sort_order = data.sort_order
    if not entry.active:
        _deactivate_children(session, actor, entry)
    session.flush()
    changed_before, changed_after = audit.diff(before, audit.snapshot(entry, ENTRY_FIELDS))
    if changed_after:
        audit.record(session, actor, "update", "catalogue_entry", entry.id, changed_before, changed_after)
    recomputed = recompute_deadlines(session, actor) if old_days != entry.time_limit_days else 0
    return EntrySaved(get_entry(session, entry.id), recomputed)


def _deactivate_children(session: Session, actor: Actor, entry: CatalogueEntry) -> None:
    """A 一级事项 taken out of use takes its 二级事项 with it."""
    for child in session.scalars(select(CatalogueEntry).where(
            CatalogueEntry.parent_id == entry.id, CatalogueEntry.active.is_(True))):
        child.active = False
        audit.record(session, actor, "update", "catalogue_entry", child.id, {"active": True}, {"active": False})


def set_entry_active(session: Session, actor: Actor, entry_id: int, active: bool) -> EntryRow:
    check_manager(session, "修改公开目录")
    data = get_entry(session, entry_id).data()
    data.active = active
    return update_entry(session, actor, entry_id, data).entry
