"""文件 → 备份与恢复…: the list (date, reason, size, check), 立即备份, and 恢复所选…, which
closes the window and restores once the database is let go (run_app), then says so."""

from __future__ import annotations

import datetime as dt
import sqlite3
import sys
import types
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog

from deskapp.core.audit.chain import Actor
from deskapp.core.desk import backup_desk, open_database
from deskapp.core.register.items import ItemData, create_item
from deskapp.core.store.backups import list_backups
from deskapp.ui.app import run_app
from deskapp.ui.common.context import AppContext
from deskapp.ui.common.messages import RecordingMessages
from deskapp.ui.main_window import MainWindow
from deskapp.ui.settings.backups_dialog import BackupsDialog
from deskapp.ui.welcome import FirstRun

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


@pytest.fixture
def desk(db_path, actor):
    db = open_database(db_path)
    with db.session() as s:
        create_item(s, actor, ItemData(title="备份前的一条", formed_on=dt.date(2026, 9, 25)),
                    today=dt.date(2026, 11, 26))
    yield db
    db.close()


def count_items(path: Path) -> int:
    con = sqlite3.connect(path)
    try:
        return int(con.execute("SELECT count(*) FROM item").fetchone()[0])
    finally:
        con.close()


def test_back_up_now_lists_the_backup_checked(qtbot, desk):
    messages = RecordingMessages()
    ctx = AppContext(db=desk, actor=Actor(None, "测试员"), messages=messages)
    dialog = BackupsDialog(ctx, lambda p: None)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 0 and not dialog.restore_button.isEnabled()
    dialog.backup_button.click()
    assert dialog.job is not None and not dialog.backup_button.isEnabled()  # runs off the GUI thread
    qtbot.waitUntil(lambda: bool(messages.shown), timeout=30_000)
    assert messages.shown[-1][0] == "info" and "校验通过" in messages.shown[-1][1]
    assert dialog.backup_button.isEnabled()
    assert dialog.table.rowCount() == 1
    row = [dialog.table.item(0, c).text() for c in range(dialog.table.columnCount())]
    assert row[1] == "手动" and row[3] == "校验通过" and row[2].endswith("KB")
    assert row[0].startswith(f"{dt.date.today():%Y-%m-%d}")


def test_restore_asks_and_hands_over_the_chosen_backup(qtbot, desk):
    made = backup_desk(desk, "manual")
    chosen: list[Path] = []
    messages = RecordingMessages(answer=False)
    ctx = AppContext(db=desk, actor=Actor(None, "测试员"), messages=messages)
    dialog = BackupsDialog(ctx, chosen.append)
    qtbot.addWidget(dialog)
    dialog.table.selectRow(0)
    assert dialog.restore_button.isEnabled()
    dialog.restore_button.click()
    assert messages.shown[-1][0] == "confirm" and "窗口将关闭" in messages.shown[-1][1]
    assert chosen == []  # said no
    messages.answer = True
    dialog.restore_button.click()
    assert chosen == [made.db_file] and dialog.result() == QDialog.DialogCode.Accepted


def test_a_read_only_window_cannot_restore(qtbot, desk):
    backup_desk(desk, "manual")
    ctx = AppContext(db=desk, actor=Actor(None, "测试员"), messages=RecordingMessages(), read_only=True)
    dialog = BackupsDialog(ctx, lambda p: pytest.fail("restored from a read-only window"))
    qtbot.addWidget(dialog)
    dialog.table.selectRow(0)
    assert not dialog.restore_button.isEnabled()


def test_restore_from_the_window_closes_it_restores_and_says_so(desk, db_path, actor, monkeypatch):
    made = backup_desk(desk, "manual")
    with desk.session() as s:
        create_item(s, actor, ItemData(title="备份后的一条", formed_on=dt.date(2026, 9, 25)),
                    today=dt.date(2026, 11, 26))
    desk.close()
    module = types.ModuleType("deskapp.ui.settings.operator_dialog")
    module.choose_operator = lambda db, parent, remembered_id: Actor(None, "张三")
    module.remembered_operator_id = lambda: None
    module.remember_operator_id = lambda _id: None
    monkeypatch.setitem(sys.modules, "deskapp.ui.settings.operator_dialog", module)
    monkeypatch.setattr("deskapp.ui.app.run_welcome", lambda ctx: FirstRun())
    monkeypatch.setattr("deskapp.ui.review.summary_dialog.show_opening_summary", lambda *a, **k: None)
    messages = RecordingMessages(answer=True)

    def choose() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        if not windows:
            QTimer.singleShot(20, choose)
            return
        window = windows[0]
        action = next(a for a in window.file_menu.actions() if a.text() == "备份与恢复…")

        def pick() -> None:
            dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, BackupsDialog) and w.isVisible())
            row = next(i for i, b in enumerate(dialog.backups) if b.db_file == made.db_file)
            dialog.table.selectRow(row)
            dialog.restore_button.click()

        QTimer.singleShot(50, pick)
        action.trigger()

    QTimer.singleShot(0, choose)
    assert run_app(str(db_path), messages) == 0
    assert messages.shown[-1] == ("info", "已恢复备份并校验通过；恢复前的台账已备份在 backups 文件夹。请重新打开台账。")
    assert count_items(db_path) == 1
    reasons = [b.reason for b in list_backups(db_path.parent / "backups" / db_path.stem)]
    assert sorted(reasons) == ["before-restore", "manual"]  # today had a backup: no daily one
