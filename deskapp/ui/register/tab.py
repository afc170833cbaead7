"""信息登记: the register of every disclosure item, with filters, search and the item actions.

The table shows :class:`~deskapp.ui.register.model.RegisterModel` (ids + lazily fetched
pages). Sorting by a header click asks SQL again. Editing happens in engineer G's
``ItemDialog``, which saves itself and announces ``ctx.bus.items_changed``; the main window
then calls :meth:`RegisterTab.refresh`, which keeps the selected item selected.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, Optional, Sequence

from PySide6.QtCore import QByteArray, QDate, QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from deskapp.core.attachments import files
from deskapp.core.errors import DeskError
from deskapp.core.register import items as core_register
from deskapp.core.register.query import ItemFilter, ItemRow, Register
from deskapp.core.review import workflow
from deskapp.ui.common.context import AppContext
from deskapp.ui.common.crash_dialog import report_exception
from deskapp.ui.common.form_kit import from_qdate
from deskapp.ui.register.filters import FilterBar
from deskapp.ui.register.model import COLUMNS, DEFAULT_SORT, RegisterModel

COLUMN_WIDTHS = [190, 320, 110, 110, 60, 92, 118, 92, 140]  # fits a 1280-pixel window
HEADER_KEY = "register/header"


class MiddleElideDelegate(QStyledItemDelegate):
    """索引号 are long (an 18-character code, then /year-serial): keep both ends visible."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: Any) -> None:  # noqa: N802
        super().initStyleOption(option, index)
        option.textElideMode = Qt.TextElideMode.ElideMiddle


def ask_change_date(parent: QWidget, title: str, today: dt.date) -> Optional[dt.date]:
    """The 变更日期 of a new revision, or None when the user cancels (tests replace this)."""
    dialog = QDialog(parent)
    dialog.setWindowTitle("变更（修订）")
    form = QFormLayout(dialog)
    form.addRow(QLabel(f"为“{title}”建立修订版本，经审核后发布并替换原版本。"))
    date_edit = QDateEdit(QDate(today.year, today.month, today.day))
    date_edit.setCalendarPopup(True)
    date_edit.setDisplayFormat("yyyy-MM-dd")
    date_edit.setMaximumDate(QDate(today.year, today.month, today.day))
    form.addRow("变更日期：", date_edit)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    form.addRow(buttons)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return from_qdate(date_edit.date())


def item_dialog_class() -> Any:
    """Engineer G's dialog, imported when first needed (tests replace this function)."""
    from deskapp.ui.register.item_dialog import ItemDialog

    return ItemDialog


def ask_withdraw_reason(parent: QWidget, title: str) -> Optional[str]:
    """The reason for 下架, or None when the user cancels (tests replace this function)."""
    text, ok = QInputDialog.getText(parent, "下架", f"下架“{title}”的原因：")
    return text if ok else None


class RegisterTab(QWidget):
    def __init__(self, ctx: AppContext, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.ctx = ctx
        self.model = RegisterModel(ctx.db, Register(ctx.db, ctx.today()), self)
        self.filters = FilterBar(ctx.db, self)
        self.view = self._make_view()
        self.count_label = QLabel()
        self.new_button = QPushButton("新增")
        self.edit_button = QPushButton("编辑")
        self.delete_button = QPushButton("删除")
        self.withdraw_button = QPushButton("下架")
        self.loaded = False
        self.only_ids: Optional[tuple[int, ...]] = None  # a 工作台 finding's items
        self.only_label = QLabel()
        self.only_label.setStyleSheet("color: #7a4b00; background: #fdecc2; padding: 2px 6px;")
        self.show_all_button = QPushButton("显示全部")
        self._pending_select: Optional[int] = None  # kept item, beyond the first page
        self._layout()
        self._connect()
        self._update_buttons()

    # --- building ----------------------------------------------------------------------

    def _make_view(self) -> QTableView:
        view = QTableView(self)
        view.setModel(self.model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setWordWrap(False)
        view.setTextElideMode(Qt.TextElideMode.ElideRight)
        view.setAlternatingRowColors(False)  # colours mean late / due soon; keep them clear
        view.setItemDelegateForColumn(0, MiddleElideDelegate(view))
        view.verticalHeader().hide()
        view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
        header = view.horizontalHeader()
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        for column, width in enumerate(COLUMN_WIDTHS):
            header.resizeSection(column, width)
        # Sorting is SQL's job: we follow the header's indicator ourselves instead of
        # setSortingEnabled, so the first load and every click run exactly one query.
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(*DEFAULT_SORT)
        open_action = QAction("打开", view)
        open_action.setShortcuts([QKeySequence(Qt.Key.Key_Return), QKeySequence(Qt.Key.Key_Enter)])
        open_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        open_action.triggered.connect(self.edit_selected)
        view.addAction(open_action)
        return view

    def _layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.filters.search, 1)
        for button in (self.new_button, self.edit_button, self.delete_button, self.withdraw_button):
            top.addWidget(button)
        second = QHBoxLayout()
        second.addWidget(self.filters, 1)
        second.addWidget(self.count_label)
        only = QHBoxLayout()
        only.addWidget(self.only_label, 1)
        only.addWidget(self.show_all_button)
        self.only_label.hide()
        self.show_all_button.hide()
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(second)
        layout.addLayout(only)
        layout.addWidget(self.view, 1)

    def _connect(self) -> None:
        self.filters.changed.connect(self.apply_filter)
        self.view.horizontalHeader().sortIndicatorChanged.connect(self._sort_changed)
        self.view.doubleClicked.connect(lambda _index: self.edit_selected())
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.model.modelReset.connect(self._update_buttons)
        self.model.counted.connect(self._counted)
        self.model.failed.connect(lambda exc: report_exception(exc, self.ctx.messages, self))
        self.new_button.clicked.connect(self.new_item)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.withdraw_button.clicked.connect(self.withdraw_selected)
        self.show_all_button.clicked.connect(lambda: self.show_items(None))

    # --- state kept between sessions ---------------------------------------------------

    def save_state(self, settings: QSettings) -> None:
        settings.setValue(HEADER_KEY, self.view.horizontalHeader().saveState())

    def restore_state(self, settings: QSettings) -> None:
        state = settings.value(HEADER_KEY)
        if isinstance(state, QByteArray) and not state.isEmpty():
            header = self.view.horizontalHeader()
            header.blockSignals(True)  # the sort it brings is applied on the next load
            header.restoreState(state)
            header.blockSignals(False)

    # --- loading -----------------------------------------------------------------------

    def refresh(self) -> None:
        """Re-read everything (after a change anywhere), keeping the selected item."""
        self.filters.reload_choices()
        self.model.set_today(self.ctx.today())
        header = self.view.horizontalHeader()
        if 0 <= header.sortIndicatorSection() < len(COLUMNS):
            self.model.sort_key = COLUMNS[header.sortIndicatorSection()][1]
        self.model.descending = header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
        self.model.filter = self.current_filter()
        self._reload(self.model.reload)
        self.loaded = True

    def current_filter(self) -> ItemFilter:
        """The bar's filter, within the 工作台 finding's items while one is shown."""
        f = self.filters.current_filter()
        return f if self.only_ids is None else dataclasses.replace(f, ids=self.only_ids)

    def apply_filter(self) -> None:
        self._reload(lambda: self.model.set_filter(self.current_filter()))

    def show_items(self, ids: Optional[Sequence[int]], label: str = "") -> None:
        """Only these items (a 工作台 finding), under a banner with 显示全部; None: all again.
        The filter bar is reset, and then narrows within them."""
        self.only_ids = None if ids is None else tuple(ids)
        shown = self.only_ids is not None
        self.only_label.setText(f"工作台自查清单：{label}（{len(ids or ())} 条）。筛选条件在其中查找，"
                                "点“显示全部”恢复。")
        self.only_label.setVisible(shown)
        self.show_all_button.setVisible(shown)
        self.filters.reset()  # emits changed → apply_filter

    def _sort_changed(self, column: int, order: Qt.SortOrder) -> None:
        self._reload(lambda: self.model.sort(column, order))

    def _reload(self, run: Any) -> None:
        keep = self.selected_id() or self._pending_select
        self._pending_select = None
        run()
        if not self.model.complete:
            self.count_label.setText("正在统计…")
            self._pending_select = keep
        if keep is not None:
            self.select_id(keep, scroll=True)

    def _counted(self) -> None:
        """The full list is in: the count, and the kept item if it was beyond the head."""
        self.count_label.setText(f"共 {self.model.total} 条，超期 {self.model.late} 条")
        keep, self._pending_select = self._pending_select, None
        if keep is not None and self.selected_id() != keep:
            self.select_id(keep, scroll=True)

    # --- selection ---------------------------------------------------------------------

    def selected_id(self) -> Optional[int]:
        rows = self.view.selectionModel().selectedRows()
        return self.model.item_id(rows[0].row()) if rows else None

    def selected_row(self) -> Optional[ItemRow]:
        rows = self.view.selectionModel().selectedRows()
        return self.model.item_row(rows[0].row()) if rows else None

    def select_id(self, item_id: int, scroll: bool = True) -> bool:
        row = self.model.row_of(item_id)
        if row < 0:
            return False
        index = self.model.index(row, 0)
        self.view.setCurrentIndex(index)
        self.view.selectRow(row)
        if scroll:
            self.view.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)
        return True

    def _update_buttons(self, *_args: Any) -> None:
        writable = not self.ctx.read_only
        row = self.selected_row()
        self.new_button.setEnabled(writable)
        self.edit_button.setEnabled(writable and row is not None)
        self.delete_button.setEnabled(writable and row is not None)
        self.withdraw_button.setEnabled(writable and row is not None and row.status == "published")

    # --- actions (also reached from the 编辑 menu) ---------------------------------------

    def focus_search(self) -> None:
        self.filters.search.setFocus()
        self.filters.search.selectAll()

    def new_item(self) -> None:
        if not self.ctx.read_only:
            self._open_dialog(None)

    def edit_selected(self) -> None:
        item_id = self.selected_id()
        if item_id is not None:
            self._open_dialog(item_id)

    def _open_dialog(self, item_id: Optional[int]) -> None:
        dialog = item_dialog_class()(self.ctx, item_id, self)
        dialog.exec()

    def delete_selected(self) -> None:
        row = self.selected_row()
        if row is None or self.ctx.read_only:
            return
        if row.status == "published":
            if self.ctx.messages.confirm(
                    self, f"“{row.title}”已发布，不能删除，只能下架（记录保留）。现在下架吗？"):
                self.withdraw_selected()
            return
        if not self.ctx.messages.confirm(self, f"确定删除“{row.title}”吗？删除后不能恢复。"):
            return
        self._change(lambda s: self._delete(s, row))

    def _delete(self, session: Any, row: ItemRow) -> None:
        core_register.delete_item(session, self.ctx.actor, row.id, row.version)
        files.purge_unreferenced(session, self.ctx.db, self.ctx.actor)  # its attachments' files

    def withdraw_selected(self) -> None:
        row = self.selected_row()
        if row is None or self.ctx.read_only:
            return
        reason = ask_withdraw_reason(self, row.title)
        if reason is None:
            return
        self._change(lambda s: core_register.withdraw_item(
            s, self.ctx.actor, row.id, reason, row.version, today=self.ctx.today()))

    def revise_selected(self) -> None:
        """变更: a published item gets a revision that goes through review again."""
        row = self.selected_row()
        if row is None or self.ctx.read_only or row.status != "published":
            return
        changed_on = ask_change_date(self, row.title, self.ctx.today())
        if changed_on is None:
            return
        created: list[int] = []
        self._change(lambda s: created.append(workflow.revise(
            s, self.ctx.actor, row.id, row.version, changed_on, today=self.ctx.today()).id))
        if created:
            self._open_dialog(created[0])

    def export_excel(self) -> None:
        """导出Excel: exactly what the table shows now (filter and sort)."""
        from deskapp.ui.common.excel_files import export_register

        export_register(self.ctx, self, self.model.filter, self.model.sort_key, self.model.descending)

    def _change(self, action: Any) -> None:
        """One user action = one transaction; a refusal is shown, then everyone refreshes."""
        try:
            with self.ctx.db.session() as s:
                action(s)
        except DeskError as exc:
            self.ctx.messages.warn(self, exc.message)
            return
        self.ctx.bus.items_changed.emit()

    def clear_filters(self) -> None:
        self.filters.reset()

    def menu_actions(self) -> list[QAction]:
        withdraw = QAction("下架…", self)
        withdraw.triggered.connect(self.withdraw_selected)
        withdraw.setEnabled(not self.ctx.read_only)
        revise = QAction("变更（修订）…", self)
        revise.triggered.connect(self.revise_selected)
        revise.setEnabled(not self.ctx.read_only)
        export = QAction("导出Excel…", self)
        export.setShortcut(QKeySequence("Ctrl+Shift+E"))
        export.triggered.connect(self.export_excel)
        clear = QAction("清除筛选条件", self)
        clear.triggered.connect(self.clear_filters)
        return [withdraw, revise, export, clear]
