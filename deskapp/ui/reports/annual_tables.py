"""The 表格 tab of the annual report window: tables 二, 三 and 四 drawn from the same layout
grids as the Word/Excel/PDF outputs (merged headers, exact labels; read-only), each cell's
tooltip saying what it counts, the failing checks below in red (blocking) or amber
(warnings), and — once final — what changed since.

Only drawing lives here; the dialog (annual_dialog) builds the report and hands it over.
"""

from __future__ import annotations

from typing import Mapping, Optional, Sequence

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from deskapp.core.reports.annual import AnnualReport
from deskapp.core.reports.annual_checks import CheckResult
from deskapp.core.reports.annual_labels import COLUMN_KEYS, ROW_KEYS, S2_CELLS, S4_CELLS, SECTION_TITLES
from deskapp.core.store.models import InfoRequest
from deskapp.exports.annual_layout import Cell, Grid, ReportDoc
from deskapp.ui.common.form_kit import ERROR_COLOR

WARNING_COLOR = "#b26a00"
FAILED_CELL = QColor("#fde0dc")
WARNED_CELL = QColor("#fff3d6")
CAPTION_CELL = QColor("#eef2f7")
TOOLTIP_NUMBERS = 20  # request numbers listed in a cell's tooltip; the rest are counted
_CHUNK = 900  # ids per IN (…) query, under SQLite's parameter limit


def request_numbers(session: Session, ids: set[int]) -> dict[int, str]:
    """The 申请编号 of the requests a table counts, for the tooltips (a few chunked queries)."""
    found: dict[int, str] = {}
    ordered = sorted(ids)
    for start in range(0, len(ordered), _CHUNK):
        chunk = ordered[start:start + _CHUNK]
        rows = session.execute(select(InfoRequest.id, InfoRequest.number).where(InfoRequest.id.in_(chunk)))
        found.update((id_, number) for id_, number in rows)
    return found


def traced_tip(ids: Sequence[int], numbers: Mapping[int, str], noun: str = "件申请") -> str:
    """How many rows a cell counts and which: 3件申请：编号1、编号2、编号3."""
    if not ids:
        return f"0{noun}"
    shown = [numbers.get(i, f"#{i}") for i in ids[:TOOLTIP_NUMBERS]]
    more = f"等（另有{len(ids) - TOOLTIP_NUMBERS}件）" if len(ids) > TOOLTIP_NUMBERS else ""
    return f"{len(ids)}{noun}：" + "、".join(shown) + more


CELL_KEYS: dict[str, tuple[tuple[str, str], ...]] = {
    "二": S2_CELLS, "三": tuple((r, c) for r in ROW_KEYS for c in COLUMN_KEYS), "四": S4_CELLS}
TABLE_WIDTH = 940  # px the grid's relative widths are scaled to


def _table() -> QTableWidget:
    table = QTableWidget(0, 0)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setVisible(False)
    table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    table.setWordWrap(True)
    return table


def _item(cell: Cell) -> QTableWidgetItem:
    item = QTableWidgetItem(cell.display())
    if cell.is_value:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return item
    item.setToolTip(cell.text)
    if cell.role == "label":
        item.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        return item
    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
    font = QFont(item.font())
    font.setBold(cell.role != "note")
    item.setFont(font)
    item.setBackground(QBrush(CAPTION_CELL))
    return item


def draw_grid(table: QTableWidget, grid: Grid) -> list[QTableWidgetItem]:
    """The grid as the outputs draw it, merged cells included; returns the value cells' items
    in the grid's order (the order of CELL_KEYS[grid.key])."""
    table.clear()
    table.clearSpans()
    table.setRowCount(grid.n_rows)
    table.setColumnCount(grid.n_cols)
    scale = TABLE_WIDTH / sum(grid.widths)
    for col, width in enumerate(grid.widths):
        table.setColumnWidth(col, int(width * scale))
    values = []
    for cell in grid.cells:
        item = _item(cell)
        table.setItem(cell.row, cell.col, item)
        if cell.rows > 1 or cell.cols > 1:
            table.setSpan(cell.row, cell.col, cell.rows, cell.cols)
        if cell.is_value:
            values.append(item)
    _row_heights(table, grid)
    height = sum(table.rowHeight(r) for r in range(table.rowCount())) + 2 * table.frameWidth()
    table.setFixedSize(TABLE_WIDTH + 2 * table.frameWidth(), height)
    return values


def _row_heights(table: QTableWidget, grid: Grid) -> None:
    """Each row as tall as its own wrapped labels need. Not resizeRowsToContents: Qt gives a
    label merged down many rows (三、本年度办理结果) all its height in the first row."""
    metrics = QFontMetrics(table.font())
    needed = [metrics.height() + 8] * grid.n_rows
    for cell in grid.cells:
        if cell.rows != 1 or cell.is_value:
            continue
        width = sum(table.columnWidth(c) for c in range(cell.col, cell.col + cell.cols)) - 10
        box = metrics.boundingRect(QRect(0, 0, max(width, 10), 10_000), Qt.TextFlag.TextWordWrap, cell.text)
        needed[cell.row] = max(needed[cell.row], box.height() + 8)
    for row, height in enumerate(needed):
        table.setRowHeight(row, height)


class ReportTables(QWidget):
    """Tables 二/三/四, the failing checks and the changes since final, filled by :meth:`show_report`."""

    def __init__(self, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.tables = {key: _table() for key in CELL_KEYS}
        self.items: dict[tuple[str, str, str], QTableWidgetItem] = {}
        self.checks_title = QLabel()
        self.checks = QListWidget()
        self.checks.setWordWrap(True)
        self.changes_title = QLabel("定稿后变更（报告仍按定稿时的数字显示和导出）：")
        self.changes = QListWidget()
        self.changes.setWordWrap(True)
        layout = QVBoxLayout(self)
        for key, table in self.tables.items():
            layout.addWidget(QLabel(f"<b>{SECTION_TITLES[key]}</b>"))
            layout.addWidget(table)
        layout.addWidget(self.checks_title)
        layout.addWidget(self.checks)
        layout.addWidget(self.changes_title)
        layout.addWidget(self.changes)
        layout.addStretch(1)

    @property
    def table2(self) -> QTableWidget:
        return self.tables["二"]

    @property
    def table3(self) -> QTableWidget:
        return self.tables["三"]

    @property
    def table4(self) -> QTableWidget:
        return self.tables["四"]

    def cell_text(self, table: str, row_key: str, column_key: str) -> str:
        """What the window shows in a cell, by the report's keys (tests, and the eye)."""
        return self.items[(table, row_key, column_key)].text()

    # --- filling --------------------------------------------------------------------------------

    def show_report(self, report: AnnualReport, doc: ReportDoc, numbers: Mapping[int, str]) -> None:
        marks = {(c.table, c.row_key, c.column_key): c.blocking for c in report.checks}
        grids = {s.grid.key: s.grid for s in doc.sections if s.grid is not None}
        self.items = {}
        for key, table in self.tables.items():
            for cell_key, item in zip(CELL_KEYS[key], draw_grid(table, grids[key]), strict=True):
                self.items[(key, *cell_key)] = item
                item.setToolTip(self._tip(report, key, cell_key, numbers))
                blocking = marks.get((key, *cell_key))
                if blocking is not None:
                    item.setBackground(QBrush(FAILED_CELL if blocking else WARNED_CELL))
        for row_key, column_key in S2_CELLS:
            if report.section2.value(row_key, column_key) is None:
                item = self.items[("二", row_key, column_key)]
                item.setText("未录入")
                item.setForeground(QBrush(QColor(ERROR_COLOR)))
        self._fill_checks(report.checks)
        self.changes.clear()
        for change in report.changes:
            self.changes.addItem(change.describe())
        visible = report.final and bool(report.changes)
        self.changes_title.setVisible(visible)
        self.changes.setVisible(visible)

    @staticmethod
    def _tip(report: AnnualReport, table: str, key: tuple[str, str], numbers: Mapping[int, str]) -> str:
        if table == "二":
            cell = report.section2.cell(*key)
            return cell.source + (f"（{len(cell.ids)}条信息）" if cell.ids else "")
        if table == "四":
            ids = report.section4.traced(*key)
            return f"{len(ids)}件（复议/诉讼记录 " + "、".join(map(str, ids[:TOOLTIP_NUMBERS])) + "）" if ids else "0件"
        if key[0] == "carried_in" and report.section3.carried_in_source == "manual":
            return "上年结转按手工录入的数字（新启用的台账）"
        return traced_tip(report.section3.traced(*key), numbers)

    def _fill_checks(self, found: Sequence[CheckResult]) -> None:
        self.checks.clear()
        errors = sum(1 for c in found if c.blocking)
        if not found:
            self.checks_title.setText("勾稽检查：全部通过。")
        else:
            self.checks_title.setText(f"勾稽检查：{errors}项需处理（红色，处理后才能定稿），"
                                      f"{len(found) - errors}项提示（橙色）。")
        for c in sorted(found, key=lambda c: not c.blocking):
            item = QListWidgetItem(("需处理：" if c.blocking else "提示：") + c.message)
            item.setForeground(QBrush(QColor(ERROR_COLOR if c.blocking else WARNING_COLOR)))
            if c.ids:
                item.setToolTip(f"涉及{len(c.ids)}条记录（编号 {', '.join(map(str, c.ids[:TOOLTIP_NUMBERS]))}）")
            self.checks.addItem(item)
        self.checks.setFixedHeight(max(1, len(found)) * 22 + 60 if found else 30)
