"""Choosing the 政策解读 that goes with a policy document: search by title as you type."""

from __future__ import annotations

from typing import Optional

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from deskapp.core.register.item_form import Candidate, interpretation_candidates
from deskapp.ui.common.context import AppContext

SHOWN = 200


class InterpretationPicker(QDialog):
    """Lists 政策解读 items (newest first), filtered by what is typed in the search box."""

    def __init__(self, ctx: AppContext, exclude_id: Optional[int] = None,
                 parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.ctx = ctx
        self.exclude_id = exclude_id
        self.setWindowTitle("选择政策解读")
        self.resize(560, 420)
        self.search = QLineEdit()
        self.search.setPlaceholderText("输入标题、文号或索引号中的字查找")
        self.search.setClearButtonEnabled(True)
        self.results = QListWidget()
        self.results.itemDoubleClicked.connect(lambda _item: self.accept())
        self.count_label = QLabel()
        self._timer = QTimer(self, singleShot=True, interval=200)
        self._timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("选择")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.count_label)
        layout.addWidget(buttons)
        self.refresh()

    def refresh(self) -> None:
        with self.ctx.db.session() as s:
            found = interpretation_candidates(s, self.ctx.db, self.search.text(), SHOWN + 1,
                                              self.exclude_id)
        self.results.clear()
        for candidate in found[:SHOWN]:
            row = QListWidgetItem(f"{candidate.title}    {candidate.index_no}  {candidate.formed_on}")
            row.setData(Qt.ItemDataRole.UserRole, candidate)
            self.results.addItem(row)
        if found:
            self.results.setCurrentRow(0)
        more = "（仅显示前 200 条，请输入更多字缩小范围）" if len(found) > SHOWN else ""
        self.count_label.setText(f"找到 {min(len(found), SHOWN)} 条政策解读{more}" if found
                                 else "没有找到政策解读；请先登记解读稿件（类别选“政策解读”）。")

    def chosen(self) -> Optional[Candidate]:
        row = self.results.currentItem()
        return row.data(Qt.ItemDataRole.UserRole) if row else None


class InterpretationField(QWidget):
    """The linked 政策解读 shown by title, with 选择… and 清除."""

    changed = Signal()

    def __init__(self, ctx: AppContext, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.ctx = ctx
        self.exclude_id: Optional[int] = None
        self._id: Optional[int] = None
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.choose_button = QPushButton("选择…")
        self.choose_button.clicked.connect(self.choose)
        self.clear_button = QPushButton("清除")
        self.clear_button.clicked.connect(lambda: self.set_value(None, ""))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.choose_button)
        layout.addWidget(self.clear_button)
        self.set_value(None, "")

    def value(self) -> Optional[int]:
        return self._id

    def set_value(self, item_id: Optional[int], label: str) -> None:
        changed = item_id != self._id
        self._id = item_id
        self.label.setText(label if item_id else "未关联")
        self.label.setStyleSheet("" if item_id else "color: gray;")
        self.clear_button.setEnabled(item_id is not None and self.choose_button.isEnabled())
        if changed:
            self.changed.emit()

    def setEnabled(self, enabled: bool) -> None:  # noqa: N802
        super().setEnabled(enabled)
        self.choose_button.setEnabled(enabled)
        self.clear_button.setEnabled(enabled and self._id is not None)

    def choose(self) -> None:
        picker = InterpretationPicker(self.ctx, self.exclude_id, self)
        if picker.exec() == QDialog.DialogCode.Accepted and picker.chosen() is not None:
            candidate = picker.chosen()
            assert candidate is not None
            self.set_value(candidate.id, candidate.label)
