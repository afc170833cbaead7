"""设置 → 依申请公开与文书: the periods, where to appeal and each letter's wording saved in one
transaction and used by the next letter; a template the law would not allow is refused under
the editor with nothing saved; 恢复默认; 预览 on a sample; a read-only desk cannot save."""

from __future__ import annotations

import datetime as dt
import io
import re
import sys
import types

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialog
from sqlalchemy import select

from deskapp.core.audit.chain import Actor
from deskapp.core.requests import records
from deskapp.core.requests import wording as wd
from deskapp.core.store import settings
from deskapp.core.store.models import AuditEvent
from deskapp.exports.pdf.letter_source import render_request_letter
from deskapp.ui import main_window as main_window_module
from deskapp.ui.common.context import AppContext
from deskapp.ui.common.messages import RecordingMessages
from deskapp.ui.main_window import MainWindow
from deskapp.ui.settings import letters_support as sup
from deskapp.ui.settings.letters_dialog import EDITED_MARK, RequestSettingsDialog
from tests.core.requests.helpers import VALID_ID, data
from tests.ui.register_testdata import STUB_TABS

TODAY = dt.date(2026, 11, 26)
pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")  # offscreen platform

RECEIPT = wd.DEFAULTS["receipt"] + "\n本回执由城南街道政务公开办公室出具，咨询电话{phone}。"


@pytest.fixture
def lctx(db):
    return AppContext(db=db, actor=Actor(None, "测试员"), messages=RecordingMessages(), clock=lambda: TODAY)


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", "", "".join(p.extract_text() or "" for p in reader.pages))


def audit_rows(db):
    with db.session() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.entity == "setting")))


def stored(db) -> dict:
    with db.session() as s:
        return settings.get_all(s)


def open_dialog(qtbot, ctx) -> RequestSettingsDialog:
    dialog = RequestSettingsDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def edit(dialog: RequestSettingsDialog, template: str, text: str) -> None:
    dialog.wording_page.select(template)
    dialog.wording_page.editor.setPlainText(text)


def test_saved_override_is_used_by_the_next_letter(qtbot, lctx, db, actor):
    with db.session() as s:
        settings.put_many(s, {"org_name": "城南街道办事处", "phone": "0573-88881234"})
    dialog = open_dialog(qtbot, lctx)
    page = dialog.request_page
    assert page.example.text() == "示例：依申请公开〔2026〕1号"
    page.prefix.setText("城南依申")
    assert page.example.text() == "示例：城南依申〔2026〕1号"
    page.supplement_days.setValue(10)
    page.review_body.setText("嘉兴市南湖区人民政府")
    page.court.setText("嘉兴市南湖区人民法院")
    edit(dialog, "receipt", RECEIPT)
    assert dialog.wording_page.state.text() == "登记回执：本机关的措辞"
    assert dialog.wording_page.templates.item(0).text().endswith(EDITED_MARK)
    with qtbot.waitSignal(lctx.bus.settings_changed):
        dialog.save()
    assert dialog.result() == QDialog.DialogCode.Accepted
    values = stored(db)
    assert values["letter_receipt"] == RECEIPT and values["request_prefix"] == "城南依申"
    assert values["supplement_days"] == 10 and values["letter_remedy"] == ""  # untouched: the default
    (event,) = audit_rows(db)  # one user action, one event
    assert event.actor_name == "测试员" and event.after["request_court"] == "嘉兴市南湖区人民法院"

    with db.session() as s:
        req = records.create_request(s, actor, data(received_on=dt.date(2026, 11, 20)), today=TODAY)
        rid, version = req.id, req.version
        receipt = text_of(render_request_letter(s, db, rid, "receipt", TODAY).data)
        records.close_request(s, actor, rid, version, "open", TODAY, "post", today=TODAY)
        reply = text_of(render_request_letter(s, db, rid, "reply", TODAY).data)
    assert "申请编号：城南依申〔2026〕1号" in receipt
    assert "本回执由城南街道政务公开办公室出具，咨询电话0573-88881234。" in receipt
    assert VALID_ID not in receipt
    assert "60日内向嘉兴市南湖区人民政府申请行政复议" in reply and "6个月内向嘉兴市南湖区人民法院提起行政诉讼" in reply


@pytest.mark.parametrize(("template", "text", "message"), [
    ("remedy", "如不服，可在60日内申请行政复议，或6个月内向{court}起诉。", "请保留{review_body}和{court}"),
    ("reply_refuse_1", "经审查，该信息属于国家秘密，本机关决定不予公开。", "须写明所依据的条例条款"),
    ("receipt", "本机关于{received}收到{applicant}的申请，编号{numbr}。", "字段{numbr}不存在"),
    ("third_party", "申请人{applicant}申请公开与贵方有关的信息，请于{third_party_due}前提出意见。",
     "不能写入申请人的姓名或证件号码"),
    ("supplement", "请补正：{missing!r}", "不是可用的字段写法"),
])
def test_a_bad_template_is_refused_and_nothing_changes(qtbot, lctx, db, template, text, message):
    dialog = open_dialog(qtbot, lctx)
    dialog.request_page.prefix.setText("城南依申")  # a good change in the same save: not stored either
    edit(dialog, "extension", wd.DEFAULTS["extension"] + "\n特此告知。")
    edit(dialog, template, text)
    dialog.wording_page.select("receipt" if template != "receipt" else "extension")  # look elsewhere
    dialog.save()
    assert dialog.result() != QDialog.DialogCode.Accepted
    page = dialog.wording_page
    assert dialog.tabs.currentWidget() is page and page.current == template  # brought back to it
    assert message in page.error.text() and page.error.isVisible()
    assert sup.template_label(template) in page.error.text()
    row = sup.TEMPLATES.index(template)
    assert page.templates.item(row).foreground().color().name() == "#c62828"
    values = stored(db)
    assert values["request_prefix"] == "依申请公开" and values["letter_extension"] == ""
    assert values[wd.SETTING_KEYS[template]] == "" and audit_rows(db) == []
    with db.session() as s:
        assert wd.load_wording(s).templates == wd.DEFAULTS
    page.editor.setPlainText(wd.DEFAULTS[template] + "\n特此告知。")  # corrected: saved, message gone
    assert page.error.text() == ""
    dialog.save()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert stored(db)["letter_extension"].endswith("特此告知。")


def test_a_reply_names_its_outcome_not_its_code(qtbot, lctx, db):
    dialog = open_dialog(qtbot, lctx)
    edit(dialog, "reply_refuse_1", "不予公开。")
    dialog.save()
    assert "答复书：（三）不予公开 1.属于国家秘密" in dialog.wording_page.error.text()
    assert "refuse_1" not in dialog.wording_page.error.text()


def test_a_bad_setting_shows_beside_its_field(qtbot, lctx, db):
    dialog = open_dialog(qtbot, lctx)
    dialog.request_page.prefix.setText("很长" * 21)
    edit(dialog, "receipt", RECEIPT)
    dialog.save()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.tabs.currentWidget() is dialog.request_page
    assert "不超过40个字符" in dialog.request_page.errors.message("request_prefix")
    assert stored(db)["letter_receipt"] == "" and audit_rows(db) == []


def test_restore_default(qtbot, lctx, db, actor):
    with db.session() as s:
        wd.save_templates(s, {"letter_reply_open": "经审查，予以公开。依据条例第三十六条第（二）项。"})
    dialog = open_dialog(qtbot, lctx)
    page = dialog.wording_page
    page.select("reply_open")
    assert page.editor.toPlainText().startswith("经审查，予以公开。")
    assert page.state.text().endswith("本机关的措辞") and page.restore_button.isEnabled()
    assert page.templates.item(sup.TEMPLATES.index("reply_open")).text().endswith(EDITED_MARK)
    page.restore_button.click()
    assert page.editor.toPlainText() == wd.DEFAULTS["reply_open"]
    assert page.state.text().endswith("默认措辞") and not page.restore_button.isEnabled()
    assert not page.templates.item(sup.TEMPLATES.index("reply_open")).text().endswith(EDITED_MARK)
    dialog.save()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert stored(db)["letter_reply_open"] == ""
    with db.session() as s:
        assert wd.load_wording(s).templates["reply_open"] == wd.DEFAULTS["reply_open"]


def test_a_stored_template_that_fails_the_check_is_flagged_on_opening(qtbot, lctx, db):
    with db.session() as s:  # written by another path (an old version, a script)
        settings.put_many(s, {"letter_remedy": "不服的，可以申请复议。"})
    dialog = open_dialog(qtbot, lctx)
    page = dialog.wording_page
    page.select("remedy")
    assert "打印时使用默认措辞" in page.error.text()


def test_preview_renders_the_template_on_a_sample(qtbot, lctx, db):
    dialog = open_dialog(qtbot, lctx)
    dialog.request_page.review_body.setText("嘉兴市南湖区人民政府")
    edit(dialog, "reply_refuse_4", wd.DEFAULTS["reply_refuse_4"] + "\n（示例改动）")
    dialog.preview()
    preview = dialog.last_preview
    assert preview is not None and preview.pdf.page_count() >= 1
    qtbot.addWidget(preview)
    with db.session() as s:
        result = sup.sample_letter(s, "reply_refuse_4", TODAY, dialog.wording_page.texts,
                                   "嘉兴市南湖区人民政府", "")
    text = text_of(result.data)
    assert "政府信息公开申请答复书" in text and "第十五条" in text and "（示例改动）" in text
    assert "嘉兴市南湖区人民政府" in text and sup.SAMPLE_ID not in text and "张小三" in text
    assert any("人民法院名称" in note for note in result.messages())  # the court is not named yet
    assert stored(db)["letter_reply_refuse_4"] == ""  # previewing saves nothing
    edit(dialog, "third_party", "请{applicant}提出意见。")
    dialog.last_preview = None
    dialog.preview()
    assert dialog.last_preview is None and "不能写入申请人" in dialog.wording_page.error.text()


def test_double_click_inserts_a_field(qtbot, lctx):
    dialog = open_dialog(qtbot, lctx)
    page = dialog.wording_page
    page.select("third_party")
    names = [page.fields.item(i).text() for i in range(page.fields.count())]
    assert not any("{applicant}" in n or "{id_number}" in n for n in names)
    page.select("receipt")
    page.editor.setPlainText("")
    row = next(i for i in range(page.fields.count()) if page.fields.item(i).text().startswith("{number}"))
    page.fields.itemDoubleClicked.emit(page.fields.item(row))
    assert page.editor.toPlainText() == "{number}" and page.texts["receipt"] == "{number}"


def test_read_only_desk_cannot_save(qtbot, db):
    ctx = AppContext(db=db, actor=Actor(None, "测试员"), messages=RecordingMessages(), clock=lambda: TODAY,
                     read_only=True)
    dialog = open_dialog(qtbot, ctx)
    page = dialog.wording_page
    assert not dialog.save_button.isEnabled() and page.editor.isReadOnly()
    assert not dialog.request_page.prefix.isEnabled() and not page.restore_button.isEnabled()
    page.texts["receipt"] = RECEIPT  # even if something got through
    dialog.save()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert stored(db)["letter_receipt"] == "" and audit_rows(db) == []
    dialog.preview()  # looking is allowed
    assert dialog.last_preview is not None
    qtbot.addWidget(dialog.last_preview)


def test_settings_menu_opens_it(qtbot, lctx, tmp_path, monkeypatch):
    monkeypatch.setattr(main_window_module, "TABS", STUB_TABS)
    window = MainWindow(lctx, QSettings(str(tmp_path / "设置.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    opened = []

    class Dialog:
        def __init__(self, ctx, parent):
            opened.append((ctx, parent))

        def exec(self):
            return 0

    module = types.ModuleType("deskapp.ui.settings.letters_dialog")
    module.RequestSettingsDialog = Dialog
    monkeypatch.setitem(sys.modules, "deskapp.ui.settings.letters_dialog", module)
    # The bar's actions kept in a name: PySide6 6.9 invalidates the QMenu wrapper a.menu()
    # returned once the QAction wrappers are freed ("Internal C++ object already deleted").
    bar_actions = window.menuBar().actions()
    menu = next(a.menu() for a in bar_actions if a.text() == "设置(&S)")
    action = next(a for a in menu.actions() if a.text() == "依申请公开与文书…")
    action.trigger()
    assert opened == [(lctx, window)]


def test_cancel_asks_before_throwing_edits_away(qtbot, db):
    messages = RecordingMessages(answer=False)
    ctx = AppContext(db=db, actor=Actor(None, "测试员"), messages=messages, clock=lambda: TODAY)
    dialog = open_dialog(qtbot, ctx)
    dialog.reject()  # nothing typed: closes without asking
    assert dialog.result() == QDialog.DialogCode.Rejected and messages.shown == []
    dialog = open_dialog(qtbot, ctx)
    edit(dialog, "receipt", RECEIPT)
    dialog.reject()
    assert dialog.isVisible() and messages.shown[-1][0] == "confirm"  # "no": stays open
    messages.answer = True
    dialog.reject()
    assert not dialog.isVisible() and stored(db)["letter_receipt"] == ""
    dialog = open_dialog(qtbot, ctx)
    dialog.request_page.supplement_days.setValue(9)
    assert dialog.has_changes()
    dialog.request_page.supplement_days.setValue(15)
    assert not dialog.has_changes()
