"""Sign-off passwords: salted scrypt hashes (PBKDF2 where OpenSSL lacks scrypt), never the
password itself; constant-time checks; failed attempts counted and recorded.

A wrong password must leave nothing behind but the failed attempt, while the caller's
transaction (the decision it was meant to sign) rolls back. So a failure is written in its
own short transaction on a separate connection, and :func:`authenticate` must be called
before the caller writes anything (it refuses otherwise, as a bug).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, update
from sqlalchemy.orm import Session

from deskapp.core.accounts.hashing import (
    KEY_BYTES,
    MIN_LENGTH,
    PBKDF2_ITERATIONS,
    SALT_BYTES,
    SCRYPT_N,
    SCRYPT_P,
    SCRYPT_R,
    check_new_password,
    hash_password,
    verify_password,
)
from deskapp.core.audit import chain as audit
from deskapp.core.audit.chain import Actor
from deskapp.core.errors import DeskError, NotFoundError
from deskapp.core.store import writer
from deskapp.core.store.models import Person, SignInFailure

# The hashing is shared with sign-in passwords (core/accounts), re-exported as the signer API.
__all__ = ["KEY_BYTES", "MIN_LENGTH", "PBKDF2_ITERATIONS", "SALT_BYTES", "SCRYPT_N", "SCRYPT_P", "SCRYPT_R",
           "check_new_password", "hash_password", "verify_password",
           "MAX_FAILED", "WrongPasswordError", "SigningLockedError", "Signer", "has_password",
           "set_password", "change_password", "clear_password", "authenticate"]

MAX_FAILED = 5  # consecutive wrong passwords before signing is locked until a reset


class WrongPasswordError(DeskError):
    """The password did not match; the attempt has been recorded."""

    def __init__(self, name: str, failed: int):
        left = MAX_FAILED - failed
        tail = f"还可再试 {left} 次。" if left > 0 else "已连续输错多次，签批已锁定，请由管理员重设密码。"
        super().__init__(f"{name}的签批密码不正确，{tail}")
        self.failed = failed


class SigningLockedError(DeskError):
    def __init__(self, name: str):
        super().__init__(f"{name}的签批密码已连续输错 {MAX_FAILED} 次被锁定，请由管理员在审核流程设置中重设密码。")


@dataclass(frozen=True)
class Signer:
    """A person whose password was just checked."""

    id: int
    name: str

    def actor(self) -> Actor:
        return Actor(self.id, self.name)


# --- setting and changing ---------------------------------------------------------------------

def _person(session: Session, person_id: int) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise NotFoundError("该人员已不存在，可能已被删除，请刷新后重试。")
    return person


def has_password(session: Session, person_id: int) -> bool:
    return bool(_person(session, person_id).password_hash)


def set_password(session: Session, actor: Actor, person_id: int, new_password: str) -> None:
    """Set or reset (by the maintainer) a person's password; unlocks signing.

    The audit event says that it was set, never the password or its hash.
    """
    check_new_password(new_password)
    person = _person(session, person_id)
    had = bool(person.password_hash)
    person.password_hash = hash_password(new_password)
    before_failed = person.failed_logins
    person.failed_logins = 0
    session.flush()
    audit.record(session, actor, "reset_password" if had else "set_password", "person", person.id,
                 {"password_set": had, "failed_logins": before_failed},
                 {"password_set": True, "failed_logins": 0})


def change_password(session: Session, person_id: int, old_password: str, new_password: str) -> None:
    """The person changes their own password, proving the old one first."""
    signer = authenticate(session, person_id, old_password, "修改密码")
    set_password(session, signer.actor(), person_id, new_password)


def clear_password(session: Session, actor: Actor, person_id: int) -> None:
    person = _person(session, person_id)
    if not person.password_hash:
        return
    person.password_hash = None
    person.failed_logins = 0
    session.flush()
    audit.record(session, actor, "clear_password", "person", person.id,
                 {"password_set": True}, {"password_set": False})


# --- checking -----------------------------------------------------------------------------------

def _has_pending_writes(session: Session) -> bool:
    if session.new or session.dirty or session.deleted:
        return True
    if not session.in_transaction():
        return False
    conn = session.connection()
    if writer.holds_lock(conn):  # PostgreSQL: this transaction has written
        return True
    raw = conn.connection.dbapi_connection  # SQLite: pysqlite opens a transaction at the first write
    return bool(getattr(raw, "in_transaction", False))


def authenticate(session: Session, person_id: int, password: str, purpose: str) -> Signer:
    """The person, when ``password`` is theirs; otherwise record the failed attempt and raise.

    Call before writing anything in ``session``: a failure is committed on its own and the
    caller's transaction is then rolled back by the raised error. (Several signed actions in
    one transaction — demo data, batches — work as long as the passwords are right.)
    """
    person = _person(session, person_id)
    if not person.active:
        raise DeskError(f"{person.name}已停用，不能签批。")
    if not person.password_hash:
        raise DeskError(f"{person.name}尚未设置签批密码，请先在“审核流程”设置中为其设置密码。")
    if person.failed_logins >= MAX_FAILED:
        raise SigningLockedError(person.name)
    if not verify_password(password, person.password_hash):
        if _has_pending_writes(session):
            # The failure could not be committed apart from the caller's writes (SQLite has
            # one writer): composing signed actions after writes is for trusted callers only.
            raise RuntimeError("a wrong password after writes in the same session cannot be recorded")
        failed = _record_failure(session, person, purpose)
        session.expire(person, ["failed_logins"])
        raise WrongPasswordError(person.name, failed)
    if person.failed_logins:
        # A correct password ends a run of mistakes; written with the caller's action.
        person.failed_logins = 0
    return Signer(person.id, person.name)


def _record_failure(session: Session, person: Person, purpose: str) -> int:
    """Commit the failed attempt on a separate connection; the count after it."""
    bind = session.get_bind()
    engine = bind.engine if isinstance(bind, Connection) else bind
    # The caller has only read so far (checked above): SQLite readers do not block this writer.
    with Session(engine) as other, other.begin():
        other.execute(update(Person).where(Person.id == person.id)
                      .values(failed_logins=Person.failed_logins + 1))
        failed = other.get_one(Person, person.id).failed_logins
        other.add(SignInFailure(person_id=person.id, person_name=person.name, purpose=purpose[:100]))
        audit.record(other, Actor(person.id, person.name), "signin_failed", "person", person.id,
                     None, {"purpose": purpose[:100], "failed_logins": failed})
    return failed
