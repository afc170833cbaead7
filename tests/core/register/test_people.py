"""People and their roles: every rule, tried with input that breaks it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from deskapp.core.audit.chain import Actor
from deskapp.core.errors import ValidationError
from deskapp.core.register import org, people
from deskapp.core.register.items import ItemData, create_item
from deskapp.core.register.people import PersonData
from deskapp.core.store.models import AuditEvent, Department, Person


@pytest.fixture
def depts(db, actor):
    with db.session() as s:
        a = org.create_department(s, actor, org.DepartmentData("党政办", "office", 1))
        b = org.create_department(s, actor, org.DepartmentData("城南社区", "community", 2))
    return a.id, b.id


def person_events(s):
    return list(s.scalars(select(AuditEvent).where(AuditEvent.entity == "person").order_by(AuditEvent.id)))


def test_create_person_keeps_roles_in_order_and_audits(db, actor, depts):
    with db.session() as s:
        row = people.create_person(s, actor, PersonData(" 张三 ", depts[0], ["secrecy", "maintainer", "secrecy"],
                                                        "副主任", "0573-8888 1234"))
    assert row.roles == ("maintainer", "secrecy")
    assert row.roles_label == "信息员、保密审查员"
    assert row.display == "张三（党政办）"
    with db.session() as s:
        (event,) = person_events(s)
        assert event.action == "create" and event.after["name"] == "张三"


@pytest.mark.parametrize("data, field", [
    (PersonData(""), "name"),
    (PersonData("张" * 51), "name"),
    (PersonData("张三", roles=["boss"]), "roles"),
    (PersonData("张三", title="长" * 51), "title"),
    (PersonData("张三", phone="138 0000 abcd"), "phone"),
    (PersonData("张三", phone="1" * 31), "phone"),
    (PersonData("张三", department_id=999), "department_id"),
])
def test_bad_person_is_refused(db, actor, data, field):
    with pytest.raises(ValidationError) as exc:
        with db.session() as s:
            people.create_person(s, actor, data)
    assert field in exc.value.fields
    with db.session() as s:
        assert people.list_people(s) == []


def test_same_name_in_same_department_is_refused_elsewhere_allowed(db, actor, depts):
    with db.session() as s:
        people.create_person(s, actor, PersonData("张伟", depts[0]))
    with pytest.raises(ValidationError) as exc:
        with db.session() as s:
            people.create_person(s, actor, PersonData("张伟", depts[0]))
    assert "区分" in exc.value.fields["name"]
    with db.session() as s:
        people.create_person(s, actor, PersonData("张伟", depts[1]))
        assert [p.display for p in people.list_people(s)] == ["张伟（党政办）", "张伟（城南社区）"]


def test_inactive_department_cannot_be_chosen_for_someone_new(db, actor, depts):
    with db.session() as s:
        kept = people.create_person(s, actor, PersonData("李四", depts[1]))
        org.set_department_active(s, actor, depts[1], False)
    with pytest.raises(ValidationError) as exc:
        with db.session() as s:
            people.create_person(s, actor, PersonData("王五", depts[1]))
    assert "已停用" in exc.value.fields["department_id"]
    with db.session() as s:  # who is already there may still be edited
        assert people.update_person(s, actor, kept.id, PersonData("李四", depts[1], title="主任")).title == "主任"


def test_update_audits_only_what_changed_and_moves_department(db, actor, depts):
    with db.session() as s:
        row = people.create_person(s, actor, PersonData("张三", depts[0], ["drafter"]))
    with db.session() as s:
        moved = people.update_person(s, actor, row.id, PersonData("张三", depts[1], ["drafter", "dept_head"]))
        assert moved.department_name == "城南社区"
        event = person_events(s)[-1]
        assert event.before == {"department_id": depts[0], "roles": ["drafter"]}
        assert event.after == {"department_id": depts[1], "roles": ["drafter", "dept_head"]}


def test_unreferenced_person_is_deleted(db, actor):
    with db.session() as s:
        row = people.create_person(s, actor, PersonData("临时工"))
    with db.session() as s:
        assert people.remove_person(s, actor, row.id) == "deleted"
    with db.session() as s:
        assert s.get(Person, row.id) is None
        assert person_events(s)[-1].action == "delete"


def test_drafter_of_an_item_is_deactivated_not_deleted(db, actor, today):
    with db.session() as s:
        row = people.create_person(s, actor, PersonData("张三"))
        create_item(s, actor, ItemData(title="通知", formed_on=today, drafter_id=row.id), today=today)
    with db.session() as s:
        assert people.remove_person(s, actor, row.id) == "deactivated"
    with db.session() as s:
        assert s.get(Person, row.id).active is False
        assert people.list_people(s, include_inactive=False) == []


def test_someone_who_acted_at_the_desk_is_deactivated_not_deleted(db, actor):
    with db.session() as s:
        row = people.create_person(s, actor, PersonData("张三"))
        org.create_department(s, row.actor(), org.DepartmentData("党政办"))
    with db.session() as s:
        assert people.remove_person(s, actor, row.id) == "deactivated"


def test_operator_cannot_deactivate_or_remove_themselves(db, actor):
    with db.session() as s:
        row = people.create_person(s, actor, PersonData("张三", roles=["maintainer"]))
    me = Actor(row.id, row.name)
    for attempt in (lambda s: people.set_person_active(s, me, row.id, False),
                    lambda s: people.remove_person(s, me, row.id)):
        with pytest.raises(ValidationError) as exc:
            with db.session() as s:
                attempt(s)
        assert "当前操作人" in exc.value.fields["active"]
    with db.session() as s:
        assert s.get(Person, row.id).active is True


def test_delete_falls_back_when_the_database_finds_a_reference(db, actor, depts):
    """A reference the counting does not know of: the foreign key refuses, nothing is lost."""
    with db.session() as s:
        people.create_person(s, actor, PersonData("张三", depts[0]))
    with db.session() as s:
        dept = s.get(Department, depts[0])
        assert org.delete_if_unreferenced(s, dept) is False
        assert s.get(Department, depts[0]) is not None
        assert s.get(Department, depts[1]) is not None
        assert org.delete_if_unreferenced(s, s.get(Department, depts[1])) is True
    with db.session() as s:
        assert [d.id for d in s.scalars(select(Department))] == [depts[0]]


def test_first_operator_is_a_maintainer_recorded_as_their_own_author(db):
    with db.session() as s:
        row = people.create_first_operator(s, "  王芳 ")
    assert row.name == "王芳" and row.roles == ("maintainer",)
    with db.session() as s:
        (event,) = person_events(s)
        assert (event.actor_id, event.actor_name) == (row.id, "王芳")
    with pytest.raises(ValidationError):
        with db.session() as s:
            people.create_first_operator(s, " ")


def test_list_people_by_role(db, actor, depts):
    with db.session() as s:
        people.create_person(s, actor, PersonData("甲", depts[0], ["secrecy"]))
        people.create_person(s, actor, PersonData("乙", depts[0], ["drafter"]))
        assert [p.name for p in people.list_people(s, role="secrecy")] == ["甲"]
