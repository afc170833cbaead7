"""The item dialog's attachments: the stored ones, plus what the user added or removed
since opening. Nothing touches the data folder until the dialog saves (``apply`` runs in
the dialog's one transaction), so 取消 really leaves everything as it was."""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from deskapp.core.attachments import files
from deskapp.core.attachments.files import AttachmentInfo
from deskapp.core.errors import DeskError
from deskapp.ui.common.context import AppContext

OPEN_DIR = "deskapp-附件"  # copies opened with the system's viewer live in the temp folder


def _local(stamp: dt.datetime) -> dt.datetime:
    """Times are stored in UTC; the desk shows them in the PC's time zone."""
    return stamp.replace(tzinfo=dt.timezone.utc).astimezone()


@dataclass(frozen=True)
class PendingFile:
    path: Path
    size: int


class AttachmentsPanel(QWidget):
    changed = Signal()

    def __init__(self, ctx: AppContext, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.ctx = ctx
        self._stored: list[AttachmentInfo] = []
        self._pending: list[PendingFile] = []
        self._removed: list[int] = []
        self._read_only = False
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["文件名", "大小", "添加时间", "添加人"])
        self.tree.setRootIsDecorated(False)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.itemDoubleClicked.connect(lambda _row, _col: self.open_selected())
        self.add_button = QPushButton("添加附件…")
        self.add_button.clicked.connect(self.choose_files)
        self.open_button = QPushButton("打开")
        self.open_button.clicked.connect(self.open_selected)
        self.remove_button = QPushButton("移除")
        self.remove_button.clicked.connect(self.remove_selected)
        self.hint = QLabel("可把文件拖到这里添加。附件复制到台账的数据文件夹中保存，内容相同的文件只存一份；"
                           "添加或移除在点“保存”后生效。")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: gray;")
        buttons = QHBoxLayout()
        for b in (self.add_button, self.open_button, self.remove_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.hint)
        self.setAcceptDrops(True)
        self.tree.itemSelectionChanged.connect(self._sync_buttons)
        self._sync_buttons()

    # --- state ------------------------------------------------------------------------------

    def load(self, attachments: list[AttachmentInfo]) -> None:
        self._stored, self._pending, self._removed = list(attachments), [], []
        self._rebuild()

    def pending_files(self) -> list[Path]:
        return [p.path for p in self._pending]

    def removed_ids(self) -> list[int]:
        return list(self._removed)

    def is_dirty(self) -> bool:
        return bool(self._pending or self._removed)

    def count(self) -> int:
        return len(self._stored) - len(self._removed) + len(self._pending)

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        self.setAcceptDrops(not read_only)
        self._sync_buttons()

    def apply(self, session: Session, item_id: int) -> None:
        """Inside the dialog's save transaction: copy in what was added, drop what was removed."""
        for attachment_id in self._removed:
            files.remove_attachment(session, self.ctx.db, self.ctx.actor, attachment_id)
        for pending in self._pending:
            files.add_attachment(session, self.ctx.db, self.ctx.actor, item_id, pending.path)

    # --- actions ----------------------------------------------------------------------------

    def choose_files(self) -> None:
        paths, _filter = QFileDialog.getOpenFileNames(self, "选择要添加的附件")
        self.add_paths(paths)

    def add_paths(self, paths: Sequence[str | Path]) -> None:
        problems = []
        for raw in paths:
            path = Path(raw)
            try:
                if not path.is_file():
                    raise FileNotFoundError(path)
                size = path.stat().st_size
            except OSError:
                problems.append(f"“{path}”不是可读取的文件")
                continue
            self._pending.append(PendingFile(path, size))
        if problems:
            self.ctx.messages.warn(self, "；".join(problems) + "，未添加。")
        if len(problems) < len(paths):
            self._rebuild()
            self.changed.emit()

    def remove_selected(self) -> None:
        for row in self.tree.selectedItems():
            entry = row.data(0, Qt.ItemDataRole.UserRole)
            if isinstance(entry, PendingFile):
                self._pending.remove(entry)
            else:
                self._removed.append(entry.id)
        self._rebuild()
        self.changed.emit()

    def open_selected(self) -> None:
        rows = self.tree.selectedItems()
        if not rows:
            return
        entry = rows[0].data(0, Qt.ItemDataRole.UserRole)
        try:
            path = entry.path if isinstance(entry, PendingFile) else files.export_copy(
                self.ctx.db, entry, Path(tempfile.gettempdir()) / OPEN_DIR / str(entry.id))
        except DeskError as exc:
            self.ctx.messages.warn(self, str(exc))
            return
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            self.ctx.messages.warn(self, f"没有找到能打开“{path.name}”的程序，文件在“{path.parent}”。")

    # --- view -------------------------------------------------------------------------------

    def _rebuild(self) -> None:
        self.tree.clear()
        for info in self._stored:
            if info.id in self._removed:
                continue
            added = _local(info.added_at).strftime("%Y-%m-%d %H:%M") if info.added_at else ""
            self._row([info.filename, info.size_text, added, info.added_by], info)
        for pending in self._pending:
            row = self._row([pending.path.name, files.human_size(pending.size), "保存后添加",
                             self.ctx.actor.name], pending)
            row.setToolTip(0, str(pending.path))
        self._sync_buttons()

    def _row(self, texts: list[str], entry: object) -> QTreeWidgetItem:
        row = QTreeWidgetItem(texts)
        row.setData(0, Qt.ItemDataRole.UserRole, entry)
        self.tree.addTopLevelItem(row)
        return row

    def _sync_buttons(self) -> None:
        read_only = self._read_only
        selected = bool(self.tree.selectedItems())
        self.add_button.setEnabled(not read_only)
        self.remove_button.setEnabled(selected and not read_only)
        self.open_button.setEnabled(selected)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if event.mimeData().hasUrls() and not self._read_only:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            self.add_paths(paths)
            event.acceptProposedAction()

