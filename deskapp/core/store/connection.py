"""A PostgreSQL server as the settings dialog sees it (host, port, database, user, sslmode),
and the 测试连接 check: one connection with a timeout, and one Chinese sentence for each
way it can fail (no such host, no server answering, wrong password, no such database,
SSL refused or not verifiable, not allowed from this PC).

libpq reports a failed connection without an SQLSTATE (psycopg's ``sqlstate`` is None),
so after the reachability probe (by exception type) the server's and libpq's own text is
matched, in English and in the Chinese a server with ``lc_messages=zh_CN`` sends.
"""

from __future__ import annotations

import socket
import time
from dataclasses import dataclass
from typing import Any

from deskapp.core.store.credentials import CONNECT_TIMEOUT_SECONDS, mask_secrets, remember_secret, split_password

DRIVER = "postgresql+psycopg"
DEFAULT_PORT = 5432
# libpq's sslmode values offered; "prefer" is libpq's own default.
SSL_MODES: dict[str, str] = {
    "disable": "不加密（disable）",
    "prefer": "能加密就加密（prefer）",
    "require": "必须加密（require）",
    "verify-full": "加密并验证服务器证书（verify-full）",
}
DEFAULT_SSLMODE = "prefer"


@dataclass(frozen=True)
class ServerAddress:
    """Where the office's database is; never holds the password."""

    host: str
    port: int = DEFAULT_PORT
    database: str = "deskapp"
    user: str = "deskapp"
    sslmode: str = DEFAULT_SSLMODE

    def problems(self) -> dict[str, str]:
        """Field → Chinese sentence for what is missing or wrong (empty when usable)."""
        errors: dict[str, str] = {}
        if not self.host.strip():
            errors["host"] = "请填写服务器地址，例如 192.168.1.10 或 db.jiedao.local。"
        if not 1 <= self.port <= 65535:
            errors["port"] = "端口应在 1 到 65535 之间（PostgreSQL 默认 5432）。"
        if not self.database.strip():
            errors["database"] = "请填写数据库名，例如 deskapp。"
        if not self.user.strip():
            errors["user"] = "请填写数据库用户名。"
        if self.sslmode not in SSL_MODES:
            errors["sslmode"] = "加密方式只能是 disable、prefer、require 或 verify-full。"
        return errors

    def url(self) -> str:
        """The SQLAlchemy address, without a password (what the desk stores)."""
        from sqlalchemy.engine import URL

        return URL.create(DRIVER, username=self.user.strip(), host=self.host.strip(), port=self.port,
                          database=self.database.strip(),
                          query={"sslmode": self.sslmode}).render_as_string(hide_password=False)

    @classmethod
    def from_url(cls, target: str) -> "ServerAddress | None":
        """The fields of a PostgreSQL address; None for anything else (a file)."""
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        if "://" not in target:
            return None
        try:
            url = make_url(target)
        except ArgumentError:
            return None
        if url.get_backend_name() != "postgresql":
            return None
        sslmode = url.query.get("sslmode", DEFAULT_SSLMODE)
        return cls(host=url.host or "", port=url.port or DEFAULT_PORT, database=url.database or "",
                   user=url.username or "", sslmode=sslmode if isinstance(sslmode, str) else sslmode[0])


@dataclass(frozen=True)
class CheckResult:
    """What 测试连接 found: ``kind`` is ok, host, no_server, password, database, ssl,
    not_allowed or other; ``message`` one Chinese sentence."""

    kind: str
    message: str
    server_version: str = ""
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.kind == "ok"


# (kind, fragments of libpq's/the server's text in English and Chinese), tried in this order.
_TEXT_KINDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("password", ("password authentication failed", "no password supplied", "口令认证失败",
                  "没有提供口令", "authentication failed", "认证失败", 'role "', "角色")),
    ("ssl", ("ssl", "certificate", "证书")),  # before "database": "root certificate file … does not exist"
    ("not_allowed", ("not permitted", "permission denied", "不允许", "权限不够")),
    ("database", ("does not exist", "不存在")),
    ("no_server", ("connection refused", "timeout expired", "could not connect", "拒绝连接", "超时")),
)
_NO_ENCRYPTION = ("no encryption", "没有加密", "未加密")


def message_for(kind: str, address: ServerAddress) -> str:
    where = f"{address.host}:{address.port}"
    return {
        "ok": f"连接成功：服务器 {where} 上的数据库“{address.database}”可以使用。",
        "host": f"找不到服务器“{address.host}”，请检查服务器地址是否写对、本机网络是否正常。",
        "no_server": f"连接不上服务器 {where}，请确认服务器已开机、PostgreSQL 已启动、端口正确且防火墙放行。",
        "password": f"用户名“{address.user}”或密码不对，请核对后重新输入（密码区分大小写）。",
        "database": (f"服务器上没有数据库“{address.database}”，请核对数据库名，"
                     "或请管理员先建库并运行 deskapp server init。"),
        "ssl": ("加密连接没有建立：服务器不支持或拒绝了所选的加密方式（或证书无法验证），"
                "请改选其他加密方式，或请管理员为服务器配置 SSL 证书。"),
        "not_allowed": f"服务器 {where} 不允许本机以用户“{address.user}”连接，请管理员在 pg_hba.conf 中放行本机。",
    }.get(kind, "连接失败，请检查各项设置后重试。")


def open_failure_message(target: str, exc: BaseException | None) -> str:
    """Opening the desk on a server failed: the sentence for what went wrong (a wrong
    password is not "no server"), without the password."""
    address = ServerAddress.from_url(target)
    kind = classify(exc) if exc is not None else "other"
    if address is None or kind == "other":
        shown = mask_secrets(split_password(target)[0])
        return f"连接不上数据库地址“{shown}”，请确认数据库服务器已开启、地址和密码正确。"
    return message_for(kind, address)


def server_place(target: str) -> str:
    """Where a server database is, for a message: host, port and name, never a password."""
    address = ServerAddress.from_url(target)
    if address is not None:
        return f"服务器 {address.host}:{address.port} 上的数据库“{address.database}”"
    return f"数据库“{mask_secrets(split_password(target)[0])}”"


def server_unusable_message(target: str) -> str:
    """The server answered but its database cannot be set up or read as a desk (not made by
    ``deskapp server init``, or this user lacks the rights): nothing there was changed."""
    return (f"{server_place(target)}还不能作为台账使用（尚未用 deskapp server init 建立，或本账号缺少权限），"
            "请管理员先运行 deskapp server init；数据未被改动。")


def classify(exc: BaseException) -> str:
    """Which failure a driver exception is (see the module docstring for why by text)."""
    if isinstance(exc, socket.gaierror):
        return "host"
    if isinstance(exc, (ConnectionRefusedError, TimeoutError, socket.timeout)):
        return "no_server"
    text = str(exc).lower()
    if "failed to resolve host" in text or "could not translate host name" in text:
        return "host"
    if "pg_hba" in text:  # no entry for this PC; "no encryption" there means only SSL is let in
        return "ssl" if any(f in text for f in _NO_ENCRYPTION) else "not_allowed"
    for kind, fragments in _TEXT_KINDS:
        if any(f.lower() in text for f in fragments):
            return kind
    return "other"


def _probe(address: ServerAddress, timeout: float) -> None:
    """Is anything listening? (By exception type: gaierror, refused, timeout.)"""
    with socket.create_connection((address.host.strip(), address.port), timeout=timeout):
        pass


def check_connection(address: ServerAddress, password: str | None,
                     timeout: float = CONNECT_TIMEOUT_SECONDS) -> CheckResult:
    """Connect once (``timeout`` seconds at most for each stage) and say what happened."""
    import psycopg

    started = time.monotonic()
    remember_secret(password)
    problems = address.problems()
    if problems:
        return CheckResult("other", next(iter(problems.values())))
    try:
        _probe(address, timeout)
    except OSError as exc:
        return CheckResult(classify(exc), message_for(classify(exc), address), seconds=time.monotonic() - started)
    kwargs: dict[str, Any] = dict(host=address.host.strip(), port=address.port, user=address.user.strip(),
                                  dbname=address.database.strip(), sslmode=address.sslmode,
                                  connect_timeout=max(1, int(timeout)), application_name="deskapp-check")
    if password:
        kwargs["password"] = password
    try:
        with psycopg.connect(**kwargs) as conn:
            version = str(conn.execute("SHOW server_version").fetchone()[0])  # type: ignore[index]  # SHOW returns one row
    except psycopg.Error as exc:
        kind = classify(exc)
        message = message_for(kind, address)
        if kind == "other":
            message = f"{message}（服务器答复：{mask_secrets(str(exc)).strip()}）"
        return CheckResult(kind, message, seconds=time.monotonic() - started)
    return CheckResult("ok", message_for("ok", address) + f"PostgreSQL {version}。", version,
                       time.monotonic() - started)
