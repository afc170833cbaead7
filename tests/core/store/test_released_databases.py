"""Every released schema still opens with this desk: migrated after a backup, nothing lost,
the audit chain intact (see tests/fixtures/released/README.md)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select

from deskapp.core.audit import chain as audit
from deskapp.core.desk import open_database
from deskapp.core.register.query import ItemFilter, Register
from deskapp.core.store.migrate import script_heads
from deskapp.core.store.models import Item

RELEASED = sorted((Path(__file__).resolve().parents[2] / "fixtures" / "released").glob("*.db"))


def _count_items(path: Path) -> int:
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT count(*) FROM item").fetchone()[0]
    finally:
        con.close()


def test_there_is_a_released_database():
    assert RELEASED


@pytest.mark.parametrize("fixture", RELEASED, ids=lambda p: p.name)
def test_a_released_database_opens_migrated_and_whole(fixture, data_dir):
    copy = data_dir / fixture.name
    shutil.copyfile(fixture, copy)
    items = _count_items(copy)
    db = open_database(copy)
    try:
        with db.engine.connect() as conn:
            versions = {r[0] for r in conn.exec_driver_sql("SELECT version_num FROM alembic_version")}
        assert versions == script_heads()
        with db.session() as s:
            assert s.scalar(select(func.count()).select_from(Item)) == items > 0
            assert audit.verify_chain(s) is None
            assert Register(db).counts(s, ItemFilter(search="街道"))[0] > 0  # search index works
    finally:
        db.close()
