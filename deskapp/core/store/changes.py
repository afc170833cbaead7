"""The change feed: how a desk learns, cheaply, that another desk changed something.

Every committed transaction that wrote data adds one to the ``change_feed`` rows of the
kinds of data it touched (items, requests, review, board, settings, other), in the same
transaction, so the counter can never say "changed" for a write that rolled back nor miss one
that committed. A desk polls the six rows every few seconds (:class:`ChangeWatcher`) and
refreshes what the kinds name. Works the same on SQLite (several windows or processes on one
file) and on a PostgreSQL server.

No write path can forget it: the tables a transaction writes are noted from the SQL itself
(an engine ``before_cursor_execute`` listener, so ORM flushes, bulk ``insert()``/``update()``
and hand-written SQL all count), and the counter is bumped in a ``before_commit`` listener on
every Session. Only the store's engines are watched (:func:`watch`, called for each open
``Database``).
"""

from __future__ import annotations

import re
import threading
import weakref
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, SessionTransaction

from deskapp.core.store.models import utcnow

KINDS = ("items", "requests", "review", "board", "settings", "other")

# Which kind of data each table holds; a table not named here counts as "other".
TABLE_KINDS: Mapping[str, str] = {
    **dict.fromkeys(("item", "attachment", "stored_file", "file_content", "catalogue_entry"), "items"),
    **dict.fromkeys(("info_request", "request_consultation", "request_event", "appeal"), "requests"),
    **dict.fromkeys(("item_review", "item_step", "item_step_person", "review_decision", "review_flow",
                     "review_step", "review_step_person"), "review"),
    "board_issue": "board",
    **dict.fromkeys(("setting", "department", "person", "account", "calendar_year", "calendar_day"),
                    "settings"),
}
# Writes that are not news to another desk: the log itself (every write adds to it), the feed,
# the schema stamp, sign-in failures, and SQLite's search index (kept by triggers anyway).
IGNORED_TABLES = frozenset({"audit_event", "change_feed", "alembic_version", "signin_failure"})
IGNORED_PREFIXES = ("item_fts", "sqlite_")

_WRITE = re.compile(r"^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM)"
                    r"\s+[\"`\[]?(\w+)", re.IGNORECASE)
_TOUCHED = "deskapp_touched_tables"  # Connection.info key: tables written in this transaction
_CONNS = "deskapp_feed_connections"  # Session.info key: the connections this session began on
_BUMPED = "deskapp_feed_bumped"  # Session.info key: {kind: serial} set by this transaction

_watched: "weakref.WeakSet[Engine]" = weakref.WeakSet()
_has_feed: "weakref.WeakKeyDictionary[Engine, bool]" = weakref.WeakKeyDictionary()
_own: "weakref.WeakKeyDictionary[Engine, dict[str, int]]" = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def kind_of(table: str) -> str | None:
    """The kind a write to ``table`` changes; None for writes no other desk needs to know of."""
    table = table.lower()
    if table in IGNORED_TABLES or table.startswith(IGNORED_PREFIXES):
        return None
    return TABLE_KINDS.get(table, "other")


def _mentions_audit_head(parameters: Any) -> bool:
    """The ``audit_head`` setting is rewritten with every audit event: not a settings change."""
    rows = parameters if isinstance(parameters, (list, tuple)) and parameters and \
        isinstance(parameters[0], (dict, list, tuple)) else [parameters]
    for row in rows:
        values = row.values() if isinstance(row, dict) else row if isinstance(row, (list, tuple)) else ()
        if "audit_head" in values:
            return True
    return False


def written_kind(statement: str, parameters: Any) -> str | None:
    """The kind of data an SQL statement writes (None for a read or an ignored table)."""
    match = _WRITE.match(statement)
    if match is None:
        return None
    table = match.group(1)
    if table.lower() == "setting" and (" WHERE 0" in statement or _mentions_audit_head(parameters)):
        return None  # claim_write_lock's no-op UPDATE; the audit chain's head
    return kind_of(table)


# --- noting writes and bumping the counter --------------------------------------------------------

def _note_write(conn: Connection, _cursor: Any, statement: str, parameters: Any, _context: Any,
                _executemany: bool) -> None:
    kind = written_kind(statement, parameters)
    if kind is not None:
        conn.info.setdefault(_TOUCHED, set()).add(kind)


def _forget(conn: Connection, *_args: Any) -> None:
    conn.info.pop(_TOUCHED, None)


def watch(engine: Engine) -> None:
    """Note the writes made through ``engine`` so every committing Session bumps the feed."""
    with _lock:
        if engine in _watched:
            return
        _watched.add(engine)
    event.listen(engine, "before_cursor_execute", _note_write)
    for name in ("commit", "rollback"):
        event.listen(engine, name, _forget)
    event.listen(engine, "reset", _forget_pooled)  # a connection handed back without commit


def _forget_pooled(_dbapi_connection: Any, record: Any, _reset_state: Any) -> None:
    record.info.pop(_TOUCHED, None)


@event.listens_for(Session, "after_begin")
def _remember_connection(session: Session, _transaction: SessionTransaction, connection: Connection) -> None:
    if connection.engine in _watched:
        session.info.setdefault(_CONNS, []).append(connection)


@event.listens_for(Session, "before_commit")
def _bump_before_commit(session: Session) -> None:
    """Runs before the commit's own final flush: flush first, so its writes are noted too."""
    if session.new or session.dirty or session.deleted:  # the commit would flush them next
        session.flush()
    for conn in session.info.get(_CONNS, []):
        kinds = conn.info.pop(_TOUCHED, None)
        if kinds and _feed_exists(conn):
            session.info.setdefault(_BUMPED, {}).update(bump(conn, kinds))


@event.listens_for(Session, "after_commit")
def _keep_own(session: Session) -> None:
    bumped = session.info.pop(_BUMPED, None)
    conns = session.info.pop(_CONNS, None) or []
    if bumped and conns:
        with _lock:
            _own.setdefault(conns[0].engine, {}).update(bumped)


@event.listens_for(Session, "after_rollback")
def _drop_own(session: Session) -> None:
    session.info.pop(_BUMPED, None)
    for conn in session.info.pop(_CONNS, None) or []:
        conn.info.pop(_TOUCHED, None)


def _feed_exists(conn: Connection) -> bool:
    """The table is there (a database at an older schema, mid-migration in a test, has none).
    Only a yes is remembered: a database may be upgraded while its engine lives."""
    if _has_feed.get(conn.engine):
        return True
    found = inspect(conn).has_table("change_feed")
    if found:
        _has_feed[conn.engine] = True
    return found


def bump(conn: Connection, kinds: Iterable[str]) -> dict[str, int]:
    """Add one to each kind's counter, in the caller's transaction; the new values.

    One row at a time in a fixed order, so two servers' transactions touching the same kinds
    lock them in the same order and never deadlock."""
    now, serials = utcnow(), {}
    for kind in sorted(set(kinds)):
        serial = conn.execute(text("UPDATE change_feed SET serial = serial + 1, changed_at = :at "
                                   "WHERE kind = :k RETURNING serial"), {"at": now, "k": kind}).scalar()
        if serial is None:  # a kind newer than the database's rows
            conn.execute(text("INSERT INTO change_feed (kind, serial, changed_at) VALUES (:k, 1, :at)"),
                         {"k": kind, "at": now})
            serial = 1
        serials[kind] = int(serial)
    return serials


# --- polling ---------------------------------------------------------------------------------------

def read_feed(engine: Engine) -> dict[str, int]:
    """The counters now: one small read, no write (a poll never bumps anything)."""
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT kind, serial FROM change_feed")).all()
        conn.rollback()
    return {str(row[0]): int(row[1]) for row in rows}


def own_serials(engine: Engine) -> dict[str, int]:
    """The counter values this process's own commits set last (per kind)."""
    with _lock:
        return dict(_own.get(engine, {}))


@dataclass(frozen=True)
class Changes:
    """What a poll found: the kinds others changed since the poll before (empty: nothing)."""

    kinds: frozenset[str]

    def __bool__(self) -> bool:
        return bool(self.kinds)


class ChangeWatcher:
    """Remembers the counters it last saw; :meth:`poll` says which kinds others changed since.

    A kind whose counter stands where this process's own last commit left it is not news:
    the window refreshed after that commit already (and it came after any earlier write by
    others). Thread-safe enough for one poller: ``poll`` may run in a worker thread."""

    def __init__(self, engine: Engine, seen: Mapping[str, int] | None = None):
        self.engine = engine
        self.seen: dict[str, int] = dict(seen) if seen is not None else read_feed(engine)

    def poll(self) -> Changes:
        now = read_feed(self.engine)
        own = own_serials(self.engine)
        changed = {kind for kind, serial in now.items()
                   if serial != self.seen.get(kind) and own.get(kind) != serial}
        self.seen = now
        return Changes(frozenset(changed))
