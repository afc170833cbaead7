"""Accounts on a server: creating and changing them, signing in, the lockout that outlives a
restart, and the audit trail; on SQLite and on the test PostgreSQL server."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from deskapp.core.accounts import manage
from deskapp.core.accounts.manage import AccountData
from deskapp.core.accounts.signin import SignInError, sign_in
from deskapp.core.audit.chain import SYSTEM, verify_chain
from deskapp.core.desk import open_database
from deskapp.core.errors import ValidationError
from deskapp.core.store import settings
from deskapp.core.store.models import Account, AuditEvent, Department, Person

pytestmark = pytest.mark.both_backends
PW = "正确的-密码1"
NOW = dt.datetime(2026, 12, 6, 6, 0, 0)


def _setup(db, role: str = "admin", dept: bool = False) -> int:
    with db.session() as s:
        d = Department(name="幸福社区", kind="community")
        s.add(d)
        s.flush()
        person = Person(name="周管理", roles=["maintainer"], department_id=d.id)
        s.add(person)
        s.flush()
        made = manage.create_account(s, SYSTEM, AccountData("zhou", person.id, role,
                                                            d.id if dept else None), PW)
        return made.id


def _events(db, action: str) -> list[AuditEvent]:
    with db.session() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_sign_in_with_the_right_password_names_the_person_and_is_audited(db):
    _setup(db)
    account = sign_in(db, " ZHOU ", PW, now=NOW)
    assert (account.username, account.person_name, account.is_admin) == ("zhou", "周管理", True)
    assert account.actor().name == "周管理" and account.scope().everything
    assert len(_events(db, "login")) == 1
    with db.session() as s:
        stored = s.scalar(select(Account))
        assert PW not in stored.password_hash and stored.last_sign_in == NOW


def test_five_wrong_passwords_lock_for_fifteen_minutes_even_after_a_restart(db, db_target):
    _setup(db)
    for n in range(4):
        with pytest.raises(SignInError, match="用户名或密码不正确"):
            sign_in(db, "zhou", f"wrong{n}", now=NOW)
    with pytest.raises(SignInError, match="账户已锁定，请于 .* 后再试") as locked:
        sign_in(db, "zhou", "wrong5", now=NOW)
    assert locked.value.locked_until == NOW + dt.timedelta(minutes=15)
    db.close()
    again = open_database(db_target)  # a restart: the lockout is in the database
    try:
        with pytest.raises(SignInError, match="已锁定"):
            sign_in(again, "zhou", PW, now=NOW + dt.timedelta(minutes=14))
        assert sign_in(again, "zhou", PW, now=NOW + dt.timedelta(minutes=16)).username == "zhou"
        with again.session() as s:
            actions = [e.action for e in s.scalars(select(AuditEvent).order_by(AuditEvent.id))]
        assert actions.count("login_failed") == 5 and actions.count("login_locked") == 1
        assert "login_refused" in actions and actions[-1] == "login"
        with again.session() as s:
            assert verify_chain(s) is None
    finally:
        again.close()


def test_the_lockout_numbers_are_settings(db):
    _setup(db)
    with db.session() as s:
        settings.put_many(s, {"signin_max_failed": 3, "signin_lock_minutes": 60})
    for _ in range(2):
        with pytest.raises(SignInError, match="连续输错 3 次账户将锁定 60 分钟"):
            sign_in(db, "zhou", "nope", now=NOW)
    with pytest.raises(SignInError, match="已锁定") as locked:
        sign_in(db, "zhou", "nope", now=NOW)
    assert locked.value.locked_until == NOW + dt.timedelta(minutes=60)


def test_unknown_user_gets_the_same_message_and_is_audited(db):
    _setup(db)
    with pytest.raises(SignInError) as unknown:
        sign_in(db, "nobody", PW, now=NOW)
    with pytest.raises(SignInError) as wrong:
        sign_in(db, "zhou", "nope", now=NOW)
    assert unknown.value.message == wrong.value.message
    assert [e.after["username"] for e in _events(db, "login_failed")] == ["nobody", "zhou"]


def test_disabled_account_cannot_sign_in_and_reset_password_ends_a_lockout(db):
    account_id = _setup(db)
    with db.session() as s:
        other = Person(name="吴维护", roles=["maintainer"])
        s.add(other)
        s.flush()
        second = manage.create_account(s, SYSTEM, AccountData("wu", other.id, "maintainer"), PW)
        manage.set_active(s, SYSTEM, second.id, False)
    with pytest.raises(SignInError, match="已停用"):
        sign_in(db, "wu", PW, now=NOW)
    for _ in range(5):
        with pytest.raises(SignInError):
            sign_in(db, "zhou", "nope", now=NOW)
    with db.session() as s:
        manage.reset_password(s, SYSTEM, account_id, "另一个-密码2")
    assert sign_in(db, "zhou", "另一个-密码2", now=NOW).username == "zhou"
    assert {e.action for e in _events(db, "reset_login_password")} == {"reset_login_password"}
    for event in _events(db, "reset_login_password") + _events(db, "create"):
        assert "另一个" not in str(event.after) and "scrypt" not in str(event.after)


def test_rules_for_account_data(db):
    account_id = _setup(db)
    with db.session() as s:
        person = s.scalar(select(Person))
        with pytest.raises(ValidationError, match="已被使用"):
            manage.create_account(s, SYSTEM, AccountData("ZHOU", person.id, "maintainer"), PW)
        with pytest.raises(ValidationError, match="请为其选择科室"):
            manage.create_account(s, SYSTEM, AccountData("desk1", person.id, "desk"), PW)
        with pytest.raises(ValidationError, match="至少需要"):
            manage.create_account(s, SYSTEM, AccountData("desk1", person.id, "maintainer"), "123")
        with pytest.raises(ValidationError, match="唯一启用的管理员"):
            manage.set_active(s, SYSTEM, account_id, False)
        with pytest.raises(ValidationError, match="唯一启用的管理员"):
            manage.update_account(s, SYSTEM, account_id, AccountData("zhou", person.id, "maintainer"))
        assert manage.administrator_exists(s)


def test_a_department_account_is_scoped_to_its_department(db):
    _setup(db, role="desk", dept=True)
    account = sign_in(db, "zhou", PW, now=NOW)
    scope = account.scope()
    assert not scope.everything and scope.department_name == "幸福社区"
    assert scope.allows(account.department_id) and not scope.allows(None)
    assert account.display == "周管理（幸福社区·科室/社区经办）"
