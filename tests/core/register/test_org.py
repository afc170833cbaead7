"""Organisation settings and departments: every rule, tried with input that breaks it."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from deskapp.core.errors import NotFoundError, ValidationError
from deskapp.core.register import org
from deskapp.core.register.items import ItemData, create_item
from deskapp.core.register.people import PersonData, create_person
from deskapp.core.store import settings
from deskapp.core.store.models import AuditEvent, Department, Item


def events(s, entity):
    return list(s.scalars(select(AuditEvent).where(AuditEvent.entity == entity).order_by(AuditEvent.id)))


# --- settings ---------------------------------------------------------------------------

def test_save_settings_stores_and_audits_once(db, actor):
    with db.session() as s:
        saved = org.save_settings(s, actor, {"org_name": " 城南街道办事处 ", "index_prefix": "11330802002594XXXX",
                                             "serial_width": "4", "email": "gkb@example.gov.cn"})
    assert saved.changed["org_name"] == ("", "城南街道办事处")
    assert saved.deadlines_changed == 0
    with db.session() as s:
        assert settings.get(s, "serial_width") == 4
        assert settings.get(s, "org_name") == "城南街道办事处"
        (event,) = events(s, "setting")
        assert event.actor_name == "测试员"
        assert event.before["org_name"] == "" and event.after["index_prefix"] == "11330802002594XXXX"


def test_unchanged_settings_leave_no_event(db, actor):
    with db.session() as s:
        org.save_settings(s, actor, {"org_name": "城南街道"})
    with db.session() as s:
        saved = org.save_settings(s, actor, {"org_name": "城南街道"})
        assert saved.changed == {}
        assert len(events(s, "setting")) == 1


@pytest.mark.parametrize("changes, field", [
    ({"org_name": "  "}, "org_name"),
    ({"index_prefix": "1133/08"}, "index_prefix"),
    ({"serial_width": 2}, "serial_width"),
    ({"serial_width": "五"}, "serial_width"),
    ({"notice_days": 0}, "notice_days"),
    ({"notice_day_kind": "lunar"}, "notice_day_kind"),
    ({"default_time_limit": 61}, "default_time_limit"),
    ({"due_soon_workdays": 16}, "due_soon_workdays"),
    ({"email": "gkb at example"}, "email"),
    ({"phone": "0573-8888abc"}, "phone"),
    ({"annual_report_due": "02-30"}, "annual_report_due"),
    ({"annual_report_due": "1月31日"}, "annual_report_due"),
])
def test_bad_settings_are_refused_and_nothing_saved(db, actor, changes, field):
    with pytest.raises(ValidationError) as exc:
        with db.session() as s:
            org.save_settings(s, actor, {"address": "新地址", **changes})
    assert field in exc.value.fields
    assert any("\u4e00" <= ch <= "\u9fff" for ch in exc.value.fields[field])
    with db.session() as s:
        assert settings.get(s, "address") == ""
        assert events(s, "setting") == []


def test_new_default_time_limit_recomputes_deadlines_without_catalogue(db, actor, today):
    with db.session() as s:
        item = create_item(s, actor, ItemData(title="通知", formed_on=dt.date(2026, 9, 25)), today=today)
        assert item.due_on == dt.date(2026, 10, 29)
    with db.session() as s:
        saved = org.save_settings(s, actor, {"default_time_limit": 10})
    assert saved.deadlines_changed == 1
    with db.session() as s:
        assert s.get(Item, item.id).due_on == dt.date(2026, 10, 15)


# --- departments --------------------------------------------------------------------------

def add(s, actor, name, kind="office", order=0):
    return org.create_department(s, actor, org.DepartmentData(name, kind, order))


def test_create_department_audits_and_lists_in_order(db, actor):
    with db.session() as s:
        add(s, actor, "社区管理办", order=2)
        add(s, actor, "党政办", order=1)
        add(s, actor, "城南社区居委会", "community", 3)
    with db.session() as s:
        rows = org.list_departments(s)
        assert [r.name for r in rows] == ["党政办", "社区管理办", "城南社区居委会"]
        assert rows[2].kind_label == "社区"
        assert len(events(s, "department")) == 3


@pytest.mark.parametrize("data, field", [
    (org.DepartmentData(""), "name"),
    (org.DepartmentData("  "), "name"),
    (org.DepartmentData("办" * 101), "name"),
    (org.DepartmentData("党政办", "bureau"), "kind"),
    (org.DepartmentData("党政办", "office", -1), "sort_order"),
    (org.DepartmentData("党政办", "office", 10000), "sort_order"),
])
def test_bad_department_is_refused(db, actor, data, field):
    with pytest.raises(ValidationError) as exc:
        with db.session() as s:
            org.create_department(s, actor, data)
    assert field in exc.value.fields
    with db.session() as s:
        assert org.list_departments(s) == []


def test_duplicate_department_name_is_refused_even_when_inactive(db, actor):
    with db.session() as s:
        dept = add(s, actor, "党政办")
        org.set_department_active(s, actor, dept.id, False)
    with pytest.raises(ValidationError) as exc:
        with db.session() as s:
            add(s, actor, " 党政办 ")
    assert "已停用" in exc.value.fields["name"]


def test_renaming_onto_another_name_is_refused_but_own_name_is_fine(db, actor):
    with db.session() as s:
        a = add(s, actor, "党政办")
        b = add(s, actor, "平安办")
    with pytest.raises(ValidationError):
        with db.session() as s:
            org.update_department(s, actor, b.id, org.DepartmentData("党政办"))
    with db.session() as s:
        row = org.update_department(s, actor, a.id, org.DepartmentData("党政办", "office", 5))
        assert row.sort_order == 5
        (update,) = [e for e in events(s, "department") if e.action == "update"]
        assert update.before == {"sort_order": 0} and update.after == {"sort_order": 5}


def test_unreferenced_department_is_deleted(db, actor):
    with db.session() as s:
        dept = add(s, actor, "临时办")
    with db.session() as s:
        assert org.remove_department(s, actor, dept.id) == "deleted"
    with db.session() as s:
        assert s.get(Department, dept.id) is None
        assert events(s, "department")[-1].action == "delete"


def test_department_with_people_or_items_is_deactivated_not_deleted(db, actor, today):
    with db.session() as s:
        with_person = add(s, actor, "党政办")
        with_item = add(s, actor, "平安办")
        create_person(s, actor, PersonData("张三", with_person.id, ["maintainer"]))
        create_item(s, actor, ItemData(title="平安建设通报", formed_on=today, department_id=with_item.id),
                    today=today)
    with db.session() as s:
        assert org.remove_department(s, actor, with_person.id) == "deactivated"
        assert org.remove_department(s, actor, with_item.id) == "deactivated"
    with db.session() as s:
        assert [r.active for r in org.list_departments(s)] == [False, False]
        assert org.list_departments(s, include_inactive=False) == []
        assert s.get(Item, 1).department_id == with_item.id


def test_missing_department_says_so(db, actor):
    with pytest.raises(NotFoundError):
        with db.session() as s:
            org.update_department(s, actor, 999, org.DepartmentData("党政办"))


def test_every_bad_setting_is_reported_at_once(db, actor):
    with pytest.raises(ValidationError) as exc:
        with db.session() as s:
            org.save_settings(s, actor, {"serial_width": "x", "index_prefix": "a/b", "email": "e", "org_name": ""})
    assert set(exc.value.fields) == {"serial_width", "index_prefix", "email", "org_name"}
