"""The shape of the demo register before any words are written: which kind each item is,
which catalogue entry it belongs to, when it was formed, and which must come out late or due
soon. Planning first keeps memory small (a plan is a few fields; the text is written chunk
by chunk later) and lets the index numbers follow the formed dates, as in a real register.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random
from dataclasses import dataclass
from typing import Callable, Optional

from deskapp.core.demo.text import TOPICS
from deskapp.core.store.vocab import KINDS, STATUSES

ONE_DAY = dt.timedelta(days=1)

# kind → (shape, weight). A shape says how the item is written (demo_rows).
KIND_WEIGHTS = {
    "工作动态": 30, "公告公示": 19, "政策文件": 8, "规范性文件": 3, "政策解读": 2,
    "规划计划": 5, "财政信息": 7, "人事信息": 5, "回应关切": 8, "其他": 5,
}
PAIR_SHARE = 0.7  # policy documents that come with their 政策解读 (同步解读)
NOT_ACTIVE = {"on_request": 0.05, "withheld": 0.02}  # for kinds that may be withheld at all
ALWAYS_ACTIVE = {"政策文件", "规范性文件", "政策解读", "公告公示", "规划计划", "财政信息"}


@dataclass
class Plan:
    seq: int
    kind: str
    shape: str
    topic: int  # index into demo_text.TOPICS
    catalogue: str  # a catalogue entry's code
    attribute: str = "active"
    want: str = ""  # "", "late_open", "late_published", "soon", "withdrawn"
    status: Optional[str] = None  # forced status, else decided when written
    paired: bool = False  # an interpretation written together with the policy after it
    partner: str = ""  # the shape of that policy (policy / norm)
    formed: dt.date = dt.date.min


def _shape(kind: str, rng: random.Random) -> str:
    if kind == "公告公示":
        return rng.choices(("notice_list", "notice_appoint", "announce"), (6, 1, 3))[0]
    return {
        "政策文件": "policy", "规范性文件": "norm", "政策解读": "interp", "工作动态": "news",
        "规划计划": "plan", "财政信息": "finance", "人事信息": "personnel", "回应关切": "response",
        "其他": "other",
    }[kind]


_LIST_TOPICS = ("最低生活保障复核", "临时救助", "残疾人两项补贴发放", "高龄津贴申领", "公共租赁住房资格审核")
_FIXED_CATALOGUE = {"norm": "0201", "interp": "0701", "announce": "0501", "notice_appoint": "0502",
                    "plan": "0301", "personnel": "0901", "response": "0801", "other": "1001"}


def _catalogue(shape: str, t: int, rng: random.Random) -> str:
    if shape in _FIXED_CATALOGUE:
        return _FIXED_CATALOGUE[shape]
    if shape == "finance":
        return rng.choice(("0401", "0402", "9003"))
    if shape == "news":
        return "0601" if rng.random() < 0.6 else TOPICS[t].catalogue
    if shape == "policy":
        return TOPICS[t].catalogue if rng.random() < 0.5 else "0202"
    return TOPICS[t].catalogue  # notice_list: the area's entry (社会救助: 10 working days)


def _topic_for(shape: str, rng: random.Random) -> int:
    if shape == "notice_list":
        phrase = rng.choice(_LIST_TOPICS)
        return next(i for i, t in enumerate(TOPICS) if t.phrase == phrase)
    return rng.randrange(len(TOPICS))


class Planner:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.seq = itertools.count()

    def plan(self, kind: str, *, want: str = "", status: Optional[str] = None,
             shape: Optional[str] = None, attribute: Optional[str] = None) -> Plan:
        shape = shape or _shape(kind, self.rng)
        t = _topic_for(shape, self.rng)
        if attribute is None:
            attribute = "active"
            if kind not in ALWAYS_ACTIVE and not want:
                r = self.rng.random()
                if r < NOT_ACTIVE["withheld"]:
                    attribute = "withheld"
                elif r < NOT_ACTIVE["withheld"] + NOT_ACTIVE["on_request"]:
                    attribute = "on_request"
        return Plan(next(self.seq), kind, shape, t, _catalogue(shape, t, self.rng), attribute,
                    want, status)

    def pair(self, kind: str, status: Optional[str] = None) -> list[Plan]:
        """A policy document with its interpretation (written first, so the policy can link it)."""
        policy = self.plan(kind, status=status)
        interp = self.plan("政策解读", shape="interp", status=status)
        interp.topic, interp.paired, interp.partner = policy.topic, True, policy.shape
        interp.seq, policy.seq = policy.seq, interp.seq  # the interpretation sorts first
        return [interp, policy]

    def coverage(self) -> list[Plan]:
        """Items every demo register shows: each kind and status, late, due soon, pairs."""
        plans = self.pair("政策文件", status="published")
        plans.append(self.plan("政策文件", status="published"))  # one without its 解读
        plans += [
            self.plan("公告公示", shape="notice_list", status="published"),
            self.plan("工作动态", want="soon", status="draft"),
            self.plan("回应关切", want="soon", status="in_review", attribute="active"),
            self.plan("规划计划", want="late_open", status="in_review"),
            self.plan("财政信息", want="late_published"),
            self.plan("工作动态", want="late_open", status="approved", attribute="active"),
            self.plan("人事信息", status="returned", attribute="active"),
            self.plan("其他", want="withdrawn"),
            self.plan("规范性文件", status="published"),
            self.plan("公告公示", shape="notice_appoint", status="published"),
            self.plan("其他", attribute="withheld", status="approved"),
            self.plan("回应关切", attribute="on_request", status="draft"),
        ]
        for kind in KINDS:
            if not any(p.kind == kind for p in plans):
                plans.append(self.plan(kind))
        assert {p.status for p in plans if p.status} | {"withdrawn"} >= set(STATUSES)
        return plans

    def random_plans(self, count: int) -> list[Plan]:
        kinds = list(KIND_WEIGHTS)
        cum = list(itertools.accumulate(KIND_WEIGHTS[k] for k in kinds))
        plans: list[Plan] = []
        while len(plans) < count:
            kind = self.rng.choices(kinds, cum_weights=cum)[0]
            paired = kind in ("政策文件", "规范性文件") and self.rng.random() < PAIR_SHARE
            if paired and count - len(plans) >= 2:
                plans += self.pair(kind)
            else:
                plans.append(self.plan(kind))
        return plans

    def make(self, count: int) -> list[Plan]:
        first = self.coverage()
        if len(first) > count:
            first = first[:count]
            if first and first[-1].paired:
                first.pop()  # an interpretation is never left without its policy
        return first + self.random_plans(count - len(first))


DueOf = Callable[[dt.date, str], Optional[dt.date]]


class DatePicker:
    """Formed dates: working days mostly, weekends now and then, and the constraints a plan
    asks for (late: due well before today; soon: due within the reminder window)."""

    def __init__(self, rng: random.Random, days: list[dt.date], is_workday: Callable[[dt.date], bool],
                 due_of: DueOf, today: dt.date, soon_limit: dt.date):
        self.rng, self.days, self.due_of = rng, days, due_of
        self.today, self.soon_limit = today, soon_limit
        self.cum = list(itertools.accumulate(1.0 if is_workday(d) else 0.08 for d in days))
        self._eligible: dict[tuple[str, str], list[dt.date]] = {}

    def _ok(self, want: str, catalogue: str, day: dt.date) -> bool:
        due = self.due_of(day, catalogue)
        if due is None:
            return False
        if want == "soon":
            return self.today <= due <= self.soon_limit
        return due < self.today - dt.timedelta(days=3)  # late / withdrawn: long past due

    def eligible(self, want: str, catalogue: str) -> list[dt.date]:
        key = (want, catalogue)
        if key not in self._eligible:
            self._eligible[key] = [d for d in self.days if self._ok(want, catalogue, d)]
        return self._eligible[key]

    def pick(self, plan: Plan) -> dt.date:
        if plan.want:
            choices = self.eligible(plan.want, plan.catalogue)
            if choices:
                return self.rng.choice(choices)
        return self.rng.choices(self.days, cum_weights=self.cum)[0]

    def assign(self, plans: list[Plan]) -> list[Plan]:
        """Give every plan its formed date and return them in register order."""
        for i, plan in enumerate(plans):
            if plan.paired:
                continue
            plan.formed = self.pick(plan)
            if i and plans[i - 1].paired:
                plans[i - 1].formed = plan.formed
        return sorted(plans, key=lambda p: (p.formed, p.seq))


def days_between(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def workdays_in(workdays: list[dt.date], after: dt.date, upto: dt.date) -> list[dt.date]:
    """The working days in (after, upto] from a sorted list."""
    return workdays[bisect.bisect_right(workdays, after):bisect.bisect_right(workdays, upto)]
