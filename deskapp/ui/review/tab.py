"""审核签发: what waits at which step and for how long, the item with its history, and the
decisions — 送审 / 同意 (also for a batch, one password) / 退回 / 不予公开 / 纸质签批 /
打印审批单 / 发布. Every rule is checked in :mod:`deskapp.core.review.workflow`; this tab asks for
the input, calls it in one transaction per action and shows the outcome.

Keyboard: Ctrl+Enter 同意, Ctrl+R 退回, Ctrl+Shift+W 不予公开, Ctrl+Shift+P 纸质签批,
Ctrl+P 打印审批单, Ctrl+Shift+U 发布, Ctrl+Shift+S 送审, Ctrl+M 待我审批 on/off.
"""

from __future__ import annotations

from typing import Any, Callable, Optional

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QModelIndex, QSettings, Qt
from PySide6.QtGui import QAction, QCursor, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from deskapp.core.errors import DeskError
from deskapp.core.privacy import check as publication_check
from deskapp.core.review import workflow
from deskapp.core.review.detail import ItemDetail, item_detail
from deskapp.core.review.queue import DRAFTS, RETURNED, TO_PUBLISH, QueueRow, grouped, privacy_badges, queue_rows
from deskapp.ui.common.context import AppContext
from deskapp.ui.review.actions import ReviewActions
from deskapp.ui.review.host import ReviewHost
from deskapp.ui.review.model import ReviewQueueModel
from deskapp.ui.review.pane import CONFIRM_LINK, detail_html

ME = -1  # the person filter's "待我审批" entry
SPLITTER_KEY = "review/splitter"
HEADER_KEY = "review/header"
COLUMN_WIDTHS = [300, 100, 70, 90, 170, 150]


class ReviewTab(ReviewHost):
    def __init__(self, ctx: AppContext, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.ctx = ctx
        self.loaded = False
        self._fresh = False
        self.model = ReviewQueueModel(self, self._privacy_badges)
        self.view = self._make_view()
        self.pane = QTextBrowser(self)
        self.pane.setOpenLinks(False)
        self.pane.anchorClicked.connect(lambda url: self._link(url.toString()))
        self.who = QComboBox(self)
        self.drafts = QCheckBox("显示草稿", self)
        self.drafts.setChecked(True)
        self.count_label = QLabel(self)
        self.blocked_label = QLabel(self)
        self.blocked_label.setStyleSheet("color: #a1121b")
        self.blocked_label.setWordWrap(True)
        self.status_label = QLabel(self)
        self.ops: ReviewActions = ReviewActions(self)
        self.buttons: dict[str, QPushButton] = {}
        self.detail: Optional[ItemDetail] = None
        self.check: Optional[publication_check.CheckResult] = None
        self._layout()
        self._connect()
        self.fill_people()
        self._update_buttons()

    # --- building ----------------------------------------------------------------------------
    def _make_view(self) -> QTableView:
        view = QTableView(self)
        view.setModel(self.model)
        view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setShowGrid(False)
        view.setWordWrap(False)
        view.setTextElideMode(Qt.TextElideMode.ElideRight)
        view.verticalHeader().setVisible(False)
        view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 6)
        view.horizontalHeader().setHighlightSections(False)
        view.horizontalHeader().setStretchLastSection(True)
        for column, width in enumerate(COLUMN_WIDTHS):
            view.setColumnWidth(column, width)
        # Group header rows span the table; a click folds or unfolds the group.
        self.model.modelReset.connect(self._span_groups)
        view.clicked.connect(self._header_clicked)
        return view

    def _privacy_badges(self, item_ids: list[int]) -> dict[int, str]:
        with self.ctx.db.session() as s:
            return privacy_badges(s, item_ids)

    def _span_groups(self) -> None:
        self.view.clearSpans()
        for row in self.model.group_rows():
            self.view.setSpan(row, 0, 1, self.model.columnCount())

    def _header_clicked(self, index: QModelIndex) -> None:
        group = self.model.group_at(index)
        if group is not None:
            keep = [r.item_id for r in self.selected_rows()]
            self.model.toggle(group.key)
            self.select_items(keep)

    BUTTONS: list[tuple[str, str, str, str]] = [
        # key, label, shortcut, method
        ("submit", "送审", "Ctrl+Shift+S", "submit"),
        ("approve", "同意", "Ctrl+Return", "approve"),
        ("return", "退回", "Ctrl+R", "return_item"),
        ("withhold", "不予公开", "Ctrl+Shift+W", "withhold"),
        ("paper", "纸质签批…", "Ctrl+Shift+P", "paper"),
        ("form", "打印审批单", "Ctrl+P", "print_form"),
        ("publish", "发布", "Ctrl+Shift+U", "publish"),
    ]

    def _layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(QLabel("审批人："))
        top.addWidget(self.who)
        top.addWidget(self.drafts)
        top.addStretch(1)
        top.addWidget(self.count_label)
        buttons = QHBoxLayout()
        for key, label, shortcut, method in self.BUTTONS:
            button = QPushButton(label, self)
            button.setToolTip(f"{label}（{QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)}）")
            button.clicked.connect(getattr(self.ops, method))
            self._shortcut(shortcut, getattr(self.ops, method))
            buttons.addWidget(button)
            self.buttons[key] = button
        buttons.addStretch(1)
        buttons.addWidget(self.status_label)
        self._shortcut("Ctrl+M", self.toggle_mine)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self.view)
        split.addWidget(self.pane)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([sum(COLUMN_WIDTHS) + 30, 460])
        self.splitter = split
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.blocked_label)
        layout.addWidget(split, 1)
        layout.addLayout(buttons)

    def _shortcut(self, keys: str, slot: Callable[[], Any]) -> QAction:
        action = QAction(self)
        action.setShortcut(QKeySequence(keys))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _connect(self) -> None:
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        self.who.currentIndexChanged.connect(lambda _i: self.refresh())
        self.drafts.toggled.connect(lambda _on: self.refresh())
        self.ctx.bus.operator_changed.connect(self._operator_changed)

    def fill_people(self) -> None:
        from deskapp.core.review.flow import load_flow

        self.who.blockSignals(True)
        self.who.clear()
        self.who.addItem("全部待办", None)
        self.who.addItem(f"待我审批（{self.ctx.actor.name}）", ME)
        with self.ctx.db.session() as s:
            people: dict[int, str] = {}
            for step in load_flow(s).steps:
                people.update({p.id: p.name for p in step.deciders})
        for pid, name in people.items():
            self.who.addItem(f"待{name}审批", pid)
        self.who.blockSignals(False)

    def menu_actions(self) -> list[QAction]:
        from deskapp.ui.review.menus import tab_menu_actions

        return tab_menu_actions(self)

    # --- loading -----------------------------------------------------------------------------
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self.loaded:
            self.refresh()

    def person_filter(self) -> Optional[int]:
        value = self.who.currentData()
        if value == ME:
            return self.ctx.actor.id if self.ctx.actor.id is not None else -999
        return value

    def refresh(self) -> None:
        if self._fresh:
            return
        keep = [r.item_id for r in self.selected_rows()]
        person = self.person_filter()
        with self.ctx.db.session() as s:
            rows = queue_rows(s, self.ctx.today(), person, include_drafts=self.drafts.isChecked())
            groups = grouped(s, rows) if person is None else [g for g in grouped(s, rows) if g.rows]
        # Drafts start folded: they wait for their drafter, not for a reviewer.
        self.model.set_groups(groups, None if self.loaded else {DRAFTS})
        self.loaded = True
        waiting = sum(len(g.rows) for g in groups if g.key not in (TO_PUBLISH, RETURNED, DRAFTS))
        late = sum(r.late for g in groups for r in g.rows)
        self.count_label.setText(f"审核中 {waiting} 条，超期 {late} 条")
        blocked = sorted({r.group for g in groups for r in g.rows if r.blocked})
        self.blocked_label.setText(
            f"“{'、'.join(blocked)}”没有在职的审批人，相关信息无法推进，请在“审核流程”设置中指定人员。"
            if blocked else "")
        self.blocked_label.setVisible(bool(blocked))
        self.select_items(keep)
        self._selection_changed()

    def select_items(self, item_ids: list[int]) -> None:
        """Select these items (those still listed). Through the selection model only: the
        view's setCurrentIndex would read the keyboard, and with Ctrl still held after
        Ctrl+Enter it would toggle the selection off again."""
        selection = self.view.selectionModel()
        for item_id in item_ids:  # e.g. a draft in the folded 草稿 group
            group = self.model.group_of(item_id)
            if group is not None:
                self.model.set_folded(group.key, False)
        chosen = QItemSelection()
        last = QModelIndex()
        for item_id in item_ids:
            index = self.model.index_of(item_id)
            if index.isValid():
                chosen.select(index, index)
                last = index
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        selection.select(chosen, flags)
        if last.isValid():
            selection.setCurrentIndex(last, QItemSelectionModel.SelectionFlag.NoUpdate)
            self.view.scrollTo(last)

    def toggle_mine(self) -> None:
        self.who.setCurrentIndex(1 if self.who.currentData() != ME else 0)

    def _operator_changed(self) -> None:
        self.fill_people()
        self.refresh()

    # --- selection ---------------------------------------------------------------------------
    def selected_rows(self) -> list[QueueRow]:
        rows = [self.model.row_at(i) for i in self.view.selectionModel().selectedRows()]
        return [r for r in rows if r is not None]

    def _selection_changed(self) -> None:
        rows = self.selected_rows()
        self.detail = None
        if len(rows) == 1:
            self._show_detail(rows[0].item_id)
        elif rows:
            self.pane.setHtml(f"<p>已选 {len(rows)} 条信息。点“同意”可一次输入密码批量签批。</p>")
        else:
            self.pane.setHtml("<p style='color:#666'>在左侧选择一条信息，查看内容与审核记录。</p>")
        self._update_buttons()

    def _show_detail(self, item_id: int) -> None:
        self.check = None
        with self.ctx.db.session() as s:
            try:
                self.detail = item_detail(s, item_id)
                self.check = publication_check.run_check(s, item_id, self.ctx.db.files_dir)
            except DeskError:
                self.detail = None
        self.pane.setHtml(detail_html(self.detail, self.check, not self.ctx.read_only) if self.detail else "")

    def _link(self, link: str) -> None:
        """A link of the item pane: an attachment (att:ID) or 确认无误 (pubcheck:KEY / all)."""
        if not link.startswith(CONFIRM_LINK):
            self.ops.open_attachment(link)
            return
        if self.detail is None or self.check is None or self.ctx.read_only:
            return
        wanted = link[len(CONFIRM_LINK):]
        keys = [f.key for f in self.check.unconfirmed() if wanted in ("all", f.key)]
        item_id = self.detail.id
        if keys and self.run(publication_check.confirm, self.ctx.actor, item_id, keys, self.ctx.db.files_dir):
            self.show_status(f"已确认{len(keys)}处发布前检查结果。")
        self.select_items([item_id])
        self._show_detail(item_id)

    def _update_buttons(self) -> None:
        rows = self.selected_rows()
        one = rows[0] if len(rows) == 1 else None
        writable = not self.ctx.read_only
        in_review = bool(rows) and all(r.status == "in_review" and r.position for r in rows)
        enabled = {
            "submit": bool(rows) and all(r.group == DRAFTS or r.status in workflow.SUBMITTABLE for r in rows),
            "approve": in_review,
            "return": bool(one and one.status == "in_review" and one.position),
            "withhold": bool(one and self.detail and self.detail.can_withhold_now),
            "paper": bool(one and one.status == "in_review" and one.position),
            "publish": bool(one and one.group == TO_PUBLISH),
        }
        for key, button in self.buttons.items():
            button.setEnabled(bool(one) if key == "form" else writable and enabled.get(key, False))

    # --- running an action -------------------------------------------------------------------
    def run(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Optional[Any]:
        """One transaction; a DeskError becomes a message; on success the desk is told."""
        QApplication.setOverrideCursor(QCursor(Qt.CursorShape.WaitCursor))
        try:
            with self.ctx.db.session() as s:
                result = fn(s, *args, **kwargs)
        except DeskError as exc:
            QApplication.restoreOverrideCursor()
            self.ctx.messages.warn(self, exc.message)
            self.refresh()  # what changed meanwhile (a stale version) shows at once
            return None
        QApplication.restoreOverrideCursor()
        self.refresh()
        # The main window answers items_changed by refreshing the tab in view: this one has
        # just been refreshed, so that second read is skipped.
        self._fresh = True
        try:
            self.ctx.bus.items_changed.emit()
        finally:
            self._fresh = False
        return result

    def show_status(self, text: str) -> None:
        self.status_label.setText(text)

    def save_state(self, qs: QSettings) -> None:
        qs.setValue(SPLITTER_KEY, self.splitter.saveState())
        qs.setValue(HEADER_KEY, self.view.horizontalHeader().saveState())

    def restore_state(self, qs: QSettings) -> None:
        splitter, header = qs.value(SPLITTER_KEY), qs.value(HEADER_KEY)
        if splitter is not None:
            self.splitter.restoreState(splitter)
        if header is not None:
            self.view.horizontalHeader().restoreState(header)

    def current_index(self) -> QModelIndex:
        return self.view.currentIndex()
