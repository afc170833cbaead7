"""Writing one planned demo item as a row of the ``item`` table: its status and dates (on time,
late, withdrawn, on the board and taken down), its 文号 and 索引号, its title and text.

Rows are plain dicts for a bulk INSERT; index numbers and due dates are computed here (with
the calendar loaded once) instead of per item through the register, which is what makes
100 000 items take seconds rather than minutes.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any, Optional

from deskapp.core.calendar.workdays import DueDate, WorkCalendar
from deskapp.core.demo import text as txt
from deskapp.core.demo.names import birth_date, mobile, person_name, resident_id
from deskapp.core.demo.plan import Plan, workdays_in

OPEN = ("draft", "in_review", "returned", "approved")
RUNNING_STATUS = (("published", 45), ("approved", 10), ("in_review", 20), ("returned", 7), ("draft", 18))
QUIET_STATUS = (("approved", 55), ("draft", 20), ("in_review", 15), ("returned", 10))
WITHHELD_REASONS = (
    "涉及个人隐私，公开后会对第三方合法权益造成损害，依据《中华人民共和国政府信息公开条例》第十五条不予公开。",
    "属于内部事务信息，依据《中华人民共和国政府信息公开条例》第十六条第一款不予公开。",
    "属于过程性信息，依据《中华人民共和国政府信息公开条例》第十六条第二款不予公开。",
)
CHANNELS = {
    "policy": ("政府网站", "公开查阅点"), "norm": ("政府网站", "政府公报", "公开查阅点"),
    "interp": ("政府网站", "两微一端"), "news": ("政府网站", "两微一端"),
    "notice_list": ("社区/村公示栏（电子屏）", "政府网站"), "notice_appoint": ("社区/村公示栏（电子屏）",),
    "announce": ("社区/村公示栏（电子屏）", "两微一端"), "plan": ("政府网站",),
    "finance": ("政府网站", "公开查阅点"), "personnel": ("政府网站",),
    "response": ("政府网站", "两微一端"), "other": ("政府网站", "政务服务中心"),
}
DOC_PREFIX = {"policy": "长街发", "norm": "长街规", "plan": "长街办", "personnel": "长街干"}
AGES = {"高龄津贴申领": (80, 99), "最低生活保障复核": (18, 85), "临时救助": (18, 80),
        "残疾人两项补贴发放": (18, 70), "公共租赁住房资格审核": (25, 60)}


@dataclass
class Context:
    """What every row needs, fixed for one generation."""

    today: dt.date
    cal: WorkCalendar
    workdays: list[dt.date]  # sorted working days from the first formed day to today
    catalogue_ids: dict[str, Optional[int]]  # catalogue code → id (None: not in this desk)
    limits: dict[str, int]  # catalogue code → time limit in working days
    departments: dict[str, int]  # name → id
    drafters: dict[str, int]  # department name → a 经办人's id
    org_name: str
    phone: str
    index_head: dict[int, str]  # year → "prefix/2026-"
    serial_width: int
    next_serial: dict[int, int]  # year → next free serial
    soon_limit: dt.date  # the last day counted as "due soon"
    first_day: dt.date  # formed dates fall in [first_day, last_day]
    last_day: dt.date
    dues: dict[tuple[dt.date, int], DueDate] = field(default_factory=dict)  # (start, days) → its due date


class RowBuilder:
    def __init__(self, rng: random.Random, ctx: Context, template: dict[str, Any]):
        self.rng, self.ctx, self.template = rng, ctx, template
        self.doc_serial: dict[tuple[str, int], int] = {}
        self.pending_policy_title: Optional[str] = None
        self.pending_decision: Optional[tuple[str, Optional[dt.date]]] = None

    # --- dates ------------------------------------------------------------------------------

    def due(self, start: dt.date, catalogue: str) -> DueDate:
        key = (start, self.ctx.limits.get(catalogue, 20))
        if key not in self.ctx.dues:
            self.ctx.dues[key] = self.ctx.cal.due_date(*key)
        return self.ctx.dues[key]

    def _on_time(self, formed: dt.date, due: dt.date) -> dt.date:
        """Published on the day or within the limit, usually early in it."""
        choices = [formed] + workdays_in(self.ctx.workdays, formed, min(due, self.ctx.today))
        return choices[int(len(choices) * self.rng.random() ** 2)]

    def _late(self, formed: dt.date, due: dt.date) -> dt.date:
        if due >= self.ctx.today:
            return self._on_time(formed, due)
        return min(self.ctx.today, due + dt.timedelta(days=self.rng.randint(1, 20)))

    def _weighted(self, table: tuple[tuple[str, int], ...]) -> str:
        return self.rng.choices([s for s, _ in table], [w for _, w in table])[0]

    def decide(self, plan: Plan, due: Optional[dt.date]) -> tuple[str, Optional[dt.date]]:
        """(status, published_on) for a plan: forced, wanted, or drawn by the item's age."""
        if due is None:  # not actively disclosed: never "published" on the website
            return plan.status or self._weighted(QUIET_STATUS), None
        if plan.want == "late_published":
            return "published", self._late(plan.formed, due)
        if plan.want == "withdrawn":
            return "withdrawn", self._on_time(plan.formed, due)
        if plan.status:
            is_published = plan.status in ("published", "withdrawn")
            return plan.status, self._on_time(plan.formed, due) if is_published else None
        if plan.want:  # late_open / soon: still waiting
            return self.rng.choice(OPEN), None
        if due < self.ctx.today:
            r = self.rng.random()
            if r < 0.035:
                return self.rng.choice(OPEN), None  # never published: late
            late = self.rng.random() < 0.07
            published = self._late(plan.formed, due) if late else self._on_time(plan.formed, due)
            return ("withdrawn" if r < 0.05 else "published"), published
        status = self._weighted(RUNNING_STATUS)
        return status, self._on_time(plan.formed, due) if status == "published" else None

    # --- numbers ----------------------------------------------------------------------------

    def index_no(self, year: int) -> str:
        serial = self.ctx.next_serial[year]
        self.ctx.next_serial[year] = serial + 1
        return f"{self.ctx.index_head[year]}{serial:0{self.ctx.serial_width}d}"

    def doc_no(self, shape: str, year: int, title: str) -> Optional[str]:
        prefix = DOC_PREFIX.get(shape)
        if prefix is None or (shape == "personnel" and "任免" not in title):
            return None
        if shape == "plan" and self.rng.random() < 0.5:
            return None
        n = self.doc_serial.get((prefix, year), 0) + 1
        self.doc_serial[(prefix, year)] = n
        return f"{prefix}〔{year}〕{n}号"

    # --- the row ----------------------------------------------------------------------------

    def row(self, plan: Plan, item_id: int, people_log: list[str]) -> dict[str, Any]:
        rng, ctx = self.rng, self.ctx
        topic = txt.TOPICS[plan.topic]
        due_info = self.due(plan.formed, plan.catalogue) if plan.attribute == "active" else None
        due = due_info.due if due_info else None
        status, published = self.decide(plan, due)
        if plan.paired:  # 同步: the policy is signed and published with its interpretation
            self.pending_decision = (status, published)
        elif self.pending_decision is not None:
            (status, published), self.pending_decision = self.pending_decision, None
        issued = published or plan.formed
        dept = topic.department if plan.shape not in ("response",) else rng.choice(txt.COMMUNITIES)
        if plan.shape == "news" and rng.random() < 0.3:
            dept = rng.choice(txt.COMMUNITIES)
        row = dict(self.template)
        row.update(
            id=item_id, index_no=self.index_no(plan.formed.year), kind=plan.kind,
            catalogue_id=ctx.catalogue_ids.get(plan.catalogue),
            department_id=ctx.departments.get(dept), drafter_id=ctx.drafters.get(dept),
            attribute=plan.attribute, channels=list(CHANNELS[plan.shape]), formed_on=plan.formed,
            due_on=due, due_provisional=bool(due_info and due_info.provisional),
            published_on=published, status=status,
            created_at=dt.datetime.combine(plan.formed, dt.time(8, 30)) + dt.timedelta(minutes=rng.randrange(540)),
            updated_at=dt.datetime.combine(issued, dt.time(17, 0)),
        )
        if plan.attribute == "withheld":
            row["withheld_reason"] = rng.choice(WITHHELD_REASONS)
            row["scope"] = "internal"
        self.write(row, plan, topic, issued, people_log)
        row["doc_no"] = self.doc_no(plan.shape, plan.formed.year, row["title"])
        row["summary"] = txt.summary_of(row["content"])
        if plan.shape in ("news", "response"):  # a community named in the title wrote it
            named = next((c for c in txt.COMMUNITIES if c in row["title"]), None)
            if named:
                row["department_id"], row["drafter_id"] = ctx.departments.get(named), ctx.drafters.get(named)
        return row

    def write(self, row: dict[str, Any], plan: Plan, topic: txt.Topic, issued: dt.date,
              people_log: list[str]) -> None:
        rng, org = self.rng, self.ctx.org_name
        shape, day = plan.shape, plan.formed
        if shape == "interp":
            if plan.paired:  # the policy after it takes this title
                templates = txt.POLICY_TITLES if plan.partner == "policy" else txt.NORM_TITLES
                policy_title = txt.fill(rng.choice(templates), rng, topic, day, org)
                self.pending_policy_title = policy_title
            else:  # an interpretation of a higher-level document
                policy_title = f"关于做好{day.year}年{topic.phrase}工作的指导意见"
            name = txt.document_name(policy_title)
            row["title"] = rng.choice(("《{0}》政策解读", "一图读懂《{0}》", "《{0}》解读")).format(name)
            row["content"] = txt.interpretation_body(f"《{name}》", topic, issued)
        elif shape in ("policy", "norm"):
            title, self.pending_policy_title = self.pending_policy_title, None
            templates = txt.POLICY_TITLES if shape == "policy" else txt.NORM_TITLES
            row["title"] = title or txt.fill(rng.choice(templates), rng, topic, day, org)
            basis = "《中华人民共和国政府信息公开条例》和上级有关文件精神"
            row["content"] = txt.policy_body(rng, topic, day, org, basis)
            if shape == "norm" and row["status"] in ("published", "withdrawn"):
                self._validity(row)
        elif shape == "news":
            row["title"] = txt.fill(rng.choice(txt.NEWS_TITLES), rng, topic, day, org)
            row["content"] = txt.news_body(rng, topic, day)
        elif shape == "response":
            issue, answering = rng.choice(txt.ISSUES)
            row["title"] = txt.fill(rng.choice(txt.RESPONSE_TITLES), rng, topic, day, org, issue=issue)
            row["content"] = txt.response_body(rng, issue, answering, day)
        elif shape in ("notice_list", "notice_appoint", "announce"):
            self._notice(row, plan, topic, people_log)
        else:
            table = {"plan": txt.PLAN_TITLES, "finance": txt.FINANCE_TITLES,
                     "personnel": txt.PERSONNEL_TITLES, "other": txt.OTHER_TITLES}[shape]
            template = rng.choice(table)
            row["title"] = txt.fill(template, rng, topic, day, org, person_name(rng))
            if "{t}" in template:
                row["content"] = txt.plain_body(rng, topic.phrase, day, org)
            else:  # budgets, recruitment, the 公开指南: the office's own business, not a topic's
                row["content"] = txt.plain_body(rng, txt.document_name(row["title"]), day, org)
                row["department_id"] = self.ctx.departments.get("党政办")
                row["drafter_id"] = self.ctx.drafters.get("党政办")

    def _validity(self, row: dict[str, Any]) -> None:
        row["validity"], row["valid_from"] = "valid", row["published_on"]
        if self.rng.random() < 0.15:
            until = row["published_on"] + dt.timedelta(days=self.rng.randint(30, 300))
            if until <= self.ctx.today:
                row["validity"] = self.rng.choice(("repealed", "expired"))
                row["valid_until"] = until

    # --- notices on the board ---------------------------------------------------------------

    def _notice(self, row: dict[str, Any], plan: Plan, topic: txt.Topic, people_log: list[str]) -> None:
        rng, ctx, day = self.rng, self.ctx, plan.formed
        start = row["published_on"] or day + dt.timedelta(days=1)
        if plan.shape == "notice_appoint":
            end = ctx.cal.add_workdays(start - dt.timedelta(days=1), 5)
            row.update(notice_days=5, notice_day_kind="working", kind="公告公示",
                       title=f"{txt.OFFICE}拟任职干部任前公示（{day.year}年第{(day.month - 1) // 3 + 1}批）")
            row["content"] = txt.appointment_body([person_name(rng) for _ in range(rng.randint(1, 3))],
                                                  start, end, ctx.org_name, ctx.phone)
        elif plan.shape == "notice_list":
            notice = next(n for n in txt.LIST_NOTICES if n.topic == topic.phrase)
            end = start + dt.timedelta(days=6)
            row.update(notice_days=7, notice_day_kind="calendar",
                       title=txt.fill(notice.title, rng, topic, day, ctx.org_name))
            table = txt.people_lines(rng, self._people(topic, notice.amounts, people_log), notice.column)
            row["content"] = txt.list_notice_body(table, topic, start, end, ctx.org_name, ctx.phone, start)
        else:
            end = start + dt.timedelta(days=rng.randint(9, 29))
            row["title"] = txt.fill(rng.choice(txt.ANNOUNCE_TITLES), rng, topic, day, ctx.org_name)
            row["content"] = txt.plain_body(rng, topic.phrase, start, ctx.org_name)
        if row["published_on"] is None:
            return  # not on the board yet
        row.update(notice_start=start, notice_end=end, posted_on=start,
                   posted_board=rng.choice(("街道政务公开栏", f"{rng.choice(txt.COMMUNITIES)}居务公开栏")))
        taken_down = end + dt.timedelta(days=rng.randint(1, 3))
        if row["status"] == "withdrawn":
            row["removed_on"] = min(ctx.today, start + dt.timedelta(days=rng.randint(0, 3)))
        elif taken_down <= ctx.today and rng.random() > 0.06:  # a few are forgotten on the board
            row["removed_on"] = taken_down

    def _people(self, topic: txt.Topic, amounts: tuple[int, ...],
                log: list[str]) -> list[tuple[str, str, str, str, int]]:
        rng = self.rng
        low, high = AGES.get(topic.phrase, (18, 80))
        people = []
        for _ in range(rng.randint(4, 12)):
            male = rng.random() < 0.5
            id_no = resident_id(rng, birth_date(rng, self.ctx.today, low, high), male)
            log.append(id_no)
            people.append((person_name(rng), id_no, mobile(rng), rng.choice(txt.COMMUNITIES), rng.choice(amounts)))
        return people
