"""Accounts named the way the command line names them: a user name, a person's name, a role
code or its Chinese label, a department's name."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from deskapp.core.accounts import manage
from deskapp.core.accounts.account import AccountInfo
from deskapp.core.accounts.roles import ACCOUNT_ROLES
from deskapp.core.audit import chain as audit
from deskapp.core.audit.chain import Actor
from deskapp.core.errors import NotFoundError, ValidationError
from deskapp.core.store.models import Account, Department, Person


def role_code(text: str) -> str:
    text = text.strip()
    for code, label in ACCOUNT_ROLES.items():
        if text in (code, label):
            return code
    raise ValidationError({"role": f"没有“{text}”这个角色，可选：{'、'.join(ACCOUNT_ROLES.values())}。"})


def add_user(session: Session, actor: Actor, username: str, person_name: str, role: str,
             department: str, password: str) -> AccountInfo:
    """The account for the person of that name (in that department when given), created if
    there is none."""
    code = role_code(role)
    dept_id = None
    if department.strip():
        dept_id = session.scalar(select(Department.id).where(Department.name == department.strip()))
        if dept_id is None:
            raise ValidationError({"department": f"没有名为“{department.strip()}”的科室或社区，"
                                                 "请先在“机构与人员”中添加。"})
    stmt = select(Person).where(Person.name == person_name.strip(), Person.active.is_(True))
    if dept_id is not None:
        stmt = stmt.where(Person.department_id == dept_id)
    person = session.scalars(stmt.order_by(Person.id)).first()
    if person is None:
        person = Person(name=person_name.strip(), department_id=dept_id, roles=[])
        session.add(person)
        session.flush()
        audit.record(session, actor, "create", "person", person.id, None,
                     {"name": person.name, "department_id": dept_id})
    return manage.create_account(session, actor, manage.AccountData(username, person.id, code, dept_id), password)


def reset_by_username(session: Session, actor: Actor, username: str, password: str) -> None:
    account_id = session.scalar(select(Account.id).where(func.lower(Account.username) == username.strip().lower()))
    if account_id is None:
        raise NotFoundError(f"没有用户名为“{username.strip()}”的账户。")
    manage.reset_password(session, actor, account_id, password)
