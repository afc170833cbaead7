"""测试连接 against a real private PostgreSQL server: each failure a clerk can meet gets its
own Chinese sentence, within the timeout; and a desk opens a server address that carries no
password, its password coming from the kept store."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

from deskapp.core.desk import open_database
from deskapp.core.store.connection import ServerAddress, check_connection, classify
from deskapp.core.store.credentials import PasswordStore
from tests.postgres_support import PG_PASSWORD, PG_SUPERUSER, PgServer

pytestmark = pytest.mark.postgresql


def _address(server: PgServer, **changes: object) -> ServerAddress:
    fields: dict[str, object] = dict(host="127.0.0.1", port=server.port, database="postgres",
                                     user=PG_SUPERUSER, sslmode="prefer")
    fields.update(changes)
    return ServerAddress(**fields)  # type: ignore[arg-type]  # test fields by name


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_the_right_password_connects(pg_server: PgServer) -> None:
    result = check_connection(_address(pg_server), PG_PASSWORD, timeout=5)
    assert result.ok, result.message
    assert result.message.startswith("连接成功") and result.server_version


@pytest.mark.parametrize(("changes", "password", "kind", "words"), [
    ({}, "不对的密码", "password", "密码不对"),
    ({}, None, "password", "密码不对"),
    ({"user": "nobody_here"}, "x", "password", "密码不对"),
    ({"database": "没有这个库"}, PG_PASSWORD, "database", "没有数据库“没有这个库”"),
    ({"sslmode": "require"}, PG_PASSWORD, "ssl", "加密连接没有建立"),
    ({"sslmode": "verify-full"}, PG_PASSWORD, "ssl", "加密连接没有建立"),
])
def test_each_failure_has_its_own_sentence(pg_server: PgServer, changes: dict[str, object],
                                           password: str | None, kind: str, words: str) -> None:
    result = check_connection(_address(pg_server, **changes), password, timeout=5)
    assert (result.kind, words in result.message) == (kind, True), result.message
    if password:
        assert password not in result.message


def test_no_server_and_no_such_host() -> None:
    started = time.monotonic()
    refused = check_connection(ServerAddress("127.0.0.1", _closed_port()), "x", timeout=2)
    assert refused.kind == "no_server" and "连接不上服务器" in refused.message
    unknown = check_connection(ServerAddress("no-such-host.invalid"), "x", timeout=2)
    assert unknown.kind == "host" and "找不到服务器" in unknown.message
    assert time.monotonic() - started < 10


def test_a_silent_host_times_out(monkeypatch: pytest.MonkeyPatch) -> None:
    """A server that never answers (a dropped packet): the check gives up after the timeout."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))  # bound, never accepting and a backlog of 0: the probe connects,
    listener.listen(0)               # libpq then waits for a greeting that never comes
    try:
        started = time.monotonic()
        result = check_connection(ServerAddress("127.0.0.1", listener.getsockname()[1]), "x", timeout=1)
        assert result.kind == "no_server", result.message
        assert time.monotonic() - started < 8
    finally:
        listener.close()


def test_half_filled_form_is_refused_before_connecting() -> None:
    result = check_connection(ServerAddress(" ", 0, "", ""), None)
    assert result.kind == "other" and "服务器地址" in result.message


def test_classify_knows_a_chinese_server() -> None:
    assert classify(RuntimeError('致命错误:  用户 "x" Password 认证失败')) == "password"
    assert classify(RuntimeError('致命错误:  数据库 "x" 不存在')) == "database"
    assert classify(RuntimeError('FATAL: permission denied for database "d"')) == "not_allowed"
    assert classify(RuntimeError('root certificate file "/home/x/.postgresql/root.crt" does not exist')) == "ssl"
    assert classify(RuntimeError('no pg_hba.conf entry for host "10.0.0.9", user "u", database "d", '
                                 "no encryption")) == "ssl"
    assert classify(RuntimeError('no pg_hba.conf entry for host "10.0.0.9", user "u", database "d", '
                                 "SSL encryption")) == "not_allowed"


def test_the_address_round_trips_without_a_password() -> None:
    address = ServerAddress("db.jiedao.local", 5433, "街道台账", "clerk", "verify-full")
    url = address.url()
    assert ":" not in url.split("://", 1)[1].split("@", 1)[0]  # user only, no password
    assert ServerAddress.from_url(url) == address
    assert ServerAddress.from_url("/home/张三/desk.db") is None
    assert ServerAddress.from_url("sqlite:///x.db") is None


def test_a_desk_opens_a_server_whose_password_is_kept_apart(pg_server: PgServer) -> None:
    name = pg_server.new_database()
    try:
        address = _address(pg_server, database=name, sslmode="disable")
        url = address.url()
        with pytest.raises(Exception):  # noqa: B017,PT011  # no password kept yet: the server refuses
            open_database(url).close()
        PasswordStore().save(url, PG_PASSWORD)  # the default store: the (isolated) settings folder
        db = open_database(url)
        try:
            assert not db.is_sqlite
            assert PG_PASSWORD not in db.url
        finally:
            db.close()
    finally:
        pg_server.drop_database(name)


def test_the_default_store_is_beside_the_settings() -> None:
    store = PasswordStore()
    assert store.folder == Path(store.folder)
    assert "config" in str(store.folder)  # XDG_CONFIG_HOME of the isolated test home


def test_opening_a_desk_on_a_server_says_what_is_wrong(pg_server: PgServer) -> None:
    from deskapp.core.errors import DatabaseOpenError

    wrong = _address(pg_server, sslmode="disable").url()
    PasswordStore().save(wrong, "不对的密码")
    with pytest.raises(DatabaseOpenError) as refused:
        open_database(wrong)
    assert "密码不对" in refused.value.message and "不对的密码" not in refused.value.message
    missing = _address(pg_server, database="没有的库", sslmode="disable").url()
    PasswordStore().save(missing, PG_PASSWORD)
    with pytest.raises(DatabaseOpenError) as no_db:
        open_database(missing)
    assert "没有数据库“没有的库”" in no_db.value.message


def test_a_server_database_the_desk_may_not_set_up_is_named_not_called_damaged(pg_server: PgServer) -> None:
    """A role with table rights only (PostgreSQL 15: no CREATE on schema public) on a database
    nobody initialised: the desk says to run server init, and shows no password."""
    from deskapp.core.errors import DatabaseOpenError

    name = pg_server.new_database()
    try:
        pg_server.admin("DROP ROLE IF EXISTS desk_clerk")
        pg_server.admin("CREATE ROLE desk_clerk LOGIN PASSWORD 'Clerk-Pass-1'")
        url = f"postgresql+psycopg://desk_clerk:Clerk-Pass-1@127.0.0.1:{pg_server.port}/{name}?sslmode=disable"
        with pytest.raises(DatabaseOpenError) as refused:
            open_database(url)
        message = refused.value.message
        assert "deskapp server init" in message and f"“{name}”" in message
        assert "Clerk-Pass-1" not in message and "文件已损坏" not in message
    finally:
        pg_server.drop_database(name)
        pg_server.admin("DROP ROLE IF EXISTS desk_clerk")


def test_the_command_line_uses_the_kept_password(pg_server: PgServer, capsys: pytest.CaptureFixture[str]) -> None:
    """`deskapp --db postgresql+psycopg://user@host/db items` with no password in the URL:
    the one kept for that server (as the window's 设置 → 数据库位置 keeps it) is used."""
    from deskapp import cli

    name = pg_server.new_database(template=pg_server.seeded_template())
    try:
        url = _address(pg_server, database=name, sslmode="disable").url()
        assert cli.main(["items", "--db", url, "--json"]) == 2  # nothing kept yet: refused, one line
        assert "密码不对" in capsys.readouterr().err
        PasswordStore().save(url, PG_PASSWORD)
        assert cli.main(["items", "--db", url, "--json"]) == 0
        assert capsys.readouterr().out.strip().startswith("[")
    finally:
        pg_server.drop_database(name)
