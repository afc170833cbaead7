"""Who reviewed what, when, and what they said: an item's steps and timeline, and the
操作记录 (the audit log filtered by person, item and date). Plain rows; no Qt.

Times are stored in UTC (models.utcnow) and shown in the PC's local time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Optional

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from deskapp.core.requests.vocab import EVENT_KINDS
from deskapp.core.review.workflow import DECISIONS, MODES, deciders_of, steps_of
from deskapp.core.store.models import AuditEvent, Item, ItemReview, Person, ReviewDecision
from deskapp.core.store.vocab import ATTRIBUTES, STATUSES

ACTIONS = {
    "create": "新建", "update": "修改", "delete": "删除", "submit": "送审", "approve": "同意",
    "return": "退回", "withhold": "不予公开", "publish": "发布", "withdraw": "下架",
    "supersede": "被新版本替代", "revise": "变更（新修订版）", "attach": "添加附件",
    "detach": "删除附件", "set_password": "设置签批密码", "reset_password": "重设签批密码",
    "clear_password": "清除签批密码", "signin_failed": "签批密码错误", "recompute_deadlines": "重算公开期限",
    "demo_generate": "生成演示数据", "demo_remove": "删除演示数据", "post_notice": "张贴公示",
    "remove_notice": "撤下公示", "print_unmasked": "打印未遮蔽的个人信息", "load_default": "载入默认目录",
    "prefill_package": "预置节假日安排", "report": "报送统计", "purge_files": "清理文件",
    "demo_review": "生成演示审核记录", "demo_worklog": "生成演示工作记录", "import": "导入台账",
    "board_issue": "编排公示栏期次", "publication_check_confirm": "确认发布前检查",
    # 依申请公开: each step of a request is recorded under its history's own name.
    **EVENT_KINDS, "carry_over": "结转下年度", "demo_requests": "生成演示依申请公开",
    # Accounts on a server (issue 13)
    "login": "登录", "login_failed": "登录密码错误", "login_locked": "登录锁定", "login_refused": "拒绝登录",
    "reset_login_password": "重设登录密码", "unlock": "解锁账户", "change_login_password": "修改登录密码",
}
ENTITIES = {
    "item": "信息", "person": "人员", "department": "科室", "setting": "设置", "calendar_year": "节假日安排",
    "calendar": "节假日安排", "review_flow": "审核流程", "catalogue_entry": "公开目录", "catalogue": "公开目录",
    "stored_file": "文件", "tally": "统计报表", "worklog": "工作记录", "board_issue": "公示栏期次",
    "info_request": "依申请公开", "appeal": "复议/诉讼", "account": "账户",
}
FIELDS = {
    "status": "状态", "step": "当前步骤", "decided_step": "审核步骤", "decision": "签批结果",
    "opinion": "意见", "person": "签批人", "mode": "方式", "paper_date": "纸质签批日期",
    "recorded_by": "录入人", "published_on": "发布日期", "channels": "公开渠道", "title": "标题",
    "due_on": "公开期限", "compliance": "是否按时", "reason": "原因", "attribute": "公开属性",
    "withheld_reason": "不予公开理由", "formed_on": "形成日期", "changed_on": "变更日期", "name": "名称",
    "active": "在用", "roles": "角色", "filename": "文件名", "failed_logins": "连续输错次数",
    "purpose": "用途", "revision_no": "修订版次", "operator": "操作人",
    "index_no": "索引号", "doc_no": "文号", "kind": "类别", "catalogue_id": "目录条目编号",
    "department_id": "科室编号", "drafter_id": "经办人编号", "content": "正文", "summary": "摘要",
    "scope": "公开范围", "notice_start": "公示开始", "notice_end": "公示结束", "notice_days": "公示天数",
    "notice_day_kind": "公示期计算", "posted_on": "张贴日期", "posted_board": "公示栏", "removed_on": "撤下日期",
    "validity": "有效性", "valid_from": "生效日期", "valid_until": "失效日期", "interpretation_id": "解读稿编号",
    "url": "网址", "source_file": "导入文件", "source_row": "导入行号", "due_provisional": "期限暂定",
    "days_late": "超期工作日", "phone": "电话", "department": "科室", "sort_order": "排序",
    "password_set": "已设签批密码", "steps": "审核步骤", "forbid_self_approval": "禁止审批本人起草",
    "can_withhold": "可决定不予公开", "entries": "条数", "year": "年份",
    "years": "年份", "by_step": "各步骤", "by_kind": "各类别", "items": "信息编号", "number": "期次", "date": "日期",
}
_VALUE_LABELS = {"status": STATUSES, "decision": DECISIONS, "mode": MODES, "attribute": ATTRIBUTES}
_SKIPPED = {"version", "round", "person_id", "scan_attachment_id", "updated_at"}


def to_local(at: dt.datetime) -> dt.datetime:
    """A stored UTC time as the PC's local wall-clock time (naive)."""
    return at.replace(tzinfo=dt.timezone.utc).astimezone().replace(tzinfo=None)


def local_day_bounds_utc(first: Optional[dt.date],
                         last: Optional[dt.date]) -> tuple[Optional[dt.datetime], Optional[dt.datetime]]:
    def utc(day: dt.date) -> dt.datetime:
        local = dt.datetime.combine(day, dt.time.min).astimezone()
        return local.astimezone(dt.timezone.utc).replace(tzinfo=None)

    return (utc(first) if first else None), (utc(last + dt.timedelta(days=1)) if last else None)


# --- an item's steps and timeline -----------------------------------------------------------

@dataclass(frozen=True)
class StepState:
    position: int
    name: str
    people: tuple[str, ...]  # who may decide (active)
    state: str  # done / current / waiting / returned / withheld / not_started
    decision: Optional["Entry"]  # this round's decision on it, if any

    @property
    def state_label(self) -> str:
        return {"done": "已同意", "current": "审核中", "waiting": "未到", "returned": "已退回",
                "withheld": "不予公开", "not_started": "未送审"}[self.state]


@dataclass(frozen=True)
class Entry:
    """One line of an item's timeline: a decision, or another action on it."""

    at: dt.datetime  # local time
    step: str
    person: str
    action: str  # code: approve/return/withhold/submit/publish/…
    opinion: str = ""
    mode: str = ""  # online / paper for decisions
    paper_date: Optional[dt.date] = None
    recorded_by: str = ""
    scan_attachment_id: Optional[int] = None
    round: int = 0

    @property
    def action_label(self) -> str:
        return ACTIONS.get(self.action, self.action)

    @property
    def mode_label(self) -> str:
        if self.mode == "paper":
            day = self.paper_date.isoformat() if self.paper_date else "日期未填"
            return f"纸质签批（{day}，{self.recorded_by}录入）"
        return MODES.get(self.mode, "")


def _decision_entry(d: ReviewDecision) -> Entry:
    return Entry(to_local(d.decided_at), d.step_name, d.person_name, d.decision, d.opinion, d.mode,
                 d.paper_date, d.recorded_by, d.scan_attachment_id, d.round)


def step_states(session: Session, item_id: int) -> list[StepState]:
    item = session.get(Item, item_id)
    review = session.get(ItemReview, item_id)
    steps = steps_of(session, item_id)
    if item is None or review is None or not steps:
        return []
    decisions = {d.position: _decision_entry(d) for d in session.scalars(
        select(ReviewDecision).where(ReviewDecision.item_id == item_id, ReviewDecision.round == review.round)
        .order_by(ReviewDecision.id))}
    out = []
    for step in steps:
        d = decisions.get(step.position)
        if d is not None:
            state = {"approve": "done", "return": "returned", "withhold": "withheld"}[d.action]
        elif review.current_position == step.position:
            state = "current"
        else:
            state = "waiting" if item.status == "in_review" else "not_started"
        people = tuple(deciders_of(session, step.id).values())
        out.append(StepState(step.position, step.name, people, state, d))
    return out


_ITEM_ACTIONS = ("create", "submit", "publish", "withdraw", "supersede", "revise", "attach", "detach")


def timeline(session: Session, item_id: int) -> list[Entry]:
    """Every decision on the item (all rounds) and its other actions, oldest first."""
    entries = [_decision_entry(d) for d in session.scalars(
        select(ReviewDecision).where(ReviewDecision.item_id == item_id).order_by(ReviewDecision.id))]
    events = session.scalars(select(AuditEvent).where(
        AuditEvent.entity == "item", AuditEvent.entity_id == str(item_id), AuditEvent.action.in_(_ITEM_ACTIONS))
        .order_by(AuditEvent.id))
    for e in events:
        after = e.after or {}
        note = ""
        if e.action == "publish":
            channels = "、".join(after.get("channels") or [])
            note = f"{after.get('published_on', '')}，{channels}；{after.get('compliance', '')}"
        elif e.action == "withdraw":
            note = str(after.get("reason", ""))
        elif e.action in ("attach", "detach"):
            note = str((after or e.before or {}).get("filename", ""))
        elif e.action == "revise":
            note = f"第{after.get('revision_no')}版，变更日期 {after.get('changed_on')}"
        entries.append(Entry(to_local(e.at), after.get("step", "") if e.action == "submit" else "",
                             e.actor_name, e.action, note))
    return sorted(entries, key=lambda x: x.at)


# --- 操作记录 --------------------------------------------------------------------------------

@dataclass(frozen=True)
class HistoryFilter:
    person_id: Optional[int] = None
    actor_name: str = ""  # matches the name recorded (people may have been renamed or removed)
    item_ids: tuple[int, ...] = ()
    first: Optional[dt.date] = None
    last: Optional[dt.date] = None


@dataclass(frozen=True)
class HistoryRow:
    id: int
    at: dt.datetime  # local time
    actor: str
    action: str
    entity: str
    entity_id: str
    details: str
    subject: str = ""  # the item's title, the person's name … as it is now ("" when gone)

    @property
    def action_label(self) -> str:
        return ACTIONS.get(self.action, self.action)

    @property
    def entity_label(self) -> str:
        return ENTITIES.get(self.entity, self.entity)


def _value(key: str, value: Any) -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(_value(key, v) for v in value) or "（空）"
    if isinstance(value, dict):
        return "；".join(f"{FIELDS.get(k, k)}：{_value(k, v)}" for k, v in value.items())
    labels = _VALUE_LABELS.get(key)
    text = labels.get(value, str(value)) if labels and isinstance(value, str) else str(value)
    return text if len(text) <= 80 else text[:79] + "…"


def describe(before: Optional[dict[str, Any]], after: Optional[dict[str, Any]]) -> str:
    """"状态：审核中 → 已签发；意见：同意" — the changed values in words."""
    before, after = before or {}, after or {}
    parts = []
    for key in list(dict.fromkeys([*after, *before])):
        if key in _SKIPPED:
            continue
        label = FIELDS.get(key, key)
        if key in before and key in after and before[key] != after[key]:
            parts.append(f"{label}：{_value(key, before[key])} → {_value(key, after[key])}")
        elif key in after and key not in before:
            if after[key] in (None, "", [], {}, False):
                continue  # a new record: its empty fields say nothing
            parts.append(f"{label}：{_value(key, after[key])}")
        elif key in before and key not in after:
            parts.append(f"{label}：{_value(key, before[key])}（删除前）")
    return "；".join(parts)


HISTORY_LIMIT = 20000


def history(session: Session, f: HistoryFilter, limit: int = HISTORY_LIMIT) -> list[HistoryRow]:
    """The newest events first, filtered by person (actor), item(s) and local date range."""
    stmt = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if f.person_id is not None:
        stmt = stmt.where(AuditEvent.actor_id == f.person_id)
    if f.actor_name.strip():
        stmt = stmt.where(AuditEvent.actor_name.contains(f.actor_name.strip(), autoescape=True))
    if f.item_ids:
        stmt = stmt.where(AuditEvent.entity == "item",
                          or_(*(AuditEvent.entity_id == str(i) for i in f.item_ids)))
    start, end = local_day_bounds_utc(f.first, f.last)
    if start is not None:
        stmt = stmt.where(AuditEvent.at >= start)
    if end is not None:
        stmt = stmt.where(AuditEvent.at < end)
    events = list(session.scalars(stmt))
    names = _subjects(session, events)
    return [HistoryRow(e.id, to_local(e.at), e.actor_name, e.action, e.entity, e.entity_id or "",
                       describe(e.before, e.after), names.get((e.entity, e.entity_id or ""), ""))
            for e in events]


def _subjects(session: Session, events: list[AuditEvent]) -> dict[tuple[str, str], str]:
    """What each event is about, by name: item titles and people's names, in two queries."""
    out: dict[tuple[str, str], str] = {}
    for entity, model, column in (("item", Item, Item.title), ("person", Person, Person.name)):
        ids = {int(eid) for eid in (e.entity_id or "" for e in events if e.entity == entity) if eid.isdigit()}
        for chunk in _chunks(sorted(ids), 900):
            for pk, name in session.execute(select(model.id, column).where(model.id.in_(chunk))):
                out[(entity, str(pk))] = name
    return out


def _chunks(values: list[int], size: int) -> list[list[int]]:
    return [values[i:i + size] for i in range(0, len(values), size)]


def find_items(session: Session, text: str, limit: int = 50) -> list[tuple[int, str, str]]:
    """Items whose 索引号 or 标题 contains ``text``: (id, index_no, title), for the filter."""
    text = text.strip()
    if not text:
        return []
    item = session.get(Item, int(text)) if text.isdigit() else None
    if item is not None:
        return [(item.id, item.index_no, item.title)]
    stmt = (select(Item.id, Item.index_no, Item.title)
            .where(or_(Item.index_no.contains(text, autoescape=True), Item.title.contains(text, autoescape=True)))
            .order_by(Item.id.desc()).limit(limit))
    return [(r[0], r[1], r[2]) for r in session.execute(stmt)]
