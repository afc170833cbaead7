"""Preparing an office's PostgreSQL server (``deskapp server init``): the desks' own database
role with table rights only, and the first administrator account.

The desks connect as that role, never as the administrator who owns the schema: they may read
and write rows (SELECT/INSERT/UPDATE/DELETE, sequences) but not create, alter or drop
anything, so a desk cannot change the schema or the rights. Migrations of later versions are
run by the administrator (``server init`` again: it migrates and grants, and creates no second
administrator).
"""

from __future__ import annotations

import re
import secrets
import string
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

from sqlalchemy import Connection, text
from sqlalchemy.engine import make_url

from deskapp.core.accounts.account import AccountInfo
from deskapp.core.accounts.manage import AdministratorExistsError as AdministratorExistsError
from deskapp.core.accounts.manage import create_first_administrator
from deskapp.core.audit.chain import Actor
from deskapp.core.errors import DeskError, ValidationError

if TYPE_CHECKING:
    from deskapp.core.store.db import Database

DEFAULT_DESK_ROLE = "deskapp_desk"
_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
_PASSWORD_ALPHABET = string.ascii_letters + string.digits


@dataclass(frozen=True)
class ServerInit:
    desk_role: str
    role_created: bool
    desk_password: Optional[str]  # only when the role was created now: shown once
    desk_url: str  # the address for the desks (with the password when just created)
    administrator: AccountInfo


def check_role_name(name: str) -> str:
    if not _ROLE_NAME.match(name):
        raise ValidationError({"desk_role": f"数据库角色名“{name}”不合规："
                                            "只能用小写字母、数字和下划线，且以字母开头。"})
    return name


def new_role_password() -> str:
    """24 letters and digits: strong, and safe to write into CREATE ROLE without quoting."""
    return "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(24))


def ensure_desk_role(conn: Connection, role: str, password: str) -> bool:
    """Create the login role unless it exists; True when created. Grants are separate."""
    check_role_name(role)
    if conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first():
        return False
    assert all(ch in _PASSWORD_ALPHABET for ch in password)
    conn.execute(text(f"CREATE ROLE \"{role}\" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '{password}'"))
    return True


def grant_table_rights(conn: Connection, role: str) -> None:
    """Rows only: the tables and sequences there are now and those the administrator makes
    later (default privileges); no CREATE on the schema for anyone but its owner."""
    check_role_name(role)
    database: str = conn.execute(text("SELECT current_database()")).scalar_one()
    quoted_db = '"' + str(database).replace('"', '""') + '"'
    for statement in (
        f"GRANT CONNECT ON DATABASE {quoted_db} TO \"{role}\"",
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        f"GRANT USAGE ON SCHEMA public TO \"{role}\"",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO \"{role}\"",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO \"{role}\"",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO \"{role}\"",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO \"{role}\"",
    ):
        conn.execute(text(statement))


def desk_url(admin_url: str, role: str, password: Optional[str]) -> str:
    url = make_url(admin_url).set(username=role, password=password)
    return url.render_as_string(hide_password=False)


def init_server(db: Database, actor: Actor, username: str, person_name: str, password: str,
                desk_role: str = DEFAULT_DESK_ROLE) -> ServerInit:
    """On a migrated server database: refuse if an administrator exists; otherwise the desks'
    role (created if missing, rights granted) and the first administrator, in one transaction."""
    if db.is_sqlite:
        raise DeskError("server init 只用于 PostgreSQL 服务器；单机台账（SQLite）不需要账户，"
                        "请用 --db 指定服务器地址。")
    check_role_name(desk_role)
    with db.session() as session:
        admin = create_first_administrator(session, actor, username, person_name, password)
        role_password = new_role_password()
        conn = session.connection()
        created = ensure_desk_role(conn, desk_role, role_password)
        grant_table_rights(conn, desk_role)
    shown = role_password if created else None
    return ServerInit(desk_role, created, shown, desk_url(db.url, desk_role, shown), admin)
