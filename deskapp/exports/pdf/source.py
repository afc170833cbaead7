"""From the database to what is printed: an item → ``NoticeData`` (masked), a day → ``BoardData``.

A notice is printed masked. ``unmasked_reason`` prints the numbers as they are, and only
after the reason is written to the audit log (core.noticeboard.record_unmasked_print).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional

from sqlalchemy.orm import Session

from deskapp.core.audit.chain import SYSTEM, Actor
from deskapp.core.board import noticeboard
from deskapp.core.board.wording import PLAIN, genre_of, wording
from deskapp.core.errors import DeskError
from deskapp.core.privacy import masking as privacy
from deskapp.core.register.items import get_item
from deskapp.core.store import settings
from deskapp.core.store.models import Department
from deskapp.exports.pdf.board import BoardData
from deskapp.exports.pdf.notice import NoticeData


def _issuer(session: Session, values: dict[str, Any], department_id: Optional[int]) -> str:
    if values["org_name"]:
        return str(values["org_name"])
    dept = session.get(Department, department_id) if department_id else None
    return dept.name if dept else ""


def notice_data(session: Session, item_id: int, today: dt.date, *, draft: bool = False,
                unmasked_reason: Optional[str] = None, actor: Actor = SYSTEM,
                seal: bool = False) -> NoticeData:
    item = get_item(session, item_id)
    noticeboard.check_printable(item, draft)
    values = settings.get_all(session)
    if unmasked_reason is None:
        title = privacy.mask_text(item.title)
        content = privacy.mask_content(item.content or "", bool(values["mask_names"]))
    else:
        noticeboard.record_unmasked_print(session, actor, item_id, unmasked_reason)
        title, content = item.title, item.content or ""
    genre = genre_of(item.kind, item.title)
    warnings: list[str] = []
    start, end = noticeboard.notice_period(session, item)
    if start is None and wording(genre).period:
        start, end = noticeboard.notice_period(session, item, today)
        when = "今天" if today == dt.date.today() else f"{today.month}月{today.day}日"
        warnings.append(f"公示期尚未确定，按{when}张贴起算：{start.isoformat()} 至 {end.isoformat()}。")
    issuer = _issuer(session, values, item.department_id)
    if not issuer:
        warnings.append("未设置机关名称，落款为空；请在“设置 → 机构信息”中填写。")
    if not values["phone"] and wording(genre).phone:
        warnings.append("未设置监督电话，公示中没有监督电话；请在“设置 → 机构信息”中填写。")
    # A notice is dated the day it goes up; a plain item (工作动态…) the day it was made.
    fallback = item.formed_on if genre == PLAIN and item.formed_on else today
    return NoticeData(
        title=title, content=content, issuer=issuer, date=item.notice_start or start or fallback,
        notice_start=start, notice_end=end, phone=str(values["phone"]), url=item.url or "",
        draft=draft or item.status not in noticeboard.SIGNED, seal=seal, warnings=warnings, genre=genre)


def board_data(session: Session, actor: Actor, day: dt.date,
               item_ids: Optional[list[int]] = None) -> BoardData:
    """This day's board: the notices to post (or ``item_ids``), numbered as issue 第N期."""
    ids = noticeboard.items_to_post(session, day) if item_ids is None else list(item_ids)
    if not ids:
        raise DeskError(f"{day.year}年{day.month}月{day.day}日没有需要张贴的公示（已签发且未张贴的“公告公示”）。")
    notices = [notice_data(session, i, day, actor=actor) for i in ids]
    issue = noticeboard.board_issue(session, actor, day, ids)
    values = settings.get_all(session)
    office = str(values["org_name"] or "")
    return BoardData(office=office, board_name=str(values["board_name"] or "政务公开栏"),
                     number=issue.number, date=day, notices=notices)
