"""Opening the window: a second window on the same database opens read-only or quits; an
unreadable file gives a message and exit status 2; the full start reaches the main window."""

from __future__ import annotations

import sys
import types

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from deskapp.core.audit.chain import Actor
from deskapp.core.desk import open_database
from deskapp.ui.app import open_for_window, run_app
from deskapp.ui.common.crash_dialog import CrashHandler
from deskapp.ui.common.messages import RecordingMessages
from deskapp.ui.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


@pytest.fixture
def operator(monkeypatch):
    remembered: list[int] = []
    module = types.ModuleType("deskapp.ui.settings.operator_dialog")
    module.choose_operator = lambda db, parent, remembered_id: Actor(3, "张三")
    module.remembered_operator_id = lambda: None
    module.remember_operator_id = remembered.append
    monkeypatch.setitem(sys.modules, "deskapp.ui.settings.operator_dialog", module)
    return remembered


def run_and_look(db_arg: str, messages: RecordingMessages) -> tuple[int, dict]:
    """run_app until its window is up, note what it shows, close it."""
    seen: dict = {}

    def look() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        if not windows:
            QTimer.singleShot(20, look)
            return
        w = windows[0]
        seen.update(title=w.windowTitle(), read_only=w.ctx.read_only,
                    label=w.read_only_label.isVisible(), operator=w.operator_label.text())
        w.close()  # the last window: the application's exec() returns by itself

    QTimer.singleShot(0, look)
    return run_app(db_arg, messages), seen


def test_locked_database_opens_read_only_when_asked(filled_db, messages):
    holder = open_database(filled_db.path, take_lock=True)
    try:
        opened = open_for_window(str(filled_db.path), messages)
        assert isinstance(opened, tuple)
        db, read_only = opened
        try:
            assert read_only and db.read_only
            assert messages.shown[-1][0] == "confirm" and "只读" in messages.shown[-1][1]
        finally:
            db.close()
        messages.answer = False
        assert open_for_window(str(filled_db.path), messages) == 0
    finally:
        holder.close()


def test_unreadable_file_is_refused_untouched(tmp_path, messages):
    bad = tmp_path / "不是 数据库.db"
    bad.write_bytes(b"PK\x03\x04 this is a zip, not a database")
    assert run_app(str(bad), messages) == 2
    assert messages.shown[0][0] == "warn" and "不是台账数据库文件" in messages.shown[0][1]
    assert bad.read_bytes().startswith(b"PK\x03\x04")


def test_full_start_reaches_the_window_and_remembers_the_operator(filled_db, messages, operator):
    path = str(filled_db.path)
    filled_db.close()  # run_app takes the lock itself
    status, seen = run_and_look(path, messages)
    assert status == 0
    assert seen == {"title": "测试街道办事处 — 政务公开台账 — 张三", "read_only": False, "label": False,
                    "operator": "当前操作人：张三"}
    assert operator == [3]
    assert not isinstance(getattr(sys.excepthook, "__self__", None), CrashHandler)  # uninstalled


def test_second_window_is_read_only(filled_db, messages, operator):
    path = str(filled_db.path)
    filled_db.close()
    holder = open_database(path, take_lock=True)
    try:
        status, seen = run_and_look(path, messages)
    finally:
        holder.close()
    assert status == 0 and seen["read_only"] and seen["label"]
    assert operator == []  # a read-only window does not change what this PC remembers


def test_qt_own_buttons_speak_chinese(qapp):
    from PySide6.QtCore import QCoreApplication, QLocale
    from PySide6.QtWidgets import QDialogButtonBox

    from deskapp.ui.app import install_chinese_translations

    locale = QLocale()
    translators = install_chinese_translations(qapp)
    try:
        assert translators
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "取消"
    finally:  # the other tests run in the default locale
        for translator in translators:
            qapp.removeTranslator(translator)
        QLocale.setDefault(locale)


def test_the_application_names_its_menu_entry_as_the_installers_do(qapp):
    """Wayland matches a window to its menu entry and icon by the desktop file's name, which
    installer/build-deb.sh takes from the same constant."""
    from deskapp import DESKTOP_ID
    from deskapp.ui.app import make_application

    assert make_application().desktopFileName() == DESKTOP_ID == "org.deskapp.desk"
