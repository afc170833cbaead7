"""Review history for demo data: every demo item gets the steps, decisions and dates its
status implies — items waiting at every step, returned items with opinions, online and
纸质签批 decisions, 不予公开 decided at 保密审查, published items with their compliance —
and a few demo items become revisions (变更) of earlier published ones.

Demo people who review get the password :data:`DEMO_PASSWORD` (shown in the README), so
anyone trying the desk can sign. Called by :func:`deskapp.core.demo.generate.generate` in its
transaction after the items are written: bulk inserts keep it fast for 100 000 items, the
same seed gives the same rows (no clock, no random salt), the register keeps its N items,
and one audit event sums it up (as the demo's items are).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Optional

from sqlalchemy import Row, func, insert, select, update
from sqlalchemy.orm import Session

from deskapp.core.audit import chain as audit
from deskapp.core.audit.chain import Actor
from deskapp.core.calendar.workdays import WorkCalendar
from deskapp.core.review import passwords
from deskapp.core.review.flow import ensure_flow, load_flow
from deskapp.core.store.models import Item, ItemReview, ItemStep, ItemStepPerson, Person, ReviewDecision

DEMO_PASSWORD = "demo1234"
REVIEWER_ROLES = {"dept_head", "secrecy", "deputy_leader", "chief_leader", "maintainer", "admin"}
PAPER_SHARE = 0.25  # decisions signed on the printed form and entered by the maintainer
RESUBMITTED_SHARE = 0.15  # items in review that were returned once before
CHUNK = 5000
RETURN_OPINIONS = [
    "请补充政策依据和文号后再报。", "名单中含有身份证号码，请按规定遮蔽后再送审。",
    "数据与财政所核对不一致，请核实后重新送审。", "标题不规范，请按公文格式修改。",
    "请补充政策解读稿，与文件同步报送。", "公示期限不足7天，请调整公示时间。",
    "附件缺少盖章扫描件，请补齐。", "表述不够准确，请与分管领导沟通后修改。",
]
APPROVE_OPINIONS = ["", "", "同意。", "同意公开。", "经审查，不涉及国家秘密和工作秘密，同意公开。",
                    "同意，请按时发布。"]


@dataclass(frozen=True)
class ReviewDemoSummary:
    items: int
    decisions: int
    paper: int
    returned: int
    withheld: int
    revisions: int
    by_step: dict[str, int]
    corrected: dict[str, int] = field(default_factory=dict)  # 不予公开 items the generator had
    # published: old status → how many became 已签发 (approved), never published


class _Writer:
    """Plans one item's history in memory; rows are inserted in chunks."""

    def __init__(self, s: Session, rng: random.Random, cal: WorkCalendar, today: dt.date,
                 heads: dict[Optional[int], int], deciders: list[list[int]], names: dict[int, str],
                 maintainer: str):
        self.s, self.rng, self.cal, self.today = s, rng, cal, today
        self.heads, self.deciders, self.names, self.maintainer = heads, deciders, names, maintainer
        self.next_step_id = (s.scalar(select(func.max(ItemStep.id))) or 0) + 1
        self.steps: list[dict[str, Any]] = []
        self.step_people: list[dict[str, Any]] = []
        self.reviews: list[dict[str, Any]] = []
        self.decisions: list[dict[str, Any]] = []
        self.counts: Counter[str] = Counter()

    def workdays_after(self, day: dt.date, low: int, high: int) -> dt.date:
        n = self.rng.randint(low, high)
        return self.cal.add_workdays(day, n) if n else day

    def decider(self, position: int, department_id: Optional[int]) -> int:
        if position == 1 and department_id in self.heads:
            return self.heads[department_id]  # 初审 by the item's own 科室负责人
        return self.rng.choice(self.deciders[position - 1])

    def decision(self, item_id: int, rnd: int, position: int, name: str, person: int, code: str,
                 opinion: str, day: dt.date) -> None:
        paper = self.rng.random() < PAPER_SHARE
        at = dt.datetime.combine(day, dt.time(self.rng.randint(8, 17), self.rng.randint(0, 59)))
        utc = at.astimezone(dt.timezone.utc).replace(tzinfo=None)  # local office hours, stored UTC
        self.decisions.append(dict(
            item_id=item_id, round=rnd, position=position, step_name=name, person_id=person,
            person_name=self.names[person], decision=code, opinion=opinion, decided_at=utc,
            mode="paper" if paper else "online", paper_date=day if paper else None,
            recorded_by=self.maintainer if paper else "", scan_attachment_id=None))
        self.counts["decisions"] += 1
        self.counts["paper"] += paper

    def snapshot(self, item_id: int, flow_steps: list[Any], department_id: Optional[int]) -> None:
        for view, people in zip(flow_steps, self.deciders, strict=True):  # deciders: one list per step
            if view.position == 1 and department_id in self.heads:
                people = [self.heads[department_id]]  # 初审: the item's own 科室负责人
            sid = self.next_step_id
            self.next_step_id += 1
            self.steps.append(dict(id=sid, item_id=item_id, position=view.position, name=view.name,
                                   can_withhold=view.can_withhold, flow_step_id=view.id))
            self.step_people.extend(dict(item_step_id=sid, person_id=p) for p in people)

    def flush(self, force: bool = False) -> None:
        if not force and len(self.decisions) < CHUNK:
            return
        for model, rows in ((ItemStep, self.steps), (ItemStepPerson, self.step_people),
                            (ItemReview, self.reviews), (ReviewDecision, self.decisions)):
            if rows:
                self.s.execute(insert(model), rows)
                rows.clear()


def _dates(w: _Writer, start: dt.date, count: int, bound: dt.date) -> list[dt.date]:
    """``count`` decision dates from ``start``, a few working days apart, none after ``bound``."""
    days, day = [], start
    for _ in range(count):
        day = w.workdays_after(day, 0, 3)
        days.append(min(day, bound))
    return days


WITHHOLD_OPINION = "依据《中华人民共和国政府信息公开条例》第十四条、第十六条，不予公开。"


def _history(w: _Writer, row: Row[int, str, str, dt.date, Optional[dt.date], Optional[dt.date], Optional[int], str],
             flow_steps: list[Any]) -> Optional[str]:
    """Plan one item's review; returns the status it must have (may correct a withheld one)."""
    item_id, status, attribute, formed, published, due, dept, reason = row
    if status == "draft":
        return None
    w.snapshot(item_id, flow_steps, dept)
    n = len(flow_steps)
    bound = min(published or w.today, w.today)
    submitted = min(w.workdays_after(formed, 0, 2), bound)
    rnd, position, outcome, approved_on, since, days_late = 1, None, None, None, submitted, None
    if status == "in_review" and n > 1 and w.rng.random() < RESUBMITTED_SHARE:
        back = w.rng.randint(1, n)
        day = _dates(w, submitted, back, bound)
        for p in range(1, back):
            w.decision(item_id, 1, p, flow_steps[p - 1].name, w.decider(p, dept), "approve", "", day[p - 1])
        w.decision(item_id, 1, back, flow_steps[back - 1].name, w.decider(back, dept), "return",
                   w.rng.choice(RETURN_OPINIONS), day[-1])
        rnd, submitted = 2, min(w.workdays_after(day[-1], 1, 3), bound)
    if attribute == "withheld" and status in ("approved", "published", "withdrawn"):
        status = "approved"  # 不予公开 closes the review; it is never published
    stop = {"in_review": w.rng.choices(range(1, n + 1), weights=[4, 3, 2, 1][:n] + [1] * max(0, n - 4))[0],
            "returned": w.rng.randint(1, n)}.get(status, n)
    if attribute == "withheld" and status == "approved":
        stop = next((v.position for v in flow_steps if v.can_withhold), n)
    day = _dates(w, submitted, stop, bound)
    if status == "in_review":
        # Reviews move: it reached its current step recently (up to ~5 weeks ago) — the last
        # approval then, the earlier ones spread since submission — not stuck since formed.
        since_day = max(submitted, w.today - dt.timedelta(days=w.rng.randint(0, 36)))
        if stop == 1:
            submitted = since_day
        earlier = stop - 1
        day = [submitted + dt.timedelta(days=(since_day - submitted).days * p // earlier)
               for p in range(1, earlier + 1)] + [since_day]
    for p in range(1, stop + 1):
        name = flow_steps[p - 1].name
        if status == "in_review" and p == stop:
            position, since = p, day[p - 2] if p > 1 else submitted
            w.counts[name] += 1
        elif status == "returned" and p == stop:
            w.decision(item_id, rnd, p, name, w.decider(p, dept), "return", w.rng.choice(RETURN_OPINIONS), day[p - 1])
            since = day[p - 1]
            w.counts["returned"] += 1
        elif attribute == "withheld" and status == "approved" and p == stop:
            # The item's own 不予公开理由: the 审批表 prints both, and they must agree.
            w.decision(item_id, rnd, p, name, w.decider(p, dept), "withhold", reason or WITHHOLD_OPINION, day[p - 1])
            outcome, approved_on, since = "withheld", day[p - 1], day[p - 1]
            w.counts["withheld"] += 1
        else:
            w.decision(item_id, rnd, p, name, w.decider(p, dept), "approve", w.rng.choice(APPROVE_OPINIONS), day[p - 1])
    if status in ("approved", "published", "withdrawn") and outcome is None:
        outcome, approved_on, since = "approved", day[-1], day[-1]
    if status in ("published", "withdrawn") and published and due:
        days_late = w.cal.workdays_between(due, published) if published > due else 0
    w.reviews.append(dict(item_id=item_id, round=rnd, current_position=position, step_since=since,
                          submitted_on=submitted, outcome=outcome, approved_on=approved_on,
                          days_late=days_late, superseded_by_id=None))
    return status


def _people(s: Session) -> tuple[dict[Optional[int], int], dict[int, str], str]:
    heads: dict[Optional[int], int] = {}
    names: dict[int, str] = {}
    maintainer = "信息员"
    for p in s.scalars(select(Person).where(Person.active.is_(True))):
        names[p.id] = p.name
        if "dept_head" in (p.roles or []) and p.department_id not in heads:
            heads[p.department_id] = p.id
        if "maintainer" in (p.roles or []):
            maintainer = p.name
    return heads, names, maintainer


def _set_demo_passwords(s: Session, seed: int) -> int:
    """One hash for every demo reviewer, its salt derived from the seed so the same seed gives
    the same rows (demo data only: its password is published anyway)."""
    salt = hashlib.sha256(f"deskapp-demo-{seed}".encode()).digest()[:passwords.SALT_BYTES]
    digest = passwords.hash_password(DEMO_PASSWORD, salt=salt)
    ids = [p.id for p in s.scalars(select(Person).where(Person.is_demo.is_(True)))
           if REVIEWER_ROLES & set(p.roles or [])]
    if ids:
        s.execute(update(Person).where(Person.id.in_(ids)).values(password_hash=digest, failed_logins=0))
    return len(ids)


def add_review_history(s: Session, today: dt.date, seed: int = 1, actor: Actor = audit.SYSTEM,
                       revisions: int = 3) -> ReviewDemoSummary:
    rng = random.Random(seed * 7919 + 3)
    ensure_flow(s)
    _set_demo_passwords(s, seed)
    flow = load_flow(s)
    steps = list(flow.steps)
    demo_people = set(s.scalars(select(Person.id).where(Person.is_demo.is_(True))))
    # Demo items are decided by demo people (a real office's reviewers stay out of them).
    deciders = [[p.id for p in v.deciders if p.id in demo_people] or [p.id for p in v.deciders]
                for v in steps]
    if not steps or any(not d for d in deciders):
        # A flow with a step nobody may decide (a real office's, misconfigured): demo items
        # in review then show as 审核中 without steps, to be submitted again; nothing fails.
        return ReviewDemoSummary(0, 0, 0, 0, 0, 0, {})
    heads, names, maintainer = _people(s)
    w = _Writer(s, rng, WorkCalendar.load(s), today, heads, deciders, names, maintainer)
    done = select(ItemReview.item_id)
    rows = s.execute(select(Item.id, Item.status, Item.attribute, Item.formed_on, Item.published_on,
                            Item.due_on, Item.department_id, Item.withheld_reason)
                     .where(Item.is_demo.is_(True), Item.status != "draft", Item.id.not_in(done))
                     .order_by(Item.id)).all()
    corrected: Counter[str] = Counter()
    fixed: list[int] = []
    for row in rows:
        status = _history(w, row, steps)
        if status is not None and status != row[1]:
            corrected[row[1]] += 1
            fixed.append(row[0])
        w.flush()
    w.flush(force=True)
    if fixed:
        # updated_at given explicitly: the column's onupdate (now) would make runs differ
        s.execute(update(Item).where(Item.id.in_(fixed))
                  .values(status="approved", published_on=None, due_on=None, due_provisional=False,
                          updated_at=Item.created_at))
    made = _revisions(s, rng, revisions)
    summary = ReviewDemoSummary(len(rows), w.counts["decisions"], w.counts["paper"], w.counts["returned"],
                                w.counts["withheld"], made, {v.name: w.counts[v.name] for v in steps},
                                dict(corrected))
    audit.record(s, actor, "demo_review", "item", None, None, summary.__dict__)
    return summary


# (original's status, revision's status): a revision under review while its original stays
# published; a published revision whose original was withdrawn as superseded; a draft one.
REVISION_SHAPES = [("published", "in_review"), ("withdrawn", "published"), ("published", "draft")]


def _revisions(s: Session, rng: random.Random, count: int) -> int:
    """Turn a few demo items into revisions (变更) of earlier published ones, in place: the
    register keeps its N items and the run stays reproducible. A revision takes its
    original's title; its 变更日期 is its own 形成日期 (so its due date stands)."""
    rows = s.execute(select(Item.id, Item.kind, Item.status, Item.formed_on, Item.published_on,
                            Item.title, Item.interpretation_id)
                     .where(Item.is_demo.is_(True), Item.revision_of_id.is_(None)).order_by(Item.id)).all()
    linked = set(s.scalars(select(Item.interpretation_id).where(Item.interpretation_id.is_not(None))))
    free = [r for r in rows if r.id not in linked and r.interpretation_id is None]  # keep 解读 pairs
    used: set[int] = set()
    made = 0
    for original_status, revision_status in REVISION_SHAPES[:count]:
        originals = [r for r in free if r.status == original_status and r.published_on and r.id not in used]
        rng.shuffle(originals)
        for o in originals:
            revision = next((r for r in free if r.status == revision_status and r.kind == o.kind
                             and r.id not in used and r.id != o.id and r.formed_on > o.published_on), None)
            if revision is not None:
                break
        else:
            continue
        s.execute(update(Item).where(Item.id == revision.id).values(
            revision_of_id=o.id, revision_no=2, title=o.title, changed_on=revision.formed_on,
            updated_at=Item.created_at))
        if revision_status == "published":
            s.execute(update(ItemReview).where(ItemReview.item_id == o.id).values(superseded_by_id=revision.id))
        used |= {o.id, revision.id}
        made += 1
    return made
