"""deskapp audit verify: 0 when whole, 1 naming the first broken event, 2 when unreadable."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from deskapp import cli
from deskapp.core.audit import chain as audit
from deskapp.core.audit.chain import Actor


def fill(db, n=4):
    with db.session() as s:
        for i in range(n):
            audit.record(s, Actor(3, "孙主任"), "approve", "item", i, {"status": "in_review"},
                         {"status": "approved"})
    with db.session() as s:
        return [r[0] for r in s.execute(text("SELECT id FROM audit_event ORDER BY id"))]


@pytest.mark.both_backends  # the command on a server URL too
def test_verify_ok(db, capsys):
    fill(db)
    db.close()
    assert cli.main(["audit", "verify", "--db", db.url]) == 0
    assert "逐条校验通过" in capsys.readouterr().out


@pytest.mark.both_backends  # the command on a server URL too
def test_verify_names_edited_row(db, capsys):
    ids = fill(db)
    with db.session() as s:
        s.execute(text("UPDATE audit_event SET actor_name = '某人' WHERE id = :id"), {"id": ids[1]})
    db.close()
    assert cli.main(["audit", "verify", "--db", db.url]) == 1
    out = capsys.readouterr().out
    assert f"编号 {ids[1]} " in out and "某人" in out


@pytest.mark.both_backends  # the command on a server URL too
def test_verify_names_row_after_deleted_one_json(db, capsys):
    ids = fill(db)
    with db.session() as s:
        s.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": ids[1]})
    db.close()
    assert cli.main(["audit", "verify", "--json", "--db", db.url]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is False and data["broken_event_id"] == ids[2] and "前一条" in data["reason"]


def test_verify_unreadable_database_exits_2(tmp_path, capsys):
    bad = tmp_path / "不是 数据库.db"
    bad.write_bytes(b"hello, not sqlite at all")
    assert cli.main(["audit", "verify", "--db", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "不是台账数据库" in err and "Traceback" not in err


def test_verify_names_deleted_last_row(db, db_path, capsys):
    ids = fill(db)
    with db.session() as s:
        s.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": ids[-1]})
    db.close()
    assert cli.main(["audit", "verify", "--db", str(db_path)]) == 1
    out = capsys.readouterr().out
    assert f"编号 {ids[-1]} 的记录：" in out and "已被删除" in out and "（）" not in out


@pytest.mark.parametrize("sql", [
    "UPDATE audit_event SET at = 'garbage' WHERE id = :id",
    "UPDATE audit_event SET at = '' WHERE id = :id",
    "UPDATE audit_event SET at = 12.5 WHERE id = :id",
    "UPDATE audit_event SET at = X'FFFE00' WHERE id = :id",
    "UPDATE audit_event SET actor_name = CAST(X'FF41' AS TEXT) WHERE id = :id",
    "UPDATE audit_event SET actor_name = X'', action = 3.5, entity_id = NULL WHERE id = :id",
    "UPDATE audit_event SET actor_id = 'x', entity_id = 7 WHERE id = :id",
    "UPDATE audit_event SET before = '[[[[[[[[[[' || substr(hex(zeroblob(50000)), 1, 0) WHERE id = :id",
    "UPDATE audit_event SET before = (WITH RECURSIVE r(n, s) AS (SELECT 0, '' UNION ALL SELECT n + 1, s || '[' "
    "FROM r WHERE n < 100000) SELECT s FROM r ORDER BY n DESC LIMIT 1) WHERE id = :id",
    "UPDATE audit_event SET after = X'00FF' WHERE id = :id",
    "UPDATE audit_event SET prev_hash = 1e300, before = NULL WHERE id = :id",
    "UPDATE audit_event SET hash = 42 WHERE id = :id",
])
def test_garbage_in_an_event_is_tampering_not_a_crash(db, db_path, capsys, sql):
    """What a hand edit can put in a column (text for a time, NULLs, numbers, bytes that are
    not UTF-8, JSON nested past Python's recursion limit) names that event, exit 1."""
    ids = fill(db)
    with db.session() as s:
        s.execute(text(sql), {"id": ids[1]})
    db.close()
    assert cli.main(["audit", "verify", "--db", str(db_path)]) == 1
    captured = capsys.readouterr()
    assert f"编号 {ids[1]} " in captured.out or f"编号 {ids[1]} 的记录" in captured.out
    assert "程序内部错误" not in captured.err and "Traceback" not in captured.err


def test_garbage_head_setting_is_tampering_not_a_crash(db, db_path, capsys):
    fill(db)
    with db.session() as s:
        s.execute(text("UPDATE setting SET value = 'garbage' WHERE key = 'audit_head'"))
    db.close()
    assert cli.main(["audit", "verify", "--db", str(db_path)]) == 1
    assert "audit_head" in capsys.readouterr().out


def printed_anchor(db) -> str:
    with db.session() as s:
        event_id, digest = s.execute(text("SELECT id, hash FROM audit_event ORDER BY id DESC LIMIT 1")).first()
    return f"{event_id}:{digest[:12]}"


def test_verify_against_a_printed_anchor(db, db_path, capsys):
    fill(db)
    anchor = printed_anchor(db)
    db.close()
    assert cli.main(["audit", "verify", "--anchor", anchor, "--db", str(db_path)]) == 0
    assert anchor in capsys.readouterr().out
    event_id, digest = anchor.split(":")
    wrong = f"{event_id}:{'0' if digest[0] != '0' else '1'}{digest[1:]}"
    assert cli.main(["audit", "verify", "--anchor", wrong, "--json", "--db", str(db_path)]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["broken_event_id"] == int(event_id) and "打印的审计锚点" in data["reason"]
    assert cli.main(["audit", "verify", "--anchor", f"99999:{digest}", "--db", str(db_path)]) == 1


@pytest.mark.parametrize("bad", ["12", "12:abc", "x:0123456789ab", "12:0123456789ag", ":0123456789ab"])
def test_a_malformed_anchor_is_a_usage_error(db, db_path, capsys, bad):
    db.close()
    with pytest.raises(SystemExit) as exit_:
        cli.main(["audit", "verify", "--anchor", bad, "--db", str(db_path)])
    assert exit_.value.code == 2 and "审计锚点应写成" in capsys.readouterr().err


def test_verify_names_a_missing_anchor_file_without_an_event(db, db_path, capsys):
    fill(db)
    db.close()
    db_path.with_name(db_path.name + ".audit-head").unlink()
    assert cli.main(["audit", "verify", "--db", str(db_path)]) == 1
    out = capsys.readouterr().out
    assert "审计锚点文件" in out and "编号 0" not in out
