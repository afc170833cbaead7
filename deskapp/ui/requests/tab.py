"""依申请公开: the register of information requests, with their statutory clock.

A lazy table (number, applicant masked, received, step, due, days left, outcome), filters
(year, step, outcome, department, 仅超期, 即将到期, search), a detail pane with every date and
the whole history, and the actions of each step (:mod:`~deskapp.ui.requests.actions`), the
letters (打印文书) and the 复议/诉讼 records. Late rows are red, rows due soon amber.
"""

from __future__ import annotations

import datetime as dt
import html
from typing import Any, Optional, Sequence

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from deskapp.core.desk import backup_desk
from deskapp.core.errors import DeskError
from deskapp.core.requests import appeals, yearend
from deskapp.core.requests.query import RequestDetail, RequestFilter
from deskapp.core.requests.vocab import (
    APPEAL_KINDS,
    APPEAL_RESULTS,
    LETTER_KINDS,
    OUTCOME_GROUPS,
    OUTCOMES,
    REPLY_DELIVERIES,
    STEPS,
)
from deskapp.exports.pdf.letter_source import write_letter
from deskapp.ui.common.context import AppContext
from deskapp.ui.requests.actions import STEP_ACTIONS, RequestActions
from deskapp.ui.requests.dialogs import Field, StepDialog, department_choices
from deskapp.ui.requests.model import RequestIdRole, RequestsModel

SEARCH_DELAY_MS = 150
OUTCOME_GROUP_CODES = {"（三）不予公开": "refuse", "（四）无法提供": "unable", "（五）不予处理": "reject",
                       "（六）其他处理": "other"}


def ask_letter_path(parent: QWidget, default_name: str) -> Optional[str]:
    """Where to save a letter (a module function so tests answer instead of the dialog)."""
    path, _ = QFileDialog.getSaveFileName(parent, "保存文书", default_name, "PDF 文件 (*.pdf)")
    if path and not path.lower().endswith(".pdf"):
        path += ".pdf"
    return path or None


def _d(day: Optional[dt.date]) -> str:
    return day.isoformat() if day else "—"


def detail_html(d: RequestDetail, linked: Sequence[appeals.AppealRow] = ()) -> str:
    """The request as the pane shows it: who, what, every date the clock uses, the history."""
    e = html.escape
    rows: list[tuple[str, str]] = [
        ("申请人", f"{d.applicant_masked}　证件号 {d.id_number_masked or '—'}　电话 {d.phone_masked or '—'}"),
        ("申请内容", d.data.content),
        ("收到申请之日", f"{_d(d.data.received_on)}（{d.received_hint}）"),
        ("承办科室", d.department or "—"),
        ("当前环节", STEPS.get(d.step, d.step)),
    ]
    if d.due is not None:
        rows.append(("答复期限", f"{_d(d.due.due)}　{d.due.explain()}"))
    elif d.supplement_deadline:
        rows.append(("答复期限", f"待补正：补正期限至 {_d(d.supplement_deadline)}，收到补正后重新计算20个工作日"))
    rows.append(("补正告知", f"最迟于 {_d(d.supplement_notice_due)} 发出；"
                 + (f"已于 {_d(d.supplement_notice_on)} 发出：{d.supplement_missing}" if d.supplement_notice_on
                    else "未发出")))
    if d.supplement_notice_on:
        rows.append(("收到补正", _d(d.supplement_received_on)))
    for c in d.consultations:
        rows.append(("征求第三方意见", f"{c.third_party}：{_d(c.sent_on)} 发出，"
                     + (f"{_d(c.answered_on)} 答复" if c.answered_on else f"未答复（暂停至 {_d(c.until)}）")))
    if d.extension_on:
        rows.append(("延期答复", f"{_d(d.extension_on)}，批准人 {d.extension_approver}"))
    elif d.extension_possible:
        rows.append(("延期答复", "尚可延期一次（须在答复期限前决定）"))
    if d.fee_cents is not None:
        rows.append(("信息处理费", f"{d.fee_cents / 100:.2f} 元，{_d(d.fee_notice_on)} 通知，"
                     + (f"{_d(d.fee_paid_on)} 缴纳" if d.fee_paid_on else f"缴费期限 {_d(d.fee_deadline)}")))
    if d.outcome:
        rows.append(("办理结果", f"{OUTCOMES.get(d.outcome, d.outcome)}，{_d(d.reply_on)} 答复，"
                     f"{REPLY_DELIVERIES.get(d.reply_delivery or '', d.reply_delivery or '')}"))
    for a in linked:
        result = a.result_label + (f"（{_d(a.result_on)}）" if a.result_on else "")
        rows.append((a.kind_label, f"{_d(a.filed_on)} {a.body}：{result}"))
    table = "".join(f"<tr><td style='color:#555;padding-right:8px' nowrap>{e(k)}</td><td>{e(v)}</td></tr>"
                    for k, v in rows)
    late = "<p style='color:#a1121b'><b>已超过答复期限。</b></p>" if d.overdue else ""
    history = "".join(f"<li>{_d(t.day)}　{e(t.text)}　<span style='color:#777'>{e(t.actor_name)}</span></li>"
                      for t in d.timeline)
    return (f"<h3>{e(d.number)}</h3>{late}<table>{table}</table>"
            f"<h4>办理过程</h4><ol>{history}</ol>")


class RequestsTab(QWidget):
    def __init__(self, ctx: AppContext, parent: Optional[QWidget] = None):
        super().__init__(parent)
        self.ctx = ctx
        self.model = RequestsModel(ctx.db, ctx.today(), self)
        self.ops = RequestActions(self)
        self.detail: Optional[RequestDetail] = None
        self.linked: list[appeals.AppealRow] = []
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.search_changed)
        self._build()
        self.refresh()

    # --- building -----------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.addLayout(self._filter_bar())
        layout.addLayout(self._button_bar())
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().setVisible(False)
        self.view.horizontalHeader().setStretchLastSection(True)
        for column, width in ((0, 160), (1, 90), (2, 80), (3, 90), (4, 100), (5, 110), (6, 80), (7, 220)):
            self.view.setColumnWidth(column, width)
        self.view.doubleClicked.connect(lambda _i: self.ops.edit_request())
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.pane = QTextBrowser()
        self.pane.setOpenLinks(False)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(self.pane)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        layout.addWidget(self.splitter, 1)
        self._update_buttons()

    def _filter_bar(self) -> QHBoxLayout:
        today = self.ctx.today()
        self.year = QComboBox()
        self.year.addItem("全部年度", None)
        for year in range(today.year, today.year - 6, -1):
            self.year.addItem(f"{year}年", year)
        self.step = QComboBox()
        self.step.addItem("全部环节", None)
        self.step.addItem("未办结", "open")
        for code, label in STEPS.items():
            self.step.addItem(label, code)
        self.outcome = QComboBox()
        self.outcome.addItem("全部结果", None)
        for group, codes in OUTCOME_GROUPS.items():
            self.outcome.addItem(group, OUTCOME_GROUP_CODES.get(group, codes[0]))
            if len(codes) > 1:
                for code in codes:
                    self.outcome.addItem("　" + OUTCOMES[code].split(" ", 1)[-1], code)
        self.outcome.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.outcome.setMinimumContentsLength(10)
        self.department = QComboBox()
        self.department.addItem("全部科室", None)
        with self.ctx.db.session() as s:
            for name, dept_id in department_choices(s):
                self.department.addItem(name, dept_id)
        self.overdue = QCheckBox("仅超期")
        self.due_soon = QCheckBox("即将到期")
        self.search = QLineEdit()
        self.search.setPlaceholderText("搜索申请编号、申请人、申请内容")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        for combo in (self.year, self.step, self.outcome, self.department):
            combo.currentIndexChanged.connect(self.refresh)
        for box in (self.overdue, self.due_soon):
            box.toggled.connect(self.refresh)
        self.count = QLabel()
        bar = QHBoxLayout()
        for w in (self.year, self.step, self.outcome, self.department, self.overdue, self.due_soon):
            bar.addWidget(w)
        bar.addWidget(self.search, 1)
        bar.addWidget(self.count)
        return bar

    def _button_bar(self) -> QHBoxLayout:
        self.new_button = QPushButton("登记申请")
        self.new_button.setToolTip("登记一件政府信息公开申请（Ctrl+N）")
        self.new_button.clicked.connect(self.ops.new_request)
        self.edit_button = QPushButton("修改登记")
        self.edit_button.clicked.connect(self.ops.edit_request)
        self.step_button = QPushButton("办理")
        step_menu = QMenu(self.step_button)
        self.step_actions: dict[str, QAction] = {}
        for text, method, shortcut in STEP_ACTIONS:
            action = step_menu.addAction(text)
            if shortcut:
                action.setShortcut(QKeySequence(shortcut))
            action.triggered.connect(getattr(self.ops, method))
            self.step_actions[method] = action
        step_menu.addSeparator()
        self.step_actions["reopen"] = step_menu.addAction("撤销办结…")
        self.step_actions["reopen"].triggered.connect(self.ops.reopen)
        self.step_button.setMenu(step_menu)
        self.letter_button = QPushButton("打印文书")
        letter_menu = QMenu(self.letter_button)
        for kind, label in LETTER_KINDS.items():
            letter_menu.addAction(f"{label}…").triggered.connect(lambda _c=False, k=kind: self.save_letter(k))
        self.letter_button.setMenu(letter_menu)
        self.appeal_button = QPushButton("复议/诉讼…")
        self.appeal_button.setToolTip("登记与所选申请有关的行政复议或行政诉讼（未选申请时登记为单独记录）")
        self.appeal_button.clicked.connect(self.add_appeal)
        bar = QHBoxLayout()
        for w in (self.new_button, self.edit_button, self.step_button, self.letter_button, self.appeal_button):
            bar.addWidget(w)
        bar.addStretch(1)
        return bar

    # --- the host the actions work on ------------------------------------------------------------
    def widget(self) -> QWidget:
        return self

    def current(self) -> Optional[tuple[int, int]]:
        return (self.detail.id, self.detail.version) if self.detail is not None else None

    def after_change(self, request_id: Optional[int]) -> None:
        self.refresh()
        if request_id is not None:
            self.select_request(request_id)
        self.ctx.bus.items_changed.emit()

    # --- reading ------------------------------------------------------------------------------
    def current_filter(self) -> RequestFilter:
        step = self.step.currentData()
        return RequestFilter(
            year=self.year.currentData(), step=None if step == "open" else step, open_only=step == "open",
            overdue_only=self.overdue.isChecked(), due_soon_only=self.due_soon.isChecked(),
            outcome=self.outcome.currentData(), department_id=self.department.currentData(),
            search=self.search.text())

    def refresh(self, *_args: Any) -> None:
        self._reload(fresh=True)

    def show_filter(self, f: RequestFilter) -> None:
        """Set the bar to ``f`` (from the 工作台's checklist) and list what it finds, once."""
        widgets = (self.year, self.step, self.outcome, self.department, self.overdue, self.due_soon, self.search)
        for w in widgets:
            w.blockSignals(True)
        self.year.setCurrentIndex(max(self.year.findData(f.year), 0))
        self.step.setCurrentIndex(max(self.step.findData("open" if f.open_only else f.step), 0))
        self.outcome.setCurrentIndex(max(self.outcome.findData(f.outcome), 0))
        self.department.setCurrentIndex(max(self.department.findData(f.department_id), 0))
        self.overdue.setChecked(f.overdue_only)
        self.due_soon.setChecked(f.due_soon_only)
        self.search.setText(f.search)
        for w in widgets:
            w.blockSignals(False)
        self.refresh()

    def search_changed(self) -> None:
        self._reload(fresh=False)

    def _reload(self, fresh: bool) -> None:
        keep = self.detail.id if self.detail is not None else None
        self.model.load(self.current_filter(), self.ctx.today(), fresh)
        self.count.setText(f"共 {len(self.model.ids)} 件")
        if keep is not None and self.model.row_of(keep) >= 0:
            self.select_request(keep)
        else:
            self.view.clearSelection()
            self._show_detail(None)

    def select_request(self, request_id: int) -> None:
        row = self.model.row_of(request_id)
        if row < 0:
            return
        index = self.model.index(row, 0)
        self.view.selectionModel().select(
            index, self.view.selectionModel().SelectionFlag.ClearAndSelect
            | self.view.selectionModel().SelectionFlag.Rows)
        self.view.scrollTo(index)
        self._show_detail(request_id)

    def _selection_changed(self, *_args: Any) -> None:
        rows = self.view.selectionModel().selectedRows()
        self._show_detail(self.model.data(rows[0], RequestIdRole) if rows else None)

    def _show_detail(self, request_id: Optional[int]) -> None:
        self.detail = None
        if request_id is not None:
            with self.ctx.db.session() as s:
                self.detail = self.model.register.detail(s, request_id)
                self.linked = appeals.list_appeals(s, request_id=request_id)
        empty = "<p style='color:#777'>选择一件申请查看详情。</p>"
        self.pane.setHtml(detail_html(self.detail, self.linked) if self.detail else empty)
        self._update_buttons()

    def _update_buttons(self) -> None:
        d, writable = self.detail, not self.ctx.read_only
        is_open = d is not None and d.outcome is None
        self.new_button.setEnabled(writable)
        self.edit_button.setEnabled(d is not None)
        self.step_button.setEnabled(d is not None and writable)
        self.letter_button.setEnabled(d is not None and writable)
        self.appeal_button.setEnabled(writable)
        waiting = d is not None and d.supplement_notice_on is not None and d.supplement_received_on is None
        enabled = {
            "notify_supplement": is_open and d is not None and d.supplement_notice_on is None,
            "receive_supplement": is_open and waiting,
            "send_consultation": is_open, "answer_consultation": is_open and d is not None and any(
                c.answered_on is None for c in d.consultations),
            "extend": is_open and d is not None and d.extension_possible,
            "notify_fee": is_open and d is not None and d.fee_cents is None,
            "fee_paid": is_open and d is not None and d.fee_cents is not None and d.fee_paid_on is None,
            "close": is_open, "withdraw": is_open, "reopen": d is not None and d.outcome is not None,
        }
        for method, action in self.step_actions.items():
            action.setEnabled(enabled.get(method, False))

    # --- letters and appeals -------------------------------------------------------------------
    def save_letter(self, kind: str) -> None:
        if self.detail is None:
            return
        name = f"{LETTER_KINDS[kind]}（{self.detail.number}）.pdf"
        path = ask_letter_path(self, name)
        if not path:
            return
        try:
            with self.ctx.db.session() as s:
                result = write_letter(s, self.ctx.db, self.ctx.actor, self.detail.id, kind, path, self.ctx.today())
        except DeskError as exc:
            self.ctx.messages.warn(self, exc.message)
            return
        notes = "\n".join(result.messages())
        self.ctx.messages.info(self, f"已保存“{path}”。" + (f"\n{notes}" if notes else ""))
        self.after_change(self.detail.id)

    def add_appeal(self) -> None:
        request_id = self.detail.id if self.detail is not None else None

        def create(s: Any, v: dict[str, Any]) -> object:
            return appeals.create_appeal(s, self.ctx.actor, appeals.AppealData(
                kind=v["kind"], request_id=request_id, filed_on=v["filed_on"], body=v["body"],
                result=v["result"], result_on=v["result_on"] if v["result"] != "pending" else None,
                note=v["note"]), today=self.ctx.today())

        about = f"关联申请 {self.detail.number}。" if self.detail is not None else "不关联申请（单独记录）。"
        dialog = StepDialog(self.ctx, "登记行政复议/行政诉讼", about + "年度报告第四部分按此统计。", [
            Field("kind", "类别", "choice", "review", APPEAL_KINDS),
            Field("filed_on", "申请/起诉日期"),
            Field("body", "复议机关/法院", "text"),
            Field("result", "结果", "choice", "pending", APPEAL_RESULTS),
            Field("result_on", "结果日期"),
            Field("note", "备注", "text"),
        ], create, self)
        if self.ops.exec_dialog(dialog):
            self.after_change(request_id)

    def record_appeal_result(self) -> None:
        pending = {str(a.id): f"{a.kind_label} {_d(a.filed_on)} {a.body}" for a in self.linked
                   if a.result == "pending"}
        if not pending:
            self.ctx.messages.warn(self, "所选申请没有尚未审结的行政复议或行政诉讼，请先用“复议/诉讼…”登记。")
            return
        by_id = {str(a.id): a for a in self.linked}

        def save(s: Any, v: dict[str, Any]) -> object:
            a = by_id[v["appeal"]]
            data = appeals.AppealData(kind=a.kind, request_id=a.request_id, filed_on=a.filed_on, body=a.body,
                                      result=v["result"], result_on=v["result_on"], note=a.note)
            return appeals.update_appeal(s, self.ctx.actor, a.id, a.version, data, today=self.ctx.today())

        results = {k: v for k, v in APPEAL_RESULTS.items() if k != "pending"}
        dialog = StepDialog(self.ctx, "登记复议/诉讼结果", "", [
            Field("appeal", "复议/诉讼", "choice", next(iter(pending)), pending),
            Field("result", "结果", "choice", "upheld", results),
            Field("result_on", "结果日期"),
        ], save, self)
        if self.ops.exec_dialog(dialog):
            self.after_change(self.detail.id if self.detail else None)

    def carry_over_year(self) -> None:
        """年度结转: what was open on 31 December of last year is marked as carried over."""
        year = self.ctx.today().year - 1
        question = f"将{year}年12月31日仍未办结的申请标记为结转至{year + 1}年继续办理？（可重复执行，不会重复结转）"
        if not self.ctx.messages.confirm(self, question):
            return
        try:
            backup_desk(self.ctx.db, "before-year-close")  # the year close changes many requests
            with self.ctx.db.session() as s:
                count = yearend.carry_over(s, self.ctx.actor, year)
        except DeskError as exc:
            self.ctx.messages.warn(self, exc.message)
            return
        self.ctx.messages.info(self, f"已结转 {count} 件申请。" if count else f"{year}年没有需要新结转的申请。")
        self.after_change(self.detail.id if self.detail else None)

    def menu_actions(self) -> list[QAction]:
        actions = []
        for text, slot, writes in (
            ("登记申请…", self.ops.new_request, True),
            ("登记复议/诉讼…", self.add_appeal, True),
            ("登记复议/诉讼结果…", self.record_appeal_result, True),
            ("年度结转…", self.carry_over_year, True),
        ):
            action = QAction(text, self)
            action.triggered.connect(slot)
            action.setEnabled(not (writes and self.ctx.read_only))
            actions.append(action)
        return actions

    # --- the 编辑 menu and remembered layout -----------------------------------------------------
    def new_item(self) -> None:
        if not self.ctx.read_only:
            self.ops.new_request()

    def edit_selected(self) -> None:
        self.ops.edit_request()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def save_state(self, qs: QSettings) -> None:
        qs.setValue("requests/header", self.view.horizontalHeader().saveState())
        qs.setValue("requests/splitter", self.splitter.saveState())

    def restore_state(self, qs: QSettings) -> None:
        header, splitter = qs.value("requests/header"), qs.value("requests/splitter")
        if header is not None:
            self.view.horizontalHeader().restoreState(header)
        if splitter is not None:
            self.splitter.restoreState(splitter)
