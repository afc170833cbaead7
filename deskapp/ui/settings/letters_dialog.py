"""设置 → 依申请公开与文书: the 申请编号 prefix, the periods the office gives (补正, 缴费), where
to appeal (行政复议机关, 人民法院), and the wording of every letter: the office's text or the
default in an editor, the fields it may use beside it, 恢复默认 per template, 预览 on a sample
request. 保存 stores all of it in one transaction; a template the law would not allow (an
unknown field, no 救济途径, no article) is refused with its message under the editor, and
nothing is saved.
"""

from __future__ import annotations

from typing import Any, Optional

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from deskapp.core.errors import DeskError, ValidationError
from deskapp.core.requests import records
from deskapp.core.requests import wording as wd
from deskapp.core.store import settings
from deskapp.ui.common.context import AppContext
from deskapp.ui.common.form_kit import ERROR_COLOR, ErrorLabel, FieldErrors, hint_label, save_shortcut, spin_box
from deskapp.ui.common.pdf_preview import PreviewDialog
from deskapp.ui.settings import letters_support as sup

EDITED_MARK = "（已修改）"


class RequestPage(QWidget):
    """申请与期限: the number's prefix, the periods, where to appeal."""

    def __init__(self, ctx: AppContext, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.ctx = ctx
        self.errors = FieldErrors()
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.prefix = QLineEdit()
        self.prefix.setPlaceholderText("依申请公开")
        self.example = QLabel()
        self.example.setStyleSheet("color: #1a5fb4;")
        self.errors.add_row(form, "申请编号前缀", "request_prefix", self.prefix, self.example)
        self.prefix.textChanged.connect(self._update_example)
        self.supplement_days = spin_box(1, 60, " 个工作日", 130)
        self.errors.add_row(form, "补正期限", "supplement_days", self.supplement_days,
                            hint_label("补正告知书给申请人的补正期限（第三十条）", wrap=False))
        self.fee_payment_days = spin_box(1, 60, " 个工作日", 130)
        self.errors.add_row(form, "缴费期限", "fee_payment_days", self.fee_payment_days,
                            hint_label("收费通知后缴纳信息处理费的期限", wrap=False))
        self.review_body = QLineEdit()
        self.review_body.setPlaceholderText(f"未填写时答复书写作“{wd.REVIEW_BODY_FALLBACK}”")
        self.errors.add_row(form, "行政复议机关", wd.REVIEW_BODY_KEY, self.review_body)
        self.court = QLineEdit()
        self.court.setPlaceholderText(f"未填写时答复书写作“{wd.COURT_FALLBACK}”")
        self.errors.add_row(form, "行政诉讼人民法院", wd.COURT_KEY, self.court)
        form.addRow(hint_label("答复书的救济途径写明：收到答复书之日起60日内向行政复议机关申请行政复议，"
                               "或6个月内向人民法院提起行政诉讼。"))
        form.addRow(self.errors.general)

    def _update_example(self) -> None:
        number = records.number_of(self.prefix.text().strip(), self.ctx.today().year, 1)
        self.example.setText(f"示例：{number}")

    def load(self, values: dict[str, Any]) -> None:
        self.prefix.setText(str(values["request_prefix"] or ""))
        self.supplement_days.setValue(int(values["supplement_days"]))
        self.fee_payment_days.setValue(int(values["fee_payment_days"]))
        self.review_body.setText(str(values[wd.REVIEW_BODY_KEY] or ""))
        self.court.setText(str(values[wd.COURT_KEY] or ""))
        self._update_example()

    def plain_values(self) -> dict[str, Any]:
        return {"request_prefix": self.prefix.text(), "supplement_days": self.supplement_days.value(),
                "fee_payment_days": self.fee_payment_days.value()}

    def body_values(self) -> dict[str, str]:
        return {wd.REVIEW_BODY_KEY: self.review_body.text().strip(), wd.COURT_KEY: self.court.text().strip()}


class WordingPage(QWidget):
    """文书措辞: the templates on the left, the editor in the middle, its fields on the right."""

    def __init__(self, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.stored: dict[str, str] = {}
        self.texts: dict[str, str] = {}
        self.problems: dict[str, str] = {}  # template → the message shown under the editor
        self.current = sup.TEMPLATES[0]
        self._loading = False
        self.templates = QListWidget()
        for template in sup.TEMPLATES:
            item = QListWidgetItem(sup.template_label(template))
            item.setData(Qt.ItemDataRole.UserRole, template)
            item.setToolTip(sup.template_label(template))
            self.templates.addItem(item)
        self.templates.setMinimumWidth(260)
        self.templates.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # the whole name is the tooltip
        self.templates.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.state = QLabel()
        self.editor = QPlainTextEdit()
        self.editor.setTabChangesFocus(True)
        self.error = ErrorLabel()
        self.restore_button = QPushButton("恢复默认")
        self.preview_button = QPushButton("预览…")
        self.fields = QListWidget()
        self.fields.setToolTip("双击把字段插入光标处")
        self.fields.setMinimumWidth(210)
        self._lay_out()
        self.templates.currentRowChanged.connect(self._show_row)
        self.editor.textChanged.connect(self._edited)
        self.restore_button.clicked.connect(self.restore_default)
        self.fields.itemDoubleClicked.connect(self._insert_field)

    def _lay_out(self) -> None:
        middle = QWidget()
        column = QVBoxLayout(middle)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.state)
        column.addWidget(self.editor, 1)
        column.addWidget(self.error)
        buttons = QHBoxLayout()
        buttons.addWidget(self.restore_button)
        buttons.addStretch(1)
        buttons.addWidget(self.preview_button)
        column.addLayout(buttons)
        right = QWidget()
        side = QVBoxLayout(right)
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(QLabel("可用字段（双击插入）："))
        side.addWidget(self.fields, 1)
        side.addWidget(hint_label("每行一段；字段写作{applicant}，要印出花括号本身请连写两个。"))
        splitter = QSplitter()
        splitter.addWidget(self.templates)
        splitter.addWidget(middle)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([330, 470, 250])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

    def load(self, values: dict[str, Any]) -> None:
        self.stored = sup.stored_templates(values)
        self.texts = {t: self.stored[t] or wd.DEFAULTS[t] for t in sup.TEMPLATES}
        self.problems = {}
        for template, text in self.stored.items():  # written by another path and not usable
            if text.strip():
                try:
                    wd.check_template(template, text)
                except ValidationError as exc:
                    self.problems[template] = sup.readable(exc.message) + "打印时使用默认措辞，请修改后保存。"
        for row in range(self.templates.count()):
            self._mark(row)
        if self.templates.currentRow() == 0:
            self._show_row(0)
        else:
            self.templates.setCurrentRow(0)

    def select(self, template: str) -> None:
        self.templates.setCurrentRow(sup.TEMPLATES.index(template))

    def _show_row(self, row: int) -> None:
        if row < 0:
            return
        self.current = sup.TEMPLATES[row]
        self._loading = True
        self.editor.setPlainText(self.texts.get(self.current, ""))
        self._loading = False
        self.fields.clear()
        for name in sorted(wd.allowed_fields(self.current), key=list(wd.FIELDS).index):
            item = QListWidgetItem(f"{{{name}}}　{wd.FIELDS[name]}")
            item.setData(Qt.ItemDataRole.UserRole, name)
            self.fields.addItem(item)
        self._update_state()

    def _edited(self) -> None:
        if self._loading:
            return
        self.texts[self.current] = self.editor.toPlainText()
        self.problems.pop(self.current, None)
        self._mark(self.templates.currentRow())
        self._update_state()

    def _update_state(self) -> None:
        default = self.texts.get(self.current, "").strip() == wd.DEFAULTS[self.current].strip()
        self.state.setText(f"{sup.template_label(self.current)}：" + ("默认措辞" if default else "本机关的措辞"))
        self.restore_button.setEnabled(not default and not self.editor.isReadOnly())
        self.error.show_message(self.problems.get(self.current, ""))

    def _mark(self, row: int) -> None:
        item = self.templates.item(row)
        template = sup.TEMPLATES[row]
        edited = self.texts.get(template, "").strip() != wd.DEFAULTS[template].strip()
        item.setText(sup.template_label(template) + (EDITED_MARK if edited else ""))
        bad = template in self.problems
        item.setForeground(QBrush(QColor(ERROR_COLOR)) if bad else QBrush())
        item.setToolTip(self.problems.get(template, sup.template_label(template)))

    def restore_default(self) -> None:
        """The default text back in the editor (saved as "" with 保存: the program's default)."""
        self.editor.setPlainText(wd.DEFAULTS[self.current])

    def _insert_field(self, item: QListWidgetItem) -> None:
        if not self.editor.isReadOnly():
            self.editor.insertPlainText(f"{{{item.data(Qt.ItemDataRole.UserRole)}}}")
            self.editor.setFocus()

    def show_problems(self, fields: dict[str, str], replace: bool = True) -> None:
        """Messages keyed by setting key: each on its template, the first one shown."""
        by_key = {key: template for template, key in wd.SETTING_KEYS.items()}
        if replace:
            self.problems = {}
        self.problems.update({by_key[k]: v for k, v in fields.items() if k in by_key})
        for row in range(self.templates.count()):
            self._mark(row)
        first = next((t for t in sup.TEMPLATES if t in self.problems), None)
        if first is not None and first != self.current:
            self.select(first)
        self._update_state()

    def changes(self) -> dict[str, str]:
        return sup.letter_changes(self.stored, self.texts)

    def set_read_only(self) -> None:
        self.editor.setReadOnly(True)
        self.restore_button.setEnabled(False)


class RequestSettingsDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.ctx = ctx
        self.last_preview: Optional[PreviewDialog] = None
        self.setWindowTitle("依申请公开与文书设置")
        self.resize(1080, 680)
        self.request_page = RequestPage(ctx)
        self.wording_page = WordingPage()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.request_page, "申请与期限")
        self.tabs.addTab(self.wording_page, "文书措辞")
        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton("保存", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.wording_page.preview_button.clicked.connect(self.preview)
        save_shortcut(self, self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        note = "文书措辞改动后，此后打印的文书即按新措辞；已打印的文书不变。"
        if ctx.read_only:
            note = "台账以只读方式打开，设置不能修改（仍可预览）。"
        layout.addWidget(hint_label(note))
        layout.addWidget(self.buttons)
        with ctx.db.session() as s:
            values = settings.get_all(s)
        self.loaded = values
        self.request_page.load(values)
        self.wording_page.load(values)
        if ctx.read_only:
            self._apply_read_only()

    def _apply_read_only(self) -> None:
        for widget in self.request_page.findChildren(QWidget):
            if isinstance(widget, (QLineEdit, QSpinBox)):
                widget.setEnabled(False)
        self.wording_page.set_read_only()
        self.save_button.setEnabled(False)

    def save(self) -> None:
        """Everything in one transaction, or nothing: each problem beside its field or under
        the editor (the template with the first problem is shown)."""
        if self.ctx.read_only:
            return
        letters = {**self.request_page.body_values(), **self.wording_page.changes()}
        try:
            with self.ctx.db.session() as s:
                changed = sup.save_request_settings(s, self.ctx.actor, self.request_page.plain_values(), letters)
        except ValidationError as exc:
            self._refused(exc.fields)
            return
        except DeskError as exc:
            self._warn(exc.message)
            return
        self.request_page.errors.clear()
        self.wording_page.show_problems({})
        if changed:
            self.ctx.bus.settings_changed.emit()
        self.accept()

    def has_changes(self) -> bool:
        """Anything typed that 保存 would store."""
        if self.wording_page.changes():
            return True
        shown = {**self.request_page.plain_values(), **self.request_page.body_values()}
        shown["request_prefix"] = str(shown["request_prefix"]).strip()
        return any(shown[k] != self.loaded[k] for k in shown)

    def reject(self) -> None:
        """取消 / Esc: edits are not thrown away without asking."""
        if (not self.ctx.read_only and self.has_changes()
                and not self.ctx.messages.confirm(self, "有尚未保存的修改，关闭后将丢失。确定不保存就关闭吗？")):
            return
        super().reject()

    def _refused(self, fields: dict[str, str]) -> None:
        """A template's message under the editor (that template shown), the others beside
        their fields; the page with the first problem comes to the front."""
        template_keys = set(wd.SETTING_KEYS.values())
        on_page = {k: v for k, v in fields.items() if k not in template_keys}
        self.request_page.errors.show(on_page)
        self.wording_page.show_problems({k: v for k, v in fields.items() if k in template_keys})
        self.tabs.setCurrentWidget(self.request_page if on_page else self.wording_page)

    def preview(self) -> None:
        """The letter the shown template is printed in, for a sample request, as the editor
        has it now (saved or not); a text that would be refused is not previewed."""
        page = self.wording_page
        try:
            with self.ctx.db.session() as s:
                result = sup.sample_letter(s, page.current, self.ctx.today(), page.texts,
                                           self.request_page.review_body.text(), self.request_page.court.text())
        except ValidationError as exc:
            page.show_problems(exc.fields, replace=False)
            return
        except DeskError as exc:
            self._warn(exc.message)
            return
        dialog = PreviewDialog(result.data, f"{sup.template_label(page.current)}（示例）", result.messages(), self)
        self.last_preview = dialog
        dialog.show()

    def _warn(self, text: str) -> None:
        self.ctx.messages.warn(self, text)
