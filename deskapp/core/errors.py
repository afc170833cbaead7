"""Errors a user can cause or meet, each carrying one Chinese sentence that says what to do.

Bugs are any other exception; the UI shows those in the crash dialog. Classify by type here,
never by matching message text.
"""

from __future__ import annotations


class DeskError(Exception):
    """Something in the environment or the input went wrong; ``str(e)`` is for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ValidationError(DeskError):
    """Some fields are wrong. ``fields`` maps a field name to its Chinese message."""

    def __init__(self, fields: dict[str, str]):
        self.fields = dict(fields)
        super().__init__("；".join(self.fields.values()) or "输入有误，请检查后重试。")


class ConcurrentEditError(DeskError):
    def __init__(self) -> None:
        super().__init__("此记录已被他人修改，请关闭后重新打开再编辑。")


class NotFoundError(DeskError):
    pass


class DatabaseOpenError(DeskError):
    """The database file cannot be opened as a desk database; nothing was changed."""


class DatabaseLockedError(DeskError):
    """Another window of the desk has this database open."""
