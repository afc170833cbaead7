"""The register's rules, each tried and broken: 文号 normalisation, validation, index numbers,
due dates from the catalogue, concurrent edits, delete/withdraw, recomputation, audit chain."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from sqlalchemy import func, select, text

from deskapp.core.audit import chain as audit
from deskapp.core.calendar.workdays import HolidayRange, YearArrangement, save_arrangement
from deskapp.core.errors import ConcurrentEditError, NotFoundError, ValidationError
from deskapp.core.register.items import (
    ItemData,
    create_item,
    delete_item,
    get_item,
    next_index_no,
    normalize_doc_no,
    recompute_open_deadlines,
    update_item,
    validate,
    withdraw_item,
)
from deskapp.core.store import settings
from deskapp.core.store.models import AuditEvent, CatalogueEntry, Item

TODAY = dt.date(2026, 11, 26)
BRACKETS = [("[", "]"), ("(", ")"), ("（", "）"), ("【", "】"), ("［", "］"), ("〔", "〕"), ("{", "}"), ("｛", "｝")]
BRACKET_CHARS = "".join(a + b for a, b in BRACKETS)
plain = st.text(st.characters(blacklist_characters=BRACKET_CHARS, blacklist_categories=("Cs",)),
                max_size=12)


def data(**kw) -> ItemData:
    return ItemData(**{"title": "关于做好防汛工作的通知", "formed_on": dt.date(2026, 9, 25), **kw})


def make(db, actor, **kw) -> int:
    with db.session() as s:
        return create_item(s, actor, data(**kw), today=TODAY).id


def count(db) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(Item))


# --- 文号 ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("typed", ["长街发[2026]3号", "长街发(2026)3号", "长街发（2026）3号", "长街发【2026】3号",
                                   "长街发［2026］3号", "长街发〔 2026 〕3号", " 长街发〔2026〕3号 "])
def test_doc_no_brackets_as_clerks_type_them(typed):
    assert normalize_doc_no(typed) == "长街发〔2026〕3号"


@pytest.mark.parametrize("typed, stored", [("", None), ("   ", None), (None, None),
                                           ("第[12]号", "第[12]号"), ("长街发[26]3号", "长街发[26]3号")])
def test_doc_no_leaves_what_is_not_a_year_alone(typed, stored):
    assert normalize_doc_no(typed) == stored


@hsettings(max_examples=300)
@given(plain, st.sampled_from(BRACKETS), st.integers(1900, 2099), plain)
def test_doc_no_only_the_year_brackets_change(prefix, brackets, year, suffix):
    typed = f"{prefix}{brackets[0]}{year}{brackets[1]}{suffix}"
    expected = f"{prefix}〔{year}〕{suffix}".strip() or None
    assert normalize_doc_no(typed) == expected


@hsettings(max_examples=300)
@given(st.text(max_size=30))
def test_doc_no_normalising_is_idempotent_and_keeps_everything_but_brackets(typed):
    once = normalize_doc_no(typed)
    assert normalize_doc_no(once) == once
    strip = str.maketrans("", "", BRACKET_CHARS + " \t\n\r\x0b\x0c\u3000")
    if once is not None:
        assert re.sub(r"\s", "", once.translate(strip)) == re.sub(r"\s", "", typed.translate(strip))


# --- validation ---------------------------------------------------------------------------------

BROKEN = [
    ({"title": "  "}, "title"),
    ({"title": "长" * 301}, "title"),
    ({"kind": "通知"}, "kind"),
    ({"formed_on": None}, "formed_on"),
    ({"formed_on": TODAY + dt.timedelta(days=1)}, "formed_on"),
    ({"changed_on": dt.date(2026, 9, 1)}, "changed_on"),
    ({"changed_on": TODAY + dt.timedelta(days=1)}, "changed_on"),
    ({"attribute": "secret"}, "attribute"),
    ({"attribute": "withheld", "withheld_reason": " "}, "withheld_reason"),
    ({"scope": "world"}, "scope"),
    ({"status": "done"}, "status"),
    ({"published_on": TODAY + dt.timedelta(days=1)}, "published_on"),
    ({"published_on": dt.date(2026, 9, 1)}, "published_on"),
    ({"notice_start": dt.date(2026, 10, 9), "notice_end": dt.date(2026, 10, 8)}, "notice_end"),
    ({"posted_on": TODAY + dt.timedelta(days=1)}, "posted_on"),
    ({"posted_on": dt.date(2026, 10, 9), "removed_on": TODAY + dt.timedelta(days=1)}, "removed_on"),
    ({"removed_on": dt.date(2026, 10, 9)}, "removed_on"),
    ({"posted_on": dt.date(2026, 10, 9), "removed_on": dt.date(2026, 10, 8)}, "removed_on"),
    ({"validity": "maybe"}, "validity"),
    ({"valid_from": dt.date(2026, 10, 9), "valid_until": dt.date(2026, 10, 8)}, "valid_until"),
    ({"notice_days": 0}, "notice_days"),
    ({"notice_days": 91}, "notice_days"),
    ({"notice_day_kind": "weekly"}, "notice_day_kind"),
]


@pytest.mark.parametrize("changes, field", BROKEN)
def test_each_rule_broken_names_its_field_in_chinese_and_saves_nothing(db, actor, changes, field):
    with pytest.raises(ValidationError) as err:
        make(db, actor, **changes)
    assert field in err.value.fields
    assert re.search(r"[\u4e00-\u9fff]", err.value.fields[field])
    assert count(db) == 0


def test_a_good_item_passes_and_rules_hold_at_the_edges(db, actor):
    edges = dict(published_on=dt.date(2026, 9, 25), posted_on=TODAY, removed_on=TODAY,
                 notice_start=TODAY, notice_end=TODAY, attribute="withheld",
                 withheld_reason="涉及个人隐私", notice_days=90, notice_day_kind="working")
    assert validate(data(**edges), TODAY) is None  # no ValidationError at any edge
    item_id = make(db, actor, **edges)
    with db.session() as s:
        saved = s.get(Item, item_id)
        assert (saved.notice_start, saved.notice_end, saved.withheld_reason) == (TODAY, TODAY, "涉及个人隐私")


def test_references_that_do_not_exist(db, actor):
    with pytest.raises(ValidationError) as err:
        make(db, actor, department_id=999, drafter_id=999, catalogue_id=99999, interpretation_id=999)
    assert set(err.value.fields) == {"department_id", "drafter_id", "catalogue_id", "interpretation_id"}


# --- index numbers ------------------------------------------------------------------------------

def test_index_numbers_unique_and_sequential_per_year_with_prefix_and_width(db, actor):
    with db.session() as s:
        settings.put_many(s, {"index_prefix": "11330802002594738X", "serial_width": 3})
    first = [make(db, actor) for _ in range(3)]
    old = make(db, actor, formed_on=dt.date(2025, 12, 31))
    with db.session() as s:
        numbers = [get_item(s, i).index_no for i in first]
        assert numbers == [f"11330802002594738X/2026-{n:03d}" for n in (1, 2, 3)]
        assert get_item(s, old).index_no == "11330802002594738X/2025-001"
        assert next_index_no(s, 2026) == "11330802002594738X/2026-004"
    with db.session() as s:
        delete_item(s, actor, first[1])
    assert make(db, actor) != first[1]
    with db.session() as s:
        assert len({i.index_no for i in s.scalars(select(Item))}) == count(db)


def test_an_index_number_given_by_hand_must_be_free(db, actor):
    make(db, actor, index_no="X/2026-00077")
    with pytest.raises(ValidationError) as err:
        make(db, actor, index_no="X/2026-00077")
    assert "已被使用" in err.value.fields["index_no"]
    other = make(db, actor)
    with db.session() as s:
        item = get_item(s, other)
        with pytest.raises(ValidationError):
            update_item(s, actor, other, item.version, dataclasses.replace(ItemData.of(item), index_no="X/2026-00077"),
                        today=TODAY)


def test_a_prefix_with_like_wildcards_counts_only_its_own_numbers(db, actor):
    with db.session() as s:
        settings.put_many(s, {"index_prefix": "A_%"})
    make(db, actor)
    with db.session() as s:
        settings.put_many(s, {"index_prefix": "AB%"})
    assert make(db, actor)
    with db.session() as s:
        assert sorted(i.index_no for i in s.scalars(select(Item))) == ["AB%/2026-00001", "A_%/2026-00001"]


# --- due dates ----------------------------------------------------------------------------------

def entry(db, code: str) -> int:
    with db.session() as s:
        return s.scalar(select(CatalogueEntry.id).where(CatalogueEntry.code == code))


def test_due_date_from_the_catalogue_time_limit(db, actor):
    assistance = make(db, actor, catalogue_id=entry(db, "9018"))  # 社会救助: 10 working days
    general = make(db, actor, catalogue_id=entry(db, "0601"))
    default = make(db, actor)
    changed = make(db, actor, changed_on=dt.date(2026, 10, 9))
    on_request = make(db, actor, attribute="on_request")
    with db.session() as s:
        assert get_item(s, assistance).due_on == dt.date(2026, 10, 15)
        assert get_item(s, general).due_on == dt.date(2026, 10, 29)
        assert get_item(s, default).due_on == dt.date(2026, 10, 29)
        assert get_item(s, changed).due_on == dt.date(2026, 11, 5)  # counted from 变更日期
        assert get_item(s, on_request).due_on is None


def test_changing_the_catalogue_entry_moves_the_due_date(db, actor):
    item_id = make(db, actor)
    with db.session() as s:
        item = get_item(s, item_id)
        update_item(s, actor, item_id, item.version,
                    dataclasses.replace(ItemData.of(item), catalogue_id=entry(db, "9018")), today=TODAY)
    with db.session() as s:
        assert get_item(s, item_id).due_on == dt.date(2026, 10, 15)


# --- concurrent edits ---------------------------------------------------------------------------

def test_an_edit_on_an_old_version_is_refused_and_nothing_overwritten(db, actor):
    item_id = make(db, actor)
    with db.session() as s:
        seen = get_item(s, item_id)
        mine, version = ItemData.of(seen), seen.version
    with db.session() as s:
        update_item(s, actor, item_id, version, dataclasses.replace(mine, title="他人先改的标题"), today=TODAY)
    with pytest.raises(ConcurrentEditError) as err:
        with db.session() as s:
            update_item(s, actor, item_id, version, dataclasses.replace(mine, title="我改的标题"), today=TODAY)
    assert "此记录已被他人修改" in str(err.value)
    with db.session() as s:
        item = get_item(s, item_id)
        assert item.title == "他人先改的标题" and item.version == version + 1


def test_a_save_racing_another_between_reading_and_writing_is_refused(db, actor):
    """Both read version 1; the other commits first; ours must not crash or overwrite."""
    item_id = make(db, actor)
    with pytest.raises(ConcurrentEditError):
        with db.session() as mine:
            item = get_item(mine, item_id)
            version, fields = item.version, ItemData.of(item)
            with db.session() as other:
                update_item(other, actor, item_id, version, dataclasses.replace(fields, title="他人的"),
                            today=TODAY)
            update_item(mine, actor, item_id, version, dataclasses.replace(fields, title="我的"), today=TODAY)
    with db.session() as s:
        assert get_item(s, item_id).title == "他人的"


@pytest.mark.parametrize("action", ["delete", "withdraw"])
def test_delete_and_withdraw_check_the_version_too(db, actor, action):
    item_id = make(db, actor, status="published" if action == "withdraw" else "draft",
                   published_on=dt.date(2026, 9, 28) if action == "withdraw" else None)
    with db.session() as s:
        version = get_item(s, item_id).version
    with db.session() as s:
        item = get_item(s, item_id)
        update_item(s, actor, item_id, version, dataclasses.replace(ItemData.of(item), url="https://x.gov.cn/1"),
                    today=TODAY)
    with pytest.raises(ConcurrentEditError):
        with db.session() as s:
            if action == "delete":
                delete_item(s, actor, item_id, expected_version=version)
            else:
                withdraw_item(s, actor, item_id, "内容有误", expected_version=version)


# --- delete / withdraw --------------------------------------------------------------------------

@pytest.mark.parametrize("status, deletable", [("draft", True), ("returned", True), ("in_review", False),
                                               ("approved", False), ("published", False), ("withdrawn", False)])
def test_only_drafts_can_be_deleted(db, actor, status, deletable):
    published = dt.date(2026, 9, 28) if status in ("published", "withdrawn") else None
    item_id = make(db, actor, status=status, published_on=published)
    if deletable:
        with db.session() as s:
            delete_item(s, actor, item_id)
        assert count(db) == 0
    else:
        with pytest.raises(ValidationError) as err:
            with db.session() as s:
                delete_item(s, actor, item_id)
        assert "不能删除" in err.value.fields["status"]
        assert count(db) == 1


def test_deleting_an_interpretation_unlinks_its_policy(db, actor):
    interp = make(db, actor, kind="政策解读", title="《通知》解读")
    policy = make(db, actor, kind="政策文件", interpretation_id=interp)
    with db.session() as s:
        delete_item(s, actor, interp)
    with db.session() as s:
        assert get_item(s, policy).interpretation_id is None
    with pytest.raises(NotFoundError):
        with db.session() as s:
            get_item(s, interp)


def test_withdraw_only_published_and_only_with_a_reason(db, actor):
    draft = make(db, actor)
    published = make(db, actor, status="published", published_on=dt.date(2026, 9, 28))
    with pytest.raises(ValidationError) as err:
        with db.session() as s:
            withdraw_item(s, actor, draft, "原因")
    assert "只有已发布" in err.value.fields["status"]
    with pytest.raises(ValidationError) as err:
        with db.session() as s:
            withdraw_item(s, actor, published, "  ")
    assert "reason" in err.value.fields
    with db.session() as s:
        withdraw_item(s, actor, published, "政策已调整", today=TODAY)
    with db.session() as s:
        assert get_item(s, published).status == "withdrawn"
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "withdraw")).one()
        assert event.after == {"status": "withdrawn", "reason": "政策已调整", "on": "2026-11-26"}


# --- recomputation ------------------------------------------------------------------------------

def test_recompute_open_deadlines_after_entering_next_years_arrangement(db, actor):
    open_id = make(db, actor, formed_on=dt.date(2026, 11, 25), title="年底形成的信息")
    done_id = make(db, actor, formed_on=dt.date(2026, 11, 25), status="published",
                   published_on=dt.date(2026, 11, 26))
    # formed 12/20 cannot be created before that day: move the open one there by hand
    with db.session() as s:
        s.execute(text("UPDATE item SET formed_on = '2026-12-20', due_on = '2027-01-15', "
                       "due_provisional = :yes WHERE id IN (:a, :b)"), {"a": open_id, "b": done_id, "yes": True})
    with db.session() as s:
        before_version = get_item(s, open_id).version
        save_arrangement(s, YearArrangement(2027, [HolidayRange("元旦", dt.date(2027, 1, 1),
                                                                dt.date(2027, 1, 3))], []))
        assert recompute_open_deadlines(s, actor) == 1
    with db.session() as s:
        item = get_item(s, open_id)
        assert (item.due_on, item.due_provisional) == (dt.date(2027, 1, 18), False)
        assert item.version == before_version  # nobody's open edit is refused for this
        assert get_item(s, done_id).due_on == dt.date(2027, 1, 15)  # published: left alone
        assert s.scalars(select(AuditEvent.action).order_by(AuditEvent.id.desc())).first() == \
            "recompute_deadlines"
        assert recompute_open_deadlines(s, actor) == 0


# --- the audit chain over real changes ----------------------------------------------------------

def test_audit_chain_verifies_after_many_changes_and_breaks_when_tampered(db, actor):
    ids = [make(db, actor, title=f"第{n}条信息") for n in range(12)]
    for item_id in ids[:6]:
        with db.session() as s:
            item = get_item(s, item_id)
            update_item(s, actor, item_id, item.version,
                        dataclasses.replace(ItemData.of(item), summary="摘要"), today=TODAY)
    with db.session() as s:
        delete_item(s, actor, ids[-1])
        assert audit.verify_chain(s) is None
        events = list(s.scalars(select(AuditEvent.id).where(AuditEvent.entity == "item")
                                .order_by(AuditEvent.id)))
    assert len(events) == 12 + 6 + 1
    with db.session() as s:
        s.execute(text("UPDATE audit_event SET actor_name = '别人' WHERE id = :id"), {"id": events[3]})
        broken = audit.verify_chain(s)
        assert broken is not None and broken.event_id == events[3]
        s.rollback()
    with db.session() as s:
        s.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": events[5]})
        broken = audit.verify_chain(s)
        assert broken is not None and broken.event_id == events[6]


def test_each_change_is_recorded_with_who_and_what(db, actor):
    item_id = make(db, actor)
    with db.session() as s:
        item = get_item(s, item_id)
        update_item(s, actor, item_id, item.version,
                    dataclasses.replace(ItemData.of(item), title="新标题"), today=TODAY)
    with db.session() as s:
        events = list(s.scalars(select(AuditEvent).where(AuditEvent.entity == "item")
                                .order_by(AuditEvent.id)))
    assert [e.action for e in events] == ["create", "update"]
    assert all(e.actor_name == actor.name for e in events)
    assert events[1].before == {"title": "关于做好防汛工作的通知", "version": 1}
    assert events[1].after == {"title": "新标题", "version": 2}



# --- what reviewers signed cannot be edited behind their backs ------------------------------------

@pytest.mark.parametrize("status", ["in_review", "approved", "published", "withdrawn"])
@pytest.mark.parametrize("field, value", [("title", "悄悄改过的标题"), ("content", "新的正文"),
                                          ("attribute", "withheld"), ("doc_no", "长街发〔2026〕99号")])
def test_reviewed_content_is_frozen_after_submission(db, actor, status, field, value):
    published = dt.date(2026, 9, 28) if status in ("published", "withdrawn") else None
    item_id = make(db, actor, status=status, published_on=published)
    with db.session() as s:
        item = get_item(s, item_id)
        before = (item.version, getattr(item, field))
        data = dataclasses.replace(ItemData.of(item), **{field: value, "withheld_reason": "涉密"})
    with pytest.raises(ValidationError) as err:
        with db.session() as s:
            update_item(s, actor, item_id, before[0], data, today=TODAY)
    assert ("退回" in err.value.message) if status in ("in_review", "approved") else ("变更" in err.value.message)
    with db.session() as s:
        item = get_item(s, item_id)
        assert (item.version, getattr(item, field)) == before


@pytest.mark.parametrize("status", ["draft", "returned", "in_review", "approved"])
def test_status_never_changes_through_an_edit(db, actor, status):
    item_id = make(db, actor, status=status)
    with db.session() as s:
        item = get_item(s, item_id)
        data = dataclasses.replace(ItemData.of(item), status="published", published_on=dt.date(2026, 9, 28))
        version = item.version
    with pytest.raises(ValidationError):
        with db.session() as s:
            update_item(s, actor, item_id, version, data, today=TODAY)
    with db.session() as s:
        assert get_item(s, item_id).status == status


def test_bookkeeping_fields_stay_editable_after_publication(db, actor):
    item_id = make(db, actor, status="published", published_on=dt.date(2026, 9, 28))
    with db.session() as s:
        item = get_item(s, item_id)
        data = dataclasses.replace(ItemData.of(item), url="https://x.gov.cn/2", posted_board="东风社区公示栏",
                                   posted_on=dt.date(2026, 9, 29))
        update_item(s, actor, item_id, item.version, data, today=TODAY)
    with db.session() as s:
        assert get_item(s, item_id).posted_board == "东风社区公示栏"
