"""Backups of a desk database with its attachments: made, listed, checked, pruned, restored.

The data is the office's legal evidence, so a backup is a *set*: a folder in ``backups/``
beside the database holding a consistent copy of the database (SQLite online backup API,
never a file copy of a live database), the attachment files that copy refers to (hard links
where the file system allows, copies otherwise: stored files never change, so a link is as
good as a copy), and ``check.json`` with the result of checking the copy. A set is built in
``<name>.part`` and renamed when whole, so a process killed mid-backup leaves no set that
looks finished. Restoring builds the new database in a temp file beside the live one and
renames it into place, after backing up what is there.

The audit chain lives in a feature package above this one; callers pass its check in as
``chain_check`` (see :mod:`deskapp.core.desk`).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import shutil
import sqlite3
from dataclasses import dataclass
from glob import escape as glob_escape
from pathlib import Path
from typing import Callable, Iterable, Iterator

from deskapp.core.errors import DatabaseLockedError, DeskError, DiskFullError, is_disk_full
from deskapp.core.store.db import (
    CREATING,
    Database,
    clean_creation_leftovers,
    copy_sidecars,
    fsync_file,
    is_disk_full_error,
    writer_gone,
)
from deskapp.core.store.filelock import DeskLock

log = logging.getLogger(__name__)

ChainCheck = Callable[[Path], "str | None"]  # a database file → None, or what is broken
CHECK_FILE = "check.json"
PART = ".part"
KEEP_DAILY, KEEP_MONTHLY = 30, 12
_SET_NAME = re.compile(r"^(?P<stamp>\d{8}-\d{6})(?:-(?P<n>\d+))?-(?P<reason>[a-z0-9-]+)$")
_PART_NAME = re.compile(r"^\d{8}-\d{6}(?:-\d+)?-[a-z0-9-]+\.(?P<pid>\d+)\.part$")
_LOOSE_NAME = re.compile(r"^.*-(?P<stamp>\d{8}-\d{6})-(?P<reason>[a-z0-9-]+)\.db$")  # before-upgrade copies
STAMP = "%Y%m%d-%H%M%S"
REASONS = {"daily": "每日", "manual": "手动", "before-import": "导入前", "before-year-close": "年度结转前",
           "before-restore": "恢复前", "before-upgrade": "升级前"}


@dataclass(frozen=True)
class BackupInfo:
    """One backup as listed: the database copy, when and why it was made, its size (the
    database and its attachments) and the result of its check ("" = passed, None = never
    checked, else what is wrong)."""

    db_file: Path
    folder: Path | None  # the set's folder; None for a loose .db (made before an upgrade)
    made_at: dt.datetime
    reason: str
    size: int
    problem: str | None

    @property
    def reason_text(self) -> str:
        return REASONS.get(self.reason, self.reason)

    @property
    def check_text(self) -> str:
        if self.problem is None:
            return "未校验"
        return "校验通过" if self.problem == "" else f"有问题：{self.problem}"


def _require_file(db: Database) -> Path:
    if not db.is_sqlite or db.path is None:
        raise DeskError("此数据库不在本机文件中，请用数据库服务器自己的备份工具备份和恢复。")
    return db.path


def _disk_error(where: Path, exc: OSError | sqlite3.Error, what: str) -> DeskError:
    if is_disk_full(exc) if isinstance(exc, OSError) else is_disk_full_error(exc):
        return DiskFullError(where, what)
    reason = (exc.strerror if isinstance(exc, OSError) else None) or exc
    return DeskError(f"无法写入“{where}”（{reason}），{what}；请检查该文件夹的权限。")


def _copy_database(source: Path, dest: Path) -> None:
    """SQLite's online backup API: a consistent copy even while others write."""
    src = sqlite3.connect(f"file:{source.as_posix()}?mode=ro", uri=True)
    try:
        out = sqlite3.connect(str(dest))
        try:
            src.backup(out)
            out.execute("PRAGMA journal_mode=DELETE")  # a copy is one file, no -wal beside it
        finally:
            out.close()
    finally:
        src.close()
    fsync_file(dest)


def referenced_files(db_file: Path) -> list[str]:
    """The sha256 names of the attachment files a database refers to."""
    con = sqlite3.connect(f"file:{db_file.as_posix()}?mode=ro", uri=True)
    try:
        has = con.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='stored_file'").fetchone()
        return [row[0] for row in con.execute("SELECT sha256 FROM stored_file")] if has else []
    finally:
        con.close()


def _file_path(files_dir: Path, sha256: str) -> Path:
    return files_dir / sha256[:2] / sha256


def _link_or_copy(src: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dest)
    except FileExistsError:
        pass
    except OSError:  # another volume, or a file system without hard links
        shutil.copy2(src, dest)


def _carry_files(files_dir: Path, shas: Iterable[str], dest_dir: Path) -> list[str]:
    """Link or copy each referenced file from ``files_dir`` into ``dest_dir``; the ones
    missing at the source are returned (the check reports them)."""
    missing = []
    for sha in shas:
        src = _file_path(files_dir, sha)
        if not src.is_file():
            missing.append(sha)
            continue
        _link_or_copy(src, _file_path(dest_dir, sha))
    return missing


def integrity_problem(db_file: Path) -> str | None:
    """SQLite's own check of every page and index; None when it passes."""
    try:
        con = sqlite3.connect(f"file:{db_file.as_posix()}?mode=ro", uri=True)
        try:
            result = con.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        return f"数据库文件无法读取（{exc}）"
    return None if result == "ok" else f"数据库文件损坏（{result}）"


def verify_backup(db_file: Path, chain_check: ChainCheck | None = None) -> str:
    """Check a backup's database copy and its attachments: "" when whole, else what is wrong
    (one Chinese phrase). Records the result in the set's check.json."""
    problem = integrity_problem(db_file)
    if problem is None and chain_check is not None:
        broken = chain_check(db_file)
        problem = f"操作记录校验未通过（{broken}）" if broken else None
    if problem is None:
        files_dir = db_file.parent / "files"
        lost = [sha for sha in referenced_files(db_file) if not _file_path(files_dir, sha).is_file()]
        if lost and db_file.parent.name != "backups":  # a loose copy never carried its files
            problem = f"缺少 {len(lost)} 个附件文件"
    result = problem or ""
    if db_file.parent.name != "backups":
        _write_check(db_file.parent, result)
    return result


def _write_check(folder: Path, problem: str) -> None:
    data = {"checked_at": dt.datetime.now().isoformat(timespec="seconds"), "problem": problem}
    tmp = folder / (CHECK_FILE + PART)
    tmp.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    os.replace(tmp, folder / CHECK_FILE)


def _read_check(folder: Path) -> str | None:
    try:
        problem = json.loads((folder / CHECK_FILE).read_text("utf-8")).get("problem")
    except (OSError, ValueError, AttributeError):
        return None
    return problem if isinstance(problem, str) else None


def _set_name(folder: Path, now: dt.datetime, reason: str) -> Path:
    base = now.strftime(STAMP)
    name, n = f"{base}-{reason}", 1
    while (folder / name).exists() or any(folder.glob(f"{name}.*{PART}")):
        n += 1
        name = f"{base}-{n}-{reason}"
    return folder / name


def make_backup(db: Database, reason: str, *, to: Path | None = None, chain_check: ChainCheck | None = None,
                now: dt.datetime | None = None) -> BackupInfo:
    """A checked backup set of ``db`` with its attachments (and its sidecars: files named
    after the database, like the audit anchor) in ``to`` (default: ``backups/`` beside the
    database). Raises DiskFullError/DeskError when it cannot be written; a set whose check
    fails is kept (it may still be the best copy there is) and says so."""
    path = _require_file(db)
    folder = to or db.backups_dir
    final = _set_name(folder, now or dt.datetime.now(), reason)
    part = final.with_name(f"{final.name}.{os.getpid()}{PART}")  # the pid: prune knows if it is abandoned
    try:
        part.mkdir(parents=True)
        db_file = part / path.name
        copy_sidecars(path, db_file)  # first: an anchor may lag its database, never lead it
        _copy_database(path, db_file)
        _carry_files(db.files_dir, referenced_files(db_file), part / "files")
    except (OSError, sqlite3.Error) as exc:  # the online backup says SQLITE_FULL, file writes ENOSPC
        shutil.rmtree(part, ignore_errors=True)
        raise _disk_error(folder, exc, "备份未完成") from exc
    except BaseException:
        shutil.rmtree(part, ignore_errors=True)
        raise
    final = _finish(part, final)
    problem = verify_backup(final / path.name, chain_check)
    if problem:
        log.warning("backup %s failed its check: %s", final.name, problem)
    return _info(final / path.name)


def _finish(part: Path, final: Path) -> Path:
    """Give the finished set its name; another process that finished a set of the same name
    in the same second makes this one take the next free name."""
    for _ in range(100):
        try:
            os.rename(part, final)  # never replaces: a non-empty folder of that name stays
            return final
        except OSError:
            if not final.exists():
                raise
            m = _SET_NAME.match(final.name)
            assert m is not None
            final = final.with_name(f"{m['stamp']}-{int(m['n'] or 1) + 1}-{m['reason']}")
    raise DeskError(f"无法在“{final.parent}”中命名新的备份，请清理该文件夹后重试。")


def _dir_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def _info(db_file: Path) -> BackupInfo:
    folder = db_file.parent
    if folder.name == "backups" or not _SET_NAME.match(folder.name):
        m = _LOOSE_NAME.match(db_file.name)
        stamp, reason = (m["stamp"], m["reason"]) if m else (None, "")
        made = dt.datetime.strptime(stamp, STAMP) if stamp else dt.datetime.fromtimestamp(db_file.stat().st_mtime)
        return BackupInfo(db_file, None, made, reason, db_file.stat().st_size, None)
    m = _SET_NAME.match(folder.name)
    assert m is not None
    return BackupInfo(db_file, folder, dt.datetime.strptime(m["stamp"], STAMP), m["reason"],
                      _dir_size(folder), _read_check(folder))


def _candidates(folder: Path) -> Iterator[Path]:
    if not folder.is_dir():
        return
    for entry in folder.iterdir():
        if entry.is_dir() and _SET_NAME.match(entry.name):
            yield from (f for f in entry.glob("*.db") if f.is_file())
        elif entry.is_file() and _LOOSE_NAME.match(entry.name):
            yield entry


def list_backups(folder: Path) -> list[BackupInfo]:
    """The finished backups in ``folder`` (a desk's ``backups/``), newest first. Half-made
    sets (``.part``, from a process killed mid-backup) are not listed."""
    return sorted((_info(f) for f in _candidates(folder)), key=lambda b: b.made_at, reverse=True)


def to_keep(backups: list[BackupInfo], today: dt.date,
            daily: int = KEEP_DAILY, monthly: int = KEEP_MONTHLY) -> set[Path]:
    """Everything made today; the newest backup of each of the last ``daily`` days that have
    one; the newest of each of the last ``monthly`` months that have one."""
    keep = {b.db_file for b in backups if b.made_at.date() >= today}
    days: dict[dt.date, BackupInfo] = {}
    months: dict[tuple[int, int], BackupInfo] = {}
    for b in backups:  # newest first: the first of each day/month is its newest
        days.setdefault(b.made_at.date(), b)
        months.setdefault((b.made_at.year, b.made_at.month), b)
    keep |= {b.db_file for b in list(days.values())[:daily]}
    keep |= {b.db_file for b in list(months.values())[:monthly]}
    return keep


def prune(folder: Path, today: dt.date | None = None,
          daily: int = KEEP_DAILY, monthly: int = KEEP_MONTHLY) -> list[Path]:
    """Remove the backups :func:`to_keep` does not keep, and half-made sets; returns what went."""
    backups = list_backups(folder)
    keep = to_keep(backups, today or dt.date.today(), daily, monthly)
    removed = []
    for b in backups:
        if b.db_file not in keep:
            if b.folder is not None:
                shutil.rmtree(b.folder)
                removed.append(b.folder)
                continue
            for side in b.db_file.parent.glob(f"{glob_escape(b.db_file.name)}[.-]*"):  # sidecars, -wal, -shm
                side.unlink(missing_ok=True)
            b.db_file.unlink(missing_ok=True)
            removed.append(b.db_file)
    for part in folder.glob(f"*{PART}") if folder.is_dir() else []:
        m = _PART_NAME.match(part.name)
        if part.is_dir() and m and writer_gone(m["pid"], part):  # never another process's backup under way
            shutil.rmtree(part, ignore_errors=True)
            removed.append(part)
    return removed


def made_today(folder: Path, today: dt.date | None = None) -> bool:
    day = today or dt.date.today()
    return any(b.made_at.date() == day for b in list_backups(folder))


def _take_restore_lock(path: Path) -> DeskLock:
    lock = DeskLock(path.with_name(path.name + ".lock"))
    try:
        lock.acquire()
    except DatabaseLockedError as exc:
        raise DatabaseLockedError("台账正在另一窗口或程序中打开，无法恢复；请先关闭所有台账窗口，再恢复备份。") from exc
    return lock


def _leave_wal(path: Path) -> None:
    """Fold the live database's write-ahead log into it and stop using one, so no -wal file
    of the old database is left to be replayed onto the restored one."""
    con = sqlite3.connect(str(path))
    try:
        mode = con.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
    except sqlite3.OperationalError as exc:
        raise DeskError("台账仍被其他程序读取，无法恢复；请关闭所有台账窗口后重试。") from exc
    finally:
        con.close()
    if str(mode).lower() != "delete":
        raise DeskError("台账仍被其他程序读取，无法恢复；请关闭所有台账窗口后重试。")


def restore_backup(path: Path, backup_db: Path, *, chain_check: ChainCheck | None = None,
                   before: Callable[[], object] | None = None) -> str:
    """Put ``backup_db`` (a backup's database copy) in place of the database at ``path``,
    with its attachments; returns the restored database's check ("" = passed).

    Refuses (DatabaseLockedError) while the desk is open on ``path`` elsewhere, and a backup
    that fails its check. ``before`` runs under the lock before anything changes (the caller
    backs up the current database there). The swap is a rename of a finished temp file, so
    a process killed at any point leaves either the old database or the restored one.
    """
    path = path.resolve()
    backup_db = backup_db.resolve()
    if not backup_db.is_file():
        raise DeskError(f"找不到备份文件“{backup_db}”，请检查路径。")
    problem = integrity_problem(backup_db) or (chain_check(backup_db) if chain_check else None)
    if problem:
        raise DeskError(f"备份“{backup_db.name}”校验未通过（{problem}），未恢复；请选择另一份备份。")
    lock = _take_restore_lock(path)
    try:
        clean_creation_leftovers(path)
        if path.exists():
            if before is not None:
                before()
            _leave_wal(path)
        # named like a database being created, so the next open cleans it if this process dies
        tmp = path.with_name(f"{path.name}{CREATING}{os.getpid()}-restore")
        try:
            _copy_database(backup_db, tmp)
            # attachments first: the restored database never refers to a file not yet there
            _carry_files(backup_db.parent / "files", referenced_files(tmp), path.parent / "files")
            copy_sidecars(backup_db, path)
        except (OSError, sqlite3.Error) as exc:
            tmp.unlink(missing_ok=True)
            raise _disk_error(path.parent, exc, "未恢复，原数据库未改动") from exc
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        for stale in (path.with_name(path.name + s) for s in ("-wal", "-shm", "-journal")):
            stale.unlink(missing_ok=True)
        os.replace(tmp, path)
    finally:
        lock.release()
    after = integrity_problem(path) or (chain_check(path) if chain_check else None)
    return after or ""
