"""公示栏 tab: what to post today, what is up (days left), what must come down (red), history.

Actions: 预览 (in memory, QtPdf), 打印, 导出PDF, 登记张贴, 登记撤下, 批量生成本期公示栏. Notices
are printed masked; 未脱敏打印… asks for a reason that goes to the audit log.

The lists are read in a background thread (``read_lists``, ~0.3 s of SQL and badge scans on
100 000 items) and only the newest read fills the tables (``LatestRead``); ``loaded`` is
emitted when they are in.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Generator, Optional

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QBrush, QColor, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from deskapp.core.board import noticeboard
from deskapp.core.board.noticeboard import LISTS, BoardRow
from deskapp.core.privacy.masking import KIND_LABELS
from deskapp.core.store import settings
from deskapp.ui.board.dialogs import PostingDialog
from deskapp.ui.common.context import AppContext
from deskapp.ui.common.crash_dialog import report_exception
from deskapp.ui.common.pdf_preview import MemoryPdf, PreviewDialog, ask_and_print
from deskapp.ui.common.worker import LatestRead, Progress, run_job

if TYPE_CHECKING:  # only for annotations: the PDF code is imported when first needed
    from deskapp.exports.pdf.page import RenderResult

RED = QColor(190, 0, 0)
COLUMNS = ["索引号", "标题", "科室/社区", "状态", "公示期", "剩余天数", "张贴", "撤下", "个人信息"]
TEMPLATES = [("a4", "A4 公文格式"), ("a3", "A3 张贴版")]


def _period(r: BoardRow) -> str:
    if r.notice_start and r.notice_end:
        return f"{r.notice_start:%Y-%m-%d} 至 {r.notice_end:%Y-%m-%d}"
    return "张贴之日起算"


def _days_left(key: str, r: BoardRow) -> str:
    if r.days_left is None or key in ("pending", "removed"):
        return ""
    return f"已过期{-r.days_left}天" if r.days_left < 0 else f"{r.days_left}天"


def row_cells(key: str, r: BoardRow) -> list[str]:
    posted = f"{r.posted_on:%Y-%m-%d} {r.posted_board}".strip() if r.posted_on else ""
    badge = "⚠ 含未遮盖号码" if r.unmasked else ""
    return [r.index_no, r.title, r.department, r.status_label, _period(r), _days_left(key, r),
            posted, f"{r.removed_on:%Y-%m-%d}" if r.removed_on else "", badge]


def render_item(db: Any, actor: Any, item_id: int, template: str, today: dt.date, draft: bool = False,
                reason: Optional[str] = None) -> Any:
    """Build one notice (outside the GUI's widgets; safe in a worker)."""
    from deskapp.exports.pdf.notice import render_notice
    from deskapp.exports.pdf.source import notice_data

    with db.session() as s:
        data = notice_data(s, item_id, today, draft=draft, unmasked_reason=reason, actor=actor)
    return render_notice(data, template)


def export_item(db: Any, actor: Any, item_id: int, template: str, today: dt.date, path: str,
                reason: Optional[str] = None) -> Any:
    """Build one notice and save it in one transaction: an unmasked print's audit record is
    kept only if the file was written."""
    from deskapp.exports.pdf.notice import render_notice
    from deskapp.exports.pdf.page import write_atomic
    from deskapp.exports.pdf.source import notice_data

    with db.session() as s:
        data = notice_data(s, item_id, today, unmasked_reason=reason, actor=actor)
        result = render_notice(data, template)
        write_atomic(path, result.data)
    return result


def batch_board(db: Any, actor: Any, day: dt.date,
                out: str) -> Generator[Progress, None, tuple[int, int, RenderResult]]:
    """Job: 本期公示栏 — every notice to post on ``day`` in one PDF written to ``out``."""
    from deskapp.exports.pdf.board import render_board
    from deskapp.exports.pdf.page import write_atomic
    from deskapp.exports.pdf.source import board_data

    yield 0, 3, "正在读取待张贴的公示…"
    with db.session() as s:
        data = board_data(s, actor, day)
        yield 1, 3, f"正在排版第{data.number}期（{len(data.notices)}条公示）…"
        result = render_board(data)
        yield 2, 3, "正在保存…"
        write_atomic(out, result.data)
    return data.number, len(data.notices), result


def reason_dialog(parent: QWidget) -> QInputDialog:
    """Ask why a notice must print unmasked (our own buttons: Qt's would read OK / Cancel)."""
    dialog = QInputDialog(parent)
    dialog.setWindowTitle("未脱敏打印")
    dialog.setLabelText("打印未遮盖身份证号、手机号的公示须写明理由（记入操作日志）：")
    dialog.setOkButtonText("继续")
    dialog.setCancelButtonText("取消")
    return dialog


def read_lists(db: Any, today: dt.date, history: int) -> tuple[dict[str, list[BoardRow]], int]:
    """The four lists and the 已撤下 total (0 when all are shown); runs in a worker thread."""
    with db.session() as s:
        rows = noticeboard.board_lists(s, today, history=history)
        removed_total = noticeboard.removed_total(s) if len(rows["removed"]) >= history else 0
    return rows, removed_total


class BoardTab(QWidget):
    loaded = Signal()  # the newest read of the lists is in the tables

    def __init__(self, ctx: AppContext, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.ctx = ctx
        self.reader = LatestRead(self)
        self.reader.ready.connect(self._show_lists)
        self.reader.failed.connect(lambda exc: report_exception(exc, self.ctx.messages, self))
        self.rows: dict[str, list[BoardRow]] = {k: [] for k in LISTS}
        self.tables: dict[str, QTableWidget] = {}
        self.boxes: dict[str, QGroupBox] = {}
        self.template = QComboBox(self)
        for code, label in TEMPLATES:
            self.template.addItem(label, code)
        self.summary = QLabel(self)
        self.buttons: dict[str, QPushButton] = {}
        self.history = noticeboard.HISTORY_LIMIT  # 已撤下 rows to show; 显示更多 raises it
        self.more = QPushButton(self)
        self.more.clicked.connect(self.show_more_history)
        self._build()
        self.last_preview: Optional[PreviewDialog] = None
        self.last_job: Any = None
        # Nothing is read here: on a big register the lists take a while, and the window
        # builds this tab when it is first shown (and refreshes it then).
        self.dirty = True
        ctx.bus.items_changed.connect(self._changed)
        ctx.bus.settings_changed.connect(self._changed)

    # --- building -------------------------------------------------------------------------

    def _build(self) -> None:
        bar = QHBoxLayout()
        for key, text, slot in [("preview", "预览", self.preview), ("print", "打印…", self.print_selected),
                                ("export", "导出PDF…", self.export_selected),
                                ("post", "登记张贴…", self.register_posting),
                                ("remove", "登记撤下…", self.register_removal),
                                ("batch", "批量生成本期公示栏…", self.batch)]:
            button = QPushButton(text, self)
            button.clicked.connect(slot)
            self.buttons[key] = button
            bar.addWidget(button)
        bar.addStretch(1)
        bar.addWidget(QLabel("版式：", self))
        bar.addWidget(self.template)
        split = QSplitter(Qt.Orientation.Vertical, self)
        for key, label in LISTS.items():
            box = QGroupBox(label, split)
            table = self._make_table(box)
            box_layout = QVBoxLayout(box)
            box_layout.addWidget(table)
            self.tables[key], self.boxes[key] = table, box
        removed_layout = self.boxes["removed"].layout()
        assert isinstance(removed_layout, QVBoxLayout)  # set in the loop above
        removed_layout.addWidget(self.more, 0, Qt.AlignmentFlag.AlignLeft)
        self.more.hide()
        self.boxes["due_down"].setStyleSheet("QGroupBox::title { color: #be0000; }")
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.summary)
        layout.addWidget(split, 1)

    def _make_table(self, parent: QWidget) -> QTableWidget:
        table = QTableWidget(0, len(COLUMNS), parent)
        table.setHorizontalHeaderLabels(COLUMNS)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().setVisible(False)
        table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        table.horizontalHeader().setResizeContentsPrecision(200)  # fit columns to the first rows only
        table.itemSelectionChanged.connect(lambda t=table: self._selected_in(t))
        return table

    def menu_actions(self) -> list[QAction]:
        unmasked = QAction("未脱敏打印…", self)
        unmasked.triggered.connect(self.export_unmasked)
        refresh = QAction("刷新", self)
        refresh.triggered.connect(self.refresh)
        return [unmasked, refresh]

    # --- data -----------------------------------------------------------------------------

    def _changed(self) -> None:
        """A change elsewhere: re-read now if in view, else when next shown."""
        if not self.isWindow():  # in the main window, which refreshes the tab in view itself
            return
        self.dirty = True
        if self.isVisible():
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # Later, not now: the main window refreshes a tab it switches to right after showing it.
        QTimer.singleShot(0, self, self.refresh_if_dirty)

    def refresh_if_dirty(self) -> None:
        if self.dirty:
            self.refresh()

    def show_more_history(self) -> None:
        self.history += 500
        self.refresh()

    def refresh(self) -> None:
        """Read the lists again, in the background; the tables keep what they show until
        the newest read is in (an older read answering late is dropped)."""
        self.dirty = False
        if not self.summary.text():
            self.summary.setText("正在读取公示栏…")
        self.reader.start(read_lists, self.ctx.db, self.ctx.today(), self.history)

    def _show_lists(self, answer: tuple[dict[str, list[BoardRow]], int]) -> None:
        kept = self.selected()  # selected again below if still listed (another desk's change reloads)
        self.rows, removed_total = answer
        for key, table in self.tables.items():
            self._fill(key, table, self.rows[key])
            self.boxes[key].setTitle(f"{LISTS[key]}（{len(self.rows[key])}）")
        if removed_total > len(self.rows["removed"]):
            self.boxes["removed"].setTitle(f"{LISTS['removed']}（最近{len(self.rows['removed'])}条，共{removed_total}条）")
            self.more.setText(f"显示更多（共{removed_total}条）")
        self.more.setVisible(removed_total > len(self.rows["removed"]))
        n = {k: len(v) for k, v in self.rows.items()}
        text = f"今天应张贴 {n['pending']} 条，公示中 {n['showing']} 条"
        if n["due_down"]:
            text += f"，<span style='color:#be0000'><b>公示期已满待撤下 {n['due_down']} 条</b></span>"
        self.summary.setText(text)
        self._reselect(kept[1].id if kept is not None else None)
        self._update_buttons()
        self.loaded.emit()

    def _reselect(self, item_id: Optional[int]) -> None:
        """The notice that was selected, in whichever list holds it now; else none."""
        for key, table in self.tables.items():
            at = next((i for i, row in enumerate(self.rows[key]) if row.id == item_id), None)
            if at is not None:
                table.selectRow(at)
                return
        for table in self.tables.values():
            table.clearSelection()

    def _fill(self, key: str, table: QTableWidget, rows: list[BoardRow]) -> None:
        # A few thousand rows on a big register: no item for an empty cell, one brush.
        red, tip = QBrush(RED), "内容中含未遮盖的" + "、".join(KIND_LABELS.values()) + "之一；打印时会自动遮盖"
        table.setUpdatesEnabled(False)
        table.clearContents()
        table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, text in enumerate(row_cells(key, row)):
                if not text:
                    continue
                cell = QTableWidgetItem(text)
                if key == "due_down" or c == 8:
                    cell.setForeground(red)
                if c == 8:
                    cell.setToolTip(tip)
                table.setItem(r, c, cell)
        for c in (0, 4, 5, 6, 7):
            table.resizeColumnToContents(c)
        table.setUpdatesEnabled(True)

    def _selected_in(self, table: QTableWidget) -> None:
        if table.selectedItems():  # one selection across the four lists
            for other in self.tables.values():
                if other is not table:
                    other.blockSignals(True)
                    other.clearSelection()
                    other.blockSignals(False)
        self._update_buttons()

    def selected(self) -> Optional[tuple[str, BoardRow]]:
        for key, table in self.tables.items():
            picked = table.selectionModel().selectedRows()
            if picked:
                return key, self.rows[key][picked[0].row()]
        return None

    def select(self, key: str, index: int) -> None:
        self.tables[key].selectRow(index)

    def _update_buttons(self) -> None:
        sel = self.selected()
        key = sel[0] if sel else None
        writable = not self.ctx.read_only
        for name in ("preview", "print", "export"):
            self.buttons[name].setEnabled(sel is not None)
        self.buttons["post"].setEnabled(writable and key == "pending")
        self.buttons["remove"].setEnabled(writable and key in ("showing", "due_down"))
        self.buttons["batch"].setEnabled(writable and bool(self.rows["pending"]))

    # --- printing -------------------------------------------------------------------------

    def _render_selected(self, reason: Optional[str] = None) -> Any:
        sel = self.selected()
        if sel is None:
            return None
        from deskapp.core.errors import DeskError

        try:
            return render_item(self.ctx.db, self.ctx.actor, sel[1].id, self.template.currentData(),
                               self.ctx.today(), draft=False, reason=reason)
        except DeskError as exc:
            self.ctx.messages.warn(self, exc.message)
            return None

    def preview(self) -> None:
        result = self._render_selected()
        if result is None:
            return
        sel = self.selected()
        dialog = PreviewDialog(result.data, sel[1].title if sel else "", result.messages(), self)
        self.last_preview = dialog
        dialog.show()

    def print_selected(self) -> None:
        result = self._render_selected()
        if result is not None:
            pdf = MemoryPdf(result.data, self)
            ask_and_print(pdf.document, self)

    def ask_save_path(self, suggested: str) -> str:
        """The file to write (empty when cancelled); tests replace this."""
        path, _ = QFileDialog.getSaveFileName(self, "导出PDF", suggested, "PDF 文件 (*.pdf)")
        return path

    def export_selected(self, reason: Optional[str] = None) -> None:
        sel = self.selected()
        if sel is None:
            return
        path = self.ask_save_path(f"{sel[1].title[:40]}.pdf")
        if not path:
            return
        from deskapp.core.errors import DeskError

        try:
            result = export_item(self.ctx.db, self.ctx.actor, sel[1].id, self.template.currentData(),
                                 self.ctx.today(), path, reason)
        except DeskError as exc:
            self.ctx.messages.warn(self, exc.message)
            return
        notes = "\n".join(result.messages())
        self.ctx.messages.info(self, f"已导出：{path}（{result.pages}页）" + (f"\n\n{notes}" if notes else ""))

    def ask_reason(self) -> str:
        dialog = reason_dialog(self)
        return dialog.textValue() if dialog.exec() == QInputDialog.DialogCode.Accepted else ""

    def export_unmasked(self) -> None:
        if self.selected() is None:
            self.ctx.messages.info(self, "请先在列表中选择一条公示。")
            return
        reason = self.ask_reason().strip()
        if not reason:
            self.ctx.messages.warn(self, "没有写明理由，未打印。")
            return
        self.export_selected(reason=reason)

    # --- posting --------------------------------------------------------------------------

    def ask_posting(self, title: str, item_title: str, board: Optional[str]) -> Optional[tuple]:
        dialog = PostingDialog(title, item_title, self.ctx.today(), board, self)
        return dialog.values() if dialog.exec() == PostingDialog.DialogCode.Accepted else None

    def register_posting(self) -> None:
        sel = self.selected()
        if sel is None or sel[0] != "pending":
            return
        with self.ctx.db.session() as s:
            board = str(settings.get(s, "board_name"))
        answer = self.ask_posting("登记张贴", sel[1].title, board)
        if answer is not None:
            self._save(noticeboard.register_posting, sel[1].id, answer[0], answer[1], photo=answer[2],
                       expected_version=sel[1].version)

    def register_removal(self) -> None:
        sel = self.selected()
        if sel is None or sel[0] not in ("showing", "due_down"):
            return
        answer = self.ask_posting("登记撤下", sel[1].title, None)
        if answer is not None:
            self._save(noticeboard.register_removal, sel[1].id, answer[0], photo=answer[2],
                       expected_version=sel[1].version)

    def _save(self, fn: Any, item_id: int, *args: Any, photo: Any = None,
              expected_version: Optional[int] = None) -> None:
        from deskapp.core.errors import ConcurrentEditError, DeskError

        try:
            with self.ctx.db.session() as s:
                fn(s, self.ctx.actor, item_id, *args, today=self.ctx.today(), photo=photo, db=self.ctx.db,
                   expected_version=expected_version)
        except ConcurrentEditError as exc:  # another desk registered it meanwhile: show what is stored
            self.ctx.messages.warn(self, exc.message)
            self.refresh()
            return
        except DeskError as exc:
            self.ctx.messages.warn(self, exc.message)
            return
        self.ctx.bus.items_changed.emit()
        self.refresh_if_dirty()  # the lists just changed under the user's eyes, shown or not

    def batch(self) -> None:
        today = self.ctx.today()
        path = self.ask_save_path(f"政务公开栏 {today:%Y-%m-%d}.pdf")
        if not path:
            return

        def done(result: tuple) -> None:
            number, count, rendered = result
            notes = "\n".join(rendered.messages())
            self.ctx.messages.info(self, f"已生成第{number}期公示栏：{count}条公示，{rendered.pages}页。\n{path}"
                                   + (f"\n\n{notes}" if notes else ""))

        self.last_job = run_job(self.ctx, self, "批量生成本期公示栏", batch_board, self.ctx.db,
                                self.ctx.actor, today, path, on_done=done)
