"""The register table's model: it holds only item ids and fetches rows a page at a time.

Anki's browser does the same (``aqt/browser/table/model.py``): a query returns the ids in
the wanted order (sorting is done by SQL, never in Python), and ``data()`` asks the
database for the page a row falls on, keeping a few pages in a small LRU cache. So 100 000
items cost 100 000 integers, not 100 000 rows of widgets.

A new filter, search or sort is loaded in two steps, so typing never waits for 100 000 ids:
first the head (one page, ``LIMIT``) is read and shown at once; when there is more, the
full id list and the late count are read in a background thread and appended when they
arrive (``counted`` is emitted; until then ``complete`` is False). A newer query makes an
older one's answer void (a generation number), so results never arrive out of order.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Optional

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QThread,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor

from deskapp.core.calendar.workdays import PROVISIONAL_NOTE, WorkCalendar
from deskapp.core.register.items import due_for, get_item
from deskapp.core.register.query import ItemFilter, ItemRow, Register
from deskapp.core.store.db import Database

PAGE_SIZE = 100  # about three screens; a page is read in ~5 ms
CACHED_PAGES = 32
FULL_QUERY_DELAY_MS = 15  # let the first page paint before the full list is counted

# (header, sort key in core.query.SORT_KEYS)
COLUMNS: list[tuple[str, str]] = [
    ("索引号", "index_no"),
    ("标题", "title"),
    ("类别", "category"),
    ("科室", "department"),
    ("状态", "status"),
    ("形成日期", "formed_on"),
    ("公开期限", "due_on"),
    ("发布日期", "published_on"),
    ("渠道", "channels"),
]
COL_DUE = 6
DEFAULT_SORT = (5, Qt.SortOrder.DescendingOrder)  # newest 形成日期 first

ItemIdRole = Qt.ItemDataRole.UserRole + 1
RowRole = Qt.ItemDataRole.UserRole + 2  # the whole ItemRow (plain data)
StateRole = Qt.ItemDataRole.UserRole + 3  # "late", "soon" or "" — what the colours mean

# Before the 标题 of an item whose 内容 holds unmasked ID/phone/card numbers (tooltip: which).
PRIVACY_MARK = "⚠ "

LATE_BG, LATE_FG = QColor("#f9d6d5"), QColor("#a1121b")
SOON_BG, SOON_FG = QColor("#fdecc2"), QColor("#7a4b00")
_Index = QModelIndex | QPersistentModelIndex


def row_state(row: ItemRow) -> str:
    if row.overdue:
        return "late"
    if row.due_soon:
        return "soon"
    return ""


def cell_text(row: ItemRow, column: int) -> str:
    key = COLUMNS[column][1]
    if key == "title" and row.privacy_note:
        return PRIVACY_MARK + row.title
    if key == "category":
        return row.category or row.kind
    if key == "status":
        return row.status_label
    if key == "channels":
        return "、".join(row.channels)
    if key == "due_on":
        if row.due_on is None:
            return ""
        return row.due_on.isoformat() + (" *暂" if row.due_provisional else "")
    value = getattr(row, key)
    if value is None:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


class _FullIdsThread(QThread):
    """Reads the full id list and late count of one query, off the GUI thread."""

    running: set["_FullIdsThread"] = set()  # alive until finished, even if the model goes

    def __init__(self, db: Database, register: Register, f: ItemFilter, sort: str,
                 descending: bool, generation: int):
        super().__init__()
        self.db, self.register, self.f = db, register, f
        self.sort, self.descending, self.generation = sort, descending, generation
        self.model_id = 0
        self.result: Optional[tuple[list[int], int]] = None
        self.error: Optional[BaseException] = None
        self._lock = threading.Lock()
        self._raw: Any = None  # the DBAPI connection while the query runs
        _FullIdsThread.running.add(self)

    def run(self) -> None:
        try:
            with self.db.session() as s:
                with self._lock:
                    self._raw = s.connection().connection.dbapi_connection
                try:
                    self.result = self.register.ids_and_late(s, self.f, self.sort, self.descending)
                finally:
                    with self._lock:
                        self._raw = None
        except BaseException as exc:  # reported by the model in the GUI thread
            self.error = exc

    def cancel(self) -> None:
        """A newer query superseded this one: stop it so it does not slow the new one down.
        (sqlite3's interrupt() is safe to call from another thread; other drivers: let it run.)"""
        with self._lock:
            interrupt = getattr(self._raw, "interrupt", None)
            if interrupt is not None:
                interrupt()


def wait_for_background(ms: int = 10_000) -> None:
    """Let running id queries end (closing the window, closing the database, tests)."""
    for thread in list(_FullIdsThread.running):
        thread.wait(ms)


class RegisterModel(QAbstractTableModel):
    """Rows of the register for one filter and sort order."""

    counted = Signal()  # the full id list and the late count are in
    failed = Signal(object)  # the background query raised this exception

    def __init__(self, db: Database, register: Register, parent: Optional[QObject] = None):
        super().__init__(parent)
        self.db = db
        self.register = register
        self.filter = ItemFilter()
        self.sort_key = COLUMNS[DEFAULT_SORT[0]][1]
        self.descending = DEFAULT_SORT[1] == Qt.SortOrder.DescendingOrder
        self.ids: list[int] = []
        self._pages: OrderedDict[int, dict[int, ItemRow]] = OrderedDict()
        self._positions: Optional[dict[int, int]] = None
        self.total = 0
        self.late = 0
        self.complete = True
        self._generation = 0
        # One pending full query at a time: typing fast starts a thread for the last word only.
        self._full_timer = QTimer(self)
        self._full_timer.setSingleShot(True)
        self._full_timer.setInterval(FULL_QUERY_DELAY_MS)
        self._full_timer.timeout.connect(self._start_full_query)

    # --- querying ---------------------------------------------------------------------

    def set_filter(self, f: ItemFilter) -> None:
        self.filter = f
        self.reload()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Header click: ask SQL for the ids in the new order."""
        if not 0 <= column < len(COLUMNS):
            return
        self.sort_key = COLUMNS[column][1]
        self.descending = order == Qt.SortOrder.DescendingOrder
        self.reload()

    def reload(self) -> None:
        """Query the ids again (filter, sort or data changed) and drop every cached page."""
        self._generation += 1
        for thread in list(_FullIdsThread.running):
            if thread.model_id == id(self):
                thread.cancel()
        self.beginResetModel()
        self._pages.clear()
        self._positions = None
        with self.db.session() as s:
            head = self.register.item_ids(s, self.filter, self.sort_key, self.descending,
                                          limit=PAGE_SIZE + 1)
            self.complete = len(head) <= PAGE_SIZE
            self.ids = head[:PAGE_SIZE]
            if self.complete:  # all of it: the one page gives the late count too
                page = self.register.rows_for(s, self.ids)
                self._pages[0] = page
                self.late = sum(row.overdue for row in page.values())
        self.total = len(self.ids)
        self.endResetModel()
        if self.complete:
            self._full_timer.stop()
            self.counted.emit()
        else:
            self._full_timer.start()

    def _start_full_query(self) -> None:
        thread = _FullIdsThread(self.db, self.register, self.filter, self.sort_key,
                                self.descending, self._generation)
        thread.model_id = id(self)
        # A bound method of this (GUI-thread) object: Qt queues the call to the GUI thread.
        thread.finished.connect(self._full_query_finished)
        thread.start()

    def _full_query_finished(self) -> None:
        thread = self.sender()
        if not isinstance(thread, _FullIdsThread):
            return
        thread.wait()  # "finished" comes just before the thread really ends
        _FullIdsThread.running.discard(thread)
        self._full_query_done(thread)

    def _full_query_done(self, thread: _FullIdsThread) -> None:
        if thread.generation != self._generation:
            return  # a newer query is on its way
        if thread.error is not None or thread.result is None:
            self.failed.emit(thread.error)
            return
        ids, late = thread.result
        head = len(self.ids)
        if ids[:head] == self.ids and len(ids) > head:
            self.beginInsertRows(QModelIndex(), head, len(ids) - 1)
            self.ids = ids
            self.endInsertRows()
        elif ids != self.ids:  # changed underneath in between: show what is there now
            self.beginResetModel()
            self.ids = ids
            self._pages.clear()
            self.endResetModel()
        self._positions = None
        self.total, self.late, self.complete = len(ids), late, True
        self.counted.emit()

    def set_today(self, today: Any) -> None:
        self.register = Register(self.db, today)

    def row_of(self, item_id: int) -> int:
        """The row showing ``item_id``, or -1."""
        if self._positions is None:
            self._positions = {i: n for n, i in enumerate(self.ids)}
        return self._positions.get(item_id, -1)

    def item_id(self, row: int) -> Optional[int]:
        return self.ids[row] if 0 <= row < len(self.ids) else None

    def item_row(self, row: int) -> Optional[ItemRow]:
        if not 0 <= row < len(self.ids):
            return None
        page_no = row // PAGE_SIZE
        page = self._pages.get(page_no)
        if page is None:
            page = self._fetch_page(page_no)
        else:
            self._pages.move_to_end(page_no)
        return page.get(self.ids[row])

    def _fetch_page(self, page_no: int) -> dict[int, ItemRow]:
        page_ids = self.ids[page_no * PAGE_SIZE:(page_no + 1) * PAGE_SIZE]
        with self.db.session() as s:
            page = self.register.rows_for(s, page_ids)
        self._pages[page_no] = page
        while len(self._pages) > CACHED_PAGES:
            self._pages.popitem(last=False)
        return page

    def due_explanation(self, item_id: int) -> str:
        with self.db.session() as s:
            due = due_for(s, WorkCalendar.load(s), get_item(s, item_id))
        return due.explain() if due else ""

    # --- Qt model interface -----------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
                return COLUMNS[section][0]
            if orientation == Qt.Orientation.Vertical:
                return str(section + 1)
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.ids):
            return None
        if role == ItemIdRole:
            return self.ids[index.row()]
        if role not in _ROW_ROLES:
            return None
        row = self.item_row(index.row())
        if row is None:  # deleted since the ids were read; the next refresh drops it
            return None
        return _ROW_ROLES[role](self, row, index.column())

    def _tooltip(self, row: ItemRow, column: int) -> Optional[str]:
        if column == COL_DUE and row.due_on is not None:
            text = self.due_explanation(row.id)
            if row.due_provisional:
                text = f"{PROVISIONAL_NOTE}\n{text}"
            if row.overdue:
                text += f"\n已超期 {row.days_late} 天"
            return text
        if column == 1:
            return f"{row.title}\n⚠ {row.privacy_note}" if row.privacy_note else row.title
        return None


def _background(_m: RegisterModel, row: ItemRow, _c: int) -> Optional[QBrush]:
    state = row_state(row)
    return QBrush(LATE_BG) if state == "late" else QBrush(SOON_BG) if state == "soon" else None


def _foreground(_m: RegisterModel, row: ItemRow, _c: int) -> Optional[QBrush]:
    state = row_state(row)
    return QBrush(LATE_FG) if state == "late" else QBrush(SOON_FG) if state == "soon" else None


_ROW_ROLES: dict[int, Any] = {
    Qt.ItemDataRole.DisplayRole: lambda _m, row, c: cell_text(row, c),
    Qt.ItemDataRole.ToolTipRole: RegisterModel._tooltip,
    Qt.ItemDataRole.BackgroundRole: _background,
    Qt.ItemDataRole.ForegroundRole: _foreground,
    RowRole: lambda _m, row, _c: row,
    StateRole: lambda _m, row, _c: row_state(row),
}
