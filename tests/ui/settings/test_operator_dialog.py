"""当前操作人: chosen from the people, remembered on this PC, typed in on an empty desk."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from deskapp.core.audit.chain import Actor
from deskapp.core.desk import open_database
from deskapp.core.register import org, people
from deskapp.core.store.models import AuditEvent, Person
from deskapp.ui.settings import operator_dialog
from deskapp.ui.settings.operator_dialog import (
    OperatorDialog,
    choose_operator,
    remember_operator_id,
    remembered_operator_id,
)

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")  # offscreen platform


@pytest.fixture(autouse=True)
def clean_settings():
    QSettings("deskapp", "deskapp").remove("operator/person_id")
    yield
    QSettings("deskapp", "deskapp").remove("operator/person_id")


@pytest.fixture
def staff(db):
    admin = Actor(None, "测试员")
    with db.session() as s:
        dept = org.create_department(s, admin, org.DepartmentData("党政办"))
        ids = [people.create_person(s, admin, people.PersonData(n, dept.id, r)).id
               for n, r in (("王芳", ["maintainer"]), ("李强", ["dept_head", "secrecy"]), ("赵敏", ["drafter"]))]
        gone = people.create_person(s, admin, people.PersonData("离职者", dept.id, ["drafter"], active=False))
    return ids, gone.id


def answer_dialog(qtbot, act):
    """Run ``act(dialog)`` on the modal dialog once it is open."""
    def run():
        dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, OperatorDialog) and w.isVisible())
        act(dialog)
    QTimer.singleShot(0, run)


def test_lists_active_people_and_preselects_the_remembered_one(qtbot, db, staff):
    ids, gone = staff
    dialog = OperatorDialog(db, None, ids[1])
    qtbot.addWidget(dialog)
    texts = [dialog.list.item(i).text() for i in range(dialog.list.count())]
    assert texts == ["李强（党政办）　科室负责人、保密审查员", "王芳（党政办）　信息员", "赵敏（党政办）　经办人"]
    assert dialog.list.currentItem().text().startswith("李强")
    dialog.accept()
    assert dialog.chosen == Actor(ids[1], "李强")


def test_remembered_across_calls(qtbot, db, staff):
    ids, _ = staff
    assert remembered_operator_id() is None
    answer_dialog(qtbot, lambda d: (d.list.setCurrentRow(2), d.accept()))
    actor = choose_operator(db, None, remembered_operator_id())
    assert actor == Actor(ids[2], "赵敏")
    remember_operator_id(actor.id)
    assert remembered_operator_id() == ids[2]
    answer_dialog(qtbot, lambda d: d.accept())  # just confirm what is preselected
    assert choose_operator(db, None, remembered_operator_id()) == Actor(ids[2], "赵敏")


def test_remembered_id_survives_a_new_settings_object_and_bad_values(qtbot):
    remember_operator_id(42)
    assert QSettings("deskapp", "deskapp").value("operator/person_id") in (42, "42")
    QSettings("deskapp", "deskapp").setValue("operator/person_id", "not a number")
    assert remembered_operator_id() is None
    remember_operator_id(None)
    assert remembered_operator_id() is None


def test_a_remembered_person_who_left_is_not_preselected(qtbot, db, staff):
    _, gone = staff
    dialog = OperatorDialog(db, None, gone)
    qtbot.addWidget(dialog)
    assert dialog.list.currentRow() == 0
    assert all("离职者" not in dialog.list.item(i).text() for i in range(dialog.list.count()))


def test_cancel_gives_none(qtbot, db, staff):
    answer_dialog(qtbot, lambda d: d.reject())
    assert choose_operator(db, None, None) is None


def test_search_filters_and_keeps_a_visible_choice(qtbot, db, staff, monkeypatch):
    monkeypatch.setattr(operator_dialog, "SEARCH_FROM", 2)
    ids, _ = staff
    dialog = OperatorDialog(db, None, ids[0])
    qtbot.addWidget(dialog)
    assert dialog.search.isVisibleTo(dialog)
    dialog.search.setText("保密")
    hidden = [dialog.list.item(i).isHidden() for i in range(dialog.list.count())]
    assert hidden == [False, True, True]
    assert dialog.list.currentItem().text().startswith("李强")
    dialog.search.setText("没有这个人")
    dialog.accept()
    assert dialog.chosen is None and "请在列表中选择" in dialog.error.text()


def test_empty_desk_registers_the_typed_name_as_maintainer(qtbot, db):
    dialog = OperatorDialog(db, None, None)
    qtbot.addWidget(dialog)
    assert dialog.list.count() == 0
    dialog.accept()
    assert dialog.error.text() == "请输入您的姓名。"
    dialog.name.setText(" 王芳 ")
    dialog.accept()
    with db.session() as s:
        person = s.scalar(select(Person))
        event = s.scalar(select(AuditEvent).where(AuditEvent.entity == "person"))
    assert (person.name, person.roles) == ("王芳", ["maintainer"])
    assert dialog.chosen == Actor(person.id, "王芳")
    assert event.actor_id == person.id


def test_read_only_empty_desk_does_not_write(qtbot, db_path, db):
    db.close()
    reader = open_database(db_path, read_only=True)
    try:
        dialog = OperatorDialog(reader, None, None)
        qtbot.addWidget(dialog)
        dialog.name.setText("访客")
        dialog.accept()
        assert dialog.chosen == Actor(None, "访客")
        with reader.session() as s:
            assert s.scalar(select(Person)) is None
    finally:
        reader.close()
