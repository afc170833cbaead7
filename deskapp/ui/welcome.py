"""First run: on an empty desk, ask the office's name and 索引号 prefix, then offer demo data
(clearly marked, removable from 文件 → 删除演示数据), importing the office's existing Excel
ledger (导入现有台账, the Excel issue's wizard) or a clean start.

Demo data comes from engineer C's :mod:`deskapp.core.demo.generate`; generating it runs through the
one worker (:func:`deskapp.ui.common.worker.run_job`) with a progress dialog.
"""

from __future__ import annotations

import random
from typing import Any, Optional

from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import exists, select

from deskapp import APP_NAME
from deskapp.core.audit import chain as audit
from deskapp.core.audit.chain import Actor
from deskapp.core.errors import ValidationError
from deskapp.core.store import settings
from deskapp.core.store.db import Database
from deskapp.core.store.models import Item
from deskapp.ui.common.worker import Job, run_call, run_job

# Who changed the settings on first run: nobody is registered yet to choose as operator.
FIRST_RUN_ACTOR = Actor(None, "首次使用向导")
DEMO_ITEMS = 600


def first_run_needed(db: Database) -> bool:
    """An empty desk: no organisation name and not one item."""
    with db.session() as s:
        return not settings.get(s, "org_name") and not s.scalar(select(exists().where(Item.id.is_not(None))))


def save_organisation(db: Database, actor: Actor, name: str, prefix: str) -> None:
    """One transaction: the two settings and their audit event (ValidationError if bad)."""
    errors = {}
    if not name.strip():
        errors["org_name"] = "请填写机关名称，例如“某某街道办事处”。"
    if errors:
        raise ValidationError(errors)
    with db.session() as s:
        changed = settings.put_many(s, {"org_name": name, "index_prefix": prefix})
        if changed:
            audit.record(s, actor, "update", "setting", None,
                         {k: v[0] for k, v in changed.items()}, {k: v[1] for k, v in changed.items()})


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
    """欢迎使用: name and prefix, then 载入演示数据 or 开始使用."""

    def __init__(self, ctx: Any, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.ctx = ctx
        self.demo_loaded = False
        self.imported = 0  # items the import wizard brought in
        self.setWindowTitle(f"欢迎使用{APP_NAME}")
        self.name = QLineEdit()
        self.name.setPlaceholderText("例如：某某区某某街道办事处")
        self.prefix = QLineEdit()
        self.prefix.setPlaceholderText("例如：11010500-1")
        self.name_error = QLabel()
        self.prefix_error = QLabel()
        for label in (self.name_error, self.prefix_error):
            label.setStyleSheet("color: #a1121b;")
        self.demo_count = QSpinBox()
        self.demo_count.setRange(50, 5000)
        self.demo_count.setSingleStep(50)
        self.demo_count.setValue(DEMO_ITEMS)
        self.demo_count.setSuffix(" 条")
        self.demo_button = QPushButton("载入演示数据")
        self.import_button = QPushButton("导入现有台账")
        self.import_button.setToolTip("从本单位原有的 Excel 台账（.xlsx）导入信息")
        self.start_button = QPushButton("开始使用")
        self.start_button.setDefault(True)
        self._layout()
        self.demo_button.clicked.connect(self.load_demo)
        self.import_button.clicked.connect(self.import_ledger)
        self.start_button.clicked.connect(self.start)

    def _layout(self) -> None:
        heading = QLabel(f"欢迎使用{APP_NAME}")
        heading.setStyleSheet("font-size: 16pt; font-weight: bold; padding-bottom: 4px;")
        intro = QLabel("这是本台账第一次打开。请先填写本机关的名称和政府信息索引号前缀"
                       "（索引号形如“前缀/2026-00001”），以后可在“设置 → 机构与人员”中修改。")
        intro.setWordWrap(True)
        form = QFormLayout()
        form.addRow("机关名称 *", self.name)
        form.addRow("", self.name_error)
        form.addRow("索引号前缀", self.prefix)
        form.addRow("", self.prefix_error)
        demo_note = QLabel("想先熟悉一下？可载入一批演示数据：载入后状态栏显示“含演示数据”，"
                           "可随时在“文件 → 删除演示数据”中一次删除，不影响您自己录入的信息。")
        demo_note.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(QLabel("演示数据"))
        buttons.addWidget(self.demo_count)
        buttons.addWidget(self.demo_button)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.start_button)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(demo_note)
        layout.addLayout(buttons)
        self.setMinimumWidth(600)
        self._show_errors({})

    def _show_errors(self, errors: dict[str, str]) -> None:
        for key, label in (("org_name", self.name_error), ("index_prefix", self.prefix_error)):
            label.setText(errors.get(key, ""))
            label.setVisible(key in errors)

    def _save(self) -> bool:
        try:
            save_organisation(self.ctx.db, FIRST_RUN_ACTOR, self.name.text(), self.prefix.text())
        except ValidationError as exc:
            self._show_errors(exc.fields)
            return False
        self._show_errors({})
        return True

    def start(self) -> None:
        if self._save():
            self.accept()

    def load_demo(self) -> None:
        if not self._save():
            return
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
