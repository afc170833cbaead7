"""The register's filter bar: year/quarter, category, department, status, 公开属性, 仅超期,
即将到期, and the search box. It turns what is chosen into a core ``ItemFilter``.

Search is throttled on the leading edge: the first keystroke after a pause searches at once
(so typing one character, or an input method committing a word, updates the view without
waiting), while a burst of keystrokes inside ``SEARCH_PAUSE_MS`` is folded into one search
when the burst ends.
"""

from __future__ import annotations

from typing import Any, Optional

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QLineEdit, QWidget
from sqlalchemy import func, select

from deskapp.core.register.query import ItemFilter
from deskapp.core.store.db import Database
from deskapp.core.store.models import CatalogueEntry, Department, Item
from deskapp.core.store.vocab import ATTRIBUTES, STATUSES

SEARCH_PAUSE_MS = 120
SEARCH_PLACEHOLDER = "搜索标题、文号、索引号、内容"
QUARTERS = ["全年", "第一季度", "第二季度", "第三季度", "第四季度"]


def _combo(first: str, choices: list[tuple[str, Any]], width: int) -> QComboBox:
    box = QComboBox()
    box.setMinimumContentsLength(width)
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    _fill(box, first, choices)
    return box


def _fill(box: QComboBox, first: str, choices: list[tuple[str, Any]]) -> None:
    """Replace the choices, keeping the current one if it is still offered."""
    current = box.currentData()
    box.blockSignals(True)
    box.clear()
    box.addItem(first, None)
    for label, data in choices:
        box.addItem(label, data)
    at = box.findData(current) if current is not None else 0
    box.setCurrentIndex(max(at, 0))
    box.blockSignals(False)


class SearchBox(QLineEdit):
    """The search field; ``search_changed(text)`` is throttled as the module doc says."""

    search_changed = Signal(str)

    def __init__(self, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.setPlaceholderText(SEARCH_PLACEHOLDER)
        self.setClearButtonEnabled(True)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_PAUSE_MS)
        self._timer.timeout.connect(self._trailing)
        self._pending = False
        self._sent = ""
        self.textChanged.connect(self._typed)

    def _typed(self, _text: str) -> None:
        if self._timer.isActive():
            self._pending = True
        else:
            self._send()
        self._timer.start()

    def _trailing(self) -> None:
        if self._pending:
            self._pending = False
            self._send()

    def forget(self) -> None:
        """The text was set without signals (a reset): nothing is pending any more."""
        self._pending = False
        self._sent = self.text().strip()

    def _send(self) -> None:
        text = self.text().strip()
        if text != self._sent:
            self._sent = text
            self.search_changed.emit(text)


class FilterBar(QWidget):
    """Emits ``changed`` whenever the filter it describes changes.

    The search box (``.search``) belongs to the filter but is laid out by the tab, in the
    row with the buttons, where the eye looks first.
    """

    changed = Signal()

    def __init__(self, db: Database, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.db = db
        self.year = _combo("全部年份", [], 6)
        self.quarter = _combo(QUARTERS[0], [(q, n) for n, q in enumerate(QUARTERS[1:], 1)], 5)
        self.category = _combo("全部类别", [], 8)
        self.department = _combo("全部科室", [], 8)
        self.status = _combo("全部状态", [(v, k) for k, v in STATUSES.items()], 5)
        self.attribute = _combo("全部属性", [(v, k) for k, v in ATTRIBUTES.items()], 5)
        self.overdue = QCheckBox("仅超期")
        self.due_soon = QCheckBox("即将到期")
        self.search = SearchBox()
        self._layout()
        self._connect()
        self.quarter.setEnabled(False)

    def _layout(self) -> None:
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for label, widget in (("年度", self.year), (None, self.quarter), ("类别", self.category),
                              ("科室", self.department), ("状态", self.status),
                              ("属性", self.attribute)):
            if label:
                row.addWidget(QLabel(label))
            row.addWidget(widget)
        row.addWidget(self.overdue)
        row.addWidget(self.due_soon)
        row.addStretch(1)

    def _connect(self) -> None:
        for box in (self.year, self.quarter, self.category, self.department, self.status,
                    self.attribute):
            box.currentIndexChanged.connect(self._choice_changed)
        self.overdue.toggled.connect(self._choice_changed)
        self.due_soon.toggled.connect(self._choice_changed)
        self.search.search_changed.connect(lambda _t: self.changed.emit())

    def _choice_changed(self, *_args: Any) -> None:
        has_year = self.year.currentData() is not None
        self.quarter.setEnabled(has_year)
        if not has_year and self.quarter.currentIndex():
            self.quarter.blockSignals(True)
            self.quarter.setCurrentIndex(0)
            self.quarter.blockSignals(False)
        self.changed.emit()

    def reload_choices(self) -> None:
        """Years, first-level catalogue entries and departments as the database has them now."""
        with self.db.session() as s:
            first, last = s.execute(select(func.min(Item.formed_on), func.max(Item.formed_on))).one()
            groups = s.execute(
                select(CatalogueEntry.name, CatalogueEntry.id)
                .where(CatalogueEntry.parent_id.is_(None), CatalogueEntry.active.is_(True))
                .order_by(CatalogueEntry.sort_order, CatalogueEntry.id)).all()
            departments = s.execute(
                select(Department.name, Department.id).where(Department.active.is_(True))
                .order_by(Department.sort_order, Department.name)).all()
        years = range(last.year, first.year - 1, -1) if first and last else []
        _fill(self.year, "全部年份", [(f"{y}年", y) for y in years])
        _fill(self.category, "全部类别", [(n, i) for n, i in groups])
        _fill(self.department, "全部科室", [(n, i) for n, i in departments])

    def reset(self) -> None:
        """Back to everything: one ``changed`` at the end, not one per widget."""
        widgets = (self.year, self.quarter, self.category, self.department, self.status,
                   self.attribute, self.overdue, self.due_soon, self.search)
        for w in widgets:
            w.blockSignals(True)
        for box in widgets[:6]:
            box.setCurrentIndex(0)
        self.overdue.setChecked(False)
        self.due_soon.setChecked(False)
        self.search.clear()
        self.search.forget()
        self.quarter.setEnabled(False)
        for w in widgets:
            w.blockSignals(False)
        self.changed.emit()

    def current_filter(self) -> ItemFilter:
        year = self.year.currentData()
        return ItemFilter(
            year=year,
            quarter=self.quarter.currentData() if year else None,
            catalogue_id=self.category.currentData(),
            department_id=self.department.currentData(),
            status=self.status.currentData(),
            attribute=self.attribute.currentData(),
            overdue_only=self.overdue.isChecked(),
            due_soon_only=self.due_soon.isChecked(),
            search=self.search.text().strip(),
        )
