"""The server password is kept apart from the address: in a keyring when one works, else in
a 0600 file; a keyring that fails falls back cleanly; logs and URLs never show it."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import KeyringError, PasswordDeleteError

from deskapp.core.store import credentials
from deskapp.core.store.credentials import (
    FILE_NAME,
    PasswordStore,
    account_key,
    mask_secrets,
    server_connect_args,
    split_password,
)
from deskapp.logs import MaskingFormatter

URL = "postgresql+psycopg://deskapp@db.jiedao.local:5433/deskapp?sslmode=require"
SECRET = "Jd-口令-2026!"


class DictKeyring(KeyringBackend):
    """A working keyring held in memory."""

    priority = 5

    def __init__(self) -> None:
        super().__init__()
        self.kept: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.kept.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.kept[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.kept.pop((service, username), None) is None:
            raise PasswordDeleteError("not there")


class BrokenKeyring(DictKeyring):
    """A keyring that is there but refuses everything (locked, D-Bus gone)."""

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringError("locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise RuntimeError("D-Bus went away")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_address_and_the_password_come_apart() -> None:
    bare, password = split_password("postgresql+psycopg://clerk:p%40ss@10.0.0.5:5432/deskapp")
    assert password == "p@ss"
    assert bare == "postgresql+psycopg://clerk@10.0.0.5:5432/deskapp"
    assert split_password(URL) == (URL, None)
    assert account_key(URL) == "deskapp@db.jiedao.local:5433"
    assert account_key("postgresql+psycopg://u@/d?host=/run/pg&port=6000") == "u@/run/pg:6000"


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_without_a_keyring_the_password_goes_to_a_0600_file(tmp_path: Path) -> None:
    store = PasswordStore(tmp_path / "config", keyring_backend=None)
    where = store.save(URL, SECRET)
    assert str(store.file) in where and "只有您本人可读" in where
    assert _mode(store.file) == 0o600
    assert store.get(URL) == SECRET
    assert [p.name for p in store.folder.iterdir()] == [FILE_NAME]  # no temp file left
    os.chmod(store.file, 0o644)  # someone widened it
    assert PasswordStore(store.folder, keyring_backend=None).get(URL) == SECRET
    assert _mode(store.file) == 0o600
    store.forget(URL)
    assert store.get(URL) is None


def test_a_working_keyring_keeps_it_and_the_file_keeps_no_copy(tmp_path: Path) -> None:
    PasswordStore(tmp_path, keyring_backend=None).save(URL, "old one")  # kept in the file before
    ring = DictKeyring()
    store = PasswordStore(tmp_path, keyring_backend=ring)
    assert "密钥环" in store.save(URL, SECRET)
    assert ring.kept == {(credentials.KEYRING_SERVICE, account_key(URL)): SECRET}
    assert SECRET not in store.file.read_text("utf-8") and "old one" not in store.file.read_text("utf-8")
    assert store.get(URL) == SECRET
    store.forget(URL)
    assert not ring.kept
    store.forget(URL)  # twice: nothing to forget is no error


def test_a_keyring_that_raises_falls_back_to_the_file(tmp_path: Path) -> None:
    store = PasswordStore(tmp_path, keyring_backend=BrokenKeyring())
    where = store.save(URL, SECRET)
    assert str(store.file) in where
    assert PasswordStore(tmp_path, keyring_backend=BrokenKeyring()).get(URL) == SECRET  # read refused: file


def test_only_a_real_keyring_counts_as_usable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keyring, "get_keyring", lambda: DictKeyring())
    assert isinstance(credentials._usable_keyring(), DictKeyring)

    class PlaintextKeyring(DictKeyring):
        pass

    monkeypatch.setattr(keyring, "get_keyring", lambda: PlaintextKeyring())
    assert credentials._usable_keyring() is None  # a file in clear text is no keyring

    def explode() -> None:
        raise RuntimeError("no D-Bus session")

    monkeypatch.setattr(keyring, "get_keyring", explode)
    assert credentials._usable_keyring() is None
    from keyring.backends import fail

    monkeypatch.setattr(keyring, "get_keyring", lambda: fail.Keyring())
    assert credentials._usable_keyring() is None


def test_the_engine_gets_the_kept_password_as_a_connect_argument(tmp_path: Path) -> None:
    store = PasswordStore(tmp_path, keyring_backend=None)
    assert server_connect_args(URL, store) == {"connect_timeout": credentials.CONNECT_TIMEOUT_SECONDS}
    store.save(URL, SECRET)
    assert server_connect_args(URL, store)["password"] == SECRET
    assert server_connect_args(str(tmp_path / "desk.db"), store) == {}
    assert server_connect_args("sqlite:///x.db", store) == {}


def test_masking_hides_url_keyword_and_known_passwords() -> None:
    credentials.remember_secret(SECRET)
    text = ("opening postgresql+psycopg://clerk:hunter22@10.0.0.5/deskapp and "
            f"host=x password={SECRET} and then {SECRET} alone; dsn password='abc123'")
    masked = mask_secrets(text)
    for secret in ("hunter22", SECRET, "abc123"):
        assert secret not in masked
    assert "postgresql+psycopg://clerk:******@10.0.0.5/deskapp" in masked
    assert mask_secrets("数据库：D:/台账/desk.db；时间 12:30") == "数据库：D:/台账/desk.db；时间 12:30"


def test_the_log_file_never_shows_a_password(tmp_path: Path) -> None:
    credentials.remember_secret(SECRET)
    path = tmp_path / "deskapp.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(MaskingFormatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("deskapp.test_credentials")
    logger.addHandler(handler)
    try:
        logger.warning("connecting to %s", "postgresql+psycopg://deskapp:hunter22@db/deskapp")
        try:
            raise RuntimeError(f"driver said: password={SECRET}")
        except RuntimeError:
            logger.exception("failed with %s", SECRET)
    finally:
        logger.removeHandler(handler)
        handler.close()
    written = path.read_text("utf-8")
    assert "hunter22" not in written and SECRET not in written
    assert "******" in written and "RuntimeError" in written


def test_setup_logging_masks(monkeypatch: pytest.MonkeyPatch) -> None:
    from deskapp import logs

    monkeypatch.setattr(logs, "_configured", False)
    root = logging.getLogger()
    before = list(root.handlers)
    logs.setup_logging(console=False)
    added = [h for h in root.handlers if h not in before]
    try:
        assert added and all(isinstance(h.formatter, MaskingFormatter) for h in added)
    finally:
        for h in added:
            root.removeHandler(h)
            h.close()
