"""A lock file that says "the desk is open on this database".

It is an OS-level lock on an open file handle, so it disappears when the process dies:
a crash never leaves a stale lock behind.
"""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path
from typing import IO

from deskapp.core.errors import DatabaseLockedError

if sys.platform == "win32":  # pragma: no cover - exercised on Windows (mypy follows this test)
    import msvcrt

    def _try_lock(fh: IO[str]) -> bool:
        try:
            fh.seek(0)
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False

    def _unlock(fh: IO[str]) -> None:
        fh.seek(0)
        msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fh: IO[str]) -> bool:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except OSError:
            return False

    def _unlock(fh: IO[str]) -> None:
        fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


class DeskLock:
    def __init__(self, path: Path):
        self.path = path
        self._fh: IO[str] | None = None

    def acquire(self) -> None:
        fh = open(self.path, "a+", encoding="utf-8")
        if not _try_lock(fh):
            fh.seek(0)
            holder = fh.read().strip() or "另一窗口"
            fh.close()
            raise DatabaseLockedError(f"台账已在{holder}打开，本窗口只能以只读方式查看。")
        fh.seek(0)
        fh.truncate()
        fh.write(f"{socket.gethostname()} (进程 {os.getpid()})")
        fh.flush()
        self._fh = fh

    @property
    def held(self) -> bool:
        return self._fh is not None

    def release(self) -> None:
        if self._fh is None:
            return
        try:
            _unlock(self._fh)
        finally:
            self._fh.close()
            self._fh = None
