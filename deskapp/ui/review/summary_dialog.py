"""今日待办: the summary shown when the desk opens — what waits for the person at the desk
at each step, steps nobody can decide, items late or due within the reminder window,
returned items awaiting their drafter, and the 依申请公开 requests that are late, due soon or
whose 补正 notice must go out soon (:mod:`deskapp.core.requests.digest`).

Hook for the main window (after it is shown)::

    from deskapp.ui.review.summary_dialog import show_opening_summary
    show_opening_summary(ctx, window, qsettings, on_open_review=lambda: window.tabs.setCurrentIndex(1))
"""

from __future__ import annotations

from html import escape
from typing import Callable, Optional

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import QCheckBox, QDialog, QHBoxLayout, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from deskapp.core.requests.digest import DigestEntry, RequestDigest, request_digest
from deskapp.core.review.queue import Summary, SummaryItem, due_soon_days, opening_summary
from deskapp.ui.common.context import AppContext

SHOW_KEY = "review/summary_on_open"
LIST_SHOWN = 8


def _items(rows: list[SummaryItem], total: int) -> str:
    lines = "".join(f"<li>{escape(r.title)}（{escape(r.note)}）</li>" for r in rows[:LIST_SHOWN])
    more = f"<li>……等共 {total} 条</li>" if total > LIST_SHOWN else ""
    return f"<ul>{lines}{more}</ul>"


def _requests(rows: list[DigestEntry], total: int) -> str:
    lines = "".join(f"<li>{escape(r.number)}　{escape(r.applicant)}（{escape(r.note)}）</li>"
                    for r in rows[:LIST_SHOWN])
    more = f"<li>……等共 {total} 件</li>" if total > LIST_SHOWN else ""
    return f"<ul>{lines}{more}</ul>"


def requests_html(d: RequestDigest, soon_days: int) -> str:
    """The 依申请公开 part: late, due soon, 补正 window closing ("" when there is nothing)."""
    if d.empty:
        return ""
    parts = ["<h4>依申请公开</h4>"]
    if d.late_total:
        parts.append(f"<p style='color:#a1121b'><b>已超过答复期限 {d.late_total} 件</b></p>"
                     f"{_requests(d.late, d.late_total)}")
    if d.due_soon_total:
        parts.append(f"<p style='color:#7a4b00'><b>{soon_days} 个工作日内答复到期 {d.due_soon_total} 件</b></p>"
                     f"{_requests(d.due_soon, d.due_soon_total)}")
    if d.supplement_total:
        parts.append(f"<p style='color:#7a4b00'><b>补正告知期限将满 {d.supplement_total} 件</b>"
                     "（收到申请后7个工作日内须一次性告知补正；无需补正的不必处理）</p>"
                     f"{_requests(d.supplement, d.supplement_total)}")
    return "".join(parts)


def summary_html(s: Summary, soon_days: int, requests: Optional[RequestDigest] = None) -> str:
    who = f"{escape(s.person)}，" if s.person else ""
    parts = [f"<h3>{who}今日待办</h3>"]
    if s.waiting:
        target = "待您审批" if s.person else "审核中"
        steps = "；".join(f"{escape(name)} {n} 条" for name, n in s.waiting)
        parts.append(f"<p><b>{target}：</b>{steps}</p>")
    elif s.person:
        parts.append("<p>暂无等待您审批的信息。</p>")
    if s.blocked_steps:
        parts.append(f"<p style='color:#a1121b'><b>无人可审：</b>“{escape('、'.join(s.blocked_steps))}”"
                     "没有在职审批人，请在“审核流程”设置中指定。</p>")
    if s.late:
        parts.append(f"<p style='color:#a1121b'><b>已超期 {s.late_total} 条</b></p>{_items(s.late, s.late_total)}")
    if s.due_soon:
        parts.append(f"<p style='color:#7a4b00'><b>{soon_days} 个工作日内到期 {s.due_soon_total} 条</b></p>"
                     f"{_items(s.due_soon, s.due_soon_total)}")
    if s.returned:
        parts.append(f"<p><b>已退回、待经办人修改 {len(s.returned)} 条</b></p>{_items(s.returned, len(s.returned))}")
    if requests is not None:
        parts.append(requests_html(requests, soon_days))
    if s.empty and (requests is None or requests.empty):
        parts.append("<p>没有超期、即将到期或待处理的信息和申请。</p>")
    return "".join(parts)


class SummaryDialog(QDialog):
    open_review = Signal()  # the user wants the 审核签发 tab

    def __init__(self, ctx: AppContext, parent: Optional[QWidget] = None,
                 qsettings: Optional[QSettings] = None):
        super().__init__(parent)
        self.ctx = ctx
        self.qsettings = qsettings
        self.setWindowTitle("今日待办")
        self.resize(560, 460)
        with ctx.db.session() as s:
            self.summary = opening_summary(s, ctx.today(), ctx.actor.id)
            self.requests = request_digest(s, ctx.db, ctx.today())
            soon = due_soon_days(s)
        self.text = QTextBrowser(self)
        self.text.setHtml(summary_html(self.summary, soon, self.requests))
        self.show_on_open = QCheckBox("打开台账时显示")
        self.show_on_open.setChecked(True if qsettings is None else _wanted(qsettings))
        self.show_on_open.toggled.connect(self._remember)
        go = QPushButton("去审核签发")
        go.clicked.connect(self._go)
        close = QPushButton("关闭")
        close.setDefault(True)
        close.clicked.connect(self.accept)
        foot = QHBoxLayout()
        foot.addWidget(self.show_on_open, 1)
        foot.addWidget(go)
        foot.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addLayout(foot)

    def _remember(self, on: bool) -> None:
        if self.qsettings is not None:
            self.qsettings.setValue(SHOW_KEY, on)

    @property
    def empty(self) -> bool:
        """Nothing to say about items or requests (then it is not shown on opening)."""
        return self.summary.empty and self.requests.empty

    def _go(self) -> None:
        self.open_review.emit()
        self.accept()


def _wanted(qs: QSettings) -> bool:
    value = qs.value(SHOW_KEY, True)
    return value not in (False, "false", "0", 0)


def show_opening_summary(ctx: AppContext, parent: QWidget, qsettings: QSettings,
                         on_open_review: Optional[Callable[[], None]] = None) -> Optional[SummaryDialog]:
    """Open the summary (non-modal) unless the user switched it off or there is nothing in it."""
    if not _wanted(qsettings):
        return None
    dialog = SummaryDialog(ctx, parent, qsettings)
    if dialog.empty:
        dialog.deleteLater()
        return None
    if on_open_review is not None:
        dialog.open_review.connect(on_open_review)
    dialog.show()
    return dialog
