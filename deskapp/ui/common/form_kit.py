"""Small pieces the settings dialogs share: a form whose fields carry their own red error line,
a date field that takes what clerks type (2027-10-1, 10.1) or a calendar pick, and a grid of
checkboxes for codes with labels (roles, channels)."""

from __future__ import annotations

import datetime as dt
import re
from contextlib import contextmanager
from typing import Callable, Iterable, Iterator, Optional, cast

from PySide6.QtCore import QDate, QLocale, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QCalendarWidget,
    QCheckBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from deskapp.core.calendar.dates import parse_date
from deskapp.core.errors import DeskError, ValidationError

ERROR_COLOR = "#c62828"
BAD_FIELD_STYLE = f"border: 1px solid {ERROR_COLOR};"
PICKER_STYLE = "QToolButton::menu-indicator { image: none; width: 0px; }"
_MONTH_DAY = re.compile(r"^\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")


class ErrorLabel(QLabel):
    """The red line under a field saying what is wrong with it; hidden when all is well."""

    def __init__(self, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.setStyleSheet(f"color: {ERROR_COLOR};")
        self.setWordWrap(True)
        self.hide()

    def show_message(self, text: str) -> None:
        self.setText(text)
        self.setVisible(bool(text))


class FieldErrors:
    """Maps the field names core's ValidationError uses to the widgets and their error lines.

    Messages for names no field claims go to ``general`` (shown above the buttons).
    """

    def __init__(self) -> None:
        self.labels: dict[str, ErrorLabel] = {}
        self.widgets: dict[str, QWidget] = {}
        self.general = ErrorLabel()

    def wrap(self, key: str, widget: QWidget, suffix: Optional[QWidget] = None) -> QWidget:
        """The widget (and what follows it on its line) with its error line underneath."""
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        if suffix is None:
            column.addWidget(widget)
        else:
            line = QHBoxLayout()
            line.addWidget(widget)
            line.addWidget(suffix)
            line.addStretch(1)
            column.addLayout(line)
        label = ErrorLabel()
        column.addWidget(label)
        self.labels[key] = label
        self.widgets[key] = widget
        return box

    def add_row(self, form: QFormLayout, text: str, key: str, widget: QWidget,
                suffix: Optional[QWidget] = None) -> None:
        form.addRow(text, self.wrap(key, widget, suffix))

    def clear(self) -> None:
        for label in [*self.labels.values(), self.general]:
            label.show_message("")

    def show(self, fields: dict[str, str]) -> None:
        """Each message next to its field; the first bad field gets the focus."""
        self.clear()
        leftover = []
        for key, text in fields.items():
            if key in self.labels:
                self.labels[key].show_message(text)
            else:
                leftover.append(text)
        self.general.show_message("；".join(leftover))
        first = next((self.widgets[k] for k in fields if k in self.widgets), None)
        if first is not None:
            first.setFocus()

    def message(self, key: str) -> str:
        """The message shown for ``key`` ("" for the general line); "" when none."""
        label = self.general if key == "" else self.labels.get(key)
        return label.text() if label is not None else ""


def run_action(errors: FieldErrors, warn: Callable[[str], None], action: Callable[[], object]) -> bool:
    """Run a save: field errors go next to their fields, other desk errors to a message box.
    True when it went through."""
    try:
        action()
    except ValidationError as exc:
        errors.show(exc.fields)
        return False
    except DeskError as exc:
        warn(exc.message)
        return False
    errors.clear()
    return True


@contextmanager
def busy() -> Iterator[None]:
    """A wait cursor while a save recomputes deadlines (about a second for 50 000 open items)."""
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        QApplication.restoreOverrideCursor()


def save_shortcut(widget: QWidget, slot: Callable[[], object]) -> QShortcut:
    shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Save), widget)
    shortcut.activated.connect(slot)
    return shortcut


def from_qdate(qdate: QDate) -> dt.date:
    """The Python date of a valid QDate. PySide6's stubs declare ``toPython()`` as returning
    ``object`` (it returns a ``datetime.date``), hence the cast, here and nowhere else."""
    return cast(dt.date, qdate.toPython())


def parse_day(text: str, default_year: Optional[int] = None) -> Optional[dt.date]:
    """What a clerk types: 2027-10-1, 2027年10月1日, 20271001 — or 10-1 / 10.1 / 10月1日 in
    ``default_year``. None when it is no date."""
    m = _MONTH_DAY.match(text) if default_year else None
    if m and default_year:
        try:
            return dt.date(default_year, int(m.group(1)), int(m.group(2)))
        except ValueError:
            return None
    return parse_date(text)


def chinese_calendar() -> QCalendarWidget:
    """A calendar in Chinese (月份、星期) whatever the PC's locale, weeks from Monday."""
    widget = QCalendarWidget()
    widget.setLocale(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    widget.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
    widget.setGridVisible(True)
    widget.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
    return widget


class DateField(QWidget):
    """A date typed as text (see ``parse_day``) or picked from a calendar; may be empty.

    ``state()`` is "empty", "ok" or "bad"; a good date is rewritten as 2027-10-01 when the
    field is left, so the user sees what was understood.
    """

    changed = Signal()

    def __init__(self, default_year: Callable[[], Optional[int]] = lambda: None,
                 parent: Optional[QWidget] = None):
        super().__init__(parent)
        self._default_year = default_year
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("如 2027-10-1")
        self.edit.setMaxLength(20)
        self.edit.textChanged.connect(self._on_text)
        self.edit.editingFinished.connect(self._normalise)
        self.edit.returnPressed.connect(self.edit.focusNextChild)  # Enter moves on, as Tab does
        self.button = QToolButton()
        self.button.setText("▼")
        self.button.setToolTip("从日历中选择")
        self.button.setStyleSheet(PICKER_STYLE)
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes from date to date
        self.calendar = chinese_calendar()
        self.calendar.clicked.connect(self._picked)
        menu = QMenu(self.button)
        action = QWidgetAction(menu)
        action.setDefaultWidget(self.calendar)
        menu.addAction(action)
        menu.aboutToShow.connect(self._prepare_calendar)
        self.button.setMenu(menu)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.button)
        self.setFocusProxy(self.edit)

    def text(self) -> str:
        return self.edit.text()

    def setText(self, text: str) -> None:  # noqa: N802 (Qt naming)
        self.edit.setText(text)

    def date(self) -> Optional[dt.date]:
        return parse_day(self.edit.text(), self._default_year()) if self.edit.text().strip() else None

    def set_date(self, day: Optional[dt.date]) -> None:
        self.edit.setText(day.isoformat() if day else "")

    def state(self) -> str:
        if not self.edit.text().strip():
            return "empty"
        return "ok" if self.date() is not None else "bad"

    def mark_bad(self, bad: bool) -> None:
        self.edit.setStyleSheet(BAD_FIELD_STYLE if bad else "")

    def _on_text(self, _text: str) -> None:
        self.mark_bad(False)
        self.changed.emit()

    def _normalise(self) -> None:
        day = self.date()
        if day is not None and self.edit.text() != day.isoformat():
            self.edit.setText(day.isoformat())
        self.mark_bad(self.state() == "bad")

    def _prepare_calendar(self) -> None:
        day = self.date()
        year = self._default_year()
        if day is None and year:
            day = dt.date(year, 1, 1) if dt.date.today().year != year else dt.date.today()
        if day is not None:
            self.calendar.setSelectedDate(QDate(day.year, day.month, day.day))

    def _picked(self, qdate: QDate) -> None:
        self.set_date(from_qdate(qdate))
        menu = self.button.menu()
        if menu is not None:
            menu.close()


class CheckGrid(QWidget):
    """One checkbox per (code, label), in rows of ``columns``; ``checked()`` gives the codes."""

    changed = Signal()

    def __init__(self, options: Iterable[tuple[str, str]], columns: int = 4,
                 parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.boxes: dict[str, QCheckBox] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(14)
        for n, (code, text) in enumerate(options):
            box = QCheckBox(text)
            box.toggled.connect(lambda _on: self.changed.emit())
            grid.addWidget(box, n // columns, n % columns)
            self.boxes[code] = box

    def checked(self) -> list[str]:
        return [code for code, box in self.boxes.items() if box.isChecked()]

    def set_checked(self, codes: Iterable[str]) -> None:
        chosen = set(codes)
        for code, box in self.boxes.items():
            box.blockSignals(True)
            box.setChecked(code in chosen)
            box.blockSignals(False)
        self.changed.emit()


def hint_label(text: str, wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet("color: #666;")
    label.setWordWrap(wrap)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def spin_box(low: int, high: int, suffix: str, width: int = 110) -> QSpinBox:
    """A number field of the settings forms, with its unit after the number."""
    spin = QSpinBox()
    spin.setRange(low, high)
    spin.setSuffix(suffix)
    spin.setMinimumWidth(width)
    return spin
