"""设置 → 节假日安排: a year entered in the dialog makes provisional deadlines firm."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from deskapp.core.audit.chain import Actor
from deskapp.core.calendar.workdays import known_years
from deskapp.core.register import holidays
from deskapp.core.register.items import ItemData, create_item
from deskapp.core.store.models import AuditEvent, Item
from deskapp.ui.common.context import AppContext
from deskapp.ui.common.form_kit import parse_day
from deskapp.ui.common.messages import RecordingMessages
from deskapp.ui.settings.holiday_dialog import HolidayDialog

D = dt.date
TODAY = D(2026, 11, 26)
pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")  # offscreen platform


@pytest.fixture
def bctx(db):
    return AppContext(db=db, actor=Actor(None, "测试员"), messages=RecordingMessages(), clock=lambda: TODAY)


@pytest.fixture
def provisional_item(bctx):
    with bctx.db.session() as s:
        item = create_item(s, bctx.actor, ItemData(title="年底通知", formed_on=D(2026, 12, 20)), today=D(2027, 1, 5))
        assert (item.due_on, item.due_provisional) == (D(2027, 1, 15), True)
        return item.id


def open_dialog(qtbot, ctx):
    dialog = HolidayDialog(ctx)
    qtbot.addWidget(dialog)
    return dialog


def row_named(dialog, name):
    return next(r for r in dialog.rows if r.name.text() == name)


def test_next_year_opens_with_standard_holidays_and_a_warning(qtbot, bctx, provisional_item):
    dialog = open_dialog(qtbot, bctx)
    assert dialog.year.value() == 2027  # late November: next year is what needs entering
    assert dialog.status_label.text() == "2027年：未录入，期限暂按周一至周五计算"
    assert [r.name.text() for r in dialog.rows] == holidays.STANDARD_HOLIDAYS
    assert all(r.is_blank() for r in dialog.rows)
    assert "1 条" in dialog.provisional_label.text()
    assert not dialog.restore_button.isVisibleTo(dialog)


def test_saving_a_year_recomputes_the_deadline_and_says_so(qtbot, bctx, provisional_item):
    dialog = open_dialog(qtbot, bctx)
    row_named(dialog, "元旦").first.setText("2027-1-1")
    row_named(dialog, "元旦").last.setText("1-3")  # month-day: the chosen year
    row_named(dialog, "国庆节").first.setText("2027年10月1日")
    row_named(dialog, "国庆节").last.setText("2027.10.7")
    dialog.makeup.edit.setText("2027-10-9")
    assert row_named(dialog, "元旦").days.text() == "共 3 天"
    with qtbot.waitSignals([bctx.bus.calendar_changed, bctx.bus.items_changed]):
        dialog.save()
    assert bctx.messages.shown[0][0] == "confirm"  # five standard holidays left empty
    assert bctx.messages.shown[1:] == [("info", "2027年节假日安排已保存。重新计算后，1 条信息的公开期限有变化。")]
    with bctx.db.session() as s:
        item = s.get(Item, provisional_item)
        assert (item.due_on, item.due_provisional) == (D(2027, 1, 18), False)
        assert known_years(s)[2027] == "user"
        arrangement = holidays.year_info(s, 2027).arrangement
        event = s.scalar(select(AuditEvent).where(AuditEvent.entity == "calendar_year"))
    assert [(r.name, r.first, r.last) for r in arrangement.holidays] == [
        ("元旦", D(2027, 1, 1), D(2027, 1, 3)), ("国庆节", D(2027, 10, 1), D(2027, 10, 7))]
    assert arrangement.makeup_workdays == [D(2027, 10, 9)]
    assert event.actor_name == "测试员" and event.after["deadlines_changed"] == 1
    # the dialog now shows the saved year, without the unfilled standard rows
    assert dialog.status_label.text() == "2027年：已录入（由用户录入）"
    assert [r.name.text() for r in dialog.rows] == ["元旦", "国庆节"]
    assert not dialog.provisional_label.isVisibleTo(dialog)


def test_an_unreadable_date_is_shown_under_the_holidays_and_nothing_is_saved(qtbot, bctx, provisional_item):
    dialog = open_dialog(qtbot, bctx)
    row_named(dialog, "元旦").first.setText("2027-1-1")
    row_named(dialog, "清明节").first.setText("2027-4-31")
    dialog.save()
    assert "“清明节”的开始日期“2027-4-31”无法识别" in dialog.holidays_error.text()
    assert dialog.holidays_error.isVisibleTo(dialog)
    assert "border" in row_named(dialog, "清明节").first.edit.styleSheet()
    assert bctx.messages.shown == []
    with bctx.db.session() as s:
        assert 2027 not in known_years(s)
        assert s.get(Item, provisional_item).due_provisional is True


def test_core_rules_show_next_to_their_field(qtbot, bctx):
    dialog = open_dialog(qtbot, bctx)
    row_named(dialog, "国庆节").first.setText("2027-10-1")
    row_named(dialog, "国庆节").last.setText("2027-10-7")
    dialog.makeup.edit.setText("2027-10-12")  # a Tuesday
    assert "不是周末" in dialog.makeup.understood.text()
    dialog.save()
    assert "周六或周日" in dialog.makeup_error.text()
    assert dialog.holidays_error.text() == ""
    dialog.makeup.edit.setText("2027-10-9")
    row_named(dialog, "中秋节").first.setText("2027-9-30")
    row_named(dialog, "中秋节").last.setText("2027-10-2")
    dialog.save()
    assert "重叠" in dialog.holidays_error.text() and dialog.makeup_error.text() == ""
    with bctx.db.session() as s:
        assert 2027 not in known_years(s)


def test_an_empty_form_is_refused(qtbot, bctx):
    dialog = open_dialog(qtbot, bctx)
    dialog.save()
    assert "至少录入一段假期" in dialog.holidays_error.text()


def test_a_package_year_can_be_edited_and_restored(qtbot, bctx):
    with bctx.db.session() as s:
        create_item(s, bctx.actor, ItemData(title="国庆安排", formed_on=D(2026, 9, 25)), today=TODAY)
    dialog = open_dialog(qtbot, bctx)
    dialog.year.setValue(2026)
    assert dialog.status_label.text() == "2026年：已内置（来自节假日安排数据包）"
    assert row_named(dialog, "国庆节").first.date() == D(2026, 10, 1)
    dialog._remove_row(row_named(dialog, "国庆节"))
    dialog.save()
    assert "1 条信息的公开期限有变化" in bctx.messages.shown[-1][1]
    assert dialog.restore_button.isVisibleTo(dialog)
    dialog.restore()
    assert bctx.messages.shown[-2][0] == "confirm"
    assert "已恢复为内置安排" in bctx.messages.shown[-1][1]
    with bctx.db.session() as s:
        assert s.scalar(select(Item.due_on)) == D(2026, 10, 29)
        assert known_years(s)[2026] == "package"


def test_switching_year_with_unsaved_edits_asks_first(qtbot, bctx):
    bctx.messages.answer = False
    dialog = open_dialog(qtbot, bctx)
    row_named(dialog, "元旦").first.setText("2027-1-1")
    dialog.year.setValue(2028)
    assert bctx.messages.shown[-1][0] == "confirm"
    assert dialog.year.value() == 2027 and row_named(dialog, "元旦").first.text() == "2027-1-1"
    dialog.reject()  # closing asks too; the answer is still "no"
    assert dialog.isVisible() is False and dialog.result() == 0
    assert len([m for m in bctx.messages.shown if m[0] == "confirm"]) == 2
    bctx.messages.answer = True
    dialog.year.setValue(2028)
    assert dialog.status_label.text().startswith("2028年：未录入")


def test_read_only_cannot_save(qtbot, bctx):
    bctx.read_only = True
    dialog = open_dialog(qtbot, bctx)
    assert not dialog.save_button.isEnabled()
    assert not dialog.rows[0].isEnabled()
    dialog.save()
    with bctx.db.session() as s:
        assert 2027 not in known_years(s)


@pytest.mark.parametrize("text, expected", [
    ("2027-10-1", D(2027, 10, 1)), ("2027/10/01", D(2027, 10, 1)), ("20271001", D(2027, 10, 1)),
    ("10-1", D(2027, 10, 1)), ("10.1", D(2027, 10, 1)), ("10月1日", D(2027, 10, 1)),
    ("2027-2-30", None), ("13-1", None), ("国庆", None),
])
def test_dates_as_clerks_type_them(text, expected):
    assert parse_day(text, 2027) == expected


def test_enter_moves_to_the_next_field_and_never_saves(qtbot, bctx):
    dialog = open_dialog(qtbot, bctx)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    first_row = dialog.rows[0]
    first_row.first.setText("2027-1-1")
    first_row.first.edit.setFocus()
    qtbot.waitUntil(first_row.first.edit.hasFocus)
    qtbot.keyClick(first_row.first.edit, Qt.Key.Key_Return)
    assert first_row.last.edit.hasFocus()
    assert first_row.first.text() == "2027-01-01"
    qtbot.keyClick(first_row.last.edit, Qt.Key.Key_Return)
    assert dialog.rows[1].name.hasFocus()
    assert dialog.isVisible() and bctx.messages.shown == []
    with bctx.db.session() as s:
        assert 2027 not in known_years(s)


def test_standard_holidays_left_empty_are_questioned(qtbot, bctx):
    bctx.messages.answer = False
    dialog = open_dialog(qtbot, bctx)
    row_named(dialog, "国庆节").first.setText("2027-10-1")
    dialog.save()
    assert bctx.messages.shown[-1][0] == "confirm"
    assert "元旦、春节、清明节、劳动节、端午节、中秋节还没有填写日期" in bctx.messages.shown[-1][1]
    with bctx.db.session() as s:
        assert 2027 not in known_years(s)
    bctx.messages.answer = True
    dialog.save()
    with bctx.db.session() as s:
        assert known_years(s)[2027] == "user"
