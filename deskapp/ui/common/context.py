"""What every tab and dialog is handed: the open database, who is at the desk, how to talk
to the user, and the signals that say something changed (cf. git-cola's ApplicationContext).
No global application object is reached from deep code.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable, Optional

from PySide6.QtCore import QObject, Signal

from deskapp.core.accounts.account import AccountInfo
from deskapp.core.audit.chain import Actor
from deskapp.core.store.db import Database
from deskapp.ui.common.messages import Messages


class Bus(QObject):
    """Change notifications; tabs listen and refresh themselves."""

    items_changed = Signal()
    settings_changed = Signal()
    calendar_changed = Signal()
    operator_changed = Signal()
    # A tab asks the window to show a list elsewhere: (target, what). Targets: "register"
    # (what: (item ids, label)), "requests" (what: a RequestFilter). The 工作台's checklist.
    show_list = Signal(str, object)


@dataclass
class AppContext:
    db: Database
    actor: Actor
    messages: Messages
    bus: Bus = field(default_factory=Bus)
    read_only: bool = False
    clock: Callable[[], dt.date] = dt.date.today
    parent_widget: Optional[object] = None
    # The signed-in account on a server (its person is ``actor``); None on the single-PC desk.
    account: Optional[AccountInfo] = None

    def today(self) -> dt.date:
        return self.clock()
