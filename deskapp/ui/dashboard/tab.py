"""工作台: the year at a glance — figures as tiles, two charts, and the inspection checklist.

The window paints the tab at once with empty tiles; the figures (``core.reports.dashboard``,
about half a second on 100 000 items) and the charts' PNGs (``exports.charts``, the very
pictures the 自查报告 embeds) are made in a background thread and filled in when ready. A
click on a checklist line asks the window (``ctx.bus.show_list``) to open 信息登记 with the
finding's items or 依申请公开 with its filter; the holiday and tally findings open their
dialogs.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Optional

from PySide6.QtCore import QByteArray, Qt, QThread, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from deskapp.core.dashboard.board import HOLIDAYS, REGISTER, REQUESTS, TALLY, Dashboard, Finding, dashboard
from deskapp.exports.charts import Chart, dashboard_charts
from deskapp.ui.common.context import AppContext
from deskapp.ui.common.crash_dialog import report_exception

OK_MARK, FOUND_MARK = "✓", "⚠"
TILE_STYLE = ("QFrame#tile { background: #f6f8fb; border: 1px solid #d8dee8; border-radius: 6px; }"
              "QLabel#value { font-size: 22px; font-weight: bold; color: #1d3d6b; }"
              "QLabel#caption { color: #333; } QLabel#sub { color: #666; }")


class _Thread(QThread):
    """Figures and charts off the GUI thread (plain data out, no ORM objects)."""

    running: set["_Thread"] = set()  # alive until finished, even if the tab goes
    done = Signal(object, object)  # (Dashboard, charts) or (None, exception)

    def __init__(self, ctx: AppContext, today: dt.date):
        super().__init__()
        self.db, self.today = ctx.db, today
        _Thread.running.add(self)
        self.finished.connect(lambda: _Thread.running.discard(self))

    def run(self) -> None:
        try:
            with self.db.session() as s:
                board = dashboard(s, self.today)
            self.done.emit(board, dashboard_charts(board))
        except BaseException as exc:  # shown by the tab in the GUI thread
            self.done.emit(None, exc)


def wait_for_dashboard(ms: int = 10_000) -> None:
    """Let a running figures query end (closing the window, tests)."""
    for thread in list(_Thread.running):
        thread.wait(ms)


def _rate(v: Optional[float]) -> str:
    return "—" if v is None else f"{v * 100:.1f}%"


def _n(v: Any) -> str:
    return "…" if v is None else str(int(v))


class Tile(QFrame):
    """A figure: big value, what it is, a line of detail."""

    def __init__(self, caption: str, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.setObjectName("tile")
        self.value, self.caption, self.sub = QLabel("…"), QLabel(caption), QLabel("")
        self.value.setObjectName("value")
        self.caption.setObjectName("caption")
        self.sub.setObjectName("sub")
        self.sub.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        for w in (self.caption, self.value, self.sub):
            layout.addWidget(w)

    def set(self, value: str, sub: str) -> None:
        self.value.setText(value)
        self.sub.setText(sub)


TILES = [("new_active", "主动公开新增（本季度）"), ("rate", "按时公开率（本季度）"),
         ("policy", "政策文件 / 解读（本年）"), ("board", "公示栏 公示中"),
         ("requests", "依申请公开 未办结"), ("reviews", "审核签发 待审"),
         ("work", "工作会议 / 培训（本年）")]


class DashboardTab(QWidget):
    def __init__(self, ctx: AppContext, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.ctx = ctx
        self.board: Optional[Dashboard] = None
        self.charts: tuple[Chart, ...] = ()
        self._thread: Optional[_Thread] = None
        self._again = False
        self.heading = QLabel("工作台")
        self.heading.setStyleSheet("font-size: 16px; font-weight: bold;")
        self.status = QLabel("正在统计…")
        self.refresh_button = QPushButton("刷新")
        self.report_button = QPushButton("自查报告…")
        self.report_button.setToolTip("按本季度的数字和自查清单生成自查报告初稿（Word，可编辑）")
        self.annual_button = QPushButton("年度报告…")
        self.annual_button.setToolTip("政府信息公开工作年度报告：表格、勾稽检查、正文，导出 Word / Excel / PDF")
        self.tiles = {key: Tile(caption) for key, caption in TILES}
        self.chart_labels = [QLabel(), QLabel()]
        self.checklist = QListWidget()
        self._build()
        self.refresh_button.clicked.connect(self.refresh)
        self.report_button.clicked.connect(self.self_inspection)
        self.annual_button.clicked.connect(self.annual_report)
        self.checklist.itemActivated.connect(self.open_finding)
        self.checklist.itemClicked.connect(self.open_finding)

    def _build(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addWidget(self.status, 1)
        top.addWidget(self.refresh_button)
        top.addWidget(self.report_button)
        top.addWidget(self.annual_button)
        grid = QGridLayout()
        for i, tile in enumerate(self.tiles.values()):
            grid.addWidget(tile, 0, i)
        charts = QHBoxLayout()
        for label in self.chart_labels:
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setMinimumSize(280, 130)
            charts.addWidget(label, 1)
        check_title = QLabel("自查清单（点击查看明细）")
        check_title.setStyleSheet("font-weight: bold;")
        rows = 7 * (self.checklist.fontMetrics().height() + 6) + 8
        self.checklist.setMinimumHeight(rows)
        self.checklist.setMaximumHeight(rows)
        body = QWidget()
        body.setStyleSheet(TILE_STYLE)
        column = QVBoxLayout(body)
        column.addLayout(top)
        column.addLayout(grid)
        column.addLayout(charts)
        column.addWidget(check_title)
        column.addWidget(self.checklist)
        column.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    # --- loading -----------------------------------------------------------------------

    def refresh(self) -> None:
        """Start the figures' query; a refresh while one runs queues exactly one more."""
        if self._thread is not None and self._thread.isRunning():
            self._again = True
            return
        self.status.setText("正在统计…")
        self._thread = _Thread(self.ctx, self.ctx.today())
        self._thread.done.connect(self._loaded)
        self._thread.start()

    def wait(self, ms: int = 10_000) -> bool:
        """For tests: until the figures are in."""
        thread = self._thread
        return thread is None or thread.wait(ms)

    def _loaded(self, board: Optional[Dashboard], result: Any) -> None:
        if board is None:
            self.status.setText("统计失败")
            report_exception(result, self.ctx.messages, self)
        else:
            self.show_dashboard(board, tuple(result))
        if self._again:
            self._again = False
            self.refresh()

    def show_dashboard(self, d: Dashboard, charts: tuple[Chart, ...]) -> None:
        self.board, self.charts = d, charts
        self.heading.setText(f"{d.year}年{d.quarter_label} 工作台")
        self.status.setText(f"  截至 {d.today.month}月{d.today.day}日")
        q, y = d.quarter_figures, d.ytd_figures
        t = self.tiles
        t["new_active"].set(_n(q["new_active"]), f"本年累计 {_n(y['new_active'])} 条")
        t["rate"].set(_rate(q["on_time_rate"]),
                      f"本年 {_rate(y['on_time_rate'])}（{_n(y['on_time'])}/{_n(y['with_deadline'])}）")
        t["policy"].set(f"{_n(y['policy_documents'])} / {_n(y['interpretations'])}",
                        f"无解读 {_n(y['policy_without_interpretation'])} 件")
        t["board"].set(str(d.board.showing), f"待撤下 {d.board.due_down} · 待张贴 {d.board.pending} · "
                                             f"本年逾期撤下 {d.board.removed_late}")
        t["requests"].set(str(d.requests.open), f"即将到期 {d.requests.due_soon} · 超期 {d.requests.late}")
        t["reviews"].set(str(sum(n for _, n in d.reviews_waiting)),
                         " · ".join(f"{step} {n}" for step, n in d.reviews_waiting) or "无待审信息")
        t["work"].set(f"{_n(y['meetings'])} / {_n(y['trainings'])}", f"回应群众询问 {_n(y['responses'])} 次")
        for label, chart in zip(self.chart_labels, charts, strict=False):
            pixmap = QPixmap()
            pixmap.loadFromData(QByteArray(chart.png), "PNG")
            pixmap.setDevicePixelRatio(chart.scale)
            label.setPixmap(pixmap)
        self._fill_checklist(d.findings)

    def _fill_checklist(self, findings: tuple[Finding, ...]) -> None:
        self.checklist.clear()
        for f in findings:
            item = QListWidgetItem(f"{OK_MARK if f.ok else FOUND_MARK}  {f.text}")
            item.setToolTip(f.rule)
            item.setData(Qt.ItemDataRole.UserRole, f.key)
            if not f.ok:
                item.setForeground(Qt.GlobalColor.darkRed)
            self.checklist.addItem(item)

    # --- actions -----------------------------------------------------------------------

    def open_finding(self, item: QListWidgetItem) -> None:
        if self.board is None:
            return
        f = self.board.finding(item.data(Qt.ItemDataRole.UserRole))
        if f.target == REGISTER:
            self.ctx.bus.show_list.emit(REGISTER, (f.item_ids, f.label))
        elif f.target == REQUESTS:
            self.ctx.bus.show_list.emit(REQUESTS, f.request_filter)
        elif f.target == HOLIDAYS:
            from deskapp.ui.settings.holiday_dialog import HolidayDialog

            HolidayDialog(self.ctx, self).exec()
        elif f.target == TALLY:
            from deskapp.ui.reports.tally_dialog import TallyDialog

            TallyDialog(self.ctx, self).exec()

    def self_inspection(self) -> None:
        """自查报告…: choose the quarter's measures' wording in Word; here only where to save."""
        from deskapp.ui.dashboard.self_inspection import save_self_inspection

        save_self_inspection(self.ctx, self, QFileDialog)

    def annual_report(self) -> None:
        """年度报告…: the annual report window (its figures are built when it opens)."""
        from deskapp.ui.reports.annual_dialog import AnnualReportDialog

        AnnualReportDialog(self.ctx, self).exec()
