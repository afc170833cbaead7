"""设置 → 节假日安排: enter a year's holiday arrangement in a minute, and see it take effect.

A new year starts with the seven standard holidays named and their dates empty; dates are
typed as clerks type them (2027-10-1, or just 10-1 for the chosen year) or picked from a
calendar. 保存 validates (core), saves the year and recomputes every open deadline in one
transaction, then says how many deadlines changed.
"""

from __future__ import annotations

import datetime as dt
from typing import Optional

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from deskapp.core.calendar.workdays import HolidayRange, YearArrangement
from deskapp.core.errors import DeskError, ValidationError
from deskapp.core.register import holidays
from deskapp.core.requests import deadlines
from deskapp.ui.common.context import AppContext
from deskapp.ui.common.form_kit import ErrorLabel, busy, hint_label, save_shortcut
from deskapp.ui.settings.holiday_rows import HolidayRow, MakeupField
from deskapp.ui.settings.year_preview import HOLIDAY_BG, MAKEUP_BG, WEEKEND_FG, YearPreview

STATUS_STYLE = {"package": "color: #2e7d32;", "user": "color: #1a5fb4;", None: "color: #b26a00; font-weight: bold;"}


class HolidayDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.ctx = ctx
        self.rows: list[HolidayRow] = []
        self._shown_year = 0
        self._dirty = False
        self._loading = False
        self.setWindowTitle("节假日安排")
        self.resize(1000, 660)
        layout = QVBoxLayout(self)
        layout.addLayout(self._build_year_bar())
        self.provisional_label = hint_label("")
        layout.addWidget(self.provisional_label)
        body = QHBoxLayout()
        body.addLayout(self._build_entry(), 1)
        body.addLayout(self._build_preview(), 0)
        layout.addLayout(body, 1)
        layout.addWidget(hint_label(
            "日期可直接输入 2027-10-1、2027/10/1、20271001，或只写 10-1（即所选年份）；只填开始日期表示放假一天。"
            "假期含其中的周末。保存后，所有未办结信息的公开期限立即按新安排重算。"))
        self.general_error = ErrorLabel()
        layout.addWidget(self.general_error)
        layout.addWidget(self._build_buttons())
        save_shortcut(self, self.save)
        with ctx.db.session() as s:
            start_year = holidays.first_year_needing_entry(s, ctx.today())
        self.year.setValue(start_year)
        self.load_year(start_year)

    # --- building --------------------------------------------------------------------

    def _build_year_bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        bar.addWidget(QLabel("年份"))
        self.year = QSpinBox()
        self.year.setRange(holidays.MIN_YEAR, holidays.MAX_YEAR)
        self.year.setSuffix(" 年")
        self.year.setMinimumWidth(100)
        self.year.setKeyboardTracking(False)  # load the year once it is typed, not per digit
        self.year.valueChanged.connect(self._year_changed)
        bar.addWidget(self.year)
        self.status_label = QLabel()
        bar.addWidget(self.status_label)
        bar.addStretch(1)
        self.restore_button = QPushButton("恢复内置安排")
        self.restore_button.setAutoDefault(False)
        self.restore_button.setToolTip("放弃对该年的修改，恢复节假日安排数据包中的安排")
        self.restore_button.clicked.connect(self.restore)
        bar.addWidget(self.restore_button)
        return bar

    def _build_entry(self) -> QVBoxLayout:
        column = QVBoxLayout()
        group = QGroupBox("放假安排（每段假期的起止日期，含其中的周末）")
        inner = QVBoxLayout(group)
        inner.addWidget(HolidayRow.header())
        self.rows_box = QVBoxLayout()
        self.rows_box.setSpacing(4)
        holder = QWidget()
        holder_layout = QVBoxLayout(holder)
        holder_layout.setContentsMargins(0, 0, 0, 0)
        holder_layout.addLayout(self.rows_box)
        holder_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(holder)
        inner.addWidget(scroll, 1)
        self.add_button = QPushButton("添加一段假期")
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(lambda: self._add_row("", None, None).name.setFocus())
        inner.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.holidays_error = ErrorLabel()
        inner.addWidget(self.holidays_error)
        column.addWidget(group, 1)
        makeup_group = QGroupBox("调休上班日（周六或周日照常上班的日子）")
        makeup_layout = QVBoxLayout(makeup_group)
        self.makeup = MakeupField(lambda: self.year.value())
        self.makeup.changed.connect(self._changed)
        makeup_layout.addWidget(self.makeup)
        self.makeup_error = ErrorLabel()
        makeup_layout.addWidget(self.makeup_error)
        column.addWidget(makeup_group)
        return column

    def _build_preview(self) -> QVBoxLayout:
        column = QVBoxLayout()
        column.addWidget(QLabel("全年预览"))
        self.preview = YearPreview()
        column.addWidget(self.preview, 1)
        legend = QLabel(f'<span style="background:{HOLIDAY_BG.name()}">&nbsp;放假&nbsp;</span>　'
                        f'<span style="background:{MAKEUP_BG.name()}">&nbsp;调休上班&nbsp;</span>　'
                        f'<span style="color:{WEEKEND_FG.name()}">周末</span>')
        legend.setTextFormat(Qt.TextFormat.RichText)
        column.addWidget(legend)
        return column

    def _build_buttons(self) -> QDialogButtonBox:
        buttons = QDialogButtonBox()
        # No default button: Enter in a date moves on to the next field, so a half-entered
        # year is never saved by accident (保存 or Ctrl+S saves).
        # ActionRole: the button box would make an accept button the default one.
        self.save_button = buttons.addButton("保存", QDialogButtonBox.ButtonRole.ActionRole)
        close = buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        for button in (self.save_button, close):
            button.setAutoDefault(False)
        self.save_button.clicked.connect(self.save)
        buttons.rejected.connect(self.reject)
        return buttons

    def _add_row(self, name: str, first: Optional[dt.date], last: Optional[dt.date]) -> HolidayRow:
        row = HolidayRow(lambda: self.year.value(), name, first, last)
        row.changed.connect(self._changed)
        row.removed.connect(self._remove_row)
        row.setEnabled(not self.ctx.read_only)
        self.rows.append(row)
        self.rows_box.addWidget(row)
        self._changed()
        return row

    def _remove_row(self, row: HolidayRow) -> None:
        self.rows.remove(row)
        row.setParent(None)
        row.deleteLater()
        self._changed()

    # --- loading a year --------------------------------------------------------------

    def load_year(self, year: int) -> None:
        self._loading = True
        self._shown_year = year
        with self.ctx.db.session() as s:
            info = holidays.year_info(s, year)
            pending = holidays.provisional_count(s)
        for row in list(self.rows):
            self._remove_row(row)
        ranges = info.arrangement.holidays
        if info.source is None and not ranges:
            for name in holidays.STANDARD_HOLIDAYS:
                self._add_row(name, None, None)
        for r in ranges:
            self._add_row(r.name, r.first, r.last)
        self.makeup.set_dates(info.arrangement.makeup_workdays)
        self.status_label.setText(f"{year}年：{info.status_text}")
        self.status_label.setStyleSheet(STATUS_STYLE[info.source])
        self.restore_button.setVisible(info.in_package and info.source == "user")
        self.restore_button.setEnabled(not self.ctx.read_only)
        self.provisional_label.setText(
            f"目前有 {pending} 条未办结信息的公开期限为暂定（所跨年份的安排未录入，暂按周一至周五计算）。"
            if pending else "")
        self.provisional_label.setVisible(bool(pending))
        self._show_errors({})
        self._apply_read_only()
        self._loading = False
        self._dirty = False
        self._update_preview()

    def _apply_read_only(self) -> None:
        writable = not self.ctx.read_only
        for widget in (self.add_button, self.makeup, self.save_button):
            widget.setEnabled(writable)

    def _year_changed(self, year: int) -> None:
        if self._dirty and not self.ctx.messages.confirm(self, "当前年份的修改尚未保存，放弃这些修改吗？"):
            self.year.blockSignals(True)
            self.year.setValue(self._shown_year)
            self.year.blockSignals(False)
            return
        self.load_year(year)

    def _changed(self) -> None:
        if not self._loading:
            self._dirty = True
        self._update_preview()

    # --- preview ---------------------------------------------------------------------

    def _update_preview(self) -> None:
        days: list[dt.date] = []
        for row in self.rows:
            first, last = row.dates()
            if first and last and 0 <= (last - first).days <= 62:
                days += [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
        self.preview.set_days(self.year.value(), days, self.makeup.dates())

    # --- saving ----------------------------------------------------------------------

    def collect(self) -> tuple[Optional[YearArrangement], dict[str, str]]:
        """What the form says, or the messages for what cannot be read."""
        year = self.year.value()
        ranges: list[HolidayRange] = []
        problems: list[str] = []
        for row in self.rows:
            problem = row.problem()
            if problem:
                problems.append(problem)
                continue
            first, last = row.dates()
            if first is not None and last is not None:
                ranges.append(HolidayRange(row.name.text().strip(), first, last))
        errors: dict[str, str] = {}
        if problems:
            errors["holidays"] = "；".join(problems)
        bad = self.makeup.bad_tokens()
        if bad:
            errors["makeup"] = f"无法识别的日期：{'、'.join(bad)}，请写作 {year}-2-14。"
        if errors:
            return None, errors
        return YearArrangement(year, ranges, self.makeup.dates()), {}

    def _show_errors(self, fields: dict[str, str]) -> None:
        self.holidays_error.show_message(fields.get("holidays", ""))
        self.makeup_error.show_message(fields.get("makeup", ""))
        self.general_error.show_message(fields.get("year", ""))

    def save(self) -> None:
        if self.ctx.read_only:
            return
        arrangement, errors = self.collect()
        if arrangement is None:
            self._show_errors(errors)
            return
        unfilled = [r.name.text().strip() for r in self.rows
                    if r.is_blank() and r.name.text().strip() in holidays.STANDARD_HOLIDAYS]
        if arrangement.holidays and unfilled and not self.ctx.messages.confirm(
                self, f"{'、'.join(unfilled)}还没有填写日期，这些节日将按平常日子计算。仍然保存吗？"):
            return
        try:
            with busy(), self.ctx.db.session() as s:
                changed = deadlines.save_holiday_year(s, self.ctx.actor, arrangement)
        except ValidationError as exc:
            self._show_errors(exc.fields)
            return
        except DeskError as exc:
            self.ctx.messages.warn(self, exc.message)
            return
        self._after_save(arrangement.year, changed, "已保存")

    def restore(self) -> None:
        year = self.year.value()
        if not self.ctx.messages.confirm(self, f"放弃对{year}年的修改，恢复内置的节假日安排吗？"):
            return
        try:
            with busy(), self.ctx.db.session() as s:
                changed = deadlines.restore_holiday_year(s, self.ctx.actor, year)
        except DeskError as exc:
            self.ctx.messages.warn(self, exc.message)
            return
        self._after_save(year, changed, "已恢复为内置安排")

    def _after_save(self, year: int, changed: tuple[int, int], done: str) -> None:
        self.load_year(year)
        self.ctx.bus.calendar_changed.emit()
        self.ctx.bus.items_changed.emit()
        items, requests = changed
        parts = [f"{items} 条信息的公开期限"] if items else []
        parts += [f"{requests} 件依申请公开的答复期限"] if requests else []
        effect = (f"重新计算后，{'和'.join(parts)}有变化。" if parts
                  else "现有信息的公开期限和申请的答复期限都没有变化。")
        self.ctx.messages.info(self, f"{year}年节假日安排{done}。{effect}")

    def reject(self) -> None:
        if self._dirty and not self.ctx.messages.confirm(self, "节假日安排的修改尚未保存，放弃这些修改并关闭吗？"):
            return
        super().reject()

