"""The item dialog's fields, laid out on tabs that fit a 1366×768 screen.

``ItemFormView`` only builds, fills and reads widgets (``load`` / ``collect``) and shows
per-field errors; what the fields mean (due dates, 公示期, saving) is the dialog's job and
the rules themselves are core's.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Optional, TypeVar

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from deskapp.core.register.item_form import INTERPRETATION_KIND, NORMATIVE_KIND, FormChoices
from deskapp.core.register.items import MAX_TITLE, ItemData
from deskapp.core.store.vocab import ATTRIBUTES, CHANNELS, KINDS, NOTICE_DAY_KINDS, SCOPES, VALIDITY
from deskapp.ui.common.context import AppContext
from deskapp.ui.common.form_kit import ERROR_COLOR, ErrorLabel
from deskapp.ui.register.attachments_panel import AttachmentsPanel
from deskapp.ui.register.interpretation_picker import InterpretationField
from deskapp.ui.register.item_fields import (
    CatalogueCombo,
    ChannelChecks,
    OptionalDateEdit,
    fill_catalogue,
    fill_choices,
    required_label,
    select_data,
)

TEXT_FIELDS = ("title", "doc_no", "url", "posted_board")
PLAIN_FIELDS = ("summary", "content", "withheld_reason")
DATE_FIELDS = ("formed_on", "changed_on", "published_on", "notice_start", "notice_end",
               "posted_on", "removed_on", "valid_from", "valid_until")
TAB_BASIC, TAB_CONTENT, TAB_PUBLISH, TAB_VALIDITY, TAB_FILES = range(5)
TAB_TITLES = ["基本信息", "内容", "发布与公示", "效力与解读", "附件"]
COMBO_FIELDS = ("kind", "catalogue_id", "department_id", "drafter_id", "scope", "attribute",
                "validity", "notice_day_kind")

W = TypeVar("W", bound=QWidget)


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _combo(items: list[tuple[str, object]]) -> QComboBox:
    combo = QComboBox()
    for text, data in items:
        combo.addItem(text, data)
    return combo


class ItemFormView(QTabWidget):
    def __init__(self, ctx: AppContext, choices: FormChoices, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.ctx = ctx
        self.choices = choices
        self.fields: dict[str, QWidget] = {}
        self.errors: dict[str, ErrorLabel] = {}
        self.tab_of: dict[str, int] = {}
        self._tab = TAB_BASIC
        self.addTab(self._basic_tab(), TAB_TITLES[TAB_BASIC])
        self._tab = TAB_CONTENT
        self.addTab(self._content_tab(), TAB_TITLES[TAB_CONTENT])
        self._tab = TAB_PUBLISH
        self.addTab(self._publish_tab(), TAB_TITLES[TAB_PUBLISH])
        self._tab = TAB_VALIDITY
        self.addTab(self._validity_tab(), TAB_TITLES[TAB_VALIDITY])
        self.attachments = AttachmentsPanel(ctx)
        self.addTab(self.attachments, TAB_TITLES[TAB_FILES])

    # --- building ---------------------------------------------------------------------------

    def field(self, name: str, kind: type[W]) -> W:
        """Field ``name`` as the widget class it was built as: ``fields`` holds every field as
        a plain QWidget (the error, focus and read-only code needs no more), this says which."""
        widget = self.fields[name]
        if not isinstance(widget, kind):
            raise TypeError(f"field {name!r} is a {type(widget).__name__}, not a {kind.__name__}")
        return widget

    def _add(self, form: QFormLayout, name: str, label: str, widget: W, required: bool = False) -> W:
        """A row: the label (red * when required), the widget, and its error line below."""
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(1)
        column.addWidget(widget)
        error = ErrorLabel()
        column.addWidget(error)
        form.addRow(required_label(label) if required else QLabel(label), box)
        self.fields[name], self.errors[name], self.tab_of[name] = widget, error, self._tab
        return widget

    def _date(self) -> OptionalDateEdit:
        return OptionalDateEdit(self.ctx.today)

    def _basic_tab(self) -> QWidget:
        page = QWidget()
        top = QFormLayout()
        title = self._add(top, "title", "标题", QLineEdit(), required=True)
        title.setMaxLength(MAX_TITLE)
        title.setPlaceholderText("信息的完整标题")
        doc_no = self._add(top, "doc_no", "文号", QLineEdit())
        doc_no.setPlaceholderText("如 某街发〔2026〕3号（方括号、圆括号会自动改为〔〕）")
        left, right = QFormLayout(), QFormLayout()
        self._add(left, "kind", "信息类别", _combo([(k, k) for k in KINDS]), required=True)
        catalogue = self._add(left, "catalogue_id", "目录条目", CatalogueCombo())
        fill_catalogue(catalogue, self.choices.catalogue)
        catalogue.setMaxVisibleItems(20)
        fill_choices(self._add(left, "department_id", "科室", QComboBox()), self.choices.departments)
        fill_choices(self._add(left, "drafter_id", "经办人", QComboBox()), self.choices.people)
        self._add(left, "scope", "公开范围", _combo([(v, k) for k, v in SCOPES.items()]))
        self._add(right, "formed_on", "形成日期", self._date(), required=True)
        self._add(right, "changed_on", "变更日期", self._date())
        right.addRow("公开期限", self._due_box())
        self._add(right, "attribute", "公开属性", _combo([(v, k) for k, v in ATTRIBUTES.items()]),
                  required=True)
        reason = self._add(right, "withheld_reason", "不予公开理由", QPlainTextEdit(), required=True)
        reason.setPlaceholderText("不予公开的理由和法律依据，如《政府信息公开条例》第十四条")
        reason.setTabChangesFocus(True)
        reason.setFixedHeight(54)
        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addSpacing(12)
        columns.addLayout(right, 1)
        channels_box = QGroupBox("公开渠道和载体（可多选；选目录条目时按条目预设勾选）")
        channels_layout = QVBoxLayout(channels_box)
        channels = ChannelChecks(CHANNELS)
        channels_layout.addWidget(channels)
        self.fields["channels"], self.tab_of["channels"] = channels, TAB_BASIC
        self.errors["channels"] = ErrorLabel()
        channels_layout.addWidget(self.errors["channels"])
        layout = QVBoxLayout(page)
        layout.addLayout(top)
        layout.addLayout(columns)
        layout.addWidget(channels_box)
        layout.addStretch(1)
        return page

    def _due_box(self) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(1)
        self.due_label = QLabel()
        self.due_label.setStyleSheet("font-weight: bold;")
        self.due_explain = QLabel()
        self.due_explain.setWordWrap(True)
        self.due_explain.setStyleSheet("color: #555;")
        self.due_provisional = QLabel()
        self.due_provisional.setStyleSheet("color: #b26a00;")
        self.due_provisional.hide()
        for label in (self.due_label, self.due_explain, self.due_provisional):
            column.addWidget(label)
        return box

    def _content_tab(self) -> QWidget:
        """Labels above the boxes: the 正文 gets the whole height of the tab."""
        page = QWidget()
        layout = QVBoxLayout(page)
        summary = QPlainTextEdit()
        summary.setFixedHeight(80)
        summary.setTabChangesFocus(True)
        summary.setPlaceholderText("一两句话概括信息的内容（公开目录的“内容概述”）")
        content = QPlainTextEdit()
        # Tab keys move focus, but tabs pasted from Excel (lists of people) are kept as they are.
        content.setTabChangesFocus(True)
        content.setPlaceholderText("正文（纯文本）。名单可从 Excel 直接复制粘贴，列之间的制表符会保留。")
        for name, label, widget, stretch in (("summary", "内容摘要", summary, 0),
                                             ("content", "正文", content, 1)):
            layout.addWidget(QLabel(label))
            layout.addWidget(widget, stretch)
            error = ErrorLabel()
            layout.addWidget(error)
            self.fields[name], self.errors[name], self.tab_of[name] = widget, error, self._tab
        return page

    def _publish_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout()
        self._add(form, "published_on", "发布日期", self._date())
        url = self._add(form, "url", "网址", QLineEdit())
        url.setPlaceholderText("发布在政府网站上的链接")
        notice = QGroupBox("公示期")
        notice_form = QFormLayout(notice)
        self._add(notice_form, "notice_start", "开始日期", self._date())
        days = QSpinBox()
        days.setRange(0, 90)
        days.setSpecialValueText(f"默认（{self.choices.notice_days}天）")
        days.setSuffix(" 天")
        kind_default = NOTICE_DAY_KINDS.get(self.choices.notice_day_kind, "自然日")
        day_kind = _combo([(f"默认（{kind_default}）", None)]
                          + [(v, k) for k, v in NOTICE_DAY_KINDS.items()])
        row = QWidget()
        row_layout = QHBoxLayout(row)
        row_layout.setContentsMargins(0, 0, 0, 0)
        row_layout.addWidget(days)
        row_layout.addWidget(day_kind)
        row_layout.addStretch(1)
        self._add(notice_form, "notice_days", "天数", row)
        self.fields["notice_days"] = days
        self.fields["notice_day_kind"], self.tab_of["notice_day_kind"] = day_kind, TAB_PUBLISH
        self.errors["notice_day_kind"] = self.errors["notice_days"]
        end_row = QWidget()
        end_layout = QHBoxLayout(end_row)
        end_layout.setContentsMargins(0, 0, 0, 0)
        end = self._date()
        self.compute_end_button = QPushButton("按天数计算")
        self.compute_end_button.setToolTip("由开始日期和天数推算结束日期（工作日按节假日安排计算）")
        end_layout.addWidget(end)
        end_layout.addWidget(self.compute_end_button)
        end_layout.addStretch(1)
        self._add(notice_form, "notice_end", "结束日期", end_row)
        self.fields["notice_end"] = end
        board = QGroupBox("公示栏张贴")
        board_form = QFormLayout(board)
        self._add(board_form, "posted_on", "张贴日期", self._date())
        self._add(board_form, "posted_board", "公示栏", QLineEdit()).setPlaceholderText(
            "如 街道办事处一楼公示栏")
        self._add(board_form, "removed_on", "撤下日期", self._date())
        layout = QVBoxLayout(page)
        layout.addLayout(form)
        layout.addWidget(notice)
        layout.addWidget(board)
        layout.addStretch(1)
        return page

    def _validity_tab(self) -> QWidget:
        page = QWidget()
        self.validity_box = QGroupBox("规范性文件的效力（仅“规范性文件”填写）")
        form = QFormLayout(self.validity_box)
        self._add(form, "validity", "有效性",
                  _combo([("（未填）", None)] + [(v, k) for k, v in VALIDITY.items()]))
        self._add(form, "valid_from", "生效日期", self._date())
        self._add(form, "valid_until", "废止/失效日期", self._date())
        self.interpretation_box = QGroupBox("配套的政策解读（政策文件应同步解读）")
        link_form = QFormLayout(self.interpretation_box)
        self._add(link_form, "interpretation_id", "政策解读", InterpretationField(self.ctx))
        layout = QVBoxLayout(page)
        layout.addWidget(self.validity_box)
        layout.addWidget(self.interpretation_box)
        layout.addStretch(1)
        return page

    # --- filling and reading ----------------------------------------------------------------

    def load(self, data: ItemData, interpretation_label: str = "") -> None:
        for name in TEXT_FIELDS:
            self.field(name, QLineEdit).setText(getattr(data, name) or "")
        for name in PLAIN_FIELDS:
            self.field(name, QPlainTextEdit).setPlainText(getattr(data, name) or "")
        for name in DATE_FIELDS:
            self.field(name, OptionalDateEdit).setDate(getattr(data, name))
        for name in COMBO_FIELDS:
            select_data(self.field(name, QComboBox), getattr(data, name))
        self.field("notice_days", QSpinBox).setValue(data.notice_days or 0)
        self.field("channels", ChannelChecks).set_channels(data.channels)
        self.field("interpretation_id", InterpretationField).set_value(data.interpretation_id,
                                                                       interpretation_label)

    def collect(self, base: ItemData) -> ItemData:
        """The fields as entered. A disabled field (validity of a non-normative document,
        the reason of a disclosed item) keeps the value it was opened with."""
        # Any: keyed by field name, the values cannot be matched to ItemData's field types one
        # by one; each is what its widget, built for that field above, gives back.
        values: dict[str, Any] = {}
        for name in TEXT_FIELDS:
            values[name] = self.field(name, QLineEdit).text()
        values["doc_no"] = values["doc_no"] or None
        for name in PLAIN_FIELDS:
            text = self.field(name, QPlainTextEdit).toPlainText()
            # The editor turns \r\n (imported text) into \n: unedited text stays as stored.
            stored = getattr(base, name) or ""
            values[name] = stored if text == _newlines(stored) else text
        for name in DATE_FIELDS:
            values[name] = self.field(name, OptionalDateEdit).date()
        for name in COMBO_FIELDS:
            values[name] = self.field(name, QComboBox).currentData()
        values["kind"] = self.field("kind", QComboBox).currentText()
        values["notice_days"] = self.field("notice_days", QSpinBox).value() or None
        values["channels"] = self.field("channels", ChannelChecks).channels()
        values["interpretation_id"] = self.field("interpretation_id", InterpretationField).value()
        if values["kind"] != NORMATIVE_KIND:
            for name in ("validity", "valid_from", "valid_until"):
                values[name] = getattr(base, name)
        if values["kind"] == INTERPRETATION_KIND:
            values["interpretation_id"] = base.interpretation_id
        if values["attribute"] != "withheld":
            values["withheld_reason"] = base.withheld_reason
        return dataclasses.replace(base, **values)

    def sync_enabled(self, read_only: bool) -> None:
        """Fields that only apply to some items are enabled only for those."""
        kind = self.field("kind", QComboBox).currentText()
        self.validity_box.setEnabled(not read_only and kind == NORMATIVE_KIND)
        self.interpretation_box.setEnabled(not read_only and kind != INTERPRETATION_KIND)
        withheld = self.field("attribute", QComboBox).currentData() == "withheld"
        self.fields["withheld_reason"].setEnabled(withheld and not read_only)

    def set_read_only(self, read_only: bool) -> None:
        for widget in self.fields.values():
            if isinstance(widget, (QLineEdit, QPlainTextEdit)):
                widget.setReadOnly(read_only)  # still readable, selectable and scrollable
            else:
                widget.setEnabled(not read_only)
        self.compute_end_button.setEnabled(not read_only)
        self.attachments.set_read_only(read_only)
        self.sync_enabled(read_only)

    # --- errors -----------------------------------------------------------------------------

    def clear_errors(self) -> None:
        for label in self.errors.values():
            label.show_message("")
        for index in range(self.count()):
            self.tabBar().setTabTextColor(index, QColor())
            self.setTabText(index, TAB_TITLES[index] if index != TAB_FILES else self.files_title())

    def show_errors(self, errors: dict[str, str]) -> list[str]:
        """Each message next to its field; returns the messages that have no field here."""
        unplaced, tabs = [], []
        for name, message in errors.items():
            if name in self.errors:
                self.errors[name].show_message(message)
                tabs.append(self.tab_of[name])
            else:
                unplaced.append(message)
        for index in sorted(set(tabs)):
            self.tabBar().setTabTextColor(index, QColor(ERROR_COLOR))
            self.setTabText(index, f"{TAB_TITLES[index]} ●")
        if tabs:
            first = min(tabs)
            self.setCurrentIndex(first)
            name = next(n for n in errors if self.tab_of.get(n) == first)
            self.fields[name].setFocus()
        return unplaced

    def files_title(self) -> str:
        count = self.attachments.count()
        return f"附件（{count}）" if count else "附件"

    def refresh_files_title(self) -> None:
        self.setTabText(TAB_FILES, self.files_title())
