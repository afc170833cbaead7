"""The work log tab and dialog, the tally dialog and the import wizard (offscreen)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from deskapp.core.audit.chain import Actor  # noqa: E402
from deskapp.core.reports import reported as tally_report  # noqa: E402
from deskapp.core.reports import worklog  # noqa: E402
from deskapp.core.store.models import Item, WorklogEntry  # noqa: E402
from deskapp.ui import tabs  # noqa: E402
from deskapp.ui.common import excel_files as excel_actions  # noqa: E402
from deskapp.ui.common.context import AppContext  # noqa: E402
from deskapp.ui.common.messages import RecordingMessages  # noqa: E402
from deskapp.ui.ledger.import_wizard import ImportWizard  # noqa: E402
from deskapp.ui.reports.tally_dialog import TallyDialog  # noqa: E402
from deskapp.ui.worklog import dialog as worklog_dialog  # noqa: E402
from deskapp.ui.worklog.dialog import WorklogDialog  # noqa: E402
from deskapp.ui.worklog.tab import WorklogTab  # noqa: E402
from tests.f_excel_data import TODAY


@pytest.fixture
def xctx(built_db) -> AppContext:
    return AppContext(db=built_db, actor=Actor(None, "测试员"), messages=RecordingMessages(),
                      clock=lambda: TODAY)


def entries(db) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(WorklogEntry))


def test_tab_is_registered():
    assert ("工作记录", "deskapp.ui.worklog.tab:WorklogTab") in tabs.TABS
    assert tabs.load_tab_class("deskapp.ui.worklog.tab:WorklogTab") is WorklogTab


def test_tab_lists_the_quarter_and_filters_by_kind(qtbot, xctx):
    tab = WorklogTab(xctx)
    qtbot.addWidget(tab)
    assert tab.quarter.currentText() == "第4季度"  # 26 November
    tab.quarter.setCurrentIndex(3)  # 第3季度
    with xctx.db.session() as s:
        want = worklog.list_entries(s, dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    assert [r.id for r in tab.model.rows] == [r.id for r in want]
    assert tab.model.rowCount() == len(want) > 0
    tab.kind.setCurrentIndex(tab.kind.findData("response"))
    assert {r.kind for r in tab.model.rows} == {"response"}
    assert "回应关切答复" in tab.count.text()
    labels = [a.text() for a in tab.menu_actions()]
    assert labels == ["新增工作记录…", "季度统计…", "年度报告…", "导入现有台账…", "下载导入模板…", "导出台账（Excel）…"]


def test_dialog_creates_a_reply_with_an_attachment(qtbot, xctx, tmp_path):
    before = entries(xctx.db)
    photo = tmp_path / "网评 截图.png"
    photo.write_bytes(b"png-bytes")
    dialog = WorklogDialog(xctx, None, default_kind="response")
    qtbot.addWidget(dialog)
    assert dialog.channel.isEnabled()
    dialog.day.setText("2026-11-20")
    dialog.title_edit.setText("关于小区停车的网评回复")
    dialog.save()  # channel, question and reply missing: refused with the messages by the fields
    assert dialog.errors.message("channel") and dialog.errors.message("question")
    assert entries(xctx.db) == before
    dialog.channel.setCurrentIndex(dialog.channel.findData("web"))
    dialog.question.setPlainText("小区何时增加车位？")
    dialog.reply.setPlainText("已列入明年计划。")
    dialog.attach(str(photo))
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    row = dialog.saved
    assert row.kind == "response" and row.channel == "web" and row.attachments == 1
    assert entries(xctx.db) == before + 1


def test_dialog_edits_and_bad_date(qtbot, xctx):
    with xctx.db.session() as s:
        row = worklog.list_entries(s, kind="meeting")[0]
    dialog = WorklogDialog(xctx, row.id)
    qtbot.addWidget(dialog)
    assert dialog.title_edit.text() == row.title and not dialog.channel.isEnabled()
    dialog.day.setText("2026-13-40")
    dialog.save()
    assert "日期无法识别" in dialog.errors.message("day")
    dialog.day.setText("2026-10-09")
    dialog.title_edit.setText("改过的会议名称")
    dialog.save()
    with xctx.db.session() as s:
        again = worklog.get_row(s, row.id)
    assert again.title == "改过的会议名称" and again.day == dt.date(2026, 10, 9)


def test_tab_delete_asks_first(qtbot, xctx):
    tab = WorklogTab(xctx)
    qtbot.addWidget(tab)
    before = entries(xctx.db)
    tab.view.selectRow(0)
    xctx.messages.answer = False
    tab.delete_selected()
    assert entries(xctx.db) == before
    xctx.messages.answer = True
    tab.delete_selected()
    assert entries(xctx.db) == before - 1 and tab.model.rowCount() == len(tab.model.rows)


def test_tally_dialog_generates_and_marks_reported(qtbot, xctx, tmp_path):
    dialog = TallyDialog(xctx)
    qtbot.addWidget(dialog)
    assert dialog.chosen() == (2026, 3)  # the quarter just ended
    assert dialog.table.rowCount() == len(dialog.figures.rows)
    assert dialog.table.item(0, 0).text() == "主动公开新增信息数"
    assert "尚未标记为已上报" in dialog.status.text()
    out = tmp_path / "第三季度 统计.xlsx"
    job = dialog.generate(str(out))
    with qtbot.waitSignal(job.finished, timeout=60000):
        pass
    assert openpyxl.load_workbook(out).sheetnames[0] == "汇总"
    assert dialog.last_result.detail_rows > 0
    assert any("已生成" in text for kind, text in xctx.messages.shown)
    dialog.mark_reported()
    assert "已于2026年11月26日标记为已上报（测试员）" in dialog.status.text()
    with xctx.db.session() as s:
        assert tally_report.report_info(s, 2026, 3) is not None
    dialog.quarter.setCurrentIndex(3)
    assert "尚未标记为已上报" in dialog.status.text()
    dialog.quarter.setCurrentIndex(2)
    assert "已于" in dialog.status.text()


def test_tally_dialog_current_quarter_and_no_future_years(qtbot, xctx):
    dialog = TallyDialog(xctx)
    qtbot.addWidget(dialog)
    assert dialog.year.maximum() == 2026  # no year still to come
    dialog.quarter.setCurrentIndex(3)  # 2026 Q4 is running on 26 November
    assert dialog.generate_button.isEnabled() and dialog.table.rowCount() > 0
    december = dialog.figures.rows[0].months[2]
    assert december is None  # a month still to come has no figure


def _ledger(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["街道信息公开台账"])
    ws.append(["信息名称", "成文日期", "公开日期", "责任单位", "备注"])
    ws.append(["向导导入的第一条", "2026-9-1", "2026-9-2", "党政办", ""])
    ws.append(["", "2026-9-1", "", "党政办", "标题空着"])
    ws.append(["向导导入的第三条", "2026-9-31", "", "党政办", "日期错"])
    ws.append(["向导导入的第四条", "2026年9月4日", "", "党政办", ""])
    wb.save(path)
    return path


def _items(db, like: str) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(Item).where(Item.title.like(f"{like}%")))


def test_import_wizard_all_steps(qtbot, xctx, tmp_path):
    path = _ledger(tmp_path / "旧 台账.xlsx")
    wizard = ImportWizard(xctx)
    qtbot.addWidget(wizard)
    wizard.restart()
    assert not wizard.file_page.isComplete()
    wizard.file_page.path.setText(str(path))
    wizard.next()
    assert wizard.currentPage() is wizard.mapping_page
    page = wizard.mapping_page
    assert page.header_row.value() == 2
    assert [c.currentData() for c in page.combos] == ["title", "formed_on", "published_on", "department", None]
    page.set_field(2, None)  # the user decides the 公开日期 column is not to be imported
    wizard.next()
    preview = wizard.preview_page
    assert wizard.currentPage() is preview
    assert "无误2行，有问题2行" in preview.summary.text()
    assert preview.issues.rowCount() == 2
    assert [preview.issues.item(0, c).text() for c in range(4)] == ["4", "A", "信息名称", "必填为空"]
    bad = preview.rows.item(1, 2)  # row 5, column B (成文日期)
    assert bad.toolTip() == "日期无法识别" and bad.background().color().name() == "#f8d7da"
    assert not preview.isComplete()  # default: nothing while rows are bad
    preview.good_only.setChecked(True)
    assert preview.isComplete()
    wizard.next()
    result = wizard.result_page
    with qtbot.waitSignal(wizard.job.finished, timeout=30000):
        pass
    qtbot.waitUntil(lambda: result.done, timeout=5000)
    assert "已导入2条信息" in result.text.text()
    assert _items(xctx.db, "向导导入的") == 2
    with xctx.db.session() as s:
        first = s.scalar(select(Item).where(Item.title == "向导导入的第一条"))
        assert first.published_on is None and first.status == "draft"  # 公开日期 was not imported
        assert first.source_file == "旧 台账.xlsx" and first.source_row == 3


def test_import_wizard_refuses_a_bad_file(qtbot, xctx, tmp_path):
    bad = tmp_path / "旧.xls"
    bad.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    wizard = ImportWizard(xctx)
    qtbot.addWidget(wizard)
    wizard.restart()
    wizard.file_page.path.setText(str(bad))
    wizard.next()
    assert wizard.currentPage() is wizard.file_page
    assert "另存为 .xlsx" in xctx.messages.shown[-1][1]


def test_template_download(qtbot, xctx, tmp_path):
    out = excel_actions.download_template(xctx, None, str(tmp_path / "模板.xlsx"))
    assert out and openpyxl.load_workbook(out)["台账"]["B2"].value == "标题*"


def test_register_export_action(qtbot, xctx, tmp_path):
    job = excel_actions.export_register(xctx, None, path=str(tmp_path / "全部.xlsx"))
    with qtbot.waitSignal(job.finished, timeout=60000):
        pass
    with xctx.db.session() as s:
        total = s.scalar(select(func.count()).select_from(Item))
    assert openpyxl.load_workbook(tmp_path / "全部.xlsx")["台账"].max_row == total + 3


def test_read_only_disables_writes(qtbot, built_db):
    ro = AppContext(db=built_db, actor=Actor(None, "测试员"), messages=RecordingMessages(),
                    read_only=True, clock=lambda: TODAY)
    tab = WorklogTab(ro)
    qtbot.addWidget(tab)
    assert not tab.add_button.isEnabled()
    enabled = {a.text(): a.isEnabled() for a in tab.menu_actions()}
    assert enabled["导入现有台账…"] is False and enabled["季度统计…"] is True
    dialog = TallyDialog(ro)
    qtbot.addWidget(dialog)
    assert not dialog.report_button.isEnabled()


def test_attachment_chooser_is_replaceable(qtbot, xctx, tmp_path, monkeypatch):
    f = tmp_path / "签到表.pdf"
    f.write_bytes(b"%PDF")
    monkeypatch.setattr(worklog_dialog, "ask_attachment", lambda parent: str(f))
    dialog = WorklogDialog(xctx, None)
    qtbot.addWidget(dialog)
    dialog.choose_file()
    assert dialog.pending == [str(f)] and dialog.files.count() == 1
    dialog.files.setCurrentRow(0)
    dialog.remove_selected_file()
    assert dialog.pending == [] and dialog.files.count() == 0
