"""Killing the desk in the middle of saving loses at most that save: a child process writes
items in a loop and is killed (SIGKILL on POSIX, TerminateProcess on Windows); the database
then passes SQLite's and FTS5's integrity checks, the audit chain holds, and every save the
child reported as done is there."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from deskapp.core.audit import chain as audit
from deskapp.core.desk import open_database
from deskapp.core.store.db import integrity_ok
from deskapp.core.store.models import Item

REPO = Path(__file__).resolve().parents[3]

WRITER = """
import datetime as dt, sys
from deskapp.core.audit.chain import Actor
from deskapp.core.desk import open_database
from deskapp.core.register.items import ItemData, create_item

db = open_database(sys.argv[1])
actor = Actor(None, "写入进程")
n = 0
while True:
    with db.session() as s:
        create_item(s, actor, ItemData(title=f"第{n}条 关于防汛工作的通知", formed_on=dt.date(2026, 9, 25),
                                       content="防汛正文" * 3000), today=dt.date(2026, 11, 26))
    n += 1
    print(n, flush=True)
"""


@pytest.mark.parametrize("kill_after", [5, 23])
def test_killing_a_writer_loses_at_most_the_save_in_progress(db_path, kill_after):
    open_database(db_path).close()
    child = subprocess.Popen([sys.executable, "-c", WRITER, str(db_path)], cwd=REPO,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    done = 0
    try:
        while done < kill_after:
            line = child.stdout.readline()
            assert line, child.stderr.read()
            done = int(line)
        time.sleep(0.01 * kill_after % 7)  # land somewhere inside the next save
    finally:
        child.kill()
        child.wait(timeout=30)
    done = max([done] + [int(x) for x in child.stdout.read().split()])

    assert integrity_ok(db_path)
    con = sqlite3.connect(db_path)
    try:
        con.execute("INSERT INTO item_fts(item_fts) VALUES('integrity-check')")  # raises if broken
    finally:
        con.close()
    db = open_database(db_path)
    try:
        with db.session() as s:
            saved = s.scalar(select(func.count()).select_from(Item))
            assert done <= saved <= done + 1  # every reported save; at most the one in flight
            assert audit.verify_chain(s) is None
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
    finally:
        db.close()
