"""The annual report window (offscreen): inputs into table 二, refused inputs, texts into the
.docx, 定稿 refused then accepted, 撤销定稿, read-only desks, and where it is opened from."""

from __future__ import annotations

import datetime as dt

import docx
import openpyxl
import pytest

from deskapp.core.audit.chain import Actor
from deskapp.core.reports import annual_store as store
from deskapp.core.store.models import AnnualReportRecord, InfoRequest
from deskapp.ui.common.context import AppContext
from deskapp.ui.common.messages import RecordingMessages
from deskapp.ui.reports import annual_dialog
from deskapp.ui.reports.annual_dialog import AnnualReportDialog, default_year
from tests.core.reports.annual_data import TODAY, YEAR, build


@pytest.fixture
def desk(db):
    with db.session() as s:
        ids = build(s)
    return db, ids


@pytest.fixture
def actx(desk) -> AppContext:
    return AppContext(db=desk[0], actor=Actor(None, "测试员"), messages=RecordingMessages(), clock=lambda: TODAY)


def open_dialog(qtbot, ctx) -> AnnualReportDialog:
    dialog = AnnualReportDialog(ctx)
    qtbot.addWidget(dialog)
    return dialog


def fill(dialog: AnnualReportDialog, **counts: str) -> None:
    for name, text in counts.items():
        if name == "fees":
            dialog.inputs.fees.setText(text)
        elif name.endswith("_note"):
            dialog.inputs.notes[name].setText(text)
        else:
            dialog.inputs.counts[name].setText(text)


def record(db) -> AnnualReportRecord | None:
    with db.session() as s:
        return s.get(AnnualReportRecord, YEAR)


def shown(ctx, kind: str) -> list[str]:
    return [text for k, text in ctx.messages.shown if k == kind]


def test_default_year_is_last_year_in_january_and_february():
    assert default_year(dt.date(2026, 1, 15)) == 2025
    assert default_year(dt.date(2026, 2, 28)) == 2025
    assert default_year(dt.date(2026, 3, 1)) == 2026


def test_tables_show_the_report_with_tooltips_and_the_failing_checks(qtbot, actx, desk):
    _, ids = desk
    dialog = open_dialog(qtbot, actx)
    assert dialog.chosen() == YEAR  # 15 January: last year's report
    t = dialog.tables
    assert t.cell_text("三", "new", "person") == "2"  # c and h
    assert t.cell_text("三", "new", "total") == "7"
    with actx.db.session() as s:
        number = s.get(InfoRequest, ids["c"]).number
    assert number in t.items[("三", "new", "person")].toolTip()
    assert t.items[("三", "new", "person")].toolTip().startswith("2件申请：")
    assert t.cell_text("二", "permit", "decisions") == "未录入"
    assert t.table3.item(0, 0).text().startswith("（本列数据的勾稽关系为")  # the format's top-left note
    assert t.table3.columnSpan(0, 0) == 3 and t.table3.rowSpan(0, 0) == 3
    assert t.table4.item(0, 0).text() == "行政复议"
    messages = [t.checks.item(i).text() for i in range(t.checks.count())]
    assert any("行政许可" in m and m.startswith("需处理：") for m in messages)
    assert "勾稽检查有4项需处理" in dialog.status.text()
    assert dialog.final_button.isEnabled() and not dialog.reopen_button.isEnabled()


def test_inputs_are_saved_and_shown_in_table_two(qtbot, actx):
    dialog = open_dialog(qtbot, actx)
    fill(dialog, permits="3", penalties="0", coercions="0", fees="1.50", permits_note="区审批局系统导出")
    assert dialog.save_inputs()
    t = dialog.tables
    assert t.cell_text("二", "permit", "decisions") == "3"
    assert t.cell_text("二", "fee", "amount") == "1.5"
    assert t.items[("二", "permit", "decisions")].toolTip() == "区审批局系统导出"
    with actx.db.session() as s:
        kept = store.load_inputs(s, YEAR)
    assert (kept.permits, kept.penalties, kept.fees, kept.permits_note) == (3, 0, "1.5", "区审批局系统导出")
    assert kept.regulation_issued is None  # empty stays "not entered"
    assert dialog.inputs.fees.text() == "1.5"  # shown as stored
    assert "勾稽检查已通过" in dialog.status.text()
    assert any("已保存" in m for m in shown(actx, "info"))


def test_hand_carry_over_replaces_the_register(qtbot, actx):
    dialog = open_dialog(qtbot, actx)
    dialog.inputs.use_register.setChecked(False)
    dialog.inputs.carried["person"].setValue(4)
    dialog.inputs.carried["legal"].setValue(1)
    assert dialog.inputs.carried_total.value() == 5
    dialog.inputs.carried_note.setText("按2024年度报告")
    assert dialog.save_inputs()
    assert dialog.tables.cell_text("三", "carried_in", "person") == "4"
    assert dialog.tables.cell_text("三", "carried_in", "total") == "5"
    with actx.db.session() as s:
        assert store.load_inputs(s, YEAR).carried_in == {"person": 4, "business": 0, "research": 0, "charity": 0,
                                                         "legal": 1, "other_org": 0}
    dialog.inputs.use_register.setChecked(True)
    assert dialog.save_inputs()
    with actx.db.session() as s:
        assert store.load_inputs(s, YEAR).carried_in is None


@pytest.mark.parametrize("name, text, message", [
    ("permits", "-1", "行政许可本年处理决定数量请填写不小于0的整数。"),
    ("penalties", "三件", "行政处罚本年处理决定数量请填写不小于0的整数。"),
    ("regulation_issued", "1.5", "规章本年制发件数请填写不小于0的整数。"),
    ("fees", "十万", "行政事业性收费金额请填写数字（单位：万元），没有的填0。"),
    ("fees", "-2", "行政事业性收费金额不能为负数，没有的填0。"),
])
def test_a_bad_input_shows_its_message_and_saves_nothing(qtbot, actx, name, text, message):
    dialog = open_dialog(qtbot, actx)
    fill(dialog, permits="3", penalties="0", coercions="0", fees="0")
    fill(dialog, **{name: text})
    assert not dialog.save_inputs()
    assert dialog.inputs.errors.message(name) == message
    assert record(actx.db) is None  # nothing kept, not even the good figures
    assert dialog.tables.cell_text("二", "permit", "decisions") == "未录入"
    fill(dialog, **{name: "0"})
    assert dialog.save_inputs()
    assert dialog.inputs.errors.message(name) == ""


def test_texts_edited_saved_and_exported_into_the_docx(qtbot, actx, tmp_path, monkeypatch):
    dialog = open_dialog(qtbot, actx)
    drafts = dict(dialog.report.drafts)
    assert dialog.texts.editors["一"].toPlainText() == drafts["一"]
    dialog.texts.editors["五"].setPlainText("（一）本年度存在的主要问题\n窗口测试写下的问题。")
    assert dialog.save_texts()
    with actx.db.session() as s:
        assert s.get(AnnualReportRecord, YEAR).texts == {"五": "（一）本年度存在的主要问题\n窗口测试写下的问题。"}
    dialog.texts.editors["六"].setPlainText("尚未保存的第六部分。")  # exported as shown
    paths = {}
    monkeypatch.setattr(annual_dialog, "ask_save_path",
                        lambda parent, title, name, suffix: paths.setdefault(suffix, str(tmp_path / name)))
    job = dialog.export(".docx")
    with qtbot.waitSignal(job.finished, timeout=60000):
        pass
    text = "\n".join(p.text for p in docx.Document(paths[".docx"]).paragraphs)
    assert "窗口测试写下的问题。" in text and "尚未保存的第六部分。" in text
    assert paths[".docx"].endswith("2025年政府信息公开工作年度报告.docx")
    # the inputs are missing: the file is written, then the failing check is said
    warnings = shown(actx, "warn")
    assert warnings and "勾稽检查未通过" in warnings[-1] and "行政许可" in warnings[-1]
    # 恢复草稿 puts the draft back; saved, the section follows the figures again
    dialog.texts.restore("五")
    assert dialog.texts.editors["五"].toPlainText() == drafts["五"]
    assert dialog.save_texts()
    with actx.db.session() as s:  # 保存正文 keeps the three sections as shown
        assert s.get(AnnualReportRecord, YEAR).texts == {"六": "尚未保存的第六部分。"}
    assert dialog.texts.editors["五"].toPlainText() == drafts["五"]
    assert not dialog.texts.editors["五"].document().isModified()


def test_final_refused_while_a_check_fails_then_accepted_and_reopened(qtbot, actx, tmp_path, monkeypatch):
    dialog = open_dialog(qtbot, actx)
    assert not dialog.mark_final()
    refusal = shown(actx, "warn")[-1]
    assert refusal.startswith("勾稽检查未通过，不能定稿：表二“第二十条第（五）项 行政许可”")
    with actx.db.session() as s:
        assert store.final_info(s, YEAR) is None
    fill(dialog, permits="0", penalties="0", coercions="0", fees="0")
    assert dialog.save_inputs()
    assert dialog.mark_final()
    assert dialog.status.text().startswith("已定稿（测试员，")
    assert not dialog.inputs.save_button.isEnabled() and not dialog.texts.save_button.isEnabled()
    assert not dialog.final_button.isEnabled() and dialog.reopen_button.isEnabled()
    with actx.db.session() as s:
        assert store.final_info(s, YEAR) is not None
        s.add(InfoRequest(year=2025, serial=99, number="后补登记", applicant_type="person", applicant_name="迟",
                          channel="in_person", received_on=dt.date(2025, 6, 1), reply_on=dt.date(2025, 6, 9),
                          outcome="open", step="closed"))
    dialog.show_year()
    assert dialog.tables.cell_text("三", "new", "person") == "2"  # the figures as published
    assert not dialog.tables.changes.isHidden()
    changes = [dialog.tables.changes.item(i).text() for i in range(dialog.tables.changes.count())]
    assert "表三“一、本年新收政府信息公开申请数量”行“自然人”列：定稿时为2，现为3（新增计入1条）。" in changes
    assert "定稿后台账有" in dialog.status.text()
    monkeypatch.setattr(annual_dialog, "ask_reason", lambda parent: None)
    assert not dialog.reopen()  # cancelled
    monkeypatch.setattr(annual_dialog, "ask_reason", lambda parent: "  ")
    assert not dialog.reopen()
    assert shown(actx, "warn")[-1] == "请填写取消定稿的原因。"
    monkeypatch.setattr(annual_dialog, "ask_reason", lambda parent: "补登记一件申请")
    assert dialog.reopen()
    assert dialog.status.text().startswith("尚未定稿")
    assert dialog.tables.cell_text("三", "new", "person") == "3"
    assert dialog.inputs.save_button.isEnabled()


def test_read_only_can_look_and_export_but_not_save(qtbot, desk, tmp_path, monkeypatch):
    db, _ = desk
    ro = AppContext(db=db, actor=Actor(None, "测试员"), messages=RecordingMessages(), clock=lambda: TODAY,
                    read_only=True)
    dialog = open_dialog(qtbot, ro)
    assert not dialog.inputs.save_button.isEnabled() and not dialog.texts.save_button.isEnabled()
    assert not dialog.final_button.isEnabled() and not dialog.reopen_button.isEnabled()
    assert dialog.texts.editors["一"].isReadOnly()
    fill(dialog, permits="3")
    assert not dialog.save_inputs() and not dialog.save_texts() and not dialog.mark_final()
    assert record(db) is None
    assert "只读" in dialog.status.text()
    out = tmp_path / "只读 导出.xlsx"
    job = dialog.export(".xlsx", str(out))
    with qtbot.waitSignal(job.finished, timeout=60000):
        pass
    assert len(openpyxl.load_workbook(out).sheetnames) >= 3


def test_opened_from_the_work_log_menu_and_the_dashboard(qtbot, actx, monkeypatch):
    from deskapp.ui.dashboard.tab import DashboardTab
    from deskapp.ui.worklog.tab import WorklogTab

    opened = []
    monkeypatch.setattr(AnnualReportDialog, "exec", lambda self: opened.append(self.chosen()) or 0)
    tab = WorklogTab(actx)
    qtbot.addWidget(tab)
    action = next(a for a in tab.menu_actions() if a.text() == "年度报告…")
    action.trigger()
    dash = DashboardTab(actx)
    qtbot.addWidget(dash)
    assert dash.annual_button.text() == "年度报告…"
    dash.annual_button.click()
    assert opened == [YEAR, YEAR]


def test_unsaved_texts_are_not_dropped_by_a_year_change_without_asking(qtbot, actx):
    dialog = open_dialog(qtbot, actx)
    year = dialog.chosen()
    dialog.texts.editors["六"].insertPlainText("（未保存）")  # as typed: the document is modified
    actx.messages.answer = False  # 不放弃
    dialog.year.setValue(year - 1)
    assert dialog.chosen() == year
    assert "（未保存）" in dialog.texts.editors["六"].toPlainText()
    assert shown(actx, "confirm")
    dialog.reject()  # closing asks too, and "no" keeps the dialog and the text
    assert "（未保存）" in dialog.texts.editors["六"].toPlainText()
    actx.messages.answer = True
    dialog.year.setValue(year - 1)
    assert dialog.chosen() == year - 1 and not dialog.texts.modified()
