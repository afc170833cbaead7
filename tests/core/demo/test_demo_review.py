"""Demo review history: consistent with each item's status, every step shown, paper and
online decisions, returns with opinions, 不予公开, revisions, and the known demo password."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, update

from deskapp.core.audit.chain import verify_chain
from deskapp.core.demo.review import DEMO_PASSWORD, add_review_history
from deskapp.core.register.items import ItemData, create_item
from deskapp.core.review import passwords, workflow
from deskapp.core.review import queue as review_queue
from deskapp.core.store.models import Item, ItemReview, Person, ReviewDecision
from tests.review_support import TODAY, make_staff

STATUSES = ["draft", "in_review", "in_review", "in_review", "returned", "approved", "published", "withdrawn"]


@pytest.fixture
def demo_db(db, actor):
    with db.session() as s:
        staff = make_staff(s)
        s.execute(update(Person).values(is_demo=True, password_hash=None))
        for n in range(96):
            status = STATUSES[n % len(STATUSES)]
            formed = TODAY - dt.timedelta(days=5 + n % 60)
            published = (min(formed + dt.timedelta(days=3 + n % 30), TODAY)
                         if status in ("published", "withdrawn") else None)
            withheld = n % 23 == 5  # a few 不予公开, one of them "published" by the generator
            data = ItemData(title=f"演示信息{n}", kind="工作动态", formed_on=formed, department_id=staff.dept,
                            drafter_id=staff.drafter, status=status, published_on=published,
                            attribute="withheld" if withheld else "active",
                            withheld_reason="涉及国家秘密" if withheld else "", channels=["政府网站"])
            create_item(s, actor, data, today=TODAY, is_demo=True)
    return db, staff


def test_history_matches_every_status(demo_db):
    db, staff = demo_db
    with db.session() as s:
        summary = add_review_history(s, TODAY, seed=3)
    assert summary.revisions == 3 and summary.paper > 0 and summary.returned > 0 and summary.withheld > 0
    with db.session() as s:
        for item in s.scalars(select(Item).where(Item.revision_of_id.is_(None))):
            review = s.get(ItemReview, item.id)
            if item.status == "draft":
                assert review is None
                continue
            assert review is not None and review.submitted_on <= TODAY
            if item.status == "in_review":
                assert review.current_position is not None and review.step_since <= TODAY
            elif item.status == "returned":
                last = s.scalars(select(ReviewDecision).where(ReviewDecision.item_id == item.id)
                                 .order_by(ReviewDecision.id.desc())).first()
                assert last.decision == "return" and last.opinion
            elif item.attribute == "withheld" and item.status == "approved":
                assert review.outcome == "withheld" and item.published_on is None
            elif item.status in ("published", "withdrawn"):
                assert workflow.fully_approved(s, item) and review.approved_on <= item.published_on
            for d in s.scalars(select(ReviewDecision).where(ReviewDecision.item_id == item.id)):
                assert d.person_id != item.drafter_id
                assert (d.mode == "paper") == (d.paper_date is not None)
        assert s.scalar(select(func.count()).select_from(Item).where(
            Item.attribute == "withheld", Item.status.in_(["published", "withdrawn"]))) == 0
        assert verify_chain(s) is None


def test_queue_shows_every_step_and_revisions(demo_db):
    db, staff = demo_db
    with db.session() as s:
        add_review_history(s, TODAY, seed=3)
        groups = review_queue.grouped(s, review_queue.queue_rows(s, TODAY))
        revisions = s.scalars(select(Item).where(Item.revision_of_id.is_not(None))).all()
        superseded = s.scalar(select(func.count()).select_from(ItemReview)
                              .where(ItemReview.superseded_by_id.is_not(None)))
    assert all(g.rows for g in groups), [(g.label, len(g.rows)) for g in groups]
    assert sorted(r.status for r in revisions) == ["draft", "in_review", "published"]
    assert superseded == 1


def test_demo_reviewers_sign_with_the_demo_password(demo_db):
    db, staff = demo_db
    with db.session() as s:
        add_review_history(s, TODAY)
    with db.session() as s:
        assert passwords.authenticate(s, staff.secrecy, DEMO_PASSWORD, "演示").id == staff.secrecy


def test_running_twice_adds_nothing_new(demo_db):
    db, staff = demo_db
    with db.session() as s:
        add_review_history(s, TODAY, revisions=0)
        before = s.scalar(select(func.count()).select_from(ReviewDecision))
        again = add_review_history(s, TODAY, revisions=0)
        assert again.items == 0 and s.scalar(select(func.count()).select_from(ReviewDecision)) == before


def _rows(db, table, order="id"):
    from sqlalchemy import text

    with db.session() as s:
        return [tuple(r) for r in s.execute(text(f"SELECT * FROM {table} ORDER BY {order}"))]


def test_demo_generator_gives_every_view_something(db):
    from deskapp.core.demo import generate as demo

    demo.generate(db, 600, seed=4, today=TODAY)
    with db.session() as s:
        groups = review_queue.grouped(s, review_queue.queue_rows(s, TODAY))
        decisions = s.scalars(select(ReviewDecision)).all()
        revisions = s.scalars(select(Item).where(Item.revision_of_id.is_not(None))).all()
        withheld = s.scalar(select(func.count()).select_from(ItemReview).where(ItemReview.outcome == "withheld"))
        secrecy = next(p.id for p in s.scalars(select(Person)) if "secrecy" in (p.roles or []))
    with db.session() as s:
        assert passwords.authenticate(s, secrecy, DEMO_PASSWORD, "演示").id == secrecy
    assert all(g.rows for g in groups), [(g.label, len(g.rows)) for g in groups]
    assert {d.mode for d in decisions} == {"online", "paper"}
    assert any(d.decision == "return" and d.opinion for d in decisions)
    assert any(d.decision == "withhold" for d in decisions) and withheld > 0
    assert len(revisions) == 3
    with db.session() as s:
        for r in revisions:
            assert r.title == s.get(Item, r.revision_of_id).title and r.revision_no == 2


def test_same_seed_same_review_rows(db, data_dir):
    from deskapp.core.demo import generate as demo
    from deskapp.core.desk import open_database

    demo.generate(db, 200, seed=9, today=TODAY)
    twin = open_database(data_dir / "孪生 台账.db")
    try:
        demo.generate(twin, 200, seed=9, today=TODAY)
        orders = {"item_step_person": "item_step_id, person_id", "item_review": "item_id"}
        for table in ("item", "person", "item_step", "item_step_person", "item_review", "review_decision"):
            order = orders.get(table, "id")
            assert _rows(db, table, order) == _rows(twin, table, order), table
    finally:
        twin.close()


def test_a_withhold_decision_gives_the_items_own_reason(demo_db):
    """The 审批表 shows both the item's 不予公开理由 and the 保密审查 opinion: they agree."""
    db, _staff = demo_db
    with db.session() as s:
        add_review_history(s, TODAY, seed=3)
        pairs = s.execute(select(ReviewDecision.opinion, Item.withheld_reason)
                          .join(Item, Item.id == ReviewDecision.item_id)
                          .where(ReviewDecision.decision == "withhold")).all()
    assert pairs and all(opinion == reason for opinion, reason in pairs)
