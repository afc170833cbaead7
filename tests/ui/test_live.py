"""Seeing other desks' changes in the window (the change poll), the title bar, and a server
that goes away: the banner, the form kept, reconnecting."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, QThread
from sqlalchemy import select

from deskapp.core.audit.chain import Actor
from deskapp.core.desk import open_database
from deskapp.core.store.db import open_store
from deskapp.core.store.models import Item
from deskapp.ui import main_window as main_window_module
from deskapp.ui.common import live
from deskapp.ui.common.context import AppContext
from deskapp.ui.common.messages import RecordingMessages
from deskapp.ui.main_window import MainWindow
from deskapp.ui.register.item_dialog import ItemDialog
from tests.live_server import pause, private_pg_fixture, resume  # noqa: F401  (the private_pg fixture)
from tests.ui.register_testdata import STUB_TABS, TODAY, populate, settle

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


@pytest.fixture(autouse=True)
def stub_other_tabs(monkeypatch):
    monkeypatch.setattr(main_window_module, "TABS", STUB_TABS)


@pytest.fixture(autouse=True)
def fast_poll(monkeypatch):
    monkeypatch.setattr(live, "POLL_MS", 150)
    monkeypatch.setattr(live, "MAX_BACKOFF_MS", 400)


def _window(qtbot, ctx, tmp_path) -> MainWindow:
    w = MainWindow(ctx, QSettings(str(tmp_path / "设置.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    w.resize(1000, 500)
    w.show()
    return w


def _rename(target: str, item_id: int, title: str) -> None:
    """Another desk (its own engine, as another PC would have) renames an item."""
    other = open_store(target)
    try:
        with other.session() as s:
            item = s.get(Item, item_id)
            item.title = title
            item.version += 1
    finally:
        other.close()


def test_another_desks_change_shows_within_one_poll_keeping_selection_and_scroll(qtbot, ctx, tmp_path):
    window = _window(qtbot, ctx, tmp_path)
    tab = window.tab(0)
    settle(tab.model)
    view = tab.view
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum() // 2)
    scrolled = view.verticalScrollBar().value()
    assert scrolled > 0
    row = view.rowAt(view.viewport().height() // 2)
    chosen = tab.model.item_id(row)
    tab.select_id(chosen, scroll=False)
    qtbot.wait(400)  # the first poll has remembered where the counters stand
    _rename(str(ctx.db.path), chosen, "另一台电脑改过的标题")
    qtbot.waitUntil(lambda: tab.selected_row() is not None and tab.selected_row().title == "另一台电脑改过的标题",
                    timeout=3000)
    assert tab.selected_id() == chosen
    assert view.verticalScrollBar().value() == scrolled
    assert not window.banner.isVisible()


def test_the_poll_never_reads_on_the_gui_thread(qtbot, ctx, tmp_path, monkeypatch):
    threads = []
    real = live._poll
    monkeypatch.setattr(live, "_poll", lambda state: (threads.append(QThread.currentThread()), real(state))[1])
    window = _window(qtbot, ctx, tmp_path)
    qtbot.waitUntil(lambda: len(threads) >= 2, timeout=3000)
    assert all(t is not window.thread() for t in threads)


def test_own_changes_do_not_refresh_again(qtbot, ctx, tmp_path):
    window = _window(qtbot, ctx, tmp_path)
    qtbot.wait(400)
    seen = []
    window.poller.changed.connect(seen.append)
    with ctx.db.session() as s:
        s.scalars(select(Item).limit(1)).one().title = "本机改的"
    qtbot.wait(600)
    assert seen == []


def test_title_names_the_operator_on_this_pcs_desk(qtbot, ctx, tmp_path):
    window = _window(qtbot, ctx, tmp_path)
    assert window.windowTitle() == "测试街道办事处 — 政务公开台账 — 测试员"


def test_a_stopped_server_shows_the_banner_keeps_the_form_and_reconnects(qtbot, private_pg, tmp_path):
    url = private_pg.url(private_pg.new_database())
    db = open_database(url)
    populate(db, 5)
    ctx = AppContext(db=db, actor=Actor(None, "测试员"), messages=RecordingMessages(), clock=lambda: TODAY)
    try:
        window = _window(qtbot, ctx, tmp_path)
        assert f"服务器 本机:{private_pg.port}/" in window.windowTitle()
        assert window.windowTitle().endswith("— 测试员") and "deskapp_test" not in window.windowTitle()
        dialog = ItemDialog(ctx, None)
        qtbot.addWidget(dialog)
        dialog.field("title").setText("断线时正在写的标题")
        dialog.field("formed_on").setDate(TODAY)
        pause(private_pg)
        qtbot.waitUntil(window.banner.isVisible, timeout=5000)
        assert "与服务器的连接已断开，正在重新连接" in window.banner.text()
        assert dialog.save() is False
        assert any("连接已断开" in text for _kind, text in ctx.messages.shown), ctx.messages.shown
        assert dialog.field("title").text() == "断线时正在写的标题"  # what was typed stays
        assert dialog.result() != ItemDialog.DialogCode.Accepted
        resume(private_pg)
        qtbot.waitUntil(lambda: not window.banner.isVisible(), timeout=10000)
        assert dialog.save() is True
        with db.session() as s:
            assert s.scalar(select(Item.id).where(Item.title == "断线时正在写的标题")) is not None
        window.close()
    finally:
        db.close()


def test_the_banner_looks_right(qtbot, ctx, tmp_path):
    window = _window(qtbot, ctx, tmp_path)
    window.banner.setText(live.LOST_TEXT)
    window.banner.show()
    window.grab().save(str(tmp_path / "banner.png"))
    assert window.banner.isVisible()


@pytest.fixture
def demo_ctx(db):
    """A desk with demo requests and review history, and the real tabs (not the stubs)."""
    from deskapp.core.demo.generate import generate

    generate(db, 80, year=2026, today=TODAY)
    return AppContext(db=db, actor=Actor(None, "测试员"), messages=RecordingMessages(), clock=lambda: TODAY)


def _show_tab(window: MainWindow, label: str):
    from deskapp.ui.tabs import TABS

    index = next(i for i, (name, _spec) in enumerate(TABS) if name == label)
    window.tabs.setCurrentIndex(index)
    return window.tab(index)


def test_the_request_register_follows_another_desk_keeping_its_selection(qtbot, demo_ctx, tmp_path, monkeypatch):
    from deskapp.core.store.models import InfoRequest
    from deskapp.ui.tabs import TABS

    monkeypatch.setattr(main_window_module, "TABS", TABS)
    window = _window(qtbot, demo_ctx, tmp_path)
    tab = _show_tab(window, "依申请公开")
    qtbot.waitUntil(lambda: len(tab.model.ids) > 2, timeout=5000)
    chosen = tab.model.ids[1]
    tab.select_request(chosen)
    qtbot.wait(400)
    other = open_store(str(demo_ctx.db.path))
    try:
        with other.session() as s:
            s.get(InfoRequest, chosen).content = "另一台电脑补充的申请内容"
            s.get(InfoRequest, chosen).version += 1
    finally:
        other.close()
    row = tab.model.row_of(chosen)
    qtbot.waitUntil(lambda: tab.model.row_at(tab.model.row_of(chosen)).content == "另一台电脑补充的申请内容",
                    timeout=3000)
    assert tab.view.selectionModel().selectedRows()[0].row() == tab.model.row_of(chosen) == row


def test_the_review_queue_follows_another_desk_keeping_its_selection(qtbot, demo_ctx, tmp_path, monkeypatch):
    from deskapp.ui.tabs import TABS

    monkeypatch.setattr(main_window_module, "TABS", TABS)
    window = _window(qtbot, demo_ctx, tmp_path)
    tab = _show_tab(window, "审核签发")
    qtbot.waitUntil(lambda: tab.model.rowCount() > 3, timeout=5000)
    listed = [r for r in (tab.model.row_at(tab.model.index(i, 0)) for i in range(tab.model.rowCount())) if r]
    chosen, renamed = listed[0], listed[1]
    tab.select_items([chosen.item_id])
    qtbot.wait(400)
    _rename(str(demo_ctx.db.path), renamed.item_id, "另一台电脑改过的送审标题")

    def shows_new_title() -> bool:
        rows = [tab.model.row_at(tab.model.index(i, 0)) for i in range(tab.model.rowCount())]
        return any(r is not None and r.title == "另一台电脑改过的送审标题" for r in rows)

    qtbot.waitUntil(shows_new_title, timeout=3000)
    assert [r.item_id for r in tab.selected_rows()] == [chosen.item_id]


def test_the_poll_backs_off_while_failing_and_says_once_when_it_is_back(qtbot, ctx, monkeypatch):
    from deskapp.core.errors import ConnectionLostError
    from deskapp.core.store.changes import Changes

    failing = [True]

    def flaky(_state):
        if failing[0]:
            raise ConnectionLostError("测试服务器")
        return Changes(frozenset())

    monkeypatch.setattr(live, "_poll", flaky)
    poller = live.ChangePoller(ctx.db, interval_ms=50, max_backoff_ms=400)
    lost, back = [], []
    poller.connection_lost.connect(lost.append)
    poller.connection_back.connect(lambda: back.append(True))
    delays = []
    real_start = poller.timer.start
    monkeypatch.setattr(poller.timer, "start", lambda ms: (delays.append(ms), real_start(ms)))
    poller.start()
    qtbot.waitUntil(lambda: len(delays) >= 5, timeout=5000)
    assert len(lost) == 1 and back == []
    assert delays[:5] == [100, 200, 400, 400, 400]  # doubling, up to the cap
    failing[0] = False
    qtbot.waitUntil(lambda: back == [True], timeout=3000)
    qtbot.wait(200)
    assert len(lost) == 1 and back == [True] and poller.delay_ms == 50
    poller.stop()
    poller.stop()  # the window may close twice
    assert not poller.timer.isActive()


def test_title_names_the_signed_in_account_on_a_server(qtbot, pg_seeded_url, tmp_path):
    from deskapp.core.accounts.account import AccountInfo
    from deskapp.core.accounts.roles import MAINTAINER

    db = open_database(pg_seeded_url)
    try:
        account = AccountInfo(id=1, username="zhangsan", person_id=1, person_name="张三", role=MAINTAINER,
                              department_id=None, department_name="")
        ctx = AppContext(db=db, actor=Actor(1, "张三"), messages=RecordingMessages(), clock=lambda: TODAY,
                         account=account)
        window = _window(qtbot, ctx, tmp_path)
        title = window.windowTitle()
        assert title.endswith(f"— {account.display}") and "服务器 本机" in title
        assert "zhangsan" not in title and "deskapp_test" not in title  # no user names of the database
        window.close()
    finally:
        db.close()
