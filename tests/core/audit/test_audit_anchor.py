"""The head kept outside the database (``<name>.audit-head``) and printed anchors: a cut tail
is caught even when the head kept inside the database is cut with it (issue 15 §2)."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from deskapp import cli
from deskapp.core.audit import chain as audit
from deskapp.core.audit.chain import Actor
from deskapp.core.demo import generate as demo
from deskapp.core.desk import open_database
from tests.conftest import TODAY

# The anchor is a file beside the .db (``<name>.audit-head``); a server has no data folder of
# its own (the audit_head row and the printed anchors stand for it: test_audit_chain).
pytestmark = pytest.mark.sqlite_only("the outside anchor file beside the SQLite database")


def downgrade_to(db, revision: str) -> None:
    """The database's schema taken back to ``revision`` by the migrations' own downgrades."""
    from alembic import command

    from deskapp.core.store import migrate

    cfg = migrate.alembic_config()
    with db.engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)
        conn.commit()


def anchor_of(path: Path) -> Path:
    return path.with_name(path.name + audit.ANCHOR_SUFFIX)


def verify(path: Path) -> audit.ChainBreak | None:
    db = open_database(path, read_only=True)
    try:
        with db.session() as s:
            return audit.verify_chain(s)
    finally:
        db.close()


def sql(path: Path, *statements: str) -> None:
    con = sqlite3.connect(path)
    with con:
        for statement in statements:
            con.execute(statement)
    con.close()


def last_ids(path: Path, n: int) -> list[int]:
    con = sqlite3.connect(path)
    try:
        return [r[0] for r in con.execute("SELECT id FROM audit_event ORDER BY id DESC LIMIT ?", (n,))][::-1]
    finally:
        con.close()


@pytest.fixture
def demo_copy(db, db_path, actor, tmp_path):
    """A copy of a demo database with its data folder's anchor, as a clerk would copy it."""
    demo.generate(db, 60, seed=5, actor=actor, today=TODAY)
    with db.session() as s:
        for i in range(3):
            audit.record(s, Actor(3, "孙主任"), "approve", "item", i, {"status": "in_review"}, {"status": "approved"})
    db.close()
    folder = tmp_path / "副本 文件夹"
    folder.mkdir()
    copy = folder / db_path.name
    shutil.copyfile(db_path, copy)
    shutil.copyfile(anchor_of(db_path), anchor_of(copy))
    assert verify(copy) is None
    return copy


def test_the_anchor_file_follows_every_commit(db, db_path):
    with db.session() as s:
        ev = audit.record(s, Actor(3, "孙主任"), "approve", "item", 1, None, {"status": "approved"})
    kept = json.loads(anchor_of(db_path).read_text("utf-8"))
    assert (kept["id"], kept["hash"]) == (ev.id, ev.hash) and kept["at"].startswith(f"{ev.at:%Y-%m-%d}")
    assert not list(db_path.parent.glob("*.tmp"))


def test_a_rolled_back_transaction_leaves_the_anchor_as_it_was(db, db_path):
    before = anchor_of(db_path).read_bytes()
    with pytest.raises(RuntimeError):
        with db.session() as s:
            audit.record(s, Actor(3, "孙主任"), "approve", "item", 1, None, None)
            raise RuntimeError("undo")
    assert anchor_of(db_path).read_bytes() == before
    with db.session() as s:
        assert audit.verify_chain(s) is None


def test_a_batch_writes_the_anchor_once(db, db_path, monkeypatch):
    writes = []
    real = audit.write_anchor
    monkeypatch.setattr(audit, "write_anchor", lambda p, h: (writes.append(h), real(p, h)))
    with db.session() as s:
        for i in range(200):
            audit.record(s, Actor(3, "孙主任"), "approve", "item", i, None, {"n": i})
        audit.record_many(s, Actor(3, "孙主任"), "create", "item", [(i, None, {"n": i}) for i in range(50)])
    assert len(writes) == 1
    assert json.loads(anchor_of(db_path).read_text("utf-8"))["id"] == writes[0].id


def test_cut_tail_with_its_in_file_head_is_caught(demo_copy):
    """The issue's case: the last events and the audit_head setting deleted from a copy of a
    demo database. The chain left is whole; the head beside the database names the cut."""
    ids = last_ids(demo_copy, 3)
    sql(demo_copy, f"DELETE FROM audit_event WHERE id >= {ids[0]}", "DELETE FROM setting WHERE key = 'audit_head'")
    broken = verify(demo_copy)
    assert broken is not None and broken.event_id == ids[-1] and "删除" in broken.reason
    assert cli.main(["audit", "verify", "--db", str(demo_copy)]) == 1


def test_cut_tail_with_the_in_file_head_moved_back_is_caught(demo_copy):
    """Cut, and the setting rewritten to name the new last event: only the file disagrees."""
    ids = last_ids(demo_copy, 3)
    con = sqlite3.connect(demo_copy)
    new_last = con.execute(f"SELECT id, hash FROM audit_event WHERE id < {ids[0]} ORDER BY id DESC LIMIT 1").fetchone()
    con.close()
    sql(demo_copy, f"DELETE FROM audit_event WHERE id >= {ids[0]}",
        f"UPDATE setting SET value = '{json.dumps({'id': new_last[0], 'hash': new_last[1]})}' WHERE key = 'audit_head'")
    broken = verify(demo_copy)
    assert broken is not None and broken.event_id == ids[-1] and audit.ANCHOR_SUFFIX in broken.reason


def test_the_in_file_head_deleted_alone_is_caught(demo_copy):
    sql(demo_copy, "DELETE FROM setting WHERE key = 'audit_head'")
    broken = verify(demo_copy)
    assert broken is not None and "audit_head" in broken.reason


@pytest.mark.parametrize("damage", ["delete", "garbage", "empty", "wrong id type"])
def test_a_missing_or_garbled_anchor_file_is_caught(demo_copy, damage):
    anchor = anchor_of(demo_copy)
    if damage == "delete":
        anchor.unlink()
    else:
        anchor.write_text({"garbage": "不是锚点{{", "empty": "", "wrong id type": '{"id": "7", "hash": "ab"}'}[damage])
    broken = verify(demo_copy)
    assert broken is not None and broken.event_id == 0 and anchor.name in broken.reason


def test_a_fresh_database_without_events_needs_no_anchor(data_dir):
    path = data_dir / "空.db"
    open_database(path, seed=False).close()
    assert not anchor_of(path).exists()
    assert verify(path) is None


def test_an_anchor_behind_the_database_is_not_a_break(demo_copy):
    """The file lags when a process dies between the commit and the write: its event is
    still in the chain, so nothing was lost."""
    old = anchor_of(demo_copy).read_bytes()
    db = open_database(demo_copy)
    with db.session() as s:
        audit.record(s, Actor(3, "孙主任"), "approve", "item", 9, None, None)
    db.close()
    anchor_of(demo_copy).write_bytes(old)
    assert verify(demo_copy) is None


def test_upgrading_an_older_desk_anchors_it(db, db_path):
    """A desk from before 0008_audit_anchor has no file: the upgrade writes it from its log."""
    from deskapp.core.store.migrate import upgrade

    with db.session() as s:
        audit.record(s, Actor(3, "孙主任"), "approve", "item", 1, None, None)
    anchor_of(db_path).unlink()
    downgrade_to(db, "0007_annual_report")  # really that schema: later tables gone too
    with pytest.raises(Exception, match="需要升级"):
        verify(db_path)  # an older schema cannot be verified read-only: no "old desk" case
    upgrade(db)
    with db.session() as s:
        assert audit.verify_chain(s) is None
        last = s.execute(text("SELECT id, hash FROM audit_event ORDER BY id DESC LIMIT 1")).first()
    assert json.loads(anchor_of(db_path).read_text("utf-8"))["id"] == last[0]


# --- what the chain proves alone, and what only an anchor printed earlier can --------------

def rewrite_chain(path: Path, from_id: int, edit: str) -> None:
    """The adversary who holds the files: edit events, then recompute every digest and link
    from ``from_id`` on and rewrite both heads, so that the chain is consistent again."""
    sql(path, edit)
    con = sqlite3.connect(path)
    with con:
        rows = con.execute("SELECT id, at, actor_id, actor_name, action, entity, entity_id, before, after, "
                           "prev_hash, hash FROM audit_event ORDER BY id").fetchall()
        prev = ""
        for r in rows:
            if r[0] >= from_id:
                at = r[1][:10] + "T" + r[1][11:]
                digest = audit._digest(at, r[2], r[3], r[4], r[5], r[6], r[7] or "null", r[8] or "null", prev)
                con.execute("UPDATE audit_event SET prev_hash = ?, hash = ? WHERE id = ?", (prev, digest, r[0]))
                prev = digest
            else:
                prev = r[10]
        last_id = rows[-1][0]
        con.execute("UPDATE setting SET value = ? WHERE key = 'audit_head'",
                    (json.dumps({"id": last_id, "hash": prev}),))
    con.close()
    audit.write_anchor(anchor_of(path), audit.Head(last_id, prev))


def printed(path: Path) -> tuple[int, str]:
    db = open_database(path, read_only=True)
    try:
        with db.session() as s:
            event_id, rest = audit.printed_anchor(s).split(" ")[1].split(":")
    finally:
        db.close()
    return int(event_id), rest


def test_a_consistent_rewrite_passes_verify_but_not_an_earlier_printed_anchor(demo_copy, capsys):
    """Every digest recomputed after an old event is changed, both heads rewritten: the
    chain alone cannot tell (it has no secret: anyone can recompute sha256), an anchor
    printed before the rewrite can — its event no longer has the printed digest."""
    anchor_id, anchor_hex = printed(demo_copy)
    first = last_ids(demo_copy, 10)[0]
    rewrite_chain(demo_copy, first, f"UPDATE audit_event SET actor_name = '钱分管' WHERE id = {first}")
    assert verify(demo_copy) is None
    assert cli.main(["audit", "verify", "--db", str(demo_copy)]) == 0
    capsys.readouterr()
    assert cli.main(["audit", "verify", "--anchor", f"{anchor_id}:{anchor_hex}", "--db", str(demo_copy)]) == 1
    assert f"编号 {anchor_id} " in capsys.readouterr().out


def test_a_cut_tail_with_both_heads_rewritten_is_caught_only_by_a_printed_anchor(demo_copy, capsys):
    anchor_id, anchor_hex = printed(demo_copy)
    ids = last_ids(demo_copy, 3)
    rewrite_chain(demo_copy, ids[0], f"DELETE FROM audit_event WHERE id >= {ids[0]}")
    assert verify(demo_copy) is None
    assert cli.main(["audit", "verify", "--anchor", f"{anchor_id}:{anchor_hex}", "--db", str(demo_copy)]) == 1
    assert "打印的审计锚点" in capsys.readouterr().out


def test_an_anchor_fixes_only_the_log_up_to_its_event(demo_copy):
    """What a printed anchor cannot prove: events written after it. Rewritten consistently,
    they pass an anchor printed before them; only a later anchor covers them."""
    early = printed(demo_copy)
    db = open_database(demo_copy)
    with db.session() as s:
        audit.record(s, Actor(3, "孙主任"), "approve", "item", 77, None, {"status": "approved"})
    db.close()
    late = printed(demo_copy)
    rewrite_chain(demo_copy, late[0], f"UPDATE audit_event SET entity_id = '78' WHERE id = {late[0]}")
    db = open_database(demo_copy, read_only=True)
    try:
        with db.session() as s:
            assert audit.verify_chain(s) is None
            assert audit.check_printed_anchor(s, *early) is None
            assert audit.check_printed_anchor(s, *late) is not None
    finally:
        db.close()


def test_an_anchor_that_cannot_be_written_does_not_undo_the_commit(db, db_path, monkeypatch, caplog):
    """A full disk or a read-only folder at the write: the change is saved, the anchor lags
    behind (its event is still in the chain: verify passes) and the log says why."""
    before = anchor_of(db_path).read_bytes()

    def refuse(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(audit.os, "replace", refuse)
    with db.session() as s:
        ev = audit.record(s, Actor(3, "孙主任"), "approve", "item", 5, None, {"status": "approved"})
    monkeypatch.undo()
    assert anchor_of(db_path).read_bytes() == before and "audit anchor" in caplog.text
    assert not list(db_path.parent.glob("*.tmp"))
    with db.session() as s:
        assert s.execute(text("SELECT hash FROM audit_event WHERE id = :id"), {"id": ev.id}).scalar() == ev.hash
        assert audit.verify_chain(s) is None


def test_a_copy_made_by_the_desk_can_be_anchored_from_itself(demo_copy, tmp_path):
    """anchor_database_file: for a backup copy (the online backup API copies the database,
    not the file beside it), the anchor is written from the copy's own audit_head."""
    copy = tmp_path / "备份.db"
    src, dst = sqlite3.connect(demo_copy), sqlite3.connect(copy)
    src.backup(dst)
    src.close()
    dst.close()
    assert verify(copy) is not None and "不见了" in verify(copy).reason
    head = audit.anchor_database_file(copy)
    assert head is not None and head.id == last_ids(demo_copy, 1)[0]
    assert verify(copy) is None
