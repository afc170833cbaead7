"""The second saver of a record is told who saved first, when, and what is stored now.

Every edit of a versioned row (items, requests, appeals, work-log entries) is made on the
version the user opened. :func:`check_version` becomes the database's only writer first
(``claim_write_lock``: SQLite's write lock, PostgreSQL's advisory lock), then reads the row
again and compares: after the lock nobody can save in between, so the comparison is final
and the save that follows never meets a StaleDataError. A mismatch raises
:class:`~deskapp.core.errors.ConcurrentEditError` carrying the newest audit event on the row
(who, when) and the stored fields, so the window can show both versions side by side.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from deskapp.core.errors import ConcurrentEditError
from deskapp.core.store.db import claim_write_lock
from deskapp.core.store.models import AuditEvent


def last_change(session: Session, entity: str, entity_id: object) -> tuple[str, Optional[dt.datetime]]:
    """Who made the newest audited change to the row, and when (local time); ("", None) when
    the log has none."""
    row = session.execute(
        select(AuditEvent.actor_name, AuditEvent.at)
        .where(AuditEvent.entity == entity, AuditEvent.entity_id == str(entity_id))
        .order_by(AuditEvent.id.desc()).limit(1)
    ).first()
    if row is None:
        return "", None
    return row[0] or "（未记名）", row[1].replace(tzinfo=dt.timezone.utc).astimezone().replace(tzinfo=None)


def stored_fields(obj: object, fields: Iterable[str]) -> dict[str, Any]:
    """The row's fields as plain values (lists copied), as the form's data class holds them."""
    out: dict[str, Any] = {}
    for name in fields:
        value = getattr(obj, name)
        out[name] = list(value) if isinstance(value, list) else value
    return out


def conflict(session: Session, entity: str, obj: Any, fields: Iterable[str]) -> ConcurrentEditError:
    """The error for a save made on an older version of ``obj`` (``obj`` as stored now)."""
    who, when = last_change(session, entity, obj.id)
    return ConcurrentEditError(who, when, int(obj.version), stored_fields(obj, fields))


def check_version(session: Session, obj: Any, expected_version: Optional[int], entity: str,
                  fields: Iterable[str]) -> None:
    """Refuse an edit made on ``expected_version`` when the stored row has moved on.

    None skips the check (a caller acting on the row as it is now, e.g. the command line);
    the writer lock is still taken, so what the caller reads next is current."""
    claim_write_lock(session)
    if not session.is_modified(obj):  # read before the lock: another desk may have saved since
        session.refresh(obj)
    if expected_version is not None and obj.version != expected_version:
        raise conflict(session, entity, obj, fields)
