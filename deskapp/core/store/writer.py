"""One writer at a time on a database server, as SQLite has by nature.

Why: SQLite lets one transaction write at a time, and the desk relies on it: the next 索引号,
the next 申请编号, the 第N期 of the 公示栏 and the audit chain's head are read and then
written in one transaction, and nobody can slip in between. PostgreSQL lets many
transactions write at once, so two desks could read the same "last" value and both append
after it (two events linking to the same head: a forked chain; two requests with one number).

So on PostgreSQL every transaction that writes first takes one transaction-scoped advisory
lock (``pg_advisory_xact_lock``, released by the server at COMMIT or ROLLBACK, also when the
desk's connection dies): explicitly through :func:`claim` before reading what it is about to
assign, and automatically before its first INSERT/UPDATE/DELETE (the engine hook installed by
:func:`install`). Because the lock is always taken before any row lock, two writers can never
wait for each other in a circle. Readers are never blocked. A desk's workload is a few writes
a second at most, so one writer at a time costs nothing noticeable (bench_server_load.py).

Lost updates are a different matter: one writer at a time does not stop a desk from saving an
edit made on a version someone else has replaced since; the version columns do that.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from deskapp.core.errors import DeskError

# The advisory lock's key: any 64-bit number no other program on the office's server uses
# for its own advisory locks; this one spells "deskwrtr".
WRITER_LOCK_KEY = 0x6465736B77727472
_HELD = "deskapp_writer_lock_held"  # connection info: the lock is held in this transaction
_WRITES = ("INSERT", "UPDATE", "DELETE")
WAIT_SECONDS = 60  # how long a save waits for another desk's save before giving up
LOCK_NOT_AVAILABLE = "55P03"  # SQLSTATE lock_not_available: lock_timeout ran out


class WriterBusyError(DeskError):
    """Another desk's save held the database for longer than WAIT_SECONDS (or this desk
    waited for itself: a second connection writing while the first holds the lock)."""

    def __init__(self) -> None:
        super().__init__(f"数据库正忙：另一台电脑的保存超过 {WAIT_SECONDS} 秒仍未完成，本次操作未保存，请稍后重试。")


def _take(dbapi_cursor: Any) -> None:
    """Wait for the lock at most WAIT_SECONDS: never hang a desk for ever."""
    try:
        dbapi_cursor.execute(f"SET LOCAL lock_timeout = '{WAIT_SECONDS}s'")
        dbapi_cursor.execute("SELECT pg_advisory_xact_lock(%s)", (WRITER_LOCK_KEY,))
        dbapi_cursor.execute("SET LOCAL lock_timeout = 0")
    except Exception as exc:
        if getattr(exc, "sqlstate", None) == LOCK_NOT_AVAILABLE:
            raise WriterBusyError() from exc
        raise


def claim(session: Session) -> None:
    """Become the only writer now (PostgreSQL), before reading what is about to be assigned.
    Waits for the writer holding it to commit; taking it twice in one transaction is free."""
    _hold(session.connection())


def holds_lock(conn: Connection) -> bool:
    """This connection's transaction has written (or claimed): it holds the writer lock, so
    a second connection of the same desk that writes now would wait for it."""
    return bool(conn.info.get(_HELD))


def install(engine: Engine) -> None:
    """Make every writing transaction on this PostgreSQL engine take the writer lock before
    its first write statement, and forget it at commit and rollback."""
    if engine.dialect.name != "postgresql":
        return
    event.listen(engine, "before_cursor_execute", _before_write)
    event.listen(engine, "commit", _released)
    event.listen(engine, "rollback", _released)
    event.listen(engine.pool, "checkin", _checked_in)


def _before_write(conn: Connection, cursor: Any, statement: str, parameters: Any,
                  context: Any, executemany: bool) -> None:
    if statement.lstrip()[:6].upper().startswith(_WRITES):
        _hold(conn)


def _hold(conn: Connection) -> None:
    """Take the writer lock on ``conn``'s own driver connection (a cursor of its own, so a
    statement being prepared is not disturbed), once per transaction."""
    if conn.info.get(_HELD):
        return
    cursor = conn.connection.cursor()
    try:
        _take(cursor)
    finally:
        cursor.close()
    conn.info[_HELD] = True


def _released(conn: Connection) -> None:
    conn.info.pop(_HELD, None)


def _checked_in(dbapi_connection: Any, record: Any) -> None:
    # Returned to the pool: the pool rolls the transaction back without a Connection event.
    record.info.pop(_HELD, None)
