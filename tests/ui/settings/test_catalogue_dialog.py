"""设置 → 公开目录: the tree, the entry form, and what saving changes."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from deskapp.core.audit.chain import Actor
from deskapp.core.register.items import ItemData, create_item
from deskapp.core.store.models import AuditEvent, CatalogueEntry, Item
from deskapp.ui.common.context import AppContext
from deskapp.ui.common.messages import RecordingMessages
from deskapp.ui.settings.catalogue_dialog import CatalogueDialog

TODAY = dt.date(2026, 11, 26)
pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")  # offscreen platform


@pytest.fixture
def bctx(db):
    return AppContext(db=db, actor=Actor(None, "测试员"), messages=RecordingMessages(), clock=lambda: TODAY)


def entry_id(ctx, name):
    with ctx.db.session() as s:
        return s.scalar(select(CatalogueEntry.id).where(CatalogueEntry.name == name))


def open_dialog(qtbot, ctx):
    dialog = CatalogueDialog(ctx)
    qtbot.addWidget(dialog)
    return dialog


def catalogue_events(ctx):
    with ctx.db.session() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.entity == "catalogue_entry")))


def test_tree_shows_two_levels_and_the_first_entry(qtbot, bctx):
    dialog = open_dialog(qtbot, bctx)
    assert dialog.tree.topLevelItemCount() == 11
    assert dialog.tree.topLevelItem(0).text(0) == "01 机构概况"
    assert dialog.tree.topLevelItem(10).childCount() == 26
    assert dialog.form.name.text() == "机构概况"
    assert not dialog.save_button.isEnabled()


def test_editing_an_entry_saves_every_column_and_audits(qtbot, bctx):
    dialog = open_dialog(qtbot, bctx)
    dialog.select(entry_id(bctx, "公示"))
    form = dialog.form
    form.content.setPlainText("公示对象、公示内容、公示期、监督电话")
    form.subject.setText("城南街道办事处")
    form.channels.boxes["便民服务站"].setChecked(True)
    form.audience.setCurrentText("特定群众")
    form.layer.setCurrentText("县级")
    assert dialog.save_button.isEnabled()
    with qtbot.waitSignal(bctx.bus.settings_changed):
        dialog.save()
    with bctx.db.session() as s:
        entry = s.get(CatalogueEntry, entry_id(bctx, "公示"))
        assert entry.content_elements == "公示对象、公示内容、公示期、监督电话"
        assert "便民服务站" in entry.channels and entry.audience == "特定群众" and entry.layer == "县级"
    (event,) = catalogue_events(bctx)
    assert event.action == "update" and event.after["subject"] == "城南街道办事处"
    assert not dialog.save_button.isEnabled()
    assert bctx.messages.shown == []


def test_a_new_time_limit_recomputes_deadlines_and_says_how_many(qtbot, bctx):
    target = entry_id(bctx, "街道动态")
    with bctx.db.session() as s:
        item = create_item(s, bctx.actor, ItemData(title="动态", formed_on=dt.date(2026, 9, 25), catalogue_id=target),
                           today=TODAY)
    dialog = open_dialog(qtbot, bctx)
    dialog.select(target)
    dialog.form.days.setValue(10)
    assert dialog.form.days_text.text() == "信息形成或者变更之日起10个工作日内"
    with qtbot.waitSignal(bctx.bus.items_changed):
        dialog.save()
    assert bctx.messages.shown == [("info", "公开时限已改，重新计算了 1 条信息的公开期限。")]
    with bctx.db.session() as s:
        assert s.get(Item, item.id).due_on == dt.date(2026, 10, 15)
    assert dialog.tree.currentItem().text(1) == "10 个工作日"


def test_adding_a_second_level_entry_under_the_selected_group(qtbot, bctx):
    dialog = open_dialog(qtbot, bctx)
    dialog.select(entry_id(bctx, "公告"))  # a second-level entry: the new one goes beside it
    dialog.start_new(level=2)
    assert dialog.form.parent_combo.currentText() == "公告公示"
    dialog.form.name.setText("征兵公告")
    dialog.form.days.setValue(5)
    dialog.save()
    new_id = entry_id(bctx, "征兵公告")
    with bctx.db.session() as s:
        entry = s.get(CatalogueEntry, new_id)
        assert (entry.parent_id, entry.code, entry.time_limit_days) == (entry_id(bctx, "公告公示"), "0503", 5)
    assert dialog.tree.currentItem().text(0) == "0503 征兵公告"
    assert catalogue_events(bctx)[0].action == "create"


def test_adding_a_first_level_entry(qtbot, bctx):
    dialog = open_dialog(qtbot, bctx)
    dialog.start_new(level=1)
    assert dialog.form.parent_combo.currentData() is None
    dialog.form.name.setText("民生实事")
    dialog.save()
    assert dialog.tree.topLevelItemCount() == 12
    assert dialog.tree.currentItem().text(0) == "91 民生实事"


def test_a_duplicate_name_is_shown_next_to_it_and_nothing_saved(qtbot, bctx):
    dialog = open_dialog(qtbot, bctx)
    dialog.select(entry_id(bctx, "公告"))
    dialog.start_new(level=2)
    dialog.form.name.setText("公示")
    dialog.save()
    assert "同一级下已有“公示”" in dialog.form.errors.message("name")
    assert dialog.form.errors.labels["name"].isVisibleTo(dialog)
    assert catalogue_events(bctx) == []
    dialog.form.name.setText("")
    dialog.save()
    assert dialog.form.errors.message("name") == "请填写事项名称。"


def test_deactivating_a_group_takes_its_entries_and_can_be_undone(qtbot, bctx):
    dialog = open_dialog(qtbot, bctx)
    group = entry_id(bctx, "财政信息")
    dialog.select(group)
    dialog.toggle_active()
    assert bctx.messages.shown[-1][0] == "confirm" and "一并停用" in bctx.messages.shown[-1][1]
    assert dialog.tree.currentItem().text(0) == "04 财政信息（已停用）"
    assert dialog.toggle_button.text() == "启用"
    with bctx.db.session() as s:
        assert s.get(CatalogueEntry, entry_id(bctx, "预算决算")).active is False
    dialog.show_inactive.setChecked(False)
    assert all("财政信息" not in dialog.tree.topLevelItem(i).text(0) for i in range(dialog.tree.topLevelItemCount()))
    dialog.show_inactive.setChecked(True)
    dialog.select(group)
    dialog.toggle_active()
    assert dialog.tree.currentItem().text(0) == "04 财政信息"


def test_unsaved_edits_are_not_lost_silently(qtbot, bctx):
    bctx.messages.answer = False
    dialog = open_dialog(qtbot, bctx)
    dialog.form.name.setText("机构概况（改）")
    dialog.select(entry_id(bctx, "政策文件"))
    assert bctx.messages.shown[-1][0] == "confirm"
    assert dialog.form.name.text() == "机构概况（改）"
    assert dialog.tree.currentItem().text(0) == "01 机构概况"


def test_read_only_shows_but_does_not_edit(qtbot, bctx):
    bctx.read_only = True
    dialog = open_dialog(qtbot, bctx)
    assert not dialog.form.isEnabled()
    assert not dialog.add_top_button.isEnabled() and not dialog.toggle_button.isEnabled()
