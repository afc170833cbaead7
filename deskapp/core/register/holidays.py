"""Entering a year's holiday arrangement (设置 → 节假日安排) and what follows from it.

Saving a year writes the arrangement, recomputes every open deadline and records the change
in the audit log — all in the caller's one transaction, so a failure leaves neither a
half-entered year nor deadlines computed from a table that was rolled back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, Optional

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from deskapp.core.accounts.scope import check_manager
from deskapp.core.audit import chain as audit
from deskapp.core.audit.chain import Actor
from deskapp.core.calendar.workdays import (
    PROVISIONAL_NOTE,
    HolidayRange,
    YearArrangement,
    known_years,
    load_arrangement,
    package_arrangements,
    save_arrangement,
)
from deskapp.core.errors import ValidationError
from deskapp.core.register.items import OPEN_STATUSES, recompute_open_deadlines
from deskapp.core.store.models import Item

# The holidays the State Council arranges every year, in calendar order: a new year's form
# starts with these names so the user only types dates.
STANDARD_HOLIDAYS = ["元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"]
MIN_YEAR, MAX_YEAR = 2000, 2100
WEEKDAYS = "一二三四五六日"

SOURCE_LABELS = {
    "package": "已内置（来自节假日安排数据包）",
    "user": "已录入（由用户录入）",
    None: f"未录入，期限{PROVISIONAL_NOTE}",
}


@dataclass(frozen=True)
class YearInfo:
    year: int
    source: Optional[str]  # "package", "user", or None when not entered
    arrangement: YearArrangement
    in_package: bool  # the holiday package knows this year (it can be restored)

    @property
    def status_text(self) -> str:
        return SOURCE_LABELS[self.source]


def weekday_name(day: dt.date) -> str:
    return "周" + WEEKDAYS[day.weekday()]


def package_years() -> set[int]:
    return {a.year for a in package_arrangements()}


def year_info(session: Session, year: int) -> YearInfo:
    source = known_years(session).get(year)
    return YearInfo(year, source, load_arrangement(session, year), year in package_years())


def provisional_count(session: Session) -> int:
    """Open items whose deadline is only provisional (a year on the way is not entered)."""
    stmt = select(func.count()).select_from(Item).where(
        Item.due_provisional.is_(True), Item.status.in_(OPEN_STATUSES))
    return session.scalar(stmt) or 0


def first_year_needing_entry(session: Session, today: dt.date) -> int:
    """This year, or the next when this one is known and next one is not (the arrangement is
    usually published in November): the year the user most likely came to enter."""
    known = known_years(session)
    if today.year in known and today.month >= 10 and today.year + 1 not in known:
        return today.year + 1
    return today.year


def check(arrangement: YearArrangement) -> None:
    """Every rule of a year's arrangement; one Chinese message per field that is wrong."""
    errors: dict[str, str] = {}
    year = arrangement.year
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError({"year": f"年份应在 {MIN_YEAR} 到 {MAX_YEAR} 之间。"})
    if not arrangement.holidays:
        errors["holidays"] = "请至少录入一段假期（如国庆节的起止日期）。"
    overlap = _overlap(arrangement.holidays)
    if overlap:
        errors["holidays"] = overlap
    makeup = arrangement.makeup_workdays
    duplicate = next((d for d in makeup if makeup.count(d) > 1), None)
    if duplicate:
        errors["makeup"] = f"调休上班日 {duplicate.isoformat()} 重复录入了。"
    outside = next((d for d in makeup if d.year != year), None)
    if outside:
        errors["makeup"] = f"调休上班日 {outside.isoformat()} 不在{year}年内，请在该年的安排中录入。"
    try:
        arrangement.validate()
    except ValidationError as exc:
        errors = {**exc.fields, **errors}
    if errors:
        raise ValidationError(errors)


def _overlap(ranges: list[HolidayRange]) -> Optional[str]:
    ordered = sorted(ranges, key=lambda r: r.first)
    for a, b in pairwise(ordered):
        if b.first <= a.last:
            return f"“{a.name}”与“{b.name}”的日期重叠，请改正（连休可合成一段，如“中秋节、国庆节”）。"
    return None


def recompute_deadlines(session: Session, actor: Actor) -> int:
    """Recompute every open deadline; returns how many changed.

    The recomputation is a bulk UPDATE, which the session's already loaded items do not see:
    their due dates are expired so whoever reads them next in this transaction gets the new ones.
    """
    changed = recompute_open_deadlines(session, actor)
    if changed:
        for obj in list(session.identity_map.values()):
            if isinstance(obj, Item):
                session.expire(obj, ["due_on", "due_provisional"])
    return changed


def _as_json(session: Session, year: int) -> dict[str, Any]:
    arrangement = load_arrangement(session, year)
    return {
        "source": known_years(session).get(year),
        "holidays": [[r.name, r.first.isoformat(), r.last.isoformat()] for r in arrangement.holidays],
        "makeup_workdays": [d.isoformat() for d in arrangement.makeup_workdays],
    }


def save_year(session: Session, actor: Actor, arrangement: YearArrangement) -> int:
    """Save one year as the user entered it, recompute open deadlines, audit before/after.

    Returns how many items' deadlines changed.
    """
    check_manager(session, "修改节假日安排")
    check(arrangement)
    cleaned = YearArrangement(
        arrangement.year,
        [HolidayRange(r.name.strip(), r.first, r.last) for r in arrangement.holidays],
        sorted(set(arrangement.makeup_workdays)),
    )
    return _store(session, actor, cleaned, "user")


def restore_package_year(session: Session, actor: Actor, year: int) -> int:
    """Put back the holiday package's arrangement of ``year`` (undoing the user's edits)."""
    check_manager(session, "修改节假日安排")
    for arrangement in package_arrangements():
        if arrangement.year == year:
            return _store(session, actor, arrangement, "package")
    raise ValidationError({"year": f"节假日安排数据包中没有{year}年，无法恢复，请手工录入。"})


def _store(session: Session, actor: Actor, arrangement: YearArrangement, source: str) -> int:
    year = arrangement.year
    before = _as_json(session, year)
    save_arrangement(session, arrangement, source=source)
    after = _as_json(session, year)
    changed = recompute_deadlines(session, actor)
    after["deadlines_changed"] = changed
    action = "update" if before["source"] else "create"
    audit.record(session, actor, action, "calendar_year", year, before, after)
    return changed
