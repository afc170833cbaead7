"""审核流程与签批密码: the review steps (preset or custom), who decides each, whether a
drafter may approve their own item, the approval form's title — and each person's
signing password (set / reset / clear, each saved at once and audited).

The lead adds it to the 设置 menu: ``ReviewFlowDialog(ctx, parent).exec()``.
"""

from __future__ import annotations

from typing import Callable, Optional

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from deskapp.core.errors import DeskError
from deskapp.core.review import flow as review_flow
from deskapp.core.review import passwords
from deskapp.core.review.flow import PRESETS, FlowData, StepData
from deskapp.core.store.models import Person
from deskapp.core.store.vocab import ROLES
from deskapp.ui.common.context import AppContext
from deskapp.ui.common.form_kit import hint_label


class ReviewFlowDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("审核流程与签批密码")
        self.resize(760, 560)
        with ctx.db.session() as s:
            self.flow = review_flow.load_flow(s).as_data()
            self.title_text = review_flow.form_title(s)
            self.people = [(p.id, p.name, p.active, bool(p.password_hash), p.failed_logins)
                           for p in s.scalars(select(Person).order_by(Person.name))]
        self.steps: list[StepData] = self.flow.steps
        self._loading = False
        self._build()
        self._fill_steps(0)
        self._password_person_changed()

    # --- building ----------------------------------------------------------------------------
    def _build(self) -> None:
        self.preset = QComboBox()
        self.preset.addItems(list(PRESETS))
        apply_preset = QPushButton("套用预设")
        apply_preset.clicked.connect(self.apply_preset)
        self.step_list = QListWidget()
        self.step_list.currentRowChanged.connect(self._step_selected)
        buttons = QHBoxLayout()
        for text, slot in (("添加", self.add_step), ("删除", self.remove_step), ("上移", lambda: self.move_step(-1)),
                           ("下移", lambda: self.move_step(1))):
            button = QPushButton(text)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        left = QVBoxLayout()
        top = QHBoxLayout()
        top.addWidget(QLabel("预设："))
        top.addWidget(self.preset, 1)
        top.addWidget(apply_preset)
        left.addLayout(top)
        left.addWidget(QLabel("审核步骤（按顺序）："))
        left.addWidget(self.step_list, 1)
        left.addLayout(buttons)
        self.name = QLineEdit()
        self.name.textEdited.connect(self._edited)
        self.role = QComboBox()
        self.role.addItem("（不按角色）", None)
        for code, label in ROLES.items():
            self.role.addItem(label, code)
        self.role.currentIndexChanged.connect(lambda _i: self._edited())
        self.withhold = QCheckBox("此步骤可决定不予公开（如保密审查）")
        self.withhold.toggled.connect(lambda _on: self._edited())
        self.person_list = QListWidget()
        self.person_list.itemChanged.connect(lambda _item: self._edited())
        for pid, name, active, _has, _failed in self.people:
            item = QListWidgetItem(name if active else f"{name}（已停用）")
            item.setData(Qt.ItemDataRole.UserRole, pid)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.person_list.addItem(item)
        editor = QFormLayout()
        editor.addRow("步骤名称：", self.name)
        editor.addRow("按角色：", self.role)
        editor.addRow("", self.withhold)
        editor.addRow("审批人员：", self.person_list)
        editor.addRow(hint_label("勾选了审批人员时由所选人员审批；未勾选时，由具有所选角色的在职人员审批。"
                                 "修改人员后，正在该步骤等待的信息也改由新人员审批；已送审信息的步骤不变。"))
        step_box = QGroupBox("步骤")
        step_box.setLayout(editor)
        columns = QHBoxLayout()
        columns.addLayout(left, 2)
        columns.addWidget(step_box, 3)
        self.forbid_self = QCheckBox("经办人不能同意自己起草的信息")
        self.forbid_self.setChecked(self.flow.forbid_self_approval)
        self.form_title = QLineEdit(self.title_text)
        general = QFormLayout()
        general.addRow("", self.forbid_self)
        general.addRow("审批表标题：", self.form_title)
        self.error = QLabel()
        self.error.setStyleSheet("color: #a1121b")
        self.error.setWordWrap(True)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        box.button(QDialogButtonBox.StandardButton.Save).setText("保存流程")
        box.button(QDialogButtonBox.StandardButton.Cancel).setText("关闭")
        box.accepted.connect(self.save)
        box.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addLayout(general)
        layout.addWidget(self._password_box())
        layout.addWidget(self.error)
        layout.addWidget(box)

    def _password_box(self) -> QGroupBox:
        self.pw_person = QComboBox()
        for pid, name, active, _has, _failed in self.people:
            if active:
                self.pw_person.addItem(name, pid)
        self.pw_person.currentIndexChanged.connect(lambda _i: self._password_person_changed())
        self.pw_state = QLabel()
        set_button = QPushButton("设置/重设密码…")
        set_button.clicked.connect(self.set_password)
        clear_button = QPushButton("清除密码")
        clear_button.clicked.connect(self.clear_password)
        row = QHBoxLayout()
        row.addWidget(QLabel("人员："))
        row.addWidget(self.pw_person)
        row.addWidget(self.pw_state, 1)
        row.addWidget(set_button)
        row.addWidget(clear_button)
        group = QGroupBox("签批密码（立即生效，记入操作记录；不保存密码本身）")
        group.setLayout(row)
        return group

    # --- steps -------------------------------------------------------------------------------
    def _fill_steps(self, select_row: int) -> None:
        self._loading = True
        self.step_list.clear()
        for n, step in enumerate(self.steps, start=1):
            self.step_list.addItem(f"{n}. {step.name or '（未命名）'}")
        self._loading = False
        if self.steps:
            self.step_list.setCurrentRow(max(0, min(select_row, len(self.steps) - 1)))

    def current_step(self) -> Optional[StepData]:
        row = self.step_list.currentRow()
        return self.steps[row] if 0 <= row < len(self.steps) else None

    def _step_selected(self, row: int) -> None:
        step = self.current_step()
        if step is None or self._loading:
            return
        self._loading = True
        self.name.setText(step.name)
        self.role.setCurrentIndex(max(0, self.role.findData(step.role)))
        self.withhold.setChecked(step.can_withhold)
        for i in range(self.person_list.count()):
            item = self.person_list.item(i)
            checked = item.data(Qt.ItemDataRole.UserRole) in step.people
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self._loading = False

    def _edited(self) -> None:
        step = self.current_step()
        if step is None or self._loading:
            return
        step.name = self.name.text()
        step.role = self.role.currentData()
        step.can_withhold = self.withhold.isChecked()
        step.people = [self.person_list.item(i).data(Qt.ItemDataRole.UserRole)
                       for i in range(self.person_list.count())
                       if self.person_list.item(i).checkState() == Qt.CheckState.Checked]
        row = self.step_list.currentRow()
        self.step_list.item(row).setText(f"{row + 1}. {step.name or '（未命名）'}")

    def add_step(self) -> None:
        self.steps.append(StepData(f"第{len(self.steps) + 1}步审核", [], None, False))
        self._fill_steps(len(self.steps) - 1)

    def remove_step(self) -> None:
        row = self.step_list.currentRow()
        if 0 <= row < len(self.steps):
            del self.steps[row]
            self._fill_steps(row)

    def move_step(self, delta: int) -> None:
        row = self.step_list.currentRow()
        other = row + delta
        if 0 <= row < len(self.steps) and 0 <= other < len(self.steps):
            self.steps[row], self.steps[other] = self.steps[other], self.steps[row]
            self._fill_steps(other)

    def apply_preset(self) -> None:
        self.steps = review_flow.preset_steps(self.preset.currentText())
        self.flow.name = self.preset.currentText()
        self._fill_steps(0)

    def flow_data(self) -> FlowData:
        name = self.flow.name if self.flow.name in PRESETS and self._is_preset() else review_flow.CUSTOM
        return FlowData(name, self.forbid_self.isChecked(), self.steps)

    def _is_preset(self) -> bool:
        preset = [(s.name, s.role, s.can_withhold) for s in review_flow.preset_steps(self.flow.name)]
        return preset == [(s.name, s.role, s.can_withhold) for s in self.steps]

    def save(self) -> None:
        try:
            with self.ctx.db.session() as s:
                review_flow.save_flow(s, self.ctx.actor, self.flow_data())
                review_flow.set_form_title(s, self.ctx.actor, self.form_title.text())
        except DeskError as exc:
            self.error.setText(exc.message)
            return
        self.ctx.bus.settings_changed.emit()
        self.ctx.bus.items_changed.emit()  # waiting items may have new reviewers
        self.accept()

    # --- passwords ---------------------------------------------------------------------------
    def _password_person_changed(self) -> None:
        pid = self.pw_person.currentData()
        info = next((p for p in self.people if p[0] == pid), None)
        if info is None:
            self.pw_state.setText("")
            return
        state = "已设置" if info[3] else "未设置"
        if info[4] >= passwords.MAX_FAILED:
            state = "已锁定（连续输错），请重设"
        self.pw_state.setText(f"密码：{state}")

    def ask_new_password(self, name: str) -> Optional[str]:
        """Two entries that must match; None when cancelled (tests replace this)."""
        first, ok = QInputDialog.getText(self, "设置签批密码", f"{name}的新签批密码（至少{passwords.MIN_LENGTH}位）：",
                                         QLineEdit.EchoMode.Password)
        if not ok:
            return None
        again, ok = QInputDialog.getText(self, "设置签批密码", "请再输入一次：", QLineEdit.EchoMode.Password)
        if not ok:
            return None
        if first != again:
            self.error.setText("两次输入的密码不一致，密码未修改。")
            return None
        return first

    def set_password(self) -> None:
        pid = self.pw_person.currentData()
        if pid is None:
            return
        new = self.ask_new_password(self.pw_person.currentText())
        if new is None:
            return
        self._password_action(lambda s: passwords.set_password(s, self.ctx.actor, pid, new), "签批密码已设置。")

    def clear_password(self) -> None:
        pid = self.pw_person.currentData()
        question = f"清除{self.pw_person.currentText()}的签批密码？清除后其不能在线签批。"
        if pid is not None and self.ctx.messages.confirm(self, question):
            self._password_action(lambda s: passwords.clear_password(s, self.ctx.actor, pid), "签批密码已清除。")

    def _password_action(self, fn: Callable[[Session], object], done: str) -> None:
        try:
            with self.ctx.db.session() as s:
                fn(s)
                self.people = [(p.id, p.name, p.active, bool(p.password_hash), p.failed_logins)
                               for p in s.scalars(select(Person).order_by(Person.name))]
        except DeskError as exc:
            self.error.setText(exc.message)
            return
        self.error.setText("")
        self._password_person_changed()
        self.ctx.messages.info(self, done)
