"""The main window: the tabs of ``tabs.TABS``, the menus, the status bar, remembered layout.

Tabs are built lazily: only the tab in view is constructed at start-up (so a slow tab never
delays the register's first rows); each other tab is built the first time it is shown, and
its menu (``menu_actions``) appears then. Tabs refresh lazily too: a change announced on
``ctx.bus`` marks every built tab stale and refreshes the one in view; the others refresh
when they are next shown.
"""

from __future__ import annotations

import logging
from functools import partial
from pathlib import Path
from typing import Any, Callable, Optional, SupportsInt, cast

from PySide6.QtCore import QByteArray, QSettings, Qt, QUrl
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QPlainTextEdit,
    QTabWidget,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from deskapp import APP_NAME, __version__
from deskapp.core.store import settings as core_settings
from deskapp.core.store.credentials import mask_secrets
from deskapp.logs import log_dir
from deskapp.ui.common.context import AppContext
from deskapp.ui.common.live import ChangePoller, ConnectionBanner, refresh_keeping_view, server_label
from deskapp.ui.common.worker import wait_for_reads
from deskapp.ui.dashboard.tab import wait_for_dashboard
from deskapp.ui.register.model import wait_for_background
from deskapp.ui.tabs import TABS, build_tab

log = logging.getLogger(__name__)

# 编辑 menu entries: (label, shortcut, tab method, changes data). Strings, not QKeySequence:
# those must not be built before the QApplication exists.
EDIT_ACTIONS: list[tuple[str, str, str, bool]] = [
    ("新增", "Ctrl+N", "new_item", True),
    ("编辑", "Ctrl+E", "edit_selected", True),
    ("删除", "Del", "delete_selected", True),
    ("查找", "Ctrl+F", "focus_search", False),
    ("刷新", "F5", "refresh", False),
]


def _typing_in(widget: QWidget) -> bool:
    """The keyboard is in a text field of ``widget`` (a search box, a note being written)."""
    focus = QApplication.focusWidget()
    return (isinstance(focus, (QLineEdit, QTextEdit, QPlainTextEdit)) and not focus.isReadOnly()
            and widget.isAncestorOf(focus))


# bus.show_list targets → the tab that shows them.
LIST_TARGETS = {"register": "信息登记", "requests": "依申请公开"}


# Not shown to department accounts on a server: the 工作台's figures are the whole office's
# (counted by the tally's rules, not per department), the noticeboard and work log the maintainer's.
OFFICE_TABS = ("工作台", "公示栏", "工作记录")


def window_title(org_name: str, server: str = "", person: str = "") -> str:
    """``机构 — 程序名``, then the server (``host/database``, on a shared desk) and who is at
    the desk (the signed-in account, or the operator on this PC's desk)."""
    parts = [p for p in (org_name, APP_NAME, f"服务器 {server}" if server else "", person) if p]
    return " — ".join(parts)


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext, qsettings: Optional[QSettings] = None,
                 parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.ctx = ctx
        self.qsettings = qsettings if qsettings is not None else QSettings()
        self.restore_requested: Optional[Path] = None  # a backup to restore once closed
        self.switch_requested: Optional[str] = None  # a database to reopen on once closed
        ctx.parent_widget = self
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.banner = ConnectionBanner(ctx.db, self)
        central = QWidget(self)
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.banner)
        column.addWidget(self.tabs)
        self.setCentralWidget(central)
        self.stale: set[int] = set()
        self.built: dict[int, QWidget] = {}
        self.tab_menus: list[QMenu] = []
        self.edit_actions: dict[str, QAction] = {}
        self.editing_actions: list[QAction] = []  # disabled when read-only
        self._build_tabs()
        self._build_menus()
        self._build_status_bar()
        self._connect_bus()
        self.update_title()
        self.restore_state()
        self.tabs.currentChanged.connect(self._tab_changed)
        self._tab_changed(self.tabs.currentIndex())
        self.poller = ChangePoller(ctx.db, self)
        self.poller.changed.connect(self.others_changed)
        self.poller.connection_lost.connect(lambda _exc: self.banner.show())
        self.poller.connection_back.connect(self.banner.hide)
        self.poller.start()

    # --- building ----------------------------------------------------------------------

    def _build_tabs(self) -> None:
        account = self.ctx.account
        # A 科室/社区 account keeps to its own items and requests (OFFICE_TABS hidden, not
        # removed: tab indexes stay those of TABS).
        office_only = account is not None and not account.scope().everything
        for index, (label, _spec) in enumerate(TABS):
            holder = QWidget(self.tabs)  # the real tab goes in here when first shown
            QVBoxLayout(holder).setContentsMargins(0, 0, 0, 0)
            self.tabs.addTab(holder, label)
            if office_only and label in OFFICE_TABS:
                self.tabs.setTabVisible(index, False)

    def tab(self, index: int) -> QWidget:
        """The tab at ``index``, building it now if it was not built yet."""
        if index not in self.built:
            label, spec = TABS[index]
            holder = self.tabs.widget(index)
            layout = holder.layout() if holder is not None else None
            assert layout is not None  # every holder got its layout in _build_tabs
            widget = build_tab(label, spec, self.ctx, holder)
            layout.addWidget(widget)
            self.built[index] = widget
            self.stale.add(index)
            restore = getattr(widget, "restore_state", None)
            if callable(restore):
                restore(self.qsettings)
            self._fill_tab_menu(index, widget)
        return self.built[index]

    def current_tab(self) -> QWidget:
        return self.tab(self.tabs.currentIndex())

    def _action(self, menu: QMenu, text: str, slot: Callable[[], Any],
                shortcut: Optional[QKeySequence] = None, edits: bool = False) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        if edits:
            self.editing_actions.append(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu("文件(&F)")
        self.remove_demo_action = self._action(self.file_menu, "删除演示数据…", self.remove_demo, edits=True)
        self._action(self.file_menu, "备份与恢复…", self.show_backups)
        self._action(self.file_menu, "复制数据库（迁移到服务器）…",
                     lambda: self._open_dialog("settings.copy_dialog", "CopyDatabaseDialog"))
        self.file_menu.addSeparator()
        self._action(self.file_menu, "退出", self.close, QKeySequence("Ctrl+Q"))
        edit = bar.addMenu("编辑(&E)")
        for text, key, method, edits in EDIT_ACTIONS:
            action = self._action(edit, text, partial(self._call_tab, method), QKeySequence(key), edits=edits)
            self.edit_actions[method] = action
        for label, _spec in TABS:
            menu = bar.addMenu(label)
            menu.menuAction().setVisible(False)  # shown once its tab is built and has actions
            self.tab_menus.append(menu)
        self._build_settings_menu(bar.addMenu("设置(&S)"))
        help_menu = bar.addMenu("帮助(&H)")
        self._action(help_menu, "关于", self.about)
        self._action(help_menu, "打开数据文件夹", lambda: self._open_folder(str(self.ctx.db.data_dir)))
        self._action(help_menu, "打开日志文件夹", lambda: self._open_folder(str(log_dir())))

    def _fill_tab_menu(self, index: int, widget: QWidget) -> None:
        getter = getattr(widget, "menu_actions", None)
        actions = getter() if callable(getter) else []
        if actions and index < len(self.tab_menus):
            self.tab_menus[index].addActions(actions)
            self.tab_menus[index].menuAction().setVisible(True)

    def _build_settings_menu(self, menu: QMenu) -> None:
        account = self.ctx.account
        # On a server only maintainer and administrator accounts change the office's settings
        # (core/accounts/scope.check_manager refuses the others); the rest do not see them.
        if account is None or account.role in ("admin", "maintainer"):
            self._action(menu, "机构与人员…", lambda: self._open_dialog("settings.dialog", "SettingsDialog"),
                         edits=True)
            self._action(menu, "节假日安排…", lambda: self._open_dialog("settings.holiday_dialog", "HolidayDialog"),
                         edits=True)
            self._action(menu, "公开目录…", lambda: self._open_dialog("settings.catalogue_dialog", "CatalogueDialog"),
                         edits=True)
            self._action(menu, "依申请公开与文书…",
                         lambda: self._open_dialog("settings.letters_dialog", "RequestSettingsDialog"), edits=True)
            self._action(menu, "审核流程与签批密码…",
                         lambda: self._open_dialog("review.flow_dialog", "ReviewFlowDialog"), edits=True)
            menu.addSeparator()
        self._action(menu, "数据库位置…", self.show_database)
        if account is None:  # the single-PC desk: whoever sits at it says who they are
            self._action(menu, "切换操作人…", self.switch_operator)
        else:  # a server: people sign in; the administrator keeps the accounts
            self._action(menu, "修改登录密码…",
                         lambda: self._open_dialog("settings.signin_dialog", "ChangePasswordDialog"), edits=True)
            if account.is_admin:
                self._action(menu, "账户…", lambda: self._open_dialog("settings.accounts_dialog", "AccountsDialog"),
                             edits=True)

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        self.operator_label = QLabel()
        self.path_label = QLabel(str(self.ctx.db.path or mask_secrets(self.ctx.db.url)))
        self.path_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.read_only_label = QLabel("只读")
        self.read_only_label.setStyleSheet("color: #a1121b; font-weight: bold; padding: 0 6px;")
        self.read_only_label.setToolTip("台账已在另一窗口打开，本窗口只能查看，不能修改。")
        self.demo_label = QLabel("含演示数据")
        self.demo_label.setStyleSheet("color: #7a4b00; background: #fdecc2; padding: 0 6px;")
        self.demo_label.setToolTip("台账中有演示数据，可在“文件 → 删除演示数据”中一次删除。")
        status.addPermanentWidget(self.demo_label)
        status.addPermanentWidget(self.read_only_label)
        status.addPermanentWidget(self.operator_label)
        status.addPermanentWidget(self.path_label)
        self.read_only_label.setVisible(self.ctx.read_only)
        self.update_operator()
        self.update_demo_badge()

    def _connect_bus(self) -> None:
        bus = self.ctx.bus
        bus.items_changed.connect(self.data_changed)
        bus.calendar_changed.connect(self.data_changed)
        bus.settings_changed.connect(self.data_changed)
        bus.settings_changed.connect(self.update_title)
        bus.settings_changed.connect(self.update_demo_badge)
        bus.items_changed.connect(self.update_demo_badge)
        bus.operator_changed.connect(self.update_operator)
        bus.operator_changed.connect(self.update_title)
        bus.show_list.connect(self.show_list)

    # --- reacting ----------------------------------------------------------------------

    def update_title(self) -> None:
        with self.ctx.db.session() as s:
            org = core_settings.get(s, "org_name")
        account = getattr(self.ctx, "account", None)
        person = getattr(account, "display", None) or self.ctx.actor.name
        self.setWindowTitle(window_title(org, server_label(self.ctx.db), person))

    def update_demo_badge(self) -> None:
        with self.ctx.db.session() as s:
            has_demo = bool(core_settings.get(s, "demo_loaded"))
        self.demo_label.setVisible(has_demo)
        self.remove_demo_action.setEnabled(has_demo and not self.ctx.read_only)

    def update_operator(self) -> None:
        self.operator_label.setText(f"当前操作人：{self.ctx.actor.name}")

    def data_changed(self) -> None:
        self.stale = set(self.built)
        self._refresh_if_stale(self.tabs.currentIndex())

    def others_changed(self, kinds: frozenset[str]) -> None:
        """Another desk committed something (the change poll): every built tab is stale; the
        one in view refreshes now, keeping its selection and scroll position, unless the
        user is typing in it (then at the next poll). Open forms are left as they are."""
        if "settings" in kinds:
            self.update_title()
            self.update_demo_badge()
        self.stale = set(self.built)
        index = self.tabs.currentIndex()
        widget = self.tab(index)
        refresh = getattr(widget, "refresh", None)
        if not callable(refresh) or _typing_in(widget):
            return
        self.stale.discard(index)
        refresh_keeping_view(widget, refresh)

    def _tab_changed(self, index: int) -> None:
        self._refresh_if_stale(index)
        self._update_edit_actions()

    def _refresh_if_stale(self, index: int) -> None:
        widget = self.tab(index)
        if index not in self.stale:
            return
        self.stale.discard(index)
        refresh = getattr(widget, "refresh", None)
        if callable(refresh):
            refresh()

    def _update_edit_actions(self) -> None:
        current = self.current_tab()
        for method, action in self.edit_actions.items():
            action.setEnabled(callable(getattr(current, method, None)))
        if self.ctx.read_only:
            for action in self.editing_actions:
                action.setEnabled(False)

    def _call_tab(self, method: str) -> None:
        target = getattr(self.current_tab(), method, None)
        if callable(target):
            target()

    # --- menu actions ------------------------------------------------------------------

    def _open_dialog(self, module: str, class_name: str) -> None:
        """B's dialogs, imported when first opened (start-up stays quick)."""
        import importlib

        cls = getattr(importlib.import_module(f"deskapp.ui.{module}"), class_name)
        cls(self.ctx, self).exec()

    def show_review_tab(self) -> None:
        """From the opening summary: straight to 审核签发."""
        for index, (label, _spec) in enumerate(TABS):
            if label == "审核签发":
                self.tabs.setCurrentIndex(index)

    def show_list(self, target: str, what: object) -> None:
        """A tab asked for a list elsewhere (the 工作台's checklist): switch to the tab, which
        refreshes if stale, then hand it the items or the filter."""
        label = LIST_TARGETS.get(target)
        index = next((i for i, (name, _spec) in enumerate(TABS) if name == label), None)
        if index is None:
            return
        self.tabs.setCurrentIndex(index)
        widget = self.tab(index)
        if target == "register" and isinstance(what, tuple):
            ids, text = what
            getattr(widget, "show_items", lambda *_a: None)(ids, text)
        elif target == "requests":
            getattr(widget, "show_filter", lambda *_a: None)(what)

    def switch_operator(self) -> None:
        from deskapp.ui.settings.operator_dialog import choose_operator, remember_operator_id

        actor = choose_operator(self.ctx.db, self, self.ctx.actor.id)
        if actor is None:
            return
        self.ctx.actor = actor
        if actor.id is not None:
            remember_operator_id(actor.id)
        self.ctx.bus.operator_changed.emit()

    def remove_demo(self) -> None:
        from deskapp.ui.welcome import remove_demo_data

        remove_demo_data(self.ctx, self)

    def about(self) -> None:
        database = self.ctx.db.path or mask_secrets(self.ctx.db.url)
        self.ctx.messages.info(self, f"{APP_NAME} {__version__}\n街道政务信息公开工作台账。\n\n数据库：{database}",
                               title="关于")

    def _open_folder(self, path: str) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(path))

    # --- remembered layout -------------------------------------------------------------

    def restore_state(self) -> None:
        q = self.qsettings
        geometry = q.value("main/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 780)
        state = q.value("main/state")
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.restoreState(state)
        # QSettings.value() is typed as object; int() refuses what is no number (caught below).
        tab = cast("str | SupportsInt", q.value("main/tab", 0))
        try:
            index = min(max(int(tab), 0), self.tabs.count() - 1)
            visible = [i for i in range(self.tabs.count()) if self.tabs.isTabVisible(i)]
            self.tabs.setCurrentIndex(index if index in visible else visible[0])
        except (TypeError, ValueError):
            pass

    def save_state(self) -> None:
        q = self.qsettings
        q.setValue("main/geometry", self.saveGeometry())
        q.setValue("main/state", self.saveState())
        q.setValue("main/tab", self.tabs.currentIndex())
        for widget in self.built.values():  # a tab never built keeps what it had stored
            save = getattr(widget, "save_state", None)
            if callable(save):
                save(q)
        q.sync()

    def show_backups(self) -> None:
        from deskapp.ui.settings.backups_dialog import BackupsDialog

        BackupsDialog(self.ctx, self.request_restore, self).exec()

    def show_database(self) -> None:
        """设置 → 数据库位置: on 切换 the window closes and run_app opens the chosen one."""
        from deskapp.ui.settings.database_dialog import DatabaseDialog

        dialog = DatabaseDialog(self.ctx.db.url, self.ctx.messages, self.qsettings, self)
        if dialog.exec() == DatabaseDialog.DialogCode.Accepted and dialog.chosen:
            self.switch_requested = dialog.chosen
            self.close()

    def request_restore(self, backup_db: Path) -> None:
        """Restore after the window (and with it the desk's lock) is closed: see run_app."""
        self.restore_requested = backup_db
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.poller.stop()
        self.save_state()
        wait_for_background()  # no query thread may outlive the window (nor the database)
        wait_for_dashboard()
        wait_for_reads()  # the 公示栏's lists
        super().closeEvent(event)
