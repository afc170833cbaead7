"""The edit form of one 公开目录 entry, with every column of the standard catalogue."""

from __future__ import annotations

from typing import Optional

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from deskapp.core.register import catalogue as cat
from deskapp.core.store.vocab import CHANNELS
from deskapp.ui.common.form_kit import CheckGrid, FieldErrors, hint_label

TOP_LEVEL = "（无，作为一级事项）"


def _text_box(height: int, placeholder: str) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setFixedHeight(height)
    box.setPlaceholderText(placeholder)
    box.setTabChangesFocus(True)
    return box


def _combo(values: list[str]) -> QComboBox:
    combo = QComboBox()
    combo.addItems(values)
    return combo


class EntryForm(QWidget):
    """Shows an EntryData and gives it back; ``changed`` on every edit the user makes."""

    changed = Signal()

    def __init__(self, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.errors = FieldErrors()
        self._loading = False
        self.parent_combo = QComboBox()
        self.code = QLineEdit()
        self.code.setPlaceholderText("留空则自动编号")
        self.code.setMaximumWidth(140)
        self.name = QLineEdit()
        self.content = _text_box(64, "如：机构职能、内设机构、办公地址、办公时间、联系方式、负责人姓名")
        self.basis = _text_box(52, "如：《中华人民共和国政府信息公开条例》第二十条")
        self.days = QSpinBox()
        self.days.setRange(cat.MIN_DAYS, cat.MAX_DAYS)
        self.days.setSuffix(" 个工作日")
        self.days.setMinimumWidth(120)
        self.days_text = QLineEdit()
        self.subject = QLineEdit()
        self.subject.setPlaceholderText("如 城南街道办事处")
        self.channels = CheckGrid([(c, c) for c in CHANNELS], columns=3)
        self.audience = _combo(cat.AUDIENCES)
        self.method = _combo(cat.METHODS)
        self.layer = _combo(cat.LAYERS)
        self.sort_order = QSpinBox()
        self.sort_order.setRange(0, 9999)
        self.sort_order.setMaximumWidth(120)
        self.state = hint_label("")
        self._build()
        self._previous_days = self.days.value()
        self.days.valueChanged.connect(self._days_changed)
        self._connect_changes()

    def _build(self) -> None:
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        add = self.errors.add_row
        add(form, "上级事项", "parent_id", self.parent_combo)
        add(form, "序号", "code", self.code)
        add(form, "事项名称*", "name", self.name)
        add(form, "公开内容（要素）", "content_elements", self.content)
        add(form, "公开依据", "basis", self.basis)
        add(form, "公开时限", "time_limit_days", self.days, hint_label("自形成或变更之日起计算", wrap=False))
        add(form, "时限说明", "time_limit_text", self.days_text)
        add(form, "公开主体", "subject", self.subject)
        add(form, "公开渠道和载体", "channels", self.channels)
        line = QWidget()
        row = QHBoxLayout(line)
        row.setContentsMargins(0, 0, 0, 0)
        for text, combo in (("", self.audience), ("公开方式", self.method), ("公开层级", self.layer)):
            if text:
                row.addSpacing(12)
                row.addWidget(QLabel(text))
            row.addWidget(combo)
        row.addStretch(1)
        add(form, "公开对象", "audience", line)
        for key in ("method", "layer"):  # their messages go under the same line
            self.errors.labels[key] = self.errors.labels["audience"]
            self.errors.widgets[key] = getattr(self, key)
        add(form, "排序号", "sort_order", self.sort_order)
        form.addRow("状态", self.state)
        form.addRow(self.errors.general)

    def _connect_changes(self) -> None:
        for edit in (self.code, self.name, self.days_text, self.subject):
            edit.textChanged.connect(self._emit)
        for box in (self.content, self.basis):
            box.textChanged.connect(self._emit)
        for combo in (self.parent_combo, self.audience, self.method, self.layer):
            combo.currentIndexChanged.connect(self._emit)
        self.sort_order.valueChanged.connect(self._emit)
        self.channels.changed.connect(self._emit)

    def _emit(self, *_args: object) -> None:
        if not self._loading:
            self.changed.emit()

    def _days_changed(self, days: int) -> None:
        # Keep the standard wording in step with the number, as core does on save.
        text = self.days_text.text().strip()
        if not text or text == cat.standard_time_limit_text(self._previous_days):
            self.days_text.setText(cat.standard_time_limit_text(days))
        self._previous_days = days
        self._emit()

    def set_parents(self, parents: list[cat.EntryRow], own_id: Optional[int]) -> None:
        self.parent_combo.blockSignals(True)
        self.parent_combo.clear()
        self.parent_combo.addItem(TOP_LEVEL, None)
        for p in parents:
            if p.id != own_id:
                self.parent_combo.addItem(p.name + ("" if p.active else "（已停用）"), p.id)
        self.parent_combo.blockSignals(False)

    def load(self, data: cat.EntryData, state: str) -> None:
        self._loading = True
        self.parent_combo.setCurrentIndex(max(self.parent_combo.findData(data.parent_id), 0))
        self.code.setText(data.code)
        self.name.setText(data.name)
        self.content.setPlainText(data.content_elements)
        self.basis.setPlainText(data.basis)
        self._previous_days = data.time_limit_days
        self.days.setValue(data.time_limit_days)
        self.days_text.setText(data.time_limit_text or cat.standard_time_limit_text(data.time_limit_days))
        self.subject.setText(data.subject)
        self.channels.set_checked(data.channels)
        for combo, value in ((self.audience, data.audience), (self.method, data.method), (self.layer, data.layer)):
            index = combo.findText(value)
            if index < 0:  # a value from an older catalogue: shown, so saving does not lose it
                combo.addItem(value)
                index = combo.count() - 1
            combo.setCurrentIndex(index)
        self.sort_order.setValue(data.sort_order or 0)
        self.state.setText(state)
        self.errors.clear()
        self._loading = False

    def data(self, active: bool) -> cat.EntryData:
        return cat.EntryData(
            parent_id=self.parent_combo.currentData(), code=self.code.text(), name=self.name.text(),
            content_elements=self.content.toPlainText(), basis=self.basis.toPlainText(),
            time_limit_days=self.days.value(), time_limit_text=self.days_text.text(),
            subject=self.subject.text(), channels=self.channels.checked(),
            audience=self.audience.currentText(), method=self.method.currentText(),
            layer=self.layer.currentText(), sort_order=self.sort_order.value(), active=active,
        )
