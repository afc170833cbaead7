"""The dialogs of 审核签发: signing, 纸质签批, publishing, 操作记录 (+ Excel), 今日待办, and
the flow settings with passwords."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QSettings, Qt
from sqlalchemy import select

from deskapp.core.audit.chain import Actor
from deskapp.core.review import flow as review_flow
from deskapp.core.review import passwords, workflow
from deskapp.core.store.models import AuditEvent, Person
from deskapp.ui.common.context import AppContext
from deskapp.ui.common.messages import RecordingMessages
from deskapp.ui.review.dialogs import PaperDialog, PublishDialog, SignDialog, qdate
from deskapp.ui.review.flow_dialog import ReviewFlowDialog
from deskapp.ui.review.history_dialog import HistoryDialog
from deskapp.ui.review.summary_dialog import SummaryDialog, show_opening_summary
from tests.review_support import PASSWORD, TODAY, make_item, make_staff

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")  # offscreen platform


@pytest.fixture
def desk(db, actor):
    with db.session() as s:
        staff = make_staff(s)
        ids = [make_item(s, actor, staff, title=f"第{n}号通知", formed_on=dt.date(2026, 10, 20)) for n in range(3)]
        workflow.submit(s, actor, ids[0], None, today=TODAY)
        workflow.submit(s, actor, ids[1], None, today=TODAY)
        workflow.return_item(s, actor, ids[1], None, staff.head, PASSWORD, "请补充", today=TODAY)
    return staff, ids


def context(db, person=None, name="信息员"):
    return AppContext(db, Actor(person, name), RecordingMessages(), clock=lambda: TODAY)


def test_sign_dialog_checks_and_clears_password(qtbot):
    d = SignDialog("退回", "说明", [(2, "李科长"), (3, "赵保密")], default_id=3, opinion="required")
    qtbot.addWidget(d)
    assert d.signer.currentData() == 3 and d.password.echoMode().name == "Password"
    d.accept()
    assert "请输入签批密码" in d.error.text() and d.result_value is None
    d.password.setText("secret-1")
    d.accept()
    assert "请填写意见" in d.error.text()
    d.opinion.setPlainText("请修改第二段")
    d.accept()
    assert d.result_value.signer_id == 3 and d.result_value.password == "secret-1"
    assert d.result_value.opinion == "请修改第二段" and d.password.text() == ""


def test_paper_dialog(qtbot):
    d = PaperDialog("保密审查", [(3, "赵保密")], TODAY, can_withhold=True)
    qtbot.addWidget(d)
    assert [d.decision.itemText(i) for i in range(d.decision.count())] == ["同意", "退回", "不予公开"]
    d.date.setDate(qdate(TODAY + dt.timedelta(days=1)))
    d.accept()
    assert "不能晚于今天" in d.error.text()
    d.date.setDate(qdate(TODAY - dt.timedelta(days=2)))
    d.decision.setCurrentIndex(2)
    d.accept()
    assert "需填写" in d.error.text()
    d.opinion.setPlainText("涉密")
    d.scan.setText("/tmp/扫描.pdf")
    d.accept()
    r = d.result_value
    assert (r.signer_id, r.decision, r.paper_date, r.scan_path) == (
        3, "withhold", TODAY - dt.timedelta(days=2), "/tmp/扫描.pdf")
    no_withhold = PaperDialog("初审", [(2, "李科长")], TODAY)
    qtbot.addWidget(no_withhold)
    assert no_withhold.decision.count() == 2


def test_publish_dialog(qtbot):
    d = PublishDialog("第1号通知", TODAY, ["政府网站"], TODAY + dt.timedelta(days=5))
    qtbot.addWidget(d)
    for box in d.boxes:
        box.setChecked(False)
    d.accept()
    assert "至少选择一个" in d.error.text()
    d.boxes[2].setChecked(True)
    d.url.setText("https://www.example.gov.cn/1.html")
    d.accept()
    assert d.result_value.channels == ["两微一端"] and d.result_value.published_on == TODAY


def test_history_dialog_filters_and_exports(qtbot, db, desk, tmp_path):
    staff, ids = desk
    ctx = context(db)
    d = HistoryDialog(ctx, None, item_id=ids[1])
    qtbot.addWidget(d)
    assert [r.action_label for r in d.model.rows] == ["退回", "送审", "新建"]
    d.item.setText("没有这条信息")
    d.run_query()
    assert d.model.rows == [] and "没有找到" in d.count.text()
    d.item.setText("")
    d.person.setCurrentIndex(d.person.findData(staff.head))
    d.run_query()
    assert [r.action for r in d.model.rows] == ["return"]
    d.person.setCurrentIndex(0)
    d.use_dates.setChecked(True)
    d.first.setDate(qdate(dt.date(2000, 1, 1)))
    d.last.setDate(qdate(dt.date(2000, 1, 2)))
    d.run_query()
    assert d.model.rows == []
    d.use_dates.setChecked(False)
    d.run_query()
    out = tmp_path / "导出 记录" / "操作记录"
    out.parent.mkdir()
    d.ask_export_path = lambda: str(out)
    d.export_excel()
    saved = out.with_suffix(".xlsx")
    ws = load_workbook(saved).active
    assert ws.cell(row=3, column=1).value == "编号" and ws.max_row == 3 + len(d.model.rows)
    assert ctx.messages.shown[-1][0] == "info"


def test_summary_dialog_and_opening_hook(qtbot, db, desk):
    staff, ids = desk
    d = SummaryDialog(context(db, staff.head, "李科长"))
    qtbot.addWidget(d)
    text = d.text.toPlainText()
    assert "李科长，今日待办" in text and "待您审批：科室负责人初审 1 条" in text
    drafter = SummaryDialog(context(db, staff.drafter, "王经办"))
    qtbot.addWidget(drafter)
    assert "已退回、待经办人修改 1 条" in drafter.text.toPlainText()
    qs = QSettings(str(__import__("pathlib").Path(db.data_dir) / "ui.ini"), QSettings.Format.IniFormat)
    opened = []
    shown = show_opening_summary(context(db, staff.head, "李科长"), None, qs, on_open_review=lambda: opened.append(1))
    qtbot.addWidget(shown)
    assert shown is not None and shown.isVisible()
    shown.show_on_open.setChecked(False)
    shown._go()
    assert opened == [1]
    assert show_opening_summary(context(db, staff.head, "李科长"), None, qs) is None  # switched off


def test_flow_dialog_edits_steps_and_saves(qtbot, db, desk):
    staff, ids = desk
    ctx = context(db)
    d = ReviewFlowDialog(ctx)
    qtbot.addWidget(d)
    assert d.step_list.count() == 4
    d.preset.setCurrentText("三审")
    d.apply_preset()
    assert [s.name for s in d.steps] == ["初审", "审核", "审发"]
    d.step_list.setCurrentRow(1)
    d.name.setText("分管审核")
    d.name.textEdited.emit("分管审核")
    for i in range(d.person_list.count()):
        item = d.person_list.item(i)
        if item.data(Qt.ItemDataRole.UserRole) == staff.deputy:
            item.setCheckState(Qt.CheckState.Checked)
    d.forbid_self.setChecked(False)
    d.form_title.setText("信息发布审批单")
    d.save()
    assert d.result() == d.DialogCode.Accepted
    with db.session() as s:
        flow = review_flow.load_flow(s)
        assert [st.name for st in flow.steps] == ["初审", "分管审核", "审发"]
        assert [p.id for p in flow.steps[1].people] == [staff.deputy]
        assert not flow.forbid_self_approval and flow.name == review_flow.CUSTOM
        assert review_flow.form_title(s) == "信息发布审批单"


def test_flow_dialog_refuses_bad_flow(qtbot, db, desk):
    d = ReviewFlowDialog(context(db))
    qtbot.addWidget(d)
    d.step_list.setCurrentRow(0)
    d.name.setText("")
    d.name.textEdited.emit("")
    d.save()
    assert "第1步需要名称" in d.error.text()


def test_flow_dialog_sets_and_clears_passwords(qtbot, db, desk):
    staff, ids = desk
    ctx = context(db)
    d = ReviewFlowDialog(ctx)
    qtbot.addWidget(d)
    d.pw_person.setCurrentIndex(d.pw_person.findData(staff.chief))
    assert d.pw_state.text() == "密码：已设置"
    d.ask_new_password = lambda name: "new-pass-9"
    d.set_password()
    with db.session() as s:
        assert passwords.verify_password("new-pass-9", s.get(Person, staff.chief).password_hash)
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "reset_password")).one()
        assert "new-pass-9" not in repr(event.after)
    d.ask_new_password = lambda name: "123"
    d.set_password()
    assert "至少需要" in d.error.text()
    d.clear_password()
    assert d.pw_state.text() == "密码：未设置"
