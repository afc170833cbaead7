"""The audit log: every change is an event (who, when, what, before/after), hash-chained.

Each event stores the sha256 of its own content and of the event before it, so editing or
deleting a row breaks the chain at that point (``verify_chain`` finds it). No event links to
the newest one, so its id and digest are also kept in the ``setting`` row ``audit_head`` and,
outside the database, in ``<database>.audit-head`` beside it: cutting events off the end of
the log is caught even when the setting is cut with them.

Many writers (desks sharing a database server) make one chain: ``record`` takes the writer
lock before reading the head and holds it until commit (SQLite's write lock; PostgreSQL's
advisory lock, see ``core.store.writer``). A server has no data folder for the outside
anchor file; there the ``audit_head`` row and the printed anchors stand for it.

What the chain cannot prove: it holds no secret, so whoever holds the files can recompute
every digest after an edit and rewrite both heads; ``verify_chain`` then passes. Only an
anchor kept where that person cannot reach it (``printed_anchor`` on the tally workbook, the
approval form and the annual report; ``check_printed_anchor`` / ``audit verify --anchor``)
catches that — and only for events up to the printed one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import sqlite3
from dataclasses import dataclass
from hashlib import sha256
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional, cast

from sqlalchemy import event as sa_event
from sqlalchemy import insert, select, text
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.orm import Session

from deskapp.core.store.db import claim_write_lock
from deskapp.core.store.models import AuditEvent, Setting, utcnow

log = logging.getLogger(__name__)

HEAD_KEY = "audit_head"  # {"id", "hash"} of the newest event written by record()


@dataclass(frozen=True)
class Actor:
    """Who is at the desk (当前操作人)."""

    id: Optional[int]
    name: str


SYSTEM = Actor(None, "系统")


def jsonable(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [jsonable(v) for v in value]
    return value


def snapshot(obj: object, fields: Iterable[str]) -> dict[str, Any]:
    return {f: jsonable(getattr(obj, f)) for f in fields}


def diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the fields that changed, on both sides."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


# --- digests ---------------------------------------------------------------------------------
# An event's digest covers when, who, what, before/after and the previous event's digest.
# before/after enter it as canonical JSON text (sorted keys, json.dumps defaults). ``record``
# stores them with their keys already sorted, so the database holds exactly that text and
# ``verify_chain`` can hash what it reads without parsing JSON (≥ 100 000 events/s). Text
# stored differently (another database's JSON type, another serializer) is parsed and
# canonicalised first. Events written before this scheme (v1: the whole content as one
# sorted JSON object) still verify through ``_digest_v1``.

def canonical(value: Any) -> Any:
    """The value with every dict's keys sorted (json.dumps then writes canonical text)."""
    if isinstance(value, dict):
        return {k: canonical(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [canonical(v) for v in value]
    return value


def canonical_text(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def _opt(value: Any) -> str:
    return "N" if value is None else "S" + str(value)


def _digest(at_iso: str, actor_id: Any, actor_name: str, action: str, entity: str,
            entity_id: Optional[str], before_text: str, after_text: str, prev: str) -> str:
    # Length-prefixed fields: no text in one field can pass for the boundary of another.
    # One f-string rather than a join: this runs once per event in verify_chain.
    aid, eid = _opt(actor_id), _opt(entity_id)
    framed = (f"2:v2;{len(at_iso)}:{at_iso};{len(aid)}:{aid};{len(actor_name)}:{actor_name};"
              f"{len(action)}:{action};{len(entity)}:{entity};{len(eid)}:{eid};"
              f"{len(before_text)}:{before_text};{len(after_text)}:{after_text};{len(prev)}:{prev};")
    return sha256(framed.encode("utf-8")).hexdigest()


def _digest_v1(at_iso: str, actor_id: Any, actor_name: str, action: str, entity: str,
               entity_id: Optional[str], before: Any, after: Any, prev: str) -> str:
    content = {"at": at_iso, "actor_id": actor_id, "actor_name": actor_name, "action": action,
               "entity": entity, "entity_id": entity_id, "before": before, "after": after,
               "prev": prev}
    data = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def event_digest(event: AuditEvent) -> str:
    return _digest(event.at.isoformat(timespec="microseconds"), event.actor_id, event.actor_name,
                   event.action, event.entity, event.entity_id, canonical_text(event.before),
                   canonical_text(event.after), event.prev_hash)


def last_hash(session: Session) -> str:
    return session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)) or ""


def record(
    session: Session,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: object = None,
    before: Optional[dict[str, Any]] = None,
    after: Optional[dict[str, Any]] = None,
) -> AuditEvent:
    claim_write_lock(session)  # the only appender until commit: the head read below stays the head
    event = AuditEvent(
        at=utcnow(),
        actor_id=actor.id,
        actor_name=actor.name,
        action=action,
        entity=entity,
        entity_id=None if entity_id is None else str(entity_id),
        before=canonical(jsonable(before)) if before is not None else None,
        after=canonical(jsonable(after)) if after is not None else None,
        prev_hash=_link(session),
    )
    event.hash = event_digest(event)
    session.add(event)
    session.flush()
    _keep_head(session, event)
    return event


def record_many(
    session: Session,
    actor: Actor,
    action: str,
    entity: str,
    changes: Iterable[tuple[object, Optional[dict[str, Any]], Optional[dict[str, Any]]]],
    at: Optional[dt.datetime] = None,
) -> int:
    """Many events of one action in one INSERT (bulk imports), each (entity_id, before,
    after), chained and stored exactly as :func:`record` does. Both take the database's
    writer lock (``claim_write_lock``) before reading the last digest, so nobody — another
    process on this PC, another desk on the server — can append an event in between: many
    writers make one chain, never a fork."""
    claim_write_lock(session)
    prev, now, rows = _link(session), at or utcnow(), []
    for entity_id, before, after in changes:
        b = canonical(jsonable(before)) if before is not None else None
        a = canonical(jsonable(after)) if after is not None else None
        eid = None if entity_id is None else str(entity_id)
        digest = _digest(now.isoformat(timespec="microseconds"), actor.id, actor.name, action,
                         entity, eid, canonical_text(b), canonical_text(a), prev)
        rows.append({"at": now, "actor_id": actor.id, "actor_name": actor.name, "action": action,
                     "entity": entity, "entity_id": eid, "before": b, "after": a,
                     "prev_hash": prev, "hash": digest})
        prev = digest
    if rows:
        session.execute(insert(AuditEvent), rows)
        newest = session.execute(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).scalar_one()
        _keep_head(session, newest)
    return len(rows)


def _link(session: Session) -> str:
    """The digest a new event links to: the last event's — unless the newest event recorded
    (the kept head) has been deleted or replaced since. Then the kept digest, so that the new
    event does not paper over the cut: its link stays broken and verify names it."""
    last = session.execute(select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).first()
    kept = read_kept_head(session)
    if kept is None or (last is not None and (last[0], last[1]) == (kept.id, kept.hash)):
        return last[1] if last is not None else ""
    if last is not None and last[0] > kept.id and session.scalar(
            select(AuditEvent.hash).where(AuditEvent.id == kept.id)) == kept.hash:
        return last[1]  # events appended in bulk after the head (not through record())
    return kept.hash


def _keep_head(session: Session, event: AuditEvent) -> None:
    head = session.get(Setting, HEAD_KEY)
    value = {"id": event.id, "hash": event.hash, "at": event.at.isoformat(timespec="microseconds")}
    if head is None:
        session.add(Setting(key=HEAD_KEY, value=value))
    else:
        head.value = value
    path = anchor_file(session)
    if path is not None:  # written once, when the transaction commits (see _write_pending_anchor)
        session.info[_PENDING] = (path, Head(event.id, event.hash, event.at.isoformat(timespec="microseconds")))


# --- the outside anchor ------------------------------------------------------------------------
# The head is kept a second time outside the database, in a small file beside it in its data
# folder: cutting the tail and rewriting the ``audit_head`` setting inside the file is then
# still caught. Written at commit (one write per transaction, however many events it
# recorded), atomically (temp file + rename). It may lag behind the database (a crash between
# the commit and the write; events added without record()) but never run ahead of it: it is
# only written after the commit. So verify asks that its event still be in the chain.

ANCHOR_SUFFIX = ".audit-head"
_PENDING = "deskapp_audit_anchor"  # session.info key: (anchor path, Head) to write at commit
_FILE = "deskapp_audit_file"  # session.info key: the database file (cached per session)


def anchor_path(database_file: Path) -> Path:
    """The outside anchor of a database file: ``desk.db`` → ``desk.db.audit-head``."""
    return database_file.with_name(database_file.name + ANCHOR_SUFFIX)


def database_file(session: Session) -> Optional[Path]:
    """The SQLite file the session works on (None: in memory, or a database server, which has
    no data folder of its own: each PC reaching it has one, and none of them sees every write)."""
    if _FILE not in session.info:
        found: Optional[Path] = None
        if session.get_bind().dialect.name == "sqlite":
            for row in session.execute(text("PRAGMA database_list")):
                if row[1] == "main" and row[2]:
                    found = Path(row[2])
        session.info[_FILE] = found
    return cast(Optional[Path], session.info[_FILE])


def anchor_file(session: Session) -> Optional[Path]:
    path = database_file(session)
    return None if path is None else anchor_path(path)


def write_anchor(path: Path, head: Head) -> None:
    """Replace the anchor file atomically: a reader sees the old head or the new, never half."""
    data = json.dumps({"id": head.id, "hash": head.hash, "at": head.at}, ensure_ascii=False)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(data + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def read_anchor(path: Path) -> tuple[bool, Optional[Head]]:
    """(the file exists, its head or None when it cannot be read as one)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return False, None
    except OSError:
        return True, None
    return True, head_from(raw[:4096])


def anchor_database_file(database: Path) -> Optional[Head]:
    """Write the outside anchor of a database file from its ``audit_head`` setting (or its
    last event when it has none): for a desk upgraded to the anchored schema and for a
    backup copy made by the desk. Returns the head written, None when there are no events."""
    con = sqlite3.connect(f"file:{database.as_posix()}?mode=ro", uri=True)
    try:
        raw = con.execute("SELECT value FROM setting WHERE key = ?", (HEAD_KEY,)).fetchone()
        head = head_from(raw[0]) if raw else None
        if head is None:
            last = con.execute("SELECT id, hash, at FROM audit_event ORDER BY id DESC LIMIT 1").fetchone()
            head = None if last is None else Head(int(last[0]), str(last[1]), _sqlite_iso(last[2]))
    finally:
        con.close()
    if head is not None:
        write_anchor(anchor_path(database), head)
    return head


@sa_event.listens_for(Session, "after_commit")
def _write_pending_anchor(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if pending is not None:
        try:
            write_anchor(*pending)
        except OSError as exc:  # the data is committed; the anchor lags (allowed) until the next write
            log.warning("could not write the audit anchor %s: %s", pending[0], exc.strerror or exc)


@sa_event.listens_for(Session, "after_soft_rollback")
def _drop_pending_anchor(session: Session, previous_transaction: object) -> None:
    # Also for a rolled-back savepoint: the file then lags behind (allowed), never runs ahead.
    session.info.pop(_PENDING, None)


@dataclass(frozen=True)
class ChainBreak:
    event_id: int
    reason: str


def verify_chain(session: Session, batch: int = 20000) -> Optional[ChainBreak]:
    """The first event whose content or link does not match; None when the chain is whole.

    Reads plain rows, not ORM objects: on SQLite the stored text straight from the driver's
    cursor (≥ 100 000 events/s); elsewhere the values SQLAlchemy's types give, canonicalised.
    """
    if session.get_bind().dialect.name == "sqlite":
        return _verify_sqlite(session, batch) or _check_outside(session) or _check_head(session)
    return _verify_typed(session, batch) or _check_head(session)


def _last_id(session: Session) -> Optional[int]:
    return cast(Optional[int], session.execute(text("SELECT max(id) FROM audit_event")).scalar())


def _check_outside(session: Session) -> Optional[ChainBreak]:
    """The chain is whole; is the head kept outside, beside the database file, still in it?

    A desk whose schema is at 0008_audit_anchor or later keeps this file as soon as it has
    an event (the migration writes it for older desks when they are upgraded, and only a
    database at the current schema can be verified: read-only opening refuses an older one),
    so a database with events and no file is not "an old desk": its anchor was removed, or
    the database was copied without it."""
    path = anchor_file(session)
    if path is None:
        return None  # in memory, or a server: no data folder of its own (see database_file)
    pending = session.info.get(_PENDING)  # recorded in this transaction: the file follows at commit
    exists, head = (True, pending[1]) if pending is not None else read_anchor(path)
    if not exists:
        return None if _last_id(session) is None else ChainBreak(0, ANCHOR_MISSING.format(name=path.name))
    if head is None:
        return ChainBreak(0, ANCHOR_GARBLED.format(name=path.name))
    kept = session.execute(text("SELECT hash FROM audit_event WHERE id = :id"), {"id": head.id}).scalar()
    return None if kept == head.hash else ChainBreak(head.id, ANCHOR_TAIL_BROKEN.format(name=path.name))


PRINTED_DIGITS = 12  # hex digits of the digest printed with an anchor (48 bits: no guessing)


def printed_anchor(session: Session) -> str:
    """The anchor to print on a workbook, form or report: ``审计锚点 编号:校验值前12位`` of the
    newest event ("" for a desk without events). Paper and files sent away keep it where the
    person who holds the database cannot change it; ``audit verify --anchor`` checks it."""
    row = session.execute(text("SELECT id, hash FROM audit_event ORDER BY id DESC LIMIT 1")).first()
    if row is None or not isinstance(row[1], str):
        return ""
    return f"审计锚点 {row[0]}:{row[1][:PRINTED_DIGITS]}"


def check_printed_anchor(session: Session, event_id: int, prefix: str) -> Optional[ChainBreak]:
    """An anchor printed on a workbook, form or report (编号 + the digest's first hex digits):
    that event must still be there with that digest, in a chain that verifies. A consistent
    rewrite of the whole log (every digest recomputed, both heads rewritten) passes
    :func:`verify_chain`; it cannot give an event printed before the rewrite its old digest."""
    broken = verify_chain(session)
    if broken is not None and (broken.event_id == 0 or broken.event_id <= event_id):
        return broken
    kept = session.execute(text("SELECT hash FROM audit_event WHERE id = :id"), {"id": event_id}).scalar()
    if not isinstance(kept, str) or not kept.lower().startswith(prefix.lower()):
        return ChainBreak(event_id, PRINTED_ANCHOR_BROKEN)
    return broken


@dataclass(frozen=True)
class Head:
    """The newest event recorded: its id, digest and time (ISO text, empty when unknown)."""

    id: int
    hash: str
    at: str = ""


def head_from(value: Any) -> Optional[Head]:
    """A head read from stored JSON (the setting, the outside file); None when it is not one:
    anything typed into it by hand must not crash the check that reads it."""
    if isinstance(value, (str, bytes)):
        try:
            value = json.loads(value)
        except (ValueError, RecursionError):
            return None
    if not isinstance(value, dict):
        return None
    event_id, digest, at = value.get("id"), value.get("hash"), value.get("at", "")
    if type(event_id) is not int or not isinstance(digest, str) or not isinstance(at, str):
        return None
    return Head(event_id, digest, at)


def read_kept_head(session: Session) -> Optional[Head]:
    """The ``audit_head`` setting, read as raw text (a hand-edited value is not a crash)."""
    raw = session.execute(text("SELECT value FROM setting WHERE key = :k"), {"k": HEAD_KEY}).scalar()
    return head_from(raw)


def _check_head(session: Session) -> Optional[ChainBreak]:
    """The chain is whole; is the newest event recorded still there? (Events appended later
    by bulk insert, without record(), extend the chain past it and are fine.)"""
    raw = session.execute(text("SELECT value FROM setting WHERE key = :k"), {"k": HEAD_KEY}).scalar()
    if raw is None:  # removed while there are events: see _check_outside for why not an old desk
        return None if _last_id(session) is None else ChainBreak(0, HEAD_MISSING)
    head = head_from(raw)
    if head is None:
        return ChainBreak(0, HEAD_GARBLED)
    kept = session.execute(text("SELECT hash FROM audit_event WHERE id = :id"), {"id": head.id}).scalar()
    return None if kept == head.hash else ChainBreak(head.id, TAIL_BROKEN)


def _verify_typed(session: Session, batch: int) -> Optional[ChainBreak]:
    prev = ""
    for chunk in _typed_chunks(session, batch):
        for row in chunk:
            if row[9] != prev:
                return ChainBreak(row[0], LINK_BROKEN)
            prev = row[10]
            if _digest(*row[1:10]) != prev and not _matches_parsed(row):
                return ChainBreak(row[0], CONTENT_BROKEN)
    return None


LINK_BROKEN = "与前一条记录的链接不符（前一条被修改或删除）"
CONTENT_BROKEN = "内容与其校验值不符（该条被修改）"
TAIL_BROKEN = "该条及其后的记录已被删除（最后记录的一条不在了）"
HEAD_MISSING = "数据库中保存的最新记录标记（audit_head）已被删除，无法确认最后的记录是否完整"
ANCHOR_MISSING = ("数据库旁的审计锚点文件（{name}）不见了：若是复制数据库时漏了它，请把它一并复制过来；"
                  "否则最后的记录可能已被删除")
ANCHOR_GARBLED = "数据库旁的审计锚点文件（{name}）已被改成无法识别的内容"
ANCHOR_TAIL_BROKEN = "该条记录与数据库旁的审计锚点文件（{name}）不符：该条及其后的记录已被删除或改写"
PRINTED_ANCHOR_BROKEN = "该条记录已不是打印的审计锚点所记的那一条：操作记录被删除或整体改写过"
HEAD_GARBLED = "数据库中保存的最新记录标记（audit_head）已被改成无法识别的内容"


def _verify_sqlite(session: Session, batch: int) -> Optional[ChainBreak]:
    # The hot loop of `deskapp audit verify`: _digest's framing written out inline (no call,
    # no intermediate tuple per row). Keep the two in step; test_audit_chain checks both.
    # None only for a connection closed or invalidated; session.connection() has just checked one out.
    raw = cast(DBAPIConnection, session.connection().connection.dbapi_connection)
    # Bytes that are not UTF-8, written into a text column by hand, would stop the driver
    # with an error; decoded with replacement characters they just fail their digest.
    saved_factory = raw.text_factory
    raw.text_factory = _lenient_text
    cursor = raw.cursor()
    prev = ""
    try:
        cursor.execute(f"SELECT {_COLUMNS} FROM audit_event ORDER BY id")
        while rows := cursor.fetchmany(batch):
            for r in rows:
                event_id, at, actor_id, name, action, entity, entity_id, before, after, link, digest = r
                if link != prev:
                    return ChainBreak(event_id, LINK_BROKEN)
                at_iso = at[:10] + "T" + at[11:] if type(at) is str and len(at) == 26 and at[10] == " " \
                    else _sqlite_iso(at)
                aid = "N" if actor_id is None else f"S{actor_id}"
                eid = "N" if entity_id is None else f"S{entity_id}"
                b = "null" if before is None else before
                a = "null" if after is None else after
                try:
                    framed = (f"2:v2;{len(at_iso)}:{at_iso};{len(aid)}:{aid};{len(name)}:{name};"
                              f"{len(action)}:{action};{len(entity)}:{entity};{len(eid)}:{eid};"
                              f"{len(b)}:{b};{len(a)}:{a};{len(prev)}:{prev};")
                except TypeError:  # a NULL or a number written into a text column by hand
                    return ChainBreak(event_id, CONTENT_BROKEN)
                if sha256(framed.encode("utf-8")).hexdigest() != digest and not _matches_parsed(
                        (event_id, at_iso, actor_id, name, action, entity, entity_id, b, a, prev, digest)):
                    return ChainBreak(event_id, CONTENT_BROKEN)
                prev = digest
    finally:
        cursor.close()
        raw.text_factory = saved_factory
    return None


def _lenient_text(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def _matches_parsed(row: tuple[Any, ...]) -> bool:
    """The slow path: JSON stored in another form than canonical text, or a v1 event."""
    event_id, at_iso, actor_id, actor_name, action, entity, entity_id, before, after, prev, digest = row
    try:
        b, a = _parse(before), _parse(after)
        head = (at_iso, actor_id, actor_name, action, entity, entity_id)
        return digest in (_digest(*head, canonical_text(b), canonical_text(a), prev),
                          _digest_v1(*head, b, a, prev))
    except (ValueError, TypeError, RecursionError):  # anything typed into a row by hand
        return False


def _parse(text: Any) -> Any:
    return json.loads(text) if isinstance(text, (str, bytes)) else text


_COLUMNS = "id, at, actor_id, actor_name, action, entity, entity_id, before, after, prev_hash, hash"


def _sqlite_iso(text: Any) -> str:
    """SQLAlchemy stores an SQLite DATETIME as 'YYYY-MM-DD HH:MM:SS.ffffff'; the digest uses
    the ISO form with a 'T'. Anything else is parsed (and will not match if it was edited)."""
    if isinstance(text, str) and len(text) == 26 and text[10] == " ":
        return text[:10] + "T" + text[11:]
    try:
        return dt.datetime.fromisoformat(str(text)).isoformat(timespec="microseconds")
    except ValueError:
        return str(text)


def _typed_chunks(session: Session, batch: int) -> Iterator[list[tuple[Any, ...]]]:
    t = AuditEvent.__table__
    stmt = select(t.c.id, t.c.at, t.c.actor_id, t.c.actor_name, t.c.action, t.c.entity, t.c.entity_id,
                  t.c.before, t.c.after, t.c.prev_hash, t.c.hash).order_by(t.c.id)
    # Options for this statement only (Connection.execution_options would change the
    # connection in place: a later flush would run its UPDATE through a server-side cursor).
    result = session.execute(stmt, execution_options={"yield_per": batch})
    for part in result.partitions(batch):
        yield [(r[0], r[1].isoformat(timespec="microseconds"), *r[2:7], canonical_text(r[7]),
                canonical_text(r[8]), r[9], r[10]) for r in part]
