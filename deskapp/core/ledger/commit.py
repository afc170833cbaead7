"""Importing the rows a ledger preview found good: all of them in one transaction, or none.

Items are written in bulk (one INSERT for all rows) but by the same rules as
register.create_item: each row is validated again, due dates come from the working-day
calendar and the catalogue entry's time limit, index numbers are kept or assigned, and each
item gets its own hash-chained ``create`` audit event, plus one ``import`` event for the file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Optional, cast

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from deskapp.core.audit import chain as audit
from deskapp.core.audit.chain import Actor
from deskapp.core.calendar.workdays import WorkCalendar
from deskapp.core.errors import DeskError
from deskapp.core.ledger.preview import Preview
from deskapp.core.register import items as register
from deskapp.core.register import org
from deskapp.core.register.items import AUDITED_FIELDS, ItemData
from deskapp.core.store import counters, settings
from deskapp.core.store.db import claim_write_lock
from deskapp.core.store.models import CatalogueEntry, Item, table_of, utcnow


@dataclass(frozen=True)
class ImportResult:
    imported: int
    skipped_bad: int
    skipped_duplicates: int
    item_ids: list[int]
    departments_created: list[str]


def import_preview(session: Session, actor: Actor, preview: Preview, today: dt.date,
                   skip_bad: bool = False, source_path: str = "") -> ImportResult:
    """Import the good rows. While some rows are bad, nothing is imported unless
    ``skip_bad`` (the user chose "只导入无误的行")."""
    bad = preview.count("error")
    if bad and not skip_bad:
        raise DeskError(f"台账中有{bad}行有问题，未导入任何数据；请按预览改正后重新导入，"
                        "或选择“只导入无误的行”。")
    created = _create_departments(session, actor, preview.new_departments)
    datas: list[ItemData] = []
    for r in preview.rows:
        if r.status != "ok" or r.data is None:
            continue
        if r.new_department:
            r.data.department_id = created[r.new_department]
        datas.append(r.data)
    ids = insert_items(session, actor, datas, today)
    audit.record(session, actor, "import", "item", None, None, {
        "file": source_path or preview.source, "sheet": preview.sheet, "imported": len(ids),
        "skipped_bad": bad if skip_bad else 0, "skipped_duplicates": preview.count("duplicate"),
        "departments_created": list(created)})
    return ImportResult(len(ids), bad, preview.count("duplicate"), ids, list(created))


def _create_departments(session: Session, actor: Actor, names: list[str]) -> dict[str, int]:
    out = {}
    for name in names:
        row = org.create_department(session, actor, org.DepartmentData(name=name))
        out[name] = row.id
    return out


# --- bulk creation -------------------------------------------------------------------------------

class _Serials:
    """Free index numbers per year, continuing the register's own sequence."""

    def __init__(self, session: Session, taken: set[str]):
        self.session, self.taken = session, taken
        self.next: dict[int, int] = {}
        self.heads: dict[int, str] = {}
        self.width = int(settings.get(session, "serial_width"))

    def assign(self, year: int) -> str:
        if year not in self.next:
            self.heads[year] = head = register.index_prefix(self.session, year)
            self.next[year] = int(register.next_index_no(self.session, year)[len(head):])
        head = self.heads[year]
        while True:
            candidate = f"{head}{self.next[year]:0{self.width}d}"
            self.next[year] += 1
            if candidate not in self.taken:
                return candidate

    def close(self) -> None:
        """The register's counters continue after the serials handed out here."""
        for year, head in self.heads.items():
            counters.advance(self.session, counters.item_counter(head), self.next[year] - 1)


def _row(data: ItemData, cal: WorkCalendar, limits: dict[int, int], default_limit: int,
         now: dt.datetime) -> dict[str, Any]:
    row = {name: getattr(data, name) for name in ItemData.names()}
    row["title"] = data.title.strip()
    row["doc_no"] = register.normalize_doc_no(data.doc_no)
    row["channels"] = list(dict.fromkeys(data.channels))
    due = None
    if data.attribute == "active" and data.formed_on is not None:
        limit = limits.get(data.catalogue_id or -1) or default_limit
        due = cal.due_date(data.changed_on or data.formed_on, limit)
    row.update(due_on=due.due if due else None, due_provisional=bool(due and due.provisional),
               version=1, is_demo=False, revision_no=1, scope=data.scope or "public",
               created_at=now, updated_at=now)
    return row


def insert_items(session: Session, actor: Actor, datas: list[ItemData], today: dt.date,
                 cal: Optional[WorkCalendar] = None) -> list[int]:
    """Create many items at once, each validated and audited as create_item would."""
    if not datas:
        return []
    for data in datas:
        register.validate(data, today)
    cal = cal or WorkCalendar.load(session)
    limits = {i: d for i, d in session.execute(select(CatalogueEntry.id, CatalogueEntry.time_limit_days))}
    default_limit = int(settings.get(session, "default_time_limit"))
    claim_write_lock(session)  # the only writer until commit: the numbers checked stay free
    given = {d.index_no.strip() for d in datas if d.index_no}
    wanted, clash = sorted(given), set[str]()
    for start in range(0, len(wanted), 500):
        clash.update(session.scalars(select(Item.index_no).where(Item.index_no.in_(wanted[start:start + 500]))))
    if clash:
        raise DeskError(f"索引号“{sorted(clash)[0]}”已被使用，未导入任何数据；请重新预览后再导入。")
    serials = _Serials(session, given)
    now = utcnow()
    rows = []
    for data in datas:
        row = _row(data, cal, limits, default_limit, now)
        formed = cast(dt.date, data.formed_on)  # register.validate above refused a missing one
        row["index_no"] = data.index_no.strip() if data.index_no else serials.assign(formed.year)
        rows.append(row)
    serials.close()
    # One executemany INSERT; ids are then read back by the (unique) index numbers — INSERT …
    # RETURNING over many batches costs quadratic time in SQLAlchemy 2.1's result splicing.
    try:
        with session.begin_nested():  # a clash leaves the caller's transaction usable
            session.execute(insert(table_of(Item)), rows)  # Core executemany: no ORM bookkeeping
    except IntegrityError as exc:
        # Only a writer that bypassed the lock (an older desk on the same server) gets here.
        raise DeskError("索引号与刚被其他电脑保存的信息冲突，未导入任何数据；请重新预览后再导入。") from exc
    numbers = [r["index_no"] for r in rows]
    by_number: dict[str, int] = {}
    for start in range(0, len(numbers), 500):
        chunk = numbers[start:start + 500]
        for number, item_id in session.execute(select(Item.index_no, Item.id).where(Item.index_no.in_(chunk))):
            by_number[number] = item_id
    ids = [by_number[n] for n in numbers]
    _audit_creates(session, actor, ids, rows, now)
    return ids


def _audit_creates(session: Session, actor: Actor, ids: list[int], rows: list[dict[str, Any]],
                   now: dt.datetime) -> None:
    """One ``create`` event per item, chained as audit.record chains them (one INSERT)."""
    audit.record_many(session, actor, "create", "item",
                      ((item_id, None, {f: row.get(f) for f in AUDITED_FIELDS})
                       for item_id, row in zip(ids, rows, strict=True)), at=now)
