"""Message boxes behind a small service that tests replace (cf. Picard's user_dialog_service)."""

from __future__ import annotations

from typing import Optional

from PySide6.QtWidgets import QMessageBox, QWidget


class Messages:
    """Shows Chinese messages. Every user-facing box goes through here."""

    def info(self, parent: Optional[QWidget], text: str, title: str = "提示") -> None:
        QMessageBox.information(parent, title, text)

    def warn(self, parent: Optional[QWidget], text: str, title: str = "无法完成") -> None:
        QMessageBox.warning(parent, title, text)

    def confirm(self, parent: Optional[QWidget], text: str, title: str = "请确认") -> bool:
        answer = QMessageBox.question(parent, title, text,
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes


class RecordingMessages(Messages):
    """For tests: records what would have been shown; ``answer`` is what confirm returns."""

    def __init__(self, answer: bool = True):
        self.shown: list[tuple[str, str]] = []
        self.answer = answer

    def info(self, parent: Optional[QWidget], text: str, title: str = "提示") -> None:
        self.shown.append(("info", text))

    def warn(self, parent: Optional[QWidget], text: str, title: str = "无法完成") -> None:
        self.shown.append(("warn", text))

    def confirm(self, parent: Optional[QWidget], text: str, title: str = "请确认") -> bool:
        self.shown.append(("confirm", text))
        return self.answer
