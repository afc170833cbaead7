"""The 公示栏 reloaded after another desk's change keeps the selected notice selected, by
the notice, not by the row number: also when it moved to another list."""

from __future__ import annotations

import datetime as dt

import pytest

from deskapp.core.store.db import open_store
from deskapp.core.store.models import Item
from deskapp.ui.board.tab import BoardTab
from deskapp.ui.common.context import AppContext
from deskapp.ui.common.messages import RecordingMessages
from tests.ui.board.test_board_tab import add

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def test_the_selected_notice_stays_selected_when_another_desk_moves_it(qtbot, db, actor, today):
    add(db, actor, today, "关于低保新增对象的公示")
    showing = add(db, actor, today, "关于临时救助对象的公示", posted_on=dt.date(2026, 11, 20), posted_board="东湖社区",
                  notice_start=dt.date(2026, 11, 20), notice_end=dt.date(2026, 11, 30))
    tab = BoardTab(AppContext(db=db, actor=actor, messages=RecordingMessages(), clock=lambda: today))
    qtbot.addWidget(tab)
    with qtbot.waitSignal(tab.loaded, timeout=5000):
        tab.refresh()
    tab.select("showing", 0)
    assert tab.selected()[1].id == showing
    other = open_store(db.url)
    try:
        with other.session() as s:  # another desk registers its removal
            item = s.get(Item, showing)
            item.removed_on = today
            item.version += 1
    finally:
        other.close()
    with qtbot.waitSignal(tab.loaded, timeout=5000):
        tab.refresh()
    key, row = tab.selected()
    assert (key, row.id) == ("removed", showing)
    assert tab.tables["showing"].rowCount() == 0
