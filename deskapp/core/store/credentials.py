"""The database server's password: kept apart from the address, never in plain text in the
settings, a URL that is stored, the log or a crash report.

Where it is kept: the operating system's keyring (``keyring``: Windows Credential Manager,
the Secret Service of UOS/Kylin's desktop, macOS Keychain) when a usable one answers;
otherwise a file readable by this user only (mode 0600) beside the desk's settings,
``server-passwords.json``. The address the desk remembers (QSettings ``database/target``)
never has a password; :func:`server_connect_args` fetches it when an engine is made and
hands it to the driver as a connect argument.

Every password handled here is also remembered for :func:`mask_secrets`, which the log
formatter and the crash report pass their text through.
"""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
from pathlib import Path
from typing import Any, Protocol

import platformdirs

from deskapp import APP_ID

log = logging.getLogger(__name__)

KEYRING_SERVICE = f"{APP_ID}-database"
FILE_NAME = "server-passwords.json"
CONNECT_TIMEOUT_SECONDS = 10  # a server that does not answer is told, not waited for forever
MASK = "******"

_KNOWN_SECRETS: set[str] = set()
_URL_PASSWORD = re.compile(r"(?P<head>\b[a-zA-Z][\w+.-]*://[^:/@\s\"']*:)(?P<pw>[^@\s\"']*)(?P<at>@)")
_KEYWORD_PASSWORD = re.compile(r"(?i)(?P<head>\bpassword\s*[=:]\s*['\"]?)(?P<pw>[^\s'\",;&]+)")


class KeyringLike(Protocol):
    """What the desk uses of a ``keyring`` backend (tests pass their own)."""

    def get_password(self, service: str, username: str) -> str | None: ...

    def set_password(self, service: str, username: str, password: str) -> None: ...

    def delete_password(self, service: str, username: str) -> None: ...


def settings_dir() -> Path:
    """The folder of the desk's settings (where QSettings keeps ``deskapp.conf`` on Linux)."""
    return platformdirs.user_config_path(APP_ID, appauthor=False)


def remember_secret(password: str | None) -> None:
    """A password that :func:`mask_secrets` will hide wherever it appears."""
    if password and len(password) >= 3:  # shorter would mask ordinary text; such a password is no secret anyway
        _KNOWN_SECRETS.add(password)


def mask_secrets(text: str) -> str:
    """``text`` with the password of every URL (``scheme://user:pw@``), every
    ``password=…`` and every password this process has handled replaced by ******."""
    text = _URL_PASSWORD.sub(lambda m: m["head"] + MASK + m["at"], text)
    text = _KEYWORD_PASSWORD.sub(lambda m: m["head"] + MASK, text)
    for secret in sorted(_KNOWN_SECRETS, key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text


def _url(target: str) -> Any:
    from sqlalchemy.engine import make_url  # late: this module is imported by the log set-up

    return make_url(target)


def is_server_url(target: str) -> bool:
    return "://" in target and _url(target).get_backend_name() == "postgresql"


def split_password(target: str) -> tuple[str, str | None]:
    """The address without its password, and the password it carried (if any)."""
    url = _url(target)
    password = url.password
    if password is None:
        return target, None
    return url._replace(password=None).render_as_string(hide_password=False), str(password)


def account_key(target: str) -> str:
    """Which password: ``user@host:port`` (a server's role has one password for all its
    databases). A unix-socket address names its folder as the host."""
    url = _url(target)
    host = url.host or url.query.get("host") or "localhost"
    if isinstance(host, tuple):
        host = host[0]
    port = url.port or url.query.get("port") or 5432
    if isinstance(port, tuple):
        port = port[0]
    return f"{url.username or ''}@{host}:{port}"


def _usable_keyring() -> KeyringLike | None:
    """The OS keyring, or None when there is none that keeps secrets safely (no Secret
    Service on a bare desktop, keyring's "fail" backend, or a plaintext file backend)."""
    try:
        import keyring
        from keyring.backends import fail

        backend = keyring.get_keyring()
        if isinstance(backend, fail.Keyring) or float(backend.priority) < 1:
            return None
    except Exception as exc:  # noqa: BLE001  # any backend may fail on load (D-Bus, locked store): then none
        log.info("no usable keyring: %s", type(exc).__name__)
        return None
    name = f"{type(backend).__module__}.{type(backend).__name__}".lower()
    if "plaintext" in name or "null" in name:
        return None
    return backend


_AUTO = object()


class PasswordStore:
    """Server passwords by :func:`account_key`: in the keyring when usable, else in the
    0600 file in ``folder`` (the settings folder by default)."""

    def __init__(self, folder: Path | None = None, keyring_backend: Any = _AUTO):
        self.folder = folder if folder is not None else settings_dir()
        self._backend: KeyringLike | None = (
            _usable_keyring() if keyring_backend is _AUTO else keyring_backend)

    @property
    def file(self) -> Path:
        return self.folder / FILE_NAME

    @property
    def uses_keyring(self) -> bool:
        return self._backend is not None

    def where(self) -> str:
        """Where a password saved now is kept, in a sentence for the dialog."""
        if self._backend is not None:
            return "密码保存在本机系统的密钥环（钥匙串/凭据管理器）中，不写入设置文件。"
        return f"本机没有可用的系统密钥环，密码保存在只有您本人可读的文件中：{self.file}"

    def save(self, target: str, password: str) -> str:
        """Keep ``password`` for the server of ``target``; returns :meth:`where` it went.
        A keyring that refuses falls back to the file (and the file never keeps a copy of
        what the keyring holds)."""
        remember_secret(password)
        key = account_key(target)
        if self._backend is not None:
            try:
                self._backend.set_password(KEYRING_SERVICE, key, password)
                self._write_file_entry(key, None)
                return self.where()
            except Exception as exc:  # noqa: BLE001  # keyrings raise many kinds (locked, D-Bus, denied)
                log.warning("keyring refused the server password (%s); using the private file", type(exc).__name__)
                self._backend = None
        self._write_file_entry(key, password)
        return self.where()

    def get(self, target: str) -> str | None:
        key = account_key(target)
        password: str | None = None
        if self._backend is not None:
            try:
                password = self._backend.get_password(KEYRING_SERVICE, key)
            except Exception as exc:  # noqa: BLE001  # see save(): the file is the fallback
                log.warning("keyring could not be read (%s); trying the private file", type(exc).__name__)
        if password is None:
            password = self._read_file().get(key)
        remember_secret(password)
        return password

    def forget(self, target: str) -> None:
        key = account_key(target)
        if self._backend is not None:
            try:
                self._backend.delete_password(KEYRING_SERVICE, key)
            except Exception:  # noqa: BLE001, S110  # not there, or the keyring is gone: nothing to forget
                pass
        self._write_file_entry(key, None)

    # --- the 0600 file ---------------------------------------------------------------

    def _read_file(self) -> dict[str, str]:
        try:
            data = json.loads(self.file.read_text("utf-8"))
        except (OSError, ValueError):
            return {}
        if os.name == "posix" and self.file.stat().st_mode & 0o077:
            os.chmod(self.file, 0o600)  # someone widened it: make it private again
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def _write_file_entry(self, key: str, password: str | None) -> None:
        entries = self._read_file()
        if password is None:
            if key not in entries:
                return
            entries.pop(key)
        else:
            entries[key] = password
        self.folder.mkdir(parents=True, exist_ok=True)
        # mkstemp makes the temp file 0600 before a byte is written; renamed into place.
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=f".{FILE_NAME}.", suffix=".part")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(entries, fh, ensure_ascii=False, indent=1)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o600)
            os.replace(tmp, self.file)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def server_connect_args(target: str, store: PasswordStore | None = None) -> dict[str, Any]:
    """The driver's connect arguments for a server address: its kept password (when the
    address carries none) and a connect timeout. Empty for anything but PostgreSQL."""
    if not is_server_url(target):
        return {}
    args: dict[str, Any] = {"connect_timeout": CONNECT_TIMEOUT_SECONDS}
    url = _url(target)
    if url.password is not None:
        remember_secret(str(url.password))
        return args
    if url.username:
        password = (store or PasswordStore()).get(target)
        if password is not None:
            args["password"] = password
    return args
