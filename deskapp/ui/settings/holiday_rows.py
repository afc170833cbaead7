"""The entry pieces of the holiday dialog: one row per holiday (名称, 开始, 结束) and the field
for make-up working days, both reading dates the way clerks type them."""

from __future__ import annotations

import datetime as dt
import re
from typing import Callable, Optional

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from deskapp.core.register.holidays import weekday_name
from deskapp.ui.common.form_kit import (
    BAD_FIELD_STYLE,
    ERROR_COLOR,
    PICKER_STYLE,
    DateField,
    chinese_calendar,
    from_qdate,
    parse_day,
)

NAME_WIDTH, DATE_WIDTH, DAYS_WIDTH = 120, 150, 70
_SPLIT = re.compile(r"[,，、;；\s]+")


class HolidayRow(QWidget):
    """名称 | 开始日期 | 结束日期 | 共N天 | ✕ — an empty 结束 means a one-day holiday."""

    changed = Signal()
    removed = Signal(object)

    def __init__(self, year: Callable[[], int], name: str, first: Optional[dt.date],
                 last: Optional[dt.date], parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.name = QLineEdit(name)
        self.name.setPlaceholderText("假期名称")
        self.name.setFixedWidth(NAME_WIDTH)
        self.name.returnPressed.connect(self.name.focusNextChild)  # Enter moves on, as Tab does
        self.first = DateField(year)
        self.last = DateField(year)
        self.last.edit.setPlaceholderText("同开始日期")
        for field in (self.first, self.last):
            field.setFixedWidth(DATE_WIDTH)
        self.first.set_date(first)
        self.last.set_date(last if last != first else None)
        self.days = QLabel()
        self.days.setFixedWidth(DAYS_WIDTH)
        self.remove = QToolButton()
        self.remove.setText("✕")
        self.remove.setToolTip("删除这一段")
        self.remove.setAutoRaise(True)
        self.remove.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab/Enter go from row to row
        self.remove.clicked.connect(lambda: self.removed.emit(self))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.name, self.first, self.last, self.days, self.remove):
            layout.addWidget(widget)
        layout.addStretch(1)
        self.name.textChanged.connect(self._on_change)
        self.first.changed.connect(self._on_change)
        self.last.changed.connect(self._on_change)
        self._update_days()

    @staticmethod
    def header() -> QWidget:
        header = QWidget()
        layout = QHBoxLayout(header)
        layout.setContentsMargins(0, 0, 0, 0)
        for text, width in (("名称", NAME_WIDTH), ("开始日期", DATE_WIDTH), ("结束日期", DATE_WIDTH),
                            ("天数", DAYS_WIDTH)):
            label = QLabel(text)
            label.setFixedWidth(width)
            layout.addWidget(label)
        layout.addStretch(1)
        return header

    def dates(self) -> tuple[Optional[dt.date], Optional[dt.date]]:
        """(first, last); last is first when left empty; None where a date cannot be read."""
        first = self.first.date()
        last = self.last.date() if self.last.state() != "empty" else first
        return first, last

    def is_blank(self) -> bool:
        return self.first.state() == "empty" and self.last.state() == "empty"

    def problem(self) -> Optional[str]:
        """Why this row cannot be read (and the bad field marked red); None when it can,
        or when both dates are empty (a standard holiday not filled in is left out)."""
        label = self.name.text().strip() or "未命名的假期"
        for field, what in ((self.first, "开始日期"), (self.last, "结束日期")):
            field.mark_bad(field.state() == "bad")
            if field.state() == "bad":
                return f"“{label}”的{what}“{field.text().strip()}”无法识别，请写作 2027-10-1"
        if self.first.state() == "empty" and self.last.state() == "ok":
            self.first.mark_bad(True)
            return f"“{label}”请填写开始日期"
        return None

    def _on_change(self) -> None:
        self._update_days()
        self.changed.emit()

    def _update_days(self) -> None:
        first, last = self.dates()
        if first and last and last >= first:
            self.days.setText(f"共 {(last - first).days + 1} 天")
            self.days.setStyleSheet("")
        elif first and last:
            self.days.setText("结束早于开始")
            self.days.setStyleSheet(f"color: {ERROR_COLOR};")
        else:
            self.days.setText("")


class MakeupField(QWidget):
    """Several dates in one line (2027-2-14、10-9 …), a calendar to add one, and what was
    understood, with the weekday, underneath."""

    changed = Signal()

    def __init__(self, year: Callable[[], int], parent: Optional[QWidget] = None):
        super().__init__(parent)
        self._year = year
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("如 2027-2-14、2027-10-9（可写多个，用顿号、逗号或空格隔开）")
        self.edit.textChanged.connect(self._on_text)
        self.button = QToolButton()
        self.button.setText("▼")
        self.button.setToolTip("从日历中添加一天")
        self.button.setStyleSheet(PICKER_STYLE)
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.calendar = chinese_calendar()
        self.calendar.clicked.connect(self._picked)
        menu = QMenu(self.button)
        action = QWidgetAction(menu)
        action.setDefaultWidget(self.calendar)
        menu.addAction(action)
        menu.aboutToShow.connect(lambda: self.calendar.setCurrentPage(self._year(), 1))
        self.button.setMenu(menu)
        self.understood = QLabel()
        self.understood.setWordWrap(True)
        line = QHBoxLayout()
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(self.edit, 1)
        line.addWidget(self.button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(line)
        layout.addWidget(self.understood)
        self._on_text(self.edit.text())

    def tokens(self) -> list[str]:
        return [t for t in _SPLIT.split(self.edit.text().strip()) if t]

    def dates(self) -> list[dt.date]:
        parsed = (parse_day(t, self._year()) for t in self.tokens())
        return [d for d in parsed if d is not None]

    def bad_tokens(self) -> list[str]:
        return [t for t in self.tokens() if parse_day(t, self._year()) is None]

    def set_dates(self, days: list[dt.date]) -> None:
        self.edit.setText("、".join(d.isoformat() for d in days))

    def _on_text(self, _text: str) -> None:
        bad = self.bad_tokens()
        self.edit.setStyleSheet(BAD_FIELD_STYLE if bad else "")
        parts = []
        for day in self.dates():
            note = "" if day.weekday() >= 5 else f'<span style="color:{ERROR_COLOR}">（不是周末）</span>'
            parts.append(f"{day.month}月{day.day}日 {weekday_name(day)}{note}")
        parts += [f'<span style="color:{ERROR_COLOR}">“{t}”无法识别</span>' for t in bad]
        self.understood.setText("　".join(parts) if parts else "（无调休上班日）")
        self.changed.emit()

    def _picked(self, qdate: QDate) -> None:
        day = from_qdate(qdate)
        if day not in self.dates():
            self.edit.setText("、".join([*self.tokens(), day.isoformat()]))
        menu = self.button.menu()
        if menu is not None:
            menu.close()
