"""The 审核签发 menu: 操作记录, 今日待办, 审核流程与签批密码, 待我审批."""

from __future__ import annotations

from typing import Callable

from PySide6.QtGui import QAction, QKeySequence

from deskapp.ui.review.host import ReviewHost


def _action(tab: ReviewHost, text: str, slot: Callable[[], object], shortcut: str = "") -> QAction:
    action = QAction(text, tab)
    if shortcut:
        action.setShortcut(QKeySequence(shortcut))
    action.triggered.connect(lambda _checked=False: slot())
    return action


def open_history(tab: ReviewHost) -> None:
    from deskapp.ui.review.history_dialog import HistoryDialog

    rows = tab.selected_rows()
    HistoryDialog(tab.ctx, tab, rows[0].item_id if len(rows) == 1 else None).exec()


def open_summary(tab: ReviewHost) -> None:
    from deskapp.ui.review.summary_dialog import SummaryDialog

    dialog = SummaryDialog(tab.ctx, tab)
    dialog.open_review.connect(tab.setFocus)
    dialog.exec()


def open_flow(tab: ReviewHost) -> None:
    from deskapp.ui.review.flow_dialog import ReviewFlowDialog

    if ReviewFlowDialog(tab.ctx, tab).exec():
        tab.fill_people()
        tab.refresh()


def tab_menu_actions(tab: ReviewHost) -> list[QAction]:
    flow = _action(tab, "审核流程与签批密码…", lambda: open_flow(tab))
    flow.setEnabled(not tab.ctx.read_only)
    return [
        _action(tab, "操作记录…", lambda: open_history(tab), "Ctrl+H"),
        _action(tab, "今日待办…", lambda: open_summary(tab)),
        _action(tab, "待我审批", tab.toggle_mine),
        flow,
    ]
