"""The 科室 and 人员 pages of the settings dialog, with the small dialogs that edit one row.

Each add / edit / deactivate is one user action, saved at once (one transaction, audited by
core) and announced with ``settings_changed``.
"""

from __future__ import annotations

from typing import Callable, Generic, Optional, TypeVar

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from deskapp.core.errors import DeskError
from deskapp.core.register import org, people
from deskapp.core.store.vocab import DEPARTMENT_KINDS, ROLES
from deskapp.ui.common.context import AppContext
from deskapp.ui.common.form_kit import CheckGrid, FieldErrors, run_action, save_shortcut

INACTIVE_COLOR = QColor("#9e9e9e")
Row = TypeVar("Row", org.DepartmentRow, people.PersonRow)


class EditDialog(QDialog):
    """A form with 保存 / 取消 whose save runs ``self.store()`` in one transaction."""

    def __init__(self, ctx: AppContext, title: str, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(title)
        self.errors = FieldErrors()
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("保存", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.setDefault(True)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        save_shortcut(self, self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.errors.general)
        layout.addWidget(buttons)

    def store(self, session: Session) -> None:  # pragma: no cover - every subclass has one
        raise NotImplementedError

    def save(self) -> None:
        def action() -> None:
            with self.ctx.db.session() as s:
                self.store(s)

        if run_action(self.errors, lambda text: self.ctx.messages.warn(self, text), action):
            self.accept()


class DepartmentDialog(EditDialog):
    def __init__(self, ctx: AppContext, row: Optional[org.DepartmentRow], parent: Optional[QWidget] = None):
        super().__init__(ctx, "编辑科室" if row else "新增科室", parent)
        self.row = row
        self.name = QLineEdit(row.name if row else "")
        self.name.setPlaceholderText("如 党政办、城南社区居委会、退役军人服务站")
        self.kind = QComboBox()
        for code, text in DEPARTMENT_KINDS.items():
            self.kind.addItem(text, code)
        self.kind.setCurrentIndex(max(self.kind.findData(row.kind if row else "office"), 0))
        self.sort_order = QSpinBox()
        self.sort_order.setRange(0, org.MAX_SORT)
        self.sort_order.setValue(row.sort_order if row else 0)
        self.errors.add_row(self.form, "名称*", "name", self.name)
        self.errors.add_row(self.form, "类型", "kind", self.kind)
        self.errors.add_row(self.form, "排序号", "sort_order", self.sort_order)
        self.resize(420, self.sizeHint().height())
        self.saved: Optional[org.DepartmentRow] = None

    def data(self) -> org.DepartmentData:
        return org.DepartmentData(self.name.text(), self.kind.currentData(), self.sort_order.value(),
                                  self.row.active if self.row else True)

    def store(self, session: Session) -> None:
        if self.row is None:
            self.saved = org.create_department(session, self.ctx.actor, self.data())
        else:
            self.saved = org.update_department(session, self.ctx.actor, self.row.id, self.data())


class PersonDialog(EditDialog):
    def __init__(self, ctx: AppContext, row: Optional[people.PersonRow], parent: Optional[QWidget] = None):
        super().__init__(ctx, "编辑人员" if row else "新增人员", parent)
        self.row = row
        self.name = QLineEdit(row.name if row else "")
        self.department = QComboBox()
        self.department.addItem("（不属于科室）", None)
        with ctx.db.session() as s:
            for dept in org.list_departments(s):
                if dept.active or (row is not None and row.department_id == dept.id):
                    self.department.addItem(dept.name + ("（已停用）" if not dept.active else ""), dept.id)
        self.department.setCurrentIndex(max(self.department.findData(row.department_id if row else None), 0))
        self.roles = CheckGrid(ROLES.items(), columns=4)
        self.roles.set_checked(row.roles if row else [])
        self.title = QLineEdit(row.title if row else "")
        self.title.setPlaceholderText("如 副主任、社区书记")
        self.phone = QLineEdit(row.phone if row else "")
        self.active = QCheckBox("在用（停用后不再出现在选择列表中）")
        self.active.setChecked(row.active if row else True)
        self.errors.add_row(self.form, "姓名*", "name", self.name)
        self.errors.add_row(self.form, "科室", "department_id", self.department)
        self.errors.add_row(self.form, "角色", "roles", self.roles)
        self.errors.add_row(self.form, "职务", "title", self.title)
        self.errors.add_row(self.form, "电话", "phone", self.phone)
        self.errors.add_row(self.form, "状态", "active", self.active)
        self.resize(560, self.sizeHint().height())
        self.saved: Optional[people.PersonRow] = None

    def data(self) -> people.PersonData:
        return people.PersonData(self.name.text(), self.department.currentData(), self.roles.checked(),
                                 self.title.text(), self.phone.text(), self.active.isChecked())

    def store(self, session: Session) -> None:
        if self.row is None:
            self.saved = people.create_person(session, self.ctx.actor, self.data())
        else:
            self.saved = people.update_person(session, self.ctx.actor, self.row.id, self.data())


class RowsPage(QWidget, Generic[Row]):
    """A table of rows with 新增 / 编辑 / 停用 / 启用; inactive rows shown in grey."""

    changed = Signal()
    headers: list[str] = []
    stretch_column = 0
    noun = ""

    def __init__(self, ctx: AppContext, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.ctx = ctx
        self.rows: list[Row] = []
        self.table = QTableWidget(0, len(self.headers))
        self.table.setHorizontalHeaderLabels(self.headers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setMinimumSectionSize(64)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(self.stretch_column, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _i: self.edit())
        self.table.itemSelectionChanged.connect(self._sync_buttons)
        self.buttons: dict[str, QPushButton] = {}
        bar = QHBoxLayout()
        for key, text, slot in (("add", "新增…", self.add), ("edit", "编辑…", self.edit),
                                ("remove", "停用/删除", self.remove), ("enable", "启用", self.enable)):
            button = QPushButton(text)
            button.setAutoDefault(False)
            button.clicked.connect(slot)
            self.buttons[key] = button
            bar.addWidget(button)
        bar.addStretch(1)
        self.search = QLineEdit()
        self.search.setPlaceholderText("查找…")
        self.search.setClearButtonEnabled(True)
        self.search.setMaximumWidth(220)
        self.search.textChanged.connect(self._filter)
        bar.addWidget(self.search)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table)
        self.refresh()

    # subclasses: load(), cells(row), dialog(row), remove_row(session, row), set_active(...)
    def load(self) -> list[Row]:  # pragma: no cover
        raise NotImplementedError

    def cells(self, row: Row) -> list[str]:  # pragma: no cover
        raise NotImplementedError

    def refresh(self) -> None:
        selected = self.current()
        self.rows = self.load()
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            for c, text in enumerate(self.cells(row)):
                item = QTableWidgetItem(text)
                if not row.active:
                    item.setForeground(INACTIVE_COLOR)
                self.table.setItem(r, c, item)
        if selected is not None:
            self.select_id(selected.id)
        self._filter(self.search.text())
        self._sync_buttons()

    def _filter(self, text: str) -> None:
        """Rows with the text in any cell stay visible (name, department, role…)."""
        needle = text.strip()
        for r, row in enumerate(self.rows):
            self.table.setRowHidden(r, bool(needle) and not any(needle in c for c in self.cells(row)))

    def current(self) -> Optional[Row]:
        index = self.table.currentRow()
        selected = self.table.selectionModel().hasSelection() if self.table.selectionModel() else False
        return self.rows[index] if selected and 0 <= index < len(self.rows) else None

    def select_id(self, row_id: int) -> None:
        for r, row in enumerate(self.rows):
            if row.id == row_id:
                self.table.selectRow(r)
                return

    def _sync_buttons(self) -> None:
        row = self.current()
        writable = not self.ctx.read_only
        self.buttons["add"].setEnabled(writable)
        self.buttons["edit"].setEnabled(writable and row is not None)
        self.buttons["remove"].setEnabled(writable and row is not None and row.active)
        self.buttons["enable"].setEnabled(writable and row is not None and not row.active)

    def _done(self, select: Optional[int] = None) -> None:
        self.refresh()
        if select is not None:
            self.select_id(select)
        self.changed.emit()
        self.ctx.bus.settings_changed.emit()

    def add(self) -> None:
        self._open(None)

    def edit(self) -> None:
        row = self.current()
        if row is not None and not self.ctx.read_only:
            self._open(row)

    def _open(self, row: Optional[Row]) -> None:
        dialog = self.dialog(row)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.saved is not None:
            self._done(dialog.saved.id)

    def dialog(self, row: Optional[Row]) -> DepartmentDialog | PersonDialog:  # pragma: no cover
        raise NotImplementedError

    def remove(self) -> None:
        row = self.current()
        if row is None or not self.ctx.messages.confirm(
                self, f"停用{self.noun}“{row.name}”吗？\n未被任何记录引用的将直接删除；已被引用的只停用，记录保留。"):
            return
        outcome: list[str] = []
        self._run(lambda s: outcome.append(self.remove_row(s, row)))
        if outcome:
            verb = "已删除" if outcome[0] == "deleted" else "已停用（已有记录引用，保留不删）"
            self.ctx.messages.info(self, f"{self.noun}“{row.name}”{verb}。")
            self._done(row.id)

    def enable(self) -> None:
        row = self.current()
        if row is not None and self._run(lambda s: self.set_active(s, row, True)):
            self._done(row.id)

    def _run(self, action: Callable[[Session], object]) -> bool:
        """One action in one transaction; a refusal (say, stopping oneself) in a message box."""
        try:
            with self.ctx.db.session() as s:
                action(s)
        except DeskError as exc:
            self.ctx.messages.warn(self, exc.message)
            return False
        return True

    def remove_row(self, session: Session, row: Row) -> str:  # pragma: no cover
        raise NotImplementedError

    def set_active(self, session: Session, row: Row, active: bool) -> object:  # pragma: no cover
        raise NotImplementedError


def _state(row: org.DepartmentRow | people.PersonRow) -> str:
    state = "在用" if row.active else "已停用"
    return state + "（演示数据）" if row.is_demo else state


class DepartmentsPage(RowsPage[org.DepartmentRow]):
    headers = ["名称", "类型", "排序号", "人员", "信息", "状态"]
    noun = "科室"

    def load(self) -> list[org.DepartmentRow]:
        with self.ctx.db.session() as s:
            return org.list_departments(s)

    def cells(self, row: org.DepartmentRow) -> list[str]:
        return [row.name, row.kind_label, str(row.sort_order), str(row.people), str(row.items), _state(row)]

    def dialog(self, row: Optional[org.DepartmentRow]) -> DepartmentDialog:
        return DepartmentDialog(self.ctx, row, self)

    def remove_row(self, session: Session, row: org.DepartmentRow) -> str:
        return org.remove_department(session, self.ctx.actor, row.id)

    def set_active(self, session: Session, row: org.DepartmentRow, active: bool) -> object:
        return org.set_department_active(session, self.ctx.actor, row.id, active)


class PeoplePage(RowsPage[people.PersonRow]):
    headers = ["姓名", "科室", "角色", "职务", "电话", "状态"]
    stretch_column = 2
    noun = "人员"

    def load(self) -> list[people.PersonRow]:
        with self.ctx.db.session() as s:
            return people.list_people(s)

    def cells(self, row: people.PersonRow) -> list[str]:
        return [row.name, row.department_name, row.roles_label, row.title, row.phone, _state(row)]

    def dialog(self, row: Optional[people.PersonRow]) -> PersonDialog:
        return PersonDialog(self.ctx, row, self)

    def remove_row(self, session: Session, row: people.PersonRow) -> str:
        return people.remove_person(session, self.ctx.actor, row.id)

    def set_active(self, session: Session, row: people.PersonRow, active: bool) -> object:
        return people.set_person_active(session, self.ctx.actor, row.id, active)


__all__ = ["DepartmentsPage", "PeoplePage", "DepartmentDialog", "PersonDialog"]
