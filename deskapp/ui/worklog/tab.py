"""The 工作记录 tab: the desk's meetings, training, replies to residents … listed by year and
quarter, added and edited in :class:`WorklogDialog`. Its menu holds the Excel work of the
desk: 季度统计, 导入现有台账, 下载导入模板, 导出台账."""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from deskapp.core.errors import DeskError
from deskapp.core.register.query import quarter_range
from deskapp.core.reports import worklog
from deskapp.core.reports.worklog import WorklogRow
from deskapp.ui.common import excel_files as excel_actions
from deskapp.ui.common.context import AppContext
from deskapp.ui.worklog.dialog import WorklogDialog

COLUMNS = [("日期", "day"), ("类型", "kind_label"), ("名称或事由", "title"), ("科室", "department"),
           ("渠道", "channel_label"), ("参加人员", "participants"), ("附件", "attachments")]
Index = QModelIndex | QPersistentModelIndex


class WorklogModel(QAbstractTableModel):
    """The entries of one period (a few hundred at most: held as plain rows)."""

    def __init__(self, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.rows: list[WorklogRow] = []

    def set_rows(self, rows: list[WorklogRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        value = getattr(row, COLUMNS[index.column()][1])
        if role == Qt.ItemDataRole.DisplayRole:
            if isinstance(value, dt.date):
                return value.isoformat()
            if COLUMNS[index.column()][1] == "attachments":
                return f"{value}个" if value else ""
            return value
        if role == Qt.ItemDataRole.ToolTipRole and row.kind == "response":
            return f"询问：{row.question}\n答复：{row.reply}"
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section][0]
        return None


class WorklogTab(QWidget):
    def __init__(self, ctx: AppContext, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.ctx = ctx
        self.model = WorklogModel(self)
        self._build()
        self.refresh()

    def _build(self) -> None:
        today = self.ctx.today()
        self.year = QComboBox()
        for year in range(today.year, today.year - 6, -1):
            self.year.addItem(f"{year}年", year)
        self.quarter = QComboBox()
        self.quarter.addItem("全年", 0)
        for q in range(1, 5):
            self.quarter.addItem(f"第{q}季度", q)
        self.quarter.setCurrentIndex((today.month - 1) // 3 + 1)
        self.kind = QComboBox()
        self.kind.addItem("全部类型", None)
        for code, label in worklog.KINDS.items():
            self.kind.addItem(label, code)
        for combo in (self.year, self.quarter, self.kind):
            combo.currentIndexChanged.connect(self.refresh)
        self.add_button = QPushButton("新增记录")
        self.add_button.clicked.connect(self.new_item)
        self.edit_button = QPushButton("编辑")
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button = QPushButton("删除")
        self.delete_button.clicked.connect(self.delete_selected)
        self.tally_button = QPushButton("季度统计…")
        self.tally_button.clicked.connect(self.open_tally)
        self.count = QLabel()
        top = QHBoxLayout()
        for w in (self.year, self.quarter, self.kind, self.add_button, self.edit_button,
                  self.delete_button):
            top.addWidget(w)
        top.addStretch(1)
        top.addWidget(self.count)
        top.addWidget(self.tally_button)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().setVisible(False)
        self.view.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 100), (1, 140), (3, 110), (4, 60), (5, 180), (6, 60)):
            self.view.setColumnWidth(column, width)
        self.view.doubleClicked.connect(lambda _i: self.edit_selected())
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view)
        self._update_buttons()

    def period(self) -> tuple[dt.date, dt.date]:
        year, quarter = self.year.currentData(), self.quarter.currentData()
        if quarter:
            return quarter_range(year, quarter)
        return dt.date(year, 1, 1), dt.date(year, 12, 31)

    def refresh(self, *_args: Any) -> None:
        first, last = self.period()
        with self.ctx.db.session() as s:
            rows = worklog.list_entries(s, first, last, self.kind.currentData())
        self.model.set_rows(rows)
        responses = sum(1 for r in rows if r.kind == "response")
        self.count.setText(f"共 {len(rows)} 条，其中回应关切答复 {responses} 条")
        self._update_buttons()

    def selected_row(self) -> Optional[WorklogRow]:
        rows = self.view.selectionModel().selectedRows()
        return self.model.rows[rows[0].row()] if rows else None

    def _update_buttons(self, *_args: Any) -> None:
        chosen = self.selected_row() is not None
        writable = not self.ctx.read_only
        self.add_button.setEnabled(writable)
        self.edit_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen and writable)

    # --- the 编辑 menu's verbs -------------------------------------------------------------------

    def new_item(self) -> None:
        default = self.kind.currentData() or "meeting"
        dialog = WorklogDialog(self.ctx, None, self, default_kind=default)
        if dialog.exec():
            self.refresh()

    def edit_selected(self) -> None:
        row = self.selected_row()
        if row is None:
            return
        dialog = WorklogDialog(self.ctx, row.id, self)
        if dialog.exec():
            self.refresh()

    def delete_selected(self) -> None:
        row = self.selected_row()
        if row is None or self.ctx.read_only:
            return
        if not self.ctx.messages.confirm(self, f"删除工作记录“{row.title}”（{row.day.isoformat()}）及其附件？"):
            return
        try:
            with self.ctx.db.session() as s:
                worklog.delete_entry(s, self.ctx.db, self.ctx.actor, row.id, row.version)
        except DeskError as exc:
            self.ctx.messages.warn(self, exc.message)
        self.refresh()

    # --- the tab's menu ---------------------------------------------------------------------------

    def open_tally(self) -> None:
        from deskapp.ui.reports.tally_dialog import TallyDialog  # late: start-up stays quick

        TallyDialog(self.ctx, self).exec()

    def open_annual(self) -> None:
        from deskapp.ui.reports.annual_dialog import AnnualReportDialog  # late: start-up stays quick

        AnnualReportDialog(self.ctx, self).exec()

    def open_import(self) -> None:
        from deskapp.ui.ledger.import_wizard import ImportWizard

        ImportWizard(self.ctx, self).exec()

    def menu_actions(self) -> list[QAction]:
        actions = []
        for text, slot, writes in (
            ("新增工作记录…", self.new_item, True),
            ("季度统计…", self.open_tally, False),
            ("年度报告…", self.open_annual, False),
            ("导入现有台账…", self.open_import, True),
            ("下载导入模板…", lambda: excel_actions.download_template(self.ctx, self), False),
            ("导出台账（Excel）…", lambda: excel_actions.export_register(self.ctx, self), False),
        ):
            action = QAction(text, self)
            action.triggered.connect(slot)
            action.setEnabled(not (writes and self.ctx.read_only))
            actions.append(action)
        return actions
