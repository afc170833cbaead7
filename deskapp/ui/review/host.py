"""What the 审核签发 tab offers its helpers (the buttons' actions and the tab's menu): an
abstract widget that :class:`~deskapp.ui.review.tab.ReviewTab` implements, so
:mod:`~deskapp.ui.review.actions` and :mod:`~deskapp.ui.review.menus` need not import the
tab that uses them (no import circle)."""

from __future__ import annotations

from typing import Any, Callable, Optional

from PySide6.QtWidgets import QWidget

from deskapp.core.privacy.check import CheckResult
from deskapp.core.review.detail import ItemDetail
from deskapp.core.review.queue import QueueRow
from deskapp.ui.common.context import AppContext


class ReviewHost(QWidget):
    ctx: AppContext
    detail: Optional[ItemDetail]
    check: Optional[CheckResult]  # the 发布前检查 of the item in the pane

    def run(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Optional[Any]:
        """Call ``fn(session, *args)`` in one transaction; a DeskError becomes a message."""
        raise NotImplementedError

    def refresh(self) -> None:
        raise NotImplementedError

    def fill_people(self) -> None:
        """Re-read who may be chosen in the 审批人 filter."""
        raise NotImplementedError

    def toggle_mine(self) -> None:
        raise NotImplementedError

    def show_status(self, text: str) -> None:
        raise NotImplementedError

    def selected_rows(self) -> list[QueueRow]:
        raise NotImplementedError

    def select_items(self, item_ids: list[int]) -> None:
        raise NotImplementedError
