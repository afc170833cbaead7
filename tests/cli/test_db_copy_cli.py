"""deskapp db copy: the command line's copy, its progress line on stderr, its refusal of a
target that holds desk data, and its JSON report."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from deskapp import cli
from deskapp.core.demo.generate import generate
from deskapp.core.desk import open_database

TODAY = dt.date(2026, 11, 26)


def _demo(path: Path, items: int) -> None:
    db = open_database(path)
    try:
        generate(db, items, year=2026, today=TODAY)
    finally:
        db.close()


def test_copy_to_a_new_file_then_refuse_then_force(data_dir: Path, capsysbinary) -> None:
    source, target = data_dir / "街道.db", data_dir / "副本" / "台账 副本.db"
    target.parent.mkdir()
    _demo(source, 20)
    assert cli.main(["db", "copy", "--from", str(source), "--to", str(target)]) == 0
    out, err = (part.decode("utf-8") for part in capsysbinary.readouterr())
    assert "各表行数与源数据库一致" in out and "操作记录校验通过" in out
    assert "100%" in err  # the progress line

    assert cli.main(["db", "copy", "--from", str(source), "--to", str(target)]) == 2
    out, err = (part.decode("utf-8") for part in capsysbinary.readouterr())
    assert "已有台账数据" in err and "--force" in err

    assert cli.main(["db", "copy", "--from", str(source), "--to", str(target), "--force", "--json"]) == 0
    report = json.loads(capsysbinary.readouterr().out.decode("utf-8"))
    assert report["ok"] and report["audit_ok"] and report["rows"] > 20
    assert all(t["source"] == t["target"] for t in report["tables"])
    assert {t["name"] for t in report["tables"]} >= {"item", "audit_event", "info_request"}
    assert cli.main(["--db", str(target), "audit", "verify"]) == 0


def test_the_source_defaults_to_db(data_dir: Path, capsysbinary, monkeypatch) -> None:
    source, target = data_dir / "街道.db", data_dir / "备份.db"
    _demo(source, 3)
    monkeypatch.setenv("DESKAPP_DB", str(source))
    assert cli.main(["db", "copy", "--to", str(target)]) == 0
    assert "各表行数与源数据库一致" in capsysbinary.readouterr().out.decode("utf-8")


def test_a_server_that_does_not_answer_is_one_chinese_line(data_dir: Path, capsysbinary) -> None:
    source = data_dir / "街道.db"
    _demo(source, 1)
    code = cli.main(["db", "copy", "--from", str(source),
                     "--to", "postgresql+psycopg://nobody@127.0.0.1:1/desk?connect_timeout=2"])
    assert code == 2
    err = capsysbinary.readouterr().err.decode("utf-8")
    assert "连接不上" in err and "Traceback" not in err
