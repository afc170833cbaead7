"""The window step of ``deskapp --self-check`` (the rest is deskapp.commands.self_check, which
never imports Qt): create the main window on the check's temporary database, show it, close it.

Offscreen when there is no display, so it runs in CI, a chroot or over ssh; any Qt warning while
the window is built (a plugin, font or translation that did not load) fails the step.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

from deskapp.core.store.db import Database

# The offscreen platform cannot resize a window to its contents; harmless, and not on a desktop.
HARMLESS_QT_WARNINGS = ("does not support propagateSizeHints",)


def open_main_window(db: Database, folder: Path) -> str:
    """Build, show and close the main window; a short detail (the Qt platform) for the summary."""
    no_display = not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if no_display and not os.environ.get("QT_QPA_PLATFORM"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QSettings, qInstallMessageHandler

    from deskapp.core.audit.chain import Actor
    from deskapp.ui.app import make_application
    from deskapp.ui.common.context import AppContext
    from deskapp.ui.common.messages import RecordingMessages
    from deskapp.ui.main_window import MainWindow
    from deskapp.ui.register.model import wait_for_background

    # Any QSettings() the window makes goes to the temporary folder, not the user's settings.
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    app = make_application()
    settings = QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat)
    ctx = AppContext(db=db, actor=Actor(None, "自检"), messages=RecordingMessages())
    warnings: list[str] = []
    previous = qInstallMessageHandler(_collect_warnings(warnings))
    try:
        window = MainWindow(ctx, settings)
        try:
            window.show()
            app.processEvents()
        finally:
            window.close()
            app.processEvents()
            wait_for_background()
    finally:
        qInstallMessageHandler(previous)
    if warnings:
        raise RuntimeError("Qt 警告：" + "；".join(warnings))
    return f"平台 {app.platformName()}"


def _collect_warnings(into: list[str]) -> Callable[..., None]:
    from PySide6.QtCore import QtMsgType

    def handler(kind: QtMsgType, _context: object, message: str) -> None:
        serious = kind in (QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg)
        if serious and not any(text in message for text in HARMLESS_QT_WARNINGS):
            into.append(message)

    return handler
