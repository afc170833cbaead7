"""Clash-free serial numbers (索引号, 申请编号) from a locked counter row.

Why a counter row and not "the largest number in use + 1": on a server, two desks reading the
largest number at once would both take the next one (and one save would fail on the unique
index). The counter row is read and advanced by one writer at a time: inside the database's
writer lock (``claim_write_lock``: SQLite's write lock, PostgreSQL's advisory lock), and on
PostgreSQL also ``SELECT … FOR UPDATE``, so the row itself is locked even for a writer that
bypassed the advisory lock. A missing row is seeded from the numbers in use (migration
0011_counters seeds the existing ones), and a number already taken by a row written without
the counter (a 索引号 typed by hand, the demo data, an older desk) is skipped by re-reading
the largest one in use, so the counter never hands out a number twice.
"""

from __future__ import annotations

from typing import Callable, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session

from deskapp.core.store.db import claim_write_lock
from deskapp.core.store.models import NumberCounter


def item_counter(head: str) -> str:
    """The counter of 索引号 that begin with ``head`` ("<prefix>/<year>-")."""
    return f"item:{head}"


def request_counter(year: int) -> str:
    """The counter of the 申请编号 serials of ``year``."""
    return f"request:{year}"


def _locked_row(session: Session, name: str) -> Optional[NumberCounter]:
    stmt = select(NumberCounter).where(NumberCounter.name == name)
    if session.get_bind().dialect.name != "sqlite":
        stmt = stmt.with_for_update()
    return session.scalars(stmt.execution_options(populate_existing=True)).first()


def allocate(session: Session, name: str, largest_in_use: Callable[[], int],
             taken: Optional[Callable[[int], bool]] = None) -> int:
    """The next serial of counter ``name``, reserved for the caller's transaction (a rollback
    gives it back). ``largest_in_use`` reads the largest serial already used (seeds a new
    counter, and catches up with numbers written without it); ``taken`` says whether one
    serial is already used."""
    claim_write_lock(session)
    row = _locked_row(session, name)
    if row is None:
        row = NumberCounter(name=name, value=largest_in_use())
        session.add(row)
    serial = row.value + 1
    if taken is not None and taken(serial):
        serial = max(serial, largest_in_use() + 1)
    row.value = serial
    session.flush()
    return serial


def advance(session: Session, name: str, used: int) -> None:
    """After serials up to ``used`` were handed out in bulk (ledger import): the counter
    continues after them."""
    claim_write_lock(session)
    row = _locked_row(session, name)
    if row is None:
        session.add(NumberCounter(name=name, value=used))
    elif row.value < used:
        row.value = used
    session.flush()
