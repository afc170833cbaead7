"""The change feed: a write committed by one desk is seen by another's poll; a read, a
rolled-back write and the desk's own writes are not news."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, text

from deskapp.core.desk import open_database
from deskapp.core.store import changes
from deskapp.core.store.changes import ChangeWatcher, read_feed, written_kind
from deskapp.core.store.db import Database, open_store
from deskapp.core.store.models import Department, Item, Setting


def _other_desk(db: Database) -> Database:
    """A second desk on the same database (another process would open it the same way)."""
    return open_store(db.url)


def test_a_write_by_another_desk_is_seen_by_the_poll(db: Database) -> None:
    other = _other_desk(db)
    try:
        watcher = ChangeWatcher(db.engine)
        assert not watcher.poll()
        with other.session() as s:
            s.add(Department(name="城管科"))
        assert watcher.poll().kinds == {"settings"}
        assert not watcher.poll()  # seen once
    finally:
        other.close()


def test_a_read_and_a_rollback_do_not_bump(db: Database) -> None:
    before = read_feed(db.engine)
    with db.session() as s:
        s.scalars(select(Item)).all()
        s.execute(text("SELECT count(*) FROM setting")).scalar()
    with pytest.raises(RuntimeError):
        with db.session() as s:
            s.add(Department(name="不会留下"))
            s.flush()
            raise RuntimeError("cancelled")
    assert read_feed(db.engine) == before


def test_the_desks_own_writes_are_not_news_to_itself(db: Database) -> None:
    watcher = ChangeWatcher(db.engine)
    with db.session() as s:
        s.add(Department(name="本机写的"))
    assert not watcher.poll()
    other = _other_desk(db)
    try:
        with other.session() as s:
            s.add(Department(name="别人写的"))
        assert watcher.poll().kinds == {"settings"}
    finally:
        other.close()


def test_every_write_path_counts(db: Database) -> None:
    """ORM flush, Core bulk statements and hand-written SQL all bump the right kind."""
    other = _other_desk(db)
    try:
        watcher = ChangeWatcher(db.engine)
        with other.session() as s:
            s.execute(text("UPDATE setting SET value = value WHERE key = 'org_name'"))
        assert watcher.poll().kinds == {"settings"}
        with other.session() as s:
            s.connection().exec_driver_sql("UPDATE board_issue SET number = number")
        assert watcher.poll().kinds == {"board"}
    finally:
        other.close()


def test_the_audit_head_and_the_write_lock_claim_are_not_settings_changes() -> None:
    assert written_kind("UPDATE setting SET value=? WHERE setting.key = ?", ('{"id": 1}', "audit_head")) is None
    assert written_kind("UPDATE setting SET key = key WHERE 0", ()) is None
    assert written_kind("INSERT INTO audit_event (at) VALUES (?)", ()) is None
    assert written_kind('UPDATE "item" SET title=?', ()) == "items"
    assert written_kind("insert or replace into info_request values (?)", ()) == "requests"
    assert written_kind("DELETE FROM item_step WHERE id = ?", ()) == "review"
    assert written_kind("INSERT INTO item_fts(item_fts) VALUES('rebuild')", ()) is None
    assert written_kind("SELECT * FROM item", ()) is None
    assert written_kind("INSERT INTO worklog_entry (x) VALUES (?)", ()) == "other"


def test_an_item_saved_with_its_audit_event_bumps_items(db: Database, actor, today) -> None:
    from deskapp.core.register.items import ItemData, create_item

    other = _other_desk(db)
    try:
        watcher = ChangeWatcher(db.engine)
        with other.session() as s:
            create_item(s, actor, ItemData(title="城管执法公示", formed_on=today), today=today)
        assert "items" in watcher.poll().kinds and not watcher.poll()
    finally:
        other.close()


@pytest.mark.sqlite_only("a read-only desk is the SQLite file opened a second time")
def test_a_read_only_desk_polls_without_writing(db: Database, db_path: Path) -> None:
    reader = open_database(db_path, read_only=True)
    try:
        watcher = ChangeWatcher(reader.engine)
        with db.session() as s:
            s.add(Setting(key="org_name_test", value="新名称"))
        assert watcher.poll().kinds == {"settings"}
        assert read_feed(reader.engine) == read_feed(db.engine)
    finally:
        reader.close()


def test_kinds_are_the_migrations_rows(db: Database) -> None:
    assert set(read_feed(db.engine)) == set(changes.KINDS)
