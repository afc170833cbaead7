"""deskapp backup / restore, the backups made on their own (first open of the day, before an
import), and a process killed mid-backup or mid-restore: the database stays whole and usable."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from deskapp import cli
from deskapp.core.audit import chain as audit
from deskapp.core.desk import backup_desk, open_database
from deskapp.core.register.items import ItemData, create_item
from deskapp.core.store.backups import PART, list_backups, verify_backup
from deskapp.core.store.db import CREATING, integrity_ok
from deskapp.core.store.models import Item

REPO = Path(__file__).resolve().parents[2]


def add_items(db_path: Path, actor, n: int, title: str = "条目") -> None:
    db = open_database(db_path)
    try:
        with db.session() as s:
            for i in range(n):
                create_item(s, actor, ItemData(title=f"{title}{i}", formed_on=dt.date(2026, 9, 25),
                                               content="正文" * 200), today=dt.date(2026, 11, 26))
    finally:
        db.close()


def count_items(db_path: Path) -> int:
    db = open_database(db_path)
    try:
        with db.session() as s:
            assert audit.verify_chain(s) is None
            return int(s.scalar(select(func.count()).select_from(Item)) or 0)
    finally:
        db.close()


def test_backup_list_and_restore_from_the_command_line(db_path, actor, tmp_path, capsys):
    add_items(db_path, actor, 2)
    assert cli.main(["backup", "--db", str(db_path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("已备份到") and "校验通过" in out
    other = tmp_path / "U盘"
    assert cli.main(["backup", "--db", str(db_path), "--to", str(other)]) == 0
    capsys.readouterr()
    assert len(list_backups(other)) == 1
    assert cli.main(["backup", "--db", str(db_path), "--list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    manual = [b for b in listed if b["reason"] == "manual"]
    assert len(manual) == 1 and manual[0]["ok"]
    add_items(db_path, actor, 3, "后来")
    assert count_items(db_path) == 5
    assert cli.main(["restore", str(Path(manual[0]["file"]).parent), "--db", str(db_path)]) == 0
    assert "恢复台账并校验通过" in capsys.readouterr().out
    assert count_items(db_path) == 2
    assert cli.main(["backup", "--db", str(db_path), "--list"]) == 0
    text = capsys.readouterr().out
    assert "恢复前" in text and "手动" in text and "校验通过" in text


def test_restore_refused_while_the_desk_is_open_one_chinese_line(db_path, actor, capsys):
    add_items(db_path, actor, 1)
    db = open_database(db_path, take_lock=True)
    try:
        made = backup_desk(db, "manual")
        assert cli.main(["restore", str(made.db_file), "--db", str(db_path)]) == 2
        err = capsys.readouterr().err.strip()
        assert "无法恢复" in err and "\n" not in err
    finally:
        db.close()
    assert cli.main(["restore", str(db_path.parent / "没有.db"), "--db", str(db_path)]) == 2
    assert "找不到备份文件" in capsys.readouterr().err


def test_first_write_of_the_day_and_every_import_back_up(db_path, actor, tmp_path, capsys):
    add_items(db_path, actor, 1)
    backups_dir = db_path.parent / "backups" / db_path.stem
    assert list_backups(backups_dir) == []
    assert cli.main(["items", "--db", str(db_path)]) == 0
    assert [b.reason for b in list_backups(backups_dir)] == ["daily"]
    wb = openpyxl.Workbook()
    wb.active.append(["标题", "成文日期"])
    wb.active.append(["导入的一条", "2026-9-1"])
    wb.save(tmp_path / "台账.xlsx")
    assert cli.main(["import", str(tmp_path / "台账.xlsx"), "--db", str(db_path)]) == 0
    reasons = [b.reason for b in list_backups(backups_dir)]
    assert reasons.count("daily") == 1 and reasons.count("before-import") == 1
    before = next(b for b in list_backups(backups_dir) if b.reason == "before-import")
    con = sqlite3.connect(before.db_file)
    assert con.execute("SELECT count(*) FROM item").fetchone()[0] == 1  # taken before the import
    con.close()


BACKER = """
import sys
from deskapp.core.desk import backup_desk, open_database
db = open_database(sys.argv[1])
while True:
    backup_desk(db, "manual")
    print("made", flush=True)
"""

RESTORER = """
import sys
from pathlib import Path
from deskapp.core.desk import restore_desk
files = [Path(a) for a in sys.argv[2:]]
n = 0
while True:
    restore_desk(sys.argv[1], files[n % 2])
    n += 1
    print("restored", flush=True)
"""


def _kill_after(script: str, args: list[str], seconds: float) -> None:
    child = subprocess.Popen([sys.executable, "-c", script, *args], cwd=REPO,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(seconds)
    child.kill()
    child.wait(timeout=30)
    assert child.returncode != 0 or not child.stderr.read()


@pytest.fixture
def big_desk(db_path, actor) -> Path:
    add_items(db_path, actor, 300)
    return db_path


@pytest.mark.parametrize("kill_after", [0.4, 0.9, 1.4, 2.0])
def test_killed_mid_backup_the_desk_is_whole_and_no_half_set_is_listed(big_desk, kill_after):
    _kill_after(BACKER, [str(big_desk)], kill_after)
    assert integrity_ok(big_desk) and count_items(big_desk) == 300
    for b in list_backups(big_desk.parent / "backups" / big_desk.stem):
        assert verify_backup(b.db_file) == "", b.db_file  # every listed set is whole
    db = open_database(big_desk)
    try:
        assert backup_desk(db, "manual").problem == ""  # and the next backup works, tidying up
    finally:
        db.close()
    assert not list((big_desk.parent / "backups" / big_desk.stem).glob(f"*{PART}"))


@pytest.mark.parametrize("kill_after", [0.5, 1.0, 1.5, 2.2, 3.0])
def test_killed_mid_restore_the_desk_is_whole_and_usable(big_desk, actor, kill_after):
    db = open_database(big_desk)
    first = backup_desk(db, "manual")
    db.close()
    add_items(big_desk, actor, 50, "后来")
    db = open_database(big_desk)
    second = backup_desk(db, "manual")
    db.close()
    _kill_after(RESTORER, [str(big_desk), str(first.db_file), str(second.db_file)], kill_after)
    assert integrity_ok(big_desk)
    assert count_items(big_desk) in (300, 350)  # the one before or the one after, never a mix
    add_items(big_desk, actor, 1, "恢复后")  # usable
    assert not list(big_desk.parent.glob(f"*{CREATING}*"))  # the killed restorer's temp is gone


def test_a_full_disk_on_any_file_write_says_so_and_where(tmp_path, capsys):
    import errno

    target = tmp_path / "输出" / "统计.xlsx"

    def writes(_args) -> int:
        raise OSError(errno.ENOSPC, "No space left on device", str(target))

    assert cli.run(writes, None) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("磁盘空间不足") and str(target.parent) in err and "\n" not in err
