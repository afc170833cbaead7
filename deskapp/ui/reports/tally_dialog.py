"""季度统计: choose a quarter, see its figures, 生成 the workbook (with a progress bar), and
标记为已上报 (freeze what was sent; later changes are then listed in the workbook)."""

from __future__ import annotations

from typing import Any, Optional

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from deskapp.core.calendar.dates import chinese_date
from deskapp.core.errors import DeskError
from deskapp.core.reports import reported as tally_report
from deskapp.core.reports import tally
from deskapp.core.reports.tally import QuarterFigures
from deskapp.exports.excel.tally import TallyResult, write_tally
from deskapp.ui.common import excel_files as excel_actions
from deskapp.ui.common.context import AppContext
from deskapp.ui.common.form_kit import busy, hint_label
from deskapp.ui.common.worker import Job, run_job


def _text(value: Any, unit: str) -> str:
    if value is None:
        return "—"
    return f"{value:.1%}" if unit == "%" else f"{value:,}"


class TallyDialog(QDialog):
    def __init__(self, ctx: AppContext, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.ctx = ctx
        self.figures: Optional[QuarterFigures] = None
        self.job: Optional[Job] = None
        self.last_result: Optional[TallyResult] = None
        self.setWindowTitle("季度统计")
        self.resize(640, 640)
        self._build()
        self.show_quarter()

    def _build(self) -> None:
        today = self.ctx.today()
        current = (today.month - 1) // 3 + 1  # the quarter just ended is the one reported
        year, previous = (today.year - 1, 4) if current == 1 else (today.year, current - 1)
        self.year = QSpinBox()
        self.year.setRange(2000, today.year)
        self.year.setValue(year)
        self.year.setSuffix(" 年")
        self.quarter = QComboBox()
        for q in range(1, 5):
            self.quarter.addItem(f"第{q}季度", q)
        self.quarter.setCurrentIndex(previous - 1)
        self.year.valueChanged.connect(self.show_quarter)
        self.quarter.currentIndexChanged.connect(self.show_quarter)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["统计项目", "本季度", "截至本季度"])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.generate_button = QPushButton("生成统计表…")
        self.generate_button.clicked.connect(self.generate)
        self.report_button = QPushButton("标记为已上报")
        self.report_button.clicked.connect(self.mark_reported)
        self.report_button.setEnabled(not self.ctx.read_only)
        close = QPushButton("关闭")
        close.clicked.connect(self.accept)
        top = QHBoxLayout()
        top.addWidget(QLabel("统计季度："))
        top.addWidget(self.year)
        top.addWidget(self.quarter)
        top.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.generate_button)
        buttons.addWidget(self.report_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        layout.addWidget(hint_label("统计口径见生成的工作簿“汇总”表；标记为已上报后，本季度上报的数字被保存，"
                                    "之后若有改动，再次生成时会列出“上报后变更”。"))
        layout.addLayout(buttons)

    def chosen(self) -> tuple[int, int]:
        return self.year.value(), self.quarter.currentData()

    def show_quarter(self, *_args: Any) -> None:
        """The figures of the chosen quarter (one scan of the register: about a second)."""
        year, quarter = self.chosen()
        today = self.ctx.today()
        started = tally.quarter_period(year, quarter, today).started
        self.generate_button.setEnabled(started)
        self.report_button.setEnabled(started and not self.ctx.read_only)
        if not started:
            self.figures = None
            self.table.setRowCount(0)
            self.status.setText(f"{year}年第{quarter}季度尚未开始。")
            return
        with busy(), self.ctx.db.session() as s:
            self.figures = tally.quarter_figures(s, year, quarter, today)
            changes = tally_report.changes_since_report(s, self.figures)
        self._fill(self.figures)
        self.status.setText(self._status_text(changes))

    def _status_text(self, changes: Optional[tally_report.ReportChanges]) -> str:
        if changes is None:
            return "本季度尚未标记为已上报。"
        info = changes.info
        text = f"已于{chinese_date(info.reported_on)}标记为已上报（{info.reported_by}）。"
        if changes.any:
            text += (f"上报后有变更：{len(changes.figures)}项数字、{len(changes.items)}条信息，"
                     "生成时列于“上报后变更”表。")
        return text

    def _fill(self, qf: QuarterFigures) -> None:
        self.table.setRowCount(len(qf.rows))
        for n, r in enumerate(qf.rows):
            cells = [r.figure.label, _text(r.quarter, r.figure.unit), _text(r.ytd, r.figure.unit)]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(r.figure.rule)
                if c:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(n, c, item)

    def generate(self, path: Optional[str] = None) -> Optional[Job]:
        year, quarter = self.chosen()
        path = path or excel_actions.ask_save_path(self, "保存季度统计表",
                                                   f"{year}年第{quarter}季度政务公开统计表.xlsx")
        if not path:
            return None
        self.job = run_job(self.ctx, self, "正在生成季度统计表", write_tally, self.ctx.db, year,
                           quarter, path, self.ctx.today(), on_done=self._generated)
        return self.job

    def _generated(self, result: TallyResult) -> None:
        self.last_result = result
        text = f"已生成“{result.path}”（明细{result.detail_rows}条，超期{result.late_rows}条）。"
        if result.changes is not None and result.changes.any:
            text += "本季度上报后有变更，已列于“上报后变更”表。"
        self.ctx.messages.info(self, text)

    def mark_reported(self) -> None:
        year, quarter = self.chosen()
        question = (f"将{year}年第{quarter}季度标记为已上报？\n当前的统计数字将被保存；"
                    "之后若有改动，统计表会列出与上报数的差异。")
        if not self.ctx.messages.confirm(self, question):
            return
        try:
            with self.ctx.db.session() as s:
                tally_report.mark_reported(s, self.ctx.actor, year, quarter, self.ctx.today())
        except DeskError as exc:
            self.ctx.messages.warn(self, exc.message)
            return
        self.show_quarter()
