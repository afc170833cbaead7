"""Adding or editing one work log entry (工作记录): a meeting, a training, a reply to a
resident's question … with its attachments (sign-in sheets, photos). Rules live in
core.worklog; this dialog shows their messages next to the fields."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from deskapp.core.errors import DeskError
from deskapp.core.reports import worklog
from deskapp.core.reports.worklog import WorklogData, WorklogRow
from deskapp.core.store.models import Department
from deskapp.ui.common.context import AppContext
from deskapp.ui.common.form_kit import DateField, FieldErrors, run_action, save_shortcut


def ask_attachment(parent: QWidget) -> Optional[str]:
    """The file to attach (a module function so tests can answer instead of a dialog)."""
    path, _ = QFileDialog.getOpenFileName(parent, "选择附件")
    return path or None


class WorklogDialog(QDialog):
    def __init__(self, ctx: AppContext, entry_id: Optional[int] = None,
                 parent: Optional[QWidget] = None, default_kind: str = "meeting"):
        super().__init__(parent)
        self.ctx, self.entry_id = ctx, entry_id
        self.version: Optional[int] = None
        self.saved: Optional[WorklogRow] = None
        self.pending: list[str] = []  # files chosen before the entry was first saved
        self.errors = FieldErrors()
        self.setWindowTitle("编辑工作记录" if entry_id else "新增工作记录")
        self.resize(560, 620)
        self._build()
        self._load_departments()
        if entry_id is not None:
            self._load(entry_id)
        else:
            self.kind.setCurrentIndex(list(worklog.KINDS).index(default_kind))
            self.day.set_date(ctx.today())
        self._kind_changed()
        if ctx.read_only:
            self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(False)
            self.add_file.setEnabled(False)
            self.remove_file.setEnabled(False)

    def _build(self) -> None:
        self.day = DateField(lambda: self.ctx.today().year)
        self.kind = QComboBox()
        for code, label in worklog.KINDS.items():
            self.kind.addItem(label, code)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.title_edit = QLineEdit()
        self.title_edit.setMaxLength(worklog.MAX_TITLE)
        self.title_edit.setPlaceholderText("如：召开2026年第三季度政务公开工作会议")
        self.participants = QLineEdit()
        self.department = QComboBox()
        self.channel = QComboBox()
        self.channel.addItem("（请选择）", None)
        for code, label in worklog.CHANNELS.items():
            self.channel.addItem(label, code)
        self.question = QPlainTextEdit()
        self.reply = QPlainTextEdit()
        self.note = QPlainTextEdit()
        for box in (self.question, self.reply, self.note):
            box.setTabChangesFocus(True)
            box.setMaximumHeight(70)
        form = QFormLayout()
        self.errors.add_row(form, "日期", "day", self.day)
        self.errors.add_row(form, "类型", "kind", self.kind)
        self.errors.add_row(form, "名称或事由", "title", self.title_edit)
        self.errors.add_row(form, "参加人员", "participants", self.participants)
        self.errors.add_row(form, "科室", "department_id", self.department)
        self.errors.add_row(form, "渠道", "channel", self.channel)
        self.errors.add_row(form, "群众询问", "question", self.question)
        self.errors.add_row(form, "答复内容", "reply", self.reply)
        self.errors.add_row(form, "备注", "note", self.note)
        form.addRow("附件", self._files_box())
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save |
                                        QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("保存")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        save_shortcut(self, self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.errors.general)
        layout.addWidget(self.buttons)

    def _files_box(self) -> QWidget:
        box = QWidget()
        self.files = QListWidget()
        self.files.setMaximumHeight(80)
        self.add_file = QPushButton("添加附件…")
        self.add_file.clicked.connect(self.choose_file)
        self.remove_file = QPushButton("删除所选附件")
        self.remove_file.clicked.connect(self.remove_selected_file)
        buttons = QVBoxLayout()
        buttons.addWidget(self.add_file)
        buttons.addWidget(self.remove_file)
        buttons.addStretch(1)
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.files, 1)
        row.addLayout(buttons)
        return box

    def _load_departments(self) -> None:
        self.department.addItem("（不填）", None)
        with self.ctx.db.session() as s:
            for d in s.scalars(select(Department).order_by(Department.sort_order, Department.id)):
                if d.active:
                    self.department.addItem(d.name, d.id)

    def _load(self, entry_id: int) -> None:
        with self.ctx.db.session() as s:
            row = worklog.get_row(s, entry_id)
            attachments = worklog.list_attachments(s, entry_id)
        self.version = row.version
        self.day.set_date(row.day)
        self.kind.setCurrentIndex(list(worklog.KINDS).index(row.kind))
        self.title_edit.setText(row.title)
        self.participants.setText(row.participants)
        self._select(self.department, row.department_id)
        self._select(self.channel, row.channel)
        self.question.setPlainText(row.question)
        self.reply.setPlainText(row.reply)
        self.note.setPlainText(row.note)
        for a in attachments:
            item = QListWidgetItem(f"{a.filename}（{a.size_text}）")
            item.setData(Qt.ItemDataRole.UserRole, a.id)
            self.files.addItem(item)

    @staticmethod
    def _select(combo: QComboBox, value: object) -> None:
        index = combo.findData(value)
        combo.setCurrentIndex(max(index, 0))

    def _kind_changed(self, *_args: object) -> None:
        is_response = self.kind.currentData() == "response"
        for widget in (self.channel, self.question, self.reply):
            widget.setEnabled(is_response)

    def data(self) -> WorklogData:
        return WorklogData(
            day=self.day.date(), kind=self.kind.currentData(), title=self.title_edit.text(),
            participants=self.participants.text(), department_id=self.department.currentData(),
            channel=self.channel.currentData(), question=self.question.toPlainText(),
            reply=self.reply.toPlainText(), note=self.note.toPlainText(),
        )

    # --- attachments -------------------------------------------------------------------------

    def choose_file(self) -> None:
        path = ask_attachment(self)
        if path:
            self.attach(path)

    def attach(self, path: str) -> None:
        """Saved at once for an existing entry; kept until the first save for a new one."""
        if self.entry_id is None:
            self.pending.append(path)
            self.files.addItem(QListWidgetItem(f"{Path(path).name}（保存时添加）"))
            return
        try:
            with self.ctx.db.session() as s:
                info = worklog.add_attachment(s, self.ctx.db, self.ctx.actor, self.entry_id, path)
        except DeskError as exc:  # missing file, full disk …: say so, keep the dialog
            self.ctx.messages.warn(self, exc.message)
            return
        item = QListWidgetItem(f"{info.filename}（{info.size_text}）")
        item.setData(Qt.ItemDataRole.UserRole, info.id)
        self.files.addItem(item)

    def remove_selected_file(self) -> None:
        # Optional: Qt returns None with no current item; PySide6's stub leaves None out.
        item: Optional[QListWidgetItem] = self.files.currentItem()
        if item is None:
            return
        attachment_id = item.data(Qt.ItemDataRole.UserRole)
        if attachment_id is None:  # a new entry's file, not saved yet: only new entries have these
            self.pending.pop(self.files.row(item))
        else:
            if not self.ctx.messages.confirm(self, f"删除附件“{item.text()}”？"):
                return
            assert self.entry_id is not None  # a saved file belongs to a saved entry
            with self.ctx.db.session() as s:
                worklog.remove_attachment(s, self.ctx.db, self.ctx.actor, self.entry_id, attachment_id)
        self.files.takeItem(self.files.row(item))

    # --- saving --------------------------------------------------------------------------------

    def save(self) -> None:
        if self.day.state() == "bad":
            self.errors.show({"day": "日期无法识别，请写作 2026-9-3。"})
            return
        if run_action(self.errors, lambda text: self.ctx.messages.warn(self, text), self._save):
            self.accept()

    def _save(self) -> None:
        today = self.ctx.today()
        with self.ctx.db.session() as s:
            if self.entry_id is None:
                row = worklog.create_entry(s, self.ctx.actor, self.data(), today=today)
                for path in self.pending:
                    worklog.add_attachment(s, self.ctx.db, self.ctx.actor, row.id, path)
                row = worklog.get_row(s, row.id)
            else:
                assert self.version is not None
                row = worklog.update_entry(s, self.ctx.actor, self.entry_id, self.version,
                                           self.data(), today=today)
        self.saved = row
