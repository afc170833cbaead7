"""``db copy``: a demo desk (items, requests, review, attachments, audit events) copied from
SQLite onto PostgreSQL and back; every table's rows and every attachment arrive, the audit
chain verifies on each copy, a target holding desk data is refused unless forced."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from deskapp.core.attachments.files import add_attachment, attachment_path
from deskapp.core.audit.chain import Actor, verify_chain
from deskapp.core.demo.generate import generate
from deskapp.core.desk import copy_desk, open_database
from deskapp.core.store.copy import CopyError
from deskapp.core.store.db import Database, open_store
from deskapp.core.store.models import AuditEvent, InfoRequest, Item, StoredFile

pytestmark = pytest.mark.sqlite_only("the copy makes its own databases on both backends")

TODAY = dt.date(2026, 11, 26)


@pytest.fixture
def demo_desk(db_path: Path, tmp_path: Path) -> Database:
    """A desk with 60 demo items, their requests and review history, and two attachments."""
    db = open_database(db_path)
    generate(db, 60, year=2026, today=TODAY)
    scan = tmp_path / "扫描件.pdf"
    scan.write_bytes(b"%PDF-1.4 scan " * 100)
    photo = tmp_path / "照片.jpg"
    photo.write_bytes(b"\xff\xd8 photo " * 50)
    with db.session() as s:
        first, second = s.scalars(select(Item.id).order_by(Item.id).limit(2)).all()
        add_attachment(s, db, Actor(None, "测试员"), first, scan, purpose="scan")
        add_attachment(s, db, Actor(None, "测试员"), second, photo, purpose="photo")
        add_attachment(s, db, Actor(None, "测试员"), second, scan)  # same content: stored once
    yield db
    db.close()


def _counts(db: Database) -> dict[str, int]:
    with db.session() as s:
        return {"items": s.scalar(select(func.count()).select_from(Item)) or 0,
                "requests": s.scalar(select(func.count()).select_from(InfoRequest)) or 0,
                "events": s.scalar(select(func.count()).select_from(AuditEvent)) or 0,
                "files": s.scalar(select(func.count()).select_from(StoredFile)) or 0}


def _chain_ok(db: Database) -> bool:
    with db.session() as s:
        return verify_chain(s) is None


def test_sqlite_to_postgresql_and_back(demo_desk: Database, pg_url: str, tmp_path: Path) -> None:
    before = _counts(demo_desk)
    assert before["items"] == 60 and before["requests"] > 0 and before["files"] == 2
    progress: list[tuple[int, int]] = []
    there = copy_desk(demo_desk, pg_url, progress=lambda done, total, _t: progress.append((done, total)))
    assert there.ok, there.summary()
    assert progress[-1][0] == progress[-1][1] and progress[-1][1] >= before["items"]
    assert {t.name for t in there.tables} >= {"item", "info_request", "audit_event", "attachment", "setting"}
    server = open_store(pg_url)
    try:
        assert _counts(server) == before and _chain_ok(server)
        # new rows on the server get fresh ids (sequences were set past the copied ones)
        with server.session() as s:
            top = s.scalar(select(func.max(Item.id)))
            new_id = s.execute(text("SELECT nextval(pg_get_serial_sequence('item', 'id'))")).scalar()
            assert new_id > top
    finally:
        server.close()

    with pytest.raises(CopyError, match="已有台账数据"):  # the server now holds the office's work
        copy_desk(demo_desk, pg_url)

    back_path = tmp_path / "回来" / "备份 台账.db"
    back_path.parent.mkdir()
    back = copy_desk(pg_url, str(back_path))
    assert back.ok, back.summary()
    restored = open_database(back_path)
    try:
        assert _counts(restored) == before and _chain_ok(restored)
        with demo_desk.session() as s, restored.session() as r:
            for sha in s.scalars(select(StoredFile.sha256)):
                assert attachment_path(restored, sha).read_bytes() == attachment_path(demo_desk, sha).read_bytes()
            fields = select(Item.id, Item.title, Item.index_no, Item.version).order_by(Item.id)
            original = s.execute(fields).all()
            assert r.execute(fields).all() == original
            # the search index was rebuilt from the copied items
            hits = r.execute(text("SELECT count(*) FROM item_fts WHERE item_fts MATCH :q"),
                             {"q": '"' + original[0].title[:3] + '"'}).scalar()
            assert hits and hits >= 1
    finally:
        restored.close()


def test_a_target_holding_desk_data_is_refused_unless_forced(demo_desk: Database, tmp_path: Path) -> None:
    target = tmp_path / "另一个台账.db"
    other = open_database(target)
    generate(other, 5, year=2026, today=TODAY)
    other.close()
    with pytest.raises(CopyError, match="已有台账数据"):
        copy_desk(demo_desk, str(target))
    kept = open_database(target)
    try:
        assert _counts(kept)["items"] == 5  # untouched
    finally:
        kept.close()
    report = copy_desk(demo_desk, str(target), force=True)
    assert report.ok, report.summary()
    copied = open_database(target)
    try:
        assert _counts(copied) == _counts(demo_desk) and _chain_ok(copied)
    finally:
        copied.close()


def test_a_freshly_seeded_target_counts_as_empty(demo_desk: Database, pg_seeded_url: str) -> None:
    report = copy_desk(demo_desk, pg_seeded_url)
    assert report.ok, report.summary()


def test_a_copy_onto_itself_is_refused(demo_desk: Database, db_path: Path) -> None:
    with pytest.raises(CopyError, match="同一个文件"):
        copy_desk(demo_desk, str(db_path))


def test_a_failed_copy_leaves_no_new_file(demo_desk: Database, tmp_path: Path, monkeypatch) -> None:
    from deskapp.core.store import copy as copy_module

    target = tmp_path / "新台账.db"

    def broken(*_a, **_k):
        raise RuntimeError("disk unplugged")
        yield 0

    monkeypatch.setattr(copy_module, "_copy_table", broken)
    with pytest.raises(RuntimeError):
        copy_desk(demo_desk, str(target))
    assert not target.exists()


def test_attachments_move_between_files_and_the_servers_contents_table(demo_desk: Database, pg_url: str,
                                                                      tmp_path: Path) -> None:
    """On a server the contents live in a table (sha256 + the bytes); the copy fills it from
    the files beside desk.db, and fills a SQLite copy's files/ from it."""
    from deskapp.core.store import copy as copy_module

    server = open_store(pg_url)  # migrated, empty
    try:
        with server.engine.begin() as conn:
            blob = copy_module._blob_table(conn)
            if blob is None:  # the server store's own table not there yet: one of the same shape
                conn.execute(text("CREATE TABLE test_blob (sha256 VARCHAR(64) PRIMARY KEY, content BYTEA NOT NULL)"))
                blob = "test_blob"
    finally:
        server.close()
    assert copy_desk(demo_desk, pg_url).ok
    server = open_store(pg_url)
    try:
        with server.engine.connect() as conn:
            binary, _others = copy_module._blob_columns(conn, blob)
            stored = dict(conn.execute(text(f'SELECT sha256, "{binary}" FROM "{blob}"')).all())
    finally:
        server.close()
    with demo_desk.session() as s:
        shas = list(s.scalars(select(StoredFile.sha256)))
    assert sorted(stored) == sorted(shas)
    assert all(bytes(stored[sha]) == attachment_path(demo_desk, sha).read_bytes() for sha in shas)

    back_path = tmp_path / "别处" / "台账.db"
    back_path.parent.mkdir()
    assert copy_desk(pg_url, str(back_path)).ok
    restored = open_database(back_path)
    try:
        assert all(attachment_path(restored, sha).read_bytes() == bytes(stored[sha]) for sha in shas)
    finally:
        restored.close()


def test_a_released_older_desk_is_upgraded_then_copied(data_dir: Path, tmp_path: Path) -> None:
    import shutil

    old = data_dir / "旧版 台账.db"
    shutil.copyfile(Path(__file__).resolve().parents[2] / "fixtures" / "released" / "desk-0.1.0.db", old)
    report = copy_desk(str(old), str(tmp_path / "新副本.db"))
    assert report.ok, report.summary()
    assert any(t.name == "item" and t.target > 0 for t in report.tables)


def test_every_table_has_a_chinese_name_in_the_progress_line():
    """The copy's progress line is read by a clerk: no table shows up under its SQL name."""
    from deskapp.core.store.copy import TABLE_LABELS
    from deskapp.core.store.models import Base

    assert sorted(set(Base.metadata.tables) - set(TABLE_LABELS)) == []
