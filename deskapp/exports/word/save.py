"""Saving a document without ever destroying the old one: a temp file beside the target,
then ``os.replace``. A target open in WPS/Word (locked on Windows), a full disk or a missing
folder become one Chinese sentence (DeskError); the old file stays as it was.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from deskapp.core.errors import DeskError


def write_atomic(path: os.PathLike[str] | str, data: bytes, suffix: str) -> Path:
    target = Path(path).expanduser()
    if target.suffix.lower() != suffix:
        raise DeskError(f"“{target.name}”不是 {suffix} 文件名，请把文件名改为以 {suffix} 结尾。")
    if target.is_dir():
        raise DeskError(f"“{target}”是一个文件夹，请在它后面写上文件名。")
    if not target.parent.is_dir():
        raise DeskError(f"文件夹“{target.parent}”不存在，请先建立该文件夹或换一个保存位置。")
    try:
        fd, tmp = tempfile.mkstemp(prefix=".~" + target.stem[:40], suffix=".part", dir=target.parent)
    except OSError as exc:
        raise DeskError(f"无法在“{target.parent}”中保存文件（{exc.strerror}），请换一个有写入权限的位置。") from exc
    try:
        if hasattr(os, "fchmod"):  # not on Windows, where others read the file anyway
            os.fchmod(fd, _mode(target))
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        try:
            os.remove(tmp)
        except OSError:
            pass
        if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
            raise DeskError(f"磁盘空间不足，未能保存“{target.name}”；原文件未改动，请清理磁盘后重试。") from exc
        if isinstance(exc, PermissionError):
            raise DeskError(f"无法覆盖“{target.name}”：文件可能正在 WPS 或 Word 中打开或没有写入权限，"
                            "请关闭该文件或换一个文件名后重试，原文件未改动。") from exc
        raise DeskError(f"保存“{target.name}”失败（{exc.strerror}），原文件未改动，请检查磁盘空间后重试。") from exc
    return target


def _mode(target: Path) -> int:
    """The replaced file's permissions, or a new file's usual 0644 (mkstemp makes 0600)."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        return 0o644
