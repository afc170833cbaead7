"""Adding, changing, disabling accounts and resetting their passwords (the administrator's
设置 → 账户… page and ``deskapp server``). Each change is one audit event; passwords and their
hashes never enter the log."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Optional

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from deskapp.core.accounts.account import AccountInfo, local_time_text
from deskapp.core.accounts.hashing import check_new_password, hash_password, verify_password
from deskapp.core.accounts.roles import ACCOUNT_ROLES, ADMIN, DEPARTMENT_ROLES
from deskapp.core.accounts.scope import check_admin
from deskapp.core.audit import chain as audit
from deskapp.core.audit.chain import Actor
from deskapp.core.errors import DeskError, NotFoundError, ValidationError
from deskapp.core.store.db import claim_write_lock
from deskapp.core.store.models import Account, Department, Person, utcnow

_USERNAME = re.compile(r"^[A-Za-z0-9_.@\-\u4e00-\u9fff]{2,50}$")
FIELDS = ["username", "person_id", "role", "department_id", "active"]


@dataclass
class AccountData:
    """The editable fields of an account (the password is set apart)."""

    username: str
    person_id: int
    role: str
    department_id: Optional[int] = None
    active: bool = True


def info(account: Account, now: Optional[dt.datetime] = None) -> AccountInfo:
    dept = account.department
    now = now or utcnow()
    locked = account.locked_until
    locked_text = local_time_text(locked, now) if locked is not None and locked > now else ""
    return AccountInfo(account.id, account.username, account.person_id, account.person.name,
                       account.role, account.department_id, dept.name if dept else "", account.active,
                       locked_text)


def list_accounts(session: Session) -> list[AccountInfo]:
    return [info(a) for a in session.scalars(select(Account).order_by(Account.username))]


def _load(session: Session, account_id: int) -> Account:
    account = session.get(Account, account_id)
    if account is None:
        raise NotFoundError("该账户已不存在，可能已被删除，请刷新后重试。")
    return account


def get_account(session: Session, account_id: int) -> AccountInfo:
    return info(_load(session, account_id))


def administrator_exists(session: Session) -> bool:
    return session.scalar(select(Account.id).where(Account.role == ADMIN).limit(1)) is not None


def _active_admins(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Account)
                              .where(Account.role == ADMIN, Account.active.is_(True))) or 0)


def _validate(session: Session, data: AccountData, current: Optional[Account]) -> None:
    errors: dict[str, str] = {}
    name = data.username.strip()
    if not _USERNAME.match(name):
        errors["username"] = "用户名应为 2–50 个字母、数字、汉字或 _ . @ -，不含空格。"
    else:
        stmt = select(Account.id).where(func.lower(Account.username) == name.lower())
        if current is not None:
            stmt = stmt.where(Account.id != current.id)
        if session.scalar(stmt.limit(1)) is not None:
            errors["username"] = f"用户名“{name}”已被使用，请换一个。"
    person = session.get(Person, data.person_id)
    if person is None:
        errors["person_id"] = "所选人员已不存在，请重新选择。"
    elif not person.active and (current is None or current.person_id != person.id):
        errors["person_id"] = f"{person.name}已停用，请先在“机构与人员”中启用。"
    if data.role not in ACCOUNT_ROLES:
        errors["role"] = "请从列表中选择角色。"
    elif data.role in DEPARTMENT_ROLES and data.department_id is None:
        errors["department_id"] = f"“{ACCOUNT_ROLES[data.role]}”只能看到本科室或社区的信息，请为其选择科室或社区。"
    if data.department_id is not None and session.get(Department, data.department_id) is None:
        errors["department_id"] = "所选科室已不存在，请重新选择。"
    if current is not None and current.role == ADMIN and current.active and \
            (data.role != ADMIN or not data.active) and _active_admins(session) <= 1:
        errors["role"] = "这是唯一启用的管理员账户，不能停用或改为其他角色；请先另设一位管理员。"
    if errors:
        raise ValidationError(errors)


def _assign(account: Account, data: AccountData) -> None:
    account.username = data.username.strip()
    account.person_id = data.person_id
    account.role = data.role
    account.department_id = data.department_id
    account.active = bool(data.active)


def create_account(session: Session, actor: Actor, data: AccountData, password: str) -> AccountInfo:
    check_admin(session, "管理账户")
    _validate(session, data, None)
    check_new_password(password)
    account = Account(password_hash=hash_password(password), failed_count=0)
    _assign(account, data)
    session.add(account)
    session.flush()
    audit.record(session, actor, "create", "account", account.id, None, audit.snapshot(account, FIELDS))
    return get_account(session, account.id)


def update_account(session: Session, actor: Actor, account_id: int, data: AccountData) -> AccountInfo:
    check_admin(session, "管理账户")
    account = _load(session, account_id)
    _validate(session, data, account)
    before = audit.snapshot(account, FIELDS)
    _assign(account, data)
    session.flush()
    session.refresh(account, ["department", "person"])
    changed_before, changed_after = audit.diff(before, audit.snapshot(account, FIELDS))
    if changed_after:
        audit.record(session, actor, "update", "account", account.id, changed_before, changed_after)
    return get_account(session, account.id)


def set_active(session: Session, actor: Actor, account_id: int, active: bool) -> AccountInfo:
    current = get_account(session, account_id)
    data = AccountData(current.username, current.person_id, current.role, current.department_id, active)
    return update_account(session, actor, account_id, data)


def reset_password(session: Session, actor: Actor, account_id: int, new_password: str) -> None:
    """Set a new password; also ends a lockout. The log says it was reset, nothing more."""
    check_admin(session, "管理账户")
    check_new_password(new_password)
    account = _load(session, account_id)
    before: dict[str, Any] = {"failed_count": account.failed_count,
                              "locked_until": audit.jsonable(account.locked_until)}
    account.password_hash = hash_password(new_password)
    account.failed_count, account.locked_until = 0, None
    session.flush()
    audit.record(session, actor, "reset_login_password", "account", account.id, before,
                 {"password_reset": True, "failed_count": 0, "locked_until": None})


def unlock(session: Session, actor: Actor, account_id: int) -> None:
    check_admin(session, "管理账户")
    account = _load(session, account_id)
    if not account.failed_count and account.locked_until is None:
        return
    before = {"failed_count": account.failed_count, "locked_until": audit.jsonable(account.locked_until)}
    account.failed_count, account.locked_until = 0, None
    session.flush()
    audit.record(session, actor, "unlock", "account", account.id, before,
                 {"failed_count": 0, "locked_until": None})


class AdministratorExistsError(DeskError):
    def __init__(self) -> None:
        super().__init__("该服务器上已有管理员账户，未再创建；请用管理员账户登录后在“设置 → 账户…”中管理账户，"
                         "或用 deskapp server add-user 添加。")


def any_account(session: Session) -> bool:
    return session.scalar(select(Account.id).limit(1)) is not None


def create_first_administrator(session: Session, actor: Optional[Actor], username: str, person_name: str,
                               password: str) -> AccountInfo:
    """The office's first administrator and their person (信息员 too), on a server that has
    none: ``deskapp server init``, or the sign-in dialog of a server with no account yet.
    ``actor`` None: the new person is recorded as the author of both entries (no anonymous
    first line, as for the single-PC desk's first operator)."""
    claim_write_lock(session)  # two desks doing this at once: the second waits, then sees the first
    if administrator_exists(session):
        raise AdministratorExistsError()
    name = person_name.strip()
    if not 1 <= len(name) <= 50:
        raise ValidationError({"name": "请填写管理员的姓名（不超过50个字）。"})
    check_new_password(password)
    person = Person(name=name, roles=["admin", "maintainer"])
    session.add(person)
    session.flush()
    who = actor or Actor(person.id, person.name)
    audit.record(session, who, "create", "person", person.id, None, {"name": name, "roles": person.roles})
    return create_account(session, who, AccountData(username, person.id, ADMIN), password)


def change_own_password(session: Session, account_id: int, old_password: str, new_password: str) -> None:
    """The signed-in person replaces the password the administrator gave them, proving the
    old one first; recorded under their own name."""
    account = _load(session, account_id)
    if not verify_password(old_password, account.password_hash):
        raise ValidationError({"old_password": "原密码不正确，请重新输入。"})
    check_new_password(new_password)
    if old_password == new_password:
        raise ValidationError({"password": "新密码不能与原密码相同。"})
    account.password_hash = hash_password(new_password)
    session.flush()
    audit.record(session, Actor(account.person_id, account.person.name), "change_login_password", "account",
                 account.id, None, {"password_changed": True})
