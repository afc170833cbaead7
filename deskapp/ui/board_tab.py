"""公示栏 — placeholder until the noticeboard issue (#4) lands; engineer E replaces it."""

from __future__ import annotations

from typing import Any, Optional

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class BoardTab(QWidget):
    def __init__(self, ctx: Any, parent: Optional[QWidget] = None):
        super().__init__(parent)
        label = QLabel("公示栏功能尚未完成，将随“公示栏”需求（#4）提供。", self)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        QVBoxLayout(self).addWidget(label)
