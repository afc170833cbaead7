"""Copying a whole desk from one database to another: an office moving its ``desk.db`` onto a
PostgreSQL server, and back (a full backup of the server as one SQLite file).

Every table and every attachment, in one transaction on the target: the target is migrated
to this program's schema first, cleared (only with ``force`` when it already holds desk
data), filled table by table in foreign-key order, its row counts compared with the
source's, and only then committed, so a copy that fails half-way leaves the target as it
was. The source is read in one snapshot. Afterwards the caller's ``verify`` (the audit
chain's check) runs on the target; on a SQLite target the audit anchor file is written
first from the copied head.

Attachments: on SQLite the contents are files under ``files/`` beside the database
(``files/ab/<sha256>``, as ``core.attachments`` lays them out); on a server they are rows of
the table that holds contents by sha256 (found by its shape: a ``sha256`` column and a binary
one), so every desk reaching the server reaches them.
"""

from __future__ import annotations

import os
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Generator, Iterator, Optional

from sqlalchemy import JSON, Connection, LargeBinary, MetaData, Table, bindparam, func, inspect, select, text
from sqlalchemy.orm import Session

from deskapp.core.errors import DatabaseOpenError, DeskError
from deskapp.core.store.db import (
    Database,
    _shown_url,
    _sqlite_path,
    deferred_item_search_index,
    open_store,
    rebuilt_item_search_index,
    resolve_target,
)
from deskapp.core.store.migrate import current_revisions, script_heads
from deskapp.core.store.models import Base

Progress = tuple[int, int, str]
ProgressCallback = Callable[[int, int, str], None]
Verifier = Callable[[Session], Optional[str]]  # the audit chain's first break, None when whole

BATCH = 2000
# Never copied: the schema stamp (the target is migrated itself), SQLite's own tables and the
# search index (rebuilt from the items by its triggers), PostgreSQL has neither.
SKIPPED_TABLES = frozenset({"alembic_version"})
SKIPPED_PREFIXES = ("sqlite_", "item_fts")
# Rows that mean a database already holds an office's work (seeded reference data does not:
# the catalogue, the holidays, settings and the seeding's own audit events are replaced).
DESK_DATA_TABLES = ("item", "info_request", "attachment", "worklog_entry", "board_issue", "person",
                    "account", "annual_report", "reported_quarter")


# What the progress line calls each table (a test keeps every table named).
TABLE_LABELS = {"item": "信息", "info_request": "依申请公开", "audit_event": "操作记录", "attachment": "附件登记",
                "person": "人员", "department": "科室", "catalogue_entry": "公开目录", "calendar_day": "节假日",
                "review_decision": "审核意见", "item_step": "审核步骤", "worklog_entry": "工作记录",
                "request_event": "申请办理记录", "setting": "设置", "board_issue": "公示栏期次",
                "stored_file": "附件文件", "file_content": "附件内容", "calendar_year": "节假日年度",
                "review_flow": "审核流程", "review_step": "流程步骤", "review_step_person": "流程步骤审核人",
                "item_step_person": "审核步骤审核人", "item_review": "送审记录", "signin_failure": "登录失败记录",
                "worklog_attachment": "工作记录附件", "reported_quarter": "已报送季度",
                "request_consultation": "征求意见记录", "appeal": "复议诉讼", "annual_report": "年度报告",
                "account": "账户", "change_feed": "变更计数", "number_counter": "编号计数"}


class CopyError(DeskError):
    """The copy could not be made; the target is as it was."""


@dataclass(frozen=True)
class TableCount:
    name: str
    source: int
    target: int

    @property
    def equal(self) -> bool:
        return self.source == self.target


@dataclass
class CopyReport:
    """What was copied: rows per table (source and target counted), attachment contents,
    missing source files, the audit check's finding on the target, and how long it took."""

    source: str
    target: str
    tables: list[TableCount] = field(default_factory=list)
    files: int = 0
    missing_files: list[str] = field(default_factory=list)
    audit_problem: Optional[str] = None
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return sum(t.target for t in self.tables)

    @property
    def ok(self) -> bool:
        return all(t.equal for t in self.tables) and not self.missing_files and self.audit_problem is None

    def summary(self) -> str:
        """One Chinese paragraph for the window and the command line."""
        lines = [f"已从“{self.source}”复制到“{self.target}”：{len(self.tables)} 张表共 {self.rows} 行，"
                 f"附件 {self.files} 个，用时 {self.seconds:.1f} 秒。",
                 "各表行数与源数据库一致。" if all(t.equal for t in self.tables) else
                 "行数不一致：" + "，".join(f"{t.name} {t.source}→{t.target}" for t in self.tables if not t.equal)]
        if self.missing_files:
            lines.append(f"源数据文件夹中缺少 {len(self.missing_files)} 个附件文件（未能复制），"
                         f"如 {self.missing_files[0][:12]}…；请从备份中找回后重新复制。")
        lines.append("目标数据库的操作记录校验通过。" if self.audit_problem is None
                     else f"目标数据库的操作记录校验未通过：{self.audit_problem}")
        return "\n".join(lines)


# --- what is where -----------------------------------------------------------------------------

def shown(db: Database) -> str:
    """A database as the user knows it: the file, or the server address without password."""
    return str(db.path) if db.path is not None else _shown_url(db.url)


def _copied_tables(src: Connection, dst: Connection) -> list[Table]:
    """The tables both databases have, in foreign-key order, typed as the models say (a
    table the models do not describe is taken as the target reflects it)."""
    names = set(inspect(src).get_table_names()) & set(inspect(dst).get_table_names())
    names = {n for n in names if n not in SKIPPED_TABLES and not n.startswith(SKIPPED_PREFIXES)}
    names -= {b for b in (_blob_table(src), _blob_table(dst)) if b is not None}
    reflected = MetaData()
    extra = sorted(names - set(Base.metadata.tables))
    if extra:
        reflected.reflect(dst, only=extra)
    ordered = [t for t in Base.metadata.sorted_tables if t.name in names]
    return ordered + [reflected.tables[n] for n in extra]


def _blob_table(conn: Connection) -> Optional[str]:
    """The table that keeps attachment contents in the database (servers): the one with a
    ``sha256`` column and a binary column. None on a desk that keeps them as files."""
    if conn.dialect.name == "sqlite":
        return None
    insp = inspect(conn)
    for name in insp.get_table_names():
        columns = insp.get_columns(name)
        if any(c["name"] == "sha256" for c in columns) and any(isinstance(c["type"], LargeBinary)
                                                              for c in columns):
            return name
    return None


def _blob_columns(conn: Connection, table: str) -> tuple[str, list[str]]:
    """(the binary column, the other columns) of the contents table."""
    columns = inspect(conn).get_columns(table)
    binary = next(c["name"] for c in columns if isinstance(c["type"], LargeBinary))
    return binary, [c["name"] for c in columns if c["name"] != binary]


def _count(conn: Connection, table: str) -> int:
    return int(conn.execute(select(func.count()).select_from(Table(table, MetaData()))).scalar() or 0)


def holds_desk_data(conn: Connection) -> bool:
    """True when the database holds an office's work (items, requests, people, accounts…)."""
    present = set(inspect(conn).get_table_names())
    return any(_count(conn, name) for name in DESK_DATA_TABLES if name in present)


def _check_schema(src: Connection) -> None:
    revisions = current_revisions(src)
    if revisions != script_heads():
        raise CopyError("源数据库的版本与本程序不一致，请先用本程序正常打开一次源数据库（会自动升级），再复制。")


# --- reading and writing rows -------------------------------------------------------------------

def _self_references(table: Table) -> list[str]:
    """Columns pointing at the same table (an item's 解读 or earlier revision, a catalogue
    entry's parent): filled in a second pass, since the row they name may come later."""
    return [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]


def _insert_table(table: Table) -> Table:
    """The table as written: JSON columns keep a missing value as SQL NULL (the default
    JSON type would store the text ``null``)."""
    if not any(isinstance(c.type, JSON) for c in table.columns):
        return table
    meta = MetaData()
    return Table(table.name, meta, *[c._copy() for c in table.columns if not isinstance(c.type, JSON)],
                 *[_json_null(c) for c in table.columns if isinstance(c.type, JSON)])


def _json_null(column: Any) -> Any:
    copy = column._copy()
    copy.type = JSON(none_as_null=True)
    return copy


def _rows(src: Connection, table: Table) -> Iterator[list[dict[str, Any]]]:
    pk = list(table.primary_key.columns)
    stmt = select(table).order_by(*pk) if pk else select(table)
    result = src.execution_options(yield_per=BATCH).execute(stmt)
    for part in result.partitions(BATCH):
        yield [dict(row._mapping) for row in part]


def _copy_table(src: Connection, dst: Connection, table: Table) -> Generator[int, None, None]:
    """Insert every row of ``table`` (yields rows done per batch), then the self-references."""
    target = _insert_table(table)
    refs = _self_references(table)
    pk = [c.name for c in table.primary_key.columns]
    later: list[dict[str, Any]] = []
    for batch in _rows(src, table):
        if refs:
            for row in batch:
                if any(row[r] is not None for r in refs):
                    later.append({**{f"_{k}": row[k] for k in pk}, **{r: row[r] for r in refs}})
                    for r in refs:
                        row[r] = None
        dst.execute(target.insert(), batch)
        yield len(batch)
    if later:
        stmt = table.update().where(*[table.c[k] == bindparam(f"_{k}") for k in pk]).values(
            {r: bindparam(r) for r in refs})
        dst.execute(stmt, later)


def _reset_sequences(dst: Connection, tables: list[Table]) -> None:
    """PostgreSQL hands out ids from sequences, which rows inserted with their ids do not
    advance: set each past the largest id copied, so the next new row gets a fresh one.
    (``pg_get_serial_sequence`` is NULL for a column without one; setval(NULL) does nothing.)"""
    if dst.dialect.name != "postgresql":
        return
    for table in tables:
        keys = list(table.primary_key.columns)
        if len(keys) != 1 or not _is_integer(keys[0]):
            continue
        dst.execute(text(
            f'SELECT setval(pg_get_serial_sequence(:t, :c), '
            f'COALESCE((SELECT max("{keys[0].name}") FROM "{table.name}"), 0) + 1, false)'),
            {"t": table.name, "c": keys[0].name})


def _is_integer(column: Any) -> bool:
    try:
        return column.type.python_type is int
    except NotImplementedError:
        return False


def _clear(dst: Connection, tables: list[Table], blob: Optional[str]) -> None:
    """Every row of the target's tables gone, children first, inside the copy's transaction."""
    if blob is not None:
        dst.execute(text(f'DELETE FROM "{blob}"'))
    for table in reversed(tables):
        refs = _self_references(table)
        if refs:
            dst.execute(table.update().values({r: None for r in refs}))
        dst.execute(table.delete())


# --- attachment contents ----------------------------------------------------------------------------

def _file_path(db: Database, sha256: str) -> Path:
    return db.files_dir / sha256[:2] / sha256


def _read_content(db: Database, conn: Connection, blob: Optional[str], sha256: str) -> Optional[bytes]:
    if blob is None:
        try:
            return _file_path(db, sha256).read_bytes()
        except FileNotFoundError:
            return None
    binary, _others = _blob_columns(conn, blob)
    data = conn.execute(text(f'SELECT "{binary}" FROM "{blob}" WHERE sha256 = :s'), {"s": sha256}).scalar()
    return None if data is None else bytes(data)


def _write_content(db: Database, conn: Connection, blob: Optional[str], sha256: str, data: bytes,
                   placed: list[Path]) -> None:
    if blob is None:
        final = _file_path(db, sha256)
        if final.exists():
            return  # the same content is already there (one data folder shared by two desks)
        final.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".incoming-", suffix=".part", dir=db.files_dir)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, final)
        placed.append(final)
        return
    binary, others = _blob_columns(conn, blob)
    values: dict[str, Any] = {"sha256": sha256, binary: data}
    if "size" in others:
        values["size"] = len(data)
    columns = [c for c in values]
    conn.execute(text(f'INSERT INTO "{blob}" ({", ".join(chr(34) + c + chr(34) for c in columns)}) '
                      f'VALUES ({", ".join(":" + c for c in columns)})'), values)


# --- the copy -------------------------------------------------------------------------------------------

def copy_steps(source: Database, target: str, force: bool = False,
               verify: Optional[Verifier] = None) -> Generator[Progress, None, CopyReport]:
    """The copy as a generator of (done, total, text) for a progress bar; returns the report.

    ``source`` is an open desk (the window's own, or one the command opened read-only);
    ``target`` a SQLite file or a server URL, created and migrated if new. Raises CopyError
    (target unchanged) when it holds desk data and ``force`` is not given, when the source is
    at another schema, or when counts differ."""
    started = time.perf_counter()
    target_path = _sqlite_path(resolve_target(target))
    if target_path is not None and source.path is not None and target_path == source.path.resolve():
        raise CopyError("源数据库和目标数据库是同一个文件，请换一个目标。")
    created = target_path is not None and not target_path.exists()
    dst_db = open_store(target)  # created if new and migrated to this program's schema
    report = CopyReport(shown(source), shown(dst_db))
    placed: list[Path] = []
    committed = False
    try:
        with ExitStack() as stack:
            src = stack.enter_context(source.engine.connect())
            _snapshot(src)
            _check_schema(src)
            session = stack.enter_context(Session(dst_db.engine))
            stack.enter_context(session.begin())
            dst = session.connection()
            if holds_desk_data(dst) and not force:
                raise CopyError(f"目标数据库“{report.target}”中已有台账数据，未做任何改动；"
                                "确需覆盖请加 --force（界面中勾选“清空目标”）。")
            tables = _copied_tables(src, dst)
            src_blob, dst_blob = _blob_table(src), _blob_table(dst)
            counts = {t.name: _count(src, t.name) for t in tables}
            shas = [str(r[0]) for r in src.execute(text("SELECT sha256 FROM stored_file ORDER BY sha256"))]
            total, done = sum(counts.values()) + len(shas), 0
            yield 0, total, "正在清空目标数据库…"
            stack.enter_context(rebuilt_item_search_index(session))
            _clear(dst, tables, dst_blob)
            stack.enter_context(deferred_item_search_index(session))
            for table in tables:
                for n in _copy_table(src, dst, table):
                    done += n
                    yield done, total, f"正在复制{TABLE_LABELS.get(table.name, table.name)}（{done}/{total}）"
            _reset_sequences(dst, tables)
            for sha in shas:
                data = _read_content(source, src, src_blob, sha)
                if data is None:
                    report.missing_files.append(sha)
                else:
                    _write_content(dst_db, dst, dst_blob, sha, data, placed)
                    report.files += 1
                done += 1
                yield done, total, f"正在复制附件（{report.files}/{len(shas)}）"
            report.tables = [TableCount(t.name, counts[t.name], _count(dst, t.name)) for t in tables]
            if not all(t.equal for t in report.tables):
                raise CopyError("复制后的行数与源数据库不一致，目标数据库未被改动：" + "，".join(
                    f"{t.name} {t.source}→{t.target}" for t in report.tables if not t.equal))
            yield total, total, "正在提交…"
        committed = True
        yield total, total, "正在校验操作记录…"
        report.audit_problem = _verify_target(dst_db, verify)
    finally:
        dst_db.close()
        if not committed:
            _undo(placed, target_path if created else None)
    report.seconds = time.perf_counter() - started
    return report


def _snapshot(src: Connection) -> None:
    """Read the whole source as of one moment (another desk may be writing to it)."""
    if src.dialect.name == "sqlite":
        # pysqlite begins a transaction only before a write; a savepoint opens one by hand,
        # so every read below sees the same WAL snapshot. Closing the connection ends it.
        src.exec_driver_sql("SAVEPOINT deskapp_copy")
    elif src.dialect.name == "postgresql":
        src.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")


def _verify_target(dst_db: Database, verify: Optional[Verifier]) -> Optional[str]:
    """The caller's check (the audit chain; on SQLite it writes the anchor file first) on the
    target as it now stands, in a transaction of its own."""
    if verify is None:
        return None
    with dst_db.session() as s:
        return verify(s)


def _undo(placed: list[Path], created: Optional[Path]) -> None:
    """The copy rolled back: the attachment files it placed go, and so does a target file it
    created (a new, empty desk nobody asked for)."""
    for path in placed:
        path.unlink(missing_ok=True)
    if created is not None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            created.with_name(created.name + suffix).unlink(missing_ok=True)


def open_source(source: str) -> Database:
    """The source, read-only; a desk file of an older version is upgraded first (after its
    backup), as opening it in the program would, holding its lock so no window is on it."""
    try:
        return open_store(source, read_only=True)
    except DatabaseOpenError:
        if _sqlite_path(resolve_target(source)) is None:
            raise
        return open_store(source, take_lock=True)  # the same error again if it is not an older desk


def copy_database(source: str | Database, target: str, force: bool = False,
                  verify: Optional[Verifier] = None,
                  progress: Optional[ProgressCallback] = None) -> CopyReport:
    """:func:`copy_steps` run to the end, reporting to ``progress(done, total, text)``; a
    source given as a location is opened read-only for the copy."""
    src_db = open_source(source) if isinstance(source, str) else source
    try:
        steps = copy_steps(src_db, target, force=force, verify=verify)
        while True:
            try:
                done, total, note = next(steps)
            except StopIteration as stop:
                result: CopyReport = stop.value
                return result
            if progress is not None:
                progress(done, total, note)
    finally:
        if isinstance(source, str):
            src_db.close()
