"""Helpers for the review/sign-off tests (core and UI): a desk with reviewers for every step
of the 四级审查 preset, each with a known password. Scrypt is slow on purpose, so the
passwords are hashed once per process and reused."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy.orm import Session

from deskapp.core.audit.chain import Actor
from deskapp.core.register.items import ItemData, create_item
from deskapp.core.review.flow import ensure_flow
from deskapp.core.review.passwords import hash_password
from deskapp.core.store.models import Department, Person

PASSWORD = "review-123"
TODAY = dt.date(2026, 11, 26)


@lru_cache(maxsize=None)
def password_hash(password: str = PASSWORD) -> str:
    return hash_password(password)


@dataclass
class Staff:
    """Person ids by role in the 四级审查 preset."""

    drafter: int
    head: int  # 科室负责人初审
    secrecy: int  # 保密审查
    deputy: int  # 分管领导审核
    chief: int  # 主要领导签发
    dept: int

    @property
    def chain(self) -> list[int]:
        return [self.head, self.secrecy, self.deputy, self.chief]


def add_person(session: Session, name: str, roles: list[str], dept: int | None = None,
               with_password: bool = True) -> int:
    person = Person(name=name, roles=roles, department_id=dept,
                    password_hash=password_hash() if with_password else None)
    session.add(person)
    session.flush()
    return person.id


def make_staff(session: Session) -> Staff:
    dept = Department(name="党政办公室")
    session.add(dept)
    session.flush()
    staff = Staff(
        drafter=add_person(session, "王经办", ["drafter", "maintainer"], dept.id),
        head=add_person(session, "李科长", ["dept_head"], dept.id),
        secrecy=add_person(session, "赵保密", ["secrecy"], dept.id),
        deputy=add_person(session, "钱分管", ["deputy_leader"]),
        chief=add_person(session, "孙主任", ["chief_leader"]),
        dept=dept.id,
    )
    ensure_flow(session)
    return staff


def make_item(session: Session, actor: Actor, staff: Staff, title: str = "关于垃圾分类工作的通知",
              formed_on: dt.date = dt.date(2026, 11, 10), **extra: object) -> int:
    data = ItemData(title=title, kind="工作动态", formed_on=formed_on, department_id=staff.dept,
                    drafter_id=staff.drafter, content="正文内容。", summary="内容摘要。",
                    channels=["政府网站"], **extra)  # type: ignore[arg-type]
    return create_item(session, actor, data, today=TODAY).id
