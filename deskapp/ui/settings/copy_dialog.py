"""文件 → 复制数据库（迁移到服务器）…: the whole desk copied onto the office's PostgreSQL
server, or into one SQLite file (a full backup of a server desk), as ``deskapp db copy``
does: in a worker thread with a progress dialog, then the counts and the audit check shown.
The copy's rules live in :mod:`deskapp.core.store.copy`."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from deskapp.core.desk import copy_desk_steps
from deskapp.core.store.connection import CheckResult
from deskapp.core.store.copy import CopyReport, shown
from deskapp.core.store.credentials import PasswordStore
from deskapp.ui.common.context import AppContext
from deskapp.ui.common.form_kit import hint_label
from deskapp.ui.common.worker import Job, run_job
from deskapp.ui.settings.server_form import ServerForm


class CopyDatabaseDialog(QDialog):
    """Where to copy the open desk to; 开始复制 runs the copy and reports how it went."""

    def __init__(self, ctx: AppContext, parent: Optional[QWidget] = None,
                 store: Optional[PasswordStore] = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("复制数据库")
        self.job: Optional[Job] = None
        self.report: Optional[CopyReport] = None
        self.to_server = QRadioButton("复制到数据库服务器（把本台账迁移到服务器）")
        self.to_file = QRadioButton("复制到本机文件（完整备份，含附件）")
        group = QButtonGroup(self)
        group.addButton(self.to_server)
        group.addButton(self.to_file)
        self.server = ServerForm(store, self)
        self.path = QLineEdit()
        self.path.setPlaceholderText("如 D:\\台账备份\\台账-服务器副本.db")
        self.browse = QPushButton("浏览…")
        self.force = QCheckBox("目标中已有台账数据时，先清空再复制（覆盖目标，无法撤销）")
        self.start_button = QPushButton("开始复制")
        self._layout()
        self.to_server.toggled.connect(self._kind_changed)
        self.browse.clicked.connect(self._choose_file)
        self.start_button.clicked.connect(self.start)
        (self.to_file if not ctx.db.is_sqlite else self.to_server).setChecked(True)
        self._kind_changed()

    def _layout(self) -> None:
        layout = QVBoxLayout(self)
        source = QLabel(f"源数据库：{shown(self.ctx.db)}")
        source.setWordWrap(True)
        layout.addWidget(source)
        layout.addWidget(self.to_server)
        layout.addWidget(self.server)
        layout.addWidget(self.to_file)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path, 1)
        file_row.addWidget(self.browse)
        layout.addLayout(file_row)
        layout.addWidget(self.force)
        layout.addWidget(hint_label("复制所有表和附件，目标先升级到本程序的版本；复制后逐表核对行数，并校验目标的"
                                    "操作记录。目标中已有台账数据时不会改动它，除非勾选上面的“先清空”。"
                                    "源数据库不会被改动，复制期间可以继续查看。"))
        buttons = QDialogButtonBox()
        buttons.addButton(self.start_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(QPushButton("关闭"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)

    def _kind_changed(self, *_args: Any) -> None:
        server = self.to_server.isChecked()
        self.server.setEnabled(server)
        self.path.setEnabled(not server)
        self.browse.setEnabled(not server)

    def _choose_file(self) -> None:
        start = self.path.text() or str(self.ctx.db.data_dir / "台账-副本.db")
        chosen, _filter = QFileDialog.getSaveFileName(self, "复制到哪个文件", start, "台账数据库 (*.db)")
        if chosen:
            self.path.setText(chosen if chosen.endswith(".db") else chosen + ".db")

    # --- running ---------------------------------------------------------------------------

    def start(self) -> None:
        """A server target is tested first (and its password kept, as 设置 → 数据库 does)."""
        if self.job is not None:
            return
        if self.to_server.isChecked():
            self.start_button.setEnabled(False)
            if not self.server.start_check(after=self._server_checked):
                self.start_button.setEnabled(True)
            return
        target = self.path.text().strip()
        if not target:
            self.ctx.messages.warn(self, "请填写或选择要复制到的文件。")
            return
        self.run_copy(str(Path(target).expanduser()))

    def _server_checked(self, result: CheckResult) -> None:
        self.start_button.setEnabled(True)
        if not result.ok:
            return  # the form shows why
        self.server.keep_password()
        self.run_copy(self.server.address().url())

    def run_copy(self, target: str) -> Job:
        self.start_button.setEnabled(False)
        self.job = run_job(self.ctx, self, "正在复制数据库", copy_desk_steps, self.ctx.db, target,
                           self.force.isChecked(), on_done=self._done, cancellable=False)
        self.job.finished.connect(self._finished)
        return self.job

    def _done(self, report: CopyReport) -> None:
        self.report = report
        if report.ok:
            self.ctx.messages.info(self, report.summary(), title="复制完成")
        else:
            self.ctx.messages.warn(self, report.summary(), title="复制完成，但核对发现问题")

    def _finished(self) -> None:
        self.job = None
        self.start_button.setEnabled(True)

    def reject(self) -> None:
        if self.job is not None:  # the copy's transaction must end before the dialog goes
            self.job.wait()
        super().reject()
