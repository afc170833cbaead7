"""设置 → 公开目录: the office's catalogue as a tree, with the selected entry's form beside it.

Add a 一级事项 or a 二级事项, edit any column, take an entry out of use (停用; never deleted,
items keep it). A new 公开时限 recomputes the open deadlines at once and says how many moved.
"""

from __future__ import annotations

from typing import Optional

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from deskapp.core.register import catalogue as cat
from deskapp.ui.common.context import AppContext
from deskapp.ui.common.form_kit import busy, run_action, save_shortcut
from deskapp.ui.settings.catalogue_form import EntryForm

INACTIVE = QColor("#9e9e9e")
ID_ROLE = Qt.ItemDataRole.UserRole


class CatalogueDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.ctx = ctx
        self.entries: dict[int, cat.EntryRow] = {}
        self.current_id: Optional[int] = None  # None with new_parent set: a new entry
        self.new_parent: Optional[int] = None
        self.adding = False
        self.dirty = False
        self.setWindowTitle("公开目录")
        self.resize(1080, 720)
        splitter = QSplitter()
        splitter.addWidget(self._build_tree_side())
        splitter.addWidget(self._build_form_side())
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([360, 720])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(buttons)
        save_shortcut(self, self.save)
        self.refresh()
        first = self.tree.topLevelItem(0)
        if first is not None:
            self.tree.setCurrentItem(first)

    # --- building --------------------------------------------------------------------

    def _build_tree_side(self) -> QWidget:
        side = QWidget()
        column = QVBoxLayout(side)
        column.setContentsMargins(0, 0, 0, 0)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["事项", "公开时限"])
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.currentItemChanged.connect(self._selection_changed)
        column.addWidget(self.tree, 1)
        self.show_inactive = QCheckBox("显示已停用的事项")
        self.show_inactive.setChecked(True)
        self.show_inactive.toggled.connect(self._toggle_inactive)
        column.addWidget(self.show_inactive)
        bar = QHBoxLayout()
        self.add_top_button = self._button("新增一级事项", lambda: self.start_new(level=1))
        self.add_child_button = self._button("新增二级事项", lambda: self.start_new(level=2))
        bar.addWidget(self.add_top_button)
        bar.addWidget(self.add_child_button)
        bar.addStretch(1)
        column.addLayout(bar)
        return side

    def _build_form_side(self) -> QWidget:
        side = QWidget()
        column = QVBoxLayout(side)
        column.setContentsMargins(0, 0, 0, 0)
        self.form = EntryForm()
        self.form.changed.connect(self._mark_dirty)
        holder = QWidget()  # the form at its natural height, the spare room below it
        holder_layout = QVBoxLayout(holder)
        holder_layout.addWidget(self.form)
        holder_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(holder)
        column.addWidget(scroll, 1)
        bar = QHBoxLayout()
        self.save_button = self._button("保存修改", self.save)
        self.save_button.setDefault(True)
        self.revert_button = self._button("放弃修改", self._revert)
        self.toggle_button = self._button("停用", self.toggle_active)
        bar.addWidget(self.toggle_button)
        bar.addStretch(1)
        bar.addWidget(self.revert_button)
        bar.addWidget(self.save_button)
        column.addLayout(bar)
        return side

    def _button(self, text: str, slot: object) -> QPushButton:
        button = QPushButton(text)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

    # --- the tree ----------------------------------------------------------------------

    def refresh(self, select: Optional[int] = None) -> None:
        keep = select if select is not None else self.current_id
        with self.ctx.db.session() as s:
            rows = cat.list_entries(s)
        self.entries = {r.id: r for r in rows}
        self.tree.blockSignals(True)
        self.tree.clear()
        parents: dict[int, QTreeWidgetItem] = {}
        for row in rows:
            if not row.active and not self.show_inactive.isChecked():
                continue
            holder = parents.get(row.parent_id) if row.parent_id else None
            if row.parent_id and holder is None:
                continue  # its 一级事项 is hidden
            item = QTreeWidgetItem([self._label(row), f"{row.time_limit_days} 个工作日"])
            item.setData(0, ID_ROLE, row.id)
            if not row.active:
                for c in (0, 1):
                    item.setForeground(c, INACTIVE)
            if holder is None:
                self.tree.addTopLevelItem(item)
                parents[row.id] = item
            else:
                holder.addChild(item)
        self.tree.expandAll()
        self.tree.blockSignals(False)
        kept = self._item_of(keep) if keep is not None else None
        if keep is not None and kept is not None:
            self.tree.setCurrentItem(kept)
            self._show_entry(keep)
        elif (first := self.tree.topLevelItem(0)) is not None:  # what was shown is hidden now
            self.current_id = None
            self.tree.setCurrentItem(first)
        self._sync_buttons()

    def _toggle_inactive(self, on: bool) -> None:
        if self.dirty and not self._may_discard():
            self.show_inactive.blockSignals(True)
            self.show_inactive.setChecked(not on)
            self.show_inactive.blockSignals(False)
            return
        self.dirty = self.adding = False
        self.refresh()

    @staticmethod
    def _label(row: cat.EntryRow) -> str:
        return f"{row.code} {row.name}" + ("" if row.active else "（已停用）")

    def _item_of(self, entry_id: Optional[int]) -> Optional[QTreeWidgetItem]:
        for item in self._all_items():
            if item.data(0, ID_ROLE) == entry_id:
                return item
        return None

    def _all_items(self) -> list[QTreeWidgetItem]:
        items = []
        for i in range(self.tree.topLevelItemCount()):
            top = self.tree.topLevelItem(i)
            if top is None:  # never within topLevelItemCount(); the stub allows it
                continue
            items.append(top)
            items += [child for j in range(top.childCount()) if (child := top.child(j)) is not None]
        return items

    def select(self, entry_id: int) -> None:
        item = self._item_of(entry_id)
        if item is not None:
            self.tree.setCurrentItem(item)

    def _selection_changed(self, current: Optional[QTreeWidgetItem], previous: Optional[QTreeWidgetItem]) -> None:
        if current is None:
            return
        if self.dirty and not self._may_discard():
            self.tree.blockSignals(True)
            self.tree.setCurrentItem(previous)  # type: ignore[arg-type]  # Qt takes None (no item); the stub omits it
            self.tree.blockSignals(False)
            return
        self._show_entry(current.data(0, ID_ROLE))

    def _may_discard(self) -> bool:
        return self.ctx.messages.confirm(self, "当前事项的修改尚未保存，放弃这些修改吗？")

    # --- the form ----------------------------------------------------------------------

    def _roots(self) -> list[cat.EntryRow]:
        return [r for r in self.entries.values() if r.parent_id is None]

    def _show_entry(self, entry_id: int) -> None:
        row = self.entries[entry_id]
        self.current_id, self.adding = entry_id, False
        self.form.set_parents(self._roots(), entry_id)
        where = f"已有 {row.items} 条信息归入此事项" if row.items else "尚无信息归入此事项"
        state = ("在用" if row.active else "已停用（新登记的信息不能再选它）") + f"；{where}"
        self.form.load(row.data(), state)
        self.dirty = False
        self._sync_buttons()

    def start_new(self, level: int) -> None:
        if self.dirty and not self._may_discard():
            return
        parent_id = None
        if level == 2:
            chosen = self.entries.get(self.current_id) if self.current_id else None
            parent_id = chosen.parent_id or chosen.id if chosen else None
            if parent_id is None:
                self.ctx.messages.warn(self, "请先在左侧选中一个一级事项，再新增其下的二级事项。")
                return
        siblings = [r.sort_order for r in self.entries.values() if r.parent_id == parent_id]
        data = cat.EntryData(parent_id=parent_id, sort_order=max(siblings, default=-1) + 1)
        self.form.set_parents(self._roots(), None)
        self.form.load(data, "新事项，保存后生效")
        self.current_id, self.adding = None, True
        self.dirty = False
        self._sync_buttons()
        self.form.name.setFocus()

    def _mark_dirty(self) -> None:
        self.dirty = True
        self._sync_buttons()

    def _revert(self) -> None:
        if self.adding:
            self.adding = False
            self.dirty = False
            item = self.tree.currentItem()
            if item is not None:
                self._show_entry(item.data(0, ID_ROLE))
        elif self.current_id is not None:
            self._show_entry(self.current_id)

    def _sync_buttons(self) -> None:
        writable = not self.ctx.read_only
        row = self.entries.get(self.current_id) if self.current_id else None
        self.form.setEnabled(writable and (row is not None or self.adding))
        self.add_top_button.setEnabled(writable)
        self.add_child_button.setEnabled(writable and row is not None and row.active)
        self.save_button.setEnabled(writable and (self.dirty or self.adding))
        self.revert_button.setEnabled(writable and (self.dirty or self.adding))
        self.toggle_button.setEnabled(writable and row is not None and not self.adding)
        self.toggle_button.setText("启用" if row is not None and not row.active else "停用")

    # --- saving ------------------------------------------------------------------------

    def save(self) -> None:
        if self.ctx.read_only or not (self.dirty or self.adding):
            return
        row = self.entries.get(self.current_id) if self.current_id else None
        data = self.form.data(active=row.active if row else True)
        outcome: list[cat.EntrySaved] = []

        def action() -> None:
            with busy(), self.ctx.db.session() as s:
                if row is None:
                    outcome.append(cat.EntrySaved(cat.create_entry(s, self.ctx.actor, data), 0))
                else:
                    outcome.append(cat.update_entry(s, self.ctx.actor, row.id, data))

        if run_action(self.form.errors, lambda t: self.ctx.messages.warn(self, t), action):
            self._saved(outcome[0])

    def _saved(self, saved: cat.EntrySaved) -> None:
        self.dirty = self.adding = False
        self.refresh(select=saved.entry.id)
        self.ctx.bus.settings_changed.emit()
        if saved.deadlines_changed:
            self.ctx.bus.items_changed.emit()
            self.ctx.messages.info(self, f"公开时限已改，重新计算了 {saved.deadlines_changed} 条信息的公开期限。")

    def toggle_active(self) -> None:
        row = self.entries.get(self.current_id) if self.current_id else None
        if row is None or self.ctx.read_only:
            return
        if self.dirty and not self._may_discard():
            return
        if row.active:
            extra = "其下的二级事项一并停用。" if row.level == 1 else ""
            if not self.ctx.messages.confirm(
                    self, f"停用“{row.name}”吗？停用后新登记的信息不能再选它，已归入的信息不受影响。{extra}"):
                return
        outcome: list[cat.EntrySaved] = []

        def action() -> None:
            with self.ctx.db.session() as s:
                outcome.append(cat.EntrySaved(cat.set_entry_active(s, self.ctx.actor, row.id, not row.active), 0))

        if run_action(self.form.errors, lambda t: self.ctx.messages.warn(self, t), action):
            self._saved(outcome[0])

    def reject(self) -> None:
        if self.dirty and not self._may_discard():
            return
        super().reject()
