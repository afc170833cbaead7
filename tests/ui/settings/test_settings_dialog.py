"""设置 → 机构与人员: saving persists and audits; bad input is shown next to its field."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLineEdit
from sqlalchemy import select

from deskapp.core.audit.chain import Actor
from deskapp.core.register import org, people
from deskapp.core.store import settings
from deskapp.core.store.models import AuditEvent, Department, Person
from deskapp.ui.common.context import AppContext
from deskapp.ui.common.messages import RecordingMessages
from deskapp.ui.settings.dialog import SettingsDialog
from deskapp.ui.settings.org_pages import DepartmentDialog, PersonDialog

TODAY = dt.date(2026, 11, 26)
pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")  # offscreen platform


@pytest.fixture
def bctx(db):
    return AppContext(db=db, actor=Actor(None, "测试员"), messages=RecordingMessages(), clock=lambda: TODAY)


def audit_rows(db, entity):
    with db.session() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.entity == entity)))


def test_org_page_saves_all_fields_with_one_event(qtbot, bctx):
    dialog = SettingsDialog(bctx)
    qtbot.addWidget(dialog)
    page = dialog.org_page
    page.edits["org_name"].setText("城南街道办事处")
    page.edits["index_prefix"].setText("11330802002594XXXX")
    page.serial_width.setValue(5)
    assert page.example.text() == "示例：11330802002594XXXX/2026-00123"
    page.serial_width.setValue(3)
    assert page.example.text().endswith("/2026-123")
    page.edits["phone"].setText("0573-88881234")
    page.notice_days.setValue(5)
    page.notice_day_kind.setCurrentIndex(page.notice_day_kind.findData("working"))
    page.default_time_limit.setValue(15)
    with qtbot.waitSignal(bctx.bus.settings_changed):
        dialog.save()
    assert dialog.result() == QDialog.DialogCode.Accepted
    with bctx.db.session() as s:
        values = settings.get_all(s)
    assert values["org_name"] == "城南街道办事处" and values["serial_width"] == 3
    assert values["notice_day_kind"] == "working" and values["default_time_limit"] == 15
    (event,) = audit_rows(bctx.db, "setting")
    assert event.actor_name == "测试员" and event.after["phone"] == "0573-88881234"


def test_bad_fields_show_messages_next_to_them_and_nothing_is_saved(qtbot, bctx):
    dialog = SettingsDialog(bctx)
    qtbot.addWidget(dialog)
    dialog.show()
    page = dialog.org_page
    page.edits["org_name"].setText("城南街道")
    page.edits["address"].setText("城南路1号")
    page.edits["index_prefix"].setText("1133/0802")
    page.edits["email"].setText("不是邮箱")
    page.annual_report_due.setText("2月30日")
    dialog.tabs.setCurrentIndex(2)
    dialog.save()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.tabs.currentWidget() is page
    assert "不能含“/”" in page.errors.message("index_prefix")
    assert "电子邮箱格式不正确" in page.errors.message("email")
    assert "月-日" in page.errors.message("annual_report_due")
    assert page.errors.labels["email"].isVisible()
    assert page.errors.message("org_name") == ""
    with bctx.db.session() as s:
        assert settings.get(s, "address") == ""
    assert audit_rows(bctx.db, "setting") == []
    page.edits["index_prefix"].setText("11330802")  # corrected: all saved, errors gone
    page.edits["email"].setText("gkb@example.gov.cn")
    page.annual_report_due.setText("02-28")
    dialog.save()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert page.errors.message("email") == ""


def test_enter_saves_and_escape_cancels(qtbot, bctx):
    dialog = SettingsDialog(bctx)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.org_page.edits["org_name"].setText("城南街道")
    qtbot.keyClick(dialog.org_page.edits["org_name"], Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    with bctx.db.session() as s:
        assert settings.get(s, "org_name") == "城南街道"
    second = SettingsDialog(bctx)
    qtbot.addWidget(second)
    second.show()
    second.org_page.edits["org_name"].setText("别的名字")
    qtbot.keyClick(second, Qt.Key.Key_Escape)
    assert second.result() == QDialog.DialogCode.Rejected
    with bctx.db.session() as s:
        assert settings.get(s, "org_name") == "城南街道"


def test_ctrl_s_saves(qtbot, bctx):
    dialog = SettingsDialog(bctx)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)  # shortcuts only fire in the active window
    dialog.org_page.edits["org_name"].setText("城北街道")
    dialog.org_page.edits["org_name"].setFocus()
    qtbot.keyClick(dialog.org_page.edits["org_name"], Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert dialog.result() == QDialog.DialogCode.Accepted
    with bctx.db.session() as s:
        assert settings.get(s, "org_name") == "城北街道"


def test_read_only_disables_everything(qtbot, bctx):
    bctx.read_only = True
    dialog = SettingsDialog(bctx)
    qtbot.addWidget(dialog)
    assert not dialog.org_page.edits["org_name"].isEnabled()
    assert not dialog.save_button.isEnabled()
    assert not dialog.departments_page.buttons["add"].isEnabled()
    assert not dialog.people_page.buttons["add"].isEnabled()
    dialog.save()
    assert audit_rows(bctx.db, "setting") == []


# --- departments ------------------------------------------------------------------------

def test_department_dialog_creates_and_shows_duplicate_next_to_name(qtbot, bctx):
    first = DepartmentDialog(bctx, None)
    qtbot.addWidget(first)
    first.name.setText("党政办")
    first.save()
    assert first.result() == QDialog.DialogCode.Accepted and first.saved.name == "党政办"
    again = DepartmentDialog(bctx, None)
    qtbot.addWidget(again)
    again.name.setText("党政办")
    again.kind.setCurrentIndex(again.kind.findData("community"))
    again.save()
    assert again.result() != QDialog.DialogCode.Accepted
    assert "已有名为“党政办”的科室" in again.errors.message("name")
    with bctx.db.session() as s:
        assert [d.name for d in s.scalars(select(Department))] == ["党政办"]
    assert len(audit_rows(bctx.db, "department")) == 1


def test_departments_page_adds_through_its_dialog(qtbot, bctx, monkeypatch):
    dialog = SettingsDialog(bctx)
    qtbot.addWidget(dialog)
    page = dialog.departments_page

    def fill_and_save(self):
        self.name.setText("退役军人服务站")
        self.kind.setCurrentIndex(self.kind.findData("station"))
        self.save()
        return self.result()

    monkeypatch.setattr(DepartmentDialog, "exec", fill_and_save)
    with qtbot.waitSignal(bctx.bus.settings_changed):
        page.add()
    assert page.cells(page.rows[0]) == ["退役军人服务站", "站所", "0", "0", "0", "在用"]
    assert page.current().name == "退役军人服务站"
    assert dialog.people_page.table.rowCount() == 0


def test_removing_a_department_with_people_deactivates_it(qtbot, bctx):
    with bctx.db.session() as s:
        used = org.create_department(s, bctx.actor, org.DepartmentData("党政办"))
        org.create_department(s, bctx.actor, org.DepartmentData("临时办", sort_order=1))
        people.create_person(s, bctx.actor, people.PersonData("张三", used.id))
    dialog = SettingsDialog(bctx)
    qtbot.addWidget(dialog)
    page = dialog.departments_page
    page.select_id(used.id)
    page.remove()
    assert "已停用" in bctx.messages.shown[-1][1]
    assert page.cells(page.current())[-1] == "已停用"
    assert page.buttons["enable"].isEnabled() and not page.buttons["remove"].isEnabled()
    page.select_id(page.rows[1].id)
    page.remove()
    assert "已删除" in bctx.messages.shown[-1][1]
    assert [r.name for r in page.rows] == ["党政办"]
    page.select_id(used.id)
    page.enable()
    assert page.rows[0].active


# --- people ----------------------------------------------------------------------------

def test_person_dialog_saves_roles_and_department(qtbot, bctx):
    with bctx.db.session() as s:
        dept = org.create_department(s, bctx.actor, org.DepartmentData("党政办"))
    dialog = PersonDialog(bctx, None)
    qtbot.addWidget(dialog)
    dialog.name.setText("王芳")
    dialog.department.setCurrentIndex(dialog.department.findData(dept.id))
    dialog.roles.boxes["maintainer"].setChecked(True)
    dialog.roles.boxes["secrecy"].setChecked(True)
    dialog.phone.setText("0573-8888 1234")
    dialog.save()
    assert dialog.result() == QDialog.DialogCode.Accepted
    with bctx.db.session() as s:
        person = s.scalar(select(Person))
        assert (person.name, person.department_id, person.roles) == ("王芳", dept.id, ["maintainer", "secrecy"])
    assert audit_rows(bctx.db, "person")[0].after["roles"] == ["maintainer", "secrecy"]


def test_person_dialog_shows_bad_phone_next_to_it(qtbot, bctx):
    dialog = PersonDialog(bctx, None)
    qtbot.addWidget(dialog)
    dialog.name.setText("王芳")
    dialog.phone.setText("电话号码")
    dialog.save()
    assert "电话只能包含数字" in dialog.errors.message("phone")
    assert dialog.errors.message("name") == ""
    with bctx.db.session() as s:
        assert s.scalar(select(Person)) is None


def test_operator_cannot_deactivate_themselves_on_the_people_page(qtbot, bctx):
    with bctx.db.session() as s:
        me = people.create_person(s, bctx.actor, people.PersonData("王芳", roles=["maintainer"]))
    bctx.actor = me.actor()
    dialog = SettingsDialog(bctx)
    qtbot.addWidget(dialog)
    page = dialog.people_page
    page.select_id(me.id)
    page.remove()
    assert bctx.messages.shown[-1][0] == "warn" and "当前操作人" in bctx.messages.shown[-1][1]
    with bctx.db.session() as s:
        assert s.get(Person, me.id).active


def test_people_page_search_hides_other_rows(qtbot, bctx):
    with bctx.db.session() as s:
        people.create_person(s, bctx.actor, people.PersonData("王芳", roles=["maintainer"]))
        people.create_person(s, bctx.actor, people.PersonData("李强", roles=["secrecy"]))
    dialog = SettingsDialog(bctx)
    qtbot.addWidget(dialog)
    page = dialog.people_page
    page.search.setText("保密")
    hidden = [page.table.isRowHidden(r) for r in range(page.table.rowCount())]
    assert hidden == [r.name != "李强" for r in page.rows]
    assert isinstance(page.search, QLineEdit)


def test_demo_rows_are_marked(qtbot, bctx):
    with bctx.db.session() as s:
        s.add(Department(name="演示办", is_demo=True))
    dialog = SettingsDialog(bctx)
    qtbot.addWidget(dialog)
    assert dialog.departments_page.cells(dialog.departments_page.rows[0])[-1] == "在用（演示数据）"


def test_sensitive_words_edited_one_a_line_and_saved_with_one_event(qtbot, bctx):
    dialog = SettingsDialog(bctx)
    qtbot.addWidget(dialog)
    text = dialog.words_page.edit.toPlainText()
    assert "布署→部署" in text.splitlines()
    dialog.org_page.edits["org_name"].setText("城南街道办事处")
    dialog.words_page.edit.setPlainText("布署→部署\n\n  红头文件  \n")
    dialog.save()
    with bctx.db.session() as s:
        assert settings.get(s, "sensitive_words") == ["布署→部署", "红头文件"]
    (event,) = audit_rows(bctx.db, "setting")
    assert event.after["sensitive_words"] == ["布署→部署", "红头文件"]


def test_read_only_words_cannot_be_edited(qtbot, bctx):
    bctx.read_only = True
    dialog = SettingsDialog(bctx)
    qtbot.addWidget(dialog)
    assert dialog.words_page.edit.isReadOnly()
