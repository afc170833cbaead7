"""设置 → 机构与人员: the organisation's details and the 错敏词 list (saved with 保存 / Ctrl+S /
Enter), and the departments and people (each change saved as it is made, in its own small dialog)."""

from __future__ import annotations

from typing import Any, Optional

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from deskapp.core.register import org
from deskapp.core.store import settings
from deskapp.core.store.vocab import NOTICE_DAY_KINDS
from deskapp.ui.common.context import AppContext
from deskapp.ui.common.form_kit import FieldErrors, busy, hint_label, run_action, save_shortcut, spin_box
from deskapp.ui.settings.org_pages import DepartmentsPage, PeoplePage

EXAMPLE_SERIAL = 123
TEXT_FIELDS = [  # key, label, placeholder
    ("org_name", "机关名称", "如 城南街道办事处"),
    ("index_prefix", "索引号前缀", "如 11330802002594XXXX（统一社会信用代码）"),
    ("address", "办公地址", ""),
    ("office_hours", "办公时间", ""),
    ("phone", "监督电话", "如 0573-88881234"),
    ("fax", "传真", ""),
    ("email", "电子邮箱", "如 gkb@example.gov.cn"),
]


class OrgPage(QWidget):
    """机构信息: what the 公开指南 and every notice print, and the desk's defaults."""

    def __init__(self, ctx: AppContext, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.ctx = ctx
        self.errors = FieldErrors()
        self.edits: dict[str, QLineEdit] = {}
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for key, text, placeholder in TEXT_FIELDS:
            edit = QLineEdit()
            edit.setPlaceholderText(placeholder)
            self.edits[key] = edit
            if key == "index_prefix":
                self._add_index_rows(form, edit)
            else:
                self.errors.add_row(form, text + ("*" if key == "org_name" else ""), key, edit)
        self._add_default_rows(form)
        form.addRow(self.errors.general)

    def _add_index_rows(self, form: QFormLayout, prefix: QLineEdit) -> None:
        self.errors.add_row(form, "索引号前缀", "index_prefix", prefix)
        self.serial_width = spin_box(3, 8, " 位")
        self.example = QLabel()
        self.example.setStyleSheet("color: #1a5fb4;")
        self.errors.add_row(form, "流水号位数", "serial_width", self.serial_width, self.example)
        prefix.textChanged.connect(self._update_example)
        self.serial_width.valueChanged.connect(self._update_example)

    def _add_default_rows(self, form: QFormLayout) -> None:
        self.notice_days = spin_box(1, 90, " 天")
        self.notice_day_kind = QComboBox()
        for code, text in NOTICE_DAY_KINDS.items():
            self.notice_day_kind.addItem(text, code)
        self.errors.add_row(form, "默认公示期", "notice_days", self.notice_days, self.notice_day_kind)
        self.errors.widgets["notice_day_kind"] = self.notice_day_kind
        self.errors.labels["notice_day_kind"] = self.errors.labels["notice_days"]
        self.default_time_limit = spin_box(1, 60, " 个工作日")
        self.errors.add_row(form, "默认公开时限", "default_time_limit", self.default_time_limit,
                            hint_label("目录条目未定时限时使用", wrap=False))
        self.due_soon = spin_box(0, 15, " 个工作日")
        self.errors.add_row(form, "即将到期提醒", "due_soon_workdays", self.due_soon,
                            hint_label("到期前这么多个工作日内标为“即将到期”", wrap=False))
        self.annual_report_due = QLineEdit()
        self.annual_report_due.setMaximumWidth(110)
        self.annual_report_due.setPlaceholderText("01-31")
        self.errors.add_row(form, "年报报送期限", "annual_report_due", self.annual_report_due,
                            hint_label("每年的“月-日”", wrap=False))

    def _update_example(self) -> None:
        prefix = self.edits["index_prefix"].text().strip() or "（前缀）"
        serial = f"{EXAMPLE_SERIAL:0{self.serial_width.value()}d}"
        self.example.setText(f"示例：{prefix}/{self.ctx.today().year}-{serial}")

    def load(self, values: dict[str, Any]) -> None:
        for key, edit in self.edits.items():
            edit.setText(str(values.get(key) or ""))
        self.serial_width.setValue(int(values["serial_width"]))
        self.notice_days.setValue(int(values["notice_days"]))
        index = self.notice_day_kind.findData(values["notice_day_kind"])
        self.notice_day_kind.setCurrentIndex(max(index, 0))
        self.default_time_limit.setValue(int(values["default_time_limit"]))
        self.due_soon.setValue(int(values["due_soon_workdays"]))
        self.annual_report_due.setText(str(values["annual_report_due"]))
        self._update_example()

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {key: edit.text() for key, edit in self.edits.items()}
        values.update(
            serial_width=self.serial_width.value(),
            notice_days=self.notice_days.value(),
            notice_day_kind=self.notice_day_kind.currentData(),
            default_time_limit=self.default_time_limit.value(),
            due_soon_workdays=self.due_soon.value(),
            annual_report_due=self.annual_report_due.text().strip(),
        )
        return values


class WordsPage(QWidget):
    """错敏词: the publication check's word list (core.privacy.check), one entry a line."""

    def __init__(self, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.edit = QPlainTextEdit()
        layout = QVBoxLayout(self)
        layout.addWidget(hint_label("每行一个：“错词→正确写法”（如 布署→部署、旧机构名→新机构名），"
                                    "或只写要提醒的词（如 内部资料）。审核签发的“发布前检查”会在标题和正文中查找。"))
        layout.addWidget(self.edit)

    def load(self, values: dict[str, Any]) -> None:
        self.edit.setPlainText("\n".join(values["sensitive_words"]))

    def values(self) -> dict[str, Any]:
        return {"sensitive_words": self.edit.toPlainText()}


class SettingsDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("机构与人员设置")
        self.resize(860, 620)
        self.org_page = OrgPage(ctx)
        self.departments_page = DepartmentsPage(ctx)
        self.people_page = PeoplePage(ctx)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.org_page, "机构信息")
        self.tabs.addTab(self.departments_page, "科室")
        self.tabs.addTab(self.people_page, "人员")
        self.words_page = WordsPage()
        self.tabs.addTab(self.words_page, "错敏词")
        self.departments_page.changed.connect(self.people_page.refresh)
        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton("保存", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        save_shortcut(self, self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        note = "科室和人员的增改即时生效；“保存”保存机构信息。"
        if ctx.read_only:
            note = "台账以只读方式打开，设置不能修改。"
        layout.addWidget(hint_label(note))
        layout.addWidget(self.buttons)
        with ctx.db.session() as s:
            values = settings.get_all(s)
            self.org_page.load(values)
            self.words_page.load(values)
        self._apply_read_only()

    def _apply_read_only(self) -> None:
        if not self.ctx.read_only:
            return
        for widget in self.org_page.findChildren(QWidget):
            if isinstance(widget, (QLineEdit, QSpinBox, QComboBox)):
                widget.setEnabled(False)
        self.words_page.edit.setReadOnly(True)
        self.save_button.setEnabled(False)

    def save(self) -> None:
        """Save the organisation's details; nothing is saved until every field is right."""
        if self.ctx.read_only:
            return
        result: list[org.SettingsSaved] = []

        def action() -> None:
            with busy(), self.ctx.db.session() as s:
                changes = {**self.org_page.values(), **self.words_page.values()}
                result.append(org.save_settings(s, self.ctx.actor, changes))

        if not run_action(self.org_page.errors, self._warn, action):
            self.tabs.setCurrentWidget(self.org_page)
            return
        saved = result[0]
        if saved.changed:
            self.ctx.bus.settings_changed.emit()
        if saved.deadlines_changed:
            self.ctx.bus.items_changed.emit()
            self.ctx.messages.info(self, f"默认公开时限已改，重新计算了 {saved.deadlines_changed} 条信息的公开期限。")
        self.accept()

    def _warn(self, text: str) -> None:
        self.ctx.messages.warn(self, text)
