"""The item register: creating, editing, deleting items, index numbers and due dates.

Every function takes the caller's session (one transaction per user action, opened by the
caller) and an :class:`~deskapp.core.audit.chain.Actor`, and records an audit event per change.
Reading the register (filters, search, rows for the table) is in :mod:`deskapp.core.register.query`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, fields
from typing import Any, Optional

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from deskapp.core.accounts.scope import check_department, check_drafting_department
from deskapp.core.audit import chain as audit
from deskapp.core.audit.chain import Actor
from deskapp.core.audit.conflicts import check_version
from deskapp.core.calendar.workdays import DueDate, WorkCalendar
from deskapp.core.errors import ConcurrentEditError, DeskError, NotFoundError, ValidationError
from deskapp.core.store import counters, settings
from deskapp.core.store.db import claim_write_lock
from deskapp.core.store.models import CatalogueEntry, Department, Item, Person, table_of
from deskapp.core.store.vocab import ATTRIBUTES, KINDS, NOTICE_DAY_KINDS, SCOPES, STATUSES, VALIDITY

# 文号 year brackets as clerks type them: [2026] (2026) （2026） 【2026】 ［2026］ 〔2026〕
_DOC_NO_YEAR = re.compile(r"[\[\(（【［〔{｛]\s*((?:19|20)\d{2})\s*[\]\)）】］〕}｝]")

OPEN_STATUSES = ("draft", "in_review", "returned", "approved")
MAX_TITLE = 300


def normalize_doc_no(doc_no: Optional[str]) -> Optional[str]:
    """``XX发[2026]3号`` → ``XX发〔2026〕3号``; empty becomes None."""
    if doc_no is None:
        return None
    cleaned = _DOC_NO_YEAR.sub(r"〔\1〕", doc_no.strip())
    return cleaned or None


@dataclass
class ItemData:
    """The editable fields of an item, as the dialog, the CLI and the importer supply them."""

    title: str = ""
    kind: str = "工作动态"
    formed_on: Optional[dt.date] = None
    doc_no: Optional[str] = None
    catalogue_id: Optional[int] = None
    department_id: Optional[int] = None
    drafter_id: Optional[int] = None
    content: str = ""
    summary: str = ""
    attribute: str = "active"
    withheld_reason: str = ""
    scope: str = "public"
    channels: list[str] = field(default_factory=list)
    changed_on: Optional[dt.date] = None
    published_on: Optional[dt.date] = None
    notice_start: Optional[dt.date] = None
    notice_end: Optional[dt.date] = None
    notice_days: Optional[int] = None
    notice_day_kind: Optional[str] = None
    posted_on: Optional[dt.date] = None
    posted_board: str = ""
    removed_on: Optional[dt.date] = None
    validity: Optional[str] = None
    valid_from: Optional[dt.date] = None
    valid_until: Optional[dt.date] = None
    interpretation_id: Optional[int] = None
    url: str = ""
    index_no: Optional[str] = None  # None: assigned automatically
    status: str = "draft"
    source_file: str = ""
    source_row: Optional[int] = None

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in fields(cls)]

    @classmethod
    def of(cls, item: Item) -> "ItemData":
        return cls(**{name: getattr(item, name) for name in cls.names()})


AUDITED_FIELDS = ItemData.names() + ["due_on", "due_provisional", "version"]
CONFLICT_FIELDS = ItemData.names()  # what a ConcurrentEditError carries of the stored item


def validate(data: ItemData, today: dt.date) -> None:
    """Raise ValidationError with a Chinese message per bad field; nothing is saved."""
    errors: dict[str, str] = {}
    title = data.title.strip()
    if not title:
        errors["title"] = "请填写标题。"
    elif len(title) > MAX_TITLE:
        errors["title"] = f"标题不能超过{MAX_TITLE}个字。"
    if data.kind not in KINDS:
        errors["kind"] = "请选择信息类别。"
    if data.formed_on is None:
        errors["formed_on"] = "请填写形成日期。"
    elif data.formed_on > today:
        errors["formed_on"] = "形成日期不能晚于今天。"
    if data.changed_on is not None and data.formed_on and data.changed_on < data.formed_on:
        errors["changed_on"] = "变更日期不能早于形成日期。"
    if data.changed_on is not None and data.changed_on > today:
        errors["changed_on"] = "变更日期不能晚于今天。"
    if data.attribute not in ATTRIBUTES:
        errors["attribute"] = "请选择公开属性。"
    elif data.attribute == "withheld" and not data.withheld_reason.strip():
        errors["withheld_reason"] = "不予公开必须写明理由和依据。"
    if data.scope not in SCOPES:
        errors["scope"] = "请选择公开范围。"
    if data.status not in STATUSES:
        errors["status"] = "状态不正确。"
    _check_dates(data, today, errors)
    if data.validity is not None and data.validity not in VALIDITY:
        errors["validity"] = "有效性只能是有效、废止或失效。"
    if data.valid_from and data.valid_until and data.valid_until < data.valid_from:
        errors["valid_until"] = "失效日期不能早于生效日期。"
    if data.notice_days is not None and not 1 <= data.notice_days <= 90:
        errors["notice_days"] = "公示期应在 1 到 90 天之间。"
    if data.notice_day_kind is not None and data.notice_day_kind not in NOTICE_DAY_KINDS:
        errors["notice_day_kind"] = "公示期只能按自然日或工作日计算。"
    if errors:
        raise ValidationError(errors)


def _check_dates(data: ItemData, today: dt.date, errors: dict[str, str]) -> None:
    if data.published_on is not None:
        if data.published_on > today:
            errors["published_on"] = "发布日期不能晚于今天。"
        elif data.formed_on and data.published_on < data.formed_on:
            errors["published_on"] = "发布日期不能早于形成日期。"
    if data.notice_start and data.notice_end and data.notice_end < data.notice_start:
        errors["notice_end"] = "公示期结束日期不能早于开始日期。"
    if data.posted_on is not None and data.posted_on > today:
        errors["posted_on"] = "张贴日期不能晚于今天。"
    if data.removed_on is not None:
        if data.removed_on > today:
            errors["removed_on"] = "撤下日期不能晚于今天。"
        elif data.posted_on is None:
            errors["removed_on"] = "尚未登记张贴，不能登记撤下。"
        elif data.removed_on < data.posted_on:
            errors["removed_on"] = "撤下日期不能早于张贴日期。"


# --- index numbers --------------------------------------------------------------------------

def index_prefix(session: Session, year: int) -> str:
    prefix = settings.get(session, "index_prefix") or "DESK"
    return f"{prefix}/{year}-"


def largest_index_serial(session: Session, head: str) -> int:
    """The largest serial among the 索引号 that begin with ``head`` (0 when none)."""
    taken = session.scalars(select(Item.index_no).where(Item.index_no.startswith(head, autoescape=True)))
    return max((int(s[len(head):]) for s in taken if s[len(head):].isdigit()), default=0)


def next_index_no(session: Session, year: int) -> str:
    """The next free 索引号 of ``year``: prefix + "/" + year + "-" + zero-padded serial,
    from the locked counter (core.store.counters): no other desk can take the same number,
    and a rollback gives it back."""
    head = index_prefix(session, year)
    width = int(settings.get(session, "serial_width"))

    def taken(serial: int) -> bool:
        return session.scalar(select(Item.id).where(Item.index_no == f"{head}{serial:0{width}d}")) is not None

    serial = counters.allocate(session, counters.item_counter(head),
                               lambda: largest_index_serial(session, head), taken)
    return f"{head}{serial:0{width}d}"


# --- due dates ------------------------------------------------------------------------------

def time_limit(session: Session, catalogue_id: Optional[int]) -> int:
    entry = session.get(CatalogueEntry, catalogue_id) if catalogue_id else None
    if entry is not None and entry.time_limit_days:
        return entry.time_limit_days
    return int(settings.get(session, "default_time_limit"))


def due_for(session: Session, cal: WorkCalendar, item: Item | ItemData) -> Optional[DueDate]:
    """Art. 26: within N working days of 形成 (or 变更); only actively disclosed items have one."""
    if item.attribute != "active" or item.formed_on is None:
        return None
    start = item.changed_on or item.formed_on
    return cal.due_date(start, time_limit(session, item.catalogue_id))


def _apply_due(session: Session, cal: WorkCalendar, item: Item) -> None:
    due = due_for(session, cal, item)
    item.due_on = due.due if due else None
    item.due_provisional = bool(due and due.provisional)


def recompute_open_deadlines(session: Session, actor: Actor = audit.SYSTEM) -> int:
    """After the holiday table changed: every open item's due date again. Returns changes."""
    session.flush()  # pending changes first: loaded objects are expired after the bulk update
    cal = WorkCalendar.load(session)
    limits = {e.id: e.time_limit_days for e in session.scalars(select(CatalogueEntry))}
    default = int(settings.get(session, "default_time_limit"))
    changed = 0
    rows = session.execute(
        select(Item.id, Item.formed_on, Item.changed_on, Item.catalogue_id, Item.due_on,
               Item.due_provisional)
        .where(Item.status.in_(OPEN_STATUSES), Item.attribute == "active")
    ).all()
    updates = []
    memo: dict[tuple[dt.date, int], tuple[dt.date, bool]] = {}  # many items share a start day
    for row in rows:
        key = (row.changed_on or row.formed_on, limits.get(row.catalogue_id) or default)
        if key not in memo:
            due = cal.due_date(*key)
            memo[key] = (due.due, due.provisional)
        if memo[key] != (row.due_on, row.due_provisional):
            updates.append({"id": row.id, "due_on": memo[key][0], "due_provisional": memo[key][1]})
    if updates:
        # A bulk UPDATE by primary key: a recomputation does not bump the version column,
        # so nobody's open edit is refused because the holiday table changed.
        table = table_of(Item)
        stmt = (
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values(due_on=bindparam("b_due"), due_provisional=bindparam("b_prov"))
        )
        session.connection().execute(stmt, [
            {"b_id": u["id"], "b_due": u["due_on"], "b_prov": u["due_provisional"]} for u in updates
        ])
        changed = len(updates)
        session.expire_all()  # loaded items must not keep the old due dates
        audit.record(session, actor, "recompute_deadlines", "item", None, None, {"count": changed})
    return changed


# --- create / update / delete ---------------------------------------------------------------

def _check_references(session: Session, data: ItemData) -> None:
    errors = {}
    for name, model, label in (
        ("catalogue_id", CatalogueEntry, "目录条目"),
        ("department_id", Department, "科室"),
        ("drafter_id", Person, "经办人"),
        ("interpretation_id", Item, "解读稿件"),
    ):
        value = getattr(data, name)
        if value is not None and session.get(model, value) is None:
            errors[name] = f"所选{label}已不存在，请重新选择。"
    if errors:
        raise ValidationError(errors)


def _assign(item: Item, data: ItemData) -> None:
    for name in ItemData.names():
        if name == "index_no" and data.index_no is None:
            continue
        setattr(item, name, getattr(data, name))
    item.title = data.title.strip()
    item.doc_no = normalize_doc_no(data.doc_no)
    item.channels = list(dict.fromkeys(data.channels))


def create_item(
    session: Session, actor: Actor, data: ItemData, today: Optional[dt.date] = None,
    cal: Optional[WorkCalendar] = None, is_demo: bool = False,
) -> Item:
    validate(data, today or dt.date.today())
    check_drafting_department(session, data.department_id)  # a department account drafts only its own
    _check_references(session, data)
    item = Item(is_demo=is_demo)
    _assign(item, data)
    assert data.formed_on is not None
    if data.index_no:
        claim_write_lock(session)  # nobody saves the same typed number between check and insert
        if session.scalar(select(Item.id).where(Item.index_no == data.index_no.strip())):
            raise ValidationError({"index_no": f"索引号“{data.index_no}”已被使用。"})
        item.index_no = data.index_no.strip()
    else:
        item.index_no = next_index_no(session, data.formed_on.year)
    _apply_due(session, cal or WorkCalendar.load(session), item)
    session.add(item)
    try:
        session.flush()
    except IntegrityError as exc:
        # Another writer took this number after it was chosen (a database server, or a number
        # typed by hand): the whole save is rolled back by the caller's transaction.
        if "index_no" not in str(exc.orig):
            raise
        raise DeskError(f"索引号冲突，请重试：“{item.index_no}”刚被同时保存的另一条信息占用。") from exc
    audit.record(session, actor, "create", "item", item.id, None, audit.snapshot(item, AUDITED_FIELDS))
    return item


def _flush_versioned(session: Session) -> None:
    """Write an edit; another save that committed since this one read the item (the version
    column no longer matches) is the user's concurrent edit, not a crash."""
    try:
        session.flush()
    except StaleDataError as exc:
        raise ConcurrentEditError() from exc


def get_item(session: Session, item_id: int) -> Item:
    item = session.get(Item, item_id)
    if item is None:
        raise NotFoundError(f"找不到编号为 {item_id} 的信息，可能已被删除。")
    check_department(session, item.department_id)  # a department account opens only its own
    return item


# What reviewers signed off: once an item is submitted these change only through the review
# (returned to the drafter) or, after publication, through a revision (变更).
REVIEWED_FIELDS = ("title", "doc_no", "kind", "catalogue_id", "content", "summary", "attribute",
                   "withheld_reason", "scope", "formed_on", "changed_on")


def _check_edit_allowed(item: Item, data: ItemData) -> None:
    if data.status != item.status:
        raise ValidationError({"status": "状态只能在“审核签发”中改变（送审、同意、发布、下架）。"})
    if item.status in ("draft", "returned"):
        return
    changed = [f for f in REVIEWED_FIELDS if _normal(f, getattr(data, f)) != _normal(f, getattr(item, f))]
    if not changed:
        return
    if item.status in ("in_review", "approved"):
        message = "该信息正在审核或已签发，修改内容须先由审核人退回经办人。"
    else:
        message = "已发布的信息不能直接修改内容，请用“变更（修订）”建立新版本。"
    raise ValidationError({changed[0]: message})


def _normal(name: str, value: Any) -> Any:
    if name == "doc_no":
        return normalize_doc_no(value)
    return value.strip() if isinstance(value, str) else value


def update_item(
    session: Session, actor: Actor, item_id: int, expected_version: int, data: ItemData,
    today: Optional[dt.date] = None,
) -> Item:
    """Save an edit made on ``expected_version``; refuse if someone saved in between, and
    refuse changes to what the reviewers signed (see REVIEWED_FIELDS)."""
    item = get_item(session, item_id)
    check_version(session, item, expected_version, "item", CONFLICT_FIELDS)
    _check_edit_allowed(item, data)
    validate(data, today or dt.date.today())
    check_drafting_department(session, data.department_id)  # nor moves an item to another department
    _check_references(session, data)
    if data.index_no and data.index_no != item.index_no:
        clash = session.scalar(select(Item.id).where(Item.index_no == data.index_no, Item.id != item_id))
        if clash:
            raise ValidationError({"index_no": f"索引号“{data.index_no}”已被使用。"})
    before = audit.snapshot(item, AUDITED_FIELDS)
    with session.no_autoflush:  # the edit is written once, where a stale version is caught
        _assign(item, data)
        _apply_due(session, WorkCalendar.load(session), item)
    _flush_versioned(session)
    changed_before, changed_after = audit.diff(before, audit.snapshot(item, AUDITED_FIELDS))
    audit.record(session, actor, "update", "item", item.id, changed_before, changed_after)
    return item


def delete_item(session: Session, actor: Actor, item_id: int, expected_version: int | None = None) -> None:
    """Only a draft can be deleted; what was published is withdrawn instead (留痕)."""
    item = get_item(session, item_id)
    check_version(session, item, expected_version, "item", CONFLICT_FIELDS)
    if item.status not in ("draft", "returned"):
        raise ValidationError({"status": f"“{STATUSES[item.status]}”的信息不能删除；已发布的信息请下架。"})
    before = audit.snapshot(item, AUDITED_FIELDS)
    referencing = session.scalars(select(Item).where(Item.interpretation_id == item_id))
    for other in referencing:
        other.interpretation_id = None
    session.delete(item)
    _flush_versioned(session)
    audit.record(session, actor, "delete", "item", item_id, before, None)


def count_items(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Item)) or 0


def as_plain(item: Item) -> dict[str, Any]:
    return audit.snapshot(item, ["id", *AUDITED_FIELDS])


def withdraw_item(session: Session, actor: Actor, item_id: int, reason: str,
                  expected_version: int | None = None, today: Optional[dt.date] = None) -> Item:
    """下架: a published item is withdrawn (with its reason), never deleted."""
    item = get_item(session, item_id)
    check_version(session, item, expected_version, "item", CONFLICT_FIELDS)
    if item.status != "published":
        raise ValidationError({"status": "只有已发布的信息才能下架。"})
    if not reason.strip():
        raise ValidationError({"reason": "下架必须写明原因。"})
    item.status = "withdrawn"
    _flush_versioned(session)
    audit.record(session, actor, "withdraw", "item", item.id, {"status": "published"},
                 {"status": "withdrawn", "reason": reason.strip(),
                  "on": (today or dt.date.today()).isoformat()})
    return item
