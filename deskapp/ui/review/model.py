"""The review queue as one flat table: a header row per group (待初审 / 待保密审查 / … / 待发布 /
已退回 / 草稿, spanning the columns, click to fold) followed by its items.

Flat rather than a tree so the view asks only for the rows on screen: a QTreeView lays out
every expanded row through Python calls, which cost more than the queue's queries on a
desk with thousands of items waiting. Holds plain :class:`~deskapp.core.review.queue.QueueRow`
objects, no QStandardItem per cell.
"""

from __future__ import annotations

from typing import Any, Callable, Optional, Union

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QIcon
from PySide6.QtWidgets import QApplication, QStyle

from deskapp.core.review.queue import QueueGroup, QueueRow
from deskapp.ui.register.model import LATE_BG, LATE_FG, SOON_BG, SOON_FG

HEADERS = ["信息名称", "承办科室", "经办人", "本步已等待", "公开期限", "审批人"]
COLUMNS = len(HEADERS)
ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the QueueRow of an item row
STATE_ROLE = Qt.ItemDataRole.UserRole + 2  # "late" / "soon" / "blocked" / ""
GROUP_ROLE = Qt.ItemDataRole.UserRole + 3  # the group key of a header row
PRIVACY_ROLE = Qt.ItemDataRole.UserRole + 4  # "含未遮盖的身份证号2处" / "" (the warning badge)
BADGE_CHUNK = 80  # rows whose text is scanned at once: about two screens
BLOCKED_FG = QColor("#a1121b")
GROUP_BG = QColor("#eef1f5")
_NO_FLAGS = Qt.ItemFlag.NoItemFlags
_GROUP_FLAGS = Qt.ItemFlag.ItemIsEnabled
_ITEM_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable  # built once, not per call

Index = Union[QModelIndex, QPersistentModelIndex]
Entry = Union[QueueGroup, QueueRow]


def row_state(row: QueueRow) -> str:
    if row.blocked:
        return "blocked"
    return "late" if row.late else "soon" if row.due_soon else ""


def cells(row: QueueRow) -> list[str]:
    due = row.due_on.isoformat() if row.due_on else "—"
    if row.late:
        due += "（已超期）"
    elif row.due_soon:
        due += "（即将到期）"
    if row.blocked:
        people = "无在职审批人，请在“审核流程”设置中指定"
    else:
        people = "、".join(row.deciders) if row.status == "in_review" else ""
    waited = f"{row.waited} 个工作日" if row.since else ""
    title = row.title + (f"（第{row.revision_no}版修订）" if row.revision_no > 1 else "")
    return ["    " + title, row.department, row.drafter, waited, due, people]


class ReviewQueueModel(QAbstractTableModel):
    def __init__(self, parent: Optional[Any] = None,
                 badge_loader: Optional[Callable[[list[int]], dict[int, str]]] = None):
        super().__init__(parent)
        self.groups: list[QueueGroup] = []
        self.folded: set[str] = set()
        self.entries: list[Entry] = []
        self._bold = QFont()
        self._bold.setBold(True)
        # The privacy badge needs each item's text: read for the rows asked for (those on
        # screen), a chunk at a time, and forgotten at each reload (the text may have changed).
        self.badge_loader = badge_loader
        self.badges: dict[int, str] = {}
        self._warning_icon: Optional[QIcon] = None

    def set_groups(self, groups: list[QueueGroup], folded: Optional[set[str]] = None) -> None:
        self.beginResetModel()
        self.groups = groups
        self.badges = {}
        if folded is not None:
            self.folded = set(folded)
        self._build()
        self.endResetModel()

    def _build(self) -> None:
        entries: list[Entry] = []
        for group in self.groups:
            entries.append(group)
            if group.key not in self.folded:
                entries.extend(group.rows)
        self.entries = entries

    def set_folded(self, key: str, folded: bool) -> None:
        if (key in self.folded) == folded:
            return
        self.beginResetModel()
        (self.folded.add if folded else self.folded.discard)(key)
        self._build()
        self.endResetModel()

    def toggle(self, key: str) -> None:
        self.set_folded(key, key not in self.folded)

    # --- the table ------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else COLUMNS

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return _NO_FLAGS
        return _GROUP_FLAGS if isinstance(self.entries[index.row()], QueueGroup) else _ITEM_FLAGS

    def row_at(self, index: Index) -> Optional[QueueRow]:
        if not index.isValid():
            return None
        entry = self.entries[index.row()]
        return entry if isinstance(entry, QueueRow) else None

    def group_at(self, index: Index) -> Optional[QueueGroup]:
        if not index.isValid():
            return None
        entry = self.entries[index.row()]
        return entry if isinstance(entry, QueueGroup) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        entry = self.entries[index.row()]
        if isinstance(entry, QueueGroup):
            return self._group_data(entry, index.column(), role)
        if role == Qt.ItemDataRole.DisplayRole:
            text = cells(entry)[index.column()]
            # The warning icon takes the place of the indent, so that the titles stay aligned.
            return text.lstrip() if index.column() == 0 and self.badge(index.row()) else text
        if role == Qt.ItemDataRole.ToolTipRole:
            if index.column() != 0:
                return cells(entry)[index.column()]
            badge = self.badge(index.row())
            return f"{entry.index_no}\n{entry.title}" + (f"\n⚠ {badge}，公开前请遮盖" if badge else "")
        if role == ROW_ROLE:
            return entry
        if role == PRIVACY_ROLE:
            return self.badge(index.row())
        if role == Qt.ItemDataRole.DecorationRole:
            return self._warning() if index.column() == 0 and self.badge(index.row()) else None
        if role not in (STATE_ROLE, Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole):
            return None
        state = row_state(entry)
        if role == STATE_ROLE:
            return state
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(LATE_BG) if state == "late" else QBrush(SOON_BG) if state == "soon" else None
        if state == "blocked":
            return QBrush(BLOCKED_FG)
        return QBrush(LATE_FG) if state == "late" else QBrush(SOON_FG) if state == "soon" else None

    def _group_data(self, group: QueueGroup, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and column == 0:
            mark = "▸" if group.key in self.folded else "▾"
            return f"{mark} {group.label}（{group.count_text}）"
        if role == Qt.ItemDataRole.FontRole:
            return self._bold
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(GROUP_BG)
        if role == GROUP_ROLE:
            return group.key
        return None

    # --- the privacy badge -------------------------------------------------------------------
    def badge(self, row: int) -> str:
        entry = self.entries[row]
        if self.badge_loader is None or not isinstance(entry, QueueRow):
            return ""
        if entry.item_id not in self.badges:
            chunk = [e.item_id for e in self.entries[row:row + BADGE_CHUNK]
                     if isinstance(e, QueueRow) and e.item_id not in self.badges]
            self.badges.update(dict.fromkeys(chunk, ""))  # an item deleted meanwhile: no badge
            self.badges.update(self.badge_loader(chunk))
        return self.badges[entry.item_id]

    def _warning(self) -> QIcon:
        if self._warning_icon is None:
            self._warning_icon = QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        return self._warning_icon

    # --- finding --------------------------------------------------------------------------
    def group_of(self, item_id: int) -> Optional[QueueGroup]:
        return next((g for g in self.groups if any(r.item_id == item_id for r in g.rows)), None)

    def index_of(self, item_id: int) -> QModelIndex:
        for n, entry in enumerate(self.entries):
            if isinstance(entry, QueueRow) and entry.item_id == item_id:
                return self.index(n, 0)
        return QModelIndex()

    def group_rows(self) -> list[int]:
        """Table rows that are group headers (the view spans them)."""
        return [n for n, e in enumerate(self.entries) if isinstance(e, QueueGroup)]

    def total(self) -> int:
        return sum(len(g.rows) for g in self.groups)
