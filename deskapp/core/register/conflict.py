"""Two versions of one item side by side, for the second of two desks saving it.

When a save is refused because someone saved the item first (ConcurrentEditError carrying
the stored fields), the item dialog shows, field by field, what is stored now ("theirs")
next to what this user typed ("mine"), the differing fields marked; the user then takes
theirs, keeps theirs out by saving over it, or goes back to editing. The texts are made
here, from plain data, so the rule of what counts as a difference is tested without Qt.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Optional

from sqlalchemy.orm import Session

from deskapp.core.register.items import ItemData, normalize_doc_no
from deskapp.core.store.models import CatalogueEntry, Department, Item, Person
from deskapp.core.store.vocab import ATTRIBUTES, SCOPES, STATUSES, VALIDITY

LABELS: dict[str, str] = {
    "title": "标题", "kind": "类别", "formed_on": "形成日期", "doc_no": "文号", "catalogue_id": "目录条目",
    "department_id": "科室", "drafter_id": "经办人", "content": "正文", "summary": "摘要",
    "attribute": "公开属性", "withheld_reason": "不予公开理由", "scope": "公开范围", "channels": "公开渠道",
    "changed_on": "变更日期", "published_on": "发布日期", "notice_start": "公示开始", "notice_end": "公示结束",
    "notice_days": "公示天数", "notice_day_kind": "公示期计算", "posted_on": "张贴日期",
    "posted_board": "公示栏", "removed_on": "撤下日期", "validity": "有效性", "valid_from": "生效日期",
    "valid_until": "失效日期", "interpretation_id": "解读稿件", "url": "网址", "index_no": "索引号",
    "status": "状态",
}
_CHOICES: dict[str, dict[str, str]] = {
    "attribute": ATTRIBUTES, "scope": SCOPES, "validity": VALIDITY, "status": STATUSES,
    "notice_day_kind": {"calendar": "自然日", "working": "工作日"},
}
_REFERENCES: dict[str, Any] = {"catalogue_id": CatalogueEntry, "department_id": Department,
                               "drafter_id": Person, "interpretation_id": Item}
EMPTY = "（空）"


@dataclass(frozen=True)
class ConflictRow:
    """One field: its label, the stored text, the typed text, and whether they differ."""

    name: str
    label: str
    theirs: str
    mine: str
    differs: bool


def _normal(name: str, value: Any) -> Any:
    if name == "doc_no":
        return normalize_doc_no(value)
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, (list, tuple)):
        return list(value) or None
    return value


def _text(session: Session, name: str, value: Any) -> str:
    value = _normal(name, value)
    if value is None:
        return EMPTY
    if name in _REFERENCES:
        row = session.get(_REFERENCES[name], value)
        if row is None:
            return f"（已删除：{value}）"
        return str(row.title if isinstance(row, Item) else row.name)
    if name in _CHOICES:
        return _CHOICES[name].get(str(value), str(value))
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def conflict_rows(session: Session, stored: dict[str, Any], mine: ItemData) -> list[ConflictRow]:
    """Every field the user can edit, stored next to typed; differing ones first, then the
    rest in the form's order (so the dialog opens on what matters)."""
    rows = []
    for name, label in LABELS.items():
        if name not in stored:
            continue
        theirs_value, mine_value = stored[name], getattr(mine, name)
        if name == "index_no" and mine_value is None:
            mine_value = theirs_value  # not typed: the number stays
        differs = _normal(name, theirs_value) != _normal(name, mine_value)
        rows.append(ConflictRow(name, label, _text(session, name, theirs_value),
                                _text(session, name, mine_value), differs))
    return sorted(rows, key=lambda r: not r.differs)


def stored_data(stored: dict[str, Any]) -> Optional[ItemData]:
    """The stored version as the form's data ("采用对方的版本"); None when the error did not
    carry the stored fields."""
    names = ItemData.names()
    if not all(n in stored for n in names):
        return None
    return ItemData(**{n: stored[n] for n in names})
