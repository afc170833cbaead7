"""The signed-in account as the window and the rules see it (``ctx.account``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional

from deskapp.core.accounts.roles import ADMIN, DEPARTMENT_ROLES, role_label
from deskapp.core.accounts.scope import Scope
from deskapp.core.audit.chain import Actor


@dataclass(frozen=True)
class AccountInfo:
    id: int
    username: str
    person_id: int
    person_name: str
    role: str
    department_id: Optional[int]
    department_name: str
    active: bool = True
    locked_until_text: str = ""  # "" unless locked now: when it may try again (local time)

    @property
    def role_label(self) -> str:
        return role_label(self.role)

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN

    @property
    def display(self) -> str:
        """“张三（维护员）” — the title bar's and the status bar's name for the account."""
        where = f"{self.department_name}·" if self.department_name and self.role in DEPARTMENT_ROLES else ""
        return f"{self.person_name}（{where}{self.role_label}）"

    def actor(self) -> Actor:
        """Audit events name the person the account belongs to."""
        return Actor(self.person_id, self.person_name)

    def scope(self) -> Scope:
        if self.role not in DEPARTMENT_ROLES:
            return Scope(person_id=self.person_id, role=self.role)
        return Scope(self.department_id, self.department_name, limited=True,
                     person_id=self.person_id, role=self.role)


def local_time_text(utc: dt.datetime, now: dt.datetime) -> str:
    """“14:32”, or “12月7日 14:32” on another day: when a locked account may try again."""
    local = utc.replace(tzinfo=dt.timezone.utc).astimezone()
    today = now.replace(tzinfo=dt.timezone.utc).astimezone().date()
    clock = local.strftime("%H:%M")
    return clock if local.date() == today else f"{local.month}月{local.day}日 {clock}"
