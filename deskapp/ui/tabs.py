"""The main window's tabs, in order: ``(label, "module.path:ClassName")``.

A tab is a QWidget built as ``Cls(ctx: AppContext, parent=None)``. It may define:

- ``refresh()`` — re-read the database; called when the tab is shown after a change
  (``ctx.bus`` signals), so a hidden tab does no work;
- ``menu_actions() -> list[QAction]`` — put in a menu named after the tab;
- ``new_item()``, ``edit_selected()``, ``delete_selected()``, ``focus_search()`` — what the
  编辑 menu's 新增 / 编辑 / 删除 / 查找 do while the tab is current (disabled when absent);
- ``save_state(QSettings)`` / ``restore_state(QSettings)`` — column widths and the like.

Modules are imported only when the window is built, so ``deskapp --version`` stays quick.
"""

from __future__ import annotations

import importlib
import logging
from typing import Any

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

log = logging.getLogger(__name__)

TABS: list[tuple[str, str]] = [
    ("工作台", "deskapp.ui.dashboard.tab:DashboardTab"),
    ("信息登记", "deskapp.ui.register.tab:RegisterTab"),
    ("依申请公开", "deskapp.ui.requests.tab:RequestsTab"),
    ("审核签发", "deskapp.ui.review.tab:ReviewTab"),
    ("公示栏", "deskapp.ui.board.tab:BoardTab"),
    ("工作记录", "deskapp.ui.worklog.tab:WorklogTab"),
]


def load_tab_class(spec: str) -> Any:
    module_name, _, class_name = spec.partition(":")
    return getattr(importlib.import_module(module_name), class_name)


class BrokenTab(QWidget):
    """Shown instead of a tab that failed to build: the rest of the desk stays usable."""

    def __init__(self, label: str, parent: QWidget | None = None):
        super().__init__(parent)
        text = QLabel(f"“{label}”页面加载失败，详细信息已写入日志文件，请将日志发给维护人员。", self)
        text.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addStretch(1)


def build_tab(label: str, spec: str, ctx: Any, parent: QWidget | None = None) -> QWidget:
    """Construct one tab; a bug in one tab is logged and does not stop the window opening."""
    try:
        return load_tab_class(spec)(ctx, parent)
    except Exception:
        log.exception("tab %s (%s) failed to build", label, spec)
        return BrokenTab(label, parent)
