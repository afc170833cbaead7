"""The review state machine (先审查后公开). No Qt.

    draft ──submit──▶ in_review ──approve (each step)──▶ … ──last approve──▶ approved (已签发)
      ▲                 │  │                                                    │
      └─ returned ◀─return┘  └─withhold (不予公开, at a step that may) ─▶ approved + withheld
                                                                                │ publish
                                              withdrawn ◀──withdraw (下架)── published
    published ──revise──▶ a new Item row (revision_of_id, 变更日期) in draft; when that one is
    published the old revision is withdrawn as superseded (ItemReview.superseded_by_id).

不予公开 is represented without a new status, so ``items --json`` keeps the statuses of
cli.md: the item becomes ``status="approved"``, ``attribute="withheld"`` with the legal
reason in ``withheld_reason`` and ``ItemReview.outcome="withheld"``; it has no due date and
can never be published (the review is closed, 已办结).

Rules that hold whatever the UI does (each has a test that tries to break it):
- only ``publish`` sets ``published``, and only when every step of the current round has an
  approval; only ``approved`` items that are not withheld are published;
- only a current step's people decide it, with their password (or on paper, recorded by the
  maintainer with the signer, date and scan); a person may not approve what they drafted
  unless the flow allows it;
- a decision on a version other than the one the reviewer saw is refused;
- a step whose people are all deactivated blocks submission and is reported in the queue.
Every action records an audit event.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from deskapp.core.accounts.roles import ADMIN, MAINTAINER, role_label
from deskapp.core.accounts.scope import scope_of
from deskapp.core.audit import chain as audit
from deskapp.core.audit.chain import Actor
from deskapp.core.errors import ConcurrentEditError, DeskError, ValidationError
from deskapp.core.review import passwords
from deskapp.core.review.flow import (
    deciding_role,
    ensure_flow,
    forbid_self_approval,
    in_department,
    load_flow,
    step_is_department_scoped,
)
from deskapp.core.review.state import Outcome, flush_checked, load_item, outcome, steps_of, touch
from deskapp.core.store.models import (
    Item,
    ItemReview,
    ItemStep,
    ItemStepPerson,
    Person,
    ReviewDecision,
    utcnow,
)
from deskapp.core.store.vocab import STATUSES

if TYPE_CHECKING:
    from deskapp.core.store.db import Database

DECISIONS = {"approve": "同意", "return": "退回", "withhold": "不予公开"}
MODES = {"online": "在线签批", "paper": "纸质签批"}
SUBMITTABLE = ("draft", "returned")
MAX_OPINION = 1000


@dataclass(frozen=True)
class Decider:
    """Who decides: a signer whose password was checked, or a paper signer."""

    id: int
    name: str
    mode: str = "online"
    paper_date: Optional[dt.date] = None
    scan_attachment_id: Optional[int] = None


# --- loading ---------------------------------------------------------------------------------

def _review(session: Session, item: Item) -> ItemReview:
    review = session.get(ItemReview, item.id)
    if review is None:
        review = ItemReview(item_id=item.id, round=0)
        session.add(review)
    return review


def deciders_of(session: Session, item_step_id: int, active_only: bool = True) -> dict[int, str]:
    stmt = (select(Person.id, Person.name).join(ItemStepPerson, ItemStepPerson.person_id == Person.id)
            .where(ItemStepPerson.item_step_id == item_step_id).order_by(Person.id))
    if active_only:
        stmt = stmt.where(Person.active.is_(True))
    return {r[0]: r[1] for r in session.execute(stmt)}


def _state(item: Item, review: Optional[ItemReview], step: str = "") -> dict[str, object]:
    return {"status": item.status, "version": item.version, "step": step,
            "round": review.round if review else 0}


# --- submit --------------------------------------------------------------------------------

def _snapshot_steps(session: Session, item: Item) -> list[ItemStep]:
    """Copy the configured flow onto the item (first submission only)."""
    ensure_flow(session)
    flow = load_flow(session)
    steps = []
    for view in flow.steps:
        step = ItemStep(item_id=item.id, position=view.position, name=view.name,
                        can_withhold=view.can_withhold, flow_step_id=view.id)
        session.add(step)
        session.flush()
        deciders = {p.id for p in view.deciders}
        if view.department_scoped:  # 科室负责人初审: the head of the item's own department
            deciders = in_department(session, deciders, item.department_id)
        session.add_all(ItemStepPerson(item_step_id=step.id, person_id=p) for p in sorted(deciders))
        steps.append(step)
    return steps


def _check_staffed(session: Session, steps: list[ItemStep]) -> None:
    empty = [s.name for s in steps if not deciders_of(session, s.id)]
    if empty:
        raise ValidationError({"steps": f"审核步骤“{'、'.join(empty)}”没有在职的审批人员，"
                                        "请先在“审核流程”设置中指定人员后再送审。"})


def can_submit(session: Session, item: Item) -> bool:
    """Drafts and returned items; also one marked 审核中 with no step recorded (an imported
    ledger's), which could otherwise never move."""
    if item.status in SUBMITTABLE:
        return True
    review = session.get(ItemReview, item.id)
    return item.status == "in_review" and (review is None or review.current_position is None)


def submit(session: Session, actor: Actor, item_id: int, expected_version: Optional[int],
           today: Optional[dt.date] = None) -> Outcome:
    """送审: a draft or a returned item enters the first step (again)."""
    today = today or dt.date.today()
    item = load_item(session, item_id, expected_version)
    if not can_submit(session, item):
        raise ValidationError({"status": f"“{STATUSES[item.status]}”的信息不能送审，只有草稿或已退回的信息可以送审。"})
    if not item.title.strip():
        raise ValidationError({"title": "请先填写标题再送审。"})
    review = _review(session, item)
    before = _state(item, review)
    steps = steps_of(session, item.id) or _snapshot_steps(session, item)
    _check_staffed(session, steps)
    review.round += 1
    review.current_position, review.step_since = steps[0].position, today
    review.submitted_on, review.outcome, review.approved_on = today, None, None
    item.status = "in_review"
    touch(item)
    flush_checked(session)
    audit.record(session, actor, "submit", "item", item.id, before, _state(item, review, steps[0].name))
    return outcome(session, item, f"已送审，等待“{steps[0].name}”。")


# --- deciding ------------------------------------------------------------------------------

def _current(session: Session, item: Item) -> tuple[ItemReview, ItemStep, list[ItemStep]]:
    review = session.get(ItemReview, item.id)
    if item.status != "in_review" or review is None or review.current_position is None:
        status = STATUSES.get(item.status, item.status)
        raise ValidationError({"status": f"该信息当前为“{status}”，不在审核中，无法签批。"})
    steps = steps_of(session, item.id)
    step = next(s for s in steps if s.position == review.current_position)
    return review, step, steps


def _check_decider(session: Session, item: Item, step: ItemStep, decider: Decider, decision: str) -> None:
    allowed = deciders_of(session, step.id)
    if step_is_department_scoped(session, step.flow_step_id) and item.department_id is not None:
        # Steps copied before this rule held every holder of the role: keep the department's.
        own = in_department(session, set(allowed), item.department_id)
        allowed = {pid: name for pid, name in allowed.items() if pid in own}
    if decider.id not in allowed:
        names = "、".join(allowed.values()) or "（无在职人员）"
        raise ValidationError({"person": f"“{step.name}”只能由{names}签批。"})
    _check_account(session, step, decider, allowed)
    if decision == "approve" and decider.id == item.drafter_id and forbid_self_approval(session):
        raise ValidationError(
            {"person": f"{decider.name}是该信息的经办人，不能同意自己起草的信息；请由其他审批人签批。"})
    if decision == "withhold" and not step.can_withhold:
        raise ValidationError({"decision": f"“{step.name}”这一步不能决定不予公开；不予公开应在保密审查时决定。"})


def _check_account(session: Session, step: ItemStep, decider: Decider, allowed: dict[int, str]) -> None:
    """On a server the signed-in account signs only as its own person and in its own role;
    a decision signed on paper is recorded only by a maintainer or administrator."""
    scope = scope_of(session)
    if scope.person_id is None:
        return  # the single-PC desk and the command line: the password alone says who signs
    if decider.mode == "paper":
        if scope.role not in (ADMIN, MAINTAINER):
            raise ValidationError({"person": "纸质签批只能由维护员或管理员录入。"})
        return
    if decider.id != scope.person_id:
        names = "、".join(allowed.values())
        raise ValidationError({"person": f"只能以本人账户签批；“{step.name}”请由{names}用自己的账户登录后签批。"})
    role = deciding_role(session, step.flow_step_id)
    if role is not None and scope.role != role:
        raise ValidationError({"person": f"您的账户角色是“{role_label(scope.role or '')}”，"
                                         f"“{step.name}”应由“{role_label(role)}”账户签批。"})


def _opinion(decision: str, opinion: str) -> str:
    text = (opinion or "").strip()
    if len(text) > MAX_OPINION:
        raise ValidationError({"opinion": f"意见不能超过{MAX_OPINION}个字。"})
    if decision == "return" and not text:
        raise ValidationError({"opinion": "退回必须写明意见，告诉经办人需要修改什么。"})
    if decision == "withhold" and not text:
        raise ValidationError({"opinion": "不予公开必须写明理由和法律依据（如《条例》第十四条）。"})
    return text


def _decide(session: Session, actor: Actor, item: Item, decider: Decider, decision: str,
            opinion: str, today: dt.date) -> Outcome:
    text = _opinion(decision, opinion)
    review, step, steps = _current(session, item)
    _check_decider(session, item, step, decider, decision)
    before = _state(item, review, step.name)
    session.add(ReviewDecision(
        item_id=item.id, round=review.round, position=step.position, step_name=step.name,
        person_id=decider.id, person_name=decider.name, decision=decision, opinion=text,
        decided_at=utcnow(), mode=decider.mode, paper_date=decider.paper_date,
        recorded_by=actor.name if decider.mode == "paper" else "",
        scan_attachment_id=decider.scan_attachment_id,
    ))
    message = _transition(item, review, step, steps, decision, text,
                          decider.paper_date or today)
    touch(item)
    flush_checked(session)
    after = {**_state(item, review, _step_name(steps, review.current_position)),
             "decided_step": step.name, "decision": decision, "opinion": text,
             "person_id": decider.id, "person": decider.name, "mode": decider.mode}
    if decider.mode == "paper":
        after.update(paper_date=decider.paper_date, recorded_by=actor.name,
                     scan_attachment_id=decider.scan_attachment_id)
    event_actor = Actor(decider.id, decider.name) if decider.mode == "online" else actor
    if event_actor != actor:
        after["operator"] = actor.name
    audit.record(session, event_actor, decision, "item", item.id, before, after)
    return outcome(session, item, message)


def _step_name(steps: list[ItemStep], position: Optional[int]) -> str:
    return next((s.name for s in steps if s.position == position), "")


def _transition(item: Item, review: ItemReview, step: ItemStep, steps: list[ItemStep],
                decision: str, text: str, day: dt.date) -> str:
    if decision == "return":
        # step_since now says since when it waits for its drafter
        item.status, review.current_position, review.step_since = "returned", None, day
        return f"已退回经办人：{text}"
    if decision == "withhold":
        item.status, item.attribute, item.withheld_reason = "approved", "withheld", text
        item.due_on, item.due_provisional = None, False
        review.current_position, review.outcome, review.approved_on = None, "withheld", day
        review.step_since = day
        return "已决定不予公开，该信息不发布，审核结束。"
    later = [s for s in steps if s.position > step.position]
    if later:
        review.current_position, review.step_since = later[0].position, day
        return f"“{step.name}”已同意，转“{later[0].name}”。"
    item.status, review.current_position = "approved", None
    review.outcome, review.approved_on, review.step_since = "approved", day, day
    return "全部审核步骤已同意，已签发，可以发布。"


def _signed(session: Session, signer_id: int, password: str, purpose: str) -> Decider:
    signer = passwords.authenticate(session, signer_id, password, purpose)
    return Decider(signer.id, signer.name)


def approve(session: Session, actor: Actor, item_id: int, expected_version: Optional[int],
            signer_id: int, password: str, opinion: str = "", today: Optional[dt.date] = None) -> Outcome:
    """同意 the current step, signed with the signer's password."""
    decider = _signed(session, signer_id, password, f"同意（信息{item_id}）")
    item = load_item(session, item_id, expected_version)
    return _decide(session, actor, item, decider, "approve", opinion, today or dt.date.today())


def return_item(session: Session, actor: Actor, item_id: int, expected_version: Optional[int],
                signer_id: int, password: str, opinion: str, today: Optional[dt.date] = None) -> Outcome:
    """退回 to the drafter, with the opinion saying what to change."""
    _opinion("return", opinion)  # before the password: a missing opinion is no failed sign-in
    decider = _signed(session, signer_id, password, f"退回（信息{item_id}）")
    item = load_item(session, item_id, expected_version)
    return _decide(session, actor, item, decider, "return", opinion, today or dt.date.today())


def withhold(session: Session, actor: Actor, item_id: int, expected_version: Optional[int],
             signer_id: int, password: str, reason: str, today: Optional[dt.date] = None) -> Outcome:
    """不予公开, with its legal reason; the review ends and the item is never published."""
    _opinion("withhold", reason)
    decider = _signed(session, signer_id, password, f"不予公开（信息{item_id}）")
    item = load_item(session, item_id, expected_version)
    return _decide(session, actor, item, decider, "withhold", reason, today or dt.date.today())


def approve_many(session: Session, actor: Actor, items: Iterable[tuple[int, int]], signer_id: int,
                 password: str, opinion: str = "", today: Optional[dt.date] = None) -> list[Outcome]:
    """Batch 同意 with ONE password entry. All or nothing: if any item cannot be approved
    (changed meanwhile, not this signer's step, …) nothing is signed and the error names it."""
    wanted = list(items)
    if not wanted:
        raise ValidationError({"items": "请先选择要签批的信息。"})
    decider = _signed(session, signer_id, password, f"批量同意（{len(wanted)}条）")
    day = today or dt.date.today()
    out = []
    for item_id, version in wanted:
        item = load_item(session, item_id, None)
        try:
            if item.version != version:
                raise ConcurrentEditError()
            out.append(_decide(session, actor, item, decider, "approve", opinion, day))
        except DeskError as exc:
            raise ValidationError({"items": f"《{item.title}》：{exc.message} 本批均未签批。"}) from exc
    return out


def record_paper_decision(session: Session, actor: Actor, item_id: int, expected_version: Optional[int],
                          signer_id: int, decision: str, opinion: str, paper_date: dt.date,
                          scan_attachment_id: Optional[int] = None,
                          today: Optional[dt.date] = None) -> Outcome:
    """纸质签批: the maintainer records a decision signed on the printed form, naming the
    signer and the date written on it; the scanned form is an attachment (purpose "scan")."""
    today = today or dt.date.today()
    if decision not in DECISIONS:
        raise ValidationError({"decision": "请选择签批结果：同意、退回或不予公开。"})
    item = load_item(session, item_id, expected_version)
    if paper_date is None or paper_date > today:
        raise ValidationError({"paper_date": "纸质签批日期不能为空，也不能晚于今天。"})
    # Not checked against the 送审 date: the form is often signed before the desk records it.
    if paper_date < item.formed_on:
        raise ValidationError({"paper_date": "纸质签批日期不能早于信息的形成日期。"})
    signer = session.get(Person, signer_id)
    if signer is None or not signer.active:
        raise ValidationError({"person": "签批人不存在或已停用，请重新选择。"})
    decider = Decider(signer.id, signer.name, "paper", paper_date, scan_attachment_id)
    return _decide(session, actor, item, decider, decision, opinion, today)


def attach_scan_and_record(session: Session, db: Database, actor: Actor, item_id: int,
                           expected_version: Optional[int], signer_id: int, decision: str,
                           opinion: str, paper_date: dt.date, scan_path: Optional[str],
                           today: Optional[dt.date] = None) -> Outcome:
    """纸质签批 with its scanned form copied into the desk's file store in the same transaction."""
    attachment_id = None
    if scan_path:
        from deskapp.core.attachments import files  # the attachment store (files.py)

        load_item(session, item_id, expected_version)
        info = files.add_attachment(session, db, actor, item_id, scan_path, purpose="scan")
        attachment_id = info.id
        expected_version = None  # the version was checked just above; attaching does not change it
    return record_paper_decision(session, actor, item_id, expected_version, signer_id, decision,
                                 opinion, paper_date, attachment_id, today)


# The rest of the machine (publish, withdraw, revise) lives next door; one entry point here.
from deskapp.core.review.publishing import (  # noqa: E402
    Compliance,
    compliance,
    fully_approved,
    open_revision,
    publish,
    revise,
    withdraw,
)

__all__ = [
    "DECISIONS", "MODES", "Outcome", "Decider", "submit", "approve", "return_item", "withhold",
    "approve_many", "record_paper_decision", "attach_scan_and_record", "publish", "withdraw",
    "revise", "open_revision", "fully_approved", "compliance", "Compliance", "steps_of",
    "deciders_of",
]
