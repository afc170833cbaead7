"""deskapp demo / items / calendar due / --version: exit codes, JSON, Chinese messages, and
bad --db targets refused with the file untouched."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from deskapp import __version__, cli
from deskapp.commands import demo as demo_cmd
from deskapp.commands import items as items_cmd
from deskapp.core.demo import generate as demo
from deskapp.core.desk import open_database
from deskapp.core.register.query import ItemFilter, Register
from deskapp.core.store.vocab import KINDS

TODAY = dt.date(2026, 11, 26)
JSON_KEYS = {"id", "index_no", "title", "doc_no", "kind", "category", "department", "attribute",
             "status", "formed_on", "due_on", "due_provisional", "overdue", "published_on",
             "notice_start", "notice_end", "posted_on", "removed_on"}
CHINESE = re.compile(r"[\u4e00-\u9fff]")
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    monkeypatch.setattr(demo_cmd, "today", lambda: TODAY)
    monkeypatch.setattr(items_cmd, "today", lambda: TODAY)


@pytest.fixture
def demo_path(data_dir, capsys) -> Path:
    path = data_dir / "演示 台账.db"
    assert cli.main(["demo", "--db", str(path), "--items", "300", "--seed", "5"]) == 0
    capsys.readouterr()
    return path


def one_chinese_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert CHINESE.search(lines[0]) and "Traceback" not in err
    return lines[0]


def items_json(capsys, *args: str) -> list[dict]:
    assert cli.main(["items", "--json", *args]) == 0
    out = capsys.readouterr().out
    return json.loads(out)


# --- demo ------------------------------------------------------------------------------------

def test_demo_creates_a_database_and_says_what_it_made(data_dir, capsys):
    path = data_dir / "新 台账.db"
    assert cli.main(["demo", "--db", str(path), "--items", "120"]) == 0
    out = capsys.readouterr().out
    assert "已生成演示数据 120 条（2026年，种子 1）" in out and "超期" in out
    db = open_database(path)
    try:
        with db.session() as s:
            assert Register(db, TODAY).counts(s, ItemFilter())[0] >= 120
    finally:
        db.close()


def test_demo_refuses_a_database_with_items_unless_forced(demo_path, capsys):
    before = items_json(capsys, "--db", str(demo_path))
    assert cli.main(["demo", "--db", str(demo_path), "--items", "50", "--seed", "9"]) == 2
    line = one_chinese_line(capsys.readouterr().err)
    assert re.search(r"已有 \d+ 条信息", line) and "--force" in line
    assert items_json(capsys, "--db", str(demo_path)) == before
    assert cli.main(["demo", "--db", str(demo_path), "--items", "50", "--force"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"已删除原有演示数据 \d+ 条", out) and "已生成演示数据 50 条" in out
    assert 50 <= len(items_json(capsys, "--db", str(demo_path))) < len(before)


def test_demo_remove(demo_path, capsys):
    assert cli.main(["demo", "--remove", "--db", str(demo_path)]) == 0
    assert re.search(r"已删除演示数据 \d+ 条", capsys.readouterr().out)
    assert items_json(capsys, "--db", str(demo_path)) == []


def test_demo_progress_goes_to_stderr_for_big_runs(data_dir, capsys, monkeypatch):
    monkeypatch.setattr(demo_cmd, "PROGRESS_FROM", 100)
    monkeypatch.setattr(demo, "CHUNK", 100)
    assert cli.main(["demo", "--db", str(data_dir / "大.db"), "--items", "250"]) == 0
    captured = capsys.readouterr()
    assert "正在生成演示数据：250/250" in captured.err and "正在生成" not in captured.out


@pytest.mark.parametrize("args", [["--year", "3000"], ["--year", "abc"], ["--items", "x"]])
def test_demo_bad_arguments(data_dir, capsys, args):
    path = data_dir / "坏.db"
    with pytest.raises(SystemExit) as stop:
        code = cli.main(["demo", "--db", str(path), *args])
        raise SystemExit(code)
    assert stop.value.code == 2
    one_chinese_line(capsys.readouterr().err)


# --- items ------------------------------------------------------------------------------------

def test_items_json_keys_iso_dates_and_chinese_unescaped(demo_path, capsys):
    assert cli.main(["items", "--json", "--db", str(demo_path)]) == 0
    out = capsys.readouterr().out
    assert "\\u" not in out and "公示" in out
    rows = json.loads(out)
    assert len(rows) >= 300
    for row in rows:
        assert JSON_KEYS <= set(row)
        for key in ("formed_on", "due_on", "published_on", "notice_start", "removed_on"):
            assert row[key] is None or dt.date.fromisoformat(row[key])
        assert row["status"] in {"draft", "in_review", "returned", "approved", "published", "withdrawn"}
        assert row["attribute"] in {"active", "on_request", "withheld"}
        assert isinstance(row["overdue"], bool) and isinstance(row["due_provisional"], bool)


def test_items_table_has_chinese_headers_and_the_count_line(demo_path, capsys):
    assert cli.main(["items", "--db", str(demo_path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split()[:4] == ["索引号", "标题", "类别", "科室"]
    db = open_database(demo_path)
    try:
        with db.session() as s:
            total, late = Register(db, TODAY).counts(s, ItemFilter())
    finally:
        db.close()
    assert out[-1] == f"共 {total} 条，超期 {late} 条" and late > 0
    assert len(out) == total + 3
    kind_column = items_cmd.COLUMNS[0][1] + 2 + items_cmd.COLUMNS[1][1] + 2
    for line in out[:1] + out[2:-1]:  # every row's 类别 starts in the same terminal column
        assert at_column(line, kind_column).split()[0] in KINDS + ["类别"], line


def at_column(line: str, column: int) -> str:
    """What is printed from terminal column ``column`` on (CJK characters are two wide)."""
    used = 0
    for n, char in enumerate(line):
        if used == column:
            return line[n:]
        used += items_cmd.width(char)
    return ""


def test_items_filters(demo_path, capsys):
    everything = items_json(capsys, "--db", str(demo_path))
    by_code = items_json(capsys, "--db", str(demo_path), "--status", "published")
    by_label = items_json(capsys, "--db", str(demo_path), "--status", "已发布")
    assert by_code == by_label == [r for r in everything if r["status"] == "published"]
    q3 = items_json(capsys, "--db", str(demo_path), "--quarter", "2026q3")
    assert q3 and all("2026-07-01" <= r["formed_on"] <= "2026-09-30" for r in q3)
    assert len(q3) == sum("2026-07-01" <= r["formed_on"] <= "2026-09-30" for r in everything)
    late = items_json(capsys, "--db", str(demo_path), "--overdue")
    assert late and late == [r for r in everything if r["overdue"]]
    soon = items_json(capsys, "--db", str(demo_path), "--due-soon")
    assert soon and all(r["due_soon"] for r in soon)
    assert items_json(capsys, "--db", str(demo_path), "--year", "2025") == []
    found = items_json(capsys, "--db", str(demo_path), "--search", "公示", "--kind", "公告公示")
    assert found and all(r["kind"] == "公告公示" for r in found)


@pytest.mark.parametrize("args, words", [
    (["--status", "done"], "状态"),
    (["--quarter", "2026Q5"], "季度"),
    (["--quarter", "Q3"], "季度"),
    (["--year", "2025", "--quarter", "2026Q1"], "不一致"),
    (["--kind", "通知"], "类别"),
])
def test_items_bad_filters_exit_2_with_one_chinese_line(demo_path, capsys, args, words):
    assert cli.main(["items", "--db", str(demo_path), *args]) == 2
    captured = capsys.readouterr()
    assert words in one_chinese_line(captured.err) and captured.out == ""


def test_db_before_or_after_the_sub_command_and_from_the_environment(demo_path, capsys, monkeypatch):
    after = items_json(capsys, "--db", str(demo_path))
    assert cli.main(["--db", str(demo_path), "items", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == after
    monkeypatch.setenv("DESKAPP_DB", str(demo_path))
    assert items_json(capsys) == after


def test_items_never_creates_a_missing_database(data_dir, capsys):
    missing = data_dir / "没有 这个.db"
    assert cli.main(["items", "--db", str(missing)]) == 2
    assert "不存在" in one_chinese_line(capsys.readouterr().err)
    assert not missing.exists()


def test_output_into_a_closed_pipe_is_quiet(demo_path, capsys, monkeypatch):
    def broken(*_a, **_k):
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(items_cmd, "_out", broken)
    assert cli.main(["items", "--db", str(demo_path)]) == 0
    assert capsys.readouterr().err == ""


# --- bad --db targets: refused, one Chinese line, the file untouched ---------------------------

def snapshot(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


def refused(capsys, target: Path, *command: str) -> str:
    code = cli.main([*command, "--db", str(target)])
    assert code == 2
    return one_chinese_line(capsys.readouterr().err)


@pytest.mark.parametrize("command", [["items"], ["demo"], ["calendar", "due", "2026-09-25"]])
def test_a_text_file_is_refused_untouched(data_dir, capsys, command):
    path = data_dir / "台账 说明.db"
    path.write_text("这不是数据库，是一份说明。\n" * 50, encoding="utf-8")
    before = snapshot(path)
    assert "不是台账数据库" in refused(capsys, path, *command)
    assert snapshot(path) == before
    assert sorted(p.name for p in data_dir.iterdir()) == [path.name]


def test_another_programs_sqlite_file_is_refused_untouched(data_dir, capsys):
    path = data_dir / "别的 程序.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE contacts (name TEXT, phone TEXT)")
    con.execute("INSERT INTO contacts VALUES ('张三', '13800138000')")
    con.commit()
    con.close()
    before = snapshot(path)
    assert "不是政务公开台账的数据库" in refused(capsys, path, "items")
    assert snapshot(path) == before  # not even switched to WAL


def test_a_damaged_database_is_refused_untouched(demo_path, capsys):
    data = bytearray(demo_path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # the schema page is garbage now
    demo_path.write_bytes(bytes(data))
    before = snapshot(demo_path)
    assert "无法打开数据库" in refused(capsys, demo_path, "items")
    assert snapshot(demo_path) == before


def test_a_folder_and_a_missing_folder(data_dir, capsys):
    assert "文件夹" in refused(capsys, data_dir, "items")
    assert "不存在" in refused(capsys, data_dir / "没有的文件夹" / "台账.db", "demo")
    assert not (data_dir / "没有的文件夹").exists()


def test_an_unreadable_file(demo_path, capsys, monkeypatch):
    from deskapp.core.store import db as dbmod

    def denied(*_a, **_k):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(dbmod, "open", denied, raising=False)
    before = snapshot(demo_path)
    assert "无法读取" in refused(capsys, demo_path, "items")
    assert snapshot(demo_path) == before


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_file_for_real(demo_path, capsys):
    demo_path.chmod(0)
    try:
        assert "无法读取" in refused(capsys, demo_path, "items")
    finally:
        demo_path.chmod(0o644)


# --- calendar due and --version --------------------------------------------------------------

def test_calendar_due_json_pins_the_law(db_path, capsys):
    assert cli.main(["calendar", "due", "2026-09-25", "--json", "--db", str(db_path)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["start"] == "2026-09-25" and data["days"] == 20 and data["due"] == "2026-10-29"
    assert data["provisional"] is False
    assert ["2026-10-01", "国庆节"] in data["skipped"]
    assert "2026-10-10" in data["makeup_workdays"]


def test_calendar_due_text_and_provisional(db_path, capsys):
    assert cli.main(["calendar", "due", "2026年12月20日", "--days", "10", "--db", str(db_path)]) == 0
    out = capsys.readouterr().out
    assert "暂按周一至周五计算" in out


@pytest.mark.parametrize("args", [["2026-13-01"], ["2026-09-25", "--days", "0"]])
def test_calendar_due_bad_input(db_path, capsys, args):
    assert cli.main(["calendar", "due", *args, "--db", str(db_path)]) == 2
    one_chinese_line(capsys.readouterr().err)


def test_version(capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out.strip() == f"政务公开台账 {__version__}"


# --- a real process --------------------------------------------------------------------------

def run_deskapp(*args: str, env_db: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONIOENCODING", "PYTHONUTF8")}
    env["LANG"] = env["LC_ALL"] = "C"  # a console that is not UTF-8
    if env_db is not None:
        env["DESKAPP_DB"] = str(env_db)
    return subprocess.run([sys.executable, "-m", "deskapp", *args], cwd=REPO, env=env,
                          capture_output=True, timeout=120)


def test_python_m_deskapp_in_a_real_process(demo_path, data_dir):
    done = run_deskapp("items", "--json", "--status", "已发布", env_db=demo_path)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    rows = json.loads(done.stdout.decode("utf-8"))
    assert rows and all(r["status"] == "published" for r in rows) and b"\\u" not in done.stdout
    table = run_deskapp("items", "--db", str(demo_path), "--overdue")
    assert table.returncode == 0 and "共 ".encode() in table.stdout
    text = data_dir / "说明.txt"
    text.write_bytes(b"plain text, not a database")
    bad = run_deskapp("items", "--db", str(text))
    assert bad.returncode == 2 and bad.stdout == b""
    err = bad.stderr.decode("utf-8")
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err and CHINESE.search(err)
    assert text.read_bytes() == b"plain text, not a database"
