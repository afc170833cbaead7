"""The roles an account can have, and which of them see only their own department.

Reviewer roles are the review flow's step roles (core/review/flow.PRESETS): an account with
one decides the steps of that role. 科室负责人 steps are department-scoped: only the head of
the item's own department decides them (:func:`department_scoped_step`).
"""

from __future__ import annotations

ADMIN = "admin"
MAINTAINER = "maintainer"
DESK = "desk"

ACCOUNT_ROLES: dict[str, str] = {
    ADMIN: "管理员",
    MAINTAINER: "维护员",
    "dept_head": "科室负责人",
    "secrecy": "保密审查员",
    "deputy_leader": "分管领导",
    "chief_leader": "主要领导",
    DESK: "科室/社区经办",
}

# Accounts with these roles see and draft only their own department's items and requests.
DEPARTMENT_ROLES = frozenset({DESK, "dept_head"})

# Review-step roles whose holders decide only for items of their own department.
DEPARTMENT_STEP_ROLES = frozenset({"dept_head"})


def department_scoped_step(role: str | None) -> bool:
    """A step decided by role holders of the item's own department, not by all of them."""
    return role in DEPARTMENT_STEP_ROLES


def role_label(role: str) -> str:
    return ACCOUNT_ROLES.get(role, role)
