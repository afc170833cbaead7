"""Opening a desk: the store opened (locked, backed up, migrated) and the reference data every
desk database needs (the default catalogue and the holiday tables) seeded. It sits above the
feature packages because seeding uses them; :mod:`deskapp.core.store` needs none of them.
"""

from __future__ import annotations

import json
import os
from importlib import resources
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from deskapp.core.audit import chain as audit
from deskapp.core.calendar.workdays import prefill_from_package
from deskapp.core.store.db import Database, open_store
from deskapp.core.store.models import CatalogueEntry


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
) -> Database:
    """Open (creating if new) a desk database: see :func:`~deskapp.core.store.db.open_store`.
    ``seed=False`` leaves an empty new database empty (tests of the bare schema)."""
    return open_store(target, read_only=read_only, take_lock=take_lock,
                      seed=ensure_reference_data if seed else None)
