"""The 录入 and 正文 tabs of the annual report window.

- :class:`InputsForm`: the figures kept by other systems (规章, 行政许可, 行政处罚, 行政强制,
  收费) each with its 来源说明, and the 上年结转 typed once by hand for a desk new this year.
  An empty count is "not entered yet" (None), not 0, so counts are text fields; a count that is
  no number gets the core's own wording next to it.
- :class:`TextsForm`: sections 一、五、六, prefilled with the report's texts; 恢复草稿 puts
  the draft back, and a section left equal to its draft is saved empty so it keeps following
  the figures.
"""

from __future__ import annotations

from typing import Optional

from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from deskapp.core.errors import ValidationError
from deskapp.core.reports.annual import AnnualReport
from deskapp.core.reports.annual_labels import APPLICANT_COLUMNS, COLUMN_LABEL, SECTION_TITLES, TEXT_KEYS
from deskapp.core.reports.annual_store import COUNT_LABELS, AnnualInputs
from deskapp.ui.common.form_kit import FieldErrors, hint_label

# (value field, label, note field) in the form's order; the three 规章 figures share a note.
COUNT_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("regulation_issued", "规章 本年制发件数", "regulation_note"),
    ("regulation_repealed", "规章 本年废止件数", "regulation_note"),
    ("regulation_in_force", "规章 现行有效件数", "regulation_note"),
    ("permits", "行政许可 本年处理决定数量", "permits_note"),
    ("penalties", "行政处罚 本年处理决定数量", "penalties_note"),
    ("coercions", "行政强制 本年处理决定数量", "coercions_note"),
)
NOTE_LABELS = {"regulation_note": "规章 来源说明", "permits_note": "行政许可 来源说明",
               "penalties_note": "行政处罚 来源说明", "coercions_note": "行政强制 来源说明",
               "fees_note": "收费 来源说明"}
NOTE_HINT = "如：区市场监管局行政审批系统导出（2026年1月8日）"
MAX_CARRIED = 1_000_000


def _count_text(value: Optional[int]) -> str:
    return "" if value is None else str(value)


class InputsForm(QWidget):
    """The year's outside figures; :meth:`inputs` reads them (ValidationError when a count is
    no number), :meth:`load` shows what is stored."""

    def __init__(self, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.errors = FieldErrors()
        self.counts: dict[str, QLineEdit] = {}
        self.notes: dict[str, QLineEdit] = {}
        figures = QGroupBox("表二中由其他系统统计的数字（空着表示尚未录入；没有的填 0）")
        form = QFormLayout(figures)
        for name, label, note in COUNT_FIELDS:
            edit = QLineEdit()
            edit.setPlaceholderText("未录入")
            edit.setMaximumWidth(120)
            self.counts[name] = edit
            self.errors.add_row(form, label + "：", name, edit)
            if name in ("regulation_in_force", "permits", "penalties", "coercions"):
                self._note_row(form, note)
        self.fees = QLineEdit()
        self.fees.setPlaceholderText("未录入")
        self.fees.setMaximumWidth(120)
        self.errors.add_row(form, "行政事业性收费 本年收费金额：", "fees", self.fees, QLabel("万元"))
        self._note_row(form, "fees_note")
        form.addRow(hint_label("规章由省级和设区的市级人民政府制定，街道、乡镇不填即按 0 计。"))
        layout = QVBoxLayout(self)
        layout.addWidget(figures)
        layout.addWidget(self._carried_box())
        layout.addWidget(self.errors.general)
        buttons = QHBoxLayout()
        self.save_button = QPushButton("保存录入")
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addStretch(1)

    def _note_row(self, form: QFormLayout, note: str) -> None:
        edit = QLineEdit()
        edit.setPlaceholderText(NOTE_HINT)
        self.notes[note] = edit
        self.errors.add_row(form, NOTE_LABELS[note] + "：", note, edit)

    def _carried_box(self) -> QGroupBox:
        box = QGroupBox("表三 二、上年结转政府信息公开申请数量")
        self.use_register = QCheckBox("使用台账中的上年结转（上年的申请已在本台账登记）")
        self.use_register.setChecked(True)
        self.use_register.toggled.connect(self._carried_enabled)
        self.carried: dict[str, QSpinBox] = {}
        spins = QWidget()
        grid = QGridLayout(spins)
        grid.setContentsMargins(0, 0, 0, 0)
        for c, column in enumerate((*APPLICANT_COLUMNS, "total")):
            spin = QSpinBox()
            spin.setRange(0, MAX_CARRIED)
            grid.addWidget(QLabel(COLUMN_LABEL[column]), 0, c)
            grid.addWidget(spin, 1, c)
            if column == "total":
                spin.setReadOnly(True)
                spin.setButtonSymbols(QSpinBox.ButtonSymbols.NoButtons)
                spin.setToolTip("六列之和")
                self.carried_total = spin
            else:
                spin.valueChanged.connect(self._sum_carried)
                self.carried[column] = spin
        self.carried_note = QLineEdit()
        self.carried_note.setPlaceholderText("如：按2025年度报告表三“四、结转下年度继续办理”填写")
        layout = QVBoxLayout(box)
        layout.addWidget(self.use_register)
        layout.addWidget(hint_label("新启用本台账、上年的申请未登记时，取消勾选并按上年年度报告表三第四项逐列填写。"))
        layout.addWidget(self.errors.wrap("carried_in", spins))
        note = QFormLayout()
        self.errors.add_row(note, "来源说明：", "carried_in_note", self.carried_note)
        layout.addLayout(note)
        self._carried_enabled(True)
        return box

    def _carried_enabled(self, use_register: bool) -> None:
        for spin in self.carried.values():
            spin.setEnabled(not use_register)
        self.carried_total.setEnabled(not use_register)
        self.carried_note.setEnabled(not use_register)

    def _sum_carried(self) -> None:
        self.carried_total.setValue(sum(s.value() for s in self.carried.values()))

    # --- reading and showing ----------------------------------------------------------------------

    def load(self, data: AnnualInputs) -> None:
        self.errors.clear()
        for name, edit in self.counts.items():
            edit.setText(_count_text(getattr(data, name)))
        for name, edit in self.notes.items():
            edit.setText(str(getattr(data, name) or ""))
        self.fees.setText(data.fees or "")
        self.use_register.setChecked(data.carried_in is None)
        for column, spin in self.carried.items():
            spin.setValue(int((data.carried_in or {}).get(column, 0)))
        self.carried_note.setText(data.carried_in_note)

    def inputs(self) -> AnnualInputs:
        """What the form says; ValidationError (field keys as save_inputs uses) for counts that
        are no whole number. Negative numbers pass through for the core to refuse."""
        data = AnnualInputs()
        bad: dict[str, str] = {}
        for name, edit in self.counts.items():
            text = edit.text().strip().replace(",", "").replace("，", "")
            if not text:
                continue
            try:
                setattr(data, name, int(text))
            except ValueError:
                bad[name] = f"{COUNT_LABELS[name]}请填写不小于0的整数。"
        if bad:
            raise ValidationError(bad)
        for name, edit in self.notes.items():
            setattr(data, name, edit.text())
        data.fees = self.fees.text() or None
        if not self.use_register.isChecked():
            data.carried_in = {c: s.value() for c, s in self.carried.items()}
            data.carried_in_note = self.carried_note.text()
        return data

    def set_editable(self, editable: bool) -> None:
        for edit in [*self.counts.values(), *self.notes.values(), self.fees, self.carried_note]:
            edit.setReadOnly(not editable)
        self.use_register.setEnabled(editable)
        for spin in self.carried.values():
            spin.setReadOnly(not editable)
        self.save_button.setEnabled(editable)


class TextsForm(QWidget):
    """Sections 一、五、六 as editable text, with the drafts to go back to."""

    def __init__(self, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.drafts: dict[str, str] = {}
        self.editors: dict[str, QPlainTextEdit] = {}
        self.restore_buttons: dict[str, QPushButton] = {}
        layout = QVBoxLayout(self)
        layout.addWidget(hint_label("初稿由本年度的数字生成；修改后请点“保存正文”。未修改（或恢复草稿）的部分随数字更新。"))
        for key in TEXT_KEYS:
            head = QHBoxLayout()
            head.addWidget(QLabel(f"<b>{SECTION_TITLES[key]}</b>"))
            head.addStretch(1)
            button = QPushButton("恢复草稿")
            button.setToolTip("把这一部分换回按数字生成的初稿（保存正文后生效）")
            button.clicked.connect(lambda _checked=False, k=key: self.restore(k))
            head.addWidget(button)
            editor = QPlainTextEdit()
            editor.setMinimumHeight(110)
            layout.addLayout(head)
            layout.addWidget(editor, 3 if key == "一" else 2)
            self.editors[key] = editor
            self.restore_buttons[key] = button
        self.errors = FieldErrors()
        layout.addWidget(self.errors.general)
        buttons = QHBoxLayout()
        self.save_button = QPushButton("保存正文")
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)

    def load(self, report: AnnualReport, only_unedited: bool = False) -> None:
        """The report's texts; with ``only_unedited`` the sections the clerk is typing in stay."""
        self.drafts = dict(report.drafts)
        for key, editor in self.editors.items():
            if only_unedited and editor.document().isModified():
                continue
            editor.setPlainText(report.texts.get(key, ""))
            editor.document().setModified(False)

    def modified(self) -> bool:
        """Typed (or restored to the draft) since the texts were loaded or saved."""
        return any(e.document().isModified() for e in self.editors.values())

    def restore(self, key: str) -> None:
        self.editors[key].setPlainText(self.drafts.get(key, ""))
        self.editors[key].document().setModified(True)

    def texts(self) -> dict[str, str]:
        """The texts as shown (for the exports)."""
        return {k: e.toPlainText() for k, e in self.editors.items()}

    def to_save(self) -> dict[str, str]:
        """The texts for save_texts: a section equal to its draft is saved empty (= the draft)."""
        out = {}
        for key, text in self.texts().items():
            out[key] = "" if text.strip() == self.drafts.get(key, "").strip() else text
        return out

    def set_editable(self, editable: bool) -> None:
        for editor in self.editors.values():
            editor.setReadOnly(not editable)
        for button in self.restore_buttons.values():
            button.setEnabled(editable)
        self.save_button.setEnabled(editable)
