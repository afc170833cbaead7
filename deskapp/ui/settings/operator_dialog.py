"""当前操作人: who is at the desk. Chosen when the desk opens (remembered on this PC) and
whenever 切换操作人 is used; every change is then recorded under that person.

On a desk with nobody registered yet, the person at the PC types their name and is
registered as its 信息员.
"""

from __future__ import annotations

from typing import Optional

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from deskapp.core.audit.chain import Actor
from deskapp.core.errors import DeskError, ValidationError
from deskapp.core.register import people
from deskapp.core.store.db import Database
from deskapp.ui.common.form_kit import ErrorLabel, hint_label

SETTINGS_ORG = SETTINGS_APP = "deskapp"
OPERATOR_KEY = "operator/person_id"
SEARCH_FROM = 8  # a search box once the list is longer than fits at a glance
ID_ROLE = Qt.ItemDataRole.UserRole


def _qsettings() -> QSettings:
    return QSettings(SETTINGS_ORG, SETTINGS_APP)


def remembered_operator_id() -> Optional[int]:
    """The person last chosen on this PC, if any."""
    value = _qsettings().value(OPERATOR_KEY)
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None  # a damaged settings file is no reason not to open the desk


def remember_operator_id(person_id: Optional[int]) -> None:
    store = _qsettings()
    if person_id is None:
        store.remove(OPERATOR_KEY)
    else:
        store.setValue(OPERATOR_KEY, int(person_id))
    store.sync()


class OperatorDialog(QDialog):
    def __init__(self, db: Database, parent: Optional[QWidget] = None, remembered_id: Optional[int] = None):
        super().__init__(parent)
        self.db = db
        self.chosen: Optional[Actor] = None
        self.setWindowTitle("选择当前操作人")
        self.resize(460, 420)
        with db.session() as s:
            self.people = people.list_people(s, include_inactive=False)
        layout = QVBoxLayout(self)
        self.search = QLineEdit()
        self.list = QListWidget()
        self.name = QLineEdit()
        self.error = ErrorLabel()
        if self.people:
            self._build_list(layout, remembered_id)
            layout.addWidget(self.error)
        else:
            self._build_first(layout)
            self.resize(460, 200)
        buttons = QDialogButtonBox()
        ok = buttons.addButton("确定", QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setDefault(True)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _build_list(self, layout: QVBoxLayout, remembered_id: Optional[int]) -> None:
        layout.addWidget(QLabel("请选择您自己（之后的每一项修改都记录在您名下）："))
        self.search.setPlaceholderText("按姓名、科室或角色查找")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter)
        self.search.setVisible(len(self.people) >= SEARCH_FROM)
        layout.addWidget(self.search)
        for row in self.people:
            text = row.display + (f"　{row.roles_label}" if row.roles else "")
            item = QListWidgetItem(text)
            item.setData(ID_ROLE, row.id)
            self.list.addItem(item)
        self.list.setStyleSheet("QListWidget::item { padding: 3px; }")
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())
        layout.addWidget(self.list, 1)
        index = next((i for i, r in enumerate(self.people) if r.id == remembered_id), 0)
        self.list.setCurrentRow(index)
        self.list.setFocus()

    def _build_first(self, layout: QVBoxLayout) -> None:
        text = "台账中还没有登记任何人员。请输入您的姓名，您将登记为本台账的信息员："
        if self.db.read_only:
            text = "台账中还没有登记任何人员（只读打开，不会登记）。请输入您的姓名："
        layout.addWidget(hint_label(text))
        self.name.setPlaceholderText("如 王芳")
        self.name.setMaxLength(50)
        layout.addWidget(self.name)
        layout.addWidget(self.error)
        layout.addWidget(hint_label("其他人员可稍后在 设置 → 机构与人员 中添加。"))
        layout.addStretch(1)
        self.name.setFocus()

    def _filter(self, text: str) -> None:
        needle = text.strip()
        for i in range(self.list.count()):
            item = self.list.item(i)
            item.setHidden(bool(needle) and needle not in item.text())
        current = self.list.currentItem()
        if current is None or current.isHidden():
            visible = next((self.list.item(i) for i in range(self.list.count())
                            if not self.list.item(i).isHidden()), None)
            self.list.setCurrentItem(visible)  # type: ignore[arg-type]  # Qt takes None (no item); the stub omits it

    def accept(self) -> None:
        try:
            self.chosen = self._choose()
        except ValidationError as exc:
            self.error.show_message(next(iter(exc.fields.values()), exc.message))
            return
        except DeskError as exc:
            self.error.show_message(exc.message)
            return
        if self.chosen is None:
            self.error.show_message("请在列表中选择一位操作人。")
            return
        super().accept()

    def _choose(self) -> Optional[Actor]:
        if self.people:
            item = self.list.currentItem()
            if item is None or item.isHidden():
                return None
            row = next(r for r in self.people if r.id == item.data(ID_ROLE))
            return row.actor()
        name = self.name.text().strip()
        if not name:
            raise ValidationError({"name": "请输入您的姓名。"})
        if self.db.read_only:
            return Actor(None, name)
        with self.db.session() as s:
            return people.create_first_operator(s, name).actor()


def choose_operator(db: Database, parent: Optional[QWidget], remembered_id: Optional[int]) -> Optional[Actor]:
    """Ask who is at the desk; None when the user cancelled. The caller remembers the
    choice (``remember_operator_id``) where that is wanted."""
    dialog = OperatorDialog(db, parent, remembered_id)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.chosen
