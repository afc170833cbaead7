"""Saving a workbook without ever destroying the old one: everything is written in a hidden
folder next to the target, then moved into place with ``os.replace``. A target that is open
in WPS/Excel (locked on Windows), a full disk or a missing folder become one Chinese sentence
(DeskError); the old file stays as it was and no temp file is left behind.
"""

from __future__ import annotations

import errno
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from deskapp.core.errors import DeskError


def check_target(path: str | os.PathLike[str]) -> Path:
    target = Path(path).expanduser()
    if target.suffix.lower() != ".xlsx":
        raise DeskError(f"“{target.name}”不是 .xlsx 文件名，请把文件名改为以 .xlsx 结尾。")
    if target.is_dir():
        raise DeskError(f"“{target}”是一个文件夹，请指定要保存的文件名。")
    if not target.parent.exists():
        raise DeskError(f"文件夹“{target.parent}”不存在，请另选保存位置。")
    return target


def save_error(target: Path, exc: OSError) -> DeskError:
    name = target.name
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return DeskError(f"磁盘空间不足，未能保存“{name}”；原文件未改动，请清理磁盘后重试。")
    if isinstance(exc, PermissionError):
        return DeskError(f"“{name}”正被其他程序（如 WPS 或 Excel）打开，或该位置不允许写入；"
                         f"请关闭该文件后重试，原文件未改动。")
    return DeskError(f"无法保存“{name}”（{exc.strerror or exc}）；原文件未改动，请换一个位置重试。")


@contextmanager
def atomic_output(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a scratch folder beside ``path``; the caller writes ``<folder>/out.xlsx``, which
    replaces ``path`` when the block ends without error."""
    target = check_target(path)
    try:
        with tempfile.TemporaryDirectory(dir=target.parent, prefix=".deskapp-") as scratch:
            folder = Path(scratch)
            yield folder
            os.replace(folder / "out.xlsx", target)
    except OSError as exc:
        raise save_error(target, exc) from exc
