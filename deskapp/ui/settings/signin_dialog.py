"""登录: on a database server each person signs in with their own account before the window
opens (core/accounts/signin: wrong passwords counted, lockout with the time to retry). The
single-PC desk never shows this; it keeps its operator chooser."""

from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from deskapp.core.accounts import manage
from deskapp.core.accounts.account import AccountInfo
from deskapp.core.accounts.hashing import MIN_LENGTH
from deskapp.core.accounts.signin import sign_in
from deskapp.core.errors import DeskError
from deskapp.core.store.db import Database
from deskapp.ui.common.context import AppContext
from deskapp.ui.common.form_kit import ErrorLabel, busy, hint_label

USERNAME_KEY = "account/username"  # the last user name signed in on this PC (never a password)


class SignInDialog(QDialog):
    def __init__(self, db: Database, server: str, parent: Optional[QWidget] = None,
                 qsettings: Optional[QSettings] = None):
        super().__init__(parent)
        self.db = db
        self.qsettings = qsettings if qsettings is not None else QSettings()
        self.account: Optional[AccountInfo] = None
        with db.session() as s:
            self.first = not manage.any_account(s)  # a server nobody has set up: its first administrator
        self.setWindowTitle("创建首个管理员" if self.first else "登录")
        self.setMinimumWidth(380)
        layout = QVBoxLayout(self)
        where = QLabel(f"服务器：{server}")
        where.setWordWrap(True)
        layout.addWidget(where)
        form = QFormLayout()
        self.username = QLineEdit(str(self.qsettings.value(USERNAME_KEY, "") or ""))
        self.username.setMaxLength(50)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setMaxLength(128)
        self.person_name = QLineEdit()
        self.person_name.setMaxLength(50)
        self.repeat = QLineEdit()
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat.setMaxLength(128)
        if self.first:
            layout.addWidget(hint_label("该服务器上还没有任何账户。请创建首个管理员账户（您将登记为管理员和维护员），"
                                        "之后在“设置 → 账户…”中为其他人员添加账户。"))
            self.username.setText(self.username.text() or "admin")
            form.addRow("姓名：", self.person_name)
        form.addRow("用户名：", self.username)
        form.addRow(f"密码（至少{MIN_LENGTH}位）：" if self.first else "密码：", self.password)
        if self.first:
            form.addRow("再输入一次：", self.repeat)
        layout.addLayout(form)
        self.error = ErrorLabel()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox()
        self.ok = buttons.addButton("创建并登录" if self.first else "登录", QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setDefault(True)
        buttons.addButton("退出", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        focus = self.person_name if self.first else (self.password if self.username.text() else self.username)
        focus.setFocus()

    def accept(self) -> None:
        name = self.username.text().strip()
        if not name or not self.password.text():
            self.error.show_message("请输入用户名和密码。")
            return
        if self.first and self.password.text() != self.repeat.text():
            self.error.show_message("两次输入的密码不一致，请重新输入。")
            return
        try:
            with busy():
                if self.first:
                    with self.db.session() as s:
                        manage.create_first_administrator(s, None, name, self.person_name.text(),
                                                          self.password.text())
                self.account = sign_in(self.db, name, self.password.text())
        except DeskError as exc:
            self.error.show_message(exc.message)
            self.password.clear()
            self.repeat.clear()
            self.password.setFocus()
            return
        self.qsettings.setValue(USERNAME_KEY, self.account.username)
        super().accept()


def server_label(db: Database) -> str:
    """“desk 于 192.168.1.10” — which server, without user or password."""
    from sqlalchemy.engine import make_url

    url = make_url(db.url)
    host = url.host or str(url.query.get("host", "")) or "本机"
    return f"{url.database or ''} 于 {host}"


def sign_in_dialog(db: Database, parent: Optional[QWidget] = None) -> Optional[AccountInfo]:
    """The signed-in account, or None when the user chose 退出."""
    dialog = SignInDialog(db, server_label(db), parent)
    return dialog.account if dialog.exec() == QDialog.DialogCode.Accepted else None


class ChangePasswordDialog(QDialog):
    """设置 → 修改登录密码…: the signed-in person replaces their password (old one first)."""

    def __init__(self, ctx: AppContext, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("修改登录密码")
        self.setMinimumWidth(380)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.old, self.new, self.repeat = QLineEdit(), QLineEdit(), QLineEdit()
        for box in (self.old, self.new, self.repeat):
            box.setEchoMode(QLineEdit.EchoMode.Password)
            box.setMaxLength(128)
        form.addRow("原密码：", self.old)
        form.addRow(f"新密码（至少{MIN_LENGTH}位）：", self.new)
        form.addRow("再输入一次：", self.repeat)
        layout.addLayout(form)
        self.error = ErrorLabel()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox()
        self.ok = buttons.addButton("修改", QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setDefault(True)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def accept(self) -> None:
        account = self.ctx.account
        if account is None:  # only a signed-in desk has this menu entry
            super().reject()
            return
        if self.new.text() != self.repeat.text():
            self.error.show_message("两次输入的新密码不一致，请重新输入。")
            return
        try:
            with self.ctx.db.session() as s:
                manage.change_own_password(s, account.id, self.old.text(), self.new.text())
        except DeskError as exc:
            self.error.show_message(exc.message)
            return
        self.ctx.messages.info(self, "登录密码已修改，下次登录请用新密码。")
        super().accept()
