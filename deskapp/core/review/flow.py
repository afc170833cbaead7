"""The office's review flow (先审查后公开) as configuration: ordered steps, who decides each.

Offices differ (domain.md §3), so the steps are data, with two presets: 四级审查 and 三审.
A step names its people; with none named, the active people holding the step's role decide
it. An item copies the steps when first submitted (:mod:`deskapp.core.review.workflow`) and keeps
them; saving the flow changes the *people* of steps items are still waiting at (so a step
whose reviewers left can be unblocked), never the steps an item already has.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from deskapp.core.accounts.roles import department_scoped_step
from deskapp.core.accounts.scope import check_manager
from deskapp.core.audit import chain as audit
from deskapp.core.audit.chain import Actor
from deskapp.core.errors import ValidationError
from deskapp.core.store.models import (
    Item,
    ItemReview,
    ItemStep,
    ItemStepPerson,
    Person,
    ReviewFlow,
    ReviewStep,
    ReviewStepPerson,
)
from deskapp.core.store.vocab import ROLES

FLOW_ID = 1
MAX_STEPS = 8
SECRECY_STEP = "保密审查"

# (name, role whose holders decide it when nobody is named, may decide 不予公开)
PRESETS: dict[str, list[tuple[str, str, bool]]] = {
    "四级审查": [
        ("科室负责人初审", "dept_head", False),
        (SECRECY_STEP, "secrecy", True),
        ("分管领导审核", "deputy_leader", False),
        ("主要领导签发", "chief_leader", False),
    ],
    # New media (两微一端) in a street office; the first step also checks secrecy.
    "三审": [
        ("初审", "dept_head", True),
        ("审核", "deputy_leader", False),
        ("审发", "chief_leader", False),
    ],
}
DEFAULT_PRESET = "四级审查"
CUSTOM = "自定义"


@dataclass
class StepData:
    """One step as the settings dialog edits it."""

    name: str
    people: list[int] = field(default_factory=list)
    role: Optional[str] = None
    can_withhold: bool = False
    id: Optional[int] = None  # the stored step it edits; None for a new step


@dataclass
class FlowData:
    name: str = DEFAULT_PRESET
    forbid_self_approval: bool = True
    steps: list[StepData] = field(default_factory=list)


@dataclass(frozen=True)
class PersonRef:
    id: int
    name: str
    active: bool


@dataclass(frozen=True)
class StepView:
    id: int
    position: int
    name: str
    role: Optional[str]
    can_withhold: bool
    people: tuple[PersonRef, ...]  # named people (active or not)
    deciders: tuple[PersonRef, ...]  # who may decide now: named, else role holders; active only

    @property
    def blocked(self) -> bool:
        return not self.deciders

    @property
    def role_label(self) -> str:
        return ROLES.get(self.role or "", "")

    @property
    def department_scoped(self) -> bool:
        """Decided by the role's holders in the item's own department (科室负责人初审), unless
        the step names its people."""
        return not self.people and department_scoped_step(self.role)

    def as_data(self) -> StepData:
        return StepData(self.name, [p.id for p in self.people], self.role, self.can_withhold, self.id)


@dataclass(frozen=True)
class FlowView:
    name: str
    forbid_self_approval: bool
    steps: tuple[StepView, ...]

    def as_data(self) -> FlowData:
        return FlowData(self.name, self.forbid_self_approval, [s.as_data() for s in self.steps])


def preset_steps(name: str) -> list[StepData]:
    if name not in PRESETS:
        raise ValidationError({"preset": f"没有名为“{name}”的预设流程。"})
    return [StepData(n, [], role, withhold) for n, role, withhold in PRESETS[name]]


# --- reading --------------------------------------------------------------------------------

def ensure_flow(session: Session) -> ReviewFlow:
    """The flow row, seeding the 四级审查 preset (people by role) on a desk that has none."""
    flow = session.get(ReviewFlow, FLOW_ID)
    if flow is not None:
        return flow
    flow = ReviewFlow(id=FLOW_ID, name=DEFAULT_PRESET, forbid_self_approval=True)
    session.add(flow)
    for position, step in enumerate(preset_steps(DEFAULT_PRESET), start=1):
        session.add(ReviewStep(position=position, name=step.name, role=step.role,
                               can_withhold=step.can_withhold))
    session.flush()
    audit.record(session, audit.SYSTEM, "create", "review_flow", FLOW_ID, None,
                 _flow_snapshot(session, flow))
    return flow


def _people_by_id(session: Session) -> dict[int, PersonRef]:
    rows = session.execute(select(Person.id, Person.name, Person.active))
    return {r.id: PersonRef(r.id, r.name, bool(r.active)) for r in rows}


def _role_holders(people: dict[int, PersonRef], roles: dict[int, list[str]], role: Optional[str]) -> list[PersonRef]:
    if not role:
        return []
    return [people[pid] for pid, have in roles.items() if role in (have or []) and people[pid].active]


def _default_view(people: dict[int, PersonRef], roles: dict[int, list[str]]) -> FlowView:
    """The preset a desk starts with, before anything is stored (reading never writes, so a
    read-only database shows it too). Negative ids: not stored yet."""
    steps = tuple(
        StepView(-n, n, s.name, s.role, s.can_withhold, (), tuple(_role_holders(people, roles, s.role)))
        for n, s in enumerate(preset_steps(DEFAULT_PRESET), start=1)
    )
    return FlowView(DEFAULT_PRESET, True, steps)


def load_flow(session: Session) -> FlowView:
    flow = session.get(ReviewFlow, FLOW_ID)
    people = _people_by_id(session)
    roles = {r[0]: r[1] for r in session.execute(select(Person.id, Person.roles))}
    if flow is None:
        return _default_view(people, roles)
    named: dict[int, list[int]] = {}
    for step_id, person_id in session.execute(select(ReviewStepPerson.step_id, ReviewStepPerson.person_id)):
        named.setdefault(step_id, []).append(person_id)
    views = []
    for step in session.scalars(select(ReviewStep).order_by(ReviewStep.position)):
        mine = tuple(sorted((people[p] for p in named.get(step.id, [])), key=lambda r: r.id))
        deciders = tuple(p for p in mine if p.active) if mine else tuple(_role_holders(people, roles, step.role))
        views.append(StepView(step.id, step.position, step.name, step.role, step.can_withhold, mine, deciders))
    return FlowView(flow.name, flow.forbid_self_approval, tuple(views))


def forbid_self_approval(session: Session) -> bool:
    flow = session.get(ReviewFlow, FLOW_ID)
    return True if flow is None else flow.forbid_self_approval


def _flow_snapshot(session: Session, flow: ReviewFlow) -> dict[str, object]:
    steps = []
    for step in session.scalars(select(ReviewStep).order_by(ReviewStep.position)):
        people = sorted(session.scalars(select(ReviewStepPerson.person_id)
                                        .where(ReviewStepPerson.step_id == step.id)))
        steps.append({"name": step.name, "role": step.role, "can_withhold": step.can_withhold,
                      "people": people})
    return {"name": flow.name, "forbid_self_approval": flow.forbid_self_approval, "steps": steps}


# --- saving -----------------------------------------------------------------------------------

def validate_flow(session: Session, data: FlowData) -> None:
    errors: dict[str, str] = {}
    if not data.name.strip() or len(data.name.strip()) > 50:
        errors["name"] = "请填写流程名称（不超过50个字）。"
    if not data.steps:
        errors["steps"] = "审核流程至少需要一个步骤。"
    elif len(data.steps) > MAX_STEPS:
        errors["steps"] = f"审核流程最多 {MAX_STEPS} 个步骤。"
    names = [s.name.strip() for s in data.steps]
    known = _people_by_id(session)
    for number, (step, name) in enumerate(zip(data.steps, names, strict=True), start=1):
        if not name or len(name) > 50:
            errors[f"step{number}"] = f"第{number}步需要名称（不超过50个字）。"
        elif names.count(name) > 1:
            errors[f"step{number}"] = f"步骤名称“{name}”重复了，请改用不同的名称。"
        elif step.role is not None and step.role not in ROLES:
            errors[f"step{number}"] = f"第{number}步的角色不存在，请重新选择。"
        elif any(p not in known for p in step.people):
            errors[f"step{number}"] = f"第{number}步“{name}”所选人员已不存在，请重新选择。"
        elif not step.people and not step.role:
            errors[f"step{number}"] = f"请为第{number}步“{name}”指定审批人员或角色。"
    if errors:
        raise ValidationError(errors)


def save_flow(session: Session, actor: Actor, data: FlowData) -> FlowView:
    """Store the flow (one audit event with before/after) and hand the new people of each
    step to the items waiting at it. Items keep their steps."""
    check_manager(session, "修改审核流程")
    validate_flow(session, data)
    flow = ensure_flow(session)
    before = _flow_snapshot(session, flow)
    flow.name = data.name.strip()
    flow.forbid_self_approval = bool(data.forbid_self_approval)
    existing = {s.id: s for s in session.scalars(select(ReviewStep))}
    kept: set[int] = set()
    for position, step_data in enumerate(data.steps, start=1):
        step = existing.get(step_data.id) if step_data.id is not None else None
        if step is None:
            step = ReviewStep()
            session.add(step)
        step.position, step.name = position, step_data.name.strip()
        step.role, step.can_withhold = step_data.role, bool(step_data.can_withhold)
        session.flush()
        kept.add(step.id)
        session.execute(delete(ReviewStepPerson).where(ReviewStepPerson.step_id == step.id))
        for person_id in dict.fromkeys(step_data.people):
            session.add(ReviewStepPerson(step_id=step.id, person_id=person_id))
    for step_id, step in existing.items():
        if step_id not in kept:
            session.delete(step)
    session.flush()
    view = load_flow(session)
    updated = sync_waiting_items(session, view)
    after = _flow_snapshot(session, flow)
    if before != after or updated:
        audit.record(session, actor, "update", "review_flow", FLOW_ID, before,
                     {**after, "waiting_steps_updated": updated})
    return view


def apply_preset(session: Session, actor: Actor, name: str) -> FlowView:
    current = load_flow(session)
    return save_flow(session, actor, FlowData(name, current.forbid_self_approval, preset_steps(name)))


def sync_waiting_items(session: Session, view: FlowView) -> int:
    """Give undecided steps of items in review the flow's current deciders. Returns how many
    item steps changed."""
    by_id = {s.id: {p.id for p in s.deciders} for s in view.steps}
    scoped = {s.id for s in view.steps if s.department_scoped}
    rows = session.execute(
        select(ItemStep.id, ItemStep.flow_step_id, Item.department_id)
        .join(ItemReview, ItemReview.item_id == ItemStep.item_id)
        .join(Item, Item.id == ItemStep.item_id)
        .where(ItemReview.current_position.is_not(None),
               ItemStep.position >= ItemReview.current_position,
               ItemStep.flow_step_id.in_(list(by_id)))
    ).all()
    if not rows:
        return 0
    current: dict[int, set[int]] = {}
    ids = [r.id for r in rows]
    for sid, pid in session.execute(select(ItemStepPerson.item_step_id, ItemStepPerson.person_id)
                                    .where(ItemStepPerson.item_step_id.in_(ids))):
        current.setdefault(sid, set()).add(pid)
    changed = 0
    for row in rows:
        wanted = by_id[row.flow_step_id]
        if row.flow_step_id in scoped:
            wanted = in_department(session, wanted, row.department_id)
        if not wanted or current.get(row.id, set()) == wanted:
            continue  # never empty a step: a flow without people there is reported instead
        session.execute(delete(ItemStepPerson).where(ItemStepPerson.item_step_id == row.id))
        session.add_all(ItemStepPerson(item_step_id=row.id, person_id=p) for p in sorted(wanted))
        changed += 1
    session.flush()
    return changed


def in_department(session: Session, people: set[int], department_id: Optional[int]) -> set[int]:
    """Those of ``people`` who belong to ``department_id``; all of them for an item without a
    department (nobody's own: any holder of the role decides)."""
    if department_id is None or not people:
        return set(people)
    return set(session.scalars(select(Person.id).where(Person.id.in_(sorted(people)),
                                                       Person.department_id == department_id)))


def deciding_role(session: Session, flow_step_id: Optional[int]) -> Optional[str]:
    """The role whose holders decide an item's step (copied from flow step ``flow_step_id``):
    None when the flow step is gone or names its people."""
    if flow_step_id is None:
        return None
    step = session.get(ReviewStep, flow_step_id)
    if step is None or not step.role:
        return None
    named = session.scalar(select(ReviewStepPerson.person_id)
                           .where(ReviewStepPerson.step_id == flow_step_id).limit(1))
    return step.role if named is None else None


def step_is_department_scoped(session: Session, flow_step_id: Optional[int]) -> bool:
    """Whether an item's step is decided only within the item's department: its flow step
    still exists, has a department-scoped role and no named people."""
    return department_scoped_step(deciding_role(session, flow_step_id))


# --- the approval form's title ----------------------------------------------------------------
# Kept in the ``setting`` table under its own key (core/settings.OPTIONS belongs to the
# organisation settings dialog; this one is edited with the flow).

FORM_TITLE_KEY = "review_form_title"
DEFAULT_FORM_TITLE = "政府信息公开保密审查审批表"


def form_title(session: Session) -> str:
    from deskapp.core.store.models import Setting

    row = session.get(Setting, FORM_TITLE_KEY)
    return str(row.value).strip() if row is not None and str(row.value).strip() else DEFAULT_FORM_TITLE


def set_form_title(session: Session, actor: Actor, title: str) -> None:
    check_manager(session, "修改审核流程")
    from deskapp.core.store.models import Setting

    title = title.strip() or DEFAULT_FORM_TITLE
    if len(title) > 40:
        raise ValidationError({"form_title": "审批表标题不能超过40个字。"})
    before = form_title(session)
    if before == title:
        return
    row = session.get(Setting, FORM_TITLE_KEY)
    if row is None:
        session.add(Setting(key=FORM_TITLE_KEY, value=title))
    else:
        row.value = title
    session.flush()
    audit.record(session, actor, "update", "setting", FORM_TITLE_KEY, {FORM_TITLE_KEY: before},
                 {FORM_TITLE_KEY: title})
