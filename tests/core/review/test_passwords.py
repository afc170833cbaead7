"""Sign-off passwords: salted hashes, constant-time checks, failures counted and recorded."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from sqlalchemy import func, select

from deskapp.core.accounts import hashing
from deskapp.core.errors import DeskError, ValidationError
from deskapp.core.review import passwords
from deskapp.core.store.models import AuditEvent, Person, SignInFailure
from tests.review_support import PASSWORD, add_person


def test_hash_is_salted_and_never_the_password():
    a, b = passwords.hash_password("秘密口令123"), passwords.hash_password("秘密口令123")
    assert a != b  # a fresh salt each time
    assert "秘密口令123" not in a and a.startswith("scrypt$")
    assert passwords.verify_password("秘密口令123", a)
    assert not passwords.verify_password("秘密口令124", a)


def test_pbkdf2_fallback_verifies():
    stored = passwords.hash_password("abcdef", method="pbkdf2_sha256")
    assert stored.startswith("pbkdf2_sha256$")
    assert passwords.verify_password("abcdef", stored)
    assert not passwords.verify_password("abcdeg", stored)


@pytest.mark.parametrize("stored", [None, "", "plain", "scrypt$1$2", "scrypt$x$8$1$AAAA$BBBB",
                                    "pbkdf2_sha256$10$@@@$AAAA", "md5$abc"])
def test_malformed_hash_never_verifies(stored):
    assert not passwords.verify_password("anything", stored)


@hsettings(max_examples=15, deadline=None)
@given(st.text(min_size=1, max_size=30))
def test_any_password_round_trips_and_neighbours_fail(pw):
    # Few iterations so many examples run quickly; the count is stored in the hash itself.
    saved = hashing.PBKDF2_ITERATIONS
    hashing.PBKDF2_ITERATIONS = 1000
    try:
        stored = passwords.hash_password(pw, method="pbkdf2_sha256")
    finally:
        hashing.PBKDF2_ITERATIONS = saved
    assert stored.split("$")[1] == "1000"
    assert passwords.verify_password(pw, stored)
    assert not passwords.verify_password(pw + "x", stored)


@pytest.mark.parametrize("bad", ["12345", " abcdef", "abcdef ", "x" * 129])
def test_weak_or_odd_new_password_refused(db, actor, bad):
    with db.session() as s:
        pid = add_person(s, "张三", ["secrecy"], with_password=False)
    with pytest.raises(ValidationError), db.session() as s:
        passwords.set_password(s, actor, pid, bad)


def test_set_password_is_audited_without_the_secret(db, actor):
    with db.session() as s:
        pid = add_person(s, "张三", ["secrecy"], with_password=False)
        passwords.set_password(s, actor, pid, "新密码abc123")
    with db.session() as s:
        events = s.scalars(select(AuditEvent).where(AuditEvent.action == "set_password")).all()
        assert len(events) == 1
        text = repr(events[0].before) + repr(events[0].after)
        assert "新密码abc123" not in text and "scrypt" not in text
        assert passwords.verify_password("新密码abc123", s.get(Person, pid).password_hash)


def test_wrong_password_counted_recorded_and_survives_rollback(db):
    with db.session() as s:
        pid = add_person(s, "赵保密", ["secrecy"])
    with pytest.raises(passwords.WrongPasswordError) as info, db.session() as s:
        passwords.authenticate(s, pid, "wrong-pass", "同意（信息1）")
    assert "还可再试 4 次" in str(info.value)
    with db.session() as s:
        assert s.get(Person, pid).failed_logins == 1
        failure = s.scalars(select(SignInFailure)).one()
        assert failure.person_id == pid and "同意" in failure.purpose
        assert s.scalar(select(func.count()).select_from(AuditEvent)
                        .where(AuditEvent.action == "signin_failed")) == 1


def test_right_password_resets_the_count(db):
    with db.session() as s:
        pid = add_person(s, "赵保密", ["secrecy"])
    with pytest.raises(passwords.WrongPasswordError), db.session() as s:
        passwords.authenticate(s, pid, "nope-nope", "x")
    with db.session() as s:
        signer = passwords.authenticate(s, pid, PASSWORD, "x")
        assert signer.name == "赵保密"
    with db.session() as s:
        assert s.get(Person, pid).failed_logins == 0


def test_lockout_after_max_failures_until_reset(db, actor):
    with db.session() as s:
        pid = add_person(s, "赵保密", ["secrecy"])
    for _ in range(passwords.MAX_FAILED):
        with pytest.raises(passwords.WrongPasswordError), db.session() as s:
            passwords.authenticate(s, pid, "bad-bad-bad", "x")
    with pytest.raises(passwords.SigningLockedError), db.session() as s:
        passwords.authenticate(s, pid, PASSWORD, "x")  # even the right one: locked
    with db.session() as s:
        passwords.set_password(s, actor, pid, "reset-456")
    with db.session() as s:
        assert passwords.authenticate(s, pid, "reset-456", "x").id == pid


def test_no_password_or_inactive_person_cannot_sign(db):
    with db.session() as s:
        nopw = add_person(s, "甲", ["secrecy"], with_password=False)
        gone = add_person(s, "乙", ["secrecy"])
        s.get(Person, gone).active = False
    for pid in (nopw, gone):
        with pytest.raises(DeskError), db.session() as s:
            passwords.authenticate(s, pid, PASSWORD, "x")


def test_change_password_needs_the_old_one(db):
    with db.session() as s:
        pid = add_person(s, "赵保密", ["secrecy"])
    with pytest.raises(passwords.WrongPasswordError), db.session() as s:
        passwords.change_password(s, pid, "not-the-old", "brand-new-1")
    with db.session() as s:
        passwords.change_password(s, pid, PASSWORD, "brand-new-1")
    with db.session() as s:
        assert passwords.verify_password("brand-new-1", s.get(Person, pid).password_hash)


def test_wrong_password_after_a_write_is_a_bug_right_one_is_fine(db, actor):
    with db.session() as s:
        pid = add_person(s, "赵保密", ["secrecy"])
    with db.session() as s:
        s.get(Person, pid).title = "科员"
        s.flush()
        assert passwords.authenticate(s, pid, PASSWORD, "x").id == pid
    with pytest.raises(RuntimeError), db.session() as s:
        s.get(Person, pid).title = "科长"
        s.flush()
        passwords.authenticate(s, pid, "wrong-one", "x")
