"""What the ledger import looks up in the register: departments and catalogue entries by
the names clerks write, and which 索引号 and (标题, 日期) pairs already exist — all read once,
so checking 10 000 rows does not ask the database 20 000 times."""

from __future__ import annotations

import datetime as dt
import re
from typing import Optional, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from deskapp.core.ledger.fields import to_kind
from deskapp.core.store.models import CatalogueEntry, Department, Item

CHUNK = 500  # SQLite's bound-parameter limit is far above this; keeps each query small
_PATH_SPLIT = re.compile(r"\s*[/／>＞\-－—|｜、]\s*")


def _key(name: str) -> str:
    return re.sub(r"\s+", "", name)


class Lookup:
    def __init__(self, session: Session):
        self.session = session
        self.departments = {_key(d.name): d.id for d in session.scalars(select(Department))}
        entries = list(session.scalars(select(CatalogueEntry).order_by(CatalogueEntry.sort_order,
                                                                      CatalogueEntry.id)))
        self.entries = {e.id: e for e in entries}
        self.by_name: dict[str, int] = {}
        self.by_path: dict[tuple[str, str], int] = {}
        for e in entries:  # a second-level name wins over a first-level one of the same name
            parent = self.entries.get(e.parent_id) if e.parent_id else None
            if parent is not None:
                self.by_path[(_key(parent.name), _key(e.name))] = e.id
                self.by_name.setdefault(_key(e.name), e.id)
        for e in entries:
            if e.parent_id is None:
                self.by_name.setdefault(_key(e.name), e.id)
        self.existing_index: set[str] = set()
        self.existing_keys: set[tuple[str, dt.date]] = set()

    def department(self, name: str) -> Optional[int]:
        return self.departments.get(_key(name))

    def catalogue(self, name: str) -> Optional[int]:
        """'低保', '社会救助/低保', '社会救助－低保' → the entry's id."""
        key = _key(name)
        if key in self.by_name:
            return self.by_name[key]
        parts = [p for p in _PATH_SPLIT.split(name.strip()) if p]
        if len(parts) == 2:
            return self.by_path.get((_key(parts[0]), _key(parts[1])))
        return None

    def kind_of_entry(self, entry_id: Optional[int]) -> Optional[str]:
        entry = self.entries.get(entry_id) if entry_id else None
        while entry is not None:
            kind = to_kind(entry.name)
            if kind:
                return kind
            entry = self.entries.get(entry.parent_id) if entry.parent_id else None
        return None

    def prefetch(self, index_nos: Sequence[str], titles: Sequence[str]) -> None:
        wanted = sorted({i for i in index_nos if i})
        for start in range(0, len(wanted), CHUNK):
            self.existing_index.update(self.session.scalars(
                select(Item.index_no).where(Item.index_no.in_(wanted[start:start + CHUNK]))))
        # 标题 has no index: one pass over the register beats a scan per chunk of titles.
        names = {t for t in titles if t}
        if names:
            stmt = select(Item.title, Item.published_on, Item.formed_on).execution_options(yield_per=5000)
            for title, published_on, formed_on in self.session.execute(stmt):
                if title in names:
                    self.existing_keys.add((title, published_on or formed_on))

    def index_exists(self, index_no: str) -> bool:
        return index_no in self.existing_index

    def title_date_exists(self, title: str, day: Optional[dt.date]) -> bool:
        return (title, day) in self.existing_keys
