"""Errors a user can cause or meet, each carrying one Chinese sentence that says what to do.

Bugs are any other exception; the UI shows those in the crash dialog. Classify by type here,
never by matching message text.
"""

from __future__ import annotations

import errno


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


class DiskFullError(DeskError):
    """The disk that holds the desk's data (or a backup) is full: nothing of the operation
    was kept. Raised where the write fails, classified by error code, never by message."""

    def __init__(self, where: object, what: str = "本次操作未保存"):
        self.where = where
        super().__init__(f"磁盘空间不足：“{where}”所在的磁盘已满，{what}；请清理磁盘空间后重试。")


DISK_FULL_ERRNOS = frozenset(e for e in (errno.ENOSPC, getattr(errno, "EDQUOT", None)) if e is not None)


def is_disk_full(exc: OSError) -> bool:
    """ENOSPC (or a disk quota reached): the one OSError that means "free some space"."""
    return exc.errno in DISK_FULL_ERRNOS
