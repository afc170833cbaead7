"""sslmode against a private server with SSL on (a self-signed certificate for 127.0.0.1):
require connects encrypted; verify-full refuses without the server's root certificate and
connects with it in ~/.postgresql/root.crt, as the settings dialog tells the clerk."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from deskapp.core.store.connection import ServerAddress, check_connection
from tests.postgres_support import PG_PASSWORD, PG_SUPERUSER, PgServer, start_server

pytestmark = pytest.mark.postgresql


def _certificate(folder: Path) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        if os.environ.get("CI"):
            pytest.fail("openssl is needed for the SSL connection tests", pytrace=False)
        pytest.skip("openssl not installed: SSL connection tests skipped")
    cert, key = folder / "server.crt", folder / "server.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True, timeout=60)
    return cert, key


@pytest.fixture(scope="module")
def ssl_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[PgServer, Path]]:
    server = start_server()
    try:
        cert, key = _certificate(tmp_path_factory.mktemp("ssl"))
        for source in (cert, key):
            target = server.data_dir / source.name
            shutil.copyfile(source, target)
            os.chmod(target, 0o600)
            if server.run_as is not None:
                info = pwd.getpwnam(server.run_as)
                os.chown(target, info.pw_uid, info.pw_gid)
        server.admin("ALTER SYSTEM SET ssl = on")
        server._run("pg_ctl", "reload", "-D", str(server.data_dir))
        yield server, cert
    finally:
        server.stop()


def _address(server: PgServer, sslmode: str) -> ServerAddress:
    return ServerAddress("127.0.0.1", server.port, "postgres", PG_SUPERUSER, sslmode)


def test_require_connects_encrypted(ssl_server: tuple[PgServer, Path]) -> None:
    server, _cert = ssl_server
    for _ in range(50):  # the reload takes a moment
        result = check_connection(_address(server, "require"), PG_PASSWORD, timeout=5)
        if result.ok:
            break
    assert result.ok, result.message


def test_verify_full_needs_the_root_certificate(ssl_server: tuple[PgServer, Path]) -> None:
    server, cert = ssl_server
    check_connection(_address(server, "require"), PG_PASSWORD, timeout=5)  # reloaded
    refused = check_connection(_address(server, "verify-full"), PG_PASSWORD, timeout=5)
    assert refused.kind == "ssl" and "加密连接没有建立" in refused.message
    root = Path(os.environ["HOME"]) / ".postgresql" / "root.crt"  # the isolated test home
    root.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(cert, root)
    verified = check_connection(_address(server, "verify-full"), PG_PASSWORD, timeout=5)
    assert verified.ok, verified.message
