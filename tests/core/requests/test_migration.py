"""Migration 0006 creates the request tables, goes down and up again, and a request saved on
a migrated database reads back whole."""

from __future__ import annotations

import datetime as dt

from alembic import command
from sqlalchemy import inspect

from deskapp.core.store import migrate
from deskapp.core.store.models import Appeal, InfoRequest, RequestConsultation, RequestEvent

TABLES = {"info_request", "request_consultation", "request_event", "appeal"}


def test_0006_creates_and_drops_the_request_tables(db) -> None:
    cfg = migrate.alembic_config()
    with db.engine.connect() as conn:
        assert TABLES <= set(inspect(conn).get_table_names())
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0005_link_indexes")
        conn.commit()
        assert not TABLES & set(inspect(conn).get_table_names())
        assert "item" in inspect(conn).get_table_names()
        command.upgrade(cfg, "heads")
        conn.commit()
        assert TABLES <= set(inspect(conn).get_table_names())


def test_a_request_with_its_rows_round_trips(db) -> None:
    with db.session() as s:
        req = InfoRequest(year=2026, serial=1, number="X〔2026〕1号", applicant_type="person",
                          applicant_name="张三", channel="in_person", received_on=dt.date(2026, 3, 23))
        s.add(req)
        s.flush()
        s.add_all([RequestConsultation(request_id=req.id, third_party="某公司", sent_on=dt.date(2026, 4, 1)),
                   RequestEvent(request_id=req.id, kind="created", day=dt.date(2026, 3, 23)),
                   Appeal(kind="review", request_id=req.id, filed_on=dt.date(2026, 6, 1))])
    with db.session() as s:
        got = s.get(InfoRequest, req.id)
        assert got is not None and got.version == 1 and got.step == "registered"
        s.delete(got)  # consultations and events go with it; the appeal stays, unlinked
    with db.session() as s:
        assert s.query(RequestConsultation).count() == 0 and s.query(RequestEvent).count() == 0
        appeal = s.query(Appeal).one()
        assert appeal.request_id is None
