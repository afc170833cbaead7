"""The review queue as a two-level tree: groups (待初审 / 待保密审查 / … / 待发布 / 已退回 /
草稿) and their items. Holds plain :class:`~deskapp.core.review_queue.QueueRow` objects; no
QStandardItem per cell, so thousands of waiting items load quickly."""

from __future__ import annotations

from typing import Any, Optional

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from deskapp.core.review_queue import QueueGroup, QueueRow
from deskapp.ui.register_model import LATE_BG, LATE_FG, SOON_BG, SOON_FG

HEADERS = ["信息名称", "承办科室", "经办人", "本步已等待", "公开期限", "审批人"]
ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the QueueRow of an item row
STATE_ROLE = Qt.ItemDataRole.UserRole + 2  # "late" / "soon" / "blocked" / ""
BLOCKED_FG = QColor("#a1121b")
_NO_GROUP = 0xFFFFFFFF  # internalId of a group row (items carry their group's index)

Index = QModelIndex | QPersistentModelIndex


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
    return [row.title, row.department, row.drafter, waited, due, people]


class ReviewQueueModel(QAbstractItemModel):
    def __init__(self, parent: Optional[Any] = None):
        super().__init__(parent)
        self.groups: list[QueueGroup] = []

    def set_groups(self, groups: list[QueueGroup]) -> None:
        self.beginResetModel()
        self.groups = groups
        self.endResetModel()

    # --- structure ------------------------------------------------------------------------
    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, _NO_GROUP)
        return self.createIndex(row, column, parent.row())

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]
        if not index.isValid() or index.internalId() == _NO_GROUP:
            return QModelIndex()
        return self.createIndex(int(index.internalId()), 0, _NO_GROUP)

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        if not parent.isValid():
            return len(self.groups)
        if parent.internalId() == _NO_GROUP and parent.column() == 0:
            return len(self.groups[parent.row()].rows)
        return 0

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if index.internalId() == _NO_GROUP:
            return Qt.ItemFlag.ItemIsEnabled
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    # --- data -----------------------------------------------------------------------------
    def row_at(self, index: Index) -> Optional[QueueRow]:
        if not index.isValid() or index.internalId() == _NO_GROUP:
            return None
        return self.groups[int(index.internalId())].rows[index.row()]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if index.internalId() == _NO_GROUP:
            return self._group_data(index, role)
        row = self.groups[int(index.internalId())].rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return cells(row)[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{row.index_no}\n{row.title}" if index.column() == 0 else cells(row)[index.column()]
        if role == ROW_ROLE:
            return row
        state = row_state(row)
        if role == STATE_ROLE:
            return state
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(LATE_BG) if state == "late" else QBrush(SOON_BG) if state == "soon" else None
        if role == Qt.ItemDataRole.ForegroundRole:
            if state == "blocked":
                return QBrush(BLOCKED_FG)
            return QBrush(LATE_FG) if state == "late" else QBrush(SOON_FG) if state == "soon" else None
        return None

    def _group_data(self, index: Index, role: int) -> Any:
        group = self.groups[index.row()]
        if role == Qt.ItemDataRole.DisplayRole and index.column() == 0:
            return f"{group.label}（{len(group.rows)}）"
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        return None

    # --- finding --------------------------------------------------------------------------
    def index_of(self, item_id: int) -> QModelIndex:
        for g, group in enumerate(self.groups):
            for r, row in enumerate(group.rows):
                if row.item_id == item_id:
                    return self.index(r, 0, self.index(g, 0))
        return QModelIndex()

    def total(self) -> int:
        return sum(len(g.rows) for g in self.groups)
