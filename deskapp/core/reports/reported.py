"""Reported quarters (已上报): the figures sent are frozen; later changes are allowed but
listed (上报后变更) — figure by figure, and item by item for what the quarter counts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from deskapp.core.audit import chain as audit
from deskapp.core.audit.chain import Actor
from deskapp.core.errors import ValidationError
from deskapp.core.reports import tally
from deskapp.core.reports.tally import QuarterFigures, Value
from deskapp.core.store.models import Item, ReportedQuarter, utcnow
from deskapp.core.store.vocab import STATUSES

COLUMNS = {"quarter": "本季度", "ytd": "截至本季度"}


@dataclass(frozen=True)
class ReportInfo:
    year: int
    quarter: int
    reported_on: dt.date
    reported_at: dt.datetime
    reported_by: str

    @property
    def label(self) -> str:
        return f"{self.year}年第{self.quarter}季度"


@dataclass(frozen=True)
class FigureChange:
    label: str
    column: str  # 本季度 / 截至本季度
    reported: Value
    now: Value


@dataclass(frozen=True)
class ItemChange:
    item_id: int
    index_no: str
    title: str
    published_on: Optional[dt.date]
    status: str
    change: str  # 上报后新增计入 / 上报后不再计入


@dataclass(frozen=True)
class ReportChanges:
    info: ReportInfo
    figures: list[FigureChange]
    items: list[ItemChange]

    @property
    def any(self) -> bool:
        return bool(self.figures or self.items)


def _info(r: ReportedQuarter) -> ReportInfo:
    return ReportInfo(r.year, r.quarter, r.reported_on, r.reported_at, r.reported_by)


def report_info(session: Session, year: int, quarter: int) -> Optional[ReportInfo]:
    r = session.get(ReportedQuarter, (year, quarter))
    return _info(r) if r else None


def reported_quarters(session: Session) -> list[ReportInfo]:
    rows = session.scalars(select(ReportedQuarter).order_by(ReportedQuarter.year, ReportedQuarter.quarter))
    return [_info(r) for r in rows]


def mark_reported(session: Session, actor: Actor, year: int, quarter: int,
                  today: dt.date) -> ReportInfo:
    """Freeze the quarter's figures as sent today. Marking again replaces them (audited)."""
    period = tally.quarter_period(year, quarter, today)
    if not period.started:
        raise ValidationError({"quarter": f"{period.label}尚未开始，不能标记为已上报。"})
    qf = tally.quarter_figures(session, year, quarter, today)
    stored = qf.stored()
    ids = tally.published_ids(session, period)
    row = session.get(ReportedQuarter, (year, quarter))
    before = None
    if row is None:
        row = ReportedQuarter(year=year, quarter=quarter)
        session.add(row)
    else:
        before = {"reported_on": row.reported_on, "reported_by": row.reported_by, "figures": row.figures}
    row.reported_on, row.reported_at, row.reported_by = today, utcnow(), actor.name
    row.figures, row.published_ids = stored, ids
    session.flush()
    audit.record(session, actor, "report", "tally", f"{year}Q{quarter}", before,
                 {"reported_on": today, "reported_by": actor.name, "figures": stored})
    return _info(row)


def _same(a: Value, b: Value) -> bool:
    if a is None or b is None:
        return a is b
    return abs(float(a) - float(b)) < 1e-9


def changes_since_report(session: Session, qf: QuarterFigures) -> Optional[ReportChanges]:
    """None when the quarter was never reported; else what differs from what was sent."""
    row = session.get(ReportedQuarter, (qf.year, qf.quarter))
    if row is None:
        return None
    figures = []
    for r in qf.rows:
        sent = row.figures.get(r.figure.key)
        if sent is None:
            continue  # a figure added to the desk after the report: nothing to compare
        for column, label in COLUMNS.items():
            if not _same(sent.get(column), getattr(r, column)):
                figures.append(FigureChange(r.figure.label, label, sent.get(column), getattr(r, column)))
    return ReportChanges(_info(row), figures, _item_changes(session, qf, set(row.published_ids or [])))


def _item_changes(session: Session, qf: QuarterFigures, sent: set[int]) -> list[ItemChange]:
    now = set(tally.published_ids(session, qf.period))
    added, gone = now - sent, sent - now
    if not added and not gone:
        return []
    out = []
    stmt = (select(Item.id, Item.index_no, Item.title, Item.published_on, Item.status)
            .where(Item.id.in_(added | gone)).order_by(Item.index_no))
    for id_, index_no, title, published_on, status in session.execute(stmt):
        change = "上报后新增计入" if id_ in added else "上报后不再计入"
        out.append(ItemChange(id_, index_no, title, published_on, STATUSES.get(status, status), change))
    found = {c.item_id for c in out}
    for id_ in sorted(gone - found):  # deleted since the report
        out.append(ItemChange(id_, "", "（该信息已被删除）", None, "", "上报后不再计入"))
    return out
