"""Reading the register: filters, search, sort, and plain rows for tables, CLI and exports.

The window's table holds only ids (``item_ids``) and asks for rows a page at a time
(``rows_for``), so 100 000 items scroll without loading them all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any, Optional, Protocol, Sequence

from sqlalchemy import JSON, ColumnElement, Select, Text, and_, case, cast, func, or_, select
from sqlalchemy.orm import Session, aliased

from deskapp.core.accounts.scope import department_clause
from deskapp.core.calendar.dates import iso_or_none
from deskapp.core.calendar.workdays import WorkCalendar
from deskapp.core.privacy import masking as privacy
from deskapp.core.store import settings
from deskapp.core.store.db import (
    SEARCH_COLUMNS,
    Database,
    InIntegers,
    contains_text,
    item_search_clause,
    server_walks_head,
)
from deskapp.core.store.models import CatalogueEntry, Department, Item
from deskapp.core.store.vocab import ATTRIBUTES, STATUSES

UNPUBLISHED = ("draft", "in_review", "returned", "approved")


class ItemFields(Protocol):
    """What :meth:`ItemRow.build` reads: an :class:`Item`, or a light row of just these
    columns (the register export reads them without loading ORM objects)."""

    @property
    def id(self) -> int: ...
    @property
    def index_no(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def doc_no(self) -> Optional[str]: ...
    @property
    def kind(self) -> str: ...
    @property
    def attribute(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def formed_on(self) -> dt.date: ...
    @property
    def changed_on(self) -> Optional[dt.date]: ...
    @property
    def due_on(self) -> Optional[dt.date]: ...
    @property
    def due_provisional(self) -> Optional[bool]: ...
    @property
    def published_on(self) -> Optional[dt.date]: ...
    @property
    def notice_start(self) -> Optional[dt.date]: ...
    @property
    def notice_end(self) -> Optional[dt.date]: ...
    @property
    def posted_on(self) -> Optional[dt.date]: ...
    @property
    def removed_on(self) -> Optional[dt.date]: ...
    @property
    def channels(self) -> Optional[Sequence[str]]: ...
    @property
    def version(self) -> int: ...


@dataclass(frozen=True)
class ItemFilter:
    year: Optional[int] = None
    quarter: Optional[int] = None  # 1–4, with year
    kind: Optional[str] = None
    catalogue_id: Optional[int] = None  # an entry or a first-level group (its children too)
    department_id: Optional[int] = None
    status: Optional[str] = None
    attribute: Optional[str] = None
    overdue_only: bool = False
    due_soon_only: bool = False
    search: str = ""
    # Only these items (the 工作台's checklist lists the items a finding counts); None = all.
    ids: Optional[tuple[int, ...]] = None


# How many items in the table's order a server search looks through for its first page before
# it asks the trigram index (Register._page_from_head): ~5 ms on PostgreSQL; a word in one item
# of ten fills the window's first page of 101 within it (rarer words are quick in the index).
HEAD_WINDOW = 1000

SORT_KEYS = ("index_no", "title", "kind", "category", "department", "status", "formed_on",
             "due_on", "published_on", "channels")


def overdue_clause(today: dt.date) -> ColumnElement[bool]:
    """Late: not published and past its due date, or published after it."""
    return and_(
        Item.due_on.is_not(None),
        or_(
            and_(Item.published_on.is_(None), Item.status.in_(UNPUBLISHED), Item.due_on < today),
            Item.published_on > Item.due_on,
        ),
    )


def due_soon_clause(today: dt.date, limit: dt.date) -> ColumnElement[bool]:
    """Not yet published and due between today and ``limit`` (N working days ahead)."""
    return and_(Item.published_on.is_(None), Item.status.in_(UNPUBLISHED),
                Item.due_on >= today, Item.due_on <= limit)


def due_soon_limit(session: Session, today: dt.date, cal: Optional[WorkCalendar] = None) -> dt.date:
    """The last day that counts as 即将到期; a reminder of 0 working days (allowed in the
    settings) means only what is due today."""
    days = int(settings.get(session, "due_soon_workdays"))
    if days <= 0:
        return today
    return (cal or WorkCalendar.load(session)).add_workdays(today, days)


def quarter_range(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    first = dt.date(year, 3 * quarter - 2, 1)
    last_month = 3 * quarter
    last = (dt.date(year + (last_month == 12), last_month % 12 + 1, 1) - dt.timedelta(days=1))
    return first, last


def parse_quarter(text: str) -> tuple[int, int]:
    """'2026Q3' → (2026, 3); ValueError with a Chinese message otherwise."""
    t = text.strip().upper()
    if len(t) == 6 and t[:4].isdigit() and t[4] == "Q" and t[5] in "1234":
        return int(t[:4]), int(t[5])
    raise ValueError(f"季度“{text}”格式不对，应写作 2026Q3。")


class Register:
    """Queries over one database, given today's date (a parameter so tests can pin it)."""

    def __init__(self, db: Database, today: Optional[dt.date] = None):
        self.db = db
        self.today = today or dt.date.today()
        self._soon_limit: Optional[dt.date] = None

    def soon_limit(self, session: Session) -> dt.date:
        """due_soon_limit for ``today``, read once per Register (a table asks per page)."""
        if self._soon_limit is None:
            self._soon_limit = due_soon_limit(session, self.today)
        return self._soon_limit

    def where(self, session: Session, f: ItemFilter) -> list[ColumnElement[bool]]:
        clauses: list[ColumnElement[bool]] = []
        if f.year and f.quarter:
            first, last = quarter_range(f.year, f.quarter)
            clauses.append(Item.formed_on.between(first, last))
        elif f.year:
            clauses.append(Item.formed_on.between(dt.date(f.year, 1, 1), dt.date(f.year, 12, 31)))
        if f.kind:
            clauses.append(Item.kind == f.kind)
        if f.catalogue_id:
            children = select(CatalogueEntry.id).where(CatalogueEntry.parent_id == f.catalogue_id)
            clauses.append(or_(Item.catalogue_id == f.catalogue_id, Item.catalogue_id.in_(children)))
        if f.department_id:
            clauses.append(Item.department_id == f.department_id)
        if f.status:
            clauses.append(Item.status == f.status)
        if f.attribute:
            clauses.append(Item.attribute == f.attribute)
        if f.overdue_only:
            clauses.append(overdue_clause(self.today))
        if f.due_soon_only:
            clauses.append(due_soon_clause(self.today, self.soon_limit(session)))
        if f.search.strip():
            clauses.append(item_search_clause(self.db, f.search))
        if f.ids is not None:
            clauses.append(InIntegers(Item.id, f.ids))  # any length: one parameter
        mine = department_clause(session, Item.department_id)  # a department account's own only
        if mine is not None:
            clauses.append(mine)
        return clauses

    def _sort_key(self, stmt: Select[Any], sort: str) -> tuple[Select[Any], Any, bool]:
        """``stmt`` with the joins the sort needs, the sort key, and whether it can be empty."""
        if sort == "category":
            cat = aliased(CatalogueEntry)
            stmt = stmt.outerjoin(cat, cat.id == Item.catalogue_id)
            key: Any = cat.name
        elif sort == "department":
            dep = aliased(Department)
            stmt = stmt.outerjoin(dep, dep.id == Item.department_id)
            key = dep.name
        elif sort in SORT_KEYS:
            key = getattr(Item, sort)
        else:
            key = Item.formed_on
        if not self.db.is_sqlite and isinstance(getattr(key, "type", None), JSON):
            key = cast(key, Text)  # PostgreSQL's json has no order; its text sorts as SQLite's does
        outer = sort in ("category", "department")  # an outer join: no value is possible
        return stmt, key, outer or bool(getattr(getattr(key, "expression", key), "nullable", True))

    def _ordering(self, key: Any, tie: Any, descending: bool, nullable: bool) -> list[Any]:
        order = key.desc() if descending else key.asc()
        if not self.db.is_sqlite and nullable:
            # As SQLite orders: no value (no department …) is the smallest. Only where a value
            # can be missing: on a NOT NULL column (形成日期) it would keep PostgreSQL off the
            # column's index (98 ms instead of 1 ms for a first page of 100 000 items).
            order = order.nulls_last() if descending else order.nulls_first()
        return [order, tie.desc() if descending else tie.asc()]

    def _sorted(self, stmt: Select[Any], sort: str, descending: bool) -> Select[Any]:
        stmt, key, nullable = self._sort_key(stmt, sort)
        return stmt.order_by(*self._ordering(key, Item.id, descending, nullable))

    def item_ids(self, session: Session, f: ItemFilter, sort: str = "formed_on",
                 descending: bool = True, limit: Optional[int] = None) -> list[int]:
        """The matching ids in order; ``limit``: only the first ones (a table's first page)."""
        if limit is not None and server_walks_head(self.db, f.search):
            page = self._page_from_head(session, f, sort, descending, limit)
            return page if len(page) == limit else self._page_from_index(session, f, sort, descending, limit)
        stmt = self._sorted(select(Item.id).where(*self.where(session, f)), sort, descending)
        if limit is not None:
            stmt = stmt.limit(limit)
        return list(session.scalars(stmt))

    def _page_from_head(self, session: Session, f: ItemFilter, sort: str, descending: bool,
                        limit: int) -> list[int]:
        """The first ``limit`` matches of a server search found among the first HEAD_WINDOW
        items in the table's order (everything but the search applied). When a full page is
        there it IS the first page: every later item sorts after all of them. A common word
        fills it in a few ms; a rare one comes back short and the trigram index answers."""
        columns = [getattr(Item, name) for name in SEARCH_COLUMNS]
        base = select(Item.id.label("id"), *columns).where(*self.where(session, replace(f, search="")))
        base, key, nullable = self._sort_key(base, sort)
        head = (base.add_columns(key.label("sort_key"))
                .order_by(*self._ordering(key, Item.id, descending, nullable))
                .limit(HEAD_WINDOW).subquery())
        stmt = (select(head.c.id).where(contains_text([head.c[name] for name in SEARCH_COLUMNS], f.search))
                .order_by(*self._ordering(head.c.sort_key, head.c.id, descending, nullable))
                .limit(limit))
        return list(session.scalars(stmt))

    def _page_from_index(self, session: Session, f: ItemFilter, sort: str, descending: bool,
                         limit: int) -> list[int]:
        """A rarer word's first page: all its hits from the trigram index, then sorted. OFFSET 0
        fences the hits off, so the planner cannot walk the sort key's index instead and
        check every row against the word (95 ms for 653 hits in 100 000 items, not 3)."""
        base, key, nullable = self._sort_key(select(Item.id.label("id")).where(*self.where(session, f)), sort)
        hits = base.add_columns(key.label("sort_key")).offset(0).subquery()
        stmt = select(hits.c.id).order_by(*self._ordering(hits.c.sort_key, hits.c.id, descending, nullable))
        return list(session.scalars(stmt.limit(limit)))

    def ids_and_late(self, session: Session, f: ItemFilter, sort: str = "formed_on",
                     descending: bool = True) -> tuple[list[int], int]:
        """The ids in order and how many of them are late: the table and its count label
        from ONE query, so a search keystroke runs the (FTS) filter once, not twice."""
        late = case((overdue_clause(self.today), 1), else_=0)
        stmt = self._sorted(select(Item.id, late).where(*self.where(session, f)), sort, descending)
        rows = session.execute(stmt).all()
        return [r[0] for r in rows], sum(r[1] for r in rows)

    def counts(self, session: Session, f: ItemFilter) -> tuple[int, int]:
        """(items matching, of which late) for "共 N 条，超期 M 条"."""
        late = func.sum(case((overdue_clause(self.today), 1), else_=0))
        row = session.execute(select(func.count(Item.id), late).where(*self.where(session, f))).one()
        return int(row[0] or 0), int(row[1] or 0)

    def rows_for(self, session: Session, ids: Sequence[int],
                 privacy_notes: bool = True) -> dict[int, "ItemRow"]:
        """``privacy_notes=False``: skip scanning 内容 for the ⚠ badge (the CLI's listing does
        not show it; ~25 µs an item)."""
        if not ids:
            return {}
        soon_limit = self.soon_limit(session)
        cat, dep = aliased(CatalogueEntry), aliased(Department)
        stmt = (
            select(Item, cat.name, dep.name)
            .outerjoin(cat, cat.id == Item.catalogue_id)
            .outerjoin(dep, dep.id == Item.department_id)
            .where(Item.id.in_(list(ids)))
        )
        out: dict[int, ItemRow] = {}
        for item, cat_name, dep_name in session.execute(stmt):
            out[item.id] = ItemRow.build(item, cat_name, dep_name, self.today, soon_limit,
                                         privacy_notes)
        return out

    def rows(self, session: Session, f: ItemFilter, sort: str = "formed_on",
             descending: bool = True) -> list["ItemRow"]:
        ids = self.item_ids(session, f, sort, descending)
        out: list[ItemRow] = []
        for start in range(0, len(ids), 500):
            page = ids[start:start + 500]
            found = self.rows_for(session, page)
            out.extend(found[i] for i in page if i in found)
        return out


@dataclass(frozen=True)
class ItemRow:
    """One item as a table, the CLI or an export shows it. Plain data, no ORM."""

    id: int
    index_no: str
    title: str
    doc_no: Optional[str]
    kind: str
    category: str
    department: str
    attribute: str
    status: str
    formed_on: dt.date
    changed_on: Optional[dt.date]
    due_on: Optional[dt.date]
    due_provisional: bool
    published_on: Optional[dt.date]
    notice_start: Optional[dt.date]
    notice_end: Optional[dt.date]
    posted_on: Optional[dt.date]
    removed_on: Optional[dt.date]
    channels: tuple[str, ...]
    overdue: bool
    due_soon: bool
    days_late: int  # calendar days past due (0 when not late)
    version: int
    # "含未遮盖的身份证号2处…" when 内容 holds unmasked personal numbers (the register's and
    # the review queue's warning badge); empty otherwise, and for light rows without content.
    privacy_note: str = ""

    @classmethod
    def build(cls, item: ItemFields, category: Optional[str], department: Optional[str],
              today: dt.date, soon_limit: dt.date, privacy_notes: bool = True) -> "ItemRow":
        unpublished = item.published_on is None and item.status in UNPUBLISHED
        overdue, late_days = False, 0
        if item.due_on is not None:
            if item.published_on is not None and item.published_on > item.due_on:
                overdue, late_days = True, (item.published_on - item.due_on).days
            elif unpublished and item.due_on < today:
                overdue, late_days = True, (today - item.due_on).days
        soon = bool(unpublished and item.due_on and today <= item.due_on <= soon_limit)
        return cls(
            id=item.id, index_no=item.index_no, title=item.title, doc_no=item.doc_no,
            kind=item.kind, category=category or "", department=department or "",
            attribute=item.attribute, status=item.status, formed_on=item.formed_on,
            changed_on=item.changed_on, due_on=item.due_on,
            due_provisional=bool(item.due_provisional), published_on=item.published_on,
            notice_start=item.notice_start, notice_end=item.notice_end,
            posted_on=item.posted_on, removed_on=item.removed_on,
            channels=tuple(item.channels or ()), overdue=overdue, due_soon=soon,
            days_late=late_days, version=item.version,
            privacy_note=privacy.badge_text(getattr(item, "content", None)) if privacy_notes else "",
        )

    @property
    def status_label(self) -> str:
        return STATUSES.get(self.status, self.status)

    @property
    def attribute_label(self) -> str:
        return ATTRIBUTES.get(self.attribute, self.attribute)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "index_no": self.index_no, "title": self.title, "doc_no": self.doc_no,
            "kind": self.kind, "category": self.category, "department": self.department,
            "attribute": self.attribute, "status": self.status, "formed_on": iso_or_none(self.formed_on),
            "changed_on": iso_or_none(self.changed_on), "due_on": iso_or_none(self.due_on),
            "due_provisional": self.due_provisional, "overdue": self.overdue,
            "due_soon": self.due_soon, "published_on": iso_or_none(self.published_on),
            "notice_start": iso_or_none(self.notice_start), "notice_end": iso_or_none(self.notice_end),
            "posted_on": iso_or_none(self.posted_on), "removed_on": iso_or_none(self.removed_on),
            "channels": list(self.channels),
        }
