"""依申请公开 tab: a request registered in the dialog, walked through its steps from the tab's
actions, its letter saved and read back, and the law's refusals shown without saving."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from deskapp.core.audit.chain import Actor
from deskapp.core.requests import records
from deskapp.core.requests.records import RequestData
from deskapp.core.store.backups import list_backups
from deskapp.core.store.db import Database
from deskapp.ui.common.context import AppContext
from deskapp.ui.common.messages import RecordingMessages
from deskapp.ui.requests import tab as tab_module
from deskapp.ui.requests.dialogs import RequestDialog, StepDialog
from deskapp.ui.requests.model import StateRole
from deskapp.ui.requests.tab import RequestsTab
from deskapp.ui.tabs import TABS

TODAY = dt.date(2026, 5, 20)
ACTOR = Actor(None, "测试员")


@pytest.fixture
def rctx(db: Database) -> AppContext:
    return AppContext(db=db, actor=ACTOR, messages=RecordingMessages(), clock=lambda: TODAY)


def add_request(db: Database, name: str, received: dt.date) -> int:
    with db.session() as s:
        return records.create_request(s, ACTOR, RequestData(
            applicant_name=name, id_number="110105199003071239", phone="13812345678", address="长安街1号",
            received_on=received, content="2025年低保名单"), today=TODAY).id


class Answering:
    """Replaces the dialogs' exec: fills the step form through ``fill`` and saves it."""

    def __init__(self, tab: RequestsTab, fill):  # type: ignore[no-untyped-def]
        self.fill, self.seen = fill, []
        tab.ops.exec_dialog = self  # type: ignore[method-assign]

    def __call__(self, dialog: QDialog) -> bool:
        self.seen.append(dialog)
        self.fill(dialog)
        dialog.save()  # type: ignore[attr-defined]
        return dialog.result() == QDialog.DialogCode.Accepted


def set_dates(dialog: StepDialog, **dates: str) -> None:
    for key, text in dates.items():
        dialog.widgets[key].setText(text)  # type: ignore[attr-defined]


def test_the_tab_is_listed_beside_the_register() -> None:
    labels = [label for label, _spec in TABS]
    assert labels[labels.index("信息登记") + 1] == "依申请公开"  # beside it (the 工作台 comes first)


def test_model_holds_to_qt_rules_and_colours_late_rows(qtbot, qtmodeltester, rctx: AppContext) -> None:
    late = add_request(rctx.db, "张三", dt.date(2026, 3, 23))  # due 2026-04-21, long past
    fresh = add_request(rctx.db, "李四", dt.date(2026, 5, 19))
    tab = RequestsTab(rctx)
    qtbot.addWidget(tab)
    qtmodeltester.check(tab.model)
    states = {tab.model.data(tab.model.index(r, 0), Qt.ItemDataRole.UserRole + 1):
              tab.model.data(tab.model.index(r, 0), StateRole) for r in range(tab.model.rowCount())}
    assert states == {late: "late", fresh: ""}
    names = {tab.model.index(r, 1).data() for r in range(tab.model.rowCount())}
    assert names == {"张*", "李*"}  # the applicant is masked in the table
    tab.overdue.setChecked(True)
    assert tab.model.ids == [late]


def test_register_walk_through_the_steps_and_print_the_reply(qtbot, rctx: AppContext, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    tab = RequestsTab(rctx)
    qtbot.addWidget(tab)

    def register(dialog: QDialog) -> None:
        assert isinstance(dialog, RequestDialog)
        dialog.name.setText("张三")
        dialog.id_number.setText("110105199003071239")
        dialog.address.setText("长安街1号")
        dialog.received.setText("2026-3-23")
        dialog.content.setPlainText("2025年低保名单")

    Answering(tab, register)
    tab.ops.new_request()
    assert tab.detail is not None and tab.detail.data.applicant_name == "张三"

    Answering(tab, lambda d: (set_dates(d, supplement_notice_on="2026-3-25"),
                              d.widgets["supplement_missing"].setPlainText("请写明年份")))
    tab.ops.notify_supplement()
    Answering(tab, lambda d: set_dates(d, supplement_received_on="2026-4-8"))
    tab.ops.receive_supplement()
    assert tab.detail.due_on == dt.date(2026, 5, 9)  # domain.md: restarts from the supplement

    Answering(tab, lambda d: set_dates(d, reply_on="2026-5-6"))
    tab.ops.close()
    assert tab.detail.outcome == "open"

    out = tmp_path / "答复书.pdf"
    monkeypatch.setattr(tab_module, "ask_letter_path", lambda parent, name: str(out))
    tab.save_letter("reply")
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "张三" in text and "第三十六条" in text and "110105199003071239" not in text
    kinds = [t.kind for t in tab.detail.timeline]
    assert kinds[:1] == ["created"] and "letter" in kinds and "closed" in kinds


def test_a_reply_before_the_request_arrived_is_refused_and_nothing_saved(qtbot, rctx: AppContext) -> None:
    request_id = add_request(rctx.db, "王五", dt.date(2026, 5, 11))
    tab = RequestsTab(rctx)
    qtbot.addWidget(tab)
    tab.select_request(request_id)
    answering = Answering(tab, lambda d: set_dates(d, reply_on="2026-5-1"))
    tab.ops.close()
    dialog = answering.seen[0]
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "收到" in dialog.errors.message("reply_on") or "收到" in dialog.errors.message("")
    with rctx.db.session() as s:
        assert records.get_request(s, request_id).outcome is None


def test_a_second_extension_is_not_offered_and_is_refused(qtbot, rctx: AppContext) -> None:
    request_id = add_request(rctx.db, "赵六", dt.date(2026, 5, 11))
    tab = RequestsTab(rctx)
    qtbot.addWidget(tab)
    tab.select_request(request_id)
    Answering(tab, lambda d: (set_dates(d, extension_on="2026-5-18"),
                              d.widgets["extension_approver"].setText("李主任")))
    tab.ops.extend()
    assert tab.detail is not None and tab.detail.extension_on == dt.date(2026, 5, 18)
    assert not tab.step_actions["extend"].isEnabled()
    answering = Answering(tab, lambda d: (set_dates(d, extension_on="2026-5-19"),
                                          d.widgets["extension_approver"].setText("李主任")))
    tab.ops.extend()
    assert answering.seen[0].result() != QDialog.DialogCode.Accepted


def test_appeal_recorded_then_its_result_and_the_year_carried_over(qtbot, rctx: AppContext) -> None:
    request_id = add_request(rctx.db, "孙七", dt.date(2025, 12, 22))  # open on 31 December 2025
    tab = RequestsTab(rctx)
    qtbot.addWidget(tab)
    tab.select_request(request_id)
    Answering(tab, lambda d: (set_dates(d, filed_on="2026-5-6"), d.widgets["body"].setText("云溪区人民政府")))
    tab.add_appeal()
    assert "行政复议" in tab.pane.toPlainText() and "尚未审结" in tab.pane.toPlainText()
    Answering(tab, lambda d: set_dates(d, result_on="2026-5-19"))
    tab.record_appeal_result()
    assert [a.result for a in tab.linked] == ["upheld"]
    tab.carry_over_year()
    assert rctx.messages.shown[-1] == ("info", "已结转 1 件申请。")
    assert [b.reason for b in list_backups(rctx.db.backups_dir)] == ["before-year-close"]  # backed up first
    tab.carry_over_year()
    assert rctx.messages.shown[-1] == ("info", "2025年没有需要新结转的申请。")
    assert "结转" in tab.pane.toPlainText()
