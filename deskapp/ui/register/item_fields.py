"""Small field widgets of the item dialog: a date that may be empty, channel checkboxes,
the red per-field error line and the red * of a required label."""

from __future__ import annotations

import datetime as dt
from typing import Callable, Iterable, Optional

from PySide6.QtCore import QDate, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QStyle,
    QStyleOptionComboBox,
    QStylePainter,
    QToolButton,
    QWidget,
)

from deskapp.core.register.item_form import CatalogueChoice, Choice
from deskapp.ui.common.form_kit import ERROR_COLOR, from_qdate

_EMPTY_QDATE = QDate(1900, 1, 1)  # only what the edit shows while empty; never a value
_FILL_KEYS = {Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown,
              *(getattr(Qt.Key, f"Key_{n}") for n in range(10))}


def required_label(text: str) -> QLabel:
    """“标题*” with a red star."""
    label = QLabel(f'{text}<span style="color:{ERROR_COLOR}">*</span>')
    label.setTextFormat(Qt.TextFormat.RichText)
    return label


def to_qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


class OptionalDateEdit(QWidget):
    """A date that may be left empty: shows “未填写” until clicked or typed into (then it
    starts at ``default()``), and a ✕ button empties it again. ``date()`` is None when empty;
    the 1900-01-01 the edit holds while empty is never handed out as a value."""

    changed = Signal()

    def __init__(self, default: Callable[[], dt.date], parent: Optional[QWidget] = None):
        super().__init__(parent)
        self._default = default
        self._empty = True
        self._edit = QDateEdit()
        self._edit.setCalendarPopup(True)
        self._edit.setDisplayFormat("yyyy-MM-dd")
        self._edit.setMinimumDate(_EMPTY_QDATE)
        self._edit.setSpecialValueText("未填写")
        self._edit.setDate(_EMPTY_QDATE)
        self._edit.dateChanged.connect(self._on_date_changed)
        self._clear = QToolButton()
        self._clear.setText("✕")
        self._clear.setToolTip("清除日期")
        self._clear.setAutoRaise(True)
        self._clear.clicked.connect(lambda: self.setDate(None))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self._edit)
        layout.addWidget(self._clear)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self._edit.setMinimumWidth(130)
        # The ✕ keeps its place while hidden, so fields do not jump when a date is cleared.
        policy = self._clear.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self._clear.setSizePolicy(policy)
        for widget in (self._edit, *self._edit.findChildren(QWidget)):
            widget.installEventFilter(self)
        self.setFocusProxy(self._edit)
        self._sync_clear()

    def date(self) -> Optional[dt.date]:
        return None if self._empty else from_qdate(self._edit.date())

    def setDate(self, day: Optional[dt.date]) -> None:  # noqa: N802 (Qt naming)
        before = self.date()
        self._edit.blockSignals(True)
        self._empty = day is None
        self._edit.setDate(_EMPTY_QDATE if day is None else to_qdate(day))
        self._edit.blockSignals(False)
        self._sync_clear()
        if self.date() != before:
            self.changed.emit()

    def setEnabled(self, enabled: bool) -> None:  # noqa: N802
        super().setEnabled(enabled)
        self._sync_clear()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        # Filling on the first click or key: the calendar popup then opens on today's month
        # instead of January 1900.
        if self._empty and self.isEnabled():
            kind = event.type()
            if kind == QEvent.Type.MouseButtonPress or (
                kind == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) and event.key() in _FILL_KEYS
            ):
                self.setDate(self._default())
        return False

    def _on_date_changed(self, qdate: QDate) -> None:
        if qdate == _EMPTY_QDATE:
            return
        self._empty = False
        self._sync_clear()
        self.changed.emit()

    def _sync_clear(self) -> None:
        self._clear.setVisible(not self._empty and self.isEnabled())


class ChannelChecks(QWidget):
    """公开渠道和载体: one checkbox each, in columns. Channels unknown to the vocabulary
    (from an imported ledger) get a box too, so saving does not drop them."""

    changed = Signal()

    def __init__(self, channels: Iterable[str], columns: int = 4, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self._columns = columns
        self._boxes: dict[str, QCheckBox] = {}
        self._order: list[str] = []
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setHorizontalSpacing(16)
        for name in channels:
            self._add_box(name)

    def _add_box(self, name: str) -> QCheckBox:
        box = QCheckBox(name)
        box.toggled.connect(lambda _on: self.changed.emit())
        n = len(self._boxes)
        self._grid.addWidget(box, n // self._columns, n % self._columns)
        self._boxes[name] = box
        return box

    def channels(self) -> list[str]:
        """Ticked channels: those set last in their order, then newly ticked ones."""
        ticked = [name for name, box in self._boxes.items() if box.isChecked()]
        return [c for c in self._order if c in ticked] + [c for c in ticked if c not in self._order]

    def set_channels(self, chosen: Iterable[str]) -> None:
        chosen = list(chosen)
        self._order = chosen
        for name in chosen:
            if name not in self._boxes:
                self._add_box(name)
        for name, box in self._boxes.items():
            box.blockSignals(True)
            box.setChecked(name in chosen)
            box.blockSignals(False)
        self.changed.emit()

    def box(self, name: str) -> QCheckBox:
        return self._boxes[name]


def fill_choices(combo: QComboBox, choices: list[Choice], empty: str = "（不选）") -> None:
    combo.clear()
    combo.addItem(empty, None)
    for c in choices:
        combo.addItem(c.label, c.id)


PATH_ROLE = Qt.ItemDataRole.UserRole + 1


class CatalogueCombo(QComboBox):
    """目录条目: the popup lists 二级事项 indented under their 一级事项; closed, the box
    shows the path (“公告公示 › 公告”) instead of the indented name."""

    def current_path(self) -> str:
        return self.currentData(PATH_ROLE) or self.currentText()

    def paintEvent(self, _event: object) -> None:  # noqa: N802
        painter = QStylePainter(self)
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        option.currentText = self.current_path()
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, option)
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, option)


def fill_catalogue(combo: QComboBox, entries: list[CatalogueChoice]) -> None:
    """一级事项 flush left in bold, 二级事项 indented under them; all selectable."""
    combo.clear()
    combo.addItem("（不选）", None)
    parents: list[str] = []
    for entry in entries:
        parents[entry.level - 1:] = [entry.name]
        combo.addItem("　　" * (entry.level - 1) + entry.name, entry.id)
        index = combo.count() - 1
        combo.setItemData(index, " › ".join(parents), PATH_ROLE)
        if entry.level == 1:
            font = combo.font()
            font.setBold(True)
            combo.setItemData(index, font, Qt.ItemDataRole.FontRole)
        limit = entry.time_limit_text or f"{entry.time_limit_days}个工作日内"
        combo.setItemData(index, f"{entry.name}：公开时限 {limit}", Qt.ItemDataRole.ToolTipRole)


def select_data(combo: QComboBox, value: object) -> None:
    """Select the entry whose data is ``value`` (the first, “不选”, when there is none)."""
    index = combo.findData(value)
    combo.setCurrentIndex(index if index >= 0 else 0)
