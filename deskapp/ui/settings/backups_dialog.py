"""文件 → 备份与恢复…: the desk's backups with their dates, sizes and check results;
立即备份 and 恢复所选….

A restore cannot happen under the open window: the window holds the desk's lock and its
connections. So 恢复所选… asks, then hands the chosen backup to ``on_restore`` (the main
window records it and closes); :func:`deskapp.ui.app.run_app` restores once the database is
closed, says how it went, and the clerk opens the desk again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Optional

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from deskapp.core.desk import backup_desk
from deskapp.core.store.backups import BackupInfo, list_backups
from deskapp.ui.common.context import AppContext
from deskapp.ui.common.worker import Job, run_job

COLUMNS = ["备份时间", "原因", "大小", "校验结果", "位置"]


def size_text(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{max(1, round(n / 1024))} KB"


class BackupsDialog(QDialog):
    def __init__(self, ctx: AppContext, on_restore: Callable[[Path], None],
                 parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.ctx = ctx
        self.on_restore = on_restore
        self.backups: list[BackupInfo] = []
        self.job: Optional[Job] = None
        self.setWindowTitle("备份与恢复")
        self.resize(820, 420)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"备份保存在“{ctx.db.backups_dir}”：每天第一次打开、每次导入、年度结转和恢复之前自动备份，"
                                "保留最近30天每天一份、最近12个月每月一份。"))
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table)
        buttons = QHBoxLayout()
        self.backup_button = QPushButton("立即备份")
        self.restore_button = QPushButton("恢复所选…")
        close = QPushButton("关闭")
        for b in (self.backup_button, self.restore_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.backup_button.clicked.connect(self.back_up_now)
        self.restore_button.clicked.connect(self.restore_selected)
        close.clicked.connect(self.reject)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        local = ctx.db.is_sqlite and ctx.db.path is not None
        self.backup_button.setEnabled(local)
        if not local:
            self.backup_button.setToolTip("此数据库在服务器上，请用服务器的备份工具。")
        self.refresh()

    def refresh(self) -> None:
        self.backups = list_backups(self.ctx.db.backups_dir)
        self.table.setRowCount(len(self.backups))
        for row, b in enumerate(self.backups):
            cells = [f"{b.made_at:%Y-%m-%d %H:%M:%S}", b.reason_text, size_text(b.size), b.check_text,
                     str(b.folder or b.db_file)]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col == 3 and b.problem:
                    item.setForeground(Qt.GlobalColor.red)
                self.table.setItem(row, col, item)
        self.table.resizeColumnsToContents()
        self._update_buttons()

    def selected(self) -> Optional[BackupInfo]:
        rows = {i.row() for i in self.table.selectedIndexes()}
        return self.backups[rows.pop()] if len(rows) == 1 else None

    def _update_buttons(self) -> None:
        chosen = self.selected()
        self.restore_button.setEnabled(chosen is not None and not self.ctx.read_only)
        self.restore_button.setToolTip("只读方式打开时不能恢复。" if self.ctx.read_only else "")

    def back_up_now(self) -> Job:
        """立即备份 in a worker thread (the copy and its checks take seconds on a big desk),
        with a progress dialog; the list and a message follow when it is done."""
        self.backup_button.setEnabled(False)
        self.job = run_job(self.ctx, self, "正在备份并校验", backup_desk, self.ctx.db, "manual",
                           on_done=self._backed_up, cancellable=False)
        self.job.finished.connect(lambda: self.backup_button.setEnabled(True))
        return self.job

    def _backed_up(self, made: Optional[BackupInfo]) -> None:
        self.refresh()
        if made is not None and made.problem:
            self.ctx.messages.warn(self, f"已备份，但校验发现问题：{made.problem}；请报告维护人员。")
        elif made is not None:
            self.ctx.messages.info(self, f"已备份到“{made.folder or made.db_file}”，校验通过。")

    def done(self, result: int) -> None:
        if self.job is not None:  # a backup under way finishes before the dialog goes
            self.job.wait()
        super().done(result)

    def restore_selected(self) -> None:
        chosen = self.selected()
        if chosen is None or self.ctx.read_only:
            return
        if chosen.problem:
            self.ctx.messages.warn(self, f"这份备份校验未通过（{chosen.problem}），不能用来恢复；请选择另一份。")
            return
        question = (f"用 {chosen.made_at:%Y-%m-%d %H:%M} 的备份（{chosen.reason_text}）恢复台账？\n\n"
                    "当前台账会先备份；台账窗口将关闭，恢复完成后请重新打开台账。")
        if not self.ctx.messages.confirm(self, question, title="恢复备份"):
            return
        self.on_restore(chosen.db_file)
        self.accept()
