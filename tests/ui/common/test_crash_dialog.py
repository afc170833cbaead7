"""Crash dialog and handler: bugs show copyable details and the log; DeskErrors do not."""

from __future__ import annotations

import logging
import logging.handlers
import sys
import threading

import pytest
from PySide6.QtGui import QGuiApplication

from deskapp.core.errors import DatabaseOpenError
from deskapp.logs import setup_logging
from deskapp.ui.common import crash_dialog
from deskapp.ui.common.crash_dialog import CrashDialog, format_details, install_crash_handler, report_exception


def raised(exc: BaseException) -> BaseException:
    try:
        raise exc
    except BaseException as caught:
        return caught


@pytest.fixture
def crashes(monkeypatch) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr(crash_dialog, "show_crash_dialog", lambda details, parent: shown.append(details))
    return shown


def test_crash_dialog_shows_copyable_details_and_the_log(qtbot, tmp_path):
    exc = raised(ZeroDivisionError("division by zero"))
    log_path = tmp_path / "日志 文件夹" / "deskapp.log"
    dialog = CrashDialog(format_details(exc), log_path)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "程序出错"
    text = dialog.details.toPlainText()
    assert "ZeroDivisionError: division by zero" in text and "Traceback" in text
    assert dialog.details.isReadOnly()
    assert str(log_path) in dialog.log_label.text()
    assert dialog.folder_button.text() == "打开日志文件夹"
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == text
    assert dialog.copy_button.text() == "已复制"


def test_desk_error_is_a_plain_warning(messages, crashes):
    report_exception(DatabaseOpenError("文件已损坏，文件未被改动。"), messages)
    assert messages.shown == [("warn", "文件已损坏，文件未被改动。")]
    assert crashes == []


def test_a_full_disk_is_a_warning_saying_where_not_a_crash(messages, crashes, tmp_path):
    import errno

    report_exception(raised(OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "a.pdf"))), messages)
    assert crashes == [] and messages.shown[0][0] == "warn"
    assert messages.shown[0][1].startswith("磁盘空间不足") and str(tmp_path) in messages.shown[0][1]


def test_bug_is_logged_and_shown(messages, crashes):
    setup_logging(console=False)  # once per process: the file of whichever test came first
    report_exception(raised(RuntimeError("内部状态不一致")), messages)
    assert messages.shown == []
    assert len(crashes) == 1 and "RuntimeError: 内部状态不一致" in crashes[0]
    files = [h for h in logging.getLogger().handlers
             if isinstance(h, logging.handlers.RotatingFileHandler)]
    assert files and files[0].baseFilename.endswith("deskapp.log")
    files[0].flush()
    with open(files[0].baseFilename, encoding="utf-8") as fh:
        logged = fh.read()
    assert "unexpected error" in logged and "RuntimeError: 内部状态不一致" in logged


def test_excepthook_and_thread_hook_reach_the_dialog(qtbot, messages, crashes):
    handler = install_crash_handler(messages)
    try:
        exc = raised(ValueError("坏数据"))
        sys.excepthook(type(exc), exc, exc.__traceback__)
        assert len(crashes) == 1 and "ValueError: 坏数据" in crashes[0]

        def worker() -> None:
            raise LookupError("线程里的错误")

        thread = threading.Thread(target=worker)
        thread.start()
        thread.join()
        qtbot.waitUntil(lambda: len(crashes) == 2, timeout=3000)  # via the GUI thread
        assert "LookupError: 线程里的错误" in crashes[1]
    finally:
        handler.uninstall()
    assert sys.excepthook is not handler.sys_hook
