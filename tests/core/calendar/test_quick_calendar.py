"""The quick calendar read (sqlite3 alone, for `deskapp calendar due`) answers exactly as the
full open does, and steps aside whenever the full open would do something first."""

from __future__ import annotations

import datetime as dt
import sqlite3
import subprocess
import sys

import pytest
from sqlalchemy import text

from deskapp import cli
from deskapp.core.calendar.workdays import WorkCalendar, quick_calendar
from deskapp.core.desk import open_database
from deskapp.core.store import migrate
from deskapp.core.store.quick import migration_heads, open_current


@pytest.fixture
def desk(db_path):
    """A current desk database on disk (created, migrated, seeded), closed again."""
    open_database(db_path).close()
    return db_path


def full_calendar(path) -> WorkCalendar:
    db = open_database(path)
    try:
        with db.session() as s:
            return WorkCalendar.load(s)
    finally:
        db.close()


def test_heads_read_from_the_files_are_alembic_s():
    assert migration_heads() == migrate.script_heads() and len(migration_heads()) == 1


def test_quick_read_equals_the_full_open(desk):
    quick = quick_calendar(str(desk))
    assert quick is not None
    assert quick == full_calendar(desk)
    assert quick.holidays[dt.date(2026, 10, 1)] == "国庆节" and dt.date(2026, 10, 10) in quick.makeup_workdays
    assert quick.due_date(dt.date(2026, 9, 25)) == full_calendar(desk).due_date(dt.date(2026, 9, 25))


def test_a_user_s_own_arrangement_is_read_too(desk):
    con = sqlite3.connect(desk)
    con.execute("INSERT INTO calendar_day (day, kind, name) VALUES ('2026-09-28', 'holiday', '街道自定假日')")
    con.commit()
    con.close()
    quick = quick_calendar(str(desk))
    assert quick is not None and quick.holidays[dt.date(2026, 9, 28)] == "街道自定假日"


def stamp(path, revision: str) -> None:
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = ?", (revision,))
    con.commit()
    con.close()


@pytest.mark.parametrize("revision", ["0006_requests", "9999_from_a_newer_desk"])
def test_another_schema_version_needs_the_full_open(desk, revision):
    stamp(desk, revision)
    assert open_current(str(desk)) is None and quick_calendar(str(desk)) is None


def test_a_missing_package_year_needs_the_full_open_which_adds_it(desk, capsys):
    """The full open adds the years the holiday package knows; the quick read must not count
    such a year Monday–Friday instead."""
    con = sqlite3.connect(desk)
    con.execute("DELETE FROM calendar_day WHERE day LIKE '2026-%'")
    con.execute("DELETE FROM calendar_year WHERE year = 2026")
    con.commit()
    con.close()
    assert quick_calendar(str(desk)) is None
    assert cli.main(["calendar", "due", "2026-09-25", "--db", str(desk)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("2026-10-29") and "暂按" not in out
    assert quick_calendar(str(desk)) is not None  # the full open put the year back


def test_what_is_not_a_current_sqlite_desk_is_left_to_the_full_open(data_dir, desk):
    (data_dir / "说明.db").write_text("不是数据库", encoding="utf-8")
    other = data_dir / "别的.sqlite"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE contacts (name TEXT)")
    con.commit()
    con.close()
    for target in [data_dir / "没有.db", data_dir / "说明.db", other, data_dir,
                   f"sqlite:///{desk}", ""]:
        assert quick_calendar(str(target)) is None, target


def test_a_garbled_day_falls_back_instead_of_crashing(desk):
    con = sqlite3.connect(desk)
    con.execute("INSERT INTO calendar_day (day, kind, name) VALUES ('不是日期', 'holiday', 'x')")
    con.commit()
    con.close()
    assert quick_calendar(str(desk)) is None


def test_the_quick_read_changes_nothing(desk):
    db = open_database(desk)
    with db.engine.connect() as conn:  # the desk keeps WAL mode: the read must work with it
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    db.close()
    before = desk.read_bytes()
    assert quick_calendar(str(desk)) is not None
    assert desk.read_bytes() == before


@pytest.mark.parametrize(("command", "due"), [(["calendar", "due", "2026-09-25"], "2026-10-29"),
                                              (["request", "due", "--received", "2026-09-25"], "2026-10-29")])
def test_counting_days_on_a_current_desk_loads_no_database_layer(desk, command, due):
    out = subprocess.run([sys.executable, "-X", "importtime", "-m", "deskapp.cli", *command, "--db", str(desk)],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.startswith(due), out.stderr[-500:]
    imported = {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in out.stderr.splitlines() if "|" in line}
    assert not imported & {"sqlalchemy", "alembic", "reportlab", "openpyxl"}
