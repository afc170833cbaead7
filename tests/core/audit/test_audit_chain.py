"""The audit log is tamper-evident: an edited or deleted row breaks the chain there."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from sqlalchemy import text

from deskapp.core.audit import chain as audit
from deskapp.core.audit.chain import Actor, verify_chain
from deskapp.core.store.models import AuditEvent


def events(db, n=5):
    with db.session() as s:
        for i in range(n):
            audit.record(s, Actor(7, "李科长"), "approve", "item", i,
                         {"status": "in_review", "步骤": "保密审查", "nested": {"b": 1, "a": [1, {"z": 0, "y": None}]}},
                         {"status": "approved", "opinion": f"同意{i}", "day": dt.date(2026, 11, i + 1)})
    with db.session() as s:
        return [r[0] for r in s.execute(text("SELECT id FROM audit_event ORDER BY id"))]


def check(db):
    with db.session() as s:
        return verify_chain(s)


def test_whole_chain_verifies_and_empty_chain_too(db):
    assert check(db) is None  # a fresh desk: the seeding events only
    events(db)
    assert check(db) is None


def test_stored_json_is_canonical_text(db):
    events(db, 1)
    with db.session() as s:
        raw = s.execute(text("SELECT CAST(before AS TEXT) FROM audit_event ORDER BY id DESC LIMIT 1")).scalar()
    assert raw == json.dumps(json.loads(raw), sort_keys=True)


@pytest.mark.parametrize("sql", [
    "UPDATE audit_event SET after = replace(after, 'approved', 'published') WHERE id = :id",
    "UPDATE audit_event SET actor_name = '钱分管' WHERE id = :id",
    "UPDATE audit_event SET at = '2026-01-01 00:00:00.000000' WHERE id = :id",
    "UPDATE audit_event SET entity_id = NULL WHERE id = :id",
    "UPDATE audit_event SET before = NULL WHERE id = :id",
    "UPDATE audit_event SET after = 12 WHERE id = :id",
    "UPDATE audit_event SET at = 12345 WHERE id = :id",
    "UPDATE audit_event SET action = 12 WHERE id = :id",
    "UPDATE audit_event SET at = 'yesterday' WHERE id = :id",
])
def test_an_edited_row_is_named(db, sql):
    if not db.is_sqlite and ("replace(" in sql or "= 12" in sql):
        pytest.skip("PostgreSQL's typed columns refuse this edit (json/timestamp/text): nothing to detect")
    ids = events(db)
    with db.session() as s:
        s.execute(text(sql), {"id": ids[2]})
    broken = check(db)
    assert broken is not None and broken.event_id == ids[2]
    assert "修改" in broken.reason


def test_a_deleted_row_breaks_the_next_link(db):
    ids = events(db)
    with db.session() as s:
        s.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": ids[2]})
    broken = check(db)
    assert broken is not None and broken.event_id == ids[3]


def test_a_rehashed_row_still_breaks_the_link_after_it(db):
    """Editing a row and recomputing its own hash: the next event's link no longer matches."""
    ids = events(db)
    with db.session() as s:
        row = s.get(AuditEvent, ids[2])
        row.actor_name = "钱分管"
        s.flush()
        row.hash = audit.event_digest(row)
    broken = check(db)
    assert broken is not None and broken.event_id == ids[3]


def test_editing_the_last_row_is_a_break(db):
    ids = events(db)
    with db.session() as s:
        s.execute(text("UPDATE audit_event SET hash = :h WHERE id = :id"), {"h": "0" * 64, "id": ids[-1]})
    assert check(db).event_id == ids[-1]


@pytest.mark.parametrize("sql", [
    "DELETE FROM audit_event WHERE id = :id",
    "DELETE FROM audit_event WHERE id >= :id - 2",
    "DELETE FROM audit_event",
])
def test_deleting_the_last_rows_is_a_break(db, sql):
    """No later event links to the last one: the desk keeps the newest event's id and digest
    beside the chain, so cutting off the end is caught too."""
    ids = events(db)
    with db.session() as s:
        s.execute(text(sql), {"id": ids[-1]})
    broken = check(db)
    assert broken is not None and broken.event_id == ids[-1] and "删除" in broken.reason


def test_a_deleted_last_row_replaced_by_a_new_event_is_a_break(db):
    """SQLite reuses the deleted row's id for the next event: its digest is not the one kept."""
    ids = events(db)
    with db.session() as s:
        s.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": ids[-1]})
    events(db, 1)
    broken = check(db)
    # PostgreSQL's sequence does not reuse the id: the new event's link is the break.
    assert broken is not None and broken.event_id == (ids[-1] if db.is_sqlite else ids[-1] + 1)


def test_events_added_after_the_kept_head_without_record_still_verify(db):
    """Bulk-inserted events (the benchmark's) extend the chain past the kept head: not a break."""
    ids = events(db)
    with db.session() as s:
        last = s.get(AuditEvent, ids[-1])
        extra = AuditEvent(at=dt.datetime(2026, 11, 26, 9, 0), actor_id=None, actor_name="导入", action="x",
                           entity="item", entity_id="1", before=None, after=None, prev_hash=last.hash)
        extra.hash = audit.event_digest(extra)
        s.add(extra)
    assert check(db) is None


def test_json_stored_in_another_form_still_verifies(db):
    """Another database or serializer may store the same JSON differently: parsed, it matches."""
    ids = events(db)
    with db.session() as s:
        raw = s.execute(text("SELECT CAST(after AS TEXT) FROM audit_event WHERE id = :id"), {"id": ids[1]}).scalar()
        other = json.dumps(json.loads(raw), ensure_ascii=False, indent=1)
        value = ":a" if db.is_sqlite else "CAST(:a AS JSON)"
        s.execute(text(f"UPDATE audit_event SET after = {value} WHERE id = :id"), {"a": other, "id": ids[1]})
    assert check(db) is None


@pytest.mark.sqlite_only("v1 events exist only in desks made before the server; the upgrade it replays is a file's")
def test_legacy_v1_events_verify(db):
    """Events written with the first digest scheme (the whole content as one JSON object)."""
    ids = events(db, 2)
    with db.session() as s:
        prev = ""
        for row in s.query(AuditEvent).order_by(AuditEvent.id):
            if row.id >= ids[0]:
                row.prev_hash = prev
                content = {"at": row.at.isoformat(timespec="microseconds"), "actor_id": row.actor_id,
                           "actor_name": row.actor_name, "action": row.action, "entity": row.entity,
                           "entity_id": row.entity_id, "before": row.before, "after": row.after, "prev": prev}
                data = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
                row.hash = hashlib.sha256(data.encode()).hexdigest()
            prev = row.hash
        # v1 desks kept no head; upgrading to 0008_audit_anchor gave them both, from their log
        s.execute(text("DELETE FROM setting WHERE key = 'audit_head'"))
    db.path.with_name(db.path.name + ".audit-head").unlink()
    from deskapp.core.store.migrate import upgrade
    from tests.core.audit.test_audit_anchor import downgrade_to
    downgrade_to(db, "0007_annual_report")  # really that schema: later tables gone too
    upgrade(db)
    assert check(db) is None


def test_length_framing_keeps_fields_apart():
    a = audit._digest("t", 1, "ab", "c", "item", "1", "null", "null", "")
    b = audit._digest("t", 1, "a", "bc", "item", "1", "null", "null", "")
    assert a != b


def test_record_many_chains_like_record_and_keeps_the_head(db):
    from sqlalchemy import delete, select

    from deskapp.core.audit import chain as audit
    from deskapp.core.store.models import AuditEvent

    actor = audit.Actor(7, "导入员")
    with db.session() as s:
        audit.record(s, actor, "update", "item", 1, {"title": "旧"}, {"title": "新"})
        n = audit.record_many(s, actor, "create", "item", [(i, None, {"title": f"第{i}条", "n": i})
                                                          for i in range(2, 6)])
        assert n == 4
        assert audit.verify_chain(s) is None
        newest = s.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert newest.after == {"n": 5, "title": "第5条"}
    with db.session() as s:  # cutting the bulk tail is noticed, as for record()
        newest_id = s.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()))
        s.execute(delete(AuditEvent).where(AuditEvent.id == newest_id))
    with db.session() as s:
        assert audit.verify_chain(s) is not None
