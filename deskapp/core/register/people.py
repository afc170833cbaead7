"""People who draft, review, sign or keep the desk, and their roles (see ``vocab.ROLES``).

Someone who drafted an item or acted at the desk is deactivated, never deleted: the records
of who did what (留痕) must keep pointing at a real person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from deskapp.core.accounts.scope import check_manager
from deskapp.core.audit import chain as audit
from deskapp.core.audit.chain import Actor
from deskapp.core.errors import NotFoundError, ValidationError
from deskapp.core.register.org import delete_if_unreferenced
from deskapp.core.store.models import AuditEvent, Department, Item, Person
from deskapp.core.store.vocab import ROLES

_PHONE = re.compile(r"^[0-9+\-()（）\s转]*$")
PERSON_FIELDS = ["name", "department_id", "roles", "title", "phone", "active"]


@dataclass(frozen=True)
class PersonRow:
    id: int
    name: str
    department_id: Optional[int]
    department_name: str
    roles: tuple[str, ...]
    title: str
    phone: str
    active: bool
    is_demo: bool

    @property
    def roles_label(self) -> str:
        return "、".join(ROLES.get(r, r) for r in self.roles)

    @property
    def display(self) -> str:
        """“张三（党政办）” — how a person is named in lists and combo boxes."""
        return f"{self.name}（{self.department_name}）" if self.department_name else self.name

    def actor(self) -> Actor:
        return Actor(self.id, self.name)


@dataclass
class PersonData:
    """The editable fields of a person."""

    name: str = ""
    department_id: Optional[int] = None
    roles: list[str] = field(default_factory=list)
    title: str = ""  # 职务
    phone: str = ""
    active: bool = True


def _row(person: Person) -> PersonRow:
    dept = person.department
    return PersonRow(person.id, person.name, person.department_id, dept.name if dept else "",
                     tuple(person.roles or ()), person.title or "", person.phone or "",
                     person.active, person.is_demo)


def list_people(session: Session, include_inactive: bool = True,
                role: Optional[str] = None) -> list[PersonRow]:
    """People by department order, then name; ``role`` keeps only those who have it."""
    stmt = (select(Person).outerjoin(Department, Person.department_id == Department.id)
            .order_by(Department.sort_order.is_(None), Department.sort_order, Department.name, Person.name))
    if not include_inactive:
        stmt = stmt.where(Person.active.is_(True))
    rows = [_row(p) for p in session.scalars(stmt)]
    return [r for r in rows if role is None or role in r.roles]


def get_person(session: Session, person_id: int) -> PersonRow:
    return _row(_load(session, person_id))


def _load(session: Session, person_id: int) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise NotFoundError("该人员已不存在，可能已被删除，请刷新后重试。")
    return person


def _clean_roles(roles: list[str]) -> list[str]:
    """Known roles, once each, in the order ROLES lists them."""
    return [code for code in ROLES if code in set(roles)]


def _validate(session: Session, data: PersonData, current: Optional[Person], actor: Actor) -> None:
    errors: dict[str, str] = {}
    name = data.name.strip()
    if not name:
        errors["name"] = "请填写姓名。"
    elif len(name) > 50:
        errors["name"] = "姓名不能超过50个字。"
    elif _same_name(session, name, data.department_id, current):
        errors["name"] = (f"该科室已有名为“{name}”的人员；如是同名的另一人，"
                          "请在姓名后加以区分，如“张伟（二）”。")
    _check_department(session, data, current, errors)
    unknown = [r for r in data.roles if r not in ROLES]
    if unknown:
        errors["roles"] = f"角色“{unknown[0]}”不存在，请从列表中选择。"
    if len(data.title.strip()) > 50:
        errors["title"] = "职务不能超过50个字。"
    phone = data.phone.strip()
    if len(phone) > 30 or not _PHONE.match(phone):
        errors["phone"] = "电话只能包含数字、空格、“-”和括号，且不超过30个字符。"
    if current is not None and not data.active and current.active and current.id == actor.id:
        errors["active"] = "不能停用当前操作人自己；请先换一位操作人。"
    if errors:
        raise ValidationError(errors)


def _same_name(session: Session, name: str, dept_id: Optional[int], current: Optional[Person]) -> bool:
    stmt = select(Person.id).where(Person.name == name)
    stmt = stmt.where(Person.department_id.is_(None) if dept_id is None else Person.department_id == dept_id)
    if current is not None:
        stmt = stmt.where(Person.id != current.id)
    return session.scalar(stmt.limit(1)) is not None


def _check_department(session: Session, data: PersonData, current: Optional[Person],
                      errors: dict[str, str]) -> None:
    if data.department_id is None:
        return
    dept = session.get(Department, data.department_id)
    if dept is None:
        errors["department_id"] = "所选科室已不存在，请重新选择。"
    elif not dept.active and (current is None or current.department_id != dept.id):
        errors["department_id"] = f"“{dept.name}”已停用，请选择其他科室或先启用它。"


def _assign(person: Person, data: PersonData) -> None:
    person.name = data.name.strip()
    person.department_id = data.department_id
    person.roles = _clean_roles(data.roles)
    person.title = data.title.strip()
    person.phone = data.phone.strip()
    person.active = bool(data.active)


def create_person(session: Session, actor: Actor, data: PersonData) -> PersonRow:
    check_manager(session, "修改人员")
    _validate(session, data, None, actor)
    person = Person()
    _assign(person, data)
    session.add(person)
    session.flush()
    audit.record(session, actor, "create", "person", person.id, None, audit.snapshot(person, PERSON_FIELDS))
    return get_person(session, person.id)


def update_person(session: Session, actor: Actor, person_id: int, data: PersonData) -> PersonRow:
    check_manager(session, "修改人员")
    person = _load(session, person_id)
    _validate(session, data, person, actor)
    before = audit.snapshot(person, PERSON_FIELDS)
    _assign(person, data)
    session.flush()
    session.refresh(person, ["department"])
    changed_before, changed_after = audit.diff(before, audit.snapshot(person, PERSON_FIELDS))
    if changed_after:
        audit.record(session, actor, "update", "person", person.id, changed_before, changed_after)
    return get_person(session, person.id)


def set_person_active(session: Session, actor: Actor, person_id: int, active: bool) -> PersonRow:
    row = get_person(session, person_id)
    data = PersonData(row.name, row.department_id, list(row.roles), row.title, row.phone, active)
    return update_person(session, actor, person_id, data)


def is_referenced(session: Session, person_id: int) -> bool:
    """Drafted an item, or did anything at the desk (the audit log names them)."""
    drafted = session.scalar(select(Item.id).where(Item.drafter_id == person_id).limit(1))
    acted = session.scalar(select(AuditEvent.id).where(AuditEvent.actor_id == person_id).limit(1))
    return drafted is not None or acted is not None


def remove_person(session: Session, actor: Actor, person_id: int) -> str:
    """Delete someone nothing refers to; deactivate anyone else. "deleted" or "deactivated"."""
    check_manager(session, "修改人员")
    person = _load(session, person_id)
    if person.id == actor.id:
        raise ValidationError({"active": "不能删除或停用当前操作人自己；请先换一位操作人。"})
    before = audit.snapshot(person, PERSON_FIELDS)
    if is_referenced(session, person_id) or not delete_if_unreferenced(session, person):
        set_person_active(session, actor, person_id, False)
        return "deactivated"
    audit.record(session, actor, "delete", "person", person_id, before, None)
    return "deleted"


def create_first_operator(session: Session, name: str) -> PersonRow:
    """On a desk with nobody in it: the person at the PC registers as its 信息员. They are
    recorded as the author of their own entry, so the log has no anonymous first line."""
    data = PersonData(name=name, roles=["maintainer"])
    _validate(session, data, None, audit.SYSTEM)
    person = Person()
    _assign(person, data)
    session.add(person)
    session.flush()
    audit.record(session, Actor(person.id, person.name), "create", "person", person.id, None,
                 audit.snapshot(person, PERSON_FIELDS))
    return get_person(session, person.id)
