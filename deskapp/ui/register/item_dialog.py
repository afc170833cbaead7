"""新增 / 编辑 one disclosure item.

Opened by the register tab as ``ItemDialog(ctx, item_id, parent).exec()`` (``item_id``
None for a new item). Validation is core's ``register.validate``: each message appears in
red next to its field and nothing is saved until all are right. Saving runs in ONE
transaction (the item, then its attachments); an edit made on a version somebody else has
since saved is refused and overwrites nothing: the 保存冲突 dialog shows both versions (who
saved theirs, when) and the user takes theirs, saves over it, or goes back to editing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Optional

from PySide6.QtCore import QSettings, QSize, Qt
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from deskapp import APP_ID
from deskapp.core.attachments import files
from deskapp.core.calendar.workdays import PROVISIONAL_NOTE, WorkCalendar
from deskapp.core.errors import ConcurrentEditError, DeskError, ValidationError
from deskapp.core.register import item_form
from deskapp.core.register import items as register
from deskapp.core.register.conflict import ConflictRow, conflict_rows
from deskapp.core.register.items import ItemData
from deskapp.core.store.vocab import STATUSES
from deskapp.ui.common.context import AppContext
from deskapp.ui.common.form_kit import ERROR_COLOR, ErrorLabel
from deskapp.ui.register.conflict_dialog import MINE, THEIRS, ConflictDialog
from deskapp.ui.register.interpretation_picker import InterpretationField
from deskapp.ui.register.item_fields import ChannelChecks, OptionalDateEdit
from deskapp.ui.register.item_form_view import ItemFormView

DEFAULT_SIZE = QSize(940, 680)
SETTINGS_KEY = "item_dialog/size"
WEEKDAYS = "一二三四五六日"


def _settings() -> QSettings:
    return QSettings(APP_ID, APP_ID)


class ItemDialog(QDialog):
    def __init__(self, ctx: AppContext, item_id: Optional[int] = None,
                 parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.ctx = ctx
        self.item_id = item_id
        self.saved_item_id: Optional[int] = None
        self.read_only = ctx.read_only
        self._failed = False
        self._loading = True
        self._end_auto = False  # the 公示期 end was computed, not typed: recompute it
        self._computing_end = False
        try:
            self._load_from_database()
        except DeskError as exc:  # the item was deleted meanwhile: say so, open nothing
            self._failed = True
            ctx.messages.warn(parent, str(exc))
            return
        self._build()
        self.form.load(self._base, self._snapshot.interpretation_label if self._snapshot else "")
        self.form.attachments.load(self._attachments)
        self.form.set_read_only(self.read_only)
        self._connect()
        self._loading = False
        self._prev_catalogue = self._base.catalogue_id
        self._update_due()
        self.form.refresh_files_title()
        self._initial = self.form.collect(self._base)
        self._restore_size()

    # --- loading and layout ------------------------------------------------------------------

    def _load_from_database(self) -> None:
        with self.ctx.db.session() as s:
            self._snapshot = item_form.load_item(s, self.item_id) if self.item_id else None
            self._base = self._snapshot.data if self._snapshot else ItemData(kind="工作动态")
            self._choices = item_form.load_choices(s, self._base)
            self._cal = WorkCalendar.load(s)
            self._attachments = files.list_attachments(s, self.item_id) if self.item_id else []

    def _build(self) -> None:
        snap = self._snapshot
        if snap is None:
            self.setWindowTitle("新增信息")
            header_text = "新登记的信息，保存时自动编排索引号。"
        else:
            self.setWindowTitle(f"{'查看' if self.read_only else '编辑'}信息 — {snap.index_no}")
            header_text = f"索引号 {snap.index_no}　　状态：{STATUSES.get(snap.status, snap.status)}"
        if self.read_only:
            header_text += "　　（只读，不能修改）"
        self.header = QLabel(header_text)
        self.banner = ErrorLabel()
        self.banner.setStyleSheet(f"color: {ERROR_COLOR}; font-weight: bold;")
        self.form = ItemFormView(self.ctx, self._choices)
        buttons = QDialogButtonBox()
        if self.read_only:
            self.save_button = None
            buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        else:
            self.save_button = buttons.addButton("保存", QDialogButtonBox.ButtonRole.AcceptRole)
            self.save_button.setToolTip("保存（Ctrl+S）")
            buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
            QShortcut(QKeySequence.StandardKey.Save, self, self.save)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.banner)
        layout.addWidget(self.form, 1)
        layout.addWidget(buttons)

    def _connect(self) -> None:
        f = self.form.field
        for name in ("formed_on", "changed_on"):
            f(name, OptionalDateEdit).changed.connect(self._update_due)
        f("attribute", QComboBox).currentIndexChanged.connect(self._on_attribute)
        f("catalogue_id", QComboBox).currentIndexChanged.connect(self._on_catalogue)
        f("kind", QComboBox).currentIndexChanged.connect(lambda _i: self.form.sync_enabled(self.read_only))
        f("doc_no", QLineEdit).editingFinished.connect(self._normalize_doc_no)
        f("notice_start", OptionalDateEdit).changed.connect(self._notice_inputs_changed)
        f("notice_days", QSpinBox).valueChanged.connect(self._notice_inputs_changed)
        f("notice_day_kind", QComboBox).currentIndexChanged.connect(self._notice_inputs_changed)
        f("notice_end", OptionalDateEdit).changed.connect(self._notice_end_edited)
        self.form.compute_end_button.clicked.connect(lambda: self.compute_notice_end(explicit=True))
        self.form.attachments.changed.connect(self.form.refresh_files_title)
        f("interpretation_id", InterpretationField).exclude_id = self.item_id

    # --- live behaviour ----------------------------------------------------------------------

    def field(self, name: str) -> QWidget:
        """A field's widget (for the register tab's shortcuts and for tests)."""
        return self.form.fields[name]

    def _normalize_doc_no(self) -> None:
        edit = self.form.field("doc_no", QLineEdit)
        normal = register.normalize_doc_no(edit.text()) or ""
        if normal != edit.text():
            edit.setText(normal)

    def _on_attribute(self, _index: int) -> None:
        self.form.sync_enabled(self.read_only)
        self._update_due()

    def _on_catalogue(self, _index: int) -> None:
        """Pre-tick the entry's channels, unless the user has ticked others by hand."""
        if self._loading:
            return
        entry_id = self.form.field("catalogue_id", QComboBox).currentData()
        new = self._choices.catalogue_entry(entry_id)
        old = self._choices.catalogue_entry(self._prev_catalogue)
        self._prev_catalogue = entry_id
        checks = self.form.field("channels", ChannelChecks)
        current = checks.channels()
        untouched = not current or (old is not None and set(current) == set(old.channels))
        if new is not None and new.channels and untouched:
            checks.set_channels(new.channels)
        self._update_due()

    def _update_due(self) -> None:
        """公开期限 as the fields stand now, with its explanation (Art. 26)."""
        if self._loading:
            return
        data = self.form.collect(self._base)
        view = self.form
        view.due_provisional.hide()
        if data.attribute != "active":
            view.due_label.setText("不计算")
            view.due_explain.setText("依申请公开、不予公开的信息没有主动公开期限。")
            return
        if data.formed_on is None:
            view.due_label.setText("—")
            view.due_explain.setText("填写形成日期后自动计算。")
            return
        with self.ctx.db.session() as s:
            due = register.due_for(s, self._cal, data)
        assert due is not None
        basis = "变更" if data.changed_on else "形成"
        view.due_label.setText(f"{due.due.isoformat()}（星期{WEEKDAYS[due.due.weekday()]}，"
                               f"{basis}后{due.days}个工作日内）")
        explain = due.explain()
        if due.provisional:
            # Said once, in amber, rather than again at the end of the explanation.
            explain = explain.split("；该年度节假日安排未录入")[0]
            view.due_provisional.setText(f"⚠ {PROVISIONAL_NOTE}（该年度节假日安排尚未录入）")
            view.due_provisional.show()
        view.due_explain.setText(explain)

    def _notice_inputs_changed(self, *_args: object) -> None:
        if self._loading:
            return
        if self._end_auto or self.form.field("notice_end", OptionalDateEdit).date() is None:
            self.compute_notice_end(explicit=False)

    def _notice_end_edited(self) -> None:
        if not self._computing_end:
            self._end_auto = False

    def compute_notice_end(self, explicit: bool = True) -> Optional[dt.date]:
        """公示期 end from its start and days (calendar or working days, setting by default)."""
        f = self.form.field
        start = f("notice_start", OptionalDateEdit).date()
        if start is None:
            if explicit:
                self.form.errors["notice_start"].show_message("请先填写公示开始日期。")
            return None
        self.form.errors["notice_start"].show_message("")
        days = f("notice_days", QSpinBox).value() or self._choices.notice_days
        kind = f("notice_day_kind", QComboBox).currentData() or self._choices.notice_day_kind
        end = item_form.notice_end(self._cal, start, days, kind)
        self._computing_end = True
        try:
            f("notice_end", OptionalDateEdit).setDate(end)
        finally:
            self._computing_end = False
        self._end_auto = True
        return end

    # --- saving ------------------------------------------------------------------------------

    def is_dirty(self) -> bool:
        if self._failed or self.read_only:
            return False
        return self.form.collect(self._base) != self._initial or self.form.attachments.is_dirty()

    def save(self) -> bool:
        """Validate, then save the item and its attachments in one transaction."""
        if self.read_only or self._failed:
            return False
        self._normalize_doc_no()
        data = self.form.collect(self._base)
        self.form.clear_errors()
        self.banner.show_message("")
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # attachments may be large
        try:
            register.validate(data, self.ctx.today())  # show every field's problem at once
            with self.ctx.db.session() as s:
                if self.item_id is None:
                    item = register.create_item(s, self.ctx.actor, data, today=self.ctx.today())
                else:
                    assert self._snapshot is not None
                    item = register.update_item(s, self.ctx.actor, self.item_id,
                                                self._snapshot.version, data, today=self.ctx.today())
                self.form.attachments.apply(s, item.id)
                saved_id = item.id
        except ValidationError as exc:
            self._show_errors(exc.fields)
            return False
        except ConcurrentEditError as exc:
            return self._resolve_conflict(exc, data)
        except DeskError as exc:
            self.ctx.messages.warn(self, str(exc))
            return False
        finally:
            QApplication.restoreOverrideCursor()
        self.saved_item_id = saved_id
        self.ctx.bus.items_changed.emit()
        self.accept()
        return True

    def ask_conflict(self, error: ConcurrentEditError, rows: list[ConflictRow]) -> str:
        """Theirs, mine or back to editing (conflict_dialog.THEIRS/MINE/EDIT); tests replace it."""
        dialog = ConflictDialog(error, rows, self)
        dialog.exec()
        return dialog.choice

    def _resolve_conflict(self, error: ConcurrentEditError, typed: ItemData) -> bool:
        """Another desk saved this item first: show both versions, keep what was typed, and
        do what the user chooses. Without the stored fields (the item was deleted, or the
        error came from the flush), say so and keep the form as typed."""
        if not error.stored or self._snapshot is None or error.stored_version is None:
            self.banner.show_message(str(error))
            self.ctx.messages.warn(self, str(error))
            return False
        with self.ctx.db.session() as s:
            rows = conflict_rows(s, error.stored, typed)
        choice = self.ask_conflict(error, rows)
        if choice == THEIRS:
            self._take_stored()
            self.banner.show_message("已换成对方保存的版本；如需修改，请在此基础上修改后保存。")
            return False
        # Mine, or back to editing: the user has now seen the stored version, so the next save
        # is made on it (and saves over it, recorded in the audit log as a second change).
        self._snapshot = dataclasses.replace(self._snapshot, version=error.stored_version)
        if choice == MINE:
            return self.save()
        self.banner.show_message("您填写的内容都还在；再保存将覆盖对方的修改。")
        return False

    def _take_stored(self) -> None:
        """The form shows the item as stored now (attachments too), and that is its start."""
        try:
            self._loading = True
            self._load_from_database()
            assert self._snapshot is not None
            self.form.load(self._base, self._snapshot.interpretation_label)
            self.form.attachments.load(self._attachments)
        except DeskError as exc:  # deleted meanwhile
            self.ctx.messages.warn(self, str(exc))
            return
        finally:
            self._loading = False
        self._update_due()
        self.form.refresh_files_title()
        self._initial = self.form.collect(self._base)

    def _show_errors(self, errors: dict[str, str]) -> None:
        unplaced = self.form.show_errors(errors)
        placed = len(errors) - len(unplaced)
        text = f"有 {placed} 处需要修改，见各栏下方的红字说明；改好后再保存。" if placed else ""
        self.banner.show_message("".join([text, *unplaced]))

    # --- closing -----------------------------------------------------------------------------

    def exec(self) -> int:
        if self._failed:
            return int(QDialog.DialogCode.Rejected)
        return super().exec()

    def reject(self) -> None:
        """Esc, 取消 or the window's ✕: ask before throwing away unsaved changes."""
        if self.is_dirty() and not self.ctx.messages.confirm(
            self, "有尚未保存的修改，确定放弃这些修改吗？", "放弃修改"
        ):
            return
        super().reject()

    def done(self, result: int) -> None:
        if not self._failed:
            _settings().setValue(SETTINGS_KEY, self.size())
        super().done(result)

    def _restore_size(self) -> None:
        size = _settings().value(SETTINGS_KEY, DEFAULT_SIZE)
        if not isinstance(size, QSize) or not size.isValid():
            size = DEFAULT_SIZE
        screen = QGuiApplication.primaryScreen()
        if screen is not None:  # never larger than the screen this PC has
            room = screen.availableGeometry().size()
            size = size.boundedTo(QSize(room.width() - 20, room.height() - 40))
        self.resize(size)
