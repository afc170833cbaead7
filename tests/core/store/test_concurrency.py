"""Several desks on one database at once (issue 13, item 3), on SQLite and PostgreSQL.

Each "desk" is its own opened Database (its own engine and connections), working in its own
thread; a barrier starts them together. What must hold: the second saver of an item is told
who saved first, when, and what is stored (never a raw StaleDataError, never a silent
overwrite); 索引号 and 申请编号 never repeat; the audit chain stays one line.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections import Counter
from typing import Any, Callable

import pytest
from sqlalchemy import func, select

from deskapp.core.audit import chain as audit
from deskapp.core.audit.chain import Actor
from deskapp.core.desk import open_database
from deskapp.core.errors import ConcurrentEditError
from deskapp.core.ledger import commit as ledger
from deskapp.core.register.items import ItemData, create_item, get_item, update_item
from deskapp.core.requests import records
from deskapp.core.review import workflow
from deskapp.core.store import counters
from deskapp.core.store.db import Database
from deskapp.core.store.models import AuditEvent, InfoRequest, Item, NumberCounter
from tests.core.requests.helpers import data as request_data

pytestmark = pytest.mark.both_backends  # every test here runs on SQLite and on the PostgreSQL server

TODAY = dt.date(2026, 11, 26)
WANG, LI = Actor(None, "王小明"), Actor(None, "李红")


def item_data(**kw: Any) -> ItemData:
    return ItemData(**{"title": "关于做好防汛工作的通知", "formed_on": dt.date(2026, 9, 25), **kw})


def make_item(db: Database, **kw: Any) -> tuple[int, int]:
    with db.session() as s:
        item = create_item(s, WANG, item_data(**kw), today=TODAY)
        return item.id, item.version


def at_once(db: Database, desks: int, work: Callable[[Database, int], None]) -> list[BaseException]:
    """Run ``work(desk_db, n)`` for n in range(desks), each desk its own Database in its own
    thread, started together; returns the exceptions raised."""
    opened = [open_database(db.url) for _ in range(desks)]
    barrier, errors = threading.Barrier(desks), []

    def run(n: int) -> None:
        try:
            barrier.wait(timeout=60)
            work(opened[n], n)
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(desks)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    for other in opened:
        other.close()
    return errors


def one_line(db: Database) -> None:
    """verify_chain passes, and each event links to the one before it: no fork."""
    with db.session() as s:
        assert audit.verify_chain(s) is None
        rows = s.execute(select(AuditEvent.prev_hash, AuditEvent.hash).order_by(AuditEvent.id)).all()
    assert all(rows[i].prev_hash == rows[i - 1].hash for i in range(1, len(rows)))
    assert len({r.prev_hash for r in rows}) == len(rows)


# --- no lost update -----------------------------------------------------------------------------

def test_the_second_saver_is_told_who_saved_when_and_what_is_stored(db: Database) -> None:
    item_id, opened_at = make_item(db)
    other = open_database(db.url)
    try:
        with other.session() as s:  # 李红 at another desk saves first
            item = get_item(s, item_id)
            update_item(s, LI, item_id, opened_at, dataclasses.replace(ItemData.of(item), summary="李红的摘要"),
                        today=TODAY)
    finally:
        other.close()
    mine = item_data(summary="王小明的摘要")
    with pytest.raises(ConcurrentEditError) as caught, db.session() as s:
        update_item(s, WANG, item_id, opened_at, mine, today=TODAY)
    err = caught.value
    assert err.changed_by == "李红" and err.changed_at is not None
    assert abs(err.changed_at - dt.datetime.now()) < dt.timedelta(minutes=5)  # local time
    assert err.stored["summary"] == "李红的摘要" and err.stored_version == opened_at + 1
    assert "李红" in str(err)
    with db.session() as s:
        assert get_item(s, item_id).summary == "李红的摘要"  # nothing overwritten
    with db.session() as s:  # 保留我的: saved over, on the version now stored
        update_item(s, WANG, item_id, err.stored_version, mine, today=TODAY)
    with db.session() as s:
        assert get_item(s, item_id).summary == "王小明的摘要"
    one_line(db)


def test_a_review_action_on_an_old_version_is_refused_with_the_stored_state(db: Database) -> None:
    item_id, version = make_item(db)
    with db.session() as s:
        update_item(s, LI, item_id, version, item_data(summary="改过"), today=TODAY)
    with pytest.raises(ConcurrentEditError) as caught, db.session() as s:
        workflow.submit(s, WANG, item_id, version, TODAY)
    assert caught.value.changed_by == "李红" and caught.value.stored["status"] == "draft"


def test_a_request_edited_at_two_desks_keeps_the_first_save(db: Database) -> None:
    with db.session() as s:
        req = records.create_request(s, WANG, request_data(), today=TODAY)
        request_id, version = req.id, req.version
    with db.session() as s:
        records.update_request(s, LI, request_id, version, request_data(content="李红改的内容"), today=TODAY)
    with pytest.raises(ConcurrentEditError) as caught, db.session() as s:
        records.update_request(s, WANG, request_id, version, request_data(content="王小明改的内容"), today=TODAY)
    assert caught.value.changed_by == "李红" and caught.value.stored["content"] == "李红改的内容"


def test_many_desks_saving_one_item_at_once_lose_nothing(db: Database) -> None:
    """Six desks save the same item from the same version at once: exactly one wins, the
    others are told (ConcurrentEditError, not a raw StaleDataError), and what is stored is
    the winner's text."""
    item_id, version = make_item(db)
    saved: list[str] = []

    def work(desk: Database, n: int) -> None:
        try:
            with desk.session() as s:
                update_item(s, Actor(None, f"第{n}台"), item_id, version, item_data(summary=f"第{n}台的摘要"),
                            today=TODAY)
            saved.append(f"第{n}台的摘要")
        except ConcurrentEditError:
            pass

    assert at_once(db, 6, work) == []
    assert len(saved) == 1
    with db.session() as s:
        item = get_item(s, item_id)
        assert item.summary == saved[0] and item.version == version + 1
    one_line(db)


# --- no duplicate number ------------------------------------------------------------------------

def test_desks_creating_items_and_requests_at_once_never_share_a_number(db: Database) -> None:
    def work(desk: Database, n: int) -> None:
        for k in range(4):
            with desk.session() as s:
                create_item(s, Actor(None, f"第{n}台"), item_data(title=f"第{n}台第{k}条"), today=TODAY)
            with desk.session() as s:
                records.create_request(s, Actor(None, f"第{n}台"), request_data(), today=TODAY)

    assert at_once(db, 6, work) == []
    with db.session() as s:
        numbers = list(s.scalars(select(Item.index_no)))
        serials = sorted(s.scalars(select(InfoRequest.serial).where(InfoRequest.year == TODAY.year)))
    assert len(numbers) == 24 and not [n for n, c in Counter(numbers).items() if c > 1]
    assert serials == list(range(1, 25))  # one sequence, no gaps: rollbacks give numbers back
    one_line(db)


def test_ledger_imports_at_two_desks_take_different_numbers(db: Database) -> None:
    """Today's clash: two imports at once chose the same 索引号 and the second failed with a
    raw IntegrityError. Now they take turns and both import."""
    def work(desk: Database, n: int) -> None:
        with desk.session() as s:
            ledger.insert_items(s, Actor(None, f"第{n}台"),
                                [item_data(title=f"导入{n}-{k}") for k in range(30)], TODAY)

    assert at_once(db, 3, work) == []
    with db.session() as s:
        numbers = list(s.scalars(select(Item.index_no)))
    assert len(numbers) == 90 and len(set(numbers)) == 90
    make_item(db)  # the register's own sequence continues after the imported numbers
    with db.session() as s:
        newest = s.scalar(select(Item.index_no).order_by(Item.id.desc()).limit(1))
        assert newest is not None and newest.endswith("00091")
    one_line(db)


def test_the_counter_skips_numbers_written_without_it(db: Database) -> None:
    """A 索引号 typed by hand (or bulk data from an older desk) ahead of the counter is not
    handed out again."""
    make_item(db)  # DESK/2026-00001, the counter at 1
    make_item(db, index_no="DESK/2026-00002")
    make_item(db, index_no="DESK/2026-00007")
    make_item(db)
    with db.session() as s:
        newest = s.scalar(select(Item.index_no).order_by(Item.id.desc()).limit(1))
        row = s.get(NumberCounter, counters.item_counter("DESK/2026-"))
        assert newest == "DESK/2026-00008" and row is not None and row.value == 8


# --- one audit chain ----------------------------------------------------------------------------

def test_desks_appending_to_the_audit_log_at_once_make_one_chain(db: Database) -> None:
    """The append is the transaction's first write: the head is read under the writer lock."""
    def work(desk: Database, n: int) -> None:
        for k in range(10):
            with desk.session() as s:
                audit.record(s, Actor(None, f"第{n}台"), "note", "test", f"{n}-{k}", None, {"k": k})

    assert at_once(db, 6, work) == []
    with db.session() as s:
        assert s.scalar(select(func.count()).where(AuditEvent.entity == "test")) == 60
    one_line(db)


def test_audit_verify_on_the_command_line_after_many_writers(db: Database, capsys: pytest.CaptureFixture[str]) -> None:
    """`deskapp audit verify --db <url>` on both backends; on a server it says what anchors
    the head (no anchor file: the database has no data folder of its own)."""
    from deskapp import cli

    def work(desk: Database, n: int) -> None:
        for k in range(3):
            with desk.session() as s:
                create_item(s, Actor(None, f"第{n}台"), item_data(title=f"第{n}台第{k}条"), today=TODAY)

    assert at_once(db, 4, work) == []
    capsys.readouterr()
    assert cli.main(["audit", "verify", "--db", db.url]) == 0
    out = capsys.readouterr().out
    assert "操作记录完整" in out
    assert ("没有本机锚点文件" in out) == (not db.is_sqlite)


def test_a_posting_registered_at_another_desk_is_not_registered_twice(db: Database) -> None:
    from deskapp.core.board import noticeboard

    item_id, version = make_item(db, kind=noticeboard.NOTICE_KIND)
    with db.session() as s:  # signed, as the board needs (set directly: the review is not the point)
        get_item(s, item_id).status = "approved"
    with db.session() as s:
        version = get_item(s, item_id).version
        noticeboard.register_posting(s, LI, item_id, TODAY, "社区公示栏", TODAY, expected_version=version)
    with pytest.raises(ConcurrentEditError) as caught, db.session() as s:
        noticeboard.register_posting(s, WANG, item_id, TODAY, "街道公示栏", TODAY, expected_version=version)
    assert caught.value.changed_by == "李红" and caught.value.stored["posted_board"] == "社区公示栏"


def test_a_desk_waiting_too_long_for_another_desks_save_is_told(db: Database,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """PostgreSQL: a save waits for the writer lock at most WAIT_SECONDS, then a Chinese
    message, nothing saved (SQLite has its own busy timeout)."""
    if db.is_sqlite:
        pytest.skip("SQLite waits through its busy_timeout instead")
    from deskapp.core.store import writer

    monkeypatch.setattr(writer, "WAIT_SECONDS", 1)
    other = open_database(db.url)
    try:
        with other.session() as holding:
            writer.claim(holding)  # another desk is saving and does not finish
            with pytest.raises(writer.WriterBusyError) as caught, db.session() as s:
                create_item(s, WANG, item_data(), today=TODAY)
            assert "请稍后重试" in str(caught.value)
    finally:
        other.close()
    make_item(db)  # once the other desk is done, saving works again


def test_upgrading_to_0011_seeds_the_counters_from_the_numbers_in_use(db: Database) -> None:
    """A desk upgraded from 0010 continues its sequences (and skips a revision's 索引号)."""
    from alembic import command

    from deskapp.core.store import migrate

    make_item(db)
    make_item(db, index_no="DESK/2026-00041")
    make_item(db, index_no="DESK/2026-00041-修订2")
    with db.session() as s:
        records.create_request(s, WANG, request_data(), today=TODAY)
        records.create_request(s, WANG, request_data(), today=TODAY)
    cfg = migrate.alembic_config()
    with db.engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0010_server_store")
        conn.commit()
        command.upgrade(cfg, "0011_counters")
        conn.commit()
        command.upgrade(cfg, "heads")
        conn.commit()
    with db.session() as s:
        values = dict(s.execute(select(NumberCounter.name, NumberCounter.value)).all())
    assert values == {"item:DESK/2026-": 41, "request:2026": 2}
    make_item(db)
    with db.session() as s:
        assert s.scalar(select(Item.index_no).order_by(Item.id.desc()).limit(1)) == "DESK/2026-00042"
