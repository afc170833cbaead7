"""The 工作台: this year's and this quarter's figures, the inspection checklist, chart series.

Everything here is read from the rules that already exist — the tally's 口径
(:mod:`deskapp.core.reports.tally`), the board's lists, the request register's clauses, the
review queue, the holiday table and the reported quarters — so the 工作台, the quarterly
tally and the 自查报告 can never disagree. Plain frozen dataclasses out; no Qt.

The **inspection checklist** (自查清单) is what an inspector asks first (domain.md, the seed
reports): each finding has its count, a sentence saying what is counted, and where it is
listed — the items themselves (``item_ids``, shown in 信息登记), a request filter (shown in
依申请公开), or the dialog where it is fixed (节假日安排, 季度统计).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Optional

from sqlalchemy import ColumnElement, Integer, String, and_, case, extract, func, or_, select
from sqlalchemy.orm import Session

from deskapp.core.board.noticeboard import NOTICE_KIND, SIGNED
from deskapp.core.calendar.workdays import known_years
from deskapp.core.register.holidays import provisional_count
from deskapp.core.register.query import due_soon_limit, quarter_range
from deskapp.core.reports import tally
from deskapp.core.reports.reported import reported_quarters
from deskapp.core.reports.tally import Interp, Period, Value
from deskapp.core.requests.query import RequestFilter
from deskapp.core.requests.query import overdue_clause as request_overdue
from deskapp.core.requests.vocab import OPEN_STEPS
from deskapp.core.review.queue import queue_rows
from deskapp.core.store import settings
from deskapp.core.store.models import Department, InfoRequest, Item, WorklogEntry

# Where a finding is listed / fixed (the window maps these to a tab or a dialog).
REGISTER, REQUESTS, HOLIDAYS, TALLY = "register", "requests", "holidays", "tally"
QUARTER_NAMES = "一二三四"


@dataclass(frozen=True)
class Finding:
    """One line of the checklist. ``count`` 0 means nothing to fix."""

    key: str
    label: str
    count: int
    unit: str
    rule: str  # what is counted, one Chinese sentence (shown as the line's tooltip)
    target: str  # REGISTER / REQUESTS / HOLIDAYS / TALLY
    item_ids: tuple[int, ...] = ()  # REGISTER: exactly the items found
    request_filter: Optional[RequestFilter] = None  # REQUESTS: the list's filter
    detail: str = ""  # e.g. which quarters, which year

    @property
    def ok(self) -> bool:
        return self.count == 0

    @property
    def text(self) -> str:
        if self.ok:
            return f"{self.label}：无"
        extra = f"（{self.detail}）" if self.detail else ""
        return f"{self.label}：{self.count} {self.unit}{extra}"


@dataclass(frozen=True)
class MonthPoint:
    month: int  # 1–12
    published: Optional[int]  # 主动公开新增 that month; None for a month still to come
    on_time_rate: Value  # 0..1, None when nothing was due


@dataclass(frozen=True)
class DepartmentLate:
    department: str
    late: int  # published late this year + overdue and still unpublished now


@dataclass(frozen=True)
class BoardFigures:
    pending: int  # 待张贴
    showing: int  # 公示中
    due_down: int  # 公示期满未撤下
    removed_late: int  # taken down this year after the 公示期 had ended


@dataclass(frozen=True)
class RequestFigures:
    open: int
    due_soon: int
    late: int


@dataclass(frozen=True)
class Dashboard:
    today: dt.date
    year: int
    quarter: int
    as_of: dt.date  # the day stock figures are taken on (today, or the quarter's end + 1)
    quarter_figures: dict[str, Value]  # tally keys (MONTHLY_KEYS, WORKLOG_KEYS, on_time_rate) → value
    ytd_figures: dict[str, Value]  # the same from 1 January to the quarter's end, plus the two
    # stock figures policy_without_interpretation and overdue_unpublished (the findings' counts)
    board: BoardFigures
    requests: RequestFigures
    reviews_waiting: tuple[tuple[str, int], ...]  # (step, items) in flow order
    findings: tuple[Finding, ...]
    months: tuple[MonthPoint, ...]
    late_by_department: tuple[DepartmentLate, ...]
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def quarter_label(self) -> str:
        return f"第{QUARTER_NAMES[self.quarter - 1]}季度"

    def finding(self, key: str) -> Finding:
        return next(f for f in self.findings if f.key == key)


def quarter_of(day: dt.date) -> int:
    return (day.month - 1) // 3 + 1


def dashboard(session: Session, today: dt.date, year: Optional[int] = None,
              quarter: Optional[int] = None) -> Dashboard:
    """The 工作台 for ``today``; with ``year``/``quarter`` the figures are those of that
    quarter and the year up to its end (截至第N季度), as the 自查报告 of that quarter says."""
    year = year or today.year
    quarter = quarter or (quarter_of(today) if year == today.year else 4)
    ytd = tally.ytd_period(year, quarter, today)
    # The checklist is the state at the end of today (an item published today is no longer
    # 超期未公开), or at the quarter's end for a past quarter.
    as_of = min(ytd.last, today) + tally.ONE_DAY
    stock = Period(ytd.first, ytd.last, as_of, ytd.label)
    monthly = _monthly(session, year, today)
    by_q = _sum_months(monthly, range(3 * quarter - 2, 3 * quarter + 1))
    by_ytd = _sum_months(monthly, range(1, 3 * quarter + 1))
    by_q.update(_worklog(session, tally.quarter_period(year, quarter, today)))
    by_ytd.update(_worklog(session, ytd))
    board = _board(session, today, year)
    requests = _requests(session, today)
    waiting, stalled = _reviews(session, today)
    findings = (
        _policy_without_interpretation(session, ytd),
        _board_finding(session, today),
        _overdue_unpublished(session, stock),
        Finding("requests_late", "依申请超期", requests.late, "件",
                "尚未办结、已过答复期限的政府信息公开申请", REQUESTS,
                request_filter=RequestFilter(open_only=True, overdue_only=True)),
        stalled,
        _holidays(session, today),
        _unlocked_quarters(session, year, quarter, today),
    )
    by_ytd["policy_without_interpretation"] = findings[0].count
    by_ytd["overdue_unpublished"] = findings[2].count
    return Dashboard(
        today=today, year=year, quarter=quarter, as_of=as_of, quarter_figures=by_q, ytd_figures=by_ytd,
        board=board, requests=requests, reviews_waiting=waiting, findings=findings,
        months=tuple(_point(month, monthly.get(month), today, year) for month in range(1, 13)),
        late_by_department=_late_by_department(session, ytd, stock),
    )


# --- the figures: the tally's rules, summed per month in ONE grouped scan -------------------------

# Rules that count what was published in a period: additive over the months, so a quarter's
# and the year-to-date figure are sums of months (the test checks them against tally's own).
MONTHLY_KEYS = ("new_active", "policy_documents", "interpretations", "with_deadline", "on_time")
WORKLOG_KEYS = ("responses", "meetings", "trainings")


def _monthly(session: Session, year: int, today: dt.date) -> dict[int, dict[str, int]]:
    """month → {rule: count} for the months of ``year`` in which anything was published."""
    whole = Period.of(dt.date(year, 1, 1), dt.date(year, 12, 31), today, f"{year}年")
    month = extract("month", Item.published_on)
    sums = [func.sum(case((tally.ITEM_RULES[k][1](whole), 1), else_=0), type_=Integer) for k in MONTHLY_KEYS]
    stmt = select(month, *sums).where(tally.published_in(whole)).group_by(month)
    out: dict[int, dict[str, int]] = {}
    for row in session.execute(stmt):
        out[int(row[0])] = {k: int(row[i + 1] or 0) for i, k in enumerate(MONTHLY_KEYS)}
    return out


def _sum_months(monthly: dict[int, dict[str, int]], months: range) -> dict[str, Value]:
    out: dict[str, Value] = {k: sum(monthly.get(m, {}).get(k, 0) for m in months) for k in MONTHLY_KEYS}
    out[tally.RATE.key] = tally.rate(out["on_time"], out["with_deadline"])
    return out


def _worklog(session: Session, p: Period) -> dict[str, Value]:
    """The tally's work-log figures (entries of a kind dated in the period)."""
    logged = dict(session.execute(select(WorklogEntry.kind, func.count())
                                  .where(WorklogEntry.day.between(p.first, p.last))
                                  .group_by(WorklogEntry.kind)).all())
    return {k: int(logged.get(tally.WORKLOG_KIND_OF[k], 0)) for k in WORKLOG_KEYS}


def _point(month: int, counts: Optional[dict[str, int]], today: dt.date, year: int) -> MonthPoint:
    if dt.date(year, month, 1) > today:
        return MonthPoint(month, None, None)  # a month still to come: nothing can be said yet
    counts = counts or {}
    return MonthPoint(month, counts.get("new_active", 0),
                      tally.rate(counts.get("on_time", 0), counts.get("with_deadline", 0)))


# --- the findings ------------------------------------------------------------------------------

def _ids(session: Session, where: ColumnElement[bool]) -> tuple[int, ...]:
    """The ids a tally rule counts (the rules may name the joined interpretation)."""
    stmt = (select(Item.id).outerjoin(Interp, Interp.id == Item.interpretation_id)
            .where(where).order_by(Item.id))
    return tuple(session.scalars(stmt))


def _policy_without_interpretation(session: Session, ytd: Period) -> Finding:
    ids = _ids(session, tally.policy_without_interpretation(ytd))
    return Finding("policy_without_interpretation", "规范性文件无解读", len(ids), "件",
                   "本年发布的政策文件、规范性文件中，没有已发布的关联解读稿件的（应同步解读）", REGISTER, ids)


def _overdue_unpublished(session: Session, stock: Period) -> Finding:
    ids = _ids(session, tally.overdue_unpublished(stock))
    return Finding("overdue_unpublished", "超期未公开", len(ids), "条",
                   "已过公开期限（形成或变更之日起20个工作日）仍未发布的信息", REGISTER, ids)


def board_ids(session: Session, today: dt.date) -> tuple[int, ...]:
    """The notices still up after their 公示期 (the board's 待撤下 list, same condition)."""
    return tuple(session.scalars(select(Item.id).where(
        Item.posted_on.is_not(None), Item.removed_on.is_(None), Item.notice_end < today).order_by(Item.id)))


def _board_finding(session: Session, today: dt.date) -> Finding:
    ids = board_ids(session, today)
    return Finding("board_due_down", "公示期满未撤下", len(ids), "条",
                   "公示期已结束、公示栏上仍未登记撤下的公示", REGISTER, ids)


def review_step_limit(session: Session) -> int:
    return int(settings.get(session, "review_step_workdays"))


def _reviews(session: Session, today: dt.date) -> tuple[tuple[tuple[str, int], ...], Finding]:
    """(step, waiting) in the queue's order, and the items waiting at one step longer than
    the desk's limit (审核超时)."""
    limit = review_step_limit(session)
    rows = [r for r in queue_rows(session, today, include_drafts=False) if r.status == "in_review"]
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.group] = counts.get(r.group, 0) + 1
    stalled = tuple(sorted(r.item_id for r in rows if r.waited > limit))
    finding = Finding("review_stalled", "审核超时", len(stalled), "条",
                      f"在同一审核环节等待超过 {limit} 个工作日的信息", REGISTER, stalled)
    by_position = sorted(counts.items(), key=lambda kv: min(r.position or 0 for r in rows if r.group == kv[0]))
    return tuple(by_position), finding


def _holidays(session: Session, today: dt.date) -> Finding:
    """Next year's arrangement is published in November: from 11月 on, a missing next year is a
    finding; this year missing is one at any time. Provisional deadlines are named."""
    known = known_years(session)
    missing = [y for y in (today.year, today.year + 1) if y not in known and (y == today.year or today.month >= 11)]
    provisional = provisional_count(session) if missing else 0
    detail = "、".join(f"{y}年" for y in missing)
    if provisional:
        detail += f"；{provisional} 条信息的公开期限为暂按周一至周五推算"
    return Finding("holidays_missing", "下一年节假日安排未录入", len(missing), "年",
                   "国务院公布的节假日安排（含调休上班日）尚未录入的年份（11月起检查下一年）",
                   HOLIDAYS, detail=detail)


def _unlocked_quarters(session: Session, year: int, quarter: int, today: dt.date) -> Finding:
    """Quarters of the year, up to ``quarter``, that have ended but are not marked 已上报."""
    locked = {(r.year, r.quarter) for r in reported_quarters(session)}
    ended = [q for q in range(1, quarter + 1) if quarter_range(year, q)[1] < today]
    missing = [q for q in ended if (year, q) not in locked]
    return Finding("quarters_unlocked", "季度台账未锁定", len(missing), "个季度",
                   "已结束但尚未标记“已上报”（锁定数字）的季度统计", TALLY,
                   detail="、".join(f"第{QUARTER_NAMES[q - 1]}季度" for q in missing))


# --- the other figures --------------------------------------------------------------------------

def _board(session: Session, today: dt.date, year: int) -> BoardFigures:
    """The board's lists counted in SQL with the conditions of ``board_lists`` (which also reads
    every notice's text for its privacy badge: too slow for a glance); a test holds the two
    equal."""
    up = and_(Item.posted_on.is_not(None), Item.removed_on.is_(None))
    pending = and_(Item.kind == NOTICE_KIND, Item.status.in_(SIGNED), Item.posted_on.is_(None))
    over = and_(up, Item.notice_end < today)
    pending_n, up_n, over_n = (int(session.scalar(select(func.count(Item.id)).where(c)) or 0)
                               for c in (pending, up, over))
    late = session.scalar(select(func.count(Item.id)).where(
        Item.removed_on.between(dt.date(year, 1, 1), dt.date(year, 12, 31)),
        Item.notice_end.is_not(None), Item.removed_on > Item.notice_end)) or 0
    return BoardFigures(pending_n, up_n - over_n, over_n, int(late))


def _requests(session: Session, today: dt.date) -> RequestFigures:
    """Open requests, of which due within the reminder period and late — the clauses of the
    request register's 未办结 / 即将到期 / 超期 filters."""
    is_open = InfoRequest.step.in_(OPEN_STEPS)
    soon = and_(is_open, InfoRequest.due_on >= today, InfoRequest.due_on <= due_soon_limit(session, today))
    row = session.execute(select(
        func.count(InfoRequest.id),
        func.coalesce(func.sum(case((soon, 1), else_=0)), 0),
        func.coalesce(func.sum(case((request_overdue(today), 1), else_=0)), 0),
    ).where(is_open)).one()
    return RequestFigures(int(row[0]), int(row[1]), int(row[2]))


def _late_by_department(session: Session, ytd: Period, stock: Period) -> tuple[DepartmentLate, ...]:
    """Late this year per department: published late (超期公开) plus overdue still unpublished
    (超期未公开), the tally's two rules; departments with none are left out."""
    late = case((tally.late_published(ytd), 1), (tally.overdue_unpublished(stock), 1), else_=0)
    stmt = (select(func.coalesce(Department.name, "未指定科室", type_=String), func.sum(late, type_=Integer))
            .select_from(Item).outerjoin(Department, Department.id == Item.department_id)
            .where(Item.due_on.is_not(None), Item.due_on < stock.as_of,
                   or_(Item.published_on.is_(None), Item.published_on > Item.due_on))
            .group_by(Department.name))
    rows = [DepartmentLate(str(r[0]), int(r[1] or 0)) for r in session.execute(stmt) if r[1]]
    return tuple(sorted(rows, key=lambda r: (-r.late, r.department)))
