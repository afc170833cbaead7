"""设置 → 数据库: where this PC's desk keeps its register — a file on this PC (the default,
or another file) or the office's PostgreSQL server (:class:`ServerForm`). Switching closes
the window and opens it again on the chosen database (``run_app``'s loop, as 恢复 does).

The choice is remembered on this PC in QSettings ``database/target``: a file path, or a
server address WITHOUT its password (that is kept by core.store.credentials). ``--db`` and
``DESKAPP_DB`` still win over it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from deskapp.core.store.connection import CheckResult, ServerAddress
from deskapp.core.store.credentials import PasswordStore, split_password
from deskapp.core.store.location import default_db_path, is_url
from deskapp.ui.common.form_kit import ErrorLabel, hint_label
from deskapp.ui.common.messages import Messages
from deskapp.ui.settings.server_form import ServerForm

TARGET_KEY = "database/target"


def remembered_target(qsettings: QSettings) -> Optional[str]:
    """The database chosen on this PC (None: the default file)."""
    value = qsettings.value(TARGET_KEY)
    return str(value) if isinstance(value, str) and value.strip() else None


def remember_target(qsettings: QSettings, target: Optional[str], store: Optional[PasswordStore] = None) -> None:
    """Remember ``target`` (None or the default file: forget the choice). A password in the
    address goes to the password store, never into the settings."""
    if target is not None and is_url(target):
        target, password = split_password(target)
        if password is not None:
            (store or PasswordStore()).save(target, password)
    if target is None or (not is_url(target) and Path(target) == default_db_path()):
        qsettings.remove(TARGET_KEY)
    else:
        qsettings.setValue(TARGET_KEY, target)
    qsettings.sync()


def window_target(db_arg: Optional[str], qsettings: QSettings) -> Optional[str]:
    """What the window opens: --db, else DESKAPP_DB (resolved in core), else the choice
    remembered here, else the default file (None)."""
    if db_arg:
        return db_arg
    if os.environ.get("DESKAPP_DB"):
        return None
    return remembered_target(qsettings)


def describe(target: str) -> str:
    """The database for a label, without a password."""
    address = ServerAddress.from_url(target) if is_url(target) else None
    if address is not None:
        return f"办公室服务器 {address.host}:{address.port}，数据库“{address.database}”，用户“{address.user}”"
    return f"本机文件 {target}"


class DatabaseDialog(QDialog):
    """Choose this PC or a server; ``chosen`` is the target to reopen on after 切换."""

    def __init__(self, current: str, messages: Messages, qsettings: QSettings,
                 parent: Optional[QWidget] = None, store: Optional[PasswordStore] = None):
        super().__init__(parent)
        self.setWindowTitle("数据库位置")
        self.messages = messages
        self.qsettings = qsettings
        self.store = store if store is not None else PasswordStore()
        self.current = current
        self.chosen: Optional[str] = None
        self.local = QRadioButton("本机：台账保存在这台电脑上（一台电脑使用时）")
        self.server = QRadioButton("办公室服务器：多台电脑共用一个台账（PostgreSQL）")
        group = QButtonGroup(self)
        group.addButton(self.local)
        group.addButton(self.server)
        self.path = QLineEdit(str(default_db_path()))
        self.browse = QPushButton("选择文件…")
        self.server_form = ServerForm(self.store)
        self.error = ErrorLabel()
        self.buttons = QDialogButtonBox()
        self.switch_button = self.buttons.addButton("切换并重新打开", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        self._layout()
        self._load(current)
        self.local.toggled.connect(self._mode_changed)
        self.browse.clicked.connect(self._browse)
        self.buttons.accepted.connect(self.switch)
        self.buttons.rejected.connect(self.reject)
        self._mode_changed()

    def _layout(self) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"当前使用：{describe(self.current)}"))
        layout.addWidget(self.local)
        local_box = QGroupBox()
        line = QHBoxLayout(local_box)
        line.addWidget(QLabel("台账文件"))
        line.addWidget(self.path, 1)
        line.addWidget(self.browse)
        self.local_box = local_box
        layout.addWidget(local_box)
        layout.addWidget(self.server)
        server_box = QGroupBox()
        QVBoxLayout(server_box).addWidget(self.server_form)
        self.server_box = server_box
        layout.addWidget(server_box)
        layout.addWidget(hint_label("切换后台账窗口会关闭，并在所选数据库上重新打开；原来的台账不受影响，"
                                    "可随时切换回来。服务器上的台账须先由管理员用 deskapp server init 建立。"))
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(640)

    def _load(self, current: str) -> None:
        address = ServerAddress.from_url(current) if is_url(current) else None
        if address is not None:
            self.server.setChecked(True)
            self.server_form.set_address(address)
        else:
            self.local.setChecked(True)
            if not is_url(current):
                self.path.setText(current)

    def _mode_changed(self) -> None:
        self.local_box.setEnabled(self.local.isChecked())
        self.server_box.setEnabled(self.server.isChecked())

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "选择或新建台账文件", self.path.text(), "台账文件 (*.db)",
                                              options=QFileDialog.Option.DontConfirmOverwrite)
        if path:
            self.path.setText(path)

    def switch(self) -> None:
        """切换: a file at once; a server only after a connection test that succeeded (its
        password is then kept)."""
        self.error.show_message("")
        if self.local.isChecked():
            path = self.path.text().strip()
            if not path:
                self.error.show_message("请选择台账文件。")
                return
            if Path(path).is_dir() or not Path(path).parent.is_dir():
                self.error.show_message("台账文件所在的文件夹不存在，请重新选择。")
                return
            self._done(str(Path(path)))
            return
        if self.server_form.start_check(self._server_checked):
            self.switch_button.setEnabled(False)

    def _server_checked(self, result: CheckResult) -> None:
        self.switch_button.setEnabled(True)
        if not result.ok:
            self.error.show_message(result.message)
            return
        self.server_form.keep_password()
        self._done(self.server_form.address().url())

    def _done(self, target: str) -> None:
        if target == self.current:
            self.reject()
            return
        remember_target(self.qsettings, target, self.store)
        self.chosen = target
        self.accept()
