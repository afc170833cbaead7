"""设置 → 数据库位置: a PostgreSQL server is chosen with a tested connection, the password
never reaches the settings file, the log or a crash report; switching reopens the window on
the chosen database."""

from __future__ import annotations

import logging
import os
import stat
import sys
import types
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QDialog

from deskapp.core.audit.chain import Actor
from deskapp.core.desk import open_database
from deskapp.core.store.connection import ServerAddress
from deskapp.core.store.credentials import FILE_NAME, PasswordStore, settings_dir
from deskapp.ui.app import run_app
from deskapp.ui.common import crash_dialog
from deskapp.ui.common.messages import RecordingMessages
from deskapp.ui.main_window import MainWindow
from deskapp.ui.settings.database_dialog import (
    TARGET_KEY,
    DatabaseDialog,
    remember_target,
    remembered_target,
    window_target,
)
from deskapp.ui.welcome import FirstRun
from tests.postgres_support import PG_PASSWORD, PG_SUPERUSER, PgServer

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


@pytest.fixture
def qsettings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "deskapp.conf"), QSettings.Format.IniFormat)


def _settings_text(qs: QSettings) -> str:
    qs.sync()
    return Path(qs.fileName()).read_text("utf-8")


def test_a_password_in_an_address_goes_to_the_store_not_the_settings(qsettings: QSettings) -> None:
    remember_target(qsettings, "postgresql+psycopg://clerk:Sesame-9%21@10.0.0.5:5432/deskapp?sslmode=require")
    kept = remembered_target(qsettings)
    assert kept == "postgresql+psycopg://clerk@10.0.0.5:5432/deskapp?sslmode=require"
    assert "Sesame" not in _settings_text(qsettings)
    assert PasswordStore().get(kept) == "Sesame-9!"
    file = settings_dir() / FILE_NAME
    if os.name == "posix":
        assert stat.S_IMODE(file.stat().st_mode) == 0o600


def test_window_target_order(qsettings: QSettings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert window_target(None, qsettings) is None  # the default file
    remember_target(qsettings, str(tmp_path / "其他 台账.db"))
    assert window_target(None, qsettings) == str(tmp_path / "其他 台账.db")
    assert window_target("/x/given.db", qsettings) == "/x/given.db"
    monkeypatch.setenv("DESKAPP_DB", "/x/env.db")
    assert window_target(None, qsettings) is None  # core resolves DESKAPP_DB
    remember_target(qsettings, None)
    assert qsettings.value(TARGET_KEY) is None


def _dialog(qtbot, current: str, qsettings: QSettings) -> DatabaseDialog:
    dialog = DatabaseDialog(current, RecordingMessages(), qsettings)
    qtbot.addWidget(dialog)
    return dialog


def _fill(dialog: DatabaseDialog, server: PgServer, database: str, password: str) -> None:
    dialog.server.setChecked(True)
    form = dialog.server_form
    form.host.setText("127.0.0.1")
    form.port.setValue(server.port)
    form.database.setText(database)
    form.user.setText(PG_SUPERUSER)
    form.password.setText(password)
    form.sslmode.setCurrentIndex(form.sslmode.findData("disable"))


@pytest.mark.postgresql
def test_switching_to_a_server_needs_a_good_connection_test(qtbot, qsettings, pg_server, tmp_path):
    name = pg_server.new_database()
    try:
        dialog = _dialog(qtbot, str(tmp_path / "desk.db"), qsettings)
        _fill(dialog, pg_server, name, "不对的密码")
        dialog.switch_button.click()
        qtbot.waitUntil(lambda: not dialog.server_form.checking, timeout=15_000)
        assert "密码不对" in dialog.error.text() and dialog.chosen is None
        assert dialog.result() != QDialog.DialogCode.Accepted
        assert remembered_target(qsettings) is None  # nothing remembered after a failed test

        dialog.server_form.password.setText(PG_PASSWORD)
        with qtbot.waitSignal(dialog.accepted, timeout=15_000):
            dialog.switch_button.click()
        assert dialog.chosen == ServerAddress("127.0.0.1", pg_server.port, name, PG_SUPERUSER, "disable").url()
        assert remembered_target(qsettings) == dialog.chosen
        assert PG_PASSWORD not in _settings_text(qsettings)
        assert PasswordStore().get(dialog.chosen) == PG_PASSWORD
        assert "连接成功" in dialog.server_form.result.text()

        again = _dialog(qtbot, dialog.chosen, qsettings)  # reopened: the fields and the kept password
        assert again.server.isChecked() and again.server_form.password.text() == PG_PASSWORD
        again.grab().save(str(tmp_path / "database_dialog.png"))
    finally:
        pg_server.drop_database(name)


def test_test_button_tells_what_is_missing_then_that_no_server_answers(qtbot, qsettings, tmp_path):
    dialog = _dialog(qtbot, str(tmp_path / "desk.db"), qsettings)
    dialog.server.setChecked(True)
    form = dialog.server_form
    form.test_button.click()
    assert "请填写服务器地址" in form.errors.message("host") and not form.checking
    form.host.setText("127.0.0.1")
    form.port.setValue(1)
    form.user.setText("clerk")
    form.password.setText("x")
    with qtbot.waitSignal(form.checked, timeout=15_000) as signal:
        form.test_button.click()
    assert signal.args[0].kind == "no_server" and "连接不上服务器" in form.result.text()


def test_switching_to_another_file(qtbot, qsettings, tmp_path):
    dialog = _dialog(qtbot, str(tmp_path / "desk.db"), qsettings)
    other = tmp_path / "第二个 台账.db"
    dialog.path.setText(str(other))
    dialog.switch_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.chosen == str(other)
    assert remembered_target(qsettings) == str(other)
    missing = _dialog(qtbot, str(tmp_path / "desk.db"), qsettings)
    missing.path.setText(str(tmp_path / "没有 这个 文件夹" / "x.db"))
    missing.switch_button.click()
    assert "文件夹不存在" in missing.error.text() and missing.chosen is None


def test_the_window_reopens_on_the_chosen_database(filled_db, monkeypatch, tmp_path):
    """The window asks to switch, closes, and run_app opens it again on the other database."""
    first = str(filled_db.path)
    filled_db.close()
    other = tmp_path / "另一个 台账.db"
    open_database(other).close()
    module = types.ModuleType("deskapp.ui.settings.operator_dialog")
    module.choose_operator = lambda db, parent, remembered_id: Actor(None, "张三")
    module.remembered_operator_id = lambda: None
    module.remember_operator_id = lambda _id: None
    monkeypatch.setitem(sys.modules, "deskapp.ui.settings.operator_dialog", module)
    monkeypatch.setattr("deskapp.ui.app.run_welcome", lambda ctx: FirstRun())
    monkeypatch.setattr("deskapp.ui.review.summary_dialog.show_opening_summary", lambda *a, **k: None)
    opened: list[str] = []

    def step() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        if not windows:
            QTimer.singleShot(20, step)
            return
        window = windows[0]
        opened.append(str(window.ctx.db.path))
        if len(opened) == 1:
            window.switch_requested = str(other)
            QTimer.singleShot(50, step)
        window.close()

    QTimer.singleShot(0, step)
    assert run_app(first, RecordingMessages()) == 0
    assert opened == [first, str(other)]


def test_a_crash_report_and_the_log_never_show_the_password(monkeypatch):
    from deskapp import logs

    PasswordStore().save("postgresql+psycopg://clerk@db.local/deskapp", "Kept-Secret-77")
    monkeypatch.setattr(logs, "_configured", False)
    root = logging.getLogger()
    before = list(root.handlers)
    log_path = logs.setup_logging(console=False)
    shown: list[str] = []
    monkeypatch.setattr(crash_dialog, "show_crash_dialog", lambda details, parent: shown.append(details))
    try:
        try:
            raise RuntimeError("cannot reach postgresql+psycopg://clerk:Url-Secret-88@db.local/deskapp "
                               "with password=Kept-Secret-77")
        except RuntimeError as exc:
            crash_dialog.report_exception(exc, RecordingMessages())
    finally:
        for handler in [h for h in root.handlers if h not in before]:
            handler.flush()
            root.removeHandler(handler)
            handler.close()
    assert shown and "RuntimeError" in shown[0]
    written = log_path.read_text("utf-8")
    assert "unexpected error" in written
    for secret in ("Url-Secret-88", "Kept-Secret-77"):
        assert secret not in shown[0] and secret not in written


def test_a_remembered_server_that_does_not_answer_offers_the_dialog(monkeypatch, tmp_path):
    from deskapp.ui.app import make_application

    make_application()  # QSettings() is this desk's settings file from here on
    remember_target(QSettings(), "postgresql+psycopg://clerk@127.0.0.1:1/deskapp?sslmode=disable")
    messages = RecordingMessages(answer=False)
    assert run_app(None, messages) == 2  # said so, offered the dialog, the user declined
    assert [kind for kind, _text in messages.shown] == ["warn", "confirm"]
    assert "连接不上服务器 127.0.0.1:1" in messages.shown[0][1] and "数据库位置" in messages.shown[1][1]

    local = tmp_path / "改用的 台账.db"
    chosen: list[str] = []

    def pick_local(dialog: DatabaseDialog) -> int:
        chosen.append(dialog.current)
        assert dialog.server.isChecked()  # opened on the remembered server's fields
        dialog.local.setChecked(True)
        dialog.path.setText(str(local))
        dialog.switch()
        return int(dialog.result())

    monkeypatch.setattr(DatabaseDialog, "exec", pick_local)
    monkeypatch.setattr("deskapp.ui.app.run_welcome", lambda ctx: FirstRun())
    monkeypatch.setattr("deskapp.ui.app.choose_actor", lambda db, read_only: Actor(None, "张三"))
    monkeypatch.setattr("deskapp.ui.review.summary_dialog.show_opening_summary", lambda *a, **k: None)
    seen: list[str] = []

    def close_window() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        if not windows:
            QTimer.singleShot(20, close_window)
            return
        seen.append(str(windows[0].ctx.db.path))
        windows[0].close()

    QTimer.singleShot(0, close_window)
    again = RecordingMessages(answer=True)
    assert run_app(None, again) == 0, again.shown
    assert chosen[0].startswith("postgresql+psycopg://clerk@127.0.0.1:1/") and seen == [str(local)]
    assert remembered_target(QSettings()) == str(local)


def test_a_pasted_address_fills_the_form(qtbot, qsettings, tmp_path):
    dialog = _dialog(qtbot, str(tmp_path / "desk.db"), qsettings)
    form = dialog.server_form
    form.host.setText("postgresql+psycopg://clerk:P%40ss-1@10.1.2.3:5433/街道台账?sslmode=verify-full")
    form.host.editingFinished.emit()
    assert (form.host.text(), form.port.value(), form.database.text(), form.user.text()) == \
        ("10.1.2.3", 5433, "街道台账", "clerk")
    assert form.sslmode.currentData() == "verify-full" and form.password.text() == "P@ss-1"
    assert "P@ss" not in form.address().url()
    form.host.setText("mysql://x@y/z")
    form.host.editingFinished.emit()
    assert "不是 PostgreSQL" in form.errors.message("host")
