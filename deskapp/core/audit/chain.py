"""The audit log: every change is an event (who, when, what, before/after), hash-chained.

Each event stores the sha256 of its own content and of the event before it, so editing or
deleting a row breaks the chain at that point (``verify_chain`` finds it). No event links to
the newest one, so its id and digest are also kept in the ``setting`` row ``audit_head``:
cutting events off the end of the log is caught as well.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from hashlib import sha256
from typing import Any, Iterable, Iterator, Optional, cast

from sqlalchemy import insert, select, text
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.orm import Session

from deskapp.core.store.models import AuditEvent, Setting, utcnow

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
    after), chained and stored exactly as :func:`record` does. Call it after writing the
    rows it describes: the transaction then already holds the write lock, so nobody can
    append an event between reading the last digest and inserting these."""
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
    value = {"id": event.id, "hash": event.hash}
    if head is None:
        session.add(Setting(key=HEAD_KEY, value=value))
    else:
        head.value = value


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
        return _verify_sqlite(session, batch) or _check_head(session)
    return _verify_typed(session, batch) or _check_head(session)


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
    if raw is None:
        return None  # a desk from before the head was kept
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
    result = session.connection().execution_options(yield_per=batch).execute(stmt)
    for part in result.partitions(batch):
        yield [(r[0], r[1].isoformat(timespec="microseconds"), *r[2:7], canonical_text(r[7]),
                canonical_text(r[8]), r[9], r[10]) for r in part]
