"""登记张贴 / 登记撤下: a date, where (for posting), and an optional photo as evidence."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Optional

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)


class PostingDialog(QDialog):
    """Ask for the date (not after today), the board (posting only) and an optional photo."""

    def __init__(self, title: str, item_title: str, today: dt.date, board: Optional[str] = None,
                 parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        form = QFormLayout(self)
        form.addRow("公示：", QLabel(item_title[:60], self))
        self.date = QDateEdit(QDate(today.year, today.month, today.day), self)
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.date.setMaximumDate(QDate(today.year, today.month, today.day))
        form.addRow("日期：", self.date)
        self.board: Optional[QLineEdit] = None
        if board is not None:
            self.board = QLineEdit(board, self)
            self.board.setPlaceholderText("如：街道政务公开栏、东湖社区公示栏")
            form.addRow("张贴位置：", self.board)
        self.photo = QLineEdit(self)
        self.photo.setPlaceholderText("可选：张贴现场照片，留作检查证据")
        pick = QPushButton("选择…", self)
        pick.clicked.connect(self._pick_photo)
        row = QHBoxLayout()
        row.addWidget(self.photo, 1)
        row.addWidget(pick)
        form.addRow("照片：", row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("登记")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _pick_photo(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "选择照片", "",
                                              "图片 (*.jpg *.jpeg *.png *.bmp *.heic);;所有文件 (*)")
        if path:
            self.photo.setText(path)

    def values(self) -> tuple[dt.date, str, Optional[Path]]:
        d = self.date.date()
        photo = self.photo.text().strip()
        board = self.board.text().strip() if self.board is not None else ""
        return dt.date(d.year(), d.month(), d.day()), board, Path(photo) if photo else None
