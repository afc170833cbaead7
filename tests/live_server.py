"""A private PostgreSQL server a test may stop and start again (the session's shared server
must never go down under other tests): for the lost-connection banner and errors."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.postgres_support import PgServer, start_server


def server_options(server: PgServer) -> str:
    return (f"-p {server.port} -k {server.socket_dir} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")


def pause(server: PgServer) -> None:
    """Stop the server now (connections are cut), keeping its data."""
    server._run("pg_ctl", "stop", "-D", str(server.data_dir), "-m", "fast", "-w")


def resume(server: PgServer) -> None:
    server._run("pg_ctl", "start", "-D", str(server.data_dir), "-w", "-t", "60",
                "-l", str(server.root / "server.log"), "-o", server_options(server))


@pytest.fixture(name="private_pg")
def private_pg_fixture() -> Iterator[PgServer]:
    """A server of this test's own, stopped and removed afterwards."""
    server = start_server()
    try:
        yield server
    finally:
        server.stop()
