"""Faults the desk must survive: a process killed while it creates a database leaves either
no database or a whole one (never a half-made file refused for ever as 缺少版本信息)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from deskapp.core.desk import open_database
from deskapp.core.store.db import CREATING, clean_creation_leftovers, integrity_ok

REPO = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("kill_after", [0.05, 0.2, 0.35, 0.5, 0.65, 0.8, 0.95, 1.1, 1.3, 1.5])
def test_killed_while_creating_leaves_no_database_or_a_whole_one(data_dir: Path, kill_after: float) -> None:
    target = data_dir / "新 台账.db"
    child = subprocess.Popen([sys.executable, "-m", "deskapp.cli", "demo", "--items", "200", "--db", str(target)],
                             cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(kill_after)
    child.kill()
    child.wait(timeout=30)
    if target.exists():
        assert integrity_ok(target)
    db = open_database(target)  # never "缺少版本信息": it is whole or it is built now
    db.close()
    assert not list(data_dir.glob(f"*{CREATING}*")), "the killed creator's temp file is cleaned"


def test_a_leftover_temp_is_never_opened_and_is_cleaned(data_dir: Path) -> None:
    target = data_dir / "台账.db"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    leftover = data_dir / f"台账.db{CREATING}{dead}"
    leftover.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)  # a half-written file
    (data_dir / (leftover.name + "-journal")).write_bytes(b"x")
    mine = data_dir / f"台账.db{CREATING}{os.getpid()}-other"  # a live creator's: left alone
    mine.write_bytes(b"")
    db = open_database(target)
    db.close()
    assert not leftover.exists() and not (data_dir / (leftover.name + "-journal")).exists()
    assert mine.exists()
    assert clean_creation_leftovers(target) == []


# A child that saves an item holding personal data while the disk "fills" (SQLite's
# max_page_count gives the real SQLITE_FULL) and, second, while a forced failure with no
# known cause happens (a trigger aborts the insert): the CLI's own handler logs the latter.
SAVER = r"""
import datetime as dt, sys
from sqlalchemy import event
from deskapp import cli
from deskapp.logs import log_file, setup_logging
from deskapp.core.audit.chain import Actor
from deskapp.core.desk import open_database
from deskapp.core.errors import DiskFullError
from deskapp.core.register.items import ItemData, create_item

mode = sys.argv[2]
db = open_database(sys.argv[1])
def on_connect(dbapi_conn, _record):
    if mode == "full":
        pages = dbapi_conn.execute("PRAGMA page_count").fetchone()[0]
        dbapi_conn.execute(f"PRAGMA max_page_count={pages + 2}")
    else:
        dbapi_conn.execute("CREATE TEMP TRIGGER boom BEFORE INSERT ON item BEGIN SELECT RAISE(ABORT, 'forced'); END")
db.engine.dispose()
event.listen(db.engine, "connect", on_connect)
setup_logging(console=False)
def save(_args):
    with db.session() as s:
        create_item(s, Actor(None, "写入进程"), ItemData(
            title="关于王五 110105199003071239 的低保公示", formed_on=dt.date(2026, 9, 25),
            content="正文：李四 手机 13812345678 住址某某路" * 400), today=dt.date(2026, 11, 26))
    return 0
try:
    status = cli.run(save, None)
except Exception:
    cli.log.exception("command items failed")
    status = 99
print(status, log_file(), flush=True)
"""

SECRETS = ("110105199003071239", "13812345678", "低保公示", "住址某某路", "王五")


@pytest.mark.parametrize("mode", ["full", "forced"])
def test_a_failed_save_says_disk_full_and_logs_no_row_contents(db_path: Path, mode: str) -> None:
    open_database(db_path).close()
    done = subprocess.run([sys.executable, "-c", SAVER, str(db_path), mode], cwd=REPO,
                          capture_output=True, text=True, timeout=120, env=os.environ.copy())
    status, log_path = done.stdout.split(maxsplit=1)
    log_text = Path(log_path.strip()).read_text("utf-8") if Path(log_path.strip()).exists() else ""
    if mode == "full":
        assert status == "2"
        assert done.stderr.strip().startswith("磁盘空间不足")
        assert str(db_path.parent) in done.stderr and "\n" not in done.stderr.strip()
    else:
        assert status == "99" and "forced" in log_text  # the failure itself is logged ...
    for secret in SECRETS:  # ... but nothing of the row
        assert secret not in log_text
        assert secret not in done.stderr


def test_every_engine_hides_parameters_and_knows_a_full_disk_by_its_code(db_path: Path) -> None:
    import sqlite3

    from deskapp.core.store.db import is_disk_full_error, make_engine

    server_like = make_engine("sqlite:///:memory:")  # no file: built the way a server URL is
    for engine in (make_engine(str(db_path)), make_engine(str(db_path), read_only=True), server_like):
        assert engine.hide_parameters
        engine.dispose()

    class PgDiskFull(Exception):
        pgcode = "53100"

    full = sqlite3.OperationalError("anything at all")
    full.sqlite_errorcode = sqlite3.SQLITE_FULL
    other = sqlite3.OperationalError("database or disk is full")  # the text alone proves nothing
    other.sqlite_errorcode = sqlite3.SQLITE_BUSY
    assert is_disk_full_error(full) and is_disk_full_error(PgDiskFull())
    assert not is_disk_full_error(other) and not is_disk_full_error(None)
