"""Demo 依申请公开 requests: a street office's year of applications, every outcome, marked
``is_demo`` and removable with the rest.

Proportions follow what street offices publish in their annual reports: tens of requests a
year (one for every ten demo items), most from residents, most answered 予以公开 or 无法提供
（本机关不掌握）; some need a 补正 (a few never supplemented), a few a third party's opinion,
an extension, a fee; a few are answered late; some received in late December of last year
were still open on 31 December (carried over); two 行政复议 and one 行政诉讼.

Fast and deterministic: requests are planned with the pure clock and written by bulk INSERT
(10 000 requests in a few seconds), with one audit event for the whole generation.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass
from typing import Any, Optional

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from deskapp.core.audit import chain as audit
from deskapp.core.audit.chain import Actor
from deskapp.core.calendar.workdays import WorkCalendar
from deskapp.core.demo.names import birth_date, credit_code, mobile, org_code, person_name, resident_id
from deskapp.core.demo.plan import days_between
from deskapp.core.requests import clock
from deskapp.core.requests.records import number_of, step_of
from deskapp.core.requests.vocab import CHANNELS, OUTCOMES
from deskapp.core.store import settings
from deskapp.core.store.models import Appeal, InfoRequest, RequestConsultation, RequestEvent, utcnow

PER_ITEMS = 10  # one request for every ten items
MIN_REQUESTS = 12

APPLICANTS = {"person": 72, "business": 12, "research": 2, "charity": 2, "legal": 6, "other_org": 6}
CHANNEL_WEIGHTS = {"in_person": 30, "post": 18, "letter": 4, "online": 36, "fax": 2, "email": 10}
OUTCOME_WEIGHTS = {
    "open": 38, "partial": 9, "refuse_1": 1, "refuse_2": 1, "refuse_3": 1, "refuse_4": 2, "refuse_5": 2,
    "refuse_6": 2, "refuse_7": 1, "refuse_8": 1, "unable_1": 18, "unable_2": 3, "unable_3": 2,
    "reject_1": 3, "reject_2": 2, "reject_3": 1, "reject_4": 1, "reject_5": 1, "other_1": 4, "other_2": 1,
    "other_3": 4,
}
TOPICS = ["老旧小区改造项目的资金使用情况", "某路段拆迁补偿安置方案", "辖区低保对象认定标准和名单",
          "社区养老服务中心的建设合同", "垃圾分类收运企业的招标文件", "本街道2025年度部门预算和决算",
          "某小区加装电梯的审批材料", "辖区企业安全生产检查记录", "征地补偿款的发放明细",
          "违法建筑拆除决定书", "道路改造工程的环评材料", "社区卫生服务中心的收费标准"]
ORG_SUFFIX = {"business": "有限公司", "research": "研究院", "charity": "公益服务中心",
              "legal": "律师事务所", "other_org": "业主委员会"}
BODIES = {"review": "云溪区人民政府", "suit_direct": "云溪区人民法院", "suit_after_review": "云溪区人民法院"}


@dataclass(frozen=True)
class DemoRequests:
    requests: int
    carried_over: int  # received last year, open on its 31 December
    by_outcome: dict[str, int]
    open: int
    appeals: int


def request_count(items: int) -> int:
    return 0 if items <= 0 else max(MIN_REQUESTS, items // PER_ITEMS)


class _Planner:
    def __init__(self, rng: random.Random, cal: WorkCalendar, today: dt.date, department_ids: list[int]):
        self.rng, self.cal, self.today, self.departments = rng, cal, today, department_ids
        self.memo: dict[tuple[Any, ...], clock.RequestDue] = {}

    def pick(self, weights: dict[str, int]) -> str:
        return self.rng.choices(list(weights), list(weights.values()))[0]

    def wd(self, day: dt.date, n: int) -> dt.date:
        return day if n <= 0 else self.cal.add_workdays(day, n)

    def due(self, received: dt.date, supplement: Optional[dt.date],
            cons: tuple[tuple[dt.date, Optional[dt.date]], ...], extended: bool) -> clock.RequestDue:
        key = (received if supplement is None else None, supplement, cons, extended)
        if key not in self.memo:
            self.memo[key] = clock.request_due(self.cal, received, supplement,
                                               [clock.Consultation(s, a) for s, a in cons], extended)
        return self.memo[key]

    def applicant(self, kind: str) -> dict[str, Any]:
        rng = self.rng
        if kind == "person":
            born = birth_date(rng, self.today, 22, 75)
            return {"applicant_name": person_name(rng), "id_number": resident_id(rng, born, rng.random() < 0.5),
                    "phone": mobile(rng), "address": f"云溪区长安街道{rng.choice('东西南北')}苑{rng.randint(1, 30)}幢",
                    "email": ""}
        name = person_name(rng)[0] + rng.choice("鑫华瑞恒达安泰宏") + rng.choice("建信诚远丰盛") + ORG_SUFFIX[kind]
        code = credit_code("330802", org_code(f"{rng.randint(0, 99999999):08d}"), "91")
        return {"applicant_name": name, "id_number": code, "phone": mobile(rng),
                "address": f"云溪区长安路{rng.randint(1, 400)}号", "email": f"office{rng.randint(10, 999)}@example.com"}

    def plan(self, received: dt.date) -> tuple[dict[str, Any], list[dict[str, Any]], list[tuple[str, dt.date, str]]]:
        """One request's columns, its consultations and its history (kind, day, text)."""
        rng, today = self.rng, self.today
        kind, outcome = self.pick(APPLICANTS), self.pick(OUTCOME_WEIGHTS)
        channel = self.pick(CHANNEL_WEIGHTS)
        row: dict[str, Any] = {
            "applicant_type": kind, **self.applicant(kind), "channel": channel, "received_on": received,
            "content": f"申请公开{rng.choice(TOPICS)}", "form_wanted": rng.choice(["paper", "electronic"]),
            "department_id": rng.choice(self.departments) if self.departments else None,
            "supplement_notice_on": None, "supplement_missing": "", "supplement_days": None,
            "supplement_received_on": None, "extension_on": None, "extension_approver": "", "extension_reason": "",
            "fee_cents": None, "fee_notice_on": None, "fee_paid_on": None, "outcome": None, "reply_on": None,
            "reply_delivery": None, "withdrawn_on": None,
        }
        row["delivery"] = "email" if row["email"] and rng.random() < 0.5 else rng.choice(["post", "pickup"])
        history: list[tuple[str, dt.date, str]] = [("created", received, f"收到申请（{CHANNELS[channel]}）"),
                                                   ("letter", received, "制作登记回执")]
        supplement: Optional[dt.date] = None
        if outcome in ("other_1", "unable_3") or rng.random() < 0.08:
            notice = self.wd(received, rng.choice([2, 3, 5, 6, 7, 7, 9]))  # a few sent late
            row.update(supplement_notice_on=notice, supplement_missing="请明确所需信息的名称、文号或时间范围",
                       supplement_days=15)
            history += [("supplement_notice", notice, f"发出补正告知：{row['supplement_missing']}；补正期限15个工作日"),
                        ("letter", notice, "制作补正申请告知书")]
            if outcome == "other_1":
                end = self.wd(notice, 16)
                if end <= today:
                    row.update(outcome="other_1", reply_on=end, reply_delivery="post")
                    history.append(("closed", end, f"答复办结：{OUTCOMES['other_1']}"))
                return row, [], history
            supplement = self.wd(notice, rng.randint(1, 12))
            if supplement > today:
                return row, [], history
            row["supplement_received_on"] = supplement
            history.append(("supplement_received", supplement, "收到补正材料，答复期限重新起算"))
        start = supplement or received
        cons: list[dict[str, Any]] = []
        if outcome in ("refuse_4", "partial") and rng.random() < 0.6 or rng.random() < 0.03:
            sent = self.wd(start, rng.randint(2, 6))
            answered: Optional[dt.date] = self.wd(sent, rng.randint(4, 15)) if rng.random() < 0.8 else None
            if sent <= today:
                if answered is not None and answered > today:
                    answered = None
                third = self.applicant("business")["applicant_name"]
                cons.append({"third_party": third, "sent_on": sent, "answered_on": answered})
                history += [("consultation_sent", sent, f"向“{third}”征求意见"),
                            ("letter", sent, "制作征求第三方意见书")]
                if answered:
                    history.append(("consultation_answered", answered, f"“{third}”答复意见"))
        ctuple = tuple((c["sent_on"], c["answered_on"]) for c in cons)
        plain = self.due(received, supplement, ctuple, False)
        if outcome == "other_2" or rng.random() < 0.015:
            fee_on = self.wd(start, rng.randint(3, 8))
            if fee_on <= today:
                row.update(fee_cents=rng.choice([2000, 5000, 10000, 15000]), fee_notice_on=fee_on)
                history.append(("fee_notice", fee_on, f"发出收费通知，信息处理费 {row['fee_cents'] / 100:.2f} 元"))
                if outcome == "other_2":
                    end = self.wd(fee_on, 21)
                    if end <= today:
                        row.update(outcome="other_2", reply_on=end, reply_delivery="post")
                        history.append(("closed", end, f"答复办结：{OUTCOMES['other_2']}"))
                    return row, cons, history
                paid = self.wd(fee_on, rng.randint(2, 10))
                if paid <= today:
                    row["fee_paid_on"] = paid
                    history.append(("fee_paid", paid, "申请人已缴纳信息处理费"))
        if outcome == "other_2":
            outcome = "open"
        due = plain
        if rng.random() < 0.1:
            ext = self.wd(start, rng.randint(12, 19))
            if ext <= min(today, plain.due):
                row.update(extension_on=ext, extension_approver="政务公开办主任",
                           extension_reason="需调取、核对档案资料")
                history += [("extension", ext, "延期答复20个工作日，批准人：政务公开办主任"),
                            ("letter", ext, "制作延期答复告知书")]
                due = self.due(received, supplement, ctuple, True)
        if outcome == "other_3":
            withdrawn = self.wd(start, rng.randint(1, 10))
            if withdrawn <= today:
                row.update(outcome="other_3", reply_on=withdrawn, withdrawn_on=withdrawn)
                history.append(("withdrawn", withdrawn, "申请人撤回申请"))
            return row, cons, history
        late = rng.random() < 0.04
        reply = self.wd(due.due, rng.randint(1, 4)) if late else self._before(start, due.due)
        last_answer = max((c["answered_on"] or self.today for c in cons), default=start)
        if reply <= today and reply >= last_answer:
            delivery = rng.choice(["post", "pickup", "email", "online"])
            row.update(outcome=outcome, reply_on=reply, reply_delivery=delivery)
            history += [("letter", reply, "制作政府信息公开申请答复书"),
                        ("closed", reply, f"答复办结：{OUTCOMES[outcome]}")]
        return row, cons, history

    def _before(self, start: dt.date, due: dt.date) -> dt.date:
        back = self.rng.randint(0, 12)
        day = due
        for _ in range(back):
            prev = day - dt.timedelta(days=1)
            while not self.cal.is_workday(prev):
                prev -= dt.timedelta(days=1)
            if prev <= start:
                break
            day = prev
        return day


def add_demo_requests(s: Session, items: int, year: int, today: dt.date, department_ids: list[int],
                      seed: int = 1, actor: Actor = audit.SYSTEM) -> DemoRequests:
    """Requests over ``year`` (plus a few from last December), in one bulk write; one audit event."""
    n = request_count(items)
    rng = random.Random(seed * 7919 + 11)
    cal = WorkCalendar.load(s)
    planner = _Planner(rng, cal, today, department_ids)
    last = min(today, dt.date(year, 12, 31))
    workdays = [d for d in days_between(dt.date(year, 1, 1), last) if cal.is_workday(d)]
    december = [d for d in days_between(dt.date(year - 1, 12, 10), dt.date(year - 1, 12, 31)) if cal.is_workday(d)]
    carried = max(2, n // 30) if n else 0
    received = sorted([rng.choice(december) for _ in range(carried)] + [rng.choice(workdays) for _ in range(n)])
    prefix = settings.get(s, "request_prefix")
    next_serial: dict[int, int] = {}
    for y in {d.year for d in received}:
        next_serial[y] = (s.scalar(select(func.max(InfoRequest.serial)).where(InfoRequest.year == y)) or 0) + 1
    next_id = (s.scalar(select(func.max(InfoRequest.id))) or 0) + 1
    now = utcnow()
    requests, consultations, events = [], [], []
    counts: Counter[str] = Counter()
    for offset, day in enumerate(received):
        row, cons, history = planner.plan(day)
        rid, serial = next_id + offset, next_serial[day.year]
        next_serial[day.year] += 1
        transient = InfoRequest(**{k: v for k, v in row.items()})
        tcons = [RequestConsultation(**c) for c in cons]
        step = step_of(transient, tcons)
        ctuple = tuple((c["sent_on"], c["answered_on"]) for c in cons)
        waiting = row["supplement_notice_on"] is not None and row["supplement_received_on"] is None
        due = None if waiting else planner.due(day, row["supplement_received_on"], ctuple,
                                               row["extension_on"] is not None)
        number = number_of(prefix, day.year, serial)
        requests.append({**row, "id": rid, "year": day.year, "serial": serial, "number": number,
                         "carried_over_from_year": None, "step": step, "due_on": due.due if due else None,
                         "due_provisional": bool(due and due.provisional), "note": "", "is_demo": True,
                         "created_at": now, "updated_at": now, "version": 1})
        consultations += [{**c, "request_id": rid, "note": ""} for c in cons]
        events += [{"request_id": rid, "kind": kind, "day": d, "at": now, "actor_name": actor.name, "text": text,
                    "letter_kind": _letter_kind(text) if kind == "letter" else None} for kind, d, text in history]
        counts[row["outcome"] or "open_now"] += 1
    if requests:
        s.execute(insert(InfoRequest), requests)
    if consultations:
        s.execute(insert(RequestConsultation), consultations)
    if events:
        s.execute(insert(RequestEvent), events)
    appeals = _add_appeals(s, rng, requests, today)
    carried_over = sum(1 for r in requests if r["received_on"].year < year
                       and (r["reply_on"] is None or r["reply_on"] > dt.date(year - 1, 12, 31)))
    summary = DemoRequests(requests=len(requests), carried_over=carried_over,
                           by_outcome={k: v for k, v in sorted(counts.items()) if k != "open_now"},
                           open=counts["open_now"], appeals=appeals)
    audit.record(s, actor, "demo_requests", "info_request", None, None, summary.__dict__)
    return summary


def _letter_kind(text: str) -> str:
    for kind, word in (("receipt", "回执"), ("supplement", "补正"), ("extension", "延期"),
                       ("third-party", "第三方"), ("reply", "答复书")):
        if word in text:
            return kind
    return "reply"


def _add_appeals(s: Session, rng: random.Random, requests: list[dict[str, Any]], today: dt.date) -> int:
    """Two 行政复议 and one 行政诉讼, about refused or unavailable answers."""
    disputed = [r for r in requests if r["outcome"] and r["outcome"].startswith(("refuse", "unable", "partial"))]
    if not disputed:
        return 0
    chosen = [rng.choice(disputed) for _ in range(3)]
    rows = []
    plan = zip(("review", "review", "suit_direct"), chosen, ("upheld", "pending", "corrected"), strict=True)
    for kind, req, result in plan:
        filed = min(today, req["reply_on"] + dt.timedelta(days=rng.randint(10, 50)))
        result_on = min(today, filed + dt.timedelta(days=rng.randint(30, 60))) if result != "pending" else None
        rows.append({"kind": kind, "request_id": req["id"], "filed_on": filed, "body": BODIES[kind],
                     "result": result, "result_on": result_on, "note": "", "is_demo": True,
                     "created_at": utcnow(), "version": 1})
    s.execute(insert(Appeal), rows)
    return len(rows)


def remove_demo_requests(s: Session) -> int:
    """Demo requests with their history and consultations, and the demo 复议/诉讼 records; a
    real appeal about a demo request stays, unlinked. Returns how many requests went."""
    demo_ids = select(InfoRequest.id).where(InfoRequest.is_demo.is_(True)).scalar_subquery()
    count = s.scalar(select(func.count()).select_from(InfoRequest).where(InfoRequest.is_demo.is_(True))) or 0
    bulk = {"synchronize_session": False}
    s.execute(delete(Appeal).where(Appeal.is_demo.is_(True)).execution_options(**bulk))
    s.execute(update(Appeal).where(Appeal.request_id.in_(demo_ids)).values(request_id=None)
              .execution_options(**bulk))
    s.execute(delete(RequestEvent).where(RequestEvent.request_id.in_(demo_ids)).execution_options(**bulk))
    s.execute(delete(RequestConsultation).where(RequestConsultation.request_id.in_(demo_ids))
              .execution_options(**bulk))
    s.execute(delete(InfoRequest).where(InfoRequest.is_demo.is_(True)).execution_options(**bulk))
    return count
