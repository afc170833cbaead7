"""Bugs meet the crash dialog; a user's mistake or the environment meets a plain message.

``report_exception`` is the one place that classifies an exception (by type, never by
message text): a :class:`DeskError` becomes a warning through the ``Messages`` service;
anything else is logged with its traceback and shown in :class:`CrashDialog` with copyable
details, the log file's path and a button that opens the log folder
(cf. qutebrowser ``misc/crashsignal.py``, Picard ``crash_handler``).

``install_crash_handler`` routes ``sys.excepthook`` (exceptions escaping Qt slots) and
``threading.excepthook`` (worker threads) here; thread crashes are handed to the GUI thread
by a queued signal, because widgets may only be made there.
"""

from __future__ import annotations

import logging
import platform
import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType
from typing import Callable, Optional

from PySide6.QtCore import QObject, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from deskapp import APP_NAME, __version__
from deskapp.core.errors import DeskError, DiskFullError, is_disk_full
from deskapp.core.store.credentials import mask_secrets
from deskapp.logs import log_file
from deskapp.ui.common.messages import Messages

log = logging.getLogger(__name__)

ExcInfo = tuple[type[BaseException], BaseException, Optional[TracebackType]]


def format_details(exc: BaseException) -> str:
    """What a maintainer needs: versions and the full traceback (no user data beyond it; a
    database password in a URL or one the desk has handled is masked)."""
    lines = traceback.format_exception(type(exc), exc, exc.__traceback__)
    head = (f"{APP_NAME} {__version__}；Python {platform.python_version()}；"
            f"{platform.platform()}\n\n")
    return mask_secrets(head + "".join(lines))


class CrashDialog(QDialog):
    """程序出错: an apology, what to do, the details to copy, where the log is."""

    def __init__(self, details: str, log_path: Path, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.setWindowTitle("程序出错")
        self.log_path = log_path
        intro = QLabel(
            "很抱歉，程序遇到了一个内部错误。刚才的操作可能没有完成，已保存的数据不受影响。\n"
            "请点“复制”把下面的详细信息连同日志文件一起发给维护人员。"
        )
        intro.setWordWrap(True)
        self.details = QPlainTextEdit(details)
        self.details.setReadOnly(True)
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.details.setMinimumSize(560, 220)
        self.log_label = QLabel(f"日志文件：{log_path}")
        self.log_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.log_label.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        self.copy_button = QPushButton("复制")
        self.folder_button = QPushButton("打开日志文件夹")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.folder_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy_details)
        self.folder_button.clicked.connect(self.open_log_folder)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (intro, self.details, self.log_label, buttons):
            layout.addWidget(widget)

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details.toPlainText())
        self.copy_button.setText("已复制")

    def open_log_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.log_path.parent)))


def _show_dialog(details: str, parent: Optional[QWidget]) -> None:
    CrashDialog(details, log_file(), parent).exec()


# Replaced in tests (a modal dialog would wait for a click that never comes).
show_crash_dialog: Callable[[str, Optional[QWidget]], None] = _show_dialog

_showing = False


def report_exception(exc: BaseException, messages: Messages,
                     parent: Optional[QWidget] = None) -> None:
    """Tell the user about ``exc`` in the way its type calls for."""
    global _showing
    if isinstance(exc, DeskError):
        messages.warn(parent, exc.message)
        return
    if isinstance(exc, OSError) and is_disk_full(exc):  # a file write nothing caught: the disk, not a bug
        where = Path(exc.filename).parent if exc.filename else "数据文件夹"
        messages.warn(parent, DiskFullError(where).message)
        return
    log.error("unexpected error", exc_info=(type(exc), exc, exc.__traceback__))
    if _showing:  # an error while the crash dialog is up: logged, not stacked
        return
    _showing = True
    try:
        show_crash_dialog(format_details(exc), parent)
    finally:
        _showing = False


class _ThreadBridge(QObject):
    """Carries an exception from any thread to the GUI thread (queued connection)."""

    raised = Signal(object)


class CrashHandler:
    """Holds the hooks installed by :func:`install_crash_handler` (and can remove them)."""

    def __init__(self, messages: Messages, parent_getter: Callable[[], Optional[QWidget]]):
        self.messages = messages
        self.parent_getter = parent_getter
        self.bridge = _ThreadBridge()
        self.bridge.raised.connect(self._report, Qt.ConnectionType.QueuedConnection)
        self._old_sys = sys.excepthook
        self._old_thread = threading.excepthook

    def install(self) -> "CrashHandler":
        sys.excepthook = self.sys_hook
        threading.excepthook = self.thread_hook
        return self

    def uninstall(self) -> None:
        sys.excepthook = self._old_sys
        threading.excepthook = self._old_thread

    def sys_hook(self, etype: type[BaseException], exc: BaseException,
                 tb: Optional[TracebackType]) -> None:
        if issubclass(etype, KeyboardInterrupt):
            QApplication.quit()
            return
        if exc.__traceback__ is None:
            exc = exc.with_traceback(tb)
        if threading.current_thread() is threading.main_thread():
            self._report(exc)
        else:
            self.bridge.raised.emit(exc)

    def thread_hook(self, args: "threading.ExceptHookArgs") -> None:
        if args.exc_value is None or issubclass(args.exc_type, SystemExit):
            return
        self.bridge.raised.emit(args.exc_value)

    def _report(self, exc: BaseException) -> None:
        report_exception(exc, self.messages, self.parent_getter())


def install_crash_handler(messages: Messages,
                          parent_getter: Callable[[], Optional[QWidget]] = lambda: None) -> CrashHandler:
    return CrashHandler(messages, parent_getter).install()
