"""The organisation: its settings (机构信息) and its departments (科室 / 社区 / 站所).

Every function takes the caller's session (one transaction per user action) and an
:class:`~deskapp.core.audit.chain.Actor`, validates with Chinese messages, and audits each change.
People are in :mod:`deskapp.core.register.people`. The UI gets plain rows, never ORM objects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Optional

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, Session

from deskapp.core.accounts.scope import check_manager
from deskapp.core.audit import chain as audit
from deskapp.core.audit.chain import Actor
from deskapp.core.errors import NotFoundError, ValidationError
from deskapp.core.register.holidays import recompute_deadlines
from deskapp.core.store import settings
from deskapp.core.store.models import Department, Item, Person
from deskapp.core.store.vocab import DEPARTMENT_KINDS, label

# --- organisation settings ------------------------------------------------------------------

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^[0-9+\-()（）\s、,，/转]*$")
_MONTH_DAY = re.compile(r"^(\d{2})-(\d{2})$")
_DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]


@dataclass(frozen=True)
class SettingsSaved:
    changed: dict[str, tuple[Any, Any]]  # key → (before, after)
    deadlines_changed: int


def _check_org_values(values: dict[str, Any], errors: dict[str, str]) -> None:
    """Rules beyond the types declared in core/settings.py, for what the settings dialog edits;
    raises with ``errors`` (from coercion) and its own."""
    if "org_name" in values and not str(values["org_name"]).strip():
        errors["org_name"] = "请填写机关名称（如“××街道办事处”）。"
    for key in ("phone", "fax"):
        text = str(values.get(key, "") or "")
        if not _PHONE.match(text) or len(text) > 60:
            errors[key] = f"“{settings.OPTIONS[key].label}”只能包含数字、空格、“-”和括号。"
    email = str(values.get("email", "") or "").strip()
    if email and not _EMAIL.match(email):
        errors["email"] = "电子邮箱格式不正确，应如 gkb@example.gov.cn。"
    soon = values.get("due_soon_workdays")
    if soon is not None and not (isinstance(soon, int) and 0 <= soon <= 15):
        errors["due_soon_workdays"] = "即将到期提醒应在 0 到 15 个工作日之间。"
    report = values.get("annual_report_due")
    if report is not None and not _valid_month_day(str(report)):
        errors["annual_report_due"] = "年度报告报送期限应写作“月-日”，如 01-31。"
    try:  # the declared ranges too, so every bad field is reported at once
        settings.validate(values)
    except ValidationError as exc:
        errors.update(exc.fields)
    if errors:
        raise ValidationError(errors)


def _valid_month_day(text: str) -> bool:
    m = _MONTH_DAY.match(text.strip())
    return m is not None and 1 <= int(m.group(1)) <= 12 and 1 <= int(m.group(2)) <= _DAYS_IN_MONTH[int(m.group(1)) - 1]


def save_settings(session: Session, actor: Actor, changes: dict[str, Any]) -> SettingsSaved:
    """Store organisation settings with one audit event; a new default 公开时限 recomputes
    the open deadlines of items without a catalogue time limit."""
    check_manager(session, "修改机构设置和科室")
    coerced: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for key, value in changes.items():
        try:
            coerced[key] = settings.coerce(key, value)
        except ValidationError as exc:
            errors.update(exc.fields)
    _check_org_values(coerced, errors)
    changed = settings.put_many(session, coerced)
    if changed:
        audit.record(session, actor, "update", "setting", None,
                     {k: b for k, (b, _) in changed.items()}, {k: a for k, (_, a) in changed.items()})
    recomputed = recompute_deadlines(session, actor) if "default_time_limit" in changed else 0
    return SettingsSaved(changed, recomputed)


# --- departments ----------------------------------------------------------------------------

MAX_SORT = 9999


@dataclass(frozen=True)
class DepartmentRow:
    id: int
    name: str
    kind: str
    sort_order: int
    active: bool
    is_demo: bool
    people: int  # people in it, active or not
    items: int  # items assigned to it

    @property
    def kind_label(self) -> str:
        return label(DEPARTMENT_KINDS, self.kind)


@dataclass
class DepartmentData:
    """The editable fields of a department."""

    name: str = ""
    kind: str = "office"
    sort_order: int = 0
    active: bool = True


DEPARTMENT_FIELDS = ["name", "kind", "sort_order", "active"]


def _counts(session: Session, column: InstrumentedAttribute[Optional[int]]) -> dict[int, int]:
    rows = session.execute(select(column, func.count()).where(column.is_not(None)).group_by(column))
    return {dept_id: n for dept_id, n in rows if dept_id is not None}  # (none is: see where)


def _row(dept: Department, people: dict[int, int], items: dict[int, int]) -> DepartmentRow:
    return DepartmentRow(dept.id, dept.name, dept.kind, dept.sort_order, dept.active, dept.is_demo,
                         people.get(dept.id, 0), items.get(dept.id, 0))


def list_departments(session: Session, include_inactive: bool = True) -> list[DepartmentRow]:
    """Departments in display order: by sort order, then name."""
    stmt = select(Department).order_by(Department.sort_order, Department.name)
    if not include_inactive:
        stmt = stmt.where(Department.active.is_(True))
    people = _counts(session, Person.department_id)
    items = _counts(session, Item.department_id)
    return [_row(d, people, items) for d in session.scalars(stmt)]


def get_department(session: Session, dept_id: int) -> DepartmentRow:
    dept = _load(session, dept_id)
    return _row(dept, _counts(session, Person.department_id), _counts(session, Item.department_id))


def _load(session: Session, dept_id: int) -> Department:
    dept = session.get(Department, dept_id)
    if dept is None:
        raise NotFoundError("该科室已不存在，可能已被删除，请刷新后重试。")
    return dept


def _validate_department(session: Session, data: DepartmentData, own_id: Optional[int]) -> None:
    errors: dict[str, str] = {}
    name = data.name.strip()
    if not name:
        errors["name"] = "请填写名称。"
    elif len(name) > 100:
        errors["name"] = "名称不能超过100个字。"
    else:
        clash = session.scalar(select(Department).where(Department.name == name, Department.id != own_id))
        if clash is not None:
            hint = "该科室已停用，可选中后点“启用”。" if not clash.active else "请换一个名称。"
            errors["name"] = f"已有名为“{name}”的科室，{hint}"
    if data.kind not in DEPARTMENT_KINDS:
        errors["kind"] = "请选择类型：科室、社区或站所。"
    if not isinstance(data.sort_order, int) or not 0 <= data.sort_order <= MAX_SORT:
        errors["sort_order"] = f"排序号应在 0 到 {MAX_SORT} 之间。"
    if errors:
        raise ValidationError(errors)


def _assign_department(dept: Department, data: DepartmentData) -> None:
    dept.name = data.name.strip()
    dept.kind = data.kind
    dept.sort_order = data.sort_order
    dept.active = bool(data.active)


def create_department(session: Session, actor: Actor, data: DepartmentData) -> DepartmentRow:
    check_manager(session, "修改机构设置和科室")
    _validate_department(session, data, None)
    dept = Department()
    _assign_department(dept, data)
    session.add(dept)
    session.flush()
    audit.record(session, actor, "create", "department", dept.id, None,
                 audit.snapshot(dept, DEPARTMENT_FIELDS))
    return get_department(session, dept.id)


def update_department(session: Session, actor: Actor, dept_id: int, data: DepartmentData) -> DepartmentRow:
    check_manager(session, "修改机构设置和科室")
    dept = _load(session, dept_id)
    _validate_department(session, data, dept_id)
    before = audit.snapshot(dept, DEPARTMENT_FIELDS)
    _assign_department(dept, data)
    session.flush()
    changed_before, changed_after = audit.diff(before, audit.snapshot(dept, DEPARTMENT_FIELDS))
    if changed_after:
        audit.record(session, actor, "update", "department", dept.id, changed_before, changed_after)
    return get_department(session, dept.id)


def set_department_active(session: Session, actor: Actor, dept_id: int, active: bool) -> DepartmentRow:
    row = get_department(session, dept_id)
    data = DepartmentData(row.name, row.kind, row.sort_order, active)
    return update_department(session, actor, dept_id, data)


def remove_department(session: Session, actor: Actor, dept_id: int) -> str:
    """Delete a department nobody refers to; deactivate one that items or people refer to
    (their records keep naming it). Returns "deleted" or "deactivated"."""
    check_manager(session, "修改机构设置和科室")
    dept = _load(session, dept_id)
    row = get_department(session, dept_id)
    if row.people or row.items or not delete_if_unreferenced(session, dept):
        set_department_active(session, actor, dept_id, False)
        return "deactivated"
    audit.record(session, actor, "delete", "department", dept_id,
                 {f: getattr(row, f) for f in DEPARTMENT_FIELDS}, None)
    return "deleted"


def delete_if_unreferenced(session: Session, obj: object) -> bool:
    """Delete in a savepoint; False (nothing deleted) when another row still refers to it.

    A table added later (reviews, work logs) may refer to the row too: the database's foreign
    keys are the judge, not a list kept here.
    """
    try:
        with session.begin_nested():
            session.delete(obj)
            session.flush()
    except IntegrityError:
        session.expire_all()
        return False
    return True
