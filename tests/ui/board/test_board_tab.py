"""The 公示栏 tab offscreen: four lists, posting and taking down, preview from memory, export."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader
from PySide6.QtPdf import QPdfDocument
from sqlalchemy import select

from deskapp.core.privacy.masking import id_check_char
from deskapp.core.register.items import ItemData, create_item
from deskapp.core.store import settings
from deskapp.core.store.models import Attachment, AuditEvent, Item
from deskapp.ui.board.tab import BoardTab
from deskapp.ui.common.context import AppContext
from deskapp.ui.common.messages import RecordingMessages

FIRST17 = "33010219620408031"
PID = FIRST17 + id_check_char(FIRST17)


def add(db, actor, today, title, status="approved", **kw):
    with db.session() as s:
        settings.put_many(s, {"org_name": "某某街道办事处", "phone": "0571-87654321"})
        data = ItemData(title=title, kind="公告公示", formed_on=dt.date(2026, 11, 1), status=status,
                        content=f"名单：\n姓名\t身份证号\n张三\t{PID}", **kw)
        return create_item(s, actor, data, today=today).id


@pytest.fixture
def ctx(db, actor, today):
    return AppContext(db=db, actor=actor, messages=RecordingMessages(), clock=lambda: today)


@pytest.fixture
def tab(qtbot, ctx, db, actor, today):
    add(db, actor, today, "关于低保新增对象的公示")
    add(db, actor, today, "关于临时救助对象的公示", posted_on=dt.date(2026, 11, 20), posted_board="东湖社区",
        notice_start=dt.date(2026, 11, 20), notice_end=dt.date(2026, 11, 30))
    add(db, actor, today, "关于高龄津贴对象的公示", posted_on=dt.date(2026, 11, 10), posted_board="街道",
        notice_start=dt.date(2026, 11, 10), notice_end=dt.date(2026, 11, 16))
    add(db, actor, today, "草稿中的公示", status="draft")
    widget = BoardTab(ctx)
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    with qtbot.waitSignal(widget.loaded, timeout=5000):
        widget.refresh()  # the window does this when it first shows the tab
    return widget


def test_four_lists(tab):
    assert {k: tab.tables[k].rowCount() for k in tab.tables} == {
        "pending": 1, "showing": 1, "due_down": 1, "removed": 0}
    assert tab.tables["showing"].item(0, 5).text() == "4天"
    assert tab.tables["due_down"].item(0, 5).text() == "已过期10天"
    assert tab.tables["due_down"].item(0, 1).foreground().color().red() == 190
    assert tab.tables["pending"].item(0, 8).text().startswith("⚠")
    assert "待撤下" in tab.boxes["due_down"].title()


def test_post_then_remove_with_photo(tab, ctx, db, tmp_path, today, qtbot):
    photo = tmp_path / "张贴 照片.jpg"
    photo.write_bytes(b"\xff\xd8fake jpeg")
    tab.select("pending", 0)
    assert tab.buttons["post"].isEnabled() and not tab.buttons["remove"].isEnabled()
    tab.ask_posting = lambda *a: (today, "东湖社区公示栏", photo)
    with qtbot.waitSignal(tab.loaded, timeout=5000):  # the lists are re-read in the background
        tab.register_posting()
    assert tab.tables["pending"].rowCount() == 0 and tab.tables["showing"].rowCount() == 2
    tab.select("due_down", 0)
    tab.ask_posting = lambda *a: (today, "", None)
    with qtbot.waitSignal(tab.loaded, timeout=5000):
        tab.register_removal()
    assert tab.tables["removed"].rowCount() == 1 and tab.tables["due_down"].rowCount() == 0
    with db.session() as s:
        actions = s.scalars(select(AuditEvent.action)).all()
        assert "post_notice" in actions and "remove_notice" in actions
        assert s.scalars(select(Attachment.purpose)).all() == ["photo"]
        posted = s.scalar(select(Item).where(Item.title == "关于低保新增对象的公示"))
        assert posted.notice_start == today and posted.notice_end == today + dt.timedelta(days=6)
    assert ctx.messages.shown == []


@pytest.mark.qt_log_ignore("propagateSizeHints")  # the offscreen platform, when a dialog shows
def test_preview_loads_from_memory(tab, qtbot):
    tab.select("pending", 0)
    tab.preview()
    dialog = tab.last_preview  # deletes itself on close
    qtbot.waitUntil(lambda: dialog.pdf.document.status() == QPdfDocument.Status.Ready, timeout=5000)
    assert dialog.pdf.page_count() >= 1
    from PySide6.QtWidgets import QPushButton

    labels = {b.text() for b in dialog.findChildren(QPushButton)}
    assert labels == {"打印…", "关闭"}  # the interface is Chinese, not Qt's "Close"
    dialog.close()


def test_export_masked_and_unmasked_with_reason(tab, ctx, db, tmp_path):
    out = tmp_path / "导出 文件" / "公示.pdf"
    out.parent.mkdir()
    tab.select("pending", 0)
    tab.ask_save_path = lambda suggested: str(out)
    tab.export_selected()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(out.read_bytes())).pages)
    assert PID not in text.replace("\n", "") and "已导出" in ctx.messages.shown[-1][1]
    tab.ask_reason = lambda: ""
    tab.export_unmasked()
    assert ctx.messages.shown[-1] == ("warn", "没有写明理由，未打印。")
    tab.ask_reason = lambda: "核对身份需要"
    tab.export_unmasked()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(out.read_bytes())).pages)
    assert PID in text.replace("\n", "")
    with db.session() as s:
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "print_unmasked"))
        assert event.after["reason"] == "核对身份需要"


def test_batch_board(tab, ctx, tmp_path, qtbot):
    out = tmp_path / "公示栏.pdf"
    tab.ask_save_path = lambda suggested: str(out)
    tab.batch()
    assert tab.last_job.wait(30_000)
    qtbot.waitUntil(lambda: any("第1期" in text for _, text in ctx.messages.shown), timeout=10_000)
    assert out.exists() and PdfReader(str(out)).pages[0].mediabox.height > 1190


def test_export_failure_is_a_message(tab, ctx, tmp_path):
    tab.select("pending", 0)
    tab.ask_save_path = lambda suggested: str(tmp_path / "没有的文件夹" / "a.pdf")
    tab.export_selected()
    assert ctx.messages.shown[-1][0] == "warn" and "不存在" in ctx.messages.shown[-1][1]


@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_built_without_reading_and_filled_when_first_shown(qtbot, ctx, db, actor, today, monkeypatch):
    """Building the tab reads nothing (a big register made the window freeze); a change while
    it is hidden only marks it; showing it reads the lists once."""
    from deskapp.core.board import noticeboard

    add(db, actor, today, "关于低保新增对象的公示")
    calls = []
    real = noticeboard.board_lists
    monkeypatch.setattr(noticeboard, "board_lists", lambda *a, **k: calls.append(1) or real(*a, **k))
    widget = BoardTab(ctx)
    qtbot.addWidget(widget)
    ctx.bus.items_changed.emit()
    assert calls == [] and widget.tables["pending"].rowCount() == 0
    widget.show()
    qtbot.waitUntil(lambda: widget.tables["pending"].rowCount() == 1, timeout=3000)
    assert len(calls) == 1


def test_history_shows_the_newest_and_more_on_request(qtbot, ctx, db, actor, today, monkeypatch):
    from deskapp.core.board import noticeboard

    ids = [add(db, actor, today, f"第{n}号公示") for n in range(3)]
    with db.session() as s:
        for item_id in ids:
            noticeboard.register_posting(s, actor, item_id, dt.date(2026, 11, 20), "街道", today=today)
            noticeboard.register_removal(s, actor, item_id, today, today=today)
    monkeypatch.setattr(noticeboard, "HISTORY_LIMIT", 2)
    widget = BoardTab(ctx)
    qtbot.addWidget(widget)
    with qtbot.waitSignal(widget.loaded, timeout=5000):
        widget.refresh()
    assert widget.tables["removed"].rowCount() == 2
    assert widget.more.isVisibleTo(widget) and "3" in widget.more.text()
    with qtbot.waitSignal(widget.loaded, timeout=5000):
        widget.more.click()
    assert widget.tables["removed"].rowCount() == 3 and not widget.more.isVisibleTo(widget)


@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_reason_dialog_speaks_chinese(tab, qtbot):
    """The app installs no Qt translation: QInputDialog.getText would show OK / Cancel."""
    from PySide6.QtWidgets import QPushButton

    from deskapp.ui.board.tab import reason_dialog

    dialog = reason_dialog(tab)
    qtbot.addWidget(dialog)
    dialog.show()
    assert {b.text() for b in dialog.findChildren(QPushButton)} == {"继续", "取消"}
    assert "理由" in dialog.labelText()


@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_in_the_main_window_one_change_reads_the_lists_once(qtbot, ctx, db, actor, today, tmp_path, monkeypatch):
    """The window refreshes the tab in view on a change; the tab must not read again itself."""
    from PySide6.QtCore import QSettings

    from deskapp.core.board import noticeboard
    from deskapp.ui.main_window import MainWindow
    from deskapp.ui.tabs import TABS

    add(db, actor, today, "关于低保新增对象的公示")
    calls = []
    real = noticeboard.board_lists
    monkeypatch.setattr(noticeboard, "board_lists", lambda *a, **k: calls.append(1) or real(*a, **k))
    window = MainWindow(ctx, QSettings(str(tmp_path / "窗口.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.show()
    window.tabs.setCurrentIndex([label for label, _ in TABS].index("公示栏"))
    qtbot.waitUntil(lambda: len(calls) == 1, timeout=3000)
    qtbot.wait(50)
    ctx.bus.items_changed.emit()
    qtbot.wait(50)
    assert len(calls) == 2
    window.tabs.setCurrentIndex(0)
    ctx.bus.items_changed.emit()
    qtbot.wait(50)
    assert len(calls) == 2  # hidden: read when next shown


def test_unmasked_print_that_is_not_saved_is_not_logged_as_printed(tab, ctx, db, tmp_path):
    tab.select("pending", 0)
    tab.ask_save_path = lambda suggested: str(tmp_path / "没有的文件夹" / "a.pdf")
    tab.ask_reason = lambda: "核对身份需要"
    tab.export_unmasked()
    assert ctx.messages.shown[-1][0] == "warn" and "不存在" in ctx.messages.shown[-1][1]
    with db.session() as s:
        assert s.scalar(select(AuditEvent).where(AuditEvent.action == "print_unmasked")) is None


def test_lists_are_read_off_the_gui_thread_and_a_late_old_answer_is_dropped(qtbot, ctx, db, actor, today,
                                                                            monkeypatch):
    """Read 1 is slow and answers after read 2 (which saw a newer item): the tables must keep
    read 2's lists, and no read runs on the GUI thread."""
    import threading

    from deskapp.core.board import noticeboard
    from deskapp.ui.common.worker import wait_for_reads

    add(db, actor, today, "关于低保新增对象的公示")
    gate, threads = threading.Event(), []
    real = noticeboard.board_lists

    def slow_first(*a, **k):
        result = real(*a, **k)
        threads.append(threading.current_thread())
        if len(threads) == 1:
            gate.wait(10)
        return result

    monkeypatch.setattr(noticeboard, "board_lists", slow_first)
    widget = BoardTab(ctx)
    qtbot.addWidget(widget)
    widget.refresh()
    qtbot.waitUntil(lambda: len(threads) == 1, timeout=5000)
    add(db, actor, today, "关于临时救助对象的公示")
    with qtbot.waitSignal(widget.loaded, timeout=5000):
        widget.refresh()
    assert widget.tables["pending"].rowCount() == 2
    loads = []
    widget.loaded.connect(lambda: loads.append(1))
    gate.set()
    wait_for_reads()
    qtbot.wait(100)  # the late answer's signal is delivered here, and dropped
    assert loads == [] and widget.tables["pending"].rowCount() == 2 and len(widget.rows["pending"]) == 2
    assert threading.main_thread() not in threads and len(threads) == 2


def test_a_failed_read_is_told_and_the_tables_stay(tab, ctx, qtbot, monkeypatch):
    from deskapp.core.board import noticeboard
    from deskapp.core.errors import DeskError

    def locked(*a, **k):
        raise DeskError("数据库正忙，请稍后再试。")

    monkeypatch.setattr(noticeboard, "board_lists", locked)
    tab.refresh()
    qtbot.waitUntil(lambda: ("warn", "数据库正忙，请稍后再试。") in ctx.messages.shown, timeout=5000)
    assert tab.tables["pending"].rowCount() == 1 and not tab.reader.pending
