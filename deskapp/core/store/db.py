"""Opening the desk's database: locate → check → lock → back up → migrate → seed.

This module is the one seam for what only SQLite has (pragmas, FTS5 search, online backup),
so the same desk can later run on a PostgreSQL server by URL.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import shutil
import sqlite3
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from glob import escape as glob_escape
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Boolean,
    ColumnElement,
    bindparam,
    create_engine,
    event,
    func,
    literal_column,
    or_,
    text,
)
from sqlalchemy.engine import Connection, Engine, ExceptionContext, make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, NoSuchModuleError, OperationalError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.attributes import InstrumentedAttribute
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import BindParameter
from sqlalchemy.sql.selectable import TableValuedAlias

from deskapp.core.errors import ConnectionLostError, DatabaseOpenError, DiskFullError
from deskapp.core.store import writer
from deskapp.core.store.changes import watch as watch_changes
from deskapp.core.store.connection import open_failure_message, server_unusable_message
from deskapp.core.store.credentials import server_connect_args
from deskapp.core.store.filelock import DeskLock
from deskapp.core.store.location import is_url as is_url
from deskapp.core.store.location import resolve_target as resolve_target
from deskapp.core.store.location import user_data_dir as user_data_dir
from deskapp.core.store.models import Item
from deskapp.core.store.quick import SQLITE_MAGIC as SQLITE_MAGIC

log = logging.getLogger(__name__)

FTS_HASHSIZE, FTS_BULK_HASHSIZE = 1024 * 1024, 64 * 1024 * 1024  # FTS5's write buffer
FTS_MIN_CHARS = 3  # the trigram tokenizer needs three characters; shorter queries use LIKE


def _sqlite_path(target: str) -> Path | None:
    if not is_url(target):
        return Path(target).expanduser().resolve()
    url = make_url(target)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).expanduser().resolve()
    return None


def check_sqlite_file(path: Path) -> None:
    """Refuse, without touching it, a file that is not an SQLite database we can read."""
    if path.is_dir():
        raise DatabaseOpenError(f"“{path}”是一个文件夹，请指定台账数据库文件。")
    if not path.exists():
        if not path.parent.exists():
            raise DatabaseOpenError(f"文件夹“{path.parent}”不存在，请先建立该文件夹或换一个位置。")
        return
    try:
        with open(path, "rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise DatabaseOpenError(f"无法读取“{path}”（{exc.strerror}），请检查文件权限。") from exc
    if head and head != SQLITE_MAGIC:
        raise DatabaseOpenError(f"“{path.name}”不是台账数据库文件，文件未被改动；请选择 .db 台账文件。")


def _set_sqlite_pragmas(dbapi_conn: sqlite3.Connection, _record: object) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA busy_timeout=5000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    # Not journal_mode=WAL here: that rewrites the file header, and a file that turns out
    # not to be a desk database must be left as it was. _use_wal switches once it is ours.
    cur.close()


def _use_wal(db: "Database") -> None:
    """WAL (persistent in the file) once the database is known to be a desk database."""
    if db.is_sqlite and not db.read_only:
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA journal_mode=WAL")


SQLITE_FULL = 13  # sqlite3.SQLITE_FULL: "database or disk is full"
PG_DISK_FULL = "53100"  # SQLSTATE disk_full


def is_disk_full_error(dbapi_error: BaseException | None) -> bool:
    """A driver error that means the disk is full (by error code, not by message text)."""
    if isinstance(dbapi_error, sqlite3.Error):
        code = getattr(dbapi_error, "sqlite_errorcode", None)
        return code is not None and code & 0xFF == SQLITE_FULL
    return (getattr(dbapi_error, "pgcode", None) or getattr(dbapi_error, "sqlstate", None)) == PG_DISK_FULL


def _disk_full_handler(where: object) -> Callable[[ExceptionContext], None]:
    def handle(context: ExceptionContext) -> None:
        """A full disk is the user's to fix: one Chinese sentence saying where, not a crash."""
        if is_disk_full_error(context.original_exception):
            raise DiskFullError(where) from context.sqlalchemy_exception
    return handle


def _report_lost_connection(engine: Engine, where: str) -> None:
    """Once the desk has reached its server, a server that stops answering is the network's
    or the server's doing, not a bug: ConnectionLostError (one Chinese sentence; the form
    being saved stays open). Before that, opening gives its own message (_server_engine)."""
    reached: list[bool] = []

    def connected(*_args: object) -> None:
        reached[:] = [True]

    def handle(context: ExceptionContext) -> None:
        refused = getattr(context.dialect.loaded_dbapi, "OperationalError", ()) if context.dialect else ()
        lost = context.is_disconnect or (context.connection is None and refused != () and
                                         isinstance(context.original_exception, refused))
        if reached and lost:
            raise ConnectionLostError(where) from context.sqlalchemy_exception

    event.listen(engine, "connect", connected)
    event.listen(engine, "handle_error", handle)


def make_engine(target: str, read_only: bool = False) -> Engine:
    """An engine that never puts bound parameters (whole item rows, and so personal data)
    into an exception's text, which the crash log would keep; a full disk raises
    DiskFullError naming the data folder (or the server)."""
    path = _sqlite_path(target)
    if path is None:
        # The server's password is kept apart from the address (core.store.credentials).
        engine = create_engine(target, pool_pre_ping=True, hide_parameters=True,
                               connect_args=server_connect_args(target))
        event.listen(engine, "handle_error", _disk_full_handler(_shown_url(target)))
        _report_lost_connection(engine, _shown_url(target))
        writer.install(engine)  # one writer at a time, as on SQLite (see core.store.writer)
        return engine
    if read_only:
        uri = f"file:{path.as_posix()}?mode=ro"
        engine = create_engine(
            "sqlite://", creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False),
            hide_parameters=True,
        )
    else:
        engine = create_engine(f"sqlite:///{path}", connect_args={"check_same_thread": False},
                               hide_parameters=True)
    event.listen(engine, "connect", _set_sqlite_pragmas)
    event.listen(engine, "handle_error", _disk_full_handler(path.parent))
    return engine


@dataclass
class Database:
    """An open desk database: its engine, where its files live, and how to start a session."""

    url: str
    engine: Engine
    path: Path | None
    data_dir: Path
    read_only: bool = False
    lock: DeskLock | None = None
    session_factory: sessionmaker[Session] = field(init=False)

    def __post_init__(self) -> None:
        self.session_factory = sessionmaker(self.engine, expire_on_commit=False)
        watch_changes(self.engine)  # every commit that writes bumps the change feed

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: commit when the block ends, roll back on any exception."""
        with self.session_factory.begin() as s:
            yield s

    @property
    def files_dir(self) -> Path:
        return self.data_dir / "files"

    @property
    def backups_dir(self) -> Path:
        """``backups/<database name>/``: several desks kept in one folder each list and prune
        only their own backups."""
        return self.data_dir / "backups" / (self.path.stem if self.path is not None else "desk")

    def backup(self, reason: str) -> Path:
        """A dated copy in ``backups/`` (e.g. before a schema upgrade)."""
        return timestamped_backup(self, reason)

    def close(self) -> None:
        self.engine.dispose()
        if self.lock is not None:
            self.lock.release()
            self.lock = None


def open_store(
    target: str | os.PathLike[str] | None = None,
    *,
    read_only: bool = False,
    take_lock: bool = False,
    seed: Callable[[Session], None] | None = None,
) -> Database:
    """Open (creating if new) a desk database, migrating it to this version after a backup,
    then ``seed`` it in one transaction (unless read-only). Callers use
    :func:`deskapp.core.desk.open_database`, which seeds the reference data.

    Raises DatabaseOpenError (file untouched) or DatabaseLockedError (``take_lock`` and the
    desk is already open on it elsewhere).
    """
    from deskapp.core.store import migrate  # late: migrate imports alembic, which is slow to load

    resolved = resolve_target(target)
    path = _sqlite_path(resolved)
    if path is not None:
        check_sqlite_file(path)
        if read_only and not path.exists():
            raise DatabaseOpenError(f"数据库“{path}”不存在，无法以只读方式打开。")
    lock = DeskLock(path.with_name(path.name + ".lock")) if (path and take_lock) else None
    if lock is not None:
        lock.acquire()
    engine = None if path is not None else _server_engine(resolved, read_only)
    try:
        if path is not None and not read_only:
            if path.exists():
                clean_creation_leftovers(path)  # a killed creator's or restorer's temp file
            else:
                _create_atomically(path, seed)
        engine = engine or make_engine(resolved, read_only=read_only)
        data_dir = path.parent if path else user_data_dir()
        db = Database(resolved, engine, path, data_dir, read_only, lock)
        migrate.bring_up_to_date(db)
        _use_wal(db)
        if seed is not None and not read_only:
            with db.session() as s:
                seed(s)
        if not read_only:
            refresh_statistics(db)
    except (DatabaseError, OperationalError) as exc:
        _give_up(engine, lock)
        if path is None:  # a server database the desk may not set up (no rights, not initialised)
            raise DatabaseOpenError(server_unusable_message(resolved)) from exc
        raise DatabaseOpenError(
            f"无法打开数据库“{path}”：文件已损坏或不是台账数据库，文件未被改动。"
        ) from exc
    except BaseException:
        _give_up(engine, lock)
        raise
    return db


CREATING = ".creating-"  # a new database is built in "<name>.creating-<pid>" beside its target
STALE_CREATION_SECONDS = 3600.0


def _creation_leftovers(path: Path) -> list[Path]:
    return [p for p in path.parent.glob(f"{glob_escape(path.name)}{CREATING}*")]


def _creator_gone(tmp: Path) -> bool:
    pid_text = re.match(r"\d*", tmp.name.rsplit(CREATING, 1)[-1])[0]  # type: ignore[index]  # \d* always matches
    return writer_gone(pid_text, tmp)


def writer_gone(pid_text: str, tmp: Path) -> bool:
    """True when the process (``pid_text``) that was writing the temp file ``tmp`` is no
    longer there. POSIX asks the process table; elsewhere (os.kill would end the process on
    Windows) only an hour-old file counts as abandoned."""
    if os.name == "posix" and pid_text.isdigit():
        try:
            os.kill(int(pid_text), 0)
        except ProcessLookupError:
            return True
        except OSError:
            return False
        return False
    try:
        return time.time() - tmp.stat().st_mtime > STALE_CREATION_SECONDS
    except OSError:
        return False


def clean_creation_leftovers(path: Path) -> list[Path]:
    """Remove half-built databases (and their journals) left by a creator that was killed.
    They never take the target's name, so they are only clutter; returns what was removed."""
    removed = []
    for tmp in _creation_leftovers(path):
        if _creator_gone(tmp):
            for part in (tmp, *(tmp.with_name(tmp.name + s) for s in ("-journal", "-wal", "-shm"))):
                try:
                    part.unlink()
                    removed.append(part)
                except FileNotFoundError:
                    pass
                except OSError as exc:
                    log.warning("could not remove leftover %s: %s", part.name, exc.strerror)
    return removed


def _create_atomically(path: Path, seed: Callable[[Session], None] | None) -> None:
    """Build a new database completely (schema migrated, reference data seeded) in a temp
    file beside ``path``, then give it the name. A process killed half-way leaves only the
    temp file, never a half-made database under the real name that is refused for ever."""
    from deskapp.core.store import migrate

    clean_creation_leftovers(path)
    tmp = path.with_name(f"{path.name}{CREATING}{os.getpid()}")
    for part in (tmp, tmp.with_name(tmp.name + "-journal")):
        part.unlink(missing_ok=True)
    engine = make_engine(str(tmp))
    try:
        db = Database(str(tmp), engine, tmp, path.parent)
        migrate.bring_up_to_date(db)
        if seed is not None:
            with db.session() as s:
                seed(s)
    except BaseException:
        engine.dispose()
        tmp.unlink(missing_ok=True)
        raise
    engine.dispose()
    fsync_file(tmp)
    _rename_sidecars(tmp, path)
    try:
        os.link(tmp, path)  # fails if another process created the database meanwhile: keep theirs
    except FileExistsError:
        pass
    except OSError:  # no hard links on this file system
        if not path.exists():
            os.replace(tmp, path)
    tmp.unlink(missing_ok=True)


def _rename_sidecars(tmp: Path, path: Path) -> None:
    """Files written beside the temp database under its name (the audit anchor
    ``<name>.audit-head``) take the real name with it, just before it does."""
    for side in tmp.parent.glob(f"{glob_escape(tmp.name)}.*"):
        os.replace(side, path.with_name(path.name + side.name[len(tmp.name):]))


def fsync_file(path: Path) -> None:
    """The file's bytes on disk before its new name is (a crash never names a hollow file)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _shown_url(target: str) -> str:
    """The address for a message, without its password."""
    try:
        return make_url(target).render_as_string(hide_password=True)
    except ArgumentError:
        return target


def _server_engine(target: str, read_only: bool) -> Engine:
    """An engine for a database URL, connected once: a URL the desk cannot use (unknown
    scheme, driver not installed, server not answering) is the user's to fix, not a crash."""
    shown = _shown_url(target)
    try:
        engine = make_engine(target, read_only=read_only)
    except (ArgumentError, NoSuchModuleError, ImportError) as exc:
        raise DatabaseOpenError(f"无法使用数据库地址“{shown}”（格式不对或本机未安装该数据库的驱动），"
                                "请检查 --db 或 DESKAPP_DB。") from exc
    try:
        with engine.connect():
            pass
    except (DatabaseError, OperationalError) as exc:
        engine.dispose()
        raise DatabaseOpenError(open_failure_message(target, exc.orig)) from exc
    return engine


def _give_up(engine: Engine | None, lock: DeskLock | None) -> None:
    """Opening failed: close every connection (Windows keeps an open file locked) and the lock."""
    if engine is not None:
        engine.dispose()
    if lock is not None:
        lock.release()


def refresh_statistics(db: Database) -> None:
    """Planner statistics, so a filter on a common value (状态=已发布: 9 items in 10) walks
    the date index for the first page instead of sorting 90 000 rows. ANALYZE once when the
    item table has none (fast: ~0.1 s for 100 000 items); then ``PRAGMA optimize`` keeps
    them current (it re-analyzes a table whose size changed a lot). A server keeps its own
    statistics (autovacuum); there the one check is whether its search indexes serve Chinese."""
    if not db.is_sqlite:
        if db.engine.dialect.name == "postgresql" and not trigrams_serve_cjk(db):
            log.warning("this PostgreSQL database's LC_CTYPE does not count Chinese characters as letters: "
                        "pg_trgm makes no trigrams of them, so Chinese searches scan every item (correct, "
                        "slower); create the database with LC_CTYPE 'C.UTF-8' or 'zh_CN.UTF-8'")
        return
    with db.engine.connect() as conn:
        analyzed = conn.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first() and \
            conn.exec_driver_sql("SELECT 1 FROM sqlite_stat1 WHERE tbl = 'item'").first()
        conn.exec_driver_sql("PRAGMA optimize" if analyzed else "ANALYZE")
        conn.commit()


def trigrams_serve_cjk(db: Database) -> bool:
    """pg_trgm takes trigrams only of characters the database's LC_CTYPE calls letters:
    C.UTF-8 and zh_CN.UTF-8 do for Chinese, plain "C" does not (show_trgm('政务公开') is then
    empty and the GIN index finds nothing to look up). See bench/README.md."""
    try:
        with db.engine.connect() as conn:
            return bool(conn.exec_driver_sql("SELECT show_trgm('政务公开') <> '{}'").scalar())
    except DatabaseError:  # pg_trgm not installed (a schema before 0010): nothing to say
        return True


def backup_to(db: Database, dest: Path) -> Path:
    """A consistent copy of a live database (SQLite online backup API, never a raw copy)."""
    if not db.is_sqlite or db.path is None:
        raise DatabaseOpenError("此数据库不是本机文件，请用服务器的备份工具备份。")
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".part")
    src = sqlite3.connect(str(db.path))
    try:
        out = sqlite3.connect(str(tmp))
        with out:
            src.backup(out)
        out.execute("PRAGMA journal_mode=DELETE")  # a copy is one file: no -wal beside it when read
        out.close()
    finally:
        src.close()
    os.replace(tmp, dest)
    return dest


# Files named after a database that go wherever it goes (backups, restores): features above
# the store add theirs (the audit chain's anchor, ``<name>.audit-head``; see core.desk).
SIDECARS: set[str] = set()


def register_sidecar(suffix: str) -> None:
    SIDECARS.add(suffix)


def copy_sidecars(src_db: Path, dest_db: Path) -> None:
    """Each sidecar of ``src_db`` copied beside ``dest_db`` under its name, atomically."""
    for suffix in sorted(SIDECARS):
        src = src_db.with_name(src_db.name + suffix)
        if src.is_file():
            dest = dest_db.with_name(dest_db.name + suffix)
            tmp = dest.with_name(f"{dest.name}.{os.getpid()}.part")
            shutil.copyfile(src, tmp)
            fsync_file(tmp)
            os.replace(tmp, dest)


def timestamped_backup(db: Database, reason: str) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    stem = db.path.stem if db.path else "desk"
    dest = db.backups_dir / f"{stem}-{stamp}-{reason}.db"
    if db.path is not None:
        dest.parent.mkdir(parents=True, exist_ok=True)
        copy_sidecars(db.path, dest)  # first: an anchor may lag its database, never lead it
    return backup_to(db, dest)


def claim_write_lock(session: Session) -> None:
    """Become the database's writer now, before reading what is about to be assigned (the
    next 索引号): another process saving at the same moment then waits for this transaction
    instead of taking the same number. SQLite takes its write lock at the first write, so
    an UPDATE that changes nothing is enough (pysqlite begins the transaction just before
    it, so the snapshot read afterwards is current). Other servers: the unique index and
    the caller's conflict message are the guard. PostgreSQL: the writer's advisory lock
    (:mod:`deskapp.core.store.writer`), held until the transaction ends."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("UPDATE setting SET key = key WHERE 0"))
    elif session.get_bind().dialect.name == "postgresql":
        writer.claim(session)


# --- SQL that differs between SQLite and PostgreSQL ----------------------------------------

class InIntegers(ColumnElement[bool]):
    """``column IN (ids)`` for a list of any length as ONE bound parameter: a plain IN list
    stops at SQLite's 32 766 parameters (PostgreSQL's 65 535), and a finding may list more
    items. SQLite reads a JSON text with json_each; PostgreSQL takes an array (= ANY)."""

    inherit_cache = False  # the ids are part of the element, not a cacheable parameter
    type = Boolean()

    def __init__(self, column: ColumnElement[int] | InstrumentedAttribute[int], ids: Sequence[int]) -> None:
        self.column: ColumnElement[int] = column.expression if isinstance(column, InstrumentedAttribute) else column
        self.ids: list[int] = [int(i) for i in ids]


@compiles(InIntegers, "sqlite")
def _in_integers_sqlite(element: InIntegers, compiler: SQLCompiler, **kw: Any) -> str:
    ids: BindParameter[str] = bindparam(None, json.dumps(element.ids), unique=True)
    return f"{compiler.process(element.column, **kw)} IN (SELECT value FROM json_each({compiler.process(ids, **kw)}))"


@compiles(InIntegers)
def _in_integers_server(element: InIntegers, compiler: SQLCompiler, **kw: Any) -> str:
    ids: BindParameter[Any] = bindparam(None, element.ids, type_=ARRAY(BigInteger), unique=True)
    return f"{compiler.process(element.column, **kw)} = ANY(CAST({compiler.process(ids, **kw)} AS BIGINT[]))"


def json_array_values(session: Session, column: ColumnElement[Any] | InstrumentedAttribute[Any]) -> TableValuedAlias:
    """The elements of a JSON list column as rows of text (column ``value``), to join and
    group in SQL: SQLite's json_each, PostgreSQL's json_array_elements_text."""
    if session.get_bind().dialect.name == "sqlite":
        return func.json_each(column).table_valued("value")
    return func.json_array_elements_text(column).table_valued("value")


# --- search: the only place that knows FTS5 (SQLite) and pg_trgm (PostgreSQL) ----------------

def _fts_literal(query: str) -> str:
    """An FTS5 string literal: the query as one phrase, quotes doubled."""
    return '"' + query.replace('"', '""') + '"'


def _like_literal(query: str) -> str:
    escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


SEARCH_COLUMNS = ("title", "doc_no", "index_no", "content")  # 标题/文号/索引号/内容


def server_walks_head(db: Database, query: str) -> bool:
    """A server search for which a table's first page is looked for among the first rows in
    the table's order before asking the trigram index (see Register.item_ids): pg_trgm finds
    a common word's hits at once, but then sorts all of them (200 ms for 90 000 hits)."""
    return not db.is_sqlite and len(query.strip()) >= FTS_MIN_CHARS


def contains_text(columns: Sequence[ColumnElement[Any]], query: str) -> ColumnElement[bool]:
    """Any of ``columns`` contains ``query`` (a case-blind substring; no index involved)."""
    pattern = _like_literal(query.strip())
    return or_(*(c.ilike(pattern, escape="\\") for c in columns))


def item_search_clause(db: Database, query: str) -> ColumnElement[bool]:
    """A WHERE clause finding items whose 标题/文号/索引号/内容 contain ``query``."""
    query = query.strip()
    if db.is_sqlite and len(query) >= FTS_MIN_CHARS:
        fts = text("SELECT rowid FROM item_fts WHERE item_fts MATCH :q").bindparams(
            q=_fts_literal(query)
        )
        # "+item.id": keep SQLite from driving the query by the FTS hits (one lookup and a
        # sort per hit: 60 ms for a common word in 100 000 items); it walks the ORDER BY
        # index instead and checks the hits, so the table's first page comes in ~5 ms.
        return literal_column("+item.id").in_(fts)
    pattern = _like_literal(query)
    columns = [getattr(Item, name) for name in SEARCH_COLUMNS]
    if db.is_sqlite:
        return or_(*(c.like(pattern, escape="\\") for c in columns))
    if len(query) >= FTS_MIN_CHARS:
        # PostgreSQL: each column's pg_trgm GIN index (migration 0010) answers ILIKE '%…%'.
        return or_(*(c.ilike(pattern, escape="\\") for c in columns))
    # 1–2 characters have no trigram: the index would be read whole for nothing. "|| ''"
    # keeps the planner off it; the date index's walk checks rows until a page is full.
    return or_(*(c.concat("").ilike(pattern, escape="\\") for c in columns))


def _fts_trigger(conn: Connection, name: str) -> str | None:
    """The stored SQL of one of the search index's triggers; None when not SQLite/no index."""
    if conn.dialect.name != "sqlite":
        return None
    return conn.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (name,)).scalar()


def _fts_bulk(conn: Connection, statement: str, *params: object) -> None:
    # A bigger in-memory buffer (default 1 MB) saves FTS5 most of its segment merging:
    # 100 000 items index in ~3 s instead of ~20 s. Set back to the default afterwards.
    conn.exec_driver_sql(f"INSERT INTO item_fts(item_fts, rank) VALUES('hashsize', {FTS_BULK_HASHSIZE})")
    conn.exec_driver_sql(statement, tuple(params))
    conn.exec_driver_sql(f"INSERT INTO item_fts(item_fts, rank) VALUES('hashsize', {FTS_HASHSIZE})")


@contextmanager
def deferred_item_search_index(session: Session) -> Iterator[None]:
    """Items INSERTed inside the block are added to the search index in one pass at its end.

    FTS5 indexes one INSERT … SELECT many times faster than row by row through the insert
    trigger. The trigger is dropped for the block and created again from its own stored
    SQL, inside the caller's transaction, so a rollback restores it. Only for inserts that
    give the new items ids above every existing one.
    """
    conn = session.connection()
    ddl = _fts_trigger(conn, "item_fts_ai")
    if ddl is None:  # not SQLite, or no search index: nothing to defer
        yield
        return
    first = (conn.exec_driver_sql("SELECT max(id) FROM item").scalar() or 0) + 1
    conn.exec_driver_sql("DROP TRIGGER item_fts_ai")
    try:
        yield
        _fts_bulk(conn, "INSERT INTO item_fts(rowid, title, doc_no, index_no, content)"
                        " SELECT id, title, doc_no, index_no, content FROM item WHERE id >= ?", first)
    finally:
        conn.exec_driver_sql(ddl)


@contextmanager
def rebuilt_item_search_index(session: Session) -> Iterator[None]:
    """Many items DELETEd inside the block: the search index is rebuilt once from the items
    left (seconds) instead of being told of each deletion through the trigger (minutes)."""
    conn = session.connection()
    ddl = _fts_trigger(conn, "item_fts_ad")
    if ddl is None:
        yield
        return
    conn.exec_driver_sql("DROP TRIGGER item_fts_ad")
    try:
        yield
        _fts_bulk(conn, "INSERT INTO item_fts(item_fts) VALUES('rebuild')")
    finally:
        conn.exec_driver_sql(ddl)


def integrity_ok(path: Path) -> bool:
    con = sqlite3.connect(str(path))
    try:
        return bool(con.execute("PRAGMA integrity_check").fetchone()[0] == "ok")
    finally:
        con.close()
