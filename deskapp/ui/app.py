"""Opening the window: Qt application, log, crash handler, database (lock or read-only),
first-run welcome, operator, main window.

``deskapp`` without a sub-command lands here (``cli.main`` → ``run_app``).
"""

from __future__ import annotations

import logging
import sys
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from PySide6.QtCore import QLibraryInfo, QLocale, QSettings, QTranslator
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QDialog

from deskapp import APP_ID, APP_NAME, DESKTOP_ID
from deskapp.core.audit.chain import Actor
from deskapp.core.desk import open_database, restore_desk
from deskapp.core.errors import DatabaseLockedError, DatabaseOpenError, DeskError
from deskapp.core.store.db import Database
from deskapp.logs import setup_logging
from deskapp.ui.common.context import AppContext
from deskapp.ui.common.crash_dialog import install_crash_handler
from deskapp.ui.common.messages import Messages
from deskapp.ui.common.worker import wait_for_reads
from deskapp.ui.register.model import wait_for_background
from deskapp.ui.settings.database_dialog import window_target

if TYPE_CHECKING:
    from deskapp.ui.welcome import FirstRun

log = logging.getLogger(__name__)

EXIT_QUIT = 0
EXIT_CANNOT_OPEN = 2


def make_application() -> QApplication:
    """The one QApplication, named so QSettings finds this desk's settings on every PC."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName(APP_ID)
    app.setOrganizationName(APP_ID)
    app.setApplicationDisplayName(APP_NAME)
    app.setDesktopFileName(DESKTOP_ID)  # Wayland launchers find the menu entry and icon by it
    # The desk's own icon on its windows (title bar, taskbar, Alt-Tab) also from a checkout;
    # the installers render their sizes from the same drawing.
    app.setWindowIcon(QIcon(str(resources.files("deskapp.resources").joinpath("icons", "deskapp.svg"))))
    install_chinese_translations(app)
    return app


def install_chinese_translations(app: QApplication) -> list[QTranslator]:
    """Qt's own buttons and dialogs (OK/Cancel, file and print dialogs) in Simplified Chinese,
    whatever the PC's locale: the desk's users read Chinese."""
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    installed = []
    for name in ("qtbase_zh_CN", "qt_zh_CN"):
        translator = QTranslator(app)
        if translator.load(name, folder) and app.installTranslator(translator):
            installed.append(translator)
    return installed


def open_for_window(arg: Optional[str], messages: Messages) -> tuple[Database, bool] | int:
    """The database and whether it is read-only; or the exit status when it does not open
    (2: it cannot be opened; 0: it is open elsewhere and the user chose to quit).

    A desk already open elsewhere on the same file (the lock is held): ask whether to look
    at it read-only or quit, so two windows never write the same database.
    """
    try:
        return open_database(arg, take_lock=True, backup_daily=True), False
    except DatabaseLockedError as exc:
        question = f"{exc.message}\n\n以只读方式打开吗？（选“否”退出）"
        if not messages.confirm(None, question, title="台账已打开"):
            return EXIT_QUIT
    except DatabaseOpenError as exc:
        messages.warn(None, exc.message, title="无法打开台账")
        return EXIT_CANNOT_OPEN
    try:
        return open_database(arg, read_only=True), True
    except DatabaseOpenError as exc:
        messages.warn(None, exc.message, title="无法打开台账")
        return EXIT_CANNOT_OPEN


def remember_operator(person_id: int) -> None:
    from deskapp.ui.settings.operator_dialog import remember_operator_id

    remember_operator_id(person_id)


def choose_actor(db: Database, read_only: bool) -> Optional[Actor]:
    """Engineer B's operator chooser, remembering the choice on this PC."""
    from deskapp.ui.settings.operator_dialog import choose_operator, remember_operator_id, remembered_operator_id

    actor = choose_operator(db, None, remembered_operator_id())
    if actor is not None and actor.id is not None and not read_only:
        remember_operator_id(actor.id)
    return actor


def run_welcome(ctx: AppContext) -> "FirstRun | None":
    """First run: None when the user closed the welcome page (then we quit); else what it
    decided (an empty FirstRun when the desk needed none)."""
    from deskapp.ui.welcome import FirstRun, WelcomeDialog, first_run_needed

    if ctx.read_only or not first_run_needed(ctx.db):
        return FirstRun()
    if ctx.account is not None and ctx.account.role not in ("admin", "maintainer"):
        return FirstRun()  # on a server the office is set up by its maintainer or administrator
    dialog = WelcomeDialog(ctx)
    return dialog.outcome if dialog.exec() == QDialog.DialogCode.Accepted else None


def ask_other_database(target: Optional[str], messages: Messages) -> Optional[str]:
    """The remembered database did not open (a server that does not answer, a changed
    password): offer 设置 → 数据库位置 before giving up; the target chosen there, or None."""
    from deskapp.core.store.location import resolve_target
    from deskapp.ui.settings.database_dialog import DatabaseDialog

    if not messages.confirm(None, "要检查数据库位置的设置（服务器地址、密码）或改用本机台账吗？", title="无法打开台账"):
        return None
    dialog = DatabaseDialog(resolve_target(target), messages, QSettings())
    return dialog.chosen if dialog.exec() == QDialog.DialogCode.Accepted else None


def run_app(db_arg: Optional[str], messages: Optional[Messages] = None) -> int:
    """Open the window on ``db_arg`` (path, URL or None for the default); the exit status."""
    app = make_application()
    log_path = setup_logging(console=False)
    log.info("starting window; log %s", log_path)
    messages = messages or Messages()
    handler = install_crash_handler(messages, QApplication.activeWindow)
    try:
        # --db, else DESKAPP_DB, else the database chosen in 设置 → 数据库位置, else the default file
        target = window_target(db_arg, QSettings())
        while True:  # once more for each switch of database (设置 → 数据库位置, the first-run page)
            opened = open_for_window(target, messages)
            if isinstance(opened, int):
                other = ask_other_database(target, messages) if opened == EXIT_CANNOT_OPEN and not db_arg else None
                if other is None:
                    return opened
                target = other
                continue
            db, read_only = opened
            try:
                status, restore, switch = _run_window(app, db, read_only, messages)
            finally:
                wait_for_background()  # no register query may outlive its database
                db.close()
            if switch is None:
                return status if restore is None else restore_after_close(target, restore, messages)
            target = switch
    finally:
        wait_for_reads()  # a 测试连接 still under way when its page was closed ends first
        handler.uninstall()


def restore_after_close(db_arg: Optional[str], backup_db: Path, messages: Messages) -> int:
    """The restore chosen in 备份与恢复…, now that the window has let go of the database."""
    try:
        problem = restore_desk(db_arg, backup_db)
    except DeskError as exc:
        messages.warn(None, f"{exc.message}\n\n台账未恢复，原台账未改动，可重新打开。", title="未能恢复")
        return EXIT_CANNOT_OPEN
    if problem:
        messages.warn(None, f"已恢复，但恢复后的台账校验发现问题：{problem}。恢复前的台账已备份在 backups 文件夹，"
                            "请报告维护人员。", title="恢复完成")
        return 1
    messages.info(None, "已恢复备份并校验通过；恢复前的台账已备份在 backups 文件夹。请重新打开台账。", title="恢复完成")
    return 0


def sign_in_to_server(ctx: AppContext) -> bool:
    """登录 before the window: the account becomes ``ctx.account``, its person the actor of
    every audit event, and its scope bound to every session. False when the user quit."""
    from deskapp.core.accounts.scope import bind_scope
    from deskapp.ui.settings.signin_dialog import sign_in_dialog

    account = sign_in_dialog(ctx.db)
    if account is None:
        return False
    bind_scope(ctx.db, account.scope())
    ctx.account, ctx.actor = account, account.actor()
    return True


def _run_window(app: QApplication, db: Database, read_only: bool,
                messages: Messages) -> tuple[int, Optional[Path], Optional[str]]:
    """The exit status, the backup to restore when the user chose 恢复 (the window closed for
    it), and the database to open instead when the user switched (设置 → 数据库位置)."""
    from deskapp.ui.main_window import MainWindow
    from deskapp.ui.review.summary_dialog import show_opening_summary

    ctx = AppContext(db=db, actor=Actor(None, "未指定"), messages=messages, read_only=read_only)
    # A shared server: each person signs in first (the account decides what they see, and the
    # first-run page then records its changes under their name).
    if not db.is_sqlite and not sign_in_to_server(ctx):
        return 0, None, None
    first = run_welcome(ctx)
    if not first:
        return 0, None, None
    if first.switch_to:
        return 0, None, first.switch_to
    if db.is_sqlite:
        actor = first.operator or choose_actor(db, read_only)
        if actor is None:
            return 0, None, None
        if first.operator is not None and first.operator.id is not None:
            remember_operator(first.operator.id)
        ctx.actor = actor
    window = MainWindow(ctx, QSettings())
    window.show()
    show_opening_summary(ctx, window, QSettings(), on_open_review=window.show_review_tab)
    status = app.exec()
    return status, window.restore_requested, window.switch_requested
