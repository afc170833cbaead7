"""Opening a desk: the store opened (locked, backed up, migrated) and the reference data every
desk database needs (the default catalogue and the holiday tables) seeded. It sits above the
feature packages because seeding uses them; :mod:`deskapp.core.store` needs none of them.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from importlib import resources
from pathlib import Path
from typing import Any, Generator

from sqlalchemy import func, select
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session

from deskapp.core.audit import chain as audit
from deskapp.core.calendar.workdays import prefill_from_package
from deskapp.core.errors import DeskError
from deskapp.core.store import backups
from deskapp.core.store.backups import BackupInfo
from deskapp.core.store.copy import CopyReport, Progress, ProgressCallback, copy_database, copy_steps
from deskapp.core.store.db import Database, is_url, make_engine, open_store, register_sidecar, resolve_target
from deskapp.core.store.models import CatalogueEntry

log = logging.getLogger(__name__)


def default_catalogue() -> list[dict[str, Any]]:
    data = resources.files("deskapp.resources").joinpath("catalogue.json").read_text("utf-8")
    entries: list[dict[str, Any]] = json.loads(data)["entries"]
    return entries


def load_default_catalogue(session: Session) -> int:
    count = 0
    for order, group in enumerate(default_catalogue()):
        parent = CatalogueEntry(code=group["code"], name=group["name"], sort_order=order)
        session.add(parent)
        for child_order, child in enumerate(group.get("children", [])):
            session.add(CatalogueEntry(parent=parent, sort_order=child_order, **child))
            count += 1
        count += 1
    session.flush()
    return count


def ensure_reference_data(session: Session) -> None:
    # Seeding changes the catalogue and the calendar, so it is in the audit log too (by 系统);
    # entities "catalogue"/"calendar" keep it apart from users' catalogue_entry/calendar_year edits.
    if not session.scalar(select(func.count()).select_from(CatalogueEntry)):
        count = load_default_catalogue(session)
        audit.record(session, audit.SYSTEM, "load_default", "catalogue", None, None, {"entries": count})
    added = prefill_from_package(session)
    if added:
        audit.record(session, audit.SYSTEM, "prefill_package", "calendar", None, None, {"years": added})


def open_database(
    target: str | os.PathLike[str] | None = None,
    *,
    read_only: bool = False,
    take_lock: bool = False,
    seed: bool = True,
    backup_daily: bool = False,
) -> Database:
    """Open (creating if new) a desk database: see :func:`~deskapp.core.store.db.open_store`.
    ``seed=False`` leaves an empty new database empty (tests of the bare schema);
    ``backup_daily`` (the window and the CLI's writers) makes the day's first backup."""
    existed = _existing_file(target)
    db = open_store(target, read_only=read_only, take_lock=take_lock,
                    seed=ensure_reference_data if seed else None)
    if backup_daily and existed and not read_only:  # a database made just now holds nothing yet
        try:
            daily_backup(db)
        except DeskError as exc:  # work goes on; the next open tries again
            log.warning("daily backup failed: %s", exc.message)
    return db


def _existing_file(target: str | os.PathLike[str] | None) -> bool:
    resolved = resolve_target(target)
    return not is_url(resolved) and Path(resolved).expanduser().is_file()


# --- backups: the store makes them; the audit chain (a feature above the store) checks them

register_sidecar(audit.ANCHOR_SUFFIX)  # the audit anchor goes wherever its database goes

def chain_check(db_file: Path) -> str | None:
    """The audit chain of a database file (a backup's copy), read-only: None when whole."""
    engine = make_engine(str(db_file), read_only=True)
    try:
        with Session(engine) as s:
            broken = audit.verify_chain(s)
    except DatabaseError as exc:
        return f"操作记录无法读取（{type(exc).__name__}）"
    finally:
        engine.dispose()
    return f"编号 {broken.event_id} 的记录：{broken.reason}" if broken else None


def copied_chain_check(session: Session) -> str | None:
    """The audit chain of a desk just filled by ``db copy``: a SQLite copy first gets its
    outside anchor from the head it was copied with (a server keeps none). None when whole."""
    path = audit.database_file(session)
    if path is not None:
        audit.anchor_database_file(path)
    broken = audit.verify_chain(session)
    return f"编号 {broken.event_id} 的记录：{broken.reason}" if broken else None


def copy_desk_steps(source: Database, target: str, force: bool = False) -> Generator[Progress, None, CopyReport]:
    """The whole desk copied to ``target`` (see :mod:`deskapp.core.store.copy`), the audit
    chain checked there; a generator of progress for the window's worker."""
    return (yield from copy_steps(source, target, force=force, verify=copied_chain_check))


def copy_desk(source: str | Database, target: str, force: bool = False,
              progress: ProgressCallback | None = None) -> CopyReport:
    """``deskapp db copy``: :func:`copy_desk_steps` run to the end."""
    return copy_database(source, target, force=force, verify=copied_chain_check, progress=progress)


def backup_desk(db: Database, reason: str, to: Path | None = None, prune: bool = True) -> BackupInfo | None:
    """A checked backup set of the desk (database and attachments), then the old ones pruned
    to 30 daily and 12 monthly (only in the desk's own ``backups/``). None for a database on
    a server, which its own tools back up. Call it before an import, a year close or a
    restore: one function, so every such step is covered the same way."""
    if not db.is_sqlite or db.path is None:
        return None
    made = backups.make_backup(db, reason, to=to, chain_check=chain_check)
    if to is None and prune:
        backups.prune(db.backups_dir)
    return made


def daily_backup(db: Database, today: dt.date | None = None) -> BackupInfo | None:
    """The first open of the day by a writer (window or CLI) backs the desk up."""
    if db.read_only or not db.is_sqlite or db.path is None or backups.made_today(db.backups_dir, today):
        return None
    return backup_desk(db, "daily")


def restore_desk(target: str | os.PathLike[str] | None, backup_db: Path) -> str:
    """Restore a backup over the desk at ``target`` (backing up the current database first);
    returns the restored database's check, "" when it passed. Refuses while the desk is
    open elsewhere."""
    resolved = resolve_target(target)
    if is_url(resolved):
        raise DeskError("此数据库不在本机文件中，请用数据库服务器自己的备份工具恢复。")
    path = Path(resolved).expanduser().resolve()

    def back_up_current() -> None:
        current = open_store(path)  # the restore holds the lock: open without taking it
        try:
            backup_desk(current, "before-restore", prune=False)  # never prune the backup being restored
        finally:
            current.close()

    return backups.restore_backup(path, backup_db, chain_check=chain_check, before=back_up_current)
