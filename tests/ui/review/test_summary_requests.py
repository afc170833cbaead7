"""今日待办 includes 依申请公开: a late request (number, masked applicant, how late), one due
soon, one whose 补正 window closes; and the digest opens for requests alone."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from deskapp.core.audit.chain import Actor
from deskapp.ui.common.context import AppContext
from deskapp.ui.common.messages import RecordingMessages
from deskapp.ui.review.summary_dialog import SummaryDialog, show_opening_summary
from tests.core.requests.helpers import VALID_ID, new_request

D = dt.date
TODAY = D(2026, 11, 26)
pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")  # offscreen platform


def context(db):
    return AppContext(db, Actor(None, "信息员"), RecordingMessages(), clock=lambda: TODAY)


def qsettings(db) -> QSettings:
    return QSettings(str(Path(db.data_dir) / "ui.ini"), QSettings.Format.IniFormat)


def test_summary_lists_a_late_request_masked(qtbot, db, actor):
    late, _ = new_request(db, actor, TODAY, received_on=D(2026, 10, 9), applicant_name="欧阳小明")
    new_request(db, actor, TODAY, received_on=D(2026, 11, 2))  # due 11-30
    new_request(db, actor, TODAY, received_on=D(2026, 11, 19))  # 补正 window ends 11-30
    d = SummaryDialog(context(db))
    qtbot.addWidget(d)
    text = d.text.toPlainText()
    assert "依申请公开" in text and "已超过答复期限 1 件" in text
    number = d.requests.late[0].number
    assert d.requests.late[0].request_id == late
    # due 11-05 (10-10 is a make-up working day); (11-05, 11-26] holds 15 working days
    assert d.requests.late[0].day == D(2026, 11, 5)
    assert f"{number} 欧**明（已超期 15 个工作日）" in text.replace("\u3000", " ")
    assert "3 个工作日内答复到期 1 件" in text and "11月30日到期" in text
    assert "补正告知期限将满 1 件" in text and "补正告知最迟 11月30日发出" in text
    assert "欧阳小明" not in text and "张小三" not in text and VALID_ID not in text
    assert "没有超期" not in text


def test_opening_summary_shows_for_requests_alone(qtbot, db, actor):
    qs = qsettings(db)
    assert show_opening_summary(context(db), None, qs) is None  # nothing at all: not shown
    new_request(db, actor, TODAY, received_on=D(2026, 10, 9))
    shown = show_opening_summary(context(db), None, qs)
    assert shown is not None
    qtbot.addWidget(shown)
    assert shown.summary.empty and not shown.empty and shown.isVisible()
    assert "已超过答复期限 1 件" in shown.text.toPlainText()
