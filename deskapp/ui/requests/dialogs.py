"""The small dialogs of 依申请公开: registering (or correcting) an application, and one short
form per step the law knows (补正, 第三方, 延期, 收费, 办结, 撤回 …).

Rules live in :mod:`deskapp.core.requests.records`; these dialogs only collect values and show
the core's refusals next to the fields (or on the general line), keeping what was typed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from deskapp.core.requests import records
from deskapp.core.requests.records import RequestData
from deskapp.core.requests.vocab import APPLICANT_TYPES, CHANNELS, DELIVERIES, FORMS, RECEIVED_HINTS
from deskapp.core.store.models import Department
from deskapp.ui.common.context import AppContext
from deskapp.ui.common.form_kit import DateField, FieldErrors, hint_label, run_action, save_shortcut


def _combo(options: dict[str, str], empty: Optional[str] = None) -> QComboBox:
    combo = QComboBox()
    if empty is not None:
        combo.addItem(empty, None)
    for code, label in options.items():
        combo.addItem(label, code)
    return combo


def _select(combo: QComboBox, value: object) -> None:
    combo.setCurrentIndex(max(combo.findData(value), 0))


def _buttons(dialog: QDialog, save: Callable[[], None], text: str = "保存") -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Save).setText(text)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
    buttons.accepted.connect(save)
    buttons.rejected.connect(dialog.reject)
    save_shortcut(dialog, save)
    return buttons


def department_choices(session: Session) -> list[tuple[str, int]]:
    rows = session.scalars(select(Department).where(Department.active.is_(True))
                           .order_by(Department.sort_order, Department.id))
    return [(d.name, d.id) for d in rows]


class RequestDialog(QDialog):
    """登记申请 / 修改登记信息. ``saved_id`` is the request's id after a save."""

    def __init__(self, ctx: AppContext, request_id: Optional[int] = None, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.ctx, self.request_id = ctx, request_id
        self.version: Optional[int] = None
        self.saved_id: Optional[int] = None
        self.errors = FieldErrors()
        self.setWindowTitle("修改申请登记信息" if request_id else "登记政府信息公开申请")
        self.resize(600, 640)
        self._build()
        if request_id is not None:
            self._load(request_id)
        else:
            self.received.set_date(ctx.today())
        self._channel_changed()

    def _build(self) -> None:
        self.applicant_type = _combo(APPLICANT_TYPES)
        self.name = QLineEdit()
        self.name.setMaxLength(records.MAX_NAME)
        self.id_number = QLineEdit()
        self.id_number.setPlaceholderText("身份证号或其他证件号、统一社会信用代码")
        self.phone, self.address, self.email = QLineEdit(), QLineEdit(), QLineEdit()
        self.channel = _combo(CHANNELS)
        self.channel.currentIndexChanged.connect(self._channel_changed)
        self.hint = hint_label("")
        self.received = DateField(lambda: self.ctx.today().year)
        self.content = QPlainTextEdit()
        self.content.setTabChangesFocus(True)
        self.content.setPlaceholderText("申请公开的政府信息的名称、文号或便于查询的其他特征性描述")
        self.form_wanted = _combo(FORMS)
        self.delivery = _combo(DELIVERIES)
        self.department = QComboBox()
        self.department.addItem("（不填）", None)
        with self.ctx.db.session() as s:
            for name, dept_id in department_choices(s):
                self.department.addItem(name, dept_id)
        self.note = QLineEdit()
        form = QFormLayout()
        who: list[tuple[str, str, QWidget]] = [
            ("申请人类型", "applicant_type", self.applicant_type), ("姓名或名称", "applicant_name", self.name),
            ("证件号", "id_number", self.id_number), ("联系电话", "phone", self.phone),
            ("通信地址", "address", self.address), ("电子邮箱", "email", self.email),
            ("申请方式", "channel", self.channel),
        ]
        what: list[tuple[str, str, QWidget]] = [
            ("收到申请之日", "received_on", self.received), ("申请内容", "content", self.content),
            ("所需信息形式", "form_wanted", self.form_wanted), ("获取方式", "delivery", self.delivery),
            ("承办科室", "department_id", self.department), ("备注", "note", self.note),
        ]
        for label, key, widget in who:
            self.errors.add_row(form, label, key, widget)
        form.addRow("", self.hint)
        for label, key, widget in what:
            self.errors.add_row(form, label, key, widget)
        self.buttons = _buttons(self, self.save)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(not self.ctx.read_only)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.errors.general)
        layout.addWidget(self.buttons)

    def _channel_changed(self, *_args: object) -> None:
        self.hint.setText("收到申请之日：" + RECEIVED_HINTS.get(self.channel.currentData(), ""))

    def _load(self, request_id: int) -> None:
        with self.ctx.db.session() as s:
            req = records.get_request(s, request_id)
            data, self.version = RequestData.of(req), req.version
            self.setWindowTitle(f"修改申请登记信息 — {req.number}")
        _select(self.applicant_type, data.applicant_type)
        self.name.setText(data.applicant_name)
        self.id_number.setText(data.id_number)
        self.phone.setText(data.phone)
        self.address.setText(data.address)
        self.email.setText(data.email)
        _select(self.channel, data.channel)
        self.received.set_date(data.received_on)
        self.content.setPlainText(data.content)
        _select(self.form_wanted, data.form_wanted)
        _select(self.delivery, data.delivery)
        _select(self.department, data.department_id)
        self.note.setText(data.note)
        self._carried_over = data.carried_over_from_year

    def data(self) -> RequestData:
        return RequestData(
            applicant_type=self.applicant_type.currentData(), applicant_name=self.name.text(),
            id_number=self.id_number.text(), phone=self.phone.text(), address=self.address.text(),
            email=self.email.text(), channel=self.channel.currentData(), received_on=self.received.date(),
            content=self.content.toPlainText(), form_wanted=self.form_wanted.currentData(),
            delivery=self.delivery.currentData(), department_id=self.department.currentData(),
            note=self.note.text(), carried_over_from_year=getattr(self, "_carried_over", None),
        )

    def save(self) -> None:
        if self.received.state() == "bad":
            self.errors.show({"received_on": "日期无法识别，请写作 2026-9-3。"})
            return
        if run_action(self.errors, lambda text: self.ctx.messages.warn(self, text), self._save):
            self.accept()

    def _save(self) -> None:
        with self.ctx.db.session() as s:
            if self.request_id is None:
                req = records.create_request(s, self.ctx.actor, self.data(), today=self.ctx.today())
            else:
                assert self.version is not None  # loaded with the request
                req = records.update_request(s, self.ctx.actor, self.request_id, self.version, self.data(),
                                             today=self.ctx.today())
            self.saved_id = req.id


# --- one form per step --------------------------------------------------------------------------

@dataclass
class Field:
    """One input of a step dialog: ``key`` is the core's field name (errors show beside it)."""

    key: str
    label: str
    kind: str = "date"  # date / text / long / days / choice
    default: Any = None
    choices: dict[str, str] = field(default_factory=dict)


class StepDialog(QDialog):
    """A short form for one step; ``apply(values)`` runs the core call in one transaction
    (it receives the open session and the values by key) and may raise a DeskError."""

    def __init__(self, ctx: AppContext, title: str, info: str, fields: list[Field],
                 apply: Callable[[Session, dict[str, Any]], object], parent: Optional[QWidget] = None,
                 save_text: str = "保存"):
        super().__init__(parent)
        self.ctx, self.apply = ctx, apply
        self.errors = FieldErrors()
        self.widgets: dict[str, QWidget] = {}
        self.setWindowTitle(title)
        self.setMinimumWidth(480)
        form = QFormLayout()
        for f in fields:
            self.widgets[f.key] = self._widget(f)
            self.errors.add_row(form, f.label, f.key, self.widgets[f.key])
        layout = QVBoxLayout(self)
        if info:
            layout.addWidget(hint_label(info))
        layout.addLayout(form)
        layout.addWidget(self.errors.general)
        self.buttons = _buttons(self, self.save, save_text)
        layout.addWidget(self.buttons)

    def _widget(self, f: Field) -> QWidget:
        if f.kind == "date":
            date = DateField(lambda: self.ctx.today().year)
            date.set_date(f.default if f.default is not None else self.ctx.today())
            return date
        if f.kind == "long":
            box = QPlainTextEdit(f.default or "")
            box.setTabChangesFocus(True)
            box.setMaximumHeight(90)
            return box
        if f.kind == "days":
            spin = QSpinBox()
            spin.setRange(1, 60)
            spin.setSuffix(" 个工作日")
            spin.setValue(int(f.default or 15))
            return spin
        if f.kind == "choice":
            combo = _combo(f.choices)
            _select(combo, f.default)
            return combo
        return QLineEdit(f.default or "")

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, widget in self.widgets.items():
            if isinstance(widget, DateField):
                out[key] = widget.date()
            elif isinstance(widget, QPlainTextEdit):
                out[key] = widget.toPlainText()
            elif isinstance(widget, QSpinBox):
                out[key] = widget.value()
            elif isinstance(widget, QComboBox):
                out[key] = widget.currentData()
            elif isinstance(widget, QLineEdit):
                out[key] = widget.text()
        return out

    def bad_dates(self) -> dict[str, str]:
        return {key: "日期无法识别，请写作 2026-9-3。" for key, w in self.widgets.items()
                if isinstance(w, DateField) and w.state() == "bad"}

    def save(self) -> None:
        bad = self.bad_dates()
        if bad:
            self.errors.show(bad)
            return
        values = self.values()

        def run() -> None:
            with self.ctx.db.session() as s:
                self.apply(s, values)

        if run_action(self.errors, lambda text: self.ctx.messages.warn(self, text), run):
            self.accept()

