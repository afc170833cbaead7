"""First run: the short page an installed desk opens with on an empty database (the data
folder and the database in it were just made, asking nothing): the office's name and 索引号
prefix, who is at the desk (registered as its 信息员 and chosen as operator), where the
database lives — this PC (the default) or the office's PostgreSQL server (the same form as
设置 → 数据库位置) — and "load demo data" for trying it out (clearly marked, removable from
文件 → 删除演示数据); or importing the office's existing Excel ledger (导入现有台账).

It is not shown again once the office's name is stored (or any item exists), so only a
database that is gone (or new) brings it back. Choosing the server remembers it on this PC
and hands its address back (:class:`FirstRun`); ``run_app`` then opens the window there.

Demo data comes from engineer C's :mod:`deskapp.core.demo.generate`; generating it runs through the
one worker (:func:`deskapp.ui.common.worker.run_job`) with a progress dialog.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, Optional

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from deskapp import APP_NAME
from deskapp.core.audit import chain as audit
from deskapp.core.audit.chain import Actor
from deskapp.core.errors import ValidationError
from deskapp.core.register import people
from deskapp.core.store import settings
from deskapp.core.store.connection import CheckResult
from deskapp.core.store.db import Database
from deskapp.core.store.models import Item, Person
from deskapp.ui.common.form_kit import ErrorLabel, hint_label
from deskapp.ui.common.worker import Job, run_call, run_job
from deskapp.ui.settings.database_dialog import remember_target
from deskapp.ui.settings.server_form import ServerForm

# Who changed the settings on first run: nobody is registered yet to choose as operator.
FIRST_RUN_ACTOR = Actor(None, "首次使用向导")
DEMO_ITEMS = 600


def first_run_needed(db: Database) -> bool:
    """An empty desk: no organisation name and not one item."""
    with db.session() as s:
        return not settings.get(s, "org_name") and not s.scalar(select(exists().where(Item.id.is_not(None))))


@dataclass
class FirstRun:
    """What the first-run page decided: the operator it registered (then the operator
    chooser is not shown again) and the server to switch to (then the window opens there)."""

    operator: Optional[Actor] = None
    switch_to: Optional[str] = None


def _save_organisation(s: Session, actor: Actor, name: str, prefix: str) -> None:
    changed = settings.put_many(s, {"org_name": name, "index_prefix": prefix})
    if changed:
        audit.record(s, actor, "update", "setting", None,
                     {k: v[0] for k, v in changed.items()}, {k: v[1] for k, v in changed.items()})


def save_organisation(db: Database, actor: Actor, name: str, prefix: str,
                      operator_name: str = "") -> Optional[Actor]:
    """One transaction: the two settings and their audit event, and (when a name is given on
    a desk with nobody registered) the person at the PC as its 信息员, returned as the
    operator. ValidationError, with nothing saved, if anything is wrong."""
    errors = {}
    if not name.strip():
        errors["org_name"] = "请填写机关名称，例如“某某街道办事处”。"
    if errors:
        raise ValidationError(errors)
    with db.session() as s:
        _save_organisation(s, actor, name, prefix)
        if operator_name.strip() and not _has_people(s):
            return people.create_first_operator(s, operator_name.strip()).actor()
    return None


def _has_people(s: Session) -> bool:
    return bool(s.scalar(select(exists().where(Person.id.is_not(None)))))


def has_people(db: Database) -> bool:
    with db.session() as s:
        return _has_people(s)


def load_demo_data(ctx: Any, parent: Optional[QWidget], items: int = DEMO_ITEMS,
                   actor: Actor = FIRST_RUN_ACTOR, seed: Optional[int] = None) -> Job:
    """Engineer C's generator in the worker thread, with its progress in a dialog."""
    from deskapp.core.demo import generate as demo

    return run_call(ctx, parent, "正在载入演示数据…", demo.generate, ctx.db, items=items,
                    seed=seed if seed is not None else random.randrange(1, 10_000), actor=actor,
                    today=ctx.today(), progress_text="已生成 {done} / {total} 条演示信息")


def remove_demo_data(ctx: Any, parent: Optional[QWidget]) -> Optional[Job]:
    """文件 → 删除演示数据: every item, person and department marked as demo goes."""
    from deskapp.core.demo import generate as demo

    if not ctx.messages.confirm(parent, "删除全部演示数据（演示信息、演示人员和科室）吗？您自己录入的数据不受影响。"):
        return None

    def done(count: Any) -> None:
        ctx.bus.settings_changed.emit()
        ctx.bus.items_changed.emit()
        ctx.messages.info(parent, f"演示数据已删除（{count} 条信息）。")

    return run_job(ctx, parent, "正在删除演示数据…", demo.remove_demo, ctx.db, actor=ctx.actor,
                   on_done=done, cancellable=False)


class WelcomeDialog(QDialog):
    """欢迎使用: the office, the operator, where the database lives, demo data; 开始使用."""

    def __init__(self, ctx: Any, parent: Optional[QWidget] = None,
                 qsettings: Optional[QSettings] = None):
        super().__init__(parent)
        self.ctx = ctx
        self.qsettings = qsettings
        self.demo_loaded = False
        self.imported = 0  # items the import wizard brought in
        self.outcome = FirstRun()
        self.setWindowTitle(f"欢迎使用{APP_NAME}")
        self.name = QLineEdit()
        self.name.setPlaceholderText("例如：某某区某某街道办事处")
        self.prefix = QLineEdit()
        self.prefix.setPlaceholderText("例如：11010500-1")
        self.operator = QLineEdit()
        self.operator.setPlaceholderText("您的姓名，登记为本台账的信息员")
        self.asks_operator = not has_people(ctx.db)
        self.name_error = QLabel()
        self.prefix_error = QLabel()
        for label in (self.name_error, self.prefix_error):
            label.setStyleSheet("color: #a1121b;")
        # Where the database lives: only a desk on this PC can still choose (a server desk is there).
        self.asks_location = bool(ctx.db.is_sqlite)
        self.here = QRadioButton(f"本机（默认）：{ctx.db.path or ctx.db.url}")
        self.on_server = QRadioButton("办公室服务器：多台电脑共用一个台账（PostgreSQL）")
        self.here.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.here)
        group.addButton(self.on_server)
        self.server_form = ServerForm()
        self.server_error = ErrorLabel()
        self.demo = QCheckBox("载入演示数据，先试一试")
        self.demo_count = QSpinBox()
        self.demo_count.setRange(50, 5000)
        self.demo_count.setSingleStep(50)
        self.demo_count.setValue(DEMO_ITEMS)
        self.demo_count.setSuffix(" 条")
        self.import_button = QPushButton("导入现有台账")
        self.import_button.setToolTip("从本单位原有的 Excel 台账（.xlsx）导入信息")
        self.start_button = QPushButton("开始使用")
        self.start_button.setDefault(True)
        self._layout()
        self.on_server.toggled.connect(self._location_changed)
        self.demo.toggled.connect(self.demo_count.setEnabled)
        self.import_button.clicked.connect(self.import_ledger)
        self.start_button.clicked.connect(self.start)
        self.demo_count.setEnabled(False)
        self._location_changed()

    def _layout(self) -> None:
        heading = QLabel(f"欢迎使用{APP_NAME}")
        heading.setStyleSheet("font-size: 16pt; font-weight: bold; padding-bottom: 4px;")
        intro = QLabel("这是本台账第一次打开。请填写本机关的名称和政府信息索引号前缀"
                       "（索引号形如“前缀/2026-00001”），以后可在“设置 → 机构与人员”中修改。")
        intro.setWordWrap(True)
        form = QFormLayout()
        form.addRow("机关名称 *", self.name)
        form.addRow("", self.name_error)
        form.addRow("索引号前缀", self.prefix)
        form.addRow("", self.prefix_error)
        if self.asks_operator:
            form.addRow("操作人", self.operator)  # optional: empty, the operator chooser asks later
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addLayout(form)
        if self.asks_location:
            layout.addWidget(QLabel("台账数据保存在："))
            layout.addWidget(self.here)
            layout.addWidget(self.on_server)
            self.server_note = hint_label("服务器上的台账已有机关名称、人员和账号（由管理员用 deskapp server init "
                                          "建立），这里只需填写如何连接；连接成功后即在服务器上打开台账。")
            layout.addWidget(self.server_note)
            layout.addWidget(self.server_form)
            layout.addWidget(self.server_error)
        demo_line = QHBoxLayout()
        demo_line.addWidget(self.demo)
        demo_line.addWidget(self.demo_count)
        demo_line.addStretch(1)
        layout.addLayout(demo_line)
        self.demo_note = hint_label("演示数据载入后状态栏显示“含演示数据”，可随时在“文件 → 删除演示数据”中一次删除，"
                                    "不影响您自己录入的信息。")
        layout.addWidget(self.demo_note)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.start_button)
        layout.addLayout(buttons)
        self.setMinimumWidth(640)
        self._show_errors({})

    def _location_changed(self) -> None:
        """The server's desk has its own office, people and accounts: nothing to fill in here."""
        server = self.asks_location and self.on_server.isChecked()
        self.server_form.setVisible(server)
        if self.asks_location:
            self.server_note.setVisible(server)
        self.server_error.show_message("")
        for widget in (self.name, self.prefix, self.operator, self.demo, self.import_button):
            widget.setEnabled(not server)
        self.demo_count.setEnabled(not server and self.demo.isChecked())
        layout = self.layout()
        if layout is not None:  # grow (or shrink back) to fit the server form
            layout.activate()
            self.resize(max(self.width(), self.sizeHint().width()), self.sizeHint().height())

    def _show_errors(self, errors: dict[str, str]) -> None:
        for key, label in (("org_name", self.name_error), ("index_prefix", self.prefix_error)):
            label.setText(errors.get(key, ""))
            label.setVisible(key in errors)

    def _save(self) -> bool:
        operator = self.operator.text() if self.asks_operator else ""
        try:
            actor = save_organisation(self.ctx.db, FIRST_RUN_ACTOR, self.name.text(), self.prefix.text(), operator)
        except ValidationError as exc:
            self._show_errors(exc.fields)
            return False
        self._show_errors({})
        if actor is not None:
            self.outcome.operator = actor
            self.asks_operator = False  # registered: a second save (after a failed demo) adds nobody
        return True

    def start(self) -> None:
        """开始使用: on the server after a good connection test; here after saving (and
        loading the demo data when ticked)."""
        if self.asks_location and self.on_server.isChecked():
            if self.server_form.start_check(self._server_checked):
                self.start_button.setEnabled(False)
            return
        if not self._save():
            return
        if self.demo.isChecked():
            self.load_demo()
        else:
            self.accept()

    def _server_checked(self, result: CheckResult) -> None:
        self.start_button.setEnabled(True)
        if not result.ok:
            self.server_error.show_message(result.message)
            return
        self.server_form.keep_password()
        target = self.server_form.address().url()
        remember_target(self.qsettings if self.qsettings is not None else QSettings(), target)
        self.outcome.switch_to = target
        self.accept()

    def load_demo(self) -> None:
        self.setEnabled(False)
        job = load_demo_data(self.ctx, self, self.demo_count.value())
        job.succeeded.connect(self._demo_done)
        job.failed.connect(lambda _exc: self.setEnabled(True))

    def import_ledger(self) -> None:
        """Save the office first (imported items take its 索引号 prefix), then the wizard;
        the welcome page closes only when something was imported."""
        if not self._save():
            return
        from deskapp.ui.ledger.import_wizard import ImportWizard

        wizard = ImportWizard(self.ctx, self)
        # a new desk has no 科室 yet: those the old ledger names are to be created, not refused
        wizard.file_page.create_departments.setChecked(True)
        wizard.exec()
        outcome = wizard.import_result
        self.imported = outcome.imported if outcome is not None else 0
        if self.imported:
            self.accept()

    def _demo_done(self, _result: Any) -> None:
        self.demo_loaded = True
        self.accept()
