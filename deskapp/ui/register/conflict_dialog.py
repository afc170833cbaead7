"""保存冲突: the item as another desk saved it, next to what this user typed.

Shown by the item dialog when its save is refused because someone saved the item first.
Nothing the user typed is lost whatever they choose: 采用对方的版本 loads the stored version
into the form, 保留我的（覆盖保存） saves the typed fields over it (on the version now stored,
so the audit log shows both saves), 返回继续编辑 goes back to the form as typed.
"""

from __future__ import annotations

from typing import Optional, Sequence

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from deskapp.core.errors import ConcurrentEditError
from deskapp.core.register.conflict import ConflictRow

THEIRS, MINE, EDIT = "theirs", "mine", "edit"
DIFFERS_BACKGROUND = QColor("#fff3c4")
MAX_CELL = 200  # long texts (正文) shortened in the table; the full text is the tooltip


def headline(error: ConcurrentEditError) -> str:
    if error.changed_by and error.changed_at is not None:
        who = f"“{error.changed_by}”于 {error.changed_at:%Y-%m-%d %H:%M}"
    else:
        who = "其他人"
    return (f"您编辑期间，此信息已被{who}修改并保存。左列是对方保存的版本，右列是您填写的内容，"
            "不同之处以黄色标出。请选择保留哪一份。")


def _cell(text: str, differs: bool) -> QTableWidgetItem:
    shown = text if len(text) <= MAX_CELL else text[:MAX_CELL] + "…"
    cell = QTableWidgetItem(shown.replace("\n", " "))
    cell.setToolTip(text)
    if differs:
        cell.setBackground(QBrush(DIFFERS_BACKGROUND))
    return cell


class ConflictDialog(QDialog):
    def __init__(self, error: ConcurrentEditError, rows: Sequence[ConflictRow],
                 parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.setWindowTitle("保存冲突")
        self.choice = EDIT
        text = QLabel(headline(error))
        text.setWordWrap(True)
        differing = sum(r.differs for r in rows)
        count = QLabel(f"共 {differing} 项不同。" if differing else "两份内容相同，可直接保存。")
        self.table = QTableWidget(len(rows), 3)
        self.table.setHorizontalHeaderLabels(["项目", "对方保存的版本", "您填写的内容"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        for i, row in enumerate(rows):
            label = _cell(("≠ " if row.differs else "") + row.label, row.differs)
            self.table.setItem(i, 0, label)
            self.table.setItem(i, 1, _cell(row.theirs, row.differs))
            self.table.setItem(i, 2, _cell(row.mine, row.differs))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        buttons = QDialogButtonBox()
        self.theirs_button = buttons.addButton("采用对方的版本", QDialogButtonBox.ButtonRole.ActionRole)
        self.theirs_button.setToolTip("放弃您的修改，表单换成对方保存的内容")
        self.mine_button = buttons.addButton("保留我的（覆盖保存）", QDialogButtonBox.ButtonRole.ActionRole)
        self.mine_button.setToolTip("以您填写的内容覆盖对方的修改并保存，两次保存都记入操作日志")
        self.edit_button = buttons.addButton("返回继续编辑", QDialogButtonBox.ButtonRole.RejectRole)
        self.theirs_button.clicked.connect(lambda: self._choose(THEIRS))
        self.mine_button.clicked.connect(lambda: self._choose(MINE))
        self.edit_button.clicked.connect(self.reject)
        self.edit_button.setDefault(True)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(count)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(860, 520)

    def _choose(self, choice: str) -> None:
        self.choice = choice
        self.accept()

    def reject(self) -> None:
        self.choice = EDIT
        super().reject()
