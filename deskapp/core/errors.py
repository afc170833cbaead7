"""Errors a user can cause or meet, each carrying one Chinese sentence that says what to do.

Bugs are any other exception; the UI shows those in the crash dialog. Classify by type here,
never by matching message text.
"""

from __future__ import annotations

import datetime as dt
import errno
from typing import Any, Optional


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
    """Someone saved the record after this user opened it (its version moved on).

    Carries what the second saver needs to decide: who saved last and when (from the audit
    log, local time), the stored version number and the stored fields (plain values, keyed
    like the form's fields). All empty when only the version mismatch is known."""

    def __init__(self, changed_by: str = "", changed_at: Optional[dt.datetime] = None,
                 stored_version: Optional[int] = None,
                 stored: Optional[dict[str, Any]] = None) -> None:
        self.changed_by, self.changed_at = changed_by, changed_at
        self.stored_version, self.stored = stored_version, dict(stored or {})
        if changed_by and changed_at is not None:
            super().__init__(f"此记录已被他人修改：“{changed_by}”于{changed_at:%Y-%m-%d %H:%M}保存了新的版本，"
                             "请对照后决定保留哪一份。")
        else:
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


class ConnectionLostError(DeskError):
    """The database server stopped answering after the desk had reached it (network cut,
    server restarted): nothing of the operation was kept, and the desk reconnects by itself."""

    def __init__(self, where: object, what: str = "本次操作未保存"):
        self.where = where
        super().__init__(f"与服务器“{where}”的连接已断开，{what}；请等连接恢复（窗口上方的提示消失）后重试。")


DISK_FULL_ERRNOS = frozenset(e for e in (errno.ENOSPC, getattr(errno, "EDQUOT", None)) if e is not None)


def is_disk_full(exc: OSError) -> bool:
    """ENOSPC (or a disk quota reached): the one OSError that means "free some space"."""
    return exc.errno in DISK_FULL_ERRNOS
