"""操作记录: the audit log filtered by person, item and date, exportable to Excel."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any, Optional

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from deskapp.core.errors import DeskError
from deskapp.core.review.history import HISTORY_LIMIT, HistoryFilter, HistoryRow, find_items, history
from deskapp.core.store.models import Person
from deskapp.ui.common.context import AppContext
from deskapp.ui.review.dialogs import pydate, qdate

HEADERS = ["时间", "操作人", "操作", "对象", "编号", "名称", "内容"]


class HistoryModel(QAbstractTableModel):
    def __init__(self, parent: Optional[Any] = None):
        super().__init__(parent)
        self.rows: list[HistoryRow] = []

    def set_rows(self, rows: list[HistoryRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        r = self.rows[index.row()]
        values = [r.at.strftime("%Y-%m-%d %H:%M:%S"), r.actor, r.action_label, r.entity_label, r.entity_id,
                  r.subject, r.details]
        return values[index.column()]


class HistoryDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: Optional[QWidget] = None, item_id: Optional[int] = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("操作记录")
        self.resize(1000, 620)
        self.person = QComboBox()
        self.item = QLineEdit()
        self.item.setPlaceholderText("索引号、标题或编号")
        self.use_dates = QCheckBox("日期")
        today = ctx.today()
        self.first = QDateEdit(qdate(today - dt.timedelta(days=30)))
        self.last = QDateEdit(qdate(today))
        for edit in (self.first, self.last):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.search = QPushButton("查询")
        self.export = QPushButton("导出 Excel…")
        self.count = QLabel()
        self.model = HistoryModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setSectionResizeMode(6, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 6)
        for column, width in enumerate([150, 70, 100, 70, 50, 220]):
            self.table.setColumnWidth(column, width)
        self._layout()
        self._fill_people()
        self.search.clicked.connect(self.run_query)
        self.item.returnPressed.connect(self.run_query)
        self.export.clicked.connect(self.export_excel)
        if item_id is not None:
            self.item.setText(str(item_id))
        self.run_query()

    def _layout(self) -> None:
        bar = QHBoxLayout()
        for label, widget in (("操作人：", self.person), ("信息：", self.item)):
            bar.addWidget(QLabel(label))
            bar.addWidget(widget)
        bar.addWidget(self.use_dates)
        bar.addWidget(self.first)
        bar.addWidget(QLabel("至"))
        bar.addWidget(self.last)
        bar.addWidget(self.search)
        foot = QHBoxLayout()
        foot.addWidget(self.count, 1)
        foot.addWidget(self.export)
        close = QPushButton("关闭")
        close.clicked.connect(self.reject)
        foot.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addLayout(foot)

    def _fill_people(self) -> None:
        self.person.addItem("全部", None)
        with self.ctx.db.session() as s:
            for pid, name, active in s.execute(select(Person.id, Person.name, Person.active).order_by(Person.name)):
                self.person.addItem(name if active else f"{name}（已停用）", pid)

    def current_filter(self) -> Optional[HistoryFilter]:
        """None when the item text matches nothing (then nothing is listed)."""
        item_ids: tuple[int, ...] = ()
        text = self.item.text().strip()
        if text:
            with self.ctx.db.session() as s:
                item_ids = tuple(i for i, _, _ in find_items(s, text))
            if not item_ids:
                return None
        first = pydate(self.first.date()) if self.use_dates.isChecked() else None
        last = pydate(self.last.date()) if self.use_dates.isChecked() else None
        return HistoryFilter(person_id=self.person.currentData(), item_ids=item_ids, first=first, last=last)

    def run_query(self) -> None:
        f = self.current_filter()
        if f is None:
            self.model.set_rows([])
            self.count.setText(f"没有找到与“{self.item.text().strip()}”相符的信息。")
            return
        with self.ctx.db.session() as s:
            rows = history(s, f)
        self.model.set_rows(rows)
        more = f"（只列出最近 {HISTORY_LIMIT} 条）" if len(rows) >= HISTORY_LIMIT else ""
        self.count.setText(f"共 {len(rows)} 条{more}")

    def ask_export_path(self) -> str:
        suggested = os.path.join(os.path.expanduser("~"), f"操作记录-{self.ctx.today():%Y%m%d}.xlsx")
        path, _ = QFileDialog.getSaveFileName(self, "导出操作记录", suggested, "Excel 工作簿 (*.xlsx)")
        return path

    def export_excel(self) -> None:
        path = self.ask_export_path()
        if not path:
            return
        if not path.lower().endswith(".xlsx"):
            path += ".xlsx"
        from deskapp.exports.excel.audit_log import write_history

        try:
            note = f"{self.count.text()}；导出时间 {dt.datetime.now():%Y-%m-%d %H:%M}"
            write_history(self.model.rows, path, note=note)
        except DeskError as exc:
            self.ctx.messages.warn(self, exc.message)
            return
        self.ctx.messages.info(self, f"已导出 {len(self.model.rows)} 条操作记录到：\n{path}")
