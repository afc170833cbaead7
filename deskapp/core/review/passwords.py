"""Sign-off passwords: salted scrypt hashes (PBKDF2 where OpenSSL lacks scrypt), never the
password itself; constant-time checks; failed attempts counted and recorded.

A wrong password must leave nothing behind but the failed attempt, while the caller's
transaction (the decision it was meant to sign) rolls back. So a failure is written in its
own short transaction on a separate connection, and :func:`authenticate` must be called
before the caller writes anything (it refuses otherwise, as a bug).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass
from typing import Optional

from sqlalchemy import Connection, update
from sqlalchemy.orm import Session

from deskapp.core.audit import chain as audit
from deskapp.core.audit.chain import Actor
from deskapp.core.errors import DeskError, NotFoundError, ValidationError
from deskapp.core.store.models import Person, SignInFailure

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1  # ~16 MB, ~50 ms: slow to guess, quick to sign
PBKDF2_ITERATIONS = 600_000
SALT_BYTES = 16
KEY_BYTES = 32
MIN_LENGTH = 6
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


# --- hashing ---------------------------------------------------------------------------------

def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _has_scrypt() -> bool:
    return hasattr(hashlib, "scrypt")


def hash_password(password: str, *, method: Optional[str] = None, salt: Optional[bytes] = None) -> str:
    """``scrypt$n$r$p$salt$key`` or ``pbkdf2_sha256$iterations$salt$key`` (base64 parts).

    A fresh random salt unless one is given (only reproducible demo data gives one)."""
    salt = salt if salt is not None else os.urandom(SALT_BYTES)
    secret = password.encode("utf-8")
    method = method or ("scrypt" if _has_scrypt() else "pbkdf2_sha256")
    if method == "scrypt":
        key = hashlib.scrypt(secret, salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=KEY_BYTES)
        return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(key)}"
    key = hashlib.pbkdf2_hmac("sha256", secret, salt, PBKDF2_ITERATIONS, KEY_BYTES)
    return f"pbkdf2_sha256${PBKDF2_ITERATIONS}${_b64(salt)}${_b64(key)}"


def verify_password(password: str, stored: Optional[str]) -> bool:
    """Constant-time comparison; False for no hash or a malformed one."""
    if not stored:
        return False
    try:
        parts = stored.split("$")
        secret = password.encode("utf-8")
        if parts[0] == "scrypt" and len(parts) == 6:
            n, r, p = int(parts[1]), int(parts[2]), int(parts[3])
            salt, key = _unb64(parts[4]), _unb64(parts[5])
            got = hashlib.scrypt(secret, salt=salt, n=n, r=r, p=p, dklen=len(key),
                                 maxmem=256 * n * r * p + 1024 * 1024)
        elif parts[0] == "pbkdf2_sha256" and len(parts) == 4:
            salt, key = _unb64(parts[2]), _unb64(parts[3])
            got = hashlib.pbkdf2_hmac("sha256", secret, salt, int(parts[1]), len(key))
        else:
            return False
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, key)


def check_new_password(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise ValidationError({"password": f"密码至少需要 {MIN_LENGTH} 个字符。"})
    if len(password) > 128:
        raise ValidationError({"password": "密码不能超过128个字符。"})
    if password.strip() != password:
        raise ValidationError({"password": "密码首尾不能有空格。"})


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
    raw = session.connection().connection.dbapi_connection
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
