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
