"""The quarterly tally's counting rules — the ONE place that says what each figure counts.

Every figure is a small function of a :class:`Period` whose docstring is its rule (口径);
the workbook prints the same text in its 统计口径 column, and the window's dashboard and the
annual report use the same functions. Nothing about Excel lives here.

Choices that the rules make, once:

- **Published in a period** (发布): ``published_on`` falls in the period and the item is
  已发布 *or* 已下架. An item withdrawn later was still published then, and a quarter's
  figures must not shrink because of a later withdrawal.
- **Revisions** (变更后重新发布) are items of their own and count when published.
- **Stock figures** (现行有效, 超期未公开) are "as the register showed it" at the period's
  end: ``as_of`` is the day after the period's last day, or today while the period runs.
  An item is overdue when its due date is before ``as_of`` — the register's own rule
  (query.overdue_clause) applied on that day.
- Work-log figures count entries whose date falls in the period.
- 按时公开率 = 按时公开数 / 有公开期限的发布数; none (shown "—") when nothing was due.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable, Optional

from sqlalchemy import ColumnElement, and_, case, func, not_, or_, select
from sqlalchemy.orm import Session, aliased

from deskapp.core.register.query import UNPUBLISHED, quarter_range
from deskapp.core.store.models import Item, WorklogEntry

PUBLISHED = ("published", "withdrawn")
POLICY_KINDS = ("政策文件", "规范性文件")
ENDED_VALIDITY = ("repealed", "expired")
ONE_DAY = dt.timedelta(days=1)

# The interpretation an item points at (Item.interpretation_id), joined by every item query.
Interp = aliased(Item, name="interp")


@dataclass(frozen=True)
class Period:
    """A span of days being counted, and the day its stock figures are taken on."""

    first: dt.date
    last: dt.date
    as_of: dt.date  # last + 1 day, or today while the period is still running
    label: str

    @property
    def started(self) -> bool:
        return self.as_of > self.first

    @classmethod
    def of(cls, first: dt.date, last: dt.date, today: dt.date, label: str) -> "Period":
        return cls(first, last, min(last + ONE_DAY, today), label)


def quarter_period(year: int, quarter: int, today: dt.date) -> Period:
    first, last = quarter_range(year, quarter)
    return Period.of(first, last, today, f"{year}年第{quarter}季度")


def ytd_period(year: int, quarter: int, today: dt.date) -> Period:
    _, last = quarter_range(year, quarter)
    return Period.of(dt.date(year, 1, 1), last, today, f"{year}年1月至第{quarter}季度末")


def month_periods(year: int, quarter: int, today: dt.date) -> list[Period]:
    out = []
    for month in range(3 * quarter - 2, 3 * quarter + 1):
        first = dt.date(year, month, 1)
        last = (dt.date(year + month // 12, month % 12 + 1, 1)) - ONE_DAY
        out.append(Period.of(first, last, today, f"{month}月"))
    return out


# --- the item rules ------------------------------------------------------------------------------

def published_in(p: Period) -> ColumnElement[bool]:
    """发布信息总数：发布日期在统计期内、状态为已发布或已下架的信息（下架前已发布，仍计入当期）。"""
    return and_(Item.status.in_(PUBLISHED), Item.published_on.between(p.first, p.last))


def new_active(p: Period) -> ColumnElement[bool]:
    """主动公开新增信息数：公开属性为主动公开、统计期内发布的信息。"""
    return and_(Item.attribute == "active", published_in(p))


def policy_documents(p: Period) -> ColumnElement[bool]:
    """政策文件类公文信息数：统计期内发布的政策文件和规范性文件。"""
    return and_(Item.kind.in_(POLICY_KINDS), published_in(p))


def normative_issued(p: Period) -> ColumnElement[bool]:
    """规范性文件制发件数：统计期内发布的规范性文件。"""
    return and_(Item.kind == "规范性文件", published_in(p))


def normative_repealed(p: Period) -> ColumnElement[bool]:
    """规范性文件废止件数：有效性为废止或失效、失效日期在统计期内的规范性文件。"""
    return and_(Item.kind == "规范性文件", Item.validity.in_(ENDED_VALIDITY),
                Item.valid_until.between(p.first, p.last))


def normative_in_force(p: Period) -> ColumnElement[bool]:
    """现行有效规范性文件件数（期末存量）：期末前已发布、现仍为已发布状态，且期末时未废止、未失效、
    未过有效期的规范性文件（标为废止或失效但未填失效日期的，不计入）。"""
    ended = or_(Item.valid_until < p.as_of,
                and_(Item.validity.in_(ENDED_VALIDITY), Item.valid_until.is_(None)))
    return and_(Item.kind == "规范性文件", Item.status == "published",
                Item.published_on < p.as_of, not_(func.coalesce(ended, False)))


def interpretations(p: Period) -> ColumnElement[bool]:
    """政策解读稿件发布数：统计期内发布的政策解读。"""
    return and_(Item.kind == "政策解读", published_in(p))


def policy_without_interpretation(p: Period) -> ColumnElement[bool]:
    """未同步解读的政策文件数：统计期内发布的政策文件类公文中，期末时没有已发布的关联解读稿件的。"""
    interpreted = and_(Interp.status.in_(PUBLISHED), Interp.published_on < p.as_of)
    return and_(policy_documents(p), not_(func.coalesce(interpreted, False)))


def notices(p: Period) -> ColumnElement[bool]:
    """公告公示数：统计期内发布的公告公示。"""
    return and_(Item.kind == "公告公示", published_in(p))


def news(p: Period) -> ColumnElement[bool]:
    """工作动态数：统计期内发布的工作动态。"""
    return and_(Item.kind == "工作动态", published_in(p))


def with_deadline(p: Period) -> ColumnElement[bool]:
    """有公开期限的发布数：统计期内发布、有公开期限（主动公开）的信息；按时公开率的分母。"""
    return and_(published_in(p), Item.due_on.is_not(None))


def on_time(p: Period) -> ColumnElement[bool]:
    """按时公开数：统计期内发布、发布日期不晚于公开期限的信息。"""
    return and_(with_deadline(p), Item.published_on <= Item.due_on)


def late_published(p: Period) -> ColumnElement[bool]:
    """超期公开数：统计期内发布、发布日期晚于公开期限的信息。"""
    return and_(with_deadline(p), Item.published_on > Item.due_on)


def overdue_unpublished(p: Period) -> ColumnElement[bool]:
    """超期未公开数（期末存量）：至统计期末已过公开期限仍未发布的信息（不论形成于哪一年）。"""
    not_yet = or_(and_(Item.published_on.is_(None), Item.status.in_(UNPUBLISHED)),
                  Item.published_on >= p.as_of)
    return and_(Item.due_on.is_not(None), Item.due_on < p.as_of, not_yet)


def could_count(first: dt.date) -> ColumnElement[bool]:
    """Items no rule can count in a period starting on or after ``first`` are skipped: those
    published before it, unless they are 规范性文件 (whose stock is counted). A desk with many
    years of items then reads only this year's."""
    return or_(Item.published_on.is_(None), Item.published_on >= first, Item.kind == "规范性文件")


# --- the figures, in the order the district's form lists them -------------------------------------

@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    unit: str
    rule: str  # 统计口径, Chinese, printed next to the figure
    source: str  # item / worklog / rate
    stock: bool = False  # a level at the period's end rather than a count over the period


def _item(key: str, label: str, unit: str, fn: Callable[[Period], ColumnElement[bool]],
          stock: bool = False) -> tuple[Figure, Callable[[Period], ColumnElement[bool]]]:
    text = (fn.__doc__ or "").split("：", 1)[-1]
    rule = "".join(line.strip() for line in text.splitlines())  # no docstring line breaks in the sheet
    return Figure(key, label, unit, rule, "item", stock), fn


ITEM_RULES = dict((f.key, (f, fn)) for f, fn in [
    _item("new_active", "主动公开新增信息数", "条", new_active),
    _item("policy_documents", "政策文件类公文信息数", "条", policy_documents),
    _item("normative_issued", "规范性文件制发件数", "件", normative_issued),
    _item("normative_repealed", "规范性文件废止件数", "件", normative_repealed),
    _item("normative_in_force", "现行有效规范性文件件数", "件", normative_in_force, stock=True),
    _item("interpretations", "政策解读稿件发布数", "篇", interpretations),
    _item("policy_without_interpretation", "未同步解读的政策文件数", "件", policy_without_interpretation),
    _item("notices", "公告公示数", "条", notices),
    _item("news", "工作动态数", "条", news),
    _item("with_deadline", "有公开期限的发布数", "条", with_deadline),
    _item("on_time", "按时公开数", "条", on_time),
    _item("late_published", "超期公开数", "条", late_published),
    _item("overdue_unpublished", "超期未公开数", "条", overdue_unpublished, stock=True),
    _item("published_total", "发布信息总数", "条", published_in),
])

# Work-log figures: the entries of one kind (core.worklog.KINDS) dated in the period.
WORKLOG_RULES = {
    "responses": Figure("responses", "回应群众询问次数", "次",
                        "工作记录中“回应关切答复”（微博、网评、热线、来信）的条数", "worklog"),
    "meetings": Figure("meetings", "召开政府信息公开工作会次数", "次", "工作记录中“工作会议”的条数", "worklog"),
    "trainings": Figure("trainings", "培训次数", "次", "工作记录中“业务培训”的条数", "worklog"),
    "publicity": Figure("publicity", "专题讲座/宣传活动次数", "次", "工作记录中“专题讲座/宣传活动”的条数", "worklog"),
    "hearings": Figure("hearings", "座谈会/听证会次数", "次", "工作记录中“座谈会/听证会”的条数", "worklog"),
    "supervision": Figure("supervision", "监督评议次数", "次", "工作记录中“监督评议”的条数", "worklog"),
}
WORKLOG_KIND_OF = {"responses": "response", "meetings": "meeting", "trainings": "training",
                   "publicity": "publicity", "hearings": "hearing", "supervision": "supervision"}

RATE = Figure("on_time_rate", "按时公开率", "%", "按时公开数 ÷ 有公开期限的发布数；无应公开信息时为“—”", "rate")

ORDER = ["new_active", "policy_documents", "normative_issued", "normative_repealed",
         "normative_in_force", "interpretations", "policy_without_interpretation", "notices",
         "news", "responses", "meetings", "trainings", "publicity", "hearings", "supervision",
         "on_time_rate", "on_time", "with_deadline", "late_published", "overdue_unpublished",
         "published_total"]


def figure(key: str) -> Figure:
    if key == RATE.key:
        return RATE
    if key in ITEM_RULES:
        return ITEM_RULES[key][0]
    return WORKLOG_RULES[key]


FIGURES = [figure(k) for k in ORDER]
Value = Optional[float]  # a count (int), a rate (0..1), or None where it cannot be given


def figures_for(session: Session, p: Period) -> dict[str, Value]:
    """Every figure for one period."""
    return figures_for_periods(session, [p])[0]


def figures_for_periods(session: Session, periods: list[Period]) -> list[dict[str, Value]]:
    """Every figure for several periods: ONE scan of the items (each period's rules are sums
    side by side), one grouped count of the work log per period."""
    live = [p for p in periods if p.started]
    sums = [func.coalesce(func.sum(case((fn(p), 1), else_=0)), 0)
            for p in live for _, fn in ITEM_RULES.values()]
    stmt = (select(*sums).select_from(Item).outerjoin(Interp, Interp.id == Item.interpretation_id)
            .where(could_count(min((p.first for p in live), default=dt.date.max))))
    counted = iter(session.execute(stmt).one() if live else ())
    out: list[dict[str, Value]] = []
    for p in periods:
        if not p.started:  # a month still to come: nothing can be said yet
            out.append({k: None for k in ORDER})
            continue
        values: dict[str, Value] = {key: int(next(counted)) for key in ITEM_RULES}
        logged = dict(session.execute(
            select(WorklogEntry.kind, func.count())
            .where(WorklogEntry.day.between(p.first, p.last)).group_by(WorklogEntry.kind)).all())
        for key, kind in WORKLOG_KIND_OF.items():
            values[key] = int(logged.get(kind, 0))
        values[RATE.key] = rate(values["on_time"], values["with_deadline"])
        out.append({k: values[k] for k in ORDER})
    return out


def rate(part: Value, whole: Value) -> Value:
    return None if not whole else float(part or 0) / float(whole)


# --- a quarter's figures, and the quarter once it is reported -----------------------------------

@dataclass(frozen=True)
class FigureRow:
    figure: Figure
    quarter: Value
    ytd: Value
    months: tuple[Value, ...]


@dataclass(frozen=True)
class QuarterFigures:
    year: int
    quarter: int
    period: Period
    ytd: Period
    months: tuple[Period, ...]
    rows: tuple[FigureRow, ...]

    def value(self, key: str, column: str = "quarter") -> Value:
        found: Value = next(getattr(r, column) for r in self.rows if r.figure.key == key)
        return found

    def stored(self) -> dict[str, dict[str, Value]]:
        """What a report keeps: {key: {"quarter": v, "ytd": v}}."""
        return {r.figure.key: {"quarter": r.quarter, "ytd": r.ytd} for r in self.rows}


def quarter_figures(session: Session, year: int, quarter: int, today: dt.date) -> QuarterFigures:
    q, ytd = quarter_period(year, quarter, today), ytd_period(year, quarter, today)
    months = tuple(month_periods(year, quarter, today))
    by_q, by_ytd, *by_month = figures_for_periods(session, [q, ytd, *months])
    rows = tuple(FigureRow(figure(k), by_q[k], by_ytd[k], tuple(m[k] for m in by_month)) for k in ORDER)
    return QuarterFigures(year, quarter, q, ytd, months, rows)


def published_ids(session: Session, p: Period) -> list[int]:
    """The items the quarter counts as published (what a report freezes, item by item)."""
    return list(session.scalars(select(Item.id).where(published_in(p)).order_by(Item.id)))
