"""The 公示栏: what to post, what is up and for how long, what must come down; evidence kept.

Four lists (``board_lists``): 待张贴 (signed 公告公示 items not yet posted), 公示中 (posted, with
the 公示期 end and the days left), 待撤下 (公示期 over, still up), 已撤下 (history). The 公示期
runs from its start date for the item's days — calendar or working days, the item's own
setting else the desk's (domain.md §4). Posting and taking down are recorded with date,
board and an optional photo (an attachment with purpose "photo"), each audited. A board
issue (第N期) is numbered per year, one per day. No Qt here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional, Unpack, overload

from sqlalchemy import ColumnElement, Row, Select, func, or_, select
from sqlalchemy.orm import Session, object_session

from deskapp.core.audit import chain as audit
from deskapp.core.audit.chain import Actor
from deskapp.core.audit.conflicts import check_version
from deskapp.core.calendar.workdays import WorkCalendar
from deskapp.core.errors import DeskError, ValidationError
from deskapp.core.privacy import check as publication_check
from deskapp.core.privacy import masking as privacy
from deskapp.core.register.item_form import notice_end
from deskapp.core.register.items import CONFLICT_FIELDS, get_item
from deskapp.core.store import settings
from deskapp.core.store.db import claim_write_lock
from deskapp.core.store.models import BoardIssue, Department, Item
from deskapp.core.store.vocab import STATUSES

if TYPE_CHECKING:
    from deskapp.core.store.db import Database

NOTICE_KIND = "公告公示"
SIGNED = ("approved", "published")
LISTS = {"pending": "待张贴", "showing": "公示中", "due_down": "待撤下", "removed": "已撤下"}
HISTORY_LIMIT = 100  # 已撤下 rows shown at first; the tab's 显示更多 asks for more


@dataclass(frozen=True)
class BoardRow:
    """One notice as the 公示栏 tab shows it (plain data, not an ORM object)."""

    id: int
    version: int
    index_no: str
    title: str
    status: str
    department: str
    notice_start: Optional[dt.date]
    notice_end: Optional[dt.date]
    days_left: Optional[int]  # calendar days until the end, 0 on the last day
    posted_on: Optional[dt.date]
    posted_board: str
    removed_on: Optional[dt.date]
    unmasked: bool  # content holds unmasked ID/phone/card numbers

    @property
    def status_label(self) -> str:
        return STATUSES.get(self.status, self.status)


def period_rule(session: Session, item: Item) -> tuple[int, str]:
    """(days, 'calendar'|'working'): the item's own 公示期 else the desk's default."""
    days = item.notice_days or int(settings.get(session, "notice_days"))
    kind = item.notice_day_kind or str(settings.get(session, "notice_day_kind"))
    return days, kind


def period_end(start: dt.date, days: int, kind: str, cal: WorkCalendar) -> dt.date:
    """The last day of a 公示期 of ``days`` that starts (and counts) on ``start``: 7 calendar
    days from 9月23日 end on 9月29日 (the same rule as the item dialog's)."""
    return notice_end(cal, start, days, kind)


@overload
def notice_period(session: Session, item: Item, start: dt.date,
                  cal: Optional[WorkCalendar] = None) -> tuple[dt.date, dt.date]: ...
@overload
def notice_period(session: Session, item: Item, start: Optional[dt.date] = None,
                  cal: Optional[WorkCalendar] = None) -> tuple[Optional[dt.date], Optional[dt.date]]: ...
def notice_period(session: Session, item: Item, start: Optional[dt.date] = None,
                  cal: Optional[WorkCalendar] = None) -> tuple[Optional[dt.date], Optional[dt.date]]:
    """The item's 公示期: its stored dates, else computed from ``start`` (or its start)."""
    begin = start or item.notice_start
    if begin is None:
        return None, None
    if start is None and item.notice_end is not None:
        return begin, item.notice_end
    days, kind = period_rule(session, item)
    return begin, period_end(begin, days, kind, cal or WorkCalendar.load(session))


_COLUMNS = (Item.id, Item.version, Item.index_no, Item.title, Item.status, Department.name,
            Item.notice_start, Item.notice_end, Item.posted_on, Item.posted_board, Item.removed_on,
            Item.content)


def _row(r: Row[Any], today: dt.date) -> BoardRow:
    left = (r.notice_end - today).days if r.notice_end else None
    return BoardRow(r.id, r.version, r.index_no, r.title, r.status, r.name or "", r.notice_start,
                    r.notice_end, left, r.posted_on, r.posted_board or "", r.removed_on,
                    privacy.has_unmasked(r.content))


def _select(*where: ColumnElement[bool]) -> Select[Unpack[tuple[Any, ...]]]:
    # Plain columns, not ORM entities: the tab reads a few thousand rows on a big register.
    return (select(*_COLUMNS).outerjoin(Department, Department.id == Item.department_id)
            .where(*where))


def board_lists(session: Session, today: dt.date, history: int = HISTORY_LIMIT) -> dict[str, list[BoardRow]]:
    """{'pending': […], 'showing': […], 'due_down': […], 'removed': […]}; 已撤下 holds the
    ``history`` most recently taken down (``removed_total`` says how many there are)."""
    up = (Item.posted_on.is_not(None), Item.removed_on.is_(None))
    pending = session.execute(_select(Item.kind == NOTICE_KIND, Item.status.in_(SIGNED),
                                      Item.posted_on.is_(None))).all()
    current = session.execute(_select(*up)).all()
    removed = session.execute(_select(Item.removed_on.is_not(None))
                              .order_by(Item.removed_on.desc(), Item.id.desc()).limit(history)).all()
    result: dict[str, list[BoardRow]] = {k: [] for k in LISTS}
    result["pending"] = sorted((_row(r, today) for r in pending),
                               key=lambda r: (r.notice_start or dt.date.max, r.id))
    for r in current:
        key = "due_down" if r.notice_end is not None and r.notice_end < today else "showing"
        result[key].append(_row(r, today))
    result["showing"].sort(key=lambda r: (r.notice_end or dt.date.max, r.id))
    result["due_down"].sort(key=lambda r: (r.notice_end or dt.date.min, r.id))
    result["removed"] = [_row(r, today) for r in removed]
    return result


def removed_total(session: Session) -> int:
    """How many notices have ever been taken down (the 已撤下 list shows the newest few)."""
    return int(session.scalar(select(func.count()).select_from(Item).where(Item.removed_on.is_not(None))) or 0)


def counts(session: Session, today: dt.date) -> dict[str, int]:
    return {k: len(v) for k, v in board_lists(session, today).items()}


def check_printable(item: Item, draft: bool) -> None:
    """Only signed items print as notices, and only once every finding of the publication check
    in what the notice prints is confirmed (core.privacy.check); else only as a watermarked draft."""
    if draft:
        return
    if item.status not in SIGNED:
        raise DeskError(f"“{item.title[:30]}”状态为{STATUSES.get(item.status, item.status)}，尚未签发，"
                        "不能打印正式公示；如需打印草稿请选择“草稿”（命令行加 --draft），打印件带“草稿 未签发”水印。")
    session = object_session(item)
    refusal = publication_check.printable_refusal(session, item) if session is not None else None
    if refusal:
        raise DeskError(refusal)


def record_unmasked_print(session: Session, actor: Actor, item_id: int, reason: str) -> None:
    """An unmasked print is allowed only with a reason, and the reason is in the audit log."""
    if not reason or not reason.strip():
        raise ValidationError({"reason": "打印未脱敏的公示必须写明理由。"})
    item = get_item(session, item_id)
    audit.record(session, actor, "print_unmasked", "item", item_id, None,
                 {"reason": reason.strip(), "found": privacy.summary(item.content)})


def _photo(session: Session, db: Optional[Database], actor: Actor, item_id: int,
           photo: Optional[Path]) -> Optional[int]:
    if photo is None:
        return None
    if db is None:  # a caller's mistake, not the user's: the photo goes into db's file store
        raise ValueError("a posting photo needs the database (its file store)")
    from deskapp.core.attachments.files import add_attachment  # late: only when a photo is given

    return add_attachment(session, db, actor, item_id, photo, purpose="photo").id


def register_posting(session: Session, actor: Actor, item_id: int, on: dt.date, board: str,
                     today: dt.date, photo: Optional[Path] = None, db: Optional[Database] = None,
                     expected_version: Optional[int] = None) -> Item:
    """登记张贴: the date, which board (社区/公示栏), optionally a photo; starts the 公示期.
    ``expected_version``: the item as the user saw it (another desk may have posted it)."""
    item = get_item(session, item_id)
    check_version(session, item, expected_version, "item", CONFLICT_FIELDS)
    if item.status not in SIGNED:
        raise ValidationError({"status": "尚未签发的信息不能登记张贴。"})
    if item.posted_on is not None and item.removed_on is None:
        raise ValidationError({"posted_on": f"该公示已于{item.posted_on.isoformat()}登记张贴。"})
    if on > today:
        raise ValidationError({"posted_on": "张贴日期不能晚于今天。"})
    if not board.strip():
        raise ValidationError({"posted_board": "请填写张贴位置（哪个公示栏或社区）。"})
    before = audit.snapshot(item, ["posted_on", "posted_board", "notice_start", "notice_end", "removed_on"])
    if item.notice_start is None or item.notice_end is None:  # the 公示期 starts with the posting
        item.notice_start, item.notice_end = notice_period(session, item, item.notice_start or on)
    item.posted_on, item.posted_board, item.removed_on = on, board.strip(), None
    session.flush()
    after = audit.snapshot(item, list(before))
    after["photo_attachment_id"] = _photo(session, db, actor, item_id, photo)
    audit.record(session, actor, "post_notice", "item", item_id, before, after)
    return item


def register_removal(session: Session, actor: Actor, item_id: int, on: dt.date, today: dt.date,
                     photo: Optional[Path] = None, db: Optional[Database] = None,
                     expected_version: Optional[int] = None) -> Item:
    """登记撤下: the date it came down, optionally a photo of the empty board."""
    item = get_item(session, item_id)
    check_version(session, item, expected_version, "item", CONFLICT_FIELDS)
    if item.posted_on is None:
        raise ValidationError({"removed_on": "尚未登记张贴，不能登记撤下。"})
    if item.removed_on is not None:
        raise ValidationError({"removed_on": f"该公示已于{item.removed_on.isoformat()}登记撤下。"})
    if on > today:
        raise ValidationError({"removed_on": "撤下日期不能晚于今天。"})
    if on < item.posted_on:
        raise ValidationError({"removed_on": "撤下日期不能早于张贴日期。"})
    item.removed_on = on
    session.flush()
    audit.record(session, actor, "remove_notice", "item", item_id, {"removed_on": None},
                 {"removed_on": on, "early": bool(item.notice_end and on <= item.notice_end),
                  "photo_attachment_id": _photo(session, db, actor, item_id, photo)})
    return item


def items_to_post(session: Session, day: dt.date) -> list[int]:
    """Everything to put on the board on ``day``: signed notices not yet posted whose 公示期
    has not ended before ``day``."""
    ids = session.scalars(
        select(Item.id).where(Item.kind == NOTICE_KIND, Item.status.in_(SIGNED), Item.posted_on.is_(None),
                              or_(Item.notice_end.is_(None), Item.notice_end >= day))
        .order_by(Item.notice_start, Item.id)
    )
    return list(ids)


def board_issue(session: Session, actor: Actor, day: dt.date, item_ids: list[int]) -> BoardIssue:
    """The issue (第N期) for ``day``: made once per day, numbered per year; re-making the
    board on the same day keeps its number and records the notices it now carries. Read
    under the writer lock: two desks making the day's board at once get one issue."""
    claim_write_lock(session)
    issue = session.scalar(select(BoardIssue).where(BoardIssue.issue_date == day))
    if issue is None:
        last = session.scalar(select(func.max(BoardIssue.number)).where(BoardIssue.year == day.year))
        issue = BoardIssue(year=day.year, number=(last or 0) + 1, issue_date=day,
                           board=str(settings.get(session, "board_name")), item_ids=list(item_ids),
                           created_by=actor.name)
        session.add(issue)
        session.flush()
        audit.record(session, actor, "board_issue", "board_issue", issue.id, None,
                     {"number": issue.number, "date": day, "items": list(item_ids)})
    elif list(issue.item_ids) != list(item_ids):
        before = {"items": list(issue.item_ids)}
        issue.item_ids = list(item_ids)
        session.flush()
        audit.record(session, actor, "board_issue", "board_issue", issue.id, before, {"items": list(item_ids)})
    return issue
