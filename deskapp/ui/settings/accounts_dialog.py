"""设置 → 账户… (administrator, on a server): add accounts, change their role and department,
disable or enable them, reset passwords, end a lockout. The rules are core/accounts/manage;
each button is one transaction and one audit event under the administrator's name."""

from __future__ import annotations

from typing import Callable, Optional

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from deskapp.core.accounts import manage, signin
from deskapp.core.accounts.account import AccountInfo
from deskapp.core.accounts.hashing import MIN_LENGTH
from deskapp.core.accounts.roles import ACCOUNT_ROLES, DEPARTMENT_ROLES
from deskapp.core.errors import DeskError
from deskapp.core.register import org, people
from deskapp.ui.common.context import AppContext
from deskapp.ui.common.form_kit import ErrorLabel, hint_label, spin_box

COLUMNS = ["用户名", "姓名", "角色", "科室/社区", "状态"]


def status_text(account: AccountInfo) -> str:
    if not account.active:
        return "已停用"
    return f"已锁定（{account.locked_until_text} 后可再试）" if account.locked_until_text else "正常"


class AccountForm(QDialog):
    """One account's fields; a new account also gets its first password (typed twice)."""

    def __init__(self, ctx: AppContext, parent: Optional[QWidget], current: Optional[AccountInfo] = None):
        super().__init__(parent)
        self.ctx, self.current = ctx, current
        self.setWindowTitle("修改账户" if current else "添加账户")
        self.setMinimumWidth(420)
        with ctx.db.session() as s:
            persons = people.list_people(s, include_inactive=False)
            departments = org.list_departments(s, include_inactive=False)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.username = QLineEdit(current.username if current else "")
        self.username.setMaxLength(50)
        self.person = QComboBox()
        for p in persons:
            self.person.addItem(p.display, p.id)
        if current is not None and self.person.findData(current.person_id) < 0:
            self.person.addItem(current.person_name, current.person_id)
        self.role = QComboBox()
        for code, label in ACCOUNT_ROLES.items():
            self.role.addItem(label, code)
        self.department = QComboBox()
        self.department.addItem("（不限，看全部）", None)
        for d in departments:
            self.department.addItem(d.name, d.id)
        self.active = QCheckBox("启用")
        self.active.setChecked(True)
        form.addRow("用户名：", self.username)
        form.addRow("人员：", self.person)
        form.addRow("角色：", self.role)
        form.addRow("科室/社区：", self.department)
        form.addRow("", self.active)
        self.password = QLineEdit()
        self.repeat = QLineEdit()
        if current is None:
            for box in (self.password, self.repeat):
                box.setEchoMode(QLineEdit.EchoMode.Password)
                box.setMaxLength(128)
            form.addRow(f"密码（至少{MIN_LENGTH}位）：", self.password)
            form.addRow("再输入一次：", self.repeat)
        else:
            self.person.setCurrentIndex(max(0, self.person.findData(current.person_id)))
            self.role.setCurrentIndex(max(0, self.role.findData(current.role)))
            self.department.setCurrentIndex(max(0, self.department.findData(current.department_id)))
            self.active.setChecked(current.active)
        layout.addLayout(form)
        layout.addWidget(hint_label("“科室/社区经办”和“科室负责人”只能看到所选科室或社区的信息和申请；"
                                    "维护员、管理员和各级领导看全部。"))
        self.error = ErrorLabel()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox()
        ok = buttons.addButton("保存", QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setDefault(True)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def data(self) -> manage.AccountData:
        return manage.AccountData(self.username.text(), int(self.person.currentData() or 0),
                                  str(self.role.currentData()), self.department.currentData(),
                                  self.active.isChecked())

    def accept(self) -> None:
        if self.person.currentData() is None:
            self.error.show_message("请先在“机构与人员”中登记此人，再为其添加账户。")
            return
        if self.current is None and self.password.text() != self.repeat.text():
            self.error.show_message("两次输入的密码不一致，请重新输入。")
            return
        try:
            with self.ctx.db.session() as s:
                if self.current is None:
                    manage.create_account(s, self.ctx.actor, self.data(), self.password.text())
                else:
                    manage.update_account(s, self.ctx.actor, self.current.id, self.data())
        except DeskError as exc:
            self.error.show_message(exc.message)
            return
        super().accept()


class AccountsDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.ctx = ctx
        self.accounts: list[AccountInfo] = []
        self.setWindowTitle("账户")
        self.resize(720, 420)
        layout = QVBoxLayout(self)
        layout.addWidget(hint_label("每位在服务器上使用台账的人员各用一个账户登录；连续输错密码会按设置锁定一段时间。"))
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _index: self.edit())
        layout.addWidget(self.table, 1)
        layout.addLayout(self._policy_row())
        row = QHBoxLayout()
        for text, slot in (("添加…", self.add), ("修改…", self.edit), ("停用/启用", self.toggle_active),
                           ("重设密码…", self.reset_password), ("解除锁定", self.unlock)):
            button = QPushButton(text)
            button.clicked.connect(lambda _checked=False, f=slot: f())
            row.addWidget(button)
        row.addStretch(1)
        close = QPushButton("关闭")
        close.clicked.connect(self.accept)
        row.addWidget(close)
        layout.addLayout(row)
        self.reload()

    def _policy_row(self) -> QHBoxLayout:
        with self.ctx.db.session() as s:
            now = signin.policy(s)
        self.max_failed = spin_box(3, 20, " 次", 80)
        self.max_failed.setValue(now.max_failed)
        self.lock_minutes = spin_box(1, 1440, " 分钟", 100)
        self.lock_minutes.setValue(now.lock_minutes)
        save = QPushButton("保存锁定设置")
        save.clicked.connect(lambda _checked=False: self.save_policy())
        row = QHBoxLayout()
        for widget in (QLabel("登录密码连续输错"), self.max_failed, QLabel("后锁定"), self.lock_minutes, save):
            row.addWidget(widget)
        row.addStretch(1)
        return row

    def save_policy(self) -> None:
        try:
            with self.ctx.db.session() as s:
                done = signin.set_policy(s, self.ctx.actor, self.max_failed.value(), self.lock_minutes.value())
        except DeskError as exc:
            self.ctx.messages.warn(self, exc.message)
            return
        self.ctx.messages.info(self, f"已保存：连续输错 {done.max_failed} 次锁定 {done.lock_minutes} 分钟。")

    def reload(self) -> None:
        with self.ctx.db.session() as s:
            self.accounts = manage.list_accounts(s)
        self.table.setRowCount(len(self.accounts))
        for r, a in enumerate(self.accounts):
            dept = a.department_name if a.role in DEPARTMENT_ROLES else (a.department_name or "全部")
            for c, value in enumerate((a.username, a.person_name, a.role_label, dept, status_text(a))):
                self.table.setItem(r, c, QTableWidgetItem(value))

    def selected(self) -> Optional[AccountInfo]:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            self.ctx.messages.info(self, "请先在列表中选择一个账户。")
            return None
        return self.accounts[rows[0].row()]

    def _run(self, action: Callable[[], None]) -> None:
        try:
            action()
        except DeskError as exc:
            self.ctx.messages.warn(self, exc.message)
        self.reload()

    def add(self) -> None:
        if AccountForm(self.ctx, self).exec() == QDialog.DialogCode.Accepted:
            self.reload()

    def edit(self) -> None:
        account = self.selected()
        if account is not None and AccountForm(self.ctx, self, account).exec() == QDialog.DialogCode.Accepted:
            self.reload()

    def toggle_active(self) -> None:
        account = self.selected()
        if account is None:
            return

        def run() -> None:
            with self.ctx.db.session() as s:
                manage.set_active(s, self.ctx.actor, account.id, not account.active)
        self._run(run)

    def reset_password(self) -> None:
        account = self.selected()
        if account is None:
            return
        echo = QLineEdit.EchoMode.Password
        first, ok = QInputDialog.getText(self, "重设密码", f"{account.person_name}的新登录密码（至少{MIN_LENGTH}位）：",
                                         echo)
        if not ok:
            return
        again, ok = QInputDialog.getText(self, "重设密码", "再输入一次：", echo)
        if not ok:
            return
        if again != first:
            self.ctx.messages.warn(self, "两次输入的密码不一致，密码未改，请重新设置。")
            return

        def run() -> None:
            with self.ctx.db.session() as s:
                manage.reset_password(s, self.ctx.actor, account.id, first)
            self.ctx.messages.info(self, f"已重设“{account.username}”的登录密码，锁定已解除。")
        self._run(run)

    def unlock(self) -> None:
        account = self.selected()
        if account is None:
            return

        def run() -> None:
            with self.ctx.db.session() as s:
                manage.unlock(s, self.ctx.actor, account.id)
        self._run(run)
