"""The office's PostgreSQL server as a small form (地址, 端口, 数据库, 用户名, 密码, 加密方式)
with 测试连接, which runs :func:`deskapp.core.store.connection.check_connection` in a
thread with a timeout and shows its one Chinese sentence. Shared by 设置 → 数据库 and the
first-run page."""

from __future__ import annotations

from typing import Callable, Optional

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from deskapp.core.store.connection import (
    DEFAULT_PORT,
    DEFAULT_SSLMODE,
    SSL_MODES,
    CheckResult,
    ServerAddress,
    check_connection,
)
from deskapp.core.store.credentials import PasswordStore, split_password
from deskapp.ui.common.form_kit import ERROR_COLOR, FieldErrors, hint_label
from deskapp.ui.common.worker import LatestRead

OK_COLOR = "#2e7d32"
CHECK_TIMEOUT_SECONDS = 8


class ServerForm(QWidget):
    """Fields of one server address and its password; ``checked(CheckResult)`` after each test."""

    checked = Signal(object)

    def __init__(self, store: Optional[PasswordStore] = None, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.store = store if store is not None else PasswordStore()
        self.errors = FieldErrors()
        self.host = QLineEdit()
        self.host.setPlaceholderText("如 192.168.1.10 或 db.jiedao.local")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(DEFAULT_PORT)
        self.port.setMinimumWidth(90)
        self.database = QLineEdit("deskapp")
        self.user = QLineEdit()
        self.user.setPlaceholderText("管理员分配的数据库用户名")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.sslmode = QComboBox()
        for code, text in SSL_MODES.items():
            self.sslmode.addItem(text, code)
        self.sslmode.setCurrentIndex(self.sslmode.findData(DEFAULT_SSLMODE))
        self.test_button = QPushButton("测试连接")
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.last_result: Optional[CheckResult] = None
        self._reader = LatestRead(self)
        self._reader.ready.connect(self._answered)
        self._reader.failed.connect(self._failed)
        self._after: Optional[Callable[[CheckResult], None]] = None
        self._layout()
        self.test_button.clicked.connect(lambda: self.start_check())
        self.host.editingFinished.connect(self._take_pasted_url)

    def _layout(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        form = QFormLayout()
        host_line = QWidget()
        row = QHBoxLayout(host_line)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.host, 1)
        row.addWidget(QLabel("端口"))
        row.addWidget(self.port)
        self.errors.add_row(form, "服务器地址", "host", host_line)
        self.errors.widgets["host"] = self.host
        self.errors.add_row(form, "数据库名", "database", self.database)
        self.errors.add_row(form, "用户名", "user", self.user)
        self.errors.add_row(form, "密码", "password", self.password)
        self.errors.add_row(form, "加密方式", "sslmode", self.sslmode)
        outer.addLayout(form)
        outer.addWidget(hint_label("局域网内选“能加密就加密”即可；经过外网或无线网时请选“必须加密”，或“加密并验证"
                                   "服务器证书”（需把服务器的根证书放在本机 ~/.postgresql/root.crt，"
                                   "Windows 为 %APPDATA%\\postgresql\\root.crt）。"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.test_button)
        buttons.addWidget(self.result, 1)
        outer.addLayout(buttons)
        outer.addWidget(hint_label(self.store.where()))

    # --- values ------------------------------------------------------------------------

    def address(self) -> ServerAddress:
        return ServerAddress(host=self.host.text().strip(), port=self.port.value(),
                             database=self.database.text().strip(), user=self.user.text().strip(),
                             sslmode=str(self.sslmode.currentData()))

    def set_address(self, address: ServerAddress) -> None:
        """Fill the fields, and the password field from the kept password (if any)."""
        self.host.setText(address.host)
        self.port.setValue(address.port)
        self.database.setText(address.database)
        self.user.setText(address.user)
        index = self.sslmode.findData(address.sslmode)
        self.sslmode.setCurrentIndex(max(index, 0))
        self.password.setText(self.store.get(address.url()) or "")

    def _take_pasted_url(self) -> None:
        """A whole address pasted into 服务器地址 (postgresql://user:pw@host:port/db?sslmode=…)
        fills every field; its password goes to the password field only."""
        text = self.host.text().strip()
        if "://" not in text:
            return
        bare, password = split_password(text) if ServerAddress.from_url(text) else (text, None)
        address = ServerAddress.from_url(bare)
        if address is None:
            self.errors.show({"host": "这不是 PostgreSQL 数据库地址，请填写服务器的地址或名称。"})
            return
        self.host.setText(address.host)
        self.port.setValue(address.port)
        self.database.setText(address.database)
        self.user.setText(address.user)
        self.sslmode.setCurrentIndex(max(self.sslmode.findData(address.sslmode), 0))
        if password is not None:
            self.password.setText(password)
        self.errors.clear()

    def problems(self) -> dict[str, str]:
        problems = self.address().problems()
        if not self.password.text():
            problems["password"] = "请填写数据库密码。"
        return problems

    # --- 测试连接 ----------------------------------------------------------------------

    def start_check(self, after: Optional[Callable[[CheckResult], None]] = None) -> bool:
        """Test the connection in a thread; ``after(result)`` in the GUI thread when it
        answers. False (and the field errors shown) when the form is not filled in."""
        problems = self.problems()
        self.errors.show(problems)
        if problems:
            return False
        self._after = after
        self.test_button.setEnabled(False)
        self._show("正在连接服务器…", "#666")
        self._reader.start(check_connection, self.address(), self.password.text(), CHECK_TIMEOUT_SECONDS)
        return True

    @property
    def checking(self) -> bool:
        return self._reader.pending

    def _answered(self, result: CheckResult) -> None:
        self.test_button.setEnabled(True)
        self.last_result = result
        self._show(result.message, OK_COLOR if result.ok else ERROR_COLOR)
        self.checked.emit(result)
        after, self._after = self._after, None
        if after is not None:
            after(result)

    def _failed(self, exc: BaseException) -> None:
        self._answered(CheckResult("other", f"连接测试出错：{type(exc).__name__}，请检查各项设置后重试。"))

    def _show(self, text: str, color: str) -> None:
        self.result.setStyleSheet(f"color: {color};")
        self.result.setText(text)

    def keep_password(self) -> str:
        """After a good test: keep the password (keyring or the 0600 file); where it went."""
        return self.store.save(self.address().url(), self.password.text())
