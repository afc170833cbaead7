"""deskapp server init / add-user / passwd against the test PostgreSQL server, with real
roles: the desks' role reads and writes rows but any DDL is refused; a second init refuses."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import ProgrammingError

from deskapp import cli
from deskapp.core.accounts.signin import SignInError, sign_in
from deskapp.core.desk import open_database

pytestmark = pytest.mark.postgresql
PW = "管理员-口令1"


def _run(monkeypatch, capsys, argv: list[str], stdin: str) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    status = cli.main(argv)
    out, err = capsys.readouterr()
    return status, out, err


def test_init_makes_a_desk_role_with_table_rights_only_and_the_first_administrator(pg_url, monkeypatch, capsys):
    status, out, err = _run(monkeypatch, capsys, ["server", "init", "--db", pg_url, "--password-stdin",
                                                  "--name", "周管理", "--json"], PW + "\n")
    assert status == 0, err
    report = json.loads(out)
    assert report["role_created"] and report["desk_role"] == "deskapp_desk"
    desk_url = report["desk_url"]
    assert desk_url.startswith("postgresql+psycopg://deskapp_desk:")

    # The desk opens the database as its role and signs in as the administrator.
    desk = open_database(desk_url)
    try:
        account = sign_in(desk, "admin", PW)
        assert account.is_admin and account.person_name == "周管理"
        with pytest.raises(SignInError):
            sign_in(desk, "admin", "wrong-password")
    finally:
        desk.close()

    engine = create_engine(desk_url)
    try:
        with engine.begin() as conn:  # rows: yes
            assert conn.execute(text("SELECT count(*) FROM account")).scalar_one() == 1
            conn.execute(text("INSERT INTO department (name, kind, sort_order, active, is_demo) "
                              "VALUES ('测试科', 'office', 0, true, false)"))
        for ddl in ("CREATE TABLE intruder (id integer)", "DROP TABLE audit_event",
                    "ALTER TABLE account ADD COLUMN x integer", "TRUNCATE audit_event",
                    "CREATE INDEX ix_intruder ON account (role)", "CREATE SCHEMA intruder"):
            with pytest.raises(ProgrammingError, match="permission denied|must be owner"):
                with engine.begin() as conn:
                    conn.execute(text(ddl))
    finally:
        engine.dispose()

    # A table a later version's migration adds (made by the owner) is open to the desks at once.
    owner = create_engine(pg_url)
    desk_engine = create_engine(desk_url)
    try:
        with owner.begin() as conn:
            conn.execute(text("CREATE TABLE later_table (id serial PRIMARY KEY, note text)"))
        with desk_engine.begin() as conn:
            conn.execute(text("INSERT INTO later_table (note) VALUES ('ok')"))
            assert conn.execute(text("SELECT count(*) FROM later_table")).scalar_one() == 1
    finally:
        owner.dispose()
        desk_engine.dispose()

    # A second init refuses clearly and changes nothing.
    status, out, err = _run(monkeypatch, capsys, ["server", "init", "--db", pg_url, "--password-stdin"], PW + "\n")
    assert status == 2 and "已有管理员账户" in err


def test_add_user_and_passwd(pg_url, monkeypatch, capsys):
    assert _run(monkeypatch, capsys, ["server", "init", "--db", pg_url, "--password-stdin"], PW + "\n")[0] == 0
    db = open_database(pg_url)
    try:
        with db.session() as s:
            s.execute(text("INSERT INTO department (name, kind, sort_order, active, is_demo) "
                           "VALUES ('幸福社区', 'community', 0, true, false)"))
    finally:
        db.close()
    status, out, err = _run(monkeypatch, capsys, ["server", "add-user", "--db", pg_url, "--username", "xingfu",
                                                  "--name", "冯社工", "--role", "科室/社区经办",
                                                  "--department", "幸福社区", "--password-stdin"], "社区-口令1\n")
    assert status == 0, err
    assert "冯社工（幸福社区·科室/社区经办）" in out
    status, _, err = _run(monkeypatch, capsys, ["server", "add-user", "--db", pg_url, "--username", "x2",
                                                "--name", "某人", "--role", "desk", "--password-stdin"], "社区-口令1\n")
    assert status == 2 and "请为其选择科室" in err
    assert _run(monkeypatch, capsys, ["server", "passwd", "xingfu", "--db", pg_url, "--password-stdin"],
                "新的-口令2\n")[0] == 0
    db = open_database(pg_url)
    try:
        assert sign_in(db, "xingfu", "新的-口令2").scope().department_name == "幸福社区"
    finally:
        db.close()


def test_init_refuses_sqlite_and_a_missing_password(data_dir, monkeypatch, capsys):
    status, _, err = _run(monkeypatch, capsys, ["server", "init", "--db", str(data_dir / "d.db"),
                                                "--password-stdin"], PW + "\n")
    assert status == 2 and "只用于 PostgreSQL" in err
    status, _, err = _run(monkeypatch, capsys, ["server", "init", "--db", str(data_dir / "d.db")], "")
    assert status == 2 and "--password-stdin" in err
