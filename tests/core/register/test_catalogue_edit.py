"""Editing the 公开目录: two levels, all the standard columns, time limits that move deadlines."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from deskapp.core.errors import ValidationError
from deskapp.core.register import catalogue as cat
from deskapp.core.register.items import ItemData, create_item
from deskapp.core.store.models import AuditEvent, CatalogueEntry, Item


def entry_named(s, name):
    return s.scalar(select(CatalogueEntry).where(CatalogueEntry.name == name))


def test_default_catalogue_lists_as_a_tree(db):
    with db.session() as s:
        rows = cat.list_entries(s)
    assert rows[0].name == "机构概况" and rows[0].level == 1
    assert rows[1].name == "机构职能" and rows[1].parent_id == rows[0].id
    areas = [r for r in rows if r.parent_id == next(p.id for p in rows if p.name == "基层政务公开标准目录")]
    assert len(areas) == 26


def test_add_first_and_second_level_with_every_column(db, actor):
    with db.session() as s:
        top = cat.create_entry(s, actor, cat.EntryData(name="民生实事"))
        child = cat.create_entry(s, actor, cat.EntryData(
            parent_id=top.id, name="老旧小区改造", content_elements="改造计划、实施进度", basis="《条例》第二十条",
            time_limit_days=15, subject="城南街道办事处", channels=["政府网站", "其他", "政府网站"],
            audience="特定群众", method="依申请", layer="县级"))
    assert top.code == "91" and top.level == 1  # after "90" 基层政务公开标准目录
    assert child.code == "9101" and child.level == 2
    assert child.channels == ("政府网站", "其他")
    assert child.time_limit_text == "信息形成或者变更之日起15个工作日内"
    with db.session() as s:
        events = s.scalars(select(AuditEvent).where(AuditEvent.entity == "catalogue_entry")).all()
        assert [e.action for e in events] == ["create", "create"]
        assert events[1].after["audience"] == "特定群众"
        rows = cat.list_entries(s)
        assert [r.name for r in rows[-2:]] == ["民生实事", "老旧小区改造"]


@pytest.mark.parametrize("changes, field", [
    ({"name": ""}, "name"),
    ({"name": "机构职能"}, "name"),  # a sibling has it
    ({"time_limit_days": 0}, "time_limit_days"),
    ({"time_limit_days": 61}, "time_limit_days"),
    ({"time_limit_days": True}, "time_limit_days"),
    ({"code": "0101"}, "code"),
    ({"code": "0" * 21}, "code"),
    ({"channels": ["抖音"]}, "channels"),
    ({"audience": "全体"}, "audience"),
    ({"method": "被动"}, "method"),
    ({"layer": "市级"}, "layer"),
    ({"subject": "办" * 101}, "subject"),
])
def test_bad_entry_is_refused_and_nothing_saved(db, actor, changes, field):
    with db.session() as s:
        parent = entry_named(s, "机构概况").id
        count = len(cat.list_entries(s))
    with pytest.raises(ValidationError) as exc:
        with db.session() as s:
            cat.create_entry(s, actor, cat.EntryData(**{"parent_id": parent, "name": "新事项", **changes}))
    assert field in exc.value.fields
    with db.session() as s:
        assert len(cat.list_entries(s)) == count


def test_only_two_levels(db, actor):
    with db.session() as s:
        second = entry_named(s, "机构职能").id
        top = entry_named(s, "机构概况").id
        other_top = entry_named(s, "其他").id
    with pytest.raises(ValidationError) as exc:
        with db.session() as s:
            cat.create_entry(s, actor, cat.EntryData(parent_id=second, name="三级"))
    assert "两级" in exc.value.fields["parent_id"]
    with pytest.raises(ValidationError) as exc:  # a parent with children cannot move under another
        with db.session() as s:
            data = cat.get_entry(s, top).data()
            data.parent_id = other_top
            cat.update_entry(s, actor, top, data)
    assert "二级事项" in exc.value.fields["parent_id"]
    with pytest.raises(ValidationError):
        with db.session() as s:
            data = cat.get_entry(s, other_top).data()
            data.parent_id = other_top
            cat.update_entry(s, actor, other_top, data)


def test_changing_a_time_limit_recomputes_open_deadlines(db, actor, today):
    with db.session() as s:
        entry = entry_named(s, "街道动态")
        open_item = create_item(s, actor, ItemData(title="动态", formed_on=dt.date(2026, 9, 25),
                                                   catalogue_id=entry.id), today=today)
        done = create_item(s, actor, ItemData(title="已发布", formed_on=dt.date(2026, 9, 25),
                                              catalogue_id=entry.id, status="published",
                                              published_on=dt.date(2026, 10, 9)), today=today)
        assert open_item.due_on == dt.date(2026, 10, 29)
    with db.session() as s:
        data = cat.get_entry(s, entry.id).data()
        data.time_limit_days = 10
        saved = cat.update_entry(s, actor, entry.id, data)
    assert saved.deadlines_changed == 1
    assert saved.entry.time_limit_text == "信息形成或者变更之日起10个工作日内"
    with db.session() as s:
        assert s.get(Item, open_item.id).due_on == dt.date(2026, 10, 15)
        assert s.get(Item, done.id).due_on == dt.date(2026, 10, 29)  # published: left as it was
        update = s.scalars(select(AuditEvent).where(AuditEvent.entity == "catalogue_entry")).all()[-1]
        assert update.before["time_limit_days"] == 20 and update.after["time_limit_days"] == 10


def test_own_time_limit_wording_is_kept(db, actor):
    with db.session() as s:
        entry = entry_named(s, "街道动态")
        data = cat.get_entry(s, entry.id).data()
        data.time_limit_text = "活动结束后5个工作日内"
        data.time_limit_days = 5
        assert cat.update_entry(s, actor, entry.id, data).entry.time_limit_text == "活动结束后5个工作日内"


def test_deactivating_a_first_level_entry_takes_its_children(db, actor, today):
    with db.session() as s:
        top = entry_named(s, "财政信息").id
        child = entry_named(s, "预算决算").id
        create_item(s, actor, ItemData(title="预算", formed_on=today, catalogue_id=child), today=today)
    with db.session() as s:
        row = cat.set_entry_active(s, actor, top, False)
        assert row.active is False
    with db.session() as s:
        assert s.get(CatalogueEntry, child).active is False
        assert s.get(Item, 1).catalogue_id == child  # the item keeps its entry
        active = [r.name for r in cat.list_entries(s, include_inactive=False)]
        assert "财政信息" not in active and "预算决算" not in active
    with pytest.raises(ValidationError) as exc:  # a child cannot come back under an inactive parent
        with db.session() as s:
            cat.set_entry_active(s, actor, child, True)
    assert "已停用" in exc.value.fields["parent_id"]
    with db.session() as s:
        cat.set_entry_active(s, actor, top, True)
        cat.set_entry_active(s, actor, child, True)
        assert s.get(CatalogueEntry, child).active is True


def test_next_code_skips_codes_taken_elsewhere(db, actor):
    with db.session() as s:
        top = entry_named(s, "机构概况").id
        cat.create_entry(s, actor, cat.EntryData(parent_id=entry_named(s, "其他").id, name="x", code="0102"))
        assert cat.next_code(s, top) == "0103"
