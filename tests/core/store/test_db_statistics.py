"""Planner statistics and the FTS search shape: the register's first page is read along the
date index, not by sorting every match (bench/bench_register.py measures the effect)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, text

from deskapp.core.calendar.workdays import WorkCalendar
from deskapp.core.desk import open_database
from deskapp.core.register.items import ItemData, create_item
from deskapp.core.register.query import ItemFilter, Register
from deskapp.core.store.models import Item

# SQLite's ANALYZE / PRAGMA optimize and its query plans; the server's plans: bench/README.md.
pytestmark = pytest.mark.sqlite_only("SQLite planner statistics")


def fill(db, actor, today, n=300):
    with db.session() as s:
        cal = WorkCalendar.load(s)
        for i in range(n):
            create_item(s, actor, ItemData(
                title=f"关于居委会换届工作的通知{i}" if i % 2 else f"工作动态{i}",
                formed_on=today - dt.timedelta(days=i % 200),
                status="published" if i % 10 else "draft",
                published_on=today if i % 10 else None), today=today, cal=cal)


def plan(db, stmt) -> str:
    sql = str(stmt.compile(db.engine, compile_kwargs={"literal_binds": True}))
    with db.engine.connect() as conn:
        return " / ".join(r[3] for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql))


def test_statistics_are_gathered_on_open(db, db_path, actor, today):
    fill(db, actor, today)
    db.close()
    again = open_database(db_path)
    try:
        with again.engine.connect() as conn:
            rows = conn.execute(text("SELECT stat FROM sqlite_stat1 WHERE tbl = 'item'")).all()
        assert rows  # ANALYZE ran once there were items
        register = Register(again, today)
        with again.session() as s:
            stmt = register._sorted(select(Item.id).where(*register.where(s, ItemFilter(status="published"))),
                                    "formed_on", True).limit(201)
        assert "ix_item_formed" in plan(again, stmt) and "TEMP B-TREE" not in plan(again, stmt)
    finally:
        again.close()


def test_search_head_walks_the_date_index_and_finds_the_same(db, actor, today):
    fill(db, actor, today)
    register = Register(db, today)
    f = ItemFilter(search="居委会")
    with db.session() as s:
        stmt = register._sorted(select(Item.id).where(*register.where(s, f)), "formed_on", True).limit(50)
    assert "TEMP B-TREE" not in plan(db, stmt)
    with db.session() as s:
        ids = register.item_ids(s, f)
        assert len(ids) == 150
        assert register.item_ids(s, f, limit=50) == ids[:50]
        titles = s.scalars(select(Item.title).where(Item.id.in_(ids))).all()
    assert all("居委会" in t for t in titles)
