"""Demo data: deterministic, complete (every kind/status, late, due soon, pairs, lists of
people), valid by the register's own rules, and removable without touching real records."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select, text

from deskapp.core.audit import chain as audit
from deskapp.core.calendar.workdays import WorkCalendar
from deskapp.core.demo import generate as demo
from deskapp.core.demo.names import REGIONS, is_valid_credit_code, is_valid_resident_id
from deskapp.core.desk import open_database
from deskapp.core.errors import ValidationError
from deskapp.core.privacy import masking as privacy
from deskapp.core.register.items import ItemData, create_item, due_for, validate
from deskapp.core.register.query import ItemFilter, Register
from deskapp.core.reports import worklog
from deskapp.core.store import settings
from deskapp.core.store.models import AuditEvent, Department, Item, Person, WorklogEntry
from deskapp.core.store.vocab import KINDS, ROLES, STATUSES

TODAY = dt.date(2026, 11, 26)
ID18 = re.compile(r"(?<!\d)\d{17}[\dX](?!\d)")
MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def table_rows(db, table: str, order: str = "id") -> list[dict]:
    """Every row of a table; ``updated_at`` left out: it is when a row was last written
    (the review history is written through the workflow, at the time it runs). The audit
    log's kept head (setting ``audit_head``) is left out like the log itself: its digest
    covers the time of the event."""
    with db.session() as s:
        rows = [dict(r._mapping) for r in s.execute(text(f"SELECT * FROM {table} ORDER BY {order}"))
                if table != "setting" or r._mapping["key"] != "audit_head"]
    for row in rows:
        row.pop("updated_at", None)
    return rows


@pytest.fixture
def demo_db(db, actor):
    summary = demo.generate(db, 400, seed=3, actor=actor, today=TODAY)
    db.summary = summary
    return db


def demo_items(db, revisions: bool = True) -> list[Item]:
    """The items in id order; ``revisions=False``: only the N generated ones (the review
    history may add revisions of published items on top)."""
    with db.session() as s:
        stmt = select(Item).order_by(Item.id)
        if not revisions:
            stmt = stmt.where(Item.revision_of_id.is_(None))
        items = list(s.scalars(stmt))
        s.expunge_all()
    return items


def test_same_seed_same_rows_other_seed_other_rows(db, data_dir):
    demo.generate(db, 250, seed=11, today=TODAY)
    twin = open_database(data_dir / "孪生 台账.db")
    other = open_database(data_dir / "另一个.db")
    try:
        demo.generate(twin, 250, seed=11, today=TODAY)
        demo.generate(other, 250, seed=12, today=TODAY)
        for table in ("item", "person", "department", "setting"):
            order = "key" if table == "setting" else "id"
            assert table_rows(db, table, order) == table_rows(twin, table, order), table
        assert table_rows(db, "item") != table_rows(other, "item")
    finally:
        twin.close()
        other.close()


def test_every_kind_and_status_even_in_a_small_register(db):
    summary = demo.generate(db, 30, today=TODAY)
    assert set(summary.by_kind) == set(KINDS)
    assert set(summary.by_status) == set(STATUSES)
    assert sum(summary.by_kind.values()) == 30 == summary.items
    with db.session() as s:
        assert {k for (k,) in s.execute(select(Item.kind))} == set(KINDS)
        assert {k for (k,) in s.execute(select(Item.status))} == set(STATUSES)


def test_late_and_due_soon_items_exist_and_summary_agrees_with_the_register(demo_db):
    reg = Register(demo_db, TODAY)
    with demo_db.session() as s:
        total, late = reg.counts(s, ItemFilter())
        soon, _ = reg.counts(s, ItemFilter(due_soon_only=True))
        rows = reg.rows(s, ItemFilter(overdue_only=True))
    assert total >= 400 and demo_db.summary.items == 400
    assert late >= demo_db.summary.late > 0
    assert soon >= demo_db.summary.due_soon > 0
    assert any(r.published_on is None for r in rows)  # still not published
    assert any(r.published_on and r.published_on > r.due_on for r in rows)  # published late


def test_every_row_passes_the_register_rules_and_due_dates_match(demo_db):
    with demo_db.session() as s:
        cal = WorkCalendar.load(s)
        for item in s.scalars(select(Item)):
            validate(ItemData.of(item), TODAY)  # raises on any broken rule
            due = due_for(s, cal, item)
            assert item.due_on == (due.due if due else None), item.title
            assert item.is_demo
            if item.status in ("published", "withdrawn"):
                assert item.published_on is not None
            else:
                assert item.published_on is None


def test_dates_spread_over_the_year_up_to_today_and_index_numbers_follow_them(demo_db):
    items = demo_items(demo_db, revisions=False)
    formed = [i.formed_on for i in items]
    assert min(formed) < dt.date(2026, 2, 1) and max(formed) <= TODAY
    assert all(d.year == 2026 for d in formed)
    assert formed == sorted(formed)
    prefix = settings_value(demo_db, "index_prefix")
    serials = [int(i.index_no.removeprefix(f"{prefix}/2026-")) for i in items]
    assert serials == sorted(serials) and len(set(serials)) == len(serials) >= 390
    assert serials[:10] == list(range(1, 11))
    every = [i.index_no for i in demo_items(demo_db)]
    assert len(set(every)) == len(every)
    assert is_valid_credit_code(prefix)


def settings_value(db, key):
    with db.session() as s:
        return settings.get(s, key)


def test_policies_with_and_without_their_interpretation(demo_db):
    items = {i.id: i for i in demo_items(demo_db)}
    policies = [i for i in items.values() if i.kind in ("政策文件", "规范性文件")]
    linked = [p for p in policies if p.interpretation_id]
    assert linked and len(linked) < len(policies)
    for p in linked:
        interp = items[p.interpretation_id]
        assert interp.kind == "政策解读" and interp.formed_on == p.formed_on
        assert (interp.status, interp.published_on) == (p.status, p.published_on)  # 同步
    assert any(p.doc_no and re.fullmatch(r"长街(发|规)〔2026〕\d+号", p.doc_no) for p in policies)


def test_notices_have_periods_board_dates_and_lists_of_synthetic_people(demo_db):
    notices = [i for i in demo_items(demo_db) if i.kind == "公告公示" and i.posted_on]
    assert notices
    assert any(n.removed_on for n in notices)
    assert any(n.removed_on is None and n.notice_end < TODAY for n in notices)  # forgotten
    lists = [n for n in notices if "姓名\t身份证号\t手机号" in n.content]
    assert lists
    ids = [m for n in lists for m in ID18.findall(n.content)]
    phones = [m for n in lists for m in MOBILE.findall(n.content)]
    assert len(ids) >= len(lists) * 4 and len(phones) == len(ids)
    for number in ids:
        assert is_valid_resident_id(number) and privacy.is_id18(number)
        assert number[:6] in REGIONS
        assert dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14])) < TODAY
    # the noticeboard's detector finds every one of them
    found = {f.text for n in lists for f in privacy.find(n.content) if f.kind == "id"}
    assert found == set(ids)
    for n in notices:
        assert n.notice_start <= n.notice_end and n.posted_on <= TODAY


def test_people_in_every_role_and_departments_of_a_street_office(demo_db):
    with demo_db.session() as s:
        people = list(s.scalars(select(Person)))
        depts = {d.name: d for d in s.scalars(select(Department))}
    roles = {r for p in people for r in p.roles}
    assert roles == set(ROLES)
    for name in ("党政办", "社区管理办", "城市管理办", "平安办", "社会事务办", "经济发展办",
                 "退役军人服务站", "东风社区", "长安社区"):
        assert depts[name].is_demo
    assert {d.kind for d in depts.values()} == {"office", "station", "community"}
    assert all(p.is_demo and MOBILE.fullmatch(p.phone) for p in people)


def test_settings_filled_only_where_empty(db):
    with db.session() as s:
        settings.put_many(s, {"org_name": "某某街道办事处"})
    summary = demo.generate(db, 5, today=TODAY)
    assert "org_name" not in summary.settings_filled and "index_prefix" in summary.settings_filled
    assert settings_value(db, "org_name") == "某某街道办事处"
    assert settings_value(db, "phone") == demo.ORGANISATION["phone"]


def test_one_audit_event_sums_up_and_the_chain_holds(db, actor):
    with db.session() as s:
        before = s.scalar(select(func.count()).select_from(AuditEvent))
    demo.generate(db, 300, actor=actor, today=TODAY)
    with db.session() as s:
        events = list(s.scalars(select(AuditEvent).order_by(AuditEvent.id)))[before:]
        assert audit.verify_chain(s) is None
    generated = [e for e in events if e.action == "demo_generate"]
    assert len(generated) == 1 and generated[0].after["items"] == 300
    assert generated[0].actor_name == actor.name
    assert len([e for e in events if e.action == "create"]) < 10  # a summary, not one per item


def test_progress_is_reported_per_chunk_up_to_the_total(db, monkeypatch):
    monkeypatch.setattr(demo, "CHUNK", 50)
    seen: list[tuple[int, int]] = []
    demo.generate(db, 180, today=TODAY, progress=lambda done, total: seen.append((done, total)))
    assert seen[0] == (0, 180) and seen[-1] == (180, 180)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen) and len(seen) >= 4


def test_cancelling_from_the_progress_callback_leaves_nothing_behind(db, monkeypatch):
    """The window cancels by raising from the progress callback: one transaction, all gone."""
    monkeypatch.setattr(demo, "CHUNK", 50)
    before = {t: table_rows(db, t, "key" if t == "setting" else "rowid")
              for t in ("item", "person", "department", "setting", "audit_event")}

    def cancel(done, total):
        if done >= 100:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        demo.generate(db, 300, today=TODAY, progress=cancel)
    for table, rows in before.items():
        assert table_rows(db, table, "key" if table == "setting" else "rowid") == rows, table
    with db.session() as s:
        triggers = set(s.execute(text("SELECT name FROM sqlite_master WHERE type='trigger'")).scalars())
    assert {"item_fts_ai", "item_fts_ad", "item_fts_au"} <= triggers
    demo.generate(db, 20, today=TODAY)  # and a later run works and is searchable
    with db.session() as s:
        assert Register(db, TODAY).item_ids(s, ItemFilter(search="长安街道"))


def test_search_index_covers_demo_items(demo_db):
    reg = Register(demo_db, TODAY)
    with demo_db.session() as s:
        doc = s.scalar(select(Item.doc_no).where(Item.doc_no.is_not(None)).limit(1))
        for query in ("最低生活保障", doc, "公示"):  # FTS (3+) and LIKE (2)
            ids = reg.item_ids(s, ItemFilter(search=query))
            like = s.scalars(select(Item.id).where(
                Item.title.contains(query) | Item.content.contains(query) | Item.doc_no.contains(query)))
            assert ids and set(ids) == set(like), query
        triggers = s.execute(text("SELECT name FROM sqlite_master WHERE type='trigger'")).scalars()
        assert {"item_fts_ai", "item_fts_ad", "item_fts_au"} <= set(triggers)


def test_a_past_year_and_a_year_end_into_an_unknown_year(db, data_dir):
    demo.generate(db, 120, year=2025, today=TODAY)
    assert {i.formed_on.year for i in demo_items(db)} == {2025}
    late_dec = open_database(data_dir / "年底.db")
    try:
        demo.generate(late_dec, 400, today=dt.date(2026, 12, 30))
        items = demo_items(late_dec)
        assert any(i.due_provisional and i.due_on.year == 2027 for i in items)
        assert not any(i.due_provisional and i.due_on.year == 2026 for i in items)
    finally:
        late_dec.close()


@pytest.mark.parametrize("items, year", [(-1, None), (10, 2027), (10, 1999)])
def test_bad_requests_are_refused_in_chinese(db, items, year):
    with pytest.raises(ValidationError) as err:
        demo.generate(db, items, year=year, today=TODAY)
    assert re.search(r"[\u4e00-\u9fff]", str(err.value))
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Item)) == 0


def test_remove_demo_leaves_real_records_and_their_links(db, actor):
    with db.session() as s:
        real = create_item(s, actor, ItemData(title="真实的关于防汛工作的通知", formed_on=TODAY), today=TODAY)
        real_id = real.id
    demo.generate(db, 200, actor=actor, today=TODAY)
    with db.session() as s:
        interp_id = s.scalar(select(Item.id).where(Item.is_demo.is_(True), Item.kind == "政策解读").limit(1))
        drafter = next(p for p in s.scalars(select(Person).order_by(Person.id)) if "drafter" in p.roles)
        kept_person, kept_dept = drafter.id, drafter.department_id
        item = s.get(Item, real_id)
        item.interpretation_id, item.drafter_id, item.department_id = interp_id, kept_person, kept_dept
    with db.session() as s:
        demo_count = s.scalar(select(func.count()).select_from(Item).where(Item.is_demo.is_(True)))
        assert s.scalar(select(func.count()).select_from(WorklogEntry)) > 0  # the tally's 工作记录
        real_entry = worklog.create_entry(s, actor, worklog.WorklogData(day=TODAY, kind="meeting",
                                                                        title="真实的政务公开工作会"), today=TODAY)
    removed = demo.remove_demo(db, actor)
    assert removed == demo_count >= 200
    with db.session() as s:
        left = list(s.scalars(select(Item)))
        assert [i.id for i in left] == [real_id] and left[0].interpretation_id is None
        assert {p.id for p in s.scalars(select(Person))} == {kept_person}
        assert {d.id for d in s.scalars(select(Department))} == {kept_dept}
        assert settings.get(s, "demo_loaded") is False and settings.get(s, "org_name") == ""
        assert audit.verify_chain(s) is None
        last = s.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
        assert last.action == "demo_remove" and last.after["items"] == demo_count
        assert Register(db, TODAY).item_ids(s, ItemFilter(search="防汛工作")) == [real_id]
        assert Register(db, TODAY).item_ids(s, ItemFilter(search="公示")) == []
        assert s.execute(text("PRAGMA foreign_key_check")).all() == []
        assert [e.id for e in s.scalars(select(WorklogEntry))] == [real_entry.id]


def test_remove_demo_keeps_a_real_items_review_row_that_points_at_a_demo_item(db, actor):
    from deskapp.core.store.models import ItemReview

    with db.session() as s:
        real_id = create_item(s, actor, ItemData(title="真实信息", formed_on=TODAY), today=TODAY).id
    demo.generate(db, 40, actor=actor, today=TODAY)
    with db.session() as s:
        demo_id = s.scalar(select(Item.id).where(Item.is_demo.is_(True)).limit(1))
        s.merge(ItemReview(item_id=real_id, round=1, superseded_by_id=demo_id))
    demo.remove_demo(db, actor)
    with db.session() as s:
        review = s.get(ItemReview, real_id)
        assert review is not None and review.superseded_by_id is None
        assert s.scalar(select(func.count()).select_from(ItemReview)) == 1


def test_remove_demo_on_a_database_without_demo_is_harmless(db, actor):
    assert demo.remove_demo(db, actor) == 0
