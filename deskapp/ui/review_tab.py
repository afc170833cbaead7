"""审核签发 — placeholder until the review/sign-off issue (#3) lands; engineer D replaces it."""

from __future__ import annotations

from typing import Any, Optional

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class ReviewTab(QWidget):
    def __init__(self, ctx: Any, parent: Optional[QWidget] = None):
        super().__init__(parent)
        label = QLabel("审核签发功能尚未完成，将随“审核签发”需求（#3）提供。", self)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        QVBoxLayout(self).addWidget(label)
