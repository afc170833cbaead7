"""The item dialog: create, edit, validation next to the fields, concurrent edits, live
due date, 公示期, attachments, read-only, closing. Chinese text goes in with setText."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit
from sqlalchemy import func, select

from deskapp.core.attachments import files
from deskapp.core.audit.chain import Actor
from deskapp.core.errors import ConcurrentEditError
from deskapp.core.register import items as register
from deskapp.core.register.conflict import conflict_rows
from deskapp.core.register.items import ItemData
from deskapp.core.store.models import Attachment, AuditEvent, CatalogueEntry, Item, StoredFile
from deskapp.ui.common.context import AppContext
from deskapp.ui.common.messages import RecordingMessages
from deskapp.ui.register.conflict_dialog import EDIT, MINE, THEIRS, ConflictDialog, headline
from deskapp.ui.register.interpretation_picker import InterpretationPicker
from deskapp.ui.register.item_dialog import SETTINGS_KEY, ItemDialog, _settings
from deskapp.ui.register.item_form_view import TAB_BASIC, TAB_PUBLISH

# The offscreen platform says this whenever a dialog is shown; it is not the dialog's fault.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture
def ctx(db, actor, today) -> AppContext:
    return AppContext(db, actor, RecordingMessages(), clock=lambda: today)


@pytest.fixture
def open_dialog(qtbot, ctx):
    def opener(item_id=None, context=None):
        dialog = ItemDialog(context or ctx, item_id)
        qtbot.addWidget(dialog)
        return dialog
    return opener


def make_item(db, actor, today, **kw) -> int:
    with db.session() as s:
        data = ItemData(**{"title": "关于开展垃圾分类宣传的通知", "kind": "工作动态",
                           "formed_on": dt.date(2026, 11, 2), **kw})
        return register.create_item(s, actor, data, today=today).id


def entry_id(db, name: str) -> int:
    with db.session() as s:
        return s.scalars(select(CatalogueEntry.id).where(CatalogueEntry.name == name)).one()


def count(db, model) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(model))


def fill_valid(dialog: ItemDialog) -> None:
    dialog.field("title").setText("关于2026年第四季度低保对象名单的公示")
    dialog.field("kind").setCurrentText("公告公示")
    dialog.field("formed_on").setDate(dt.date(2026, 11, 20))


def choose(combo, data) -> None:
    combo.setCurrentIndex(combo.findData(data))


# --- creating and editing --------------------------------------------------------------------

def test_create_valid_item(open_dialog, ctx, db, qtbot):
    dialog = open_dialog()
    fill_valid(dialog)
    choose(dialog.field("catalogue_id"), entry_id(db, "社会救助"))
    dialog.field("summary").setPlainText("第四季度新增低保对象 2 户。")
    people = "姓名\t身份证号\t保障金额\n张三\t330102199001011234\t800\n李四\t33010219850202234X\t650"
    dialog.field("content").setPlainText(people)
    dialog.field("posted_board").setText("街道办事处 一楼公示栏")
    with qtbot.waitSignal(ctx.bus.items_changed, timeout=2000):
        assert dialog.save() is True
    assert dialog.result() == ItemDialog.DialogCode.Accepted
    with db.session() as s:
        item = s.get(Item, dialog.saved_item_id)
        assert item.title == "关于2026年第四季度低保对象名单的公示"
        assert item.kind == "公告公示" and item.formed_on == dt.date(2026, 11, 20)
        assert item.content == people  # tabs pasted from Excel are kept
        assert item.channels == ["政府网站", "社区/村公示栏（电子屏）"]  # the entry's defaults
        assert item.due_on is not None and item.status == "draft"
        assert item.posted_board == "街道办事处 一楼公示栏"
        assert item.changed_on is None and item.published_on is None  # empty dates stay empty
        assert s.scalar(select(AuditEvent.actor_name).where(AuditEvent.action == "create")) == "测试员"


def test_edit_saves_the_change_with_a_new_version(open_dialog, db, actor, today):
    item_id = make_item(db, actor, today, channels=["政府网站"])
    dialog = open_dialog(item_id)
    assert dialog.field("title").text() == "关于开展垃圾分类宣传的通知"
    assert dialog.field("formed_on").date() == dt.date(2026, 11, 2)
    assert dialog.field("channels").channels() == ["政府网站"]
    assert not dialog.is_dirty()
    dialog.field("title").setText("关于开展垃圾分类宣传周活动的通知")
    dialog.field("published_on").setDate(dt.date(2026, 11, 25))
    assert dialog.is_dirty()
    assert dialog.save()
    with db.session() as s:
        item = s.get(Item, item_id)
        assert (item.title, item.published_on, item.version) == (
            "关于开展垃圾分类宣传周活动的通知", dt.date(2026, 11, 25), 2)


# --- validation: each rule shows its message next to the field, nothing is saved ---------------

CASES = {
    "missing title": (lambda d: d.field("title").setText("   "), "title", "请填写标题", TAB_BASIC),
    "formed in the future": (lambda d: d.field("formed_on").setDate(dt.date(2026, 11, 27)),
                             "formed_on", "形成日期不能晚于今天", TAB_BASIC),
    "notice end before start": (
        lambda d: (d.field("notice_start").setDate(dt.date(2026, 11, 20)),
                   d.field("notice_end").setDate(dt.date(2026, 11, 19))),
        "notice_end", "公示期结束日期不能早于开始日期", TAB_PUBLISH),
    "withheld without reason": (lambda d: choose(d.field("attribute"), "withheld"),
                                "withheld_reason", "不予公开必须写明理由和依据", TAB_BASIC),
    "published before formed": (lambda d: d.field("published_on").setDate(dt.date(2026, 11, 1)),
                                "published_on", "发布日期不能早于形成日期", TAB_PUBLISH),
}


@pytest.mark.parametrize("case", list(CASES))
def test_validation_message_next_to_field_and_nothing_saved(case, open_dialog, db, ctx):
    breaks, field, message, tab = CASES[case]
    dialog = open_dialog()
    fill_valid(dialog)
    breaks(dialog)
    before = count(db, Item)
    assert dialog.save() is False
    error = dialog.form.errors[field]
    assert not error.isHidden() and message in error.text()
    assert dialog.form.currentIndex() == tab  # the tab with the problem is shown
    assert "●" in dialog.form.tabText(tab)
    assert "需要修改" in dialog.banner.text()
    assert count(db, Item) == before
    assert dialog.result() != ItemDialog.DialogCode.Accepted
    # Once it is put right, the same dialog saves and the red text goes.
    if field == "withheld_reason":
        dialog.field("withheld_reason").setPlainText("涉及个人隐私，依据《政府信息公开条例》第十五条")
    else:
        fill_valid(dialog)
        dialog.field("notice_end").setDate(None)
        dialog.field("published_on").setDate(None)
    assert dialog.save() is True
    assert error.isHidden() and count(db, Item) == before + 1


def test_several_errors_at_once(open_dialog):
    dialog = open_dialog()
    dialog.field("formed_on").setDate(dt.date(2027, 1, 5))
    assert not dialog.save()
    shown = {name for name, label in dialog.form.errors.items() if not label.isHidden()}
    assert shown == {"title", "formed_on"}
    assert "有 2 处需要修改" in dialog.banner.text()


def _saved_elsewhere(db, item_id, today, title="他人修改后的标题") -> None:
    """李红, at another desk, saves the item first."""
    with db.session() as s:
        other = ItemData.of(register.get_item(s, item_id))
        other.title = title
        register.update_item(s, Actor(None, "李红"), item_id, 1, other, today=today)


def test_concurrent_edit_shows_both_versions_and_overwrites_nothing(open_dialog, db, actor, today):
    item_id = make_item(db, actor, today)
    dialog = open_dialog(item_id)
    _saved_elsewhere(db, item_id, today)
    dialog.field("title").setText("我的修改")
    asked = []
    dialog.ask_conflict = lambda error, rows: asked.append((error, rows)) or EDIT
    assert dialog.save() is False
    error, rows = asked[0]
    assert error.changed_by == "李红" and "李红" in headline(error)
    differing = [(r.label, r.theirs, r.mine) for r in rows if r.differs]
    assert differing == [("标题", "他人修改后的标题", "我的修改")] and rows[0].differs  # marked, first
    assert dialog.field("title").text() == "我的修改"  # what was typed is kept
    assert "覆盖" in dialog.banner.text()
    with db.session() as s:
        item = s.get(Item, item_id)
        assert (item.title, item.version) == ("他人修改后的标题", 2)


def test_keep_mine_saves_over_theirs_on_the_stored_version(open_dialog, db, actor, today):
    item_id = make_item(db, actor, today)
    dialog = open_dialog(item_id)
    _saved_elsewhere(db, item_id, today)
    dialog.field("title").setText("我的修改")
    dialog.ask_conflict = lambda error, rows: MINE
    assert dialog.save() is True
    with db.session() as s:
        item = s.get(Item, item_id)
        assert (item.title, item.version) == ("我的修改", 3)
        updates = s.scalars(select(AuditEvent.actor_name).where(
            AuditEvent.entity == "item", AuditEvent.action == "update").order_by(AuditEvent.id)).all()
        assert updates == ["李红", actor.name]  # both saves are in the log


def test_take_theirs_loads_the_stored_version_into_the_form(open_dialog, db, actor, today):
    item_id = make_item(db, actor, today)
    dialog = open_dialog(item_id)
    _saved_elsewhere(db, item_id, today)
    dialog.field("title").setText("我的修改")
    dialog.ask_conflict = lambda error, rows: THEIRS
    assert dialog.save() is False
    assert dialog.field("title").text() == "他人修改后的标题" and not dialog.is_dirty()
    dialog.field("title").setText("在对方版本上再改")
    dialog.ask_conflict = lambda error, rows: pytest.fail("no conflict: the form is on version 2")
    assert dialog.save() is True
    with db.session() as s:
        assert s.get(Item, item_id).title == "在对方版本上再改"


def test_the_conflict_dialog_marks_what_differs(qtbot, db, actor, today, tmp_path):
    item_id = make_item(db, actor, today, summary="原摘要")
    _saved_elsewhere(db, item_id, today)
    with db.session() as s:
        try:
            register.update_item(s, actor, item_id, 1, ItemData(
                title="我的修改", kind="工作动态", formed_on=dt.date(2026, 11, 2), summary="我的摘要"), today=today)
        except ConcurrentEditError as exc:
            error = exc
    with db.session() as s:
        rows = conflict_rows(s, error.stored, ItemData(title="我的修改", kind="工作动态",
                                                       formed_on=dt.date(2026, 11, 2), summary="我的摘要"))
    dialog = ConflictDialog(error, rows)
    qtbot.addWidget(dialog)
    table = dialog.table
    assert [table.item(i, 0).text() for i in range(2)] == ["≠ 标题", "≠ 摘要"]
    assert table.item(0, 1).text() == "他人修改后的标题" and table.item(0, 2).text() == "我的修改"
    assert table.item(2, 0).text() == "类别"  # the same: not marked
    dialog.show()
    dialog.grab().save(str(tmp_path / "conflict.png"))
    if os.environ.get("DESKAPP_KEEP_GRABS"):
        dialog.grab().save("/tmp/conflict.png")
    dialog.mine_button.click()
    assert dialog.choice == MINE


def test_doc_no_normalised_on_leaving_the_field(open_dialog, db):
    dialog = open_dialog()
    fill_valid(dialog)
    doc_no = dialog.field("doc_no")
    doc_no.setText("某街发[2026]3号")
    doc_no.editingFinished.emit()
    assert doc_no.text() == "某街发〔2026〕3号"
    doc_no.setText("某街发（2026）4号")  # saved normalised even without leaving the field
    assert dialog.save()
    with db.session() as s:
        assert s.get(Item, dialog.saved_item_id).doc_no == "某街发〔2026〕4号"


# --- live due date ----------------------------------------------------------------------------

def test_due_date_follows_dates_and_catalogue(open_dialog, db):
    dialog = open_dialog()
    view = dialog.form
    assert "填写形成日期" in view.due_explain.text()
    dialog.field("formed_on").setDate(dt.date(2026, 9, 25))
    assert view.due_label.text().startswith("2026-10-29")
    assert "国庆节" in view.due_explain.text() and "调休上班" in view.due_explain.text()
    assert view.due_provisional.isHidden()
    choose(dialog.field("catalogue_id"), entry_id(db, "社会救助"))  # 10 working days
    assert view.due_label.text().startswith("2026-10-15") and "10个工作日" in view.due_label.text()
    dialog.field("changed_on").setDate(dt.date(2026, 11, 2))
    assert view.due_label.text().startswith("2026-11-16") and "变更后" in view.due_label.text()
    choose(dialog.field("attribute"), "on_request")
    assert view.due_label.text() == "不计算"
    choose(dialog.field("attribute"), "active")
    dialog.field("changed_on").setDate(None)
    dialog.field("formed_on").setDate(dt.date(2026, 12, 28))  # due in 2027: not yet known
    assert not view.due_provisional.isHidden()
    assert "暂按周一至周五计算" in view.due_provisional.text()
    assert "暂按" not in view.due_explain.text() and "2027-01-11" in view.due_explain.text()


# --- fields that depend on others -------------------------------------------------------------

def test_catalogue_presets_channels_unless_ticked_by_hand(open_dialog, db):
    dialog = open_dialog()
    checks = dialog.field("channels")
    choose(dialog.field("catalogue_id"), entry_id(db, "社会救助"))
    assert dialog.field("catalogue_id").current_path() == "基层政务公开标准目录 › 社会救助"
    assert checks.channels() == ["政府网站", "社区/村公示栏（电子屏）"]
    choose(dialog.field("catalogue_id"), entry_id(db, "规范性文件"))  # untouched: follows
    assert checks.channels() == ["政府网站", "政府公报", "公开查阅点"]
    checks.box("两微一端").setChecked(True)  # by hand: kept from now on
    choose(dialog.field("catalogue_id"), entry_id(db, "社会救助"))
    assert checks.channels() == ["政府网站", "政府公报", "公开查阅点", "两微一端"]


def test_withheld_reason_and_validity_enabled_only_where_they_apply(open_dialog):
    dialog = open_dialog()
    reason = dialog.field("withheld_reason")
    assert not reason.isEnabled()
    choose(dialog.field("attribute"), "withheld")
    assert reason.isEnabled()
    assert not dialog.form.validity_box.isEnabled()
    dialog.field("kind").setCurrentText("规范性文件")
    assert dialog.form.validity_box.isEnabled()
    dialog.field("kind").setCurrentText("政策解读")
    assert not dialog.form.interpretation_box.isEnabled()


def test_normative_document_validity_and_interpretation_saved(open_dialog, db, actor, today, qtbot, ctx):
    reading = make_item(db, actor, today, title="《养老服务补贴办法》政策解读", kind="政策解读")
    make_item(db, actor, today, title="垃圾分类工作动态", kind="工作动态")
    dialog = open_dialog()
    fill_valid(dialog)
    dialog.field("kind").setCurrentText("规范性文件")
    choose(dialog.field("validity"), "valid")
    dialog.field("valid_from").setDate(dt.date(2026, 12, 1))
    picker = InterpretationPicker(ctx)
    qtbot.addWidget(picker)
    assert picker.results.count() == 1  # only 政策解读 items are offered
    picker.search.setText("养老服务")
    picker.refresh()
    assert picker.chosen().id == reading
    picker.search.setText("没有这样的标题")
    picker.refresh()
    assert picker.chosen() is None and "没有找到" in picker.count_label.text()
    dialog.field("interpretation_id").set_value(reading, "《养老服务补贴办法》政策解读")
    assert dialog.save()
    with db.session() as s:
        item = s.get(Item, dialog.saved_item_id)
        assert (item.validity, item.valid_from, item.interpretation_id) == (
            "valid", dt.date(2026, 12, 1), reading)
    edit = open_dialog(dialog.saved_item_id)
    assert "养老服务补贴办法" in edit.field("interpretation_id").label.text()


def test_notice_end_computed_from_start_and_days(open_dialog):
    dialog = open_dialog()
    dialog.field("notice_start").setDate(dt.date(2026, 9, 23))
    assert dialog.field("notice_end").date() == dt.date(2026, 9, 29)  # 7 calendar days, default
    choose(dialog.field("notice_day_kind"), "working")
    dialog.field("notice_days").setValue(5)
    dialog.field("notice_start").setDate(dt.date(2026, 9, 28))
    assert dialog.field("notice_end").date() == dt.date(2026, 10, 9)  # 国庆 skipped
    dialog.field("notice_end").setDate(dt.date(2026, 10, 12))  # typed by hand: left alone
    dialog.field("notice_days").setValue(6)
    assert dialog.field("notice_end").date() == dt.date(2026, 10, 12)
    assert dialog.compute_notice_end() == dt.date(2026, 10, 10)  # button: 6th day, make-up Sat


def test_notice_end_button_needs_a_start(open_dialog):
    dialog = open_dialog()
    assert dialog.compute_notice_end() is None
    assert "请先填写公示开始日期" in dialog.form.errors["notice_start"].text()


def test_optional_date_can_be_empty_and_filled_by_a_click(open_dialog, qtbot, today):
    dialog = open_dialog()
    changed = dialog.field("changed_on")
    assert changed.date() is None
    changed.setDate(dt.date(2026, 11, 3))
    assert changed.date() == dt.date(2026, 11, 3)
    changed._clear.click()
    assert changed.date() is None
    assert dialog.form.collect(ItemData()).changed_on is None
    # A click in the text of an empty date fills it with today (the popup then opens there).
    qtbot.mouseClick(changed._edit.findChild(QLineEdit), Qt.MouseButton.LeftButton)
    assert changed.date() == today


# --- attachments --------------------------------------------------------------------------------

@pytest.fixture
def chinese_files(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "我的 文档" / "低保 材料"
    folder.mkdir(parents=True)
    content = "姓名\t金额\n张三\t800\n".encode("utf-8")
    first = folder / "低保 名单（第一批）.xlsx"
    second = folder / "低保 名单 副本.xlsx"
    first.write_bytes(content)
    second.write_bytes(content)
    return [first, second]


def test_attachments_added_appear_and_are_stored_once(open_dialog, db, chinese_files):
    dialog = open_dialog()
    fill_valid(dialog)
    panel = dialog.form.attachments
    panel.add_paths(chinese_files)
    assert panel.tree.topLevelItemCount() == 2
    assert dialog.form.tabText(4) == "附件（2）"
    assert not db.files_dir.exists() or not any(db.files_dir.rglob("*"))  # nothing before saving
    assert dialog.save()
    with db.session() as s:
        listed = files.list_attachments(s, dialog.saved_item_id)
    assert [a.filename for a in listed] == ["低保 名单（第一批）.xlsx", "低保 名单 副本.xlsx"]
    assert count(db, StoredFile) == 1
    assert len([p for p in db.files_dir.rglob("*") if p.is_file()]) == 1
    edit = open_dialog(dialog.saved_item_id)
    rows = edit.form.attachments.tree
    assert [rows.topLevelItem(i).text(0) for i in range(rows.topLevelItemCount())] == [
        "低保 名单（第一批）.xlsx", "低保 名单 副本.xlsx"]


def test_attachment_removed_on_save(open_dialog, db, actor, today, chinese_files):
    item_id = make_item(db, actor, today)
    with db.session() as s:
        info = files.add_attachment(s, db, actor, item_id, chinese_files[0])
    dialog = open_dialog(item_id)
    panel = dialog.form.attachments
    panel.tree.topLevelItem(0).setSelected(True)
    panel.remove_selected()
    assert panel.tree.topLevelItemCount() == 0 and dialog.is_dirty()
    assert files.attachment_path(db, info.sha256).exists()  # not before saving
    assert dialog.save()
    assert count(db, Attachment) == 0 and not files.attachment_path(db, info.sha256).exists()


def test_missing_attachment_file_is_refused_before_saving(open_dialog, ctx, tmp_path):
    dialog = open_dialog()
    dialog.form.attachments.add_paths([tmp_path / "不存在 的 文件.pdf"])
    assert dialog.form.attachments.tree.topLevelItemCount() == 0
    assert ctx.messages.shown and "不是可读取的文件" in ctx.messages.shown[-1][1]


def test_attachment_vanished_before_saving_rolls_back_the_whole_save(open_dialog, db, ctx, chinese_files):
    dialog = open_dialog()
    fill_valid(dialog)
    dialog.form.attachments.add_paths(chinese_files[:1])
    chinese_files[0].unlink()
    assert dialog.save() is False
    assert "找不到文件" in ctx.messages.shown[-1][1]
    assert count(db, Item) == 0 and count(db, StoredFile) == 0  # one transaction


def test_open_attachment_copies_it_out_under_its_name(open_dialog, db, actor, today, chinese_files,
                                                     monkeypatch):
    item_id = make_item(db, actor, today)
    with db.session() as s:
        files.add_attachment(s, db, actor, item_id, chinese_files[0])
    opened = []
    monkeypatch.setattr("deskapp.ui.register.attachments_panel.QDesktopServices.openUrl",
                        lambda url: opened.append(Path(url.toLocalFile())) or True)
    dialog = open_dialog(item_id)
    panel = dialog.form.attachments
    panel.tree.topLevelItem(0).setSelected(True)
    panel.open_selected()
    assert opened[0].name == "低保 名单（第一批）.xlsx"
    assert opened[0].read_bytes() == chinese_files[0].read_bytes()


# --- read-only, closing, shortcuts, size ----------------------------------------------------------

def test_read_only_context_disables_everything(open_dialog, db, actor, today, ctx):
    item_id = make_item(db, actor, today)
    ro = AppContext(db, actor, RecordingMessages(), read_only=True, clock=ctx.clock)
    dialog = open_dialog(item_id, ro)
    assert dialog.save_button is None
    for name, widget in dialog.form.fields.items():
        if isinstance(widget, (QLineEdit, QPlainTextEdit)):
            assert widget.isReadOnly(), name
        else:
            assert not widget.isEnabled(), name
    assert not dialog.form.attachments.add_button.isEnabled()
    dialog.field("title").setText("不应保存")
    assert dialog.save() is False
    with db.session() as s:
        assert s.get(Item, item_id).title == "关于开展垃圾分类宣传的通知"


def test_cancel_asks_only_when_something_changed(open_dialog, ctx):
    dialog = open_dialog()
    dialog.reject()
    assert ctx.messages.shown == [] and dialog.result() == ItemDialog.DialogCode.Rejected
    dialog = open_dialog()
    dialog.show()
    dialog.field("title").setText("写了一半")
    ctx.messages.answer = False
    dialog.reject()
    assert ctx.messages.shown[-1][0] == "confirm" and dialog.isVisible()
    ctx.messages.answer = True
    dialog.reject()
    assert not dialog.isVisible()


def test_escape_and_ctrl_s(open_dialog, qtbot, ctx, db):
    dialog = open_dialog()
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.windowHandle().requestActivate()  # shortcuts need the active window
    qtbot.waitUntil(lambda: dialog.isActiveWindow(), timeout=2000)
    fill_valid(dialog)
    ctx.messages.answer = False
    qtbot.keyClick(dialog.field("title"), Qt.Key.Key_Escape)
    assert dialog.isVisible() and ctx.messages.shown[-1][0] == "confirm"
    qtbot.keyClick(dialog.field("title"), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert count(db, Item) == 1 and not dialog.isVisible()


def test_item_deleted_before_opening(qtbot, ctx):
    dialog = ItemDialog(ctx, 4242)
    qtbot.addWidget(dialog)
    assert dialog.exec() == ItemDialog.DialogCode.Rejected
    assert "找不到" in ctx.messages.shown[-1][1]


def test_size_is_remembered(open_dialog):
    dialog = open_dialog()
    dialog.resize(QSize(760, 540))
    dialog.reject()
    assert _settings().value(SETTINGS_KEY) == QSize(760, 540)
    again = open_dialog()
    assert again.size() == QSize(760, 540)


def test_fits_a_1366_by_768_screen(open_dialog, db, actor, today):
    for dialog in (open_dialog(), open_dialog(make_item(db, actor, today))):
        dialog.save()  # with every error line showing on a new item
        hint = dialog.minimumSizeHint()
        assert hint.width() <= 1366 and hint.height() <= 768 - 60


def test_add_button_uses_the_file_dialog(open_dialog, monkeypatch, chinese_files):
    monkeypatch.setattr("deskapp.ui.register.attachments_panel.QFileDialog.getOpenFileNames",
                        lambda *a, **k: ([str(p) for p in chinese_files], ""))
    dialog = open_dialog()
    dialog.form.attachments.add_button.click()
    assert dialog.form.attachments.pending_files() == chinese_files


def test_choose_interpretation_through_the_picker(open_dialog, db, actor, today, monkeypatch):
    reading = make_item(db, actor, today, title="《垃圾分类管理办法》政策解读", kind="政策解读")
    monkeypatch.setattr(InterpretationPicker, "exec", lambda self: InterpretationPicker.DialogCode.Accepted)
    dialog = open_dialog()
    field = dialog.field("interpretation_id")
    field.choose_button.click()
    assert field.value() == reading and "垃圾分类管理办法" in field.label.text()
    field.clear_button.click()
    assert field.value() is None and field.label.text() == "未关联"


@pytest.mark.parametrize("fields", [
    {"kind": "规范性文件", "validity": "repealed", "valid_from": dt.date(2020, 1, 1),
     "valid_until": dt.date(2026, 6, 30), "doc_no": "某街发〔2020〕1号"},
    {"kind": "工作动态", "validity": "valid"},  # imported oddity: kept, not dropped
    {"attribute": "withheld", "withheld_reason": "涉及个人隐私"},
    {"attribute": "on_request", "scope": "internal", "channels": ["微信公众号", "政府网站"]},
    {"notice_start": dt.date(2026, 11, 3), "notice_end": dt.date(2026, 11, 9), "notice_days": 7,
     "notice_day_kind": "calendar", "posted_on": dt.date(2026, 11, 3), "posted_board": "一楼",
     "removed_on": dt.date(2026, 11, 10), "url": "http://example.gov.cn/a b", "status": "published",
     "published_on": dt.date(2026, 11, 3), "summary": "  前后空格  ", "content": "甲\t乙\r\n丙"},
])
def test_opening_and_saving_unchanged_changes_nothing(fields, open_dialog, db, actor, today):
    item_id = make_item(db, actor, today, **fields)
    dialog = open_dialog(item_id)
    with db.session() as s:
        stored = ItemData.of(register.get_item(s, item_id))
    assert dialog.form.collect(dialog._base) == stored
    assert not dialog.is_dirty()
    assert dialog.save()
    with db.session() as s:
        assert s.get(Item, item_id).version == 1  # nothing to write, nothing written
