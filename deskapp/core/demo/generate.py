"""Demo data: a street office's year of disclosure work, clearly marked and removable.

``generate`` fills a database with departments, people in every role, the organisation's
settings (only those still empty) and N items spread over a year up to today — every kind
and status, some late, some due soon, policy documents with and without their
interpretation, notices with lists of (synthetic) people. Everything it adds is marked
``is_demo``; ``remove_demo`` takes it out again in one transaction.

Deterministic: the same seed (and the same starting database and ``today``) gives the same
rows. Fast: items are planned, then written in chunks by bulk INSERT with index numbers and
due dates computed here; the FTS triggers index them as they go. One audit event sums up
the generation (not one per item).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Optional, cast

from sqlalchemy import Column, CursorResult, ScalarSelect, Table, func, select
from sqlalchemy.orm import Session

from deskapp.core.audit import chain as audit
from deskapp.core.audit.chain import Actor
from deskapp.core.calendar.workdays import WorkCalendar
from deskapp.core.demo import requests as demo_requests
from deskapp.core.demo import review as demo_review
from deskapp.core.demo import text as demo_text
from deskapp.core.demo.names import credit_code, mobile, org_code, person_name
from deskapp.core.demo.plan import DatePicker, Planner, days_between
from deskapp.core.demo.rows import Context, RowBuilder
from deskapp.core.errors import ValidationError
from deskapp.core.register.query import UNPUBLISHED, due_soon_limit
from deskapp.core.reports import worklog
from deskapp.core.store import settings
from deskapp.core.store.db import Database, deferred_item_search_index, rebuilt_item_search_index
from deskapp.core.store.models import CatalogueEntry, Department, Item, Person, WorklogEntry, table_of

CHUNK = 2000
MAX_ITEMS = 1_000_000
Progress = Callable[[int, int], None]

ORGANISATION = {
    "org_name": "云溪区长安街道办事处",
    "index_prefix": credit_code("330802", org_code("00259473")),
    "address": "云溪区长安路188号",
    "phone": "0570-8012345",
    "fax": "0570-8012346",
    "email": "cajdzwgk@example.gov.cn",
}
DEPARTMENTS = [
    ("党政办", "office"), ("社区管理办", "office"), ("城市管理办", "office"), ("平安办", "office"),
    ("社会事务办", "office"), ("经济发展办", "office"), ("退役军人服务站", "station"),
    ("社区卫生服务中心", "station"),
] + [(name, "community") for name in demo_text.COMMUNITIES]
# (department, roles, 职务) of the people who review and sign, besides each department's staff.
LEADERS = [
    ("党政办", ["maintainer", "admin"], "政务公开信息员"),
    ("党政办", ["secrecy"], "保密员"),
    (None, ["deputy_leader"], "副主任"),
    (None, ["deputy_leader"], "党工委委员"),
    (None, ["chief_leader"], "主任"),
]


@dataclass(frozen=True)
class DemoSummary:
    items: int
    year: int
    seed: int
    departments_added: int
    people_added: int
    by_status: dict[str, int]
    by_kind: dict[str, int]
    late: int
    due_soon: int
    people_listed: int  # synthetic people in 公示 lists
    settings_filled: list[str] = field(default_factory=list)
    seconds: float = 0.0
    requests: int = 0  # 依申请公开 requests (one for every ten items)


def generate(db: Database, items: int, year: Optional[int] = None, seed: int = 1,
             actor: Actor = audit.SYSTEM, today: Optional[dt.date] = None,
             progress: Optional[Progress] = None) -> DemoSummary:
    """Add ``items`` demo items (and what they need) to ``db`` in one transaction."""
    started = time.perf_counter()
    today = today or dt.date.today()
    year = year or today.year
    _check_request(items, year, today)
    rng = random.Random(seed)
    with db.session() as s:
        filled = _fill_settings(s)
        depts_added, departments = _ensure_departments(s)
        people_added, drafters = _add_people(s, rng, departments)
        ctx = _context(s, today, year, departments, drafters)
        plans = _plans(rng, ctx, items, year)
        counts = _insert(s, rng, ctx, plans, progress)
        # Review history for what is past draft: steps, decisions, returns, paper sign-offs,
        # 不予公开, revisions (engineer D's demo_review; it records its own audit event).
        review = demo_review.add_review_history(s, today, seed=seed, actor=actor)
        for old_status, n in review.corrected.items():  # 不予公开 is never published: 已签发
            counts["status"][old_status] -= n
            counts["status"]["approved"] += n
        worklog.add_demo_entries(s, year, today, seed=seed, actor=actor)  # the tally's 工作记录
        requests = demo_requests.add_demo_requests(s, items, year, today, list(departments.values()),
                                                   seed=seed, actor=actor)
        settings.put_many(s, {"demo_loaded": True})
        summary = DemoSummary(
            items=len(plans), year=year, seed=seed, departments_added=depts_added,
            people_added=people_added, by_status=dict(sorted(counts["status"].items())),
            by_kind=dict(sorted(counts["kind"].items())), late=counts["flags"]["late"],
            due_soon=counts["flags"]["soon"], people_listed=counts["flags"]["people"],
            settings_filled=filled, seconds=round(time.perf_counter() - started, 2),
            requests=requests.requests,
        )
        audit.record(s, actor, "demo_generate", "item", None, None, {
            k: v for k, v in summary.__dict__.items() if k != "seconds"})
    return summary


def _check_request(items: int, year: int, today: dt.date) -> None:
    errors = {}
    if not 0 <= items <= MAX_ITEMS:
        errors["items"] = f"演示信息条数应在 0 到 {MAX_ITEMS} 之间。"
    if not 2000 <= year <= today.year:
        errors["year"] = f"演示数据的年份应在 2000 到 {today.year} 之间（不能晚于今年）。"
    if errors:
        raise ValidationError(errors)


# --- reference data -------------------------------------------------------------------------

def _fill_settings(s: Session) -> list[str]:
    """The organisation's settings, only where still empty (a real office's are kept)."""
    empty = {k: v for k, v in ORGANISATION.items() if not settings.get(s, k)}
    settings.put_many(s, empty)
    return sorted(empty)


def _ensure_departments(s: Session) -> tuple[int, dict[str, int]]:
    existing = {d.name: d.id for d in s.scalars(select(Department))}
    added = 0
    start = (s.scalar(select(func.max(Department.sort_order))) or 0) + 1
    for order, (name, kind) in enumerate(DEPARTMENTS, start=start):
        if name not in existing:
            dept = Department(name=name, kind=kind, sort_order=order, is_demo=True)
            s.add(dept)
            s.flush()
            existing[name] = dept.id
            added += 1
    return added, {name: existing[name] for name, _ in DEPARTMENTS}


def _add_people(s: Session, rng: random.Random, departments: dict[str, int]) -> tuple[int, dict[str, int]]:
    """A 经办人 and a 科室负责人 in every department, plus the reviewers and leaders."""
    people: list[Person] = []
    drafters: dict[str, Person] = {}
    for name, kind in DEPARTMENTS:
        head_title = "主任" if kind != "community" else "党委书记、居委会主任"
        drafter = Person(name=person_name(rng), department_id=departments[name], roles=["drafter"],
                         title="科员" if kind != "community" else "社区工作者", phone=mobile(rng), is_demo=True)
        head = Person(name=person_name(rng), department_id=departments[name], roles=["dept_head"],
                      title=head_title, phone=mobile(rng), is_demo=True)
        people += [drafter, head]
        drafters[name] = drafter
    for dept, roles, title in LEADERS:
        people.append(Person(name=person_name(rng), department_id=departments[dept] if dept else None,
                             roles=roles, title=title, phone=mobile(rng), is_demo=True))
    s.add_all(people)
    s.flush()
    return len(people), {name: p.id for name, p in drafters.items()}


def _context(s: Session, today: dt.date, year: int, departments: dict[str, int],
             drafters: dict[str, int]) -> Context:
    cal = WorkCalendar.load(s)
    first = dt.date(year, 1, 1)
    last = min(today, dt.date(year, 12, 31))
    entries = {e.code: e for e in s.scalars(select(CatalogueEntry).where(CatalogueEntry.active))}
    default = int(settings.get(s, "default_time_limit"))
    prefix = settings.get(s, "index_prefix") or "DESK"
    head = f"{prefix}/{year}-"
    taken = s.scalars(select(Item.index_no).where(Item.index_no.startswith(head, autoescape=True)))
    serials = [int(t[len(head):]) for t in taken if t[len(head):].isdigit()]
    return Context(
        today=today, cal=cal,
        workdays=[d for d in days_between(first, today) if cal.is_workday(d)],
        catalogue_ids={code: e.id for code, e in entries.items()},
        limits={code: e.time_limit_days or default for code, e in entries.items()},
        departments=departments, drafters=drafters,
        org_name=settings.get(s, "org_name") or ORGANISATION["org_name"],
        phone=settings.get(s, "phone") or ORGANISATION["phone"],
        index_head={year: head}, serial_width=int(settings.get(s, "serial_width")),
        next_serial={year: max(serials, default=0) + 1},
        soon_limit=due_soon_limit(s, today, cal), first_day=first, last_day=last,
    )


# --- items ----------------------------------------------------------------------------------

def _plans(rng: random.Random, ctx: Context, items: int, year: int) -> list[Any]:
    plans = Planner(rng).make(items)
    builder_due = RowBuilder(rng, ctx, {})  # only for its cached due dates

    def due_of(day: dt.date, code: str) -> Optional[dt.date]:
        return builder_due.due(day, code).due

    picker = DatePicker(rng, days_between(ctx.first_day, ctx.last_day), ctx.cal.is_workday,
                        due_of, ctx.today, ctx.soon_limit)
    return picker.assign(plans)


def _row_template() -> dict[str, Any]:
    """Every column of ``item`` with the value a bulk INSERT needs when a row says nothing."""
    return {
        "title": "", "doc_no": None, "kind": "其他", "catalogue_id": None, "department_id": None,
        "drafter_id": None, "content": "", "summary": "", "attribute": "active",
        "withheld_reason": "", "scope": "public", "channels": [], "changed_on": None,
        "due_on": None, "due_provisional": False, "published_on": None, "notice_start": None,
        "notice_end": None, "notice_days": None, "notice_day_kind": None, "posted_on": None,
        "posted_board": "", "removed_on": None, "validity": None, "valid_from": None,
        "valid_until": None, "interpretation_id": None, "url": "", "revision_of_id": None,
        "revision_no": 1, "source_file": "", "source_row": None, "is_demo": True, "version": 1,
    }


def _insert(s: Session, rng: random.Random, ctx: Context, plans: list[Any],
            progress: Optional[Progress]) -> dict[str, Counter[str]]:
    """Write the planned items in chunks; the search index is built once at the end."""
    builder = RowBuilder(rng, ctx, _row_template())
    counts: dict[str, Counter[str]] = {"status": Counter(), "kind": Counter(), "flags": Counter()}
    next_id = (s.scalar(select(func.max(Item.id))) or 0) + 1
    conn, insert = s.connection(), table_of(Item).insert()
    total, rows = len(plans), []
    report = progress or (lambda done, total: None)
    report(0, total)
    with deferred_item_search_index(s):
        for n, plan in enumerate(plans):
            people: list[str] = []
            row = builder.row(plan, next_id + n, people)
            if n and plans[n - 1].paired:  # the policy its interpretation (just before) explains
                row["interpretation_id"] = next_id + n - 1
            rows.append(row)
            _count(counts, row, ctx, len(people))
            if len(rows) >= CHUNK or n == total - 1:
                conn.execute(insert, rows)
                rows = []
                report(n + 1, total)
    return counts


def _count(counts: dict[str, Counter[str]], row: dict[str, Any], ctx: Context, people: int) -> None:
    counts["status"][row["status"]] += 1
    counts["kind"][row["kind"]] += 1
    counts["flags"]["people"] += people
    due, published = row["due_on"], row["published_on"]
    if due is None:
        return
    unpublished = published is None and row["status"] in UNPUBLISHED
    if (published is not None and published > due) or (unpublished and due < ctx.today):
        counts["flags"]["late"] += 1
    elif unpublished and ctx.today <= due <= ctx.soon_limit:
        counts["flags"]["soon"] += 1


# --- removal --------------------------------------------------------------------------------

def remove_demo(db: Database, actor: Actor = audit.SYSTEM) -> int:
    """Delete every demo item (with what hangs on it) and the demo departments and people
    no real record refers to, in one transaction. Returns the number of items removed."""
    from deskapp.core.attachments import files  # late: only removal needs the file store

    with db.session() as s:
        demo_ids = select(Item.id).where(Item.is_demo.is_(True)).scalar_subquery()
        count = s.scalar(select(func.count()).select_from(Item).where(Item.is_demo.is_(True))) or 0
        _detach_references(s, table_of(Item), demo_ids)
        with rebuilt_item_search_index(s):
            s.execute(table_of(Item).delete().where(Item.is_demo.is_(True)))
        s.execute(table_of(WorklogEntry).delete().where(WorklogEntry.is_demo.is_(True)))
        requests = demo_requests.remove_demo_requests(s)
        people = _delete_unreferenced(s, table_of(Person))
        departments = _delete_unreferenced(s, table_of(Department))
        purged = files.purge_unreferenced(s, db, actor)
        # The organisation's settings the demo filled in and nobody changed since go too.
        untouched = {k: settings.OPTIONS[k].default for k, v in ORGANISATION.items() if settings.get(s, k) == v}
        settings.put_many(s, {**untouched, "demo_loaded": False})
        audit.record(s, actor, "demo_remove", "item", None, None, {
            "items": count, "requests": requests, "people": people, "departments": departments, "files": purged,
            "settings_cleared": sorted(untouched)})
        s.expire_all()
    return count


def _referencing(table: Table) -> list[tuple[Column[Any], Table, Optional[str]]]:
    """(column, its table, ON DELETE action) of every foreign key pointing at ``table``."""
    out = []
    for other in Item.metadata.sorted_tables:
        for fk in other.foreign_keys:
            if fk.column.table is table:
                out.append((fk.parent, other, (fk.ondelete or "").upper() or None))
    return out


def _detach_references(s: Session, table: Table, ids: ScalarSelect[int]) -> None:
    """Rows pointing at demo items: a link (解读, 修订, "superseded by") is cleared, so a real
    item keeps its row; a row that belongs to the item (attachment, review step, decision …)
    goes with it. Done here rather than by the database's cascades, so the delete of the
    items themselves finds nothing left to look up (fast without indexes on those columns)."""
    links = [(c, t) for c, t, action in _referencing(table) if t is table or action == "SET NULL"]
    owned = [(c, t) for c, t, action in _referencing(table) if (c, t) not in links]
    for column, other in links:
        s.execute(other.update().where(column.in_(ids)).values({column.name: None}))
    for column, other in owned:
        s.execute(other.delete().where(column.in_(ids)))


def _delete_unreferenced(s: Session, table: Table) -> int:
    """Demo rows of ``table`` that nothing refers to any more; the others stay (a real item
    or a configured review step still names them)."""
    keep = [select(col).where(col.is_not(None)) for col, _other, _action in _referencing(table)]
    stmt = table.delete().where(table.c.is_demo.is_(True))
    for sub in keep:
        stmt = stmt.where(table.c.id.not_in(sub))
    result = cast(CursorResult[Any], s.execute(stmt))  # a DELETE's result: a CursorResult
    return result.rowcount or 0
