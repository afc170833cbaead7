"""A whole year at a glance: twelve small months, holidays in red, make-up working days in
blue, weekends grey — so a mistyped date shows up as a gap or a stray square."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Iterable, Optional

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

HOLIDAY_BG = QColor("#ef9a9a")
MAKEUP_BG = QColor("#90caf9")
WEEKEND_FG = QColor("#9e9e9e")
COLUMNS, ROWS = 3, 4
WEEK_HEAD = "一二三四五六日"


class YearPreview(QWidget):
    def __init__(self, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.year = dt.date.today().year
        self.holidays: set[dt.date] = set()
        self.makeup: set[dt.date] = set()
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt naming)
        return QSize(3 * 130, 4 * 118)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(3 * 112, 4 * 100)

    def set_days(self, year: int, holidays: Iterable[dt.date], makeup: Iterable[dt.date]) -> None:
        self.year = year
        self.holidays = set(holidays)
        self.makeup = set(makeup)
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        font = painter.font()
        font.setPixelSize(10)
        painter.setFont(font)
        width, height = self.width() / COLUMNS, self.height() / ROWS
        for month in range(1, 13):
            col, row = (month - 1) % COLUMNS, (month - 1) // COLUMNS
            self._paint_month(painter, month, QRectF(col * width, row * height, width, height).adjusted(3, 2, -3, -2))
        painter.end()

    def _paint_month(self, painter: QPainter, month: int, box: QRectF) -> None:
        cell_w, cell_h = box.width() / 7, box.height() / 8  # title, weekday row, up to 6 weeks
        painter.setPen(self.palette().windowText().color())
        bold = painter.font()
        bold.setBold(True)
        plain = painter.font()
        painter.setFont(bold)
        painter.drawText(QRectF(box.left(), box.top(), box.width(), cell_h), Qt.AlignmentFlag.AlignCenter, f"{month}月")
        painter.setFont(plain)
        for i, name in enumerate(WEEK_HEAD):
            painter.setPen(WEEKEND_FG if i >= 5 else self.palette().windowText().color())
            painter.drawText(QRectF(box.left() + i * cell_w, box.top() + cell_h, cell_w, cell_h),
                             Qt.AlignmentFlag.AlignCenter, name)
        weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(self.year, month)
        for w, week in enumerate(weeks):
            for d, day in enumerate(week):
                if day.month != month:
                    continue
                cell = QRectF(box.left() + d * cell_w, box.top() + (w + 2) * cell_h, cell_w, cell_h)
                self._paint_day(painter, day, cell)

    def _paint_day(self, painter: QPainter, day: dt.date, cell: QRectF) -> None:
        fill = HOLIDAY_BG if day in self.holidays else MAKEUP_BG if day in self.makeup else None
        if fill is not None:
            painter.fillRect(cell.adjusted(0.5, 0.5, -0.5, -0.5), fill)
        weekend = day.weekday() >= 5 and fill is None
        painter.setPen(WEEKEND_FG if weekend else self.palette().windowText().color())
        painter.drawText(cell, Qt.AlignmentFlag.AlignCenter, str(day.day))
