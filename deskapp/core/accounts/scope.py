"""What the signed-in account may see: everything, or one department's items and requests.

The scope travels with the database's sessions (``Session.info``), set once when a person
signs in (:func:`bind_scope`). Core queries and loads read it with :func:`scope_of`, so a
department desk cannot open or save another department's item by id whatever the window
does. Sessions without a scope (the single-PC desk, the CLI) see everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Optional

from sqlalchemy import ColumnElement, false
from sqlalchemy.orm import InstrumentedAttribute, Session

from deskapp.core.accounts.roles import ADMIN, MAINTAINER, role_label
from deskapp.core.errors import DeskError, ValidationError

if TYPE_CHECKING:
    from deskapp.core.store.db import Database

SCOPE_KEY = "deskapp.scope"


@dataclass(frozen=True)
class Scope:
    """``department_id`` None: everything (maintainer, administrator, leaders)."""

    department_id: Optional[int] = None
    department_name: str = ""
    limited: bool = False  # a department role whose account has no department sees nothing
    # The signed-in account's person and role (None on the single-PC desk and the CLI): on a
    # server a decision is signed only by the account's own person, in the account's role.
    person_id: Optional[int] = None
    role: Optional[str] = None

    @property
    def everything(self) -> bool:
        return not self.limited

    def allows(self, department_id: Optional[int]) -> bool:
        return not self.limited or (self.department_id is not None and department_id == self.department_id)


EVERYTHING = Scope()


class OutOfScopeError(DeskError):
    """The account tried to open or save what belongs to another department."""

    def __init__(self, scope: Scope, what: str = "信息"):
        mine = f"（{scope.department_name}）" if scope.department_name else ""
        super().__init__(f"该{what}属于其他科室或社区，您的账户{mine}无权查看或修改；如需办理请联系维护员。")


def bind_scope(db: Database, scope: Scope) -> None:
    """Every session the database opens from now on carries ``scope``."""
    db.session_factory.configure(info={SCOPE_KEY: scope})


def scope_of(session: Session) -> Scope:
    found = session.info.get(SCOPE_KEY)
    return found if isinstance(found, Scope) else EVERYTHING


def department_clause(session: Session, column: InstrumentedAttribute[Any]) -> Optional[ColumnElement[bool]]:
    """A WHERE clause keeping the rows the account may see on ``column`` (a department id);
    None when it sees everything."""
    scope = scope_of(session)
    if scope.everything:
        return None
    if scope.department_id is None:
        return false()
    clause: ColumnElement[bool] = column == scope.department_id
    return clause


def check_department(session: Session, department_id: Optional[int], what: str = "信息") -> None:
    """Raise OutOfScopeError unless the account may see a row of ``department_id``."""
    scope = scope_of(session)
    if not scope.allows(department_id):
        raise OutOfScopeError(scope, what)


class NotPermittedError(DeskError):
    """The signed-in account's role may not do this (settings, people, the flow, accounts)."""


def check_manager(session: Session, what: str = "修改设置") -> None:
    """Only a maintainer or administrator account changes what the whole office shares; the
    single-PC desk and the command line (no account) are not limited."""
    role = scope_of(session).role
    if role is not None and role not in (ADMIN, MAINTAINER):
        raise NotPermittedError(f"只有维护员或管理员可以{what}；您的账户角色是“{role_label(role)}”，"
                                "如需修改请联系维护员。")


def check_admin(session: Session, what: str = "管理账户") -> None:
    role = scope_of(session).role
    if role is not None and role != ADMIN:
        raise NotPermittedError(f"只有管理员可以{what}；您的账户角色是“{role_label(role)}”。")


def check_drafting_department(session: Session, department_id: Optional[int]) -> None:
    """A department account saves items only under its own department: none chosen is a
    field to fill, another one is refused."""
    scope = scope_of(session)
    if scope.limited and department_id is None:
        raise ValidationError({"department_id": f"请在“科室”中选择“{scope.department_name}”："
                                                "您的账户只能登记本科室或社区的信息。"})
    check_department(session, department_id)
