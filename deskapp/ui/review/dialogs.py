"""The small dialogs of 审核签发: signing with a password, recording a 纸质签批, publishing.

Each returns plain values (``result``) and checks only what the user can fix on the spot;
the rules themselves are in :mod:`deskapp.core.review.workflow`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional, Sequence

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from deskapp.core.review.workflow import DECISIONS
from deskapp.core.store.vocab import CHANNELS
from deskapp.ui.common.form_kit import hint_label


def qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def pydate(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())



def signer_combo(signers: Sequence[tuple[int, str]], default_id: Optional[int] = None) -> QComboBox:
    """The people who may sign, each with their id as item data; ``default_id`` preselected."""
    combo = QComboBox()
    for pid, name in signers:
        combo.addItem(name, pid)
    if default_id is not None and combo.findData(default_id) >= 0:
        combo.setCurrentIndex(combo.findData(default_id))
    return combo

class _Base(QDialog):
    def __init__(self, title: str, parent: Optional[QWidget]):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        self.error = QLabel("")
        self.error.setStyleSheet("color: #a1121b")
        self.error.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def finish(self, layout: QVBoxLayout, ok_text: str) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def refuse(self, text: str) -> None:
        self.error.setText(text)


@dataclass(frozen=True)
class Signature:
    signer_id: int
    password: str
    opinion: str


class SignDialog(_Base):
    """签批: who signs (one of the step's people), their password, and an opinion.

    ``opinion``: "optional" (同意), "required" (退回, 不予公开) or "none".
    """

    def __init__(self, title: str, info: str, signers: Sequence[tuple[int, str]],
                 default_id: Optional[int] = None, opinion: str = "optional",
                 opinion_label: str = "意见", parent: Optional[QWidget] = None):
        super().__init__(title, parent)
        self.opinion_mode = opinion
        self.result_value: Optional[Signature] = None
        layout = QVBoxLayout(self)
        layout.addWidget(hint_label(info))
        form = QFormLayout()
        self.signer = signer_combo(signers, default_id)
        form.addRow("签批人：", self.signer)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("请签批人本人输入签批密码")
        form.addRow("签批密码：", self.password)
        self.opinion = QPlainTextEdit()
        self.opinion.setFixedHeight(80)
        self.opinion.setPlaceholderText("必填" if opinion == "required" else "可不填")
        if opinion != "none":
            form.addRow(f"{opinion_label}：", self.opinion)
        layout.addLayout(form)
        self.finish(layout, "签批")
        self.password.setFocus()

    def accept(self) -> None:
        if self.signer.currentIndex() < 0:
            return self.refuse("没有可以签批的人员。")
        if not self.password.text():
            return self.refuse("请输入签批密码。")
        text = self.opinion.toPlainText().strip()
        if self.opinion_mode == "required" and not text:
            return self.refuse("请填写意见（退回说明要修改什么；不予公开写明理由和依据）。")
        self.result_value = Signature(int(self.signer.currentData()), self.password.text(), text)
        self.password.clear()  # the password leaves the widget as soon as it is taken
        super().accept()


@dataclass(frozen=True)
class PaperInput:
    signer_id: int
    decision: str
    opinion: str
    paper_date: dt.date
    scan_path: str


class PaperDialog(_Base):
    """纸质签批: a decision signed on the printed form, entered by the maintainer."""

    def __init__(self, step: str, signers: Sequence[tuple[int, str]], today: dt.date,
                 can_withhold: bool = False, parent: Optional[QWidget] = None):
        super().__init__(f"录入纸质签批 — {step}", parent)
        self.today = today
        self.result_value: Optional[PaperInput] = None
        layout = QVBoxLayout(self)
        layout.addWidget(hint_label(f"按审批单上的签字录入“{step}”的决定。记录中会注明为纸质签批及录入人。"))
        form = QFormLayout()
        self.signer = signer_combo(signers)
        form.addRow("签批人：", self.signer)
        self.decision = QComboBox()
        for code, label in DECISIONS.items():
            if code != "withhold" or can_withhold:
                self.decision.addItem(label, code)
        form.addRow("签批结果：", self.decision)
        self.date = QDateEdit(qdate(today))
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        form.addRow("签批日期：", self.date)
        self.opinion = QPlainTextEdit()
        self.opinion.setFixedHeight(70)
        form.addRow("意见：", self.opinion)
        self.scan = QLineEdit()
        self.scan.setPlaceholderText("审批单扫描件（PDF 或图片，可稍后补）")
        browse = QPushButton("浏览…")
        browse.clicked.connect(self.choose_scan)
        row = QHBoxLayout()
        row.addWidget(self.scan, 1)
        row.addWidget(browse)
        form.addRow("扫描件：", row)
        layout.addLayout(form)
        self.finish(layout, "录入")

    def choose_scan(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "选择审批单扫描件", "",
                                              "扫描件 (*.pdf *.jpg *.jpeg *.png *.tif *.tiff);;所有文件 (*)")
        if path:
            self.scan.setText(path)

    def accept(self) -> None:
        day = pydate(self.date.date())
        if day > self.today:
            return self.refuse("签批日期不能晚于今天。")
        decision = str(self.decision.currentData())
        text = self.opinion.toPlainText().strip()
        if decision != "approve" and not text:
            return self.refuse("退回或不予公开需填写审批单上的意见。")
        if self.signer.currentIndex() < 0:
            return self.refuse("该步骤没有在职的审批人，请先在“审核流程”设置中指定。")
        self.result_value = PaperInput(int(self.signer.currentData()), decision, text, day,
                                       self.scan.text().strip())
        super().accept()


@dataclass(frozen=True)
class PublishInput:
    published_on: dt.date
    channels: list[str]
    url: str


class PublishDialog(_Base):
    """发布: the date it went out, through which channels, and where (网址)."""

    def __init__(self, title: str, today: dt.date, channels: Sequence[str], due: Optional[dt.date],
                 parent: Optional[QWidget] = None):
        super().__init__("发布", parent)
        self.today = today
        self.result_value: Optional[PublishInput] = None
        layout = QVBoxLayout(self)
        head = QLabel(f"发布《{title}》" + (f"（公开期限 {due.isoformat()}）" if due else ""))
        head.setWordWrap(True)
        layout.addWidget(head)
        form = QFormLayout()
        self.date = QDateEdit(qdate(today))
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        form.addRow("发布日期：", self.date)
        self.url = QLineEdit()
        self.url.setPlaceholderText("网站发布的网址（可不填）")
        form.addRow("网址：", self.url)
        layout.addLayout(form)
        grid = QGridLayout()
        self.boxes: list[QCheckBox] = []
        for n, name in enumerate(CHANNELS):
            box = QCheckBox(name)
            box.setChecked(name in channels)
            grid.addWidget(box, n // 3, n % 3)
            self.boxes.append(box)
        layout.addWidget(QLabel("公开渠道："))
        layout.addLayout(grid)
        self.finish(layout, "发布")

    def accept(self) -> None:
        chosen = [b.text() for b in self.boxes if b.isChecked()]
        day = pydate(self.date.date())
        if not chosen:
            return self.refuse("请至少选择一个公开渠道。")
        if day > self.today:
            return self.refuse("发布日期不能晚于今天。")
        self.result_value = PublishInput(day, chosen, self.url.text().strip())
        super().accept()
