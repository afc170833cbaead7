"""Opening the desk's database: migrations from empty and from an older schema (after a
backup), reopening, refusing what is not ours (untouched), the lock, foreign keys."""

from __future__ import annotations

import datetime as dt
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from deskapp.core.audit.chain import Actor
from deskapp.core.desk import open_database
from deskapp.core.errors import DatabaseLockedError, DatabaseOpenError
from deskapp.core.register.items import ItemData, create_item
from deskapp.core.store import migrate
from deskapp.core.store.db import (
    Database,
    backup_to,
    integrity_ok,
    make_engine,
    timestamped_backup,
)
from deskapp.core.store.models import AuditEvent, CalendarYear, CatalogueEntry, Item

# Opening a database FILE: pragmas, WAL, foreign files refused untouched, the desk lock, the
# before-upgrade copy. The server's opening: test_server_store.py.
pytestmark = pytest.mark.sqlite_only("about a database file")

TODAY = dt.date(2026, 11, 26)
REPO = Path(__file__).resolve().parents[3]


def schema(path: Path) -> list[tuple]:
    con = sqlite3.connect(path)
    try:
        return sorted(con.execute("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_stat%'"))
    finally:
        con.close()


def snapshot(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


def add_item(db, title="关于做好防汛工作的通知") -> int:
    with db.session() as s:
        return create_item(s, Actor(None, "测试员"), ItemData(title=title, formed_on=TODAY), today=TODAY).id


# --- from empty, and again -------------------------------------------------------------------

def test_a_new_database_is_migrated_to_every_head_with_search_and_pragmas(db, db_path):
    with db.engine.connect() as conn:
        assert migrate.current_revisions(conn) == migrate.script_heads()
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        names = {r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master")}
    assert {"item", "item_fts", "item_fts_ai", "item_fts_ad", "item_fts_au", "audit_event",
            "calendar_day", "ix_item_interpretation_id", "ix_item_revision_of_id"} <= names
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(CatalogueEntry)) > 30
        assert 2026 in set(s.scalars(select(CalendarYear.year)))
    assert not db.backups_dir.exists()  # nothing to back up in a new database


def test_reopening_is_idempotent(db, db_path):
    add_item(db)
    with db.session() as s:
        counts = [s.scalar(select(func.count()).select_from(m)) for m in (CatalogueEntry, CalendarYear, AuditEvent)]
    db.close()
    before = schema(db_path)
    for _ in range(2):
        again = open_database(db_path)
        with again.session() as s:
            assert [s.scalar(select(func.count()).select_from(m))
                    for m in (CatalogueEntry, CalendarYear, AuditEvent)] == counts
        again.close()
    assert schema(db_path) == before
    assert not (db_path.parent / "backups").exists()


def test_deleting_an_item_finds_the_items_linking_to_it_by_index(db):
    with db.engine.connect() as conn:
        for column in ("interpretation_id", "revision_of_id"):
            plan = " ".join(r[-1] for r in conn.exec_driver_sql(
                f"EXPLAIN QUERY PLAN SELECT id FROM item WHERE {column} = 1"))
            assert f"ix_item_{column}" in plan, plan


# --- an older schema: backup first, then migrate --------------------------------------------

def test_an_older_database_is_backed_up_then_migrated(data_dir):
    path = data_dir / "旧版 台账.db"
    old = Database(str(path), make_engine(str(path)), path, data_dir)
    migrate.upgrade(old, "0001")
    with old.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO item (id, index_no, title, kind, content, summary, attribute, withheld_reason,"
            " scope, channels, formed_on, due_provisional, posted_board, url, status, revision_no,"
            " source_file, is_demo, created_at, updated_at, version) VALUES (1, 'OLD/2026-00001',"
            " '旧版本登记的防汛通知', '政策文件', '正文', '', 'active', '', 'public', '[]', '2026-09-25', 0,"
            " '', '', 'draft', 1, '', 0, '2026-09-25 09:00:00', '2026-09-25 09:00:00', 1)")
    old.engine.dispose()
    db = open_database(path)
    try:
        backups = list(db.backups_dir.glob("*before-upgrade.db"))
        assert len(backups) == 1 and integrity_ok(backups[0])
        con = sqlite3.connect(backups[0])
        assert con.execute("SELECT version_num FROM alembic_version").fetchall() == [("0001",)]
        assert con.execute("SELECT title FROM item").fetchall() == [("旧版本登记的防汛通知",)]
        con.close()
        with db.engine.connect() as conn:
            assert migrate.current_revisions(conn) == migrate.script_heads()
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        with db.session() as s:
            assert s.scalar(select(Item.title)) == "旧版本登记的防汛通知"
            hits = s.execute(text("SELECT rowid FROM item_fts WHERE item_fts MATCH '\"防汛通知\"'")).all()
            assert hits == [(1,)]
    finally:
        db.close()


def test_the_backup_is_taken_before_the_upgrade_runs(db, monkeypatch):
    calls = []

    def fake_upgrade(database, target="heads"):
        calls.append(sorted(p.name for p in database.backups_dir.glob("*.db")))

    monkeypatch.setattr(migrate, "script_heads", lambda: {"0099_future_feature"})
    monkeypatch.setattr(migrate, "_refuse_foreign", lambda database, revisions: None)
    monkeypatch.setattr(migrate, "upgrade", fake_upgrade)
    migrate.bring_up_to_date(db)
    assert len(calls) == 1 and len(calls[0]) == 1 and calls[0][0].endswith("-before-upgrade.db")


def test_a_database_needing_an_upgrade_is_not_upgraded_read_only(db, db_path, monkeypatch):
    add_item(db)
    db.close()
    monkeypatch.setattr(migrate, "script_heads", lambda: {"0099_future_feature"})
    monkeypatch.setattr(migrate, "_refuse_foreign", lambda database, revisions: None)
    before = snapshot(db_path)
    with pytest.raises(DatabaseOpenError) as err:
        open_database(db_path, read_only=True)
    assert "需要升级" in str(err.value)
    assert snapshot(db_path) == before


def test_backup_to_and_timestamped_backup(db, data_dir):
    add_item(db)
    target = backup_to(db, data_dir / "备份 文件夹" / "台账 备份.db")
    assert integrity_ok(target) and not list(target.parent.glob("*.part"))
    con = sqlite3.connect(target)
    assert con.execute("SELECT count(*) FROM item").fetchone() == (1,)
    con.close()
    stamped = timestamped_backup(db, "manual")
    assert stamped.parent == db.backups_dir and stamped.name.endswith("-manual.db")
    assert integrity_ok(stamped)


# --- what is not ours is refused and left alone ------------------------------------------------

def test_a_newer_version_is_refused_untouched(db, db_path):
    add_item(db)
    db.close()
    con = sqlite3.connect(db_path)
    con.execute("UPDATE alembic_version SET version_num = '0999_from_the_future' "
                "WHERE version_num = (SELECT max(version_num) FROM alembic_version)")
    con.commit()
    con.close()
    before = snapshot(db_path)
    with pytest.raises(DatabaseOpenError) as err:
        open_database(db_path)
    assert "更新版本" in str(err.value) and "未被改动" in str(err.value)
    assert snapshot(db_path) == before
    # no backup, journal or new file: only the database and its audit anchor, as they were
    assert sorted(p.name for p in db_path.parent.iterdir()) == [db_path.name, db_path.name + ".audit-head"]


def test_version_rows_that_no_upgrade_path_explains_give_a_message_not_a_traceback(db, db_path):
    """Version rows naming known revisions that cannot all be current at once (a build from
    before the migrations were put in one line recorded three branch heads)."""
    item_id = add_item(db)
    db.close()
    con = sqlite3.connect(db_path)
    con.execute("DELETE FROM alembic_version")
    con.executemany("INSERT INTO alembic_version VALUES (?)", [("0002_review",), ("0003_notice",), ("0004_worklog",)])
    con.commit()
    con.close()
    with pytest.raises(DatabaseOpenError) as err:
        open_database(db_path)
    assert "未被改动" in str(err.value) or "备份" in str(err.value)
    con = sqlite3.connect(db_path)
    assert con.execute("SELECT id FROM item").fetchall() == [(item_id,)]
    con.close()


@pytest.mark.parametrize("content", [b"plain text", b"PK\x03\x04 a zip file" * 100, b"SQLite format 3"])
def test_a_file_that_is_not_sqlite_is_refused_untouched(data_dir, content):
    path = data_dir / "别的 文件.db"
    path.write_bytes(content)
    before = snapshot(path)
    with pytest.raises(DatabaseOpenError):
        open_database(path)
    assert snapshot(path) == before


def test_another_programs_sqlite_database_is_refused_untouched(data_dir):
    path = data_dir / "通讯录.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE contacts (name TEXT)")
    con.commit()
    con.close()
    before = snapshot(path)
    with pytest.raises(DatabaseOpenError) as err:
        open_database(path)
    assert "不是政务公开台账的数据库" in str(err.value)
    assert snapshot(path) == before
    assert sorted(p.name for p in data_dir.iterdir()) == [path.name]


def test_read_only_needs_an_existing_file(data_dir):
    with pytest.raises(DatabaseOpenError) as err:
        open_database(data_dir / "没有.db", read_only=True)
    assert "不存在" in str(err.value)
    assert not (data_dir / "没有.db").exists()


# --- foreign keys around the migration ----------------------------------------------------------

def test_the_migration_runs_with_foreign_keys_off_and_checks_them_after(data_dir, monkeypatch):
    real = migrate.command.upgrade
    seen = []

    def watching(cfg, target):
        seen.append(cfg.attributes["connection"].exec_driver_sql("PRAGMA foreign_keys").scalar())
        real(cfg, target)

    monkeypatch.setattr(migrate.command, "upgrade", watching)
    db = open_database(data_dir / "新 台账.db")
    try:
        assert seen == [0]
        for _ in range(3):  # every pooled connection has them on again
            with db.engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        db.close()


def test_a_migration_leaving_a_dangling_reference_is_reported(data_dir, monkeypatch):
    real = migrate.command.upgrade

    def dangling(cfg, target):
        real(cfg, target)
        cfg.attributes["connection"].exec_driver_sql(
            "INSERT INTO person (name, department_id, roles, title, phone, active, failed_logins, is_demo)"
            " VALUES ('无主', 999, '[]', '', '', 1, 0, 0)")

    monkeypatch.setattr(migrate.command, "upgrade", dangling)
    with pytest.raises(DatabaseOpenError) as err:
        open_database(data_dir / "坏 迁移.db")
    assert "引用不一致" in str(err.value)


# --- two windows on one database -----------------------------------------------------------------

HOLD_LOCK = """
import sys, time
from deskapp.core.desk import open_database
db = open_database(sys.argv[1], take_lock=True)
print("ready", flush=True)
time.sleep(120)
"""


def test_the_lock_in_this_process(db_path):
    first = open_database(db_path, take_lock=True)
    try:
        with pytest.raises(DatabaseLockedError) as err:
            open_database(db_path, take_lock=True)
        assert "只读" in str(err.value)
        viewer = open_database(db_path, read_only=True)
        viewer.close()
    finally:
        first.close()
    again = open_database(db_path, take_lock=True)  # released on close
    again.close()


def test_the_lock_across_processes_and_no_stale_lock_after_a_kill(db, db_path):
    add_item(db, "另一窗口看得到的信息")
    db.close()
    child = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(db_path)], cwd=REPO,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "ready", child.stderr.read()
        with pytest.raises(DatabaseLockedError) as err:
            open_database(db_path, take_lock=True)
        assert f"进程 {child.pid}" in str(err.value)
        viewer = open_database(db_path, read_only=True)
        with viewer.session() as s:
            assert s.scalar(select(Item.title)) == "另一窗口看得到的信息"
        viewer.close()
    finally:
        child.kill()
        child.wait(timeout=30)
    after = open_database(db_path, take_lock=True)  # the OS dropped the dead process's lock
    after.close()
