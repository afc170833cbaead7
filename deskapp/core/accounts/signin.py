"""Signing in on a server: the password checked against its hash, wrong ones counted, and a
lockout after ``signin_max_failed`` tries for ``signin_lock_minutes`` (settings; stored on the
account, so a restart does not end it). Every sign-in, failure and lockout is an audit event.

A failed attempt must stay recorded although the sign-in fails, so :func:`sign_in` commits
the attempt first and raises afterwards.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from deskapp.core.accounts.account import AccountInfo, local_time_text
from deskapp.core.accounts.hashing import verify_password
from deskapp.core.accounts.manage import info
from deskapp.core.audit import chain as audit
from deskapp.core.audit.chain import Actor
from deskapp.core.errors import DeskError
from deskapp.core.store import settings
from deskapp.core.store.models import Account, utcnow

if TYPE_CHECKING:
    from deskapp.core.store.db import Database


class SignInError(DeskError):
    """Wrong user name or password, a disabled account, or one locked for now."""

    def __init__(self, message: str, locked_until: Optional[dt.datetime] = None):
        super().__init__(message)
        self.locked_until = locked_until


@dataclass(frozen=True)
class Policy:
    max_failed: int
    lock_minutes: int


def policy(session: Session) -> Policy:
    return Policy(int(settings.get(session, "signin_max_failed")),
                  int(settings.get(session, "signin_lock_minutes")))


def _locked_message(until: dt.datetime, now: dt.datetime, p: Policy) -> str:
    return (f"密码已连续输错 {p.max_failed} 次，账户已锁定，请于 {local_time_text(until, now)} 后再试，"
            "或请管理员解锁。")


def _wrong_message(p: Policy) -> str:
    return f"用户名或密码不正确，请重新输入；连续输错 {p.max_failed} 次账户将锁定 {p.lock_minutes} 分钟。"


def _attempt(session: Session, username: str, password: str, now: dt.datetime) -> AccountInfo | SignInError:
    p = policy(session)
    name = username.strip()
    account = session.scalar(select(Account).where(func.lower(Account.username) == name.lower()))
    if account is None:
        verify_password(password, None)
        audit.record(session, audit.SYSTEM, "login_failed", "account", None, None,
                     {"username": name[:50], "reason": "unknown_user"})
        return SignInError(_wrong_message(p))
    who = Actor(account.person_id, account.person.name)
    if account.locked_until is not None and account.locked_until > now:
        audit.record(session, who, "login_refused", "account", account.id, None,
                     {"username": account.username, "reason": "locked",
                      "locked_until": audit.jsonable(account.locked_until)})
        return SignInError(_locked_message(account.locked_until, now, p), account.locked_until)
    if not verify_password(password, account.password_hash):
        return _failed(session, account, who, now, p)
    if not account.active or not account.person.active:
        audit.record(session, who, "login_refused", "account", account.id, None,
                     {"username": account.username, "reason": "disabled"})
        return SignInError("该账户已停用，请联系管理员。")
    account.failed_count, account.locked_until, account.last_sign_in = 0, None, now
    session.flush()
    audit.record(session, who, "login", "account", account.id, None,
                 {"username": account.username, "role": account.role})
    return info(account)


def _failed(session: Session, account: Account, who: Actor, now: dt.datetime,
            p: Policy) -> SignInError:
    # One UPDATE adds the try, so two desks guessing at once are both counted.
    session.execute(update(Account).where(Account.id == account.id)
                    .values(failed_count=Account.failed_count + 1))
    session.refresh(account, ["failed_count"])
    audit.record(session, who, "login_failed", "account", account.id, None,
                 {"username": account.username, "failed_count": account.failed_count})
    if account.failed_count < p.max_failed:
        return SignInError(_wrong_message(p))
    account.locked_until = now + dt.timedelta(minutes=p.lock_minutes)
    account.failed_count = 0  # after the lockout the account has its tries again
    session.flush()
    audit.record(session, who, "login_locked", "account", account.id, None,
                 {"username": account.username, "locked_until": audit.jsonable(account.locked_until),
                  "after_failures": p.max_failed})
    return SignInError(_locked_message(account.locked_until, now, p), account.locked_until)


def sign_in(db: Database, username: str, password: str, now: Optional[dt.datetime] = None) -> AccountInfo:
    """The account, when the password is right and it is neither disabled nor locked;
    otherwise SignInError with the message to show (after the attempt is committed)."""
    with db.session() as session:
        result = _attempt(session, username, password, now or utcnow())
    if isinstance(result, SignInError):
        raise result
    return result


def set_policy(session: Session, actor: Actor, max_failed: int, lock_minutes: int) -> Policy:
    """The administrator's lockout numbers (validated by the declared settings), one audit event."""
    changed = settings.put_many(session, {"signin_max_failed": max_failed, "signin_lock_minutes": lock_minutes})
    if changed:
        audit.record(session, actor, "update", "setting", None, {k: b for k, (b, _) in changed.items()},
                     {k: a for k, (_, a) in changed.items()})
    return policy(session)
