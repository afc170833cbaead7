"""The request table's model: it holds only request ids and reads rows a page at a time (the
register's pattern, ``ui/register/model.py``), so 10 000 requests cost 10 000 integers.

Requests are far fewer than items, so the id list is read in one query on the GUI thread
(a few milliseconds for 10 000); rows are fetched per page when the view asks for them.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from typing import Any, Optional

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from deskapp.core.requests.query import RequestFilter, RequestRegister, RequestRow
from deskapp.core.store.db import Database

PAGE_SIZE = 100
CACHED_PAGES = 16
COLUMNS: list[tuple[str, str]] = [
    ("申请编号", "number"),
    ("申请人", "applicant"),
    ("类型", "applicant_type_label"),
    ("收到日期", "received_on"),
    ("当前环节", "step_label"),
    ("答复期限", "due_on"),
    ("剩余工作日", "days_left"),
    ("办理结果", "outcome_label"),
    ("承办科室", "department"),
]
RequestIdRole = Qt.ItemDataRole.UserRole + 1
StateRole = Qt.ItemDataRole.UserRole + 2
LATE_BG, LATE_FG = QColor("#f9d6d5"), QColor("#a1121b")
SOON_BG, SOON_FG = QColor("#fdecc2"), QColor("#7a4b00")
_Index = QModelIndex | QPersistentModelIndex


def row_state(row: RequestRow) -> str:
    if row.overdue:
        return "late"
    return "soon" if row.due_soon else ""


def cell_text(row: RequestRow, column: int) -> str:
    key = COLUMNS[column][1]
    value = getattr(row, key)
    if key == "due_on" and value is not None:
        return value.isoformat() + (" *暂" if row.due_provisional else "")
    if key == "days_left":
        if value is None:
            return ""
        return f"超期{-value}天" if value < 0 else f"{value}"
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, dt.date) else str(value)


class RequestsModel(QAbstractTableModel):
    def __init__(self, db: Database, today: dt.date, parent: Optional[Any] = None):
        super().__init__(parent)
        self.db, self.today = db, today
        self.register = RequestRegister(db, today)
        self.filter = RequestFilter()
        self.ids: list[int] = []
        self._pages: OrderedDict[int, list[RequestRow]] = OrderedDict()

    # --- loading ------------------------------------------------------------------------------
    def load(self, f: RequestFilter, today: Optional[dt.date] = None, fresh: bool = True) -> None:
        """Read the ids for ``f``. ``fresh=False`` (a search keystroke) keeps the calendar read
        before; a refresh from outside re-reads it, since the holidays may have changed."""
        self.filter = f
        if today is not None and today != self.today:
            self.today, fresh = today, True
        if fresh:
            self.register = RequestRegister(self.db, self.today)
        with self.db.session() as s:
            ids = self.register.ids(s, f)
        self.beginResetModel()
        self.ids = ids
        self._pages.clear()
        self.endResetModel()

    def reload(self) -> None:
        self.load(self.filter)

    def row_at(self, row: int) -> Optional[RequestRow]:
        if not 0 <= row < len(self.ids):
            return None
        page = row // PAGE_SIZE
        rows = self._pages.get(page)
        if rows is None:
            chunk = self.ids[page * PAGE_SIZE:(page + 1) * PAGE_SIZE]
            with self.db.session() as s:
                by_id = self.register.rows_for(s, chunk)
            rows = [by_id[i] for i in chunk if i in by_id]
            if len(rows) != len(chunk):  # deleted meanwhile: keep positions, read again later
                return None
            self._pages[page] = rows
            if len(self._pages) > CACHED_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page)
        return rows[row - page * PAGE_SIZE]

    def row_of(self, request_id: int) -> int:
        try:
            return self.ids.index(request_id)
        except ValueError:
            return -1

    # --- Qt -----------------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.row_at(index.row())
        if row is None:
            return None
        state = row_state(row)
        if role == Qt.ItemDataRole.DisplayRole:
            return cell_text(row, index.column())
        if role == RequestIdRole:
            return row.id
        if role == StateRole:
            return state
        if role == Qt.ItemDataRole.BackgroundRole and state:
            return QBrush(LATE_BG if state == "late" else SOON_BG)
        if role == Qt.ItemDataRole.ForegroundRole and state:
            return QBrush(LATE_FG if state == "late" else SOON_FG)
        if role == Qt.ItemDataRole.ToolTipRole and COLUMNS[index.column()][1] == "due_on" and row.due_provisional:
            return "该年度节假日安排尚未录入，暂按周一至周五计算。"
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section][0]
        return None
