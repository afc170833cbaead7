"""The main window: tabs, menus, status bar, read-only mode, remembered layout, refresh on
change signals, and the lazily imported dialogs of the 设置 menu."""

from __future__ import annotations

import re
import sys
import types

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction

from deskapp.core.audit.chain import Actor
from deskapp.core.register.items import ItemData, create_item
from deskapp.core.store import settings as core_settings
from deskapp.ui import main_window as main_window_module
from deskapp.ui.main_window import MainWindow
from deskapp.ui.register.tab import RegisterTab
from deskapp.ui.tabs import BrokenTab
from tests.ui.register_testdata import ITEM_COUNT, STUB_TABS, TODAY, StubTab, settle

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


@pytest.fixture(autouse=True)
def stub_other_tabs(monkeypatch):
    """The register is ours; the other two tabs are replaced by stubs (see STUB_TABS)."""
    monkeypatch.setattr(main_window_module, "TABS", STUB_TABS)


@pytest.fixture
def qsettings(tmp_path) -> QSettings:
    return QSettings(str(tmp_path / "设置 文件.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(qtbot, ctx, qsettings) -> MainWindow:
    w = MainWindow(ctx, qsettings)
    qtbot.addWidget(w)
    return w


def actions(window: MainWindow) -> dict[str, QAction]:
    found = {}
    for menu_action in window.menuBar().actions():
        for action in menu_action.menu().actions():
            if action.text():
                found[f"{menu_action.text()}/{action.text()}"] = action
    return found


def register_total(tab: RegisterTab) -> int:
    settle(tab.model)
    return int(re.match(r"共 (\d+) 条", tab.count_label.text())[1])


def add_item(ctx, title: str) -> None:
    with ctx.db.session() as s:
        create_item(s, ctx.actor, ItemData(title=title, formed_on=TODAY), today=TODAY)


def test_title_tabs_and_status_bar(window, ctx):
    assert window.windowTitle() == "测试街道办事处 — 政务公开台账 — 测试员"
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == [t for t, _ in STUB_TABS]
    assert isinstance(window.tab(0), RegisterTab) and window.tab(0).loaded
    assert register_total(window.tab(0)) == ITEM_COUNT
    assert window.operator_label.text() == "当前操作人：测试员"
    assert window.path_label.text() == str(ctx.db.path)
    assert not window.read_only_label.isVisibleTo(window)


def test_menus_and_shortcuts(window):
    found = actions(window)
    expected = {"文件(&F)/退出": "Ctrl+Q", "编辑(&E)/新增": "Ctrl+N", "编辑(&E)/编辑": "Ctrl+E",
                "编辑(&E)/删除": "Del", "编辑(&E)/查找": "Ctrl+F", "编辑(&E)/刷新": "F5"}
    for name, key in expected.items():
        assert found[name].shortcut().toString() == key, name
    for name in ("设置(&S)/机构与人员…", "设置(&S)/节假日安排…", "设置(&S)/公开目录…",
                 "设置(&S)/切换操作人…", "帮助(&H)/关于", "帮助(&H)/打开数据文件夹",
                 "帮助(&H)/打开日志文件夹", "文件(&F)/删除演示数据…", "信息登记/下架…"):
        assert name in found, name
    assert all(a.isEnabled() for n, a in found.items() if n.startswith("编辑"))


def test_edit_menu_follows_the_current_tab(window, monkeypatch):
    calls = []
    monkeypatch.setattr(window.tab(0), "delete_selected", lambda: calls.append("delete"))
    actions(window)["编辑(&E)/删除"].trigger()
    assert calls == ["delete"]
    window.tabs.setCurrentIndex(2)
    if not callable(getattr(window.tab(2), "delete_selected", None)):
        assert not actions(window)["编辑(&E)/删除"].isEnabled()


def test_change_signals_refresh_the_visible_tab_now_and_others_when_shown(window, ctx):
    register = window.tab(0)
    add_item(ctx, "新登记的一条信息")
    ctx.bus.items_changed.emit()
    assert register_total(register) == ITEM_COUNT + 1
    window.tabs.setCurrentIndex(1)
    add_item(ctx, "另一条信息")
    ctx.bus.items_changed.emit()
    assert register_total(register) == ITEM_COUNT + 1  # hidden: not yet
    assert 0 in window.stale
    stub = window.tab(1)
    assert isinstance(stub, StubTab) and stub.refreshed == 2  # when first shown, and on the change
    window.tabs.setCurrentIndex(0)
    assert register_total(register) == ITEM_COUNT + 2
    actions(window)["编辑(&E)/刷新"].trigger()
    assert register_total(register) == ITEM_COUNT + 2
    window.tabs.setCurrentIndex(1)
    assert stub.refreshed == 2  # nothing changed since: no refresh
    assert actions(window)["审核签发/示例操作"].isVisible()


def test_read_only_window(qtbot, ctx, qsettings):
    ctx.read_only = True
    w = MainWindow(ctx, qsettings)
    qtbot.addWidget(w)
    w.show()
    assert w.read_only_label.isVisible() and w.read_only_label.text() == "只读"
    found = actions(w)
    for name in ("编辑(&E)/新增", "编辑(&E)/编辑", "编辑(&E)/删除", "设置(&S)/机构与人员…",
                 "设置(&S)/节假日安排…", "设置(&S)/公开目录…", "文件(&F)/删除演示数据…",
                 "信息登记/下架…"):
        assert not found[name].isEnabled(), name
    for name in ("编辑(&E)/查找", "编辑(&E)/刷新", "文件(&F)/退出", "设置(&S)/切换操作人…"):
        assert found[name].isEnabled(), name
    w.tabs.setCurrentIndex(1)
    w.tabs.setCurrentIndex(0)
    assert not found["编辑(&E)/新增"].isEnabled()  # switching tabs does not re-enable


def test_window_state_is_restored(qtbot, ctx, qsettings):
    first = MainWindow(ctx, qsettings)
    qtbot.addWidget(first)
    first.resize(1011, 677)
    first.show()
    header = first.tab(0).view.horizontalHeader()
    header.resizeSection(1, 222)
    header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
    first.tabs.setCurrentIndex(2)
    first.close()

    second = MainWindow(ctx, qsettings)
    qtbot.addWidget(second)
    # The offscreen screen is 800 px wide and restoreGeometry keeps a window on its screen.
    assert second.size().height() == 677 and second.size().width() >= 790
    assert second.tabs.currentIndex() == 2
    second.tabs.setCurrentIndex(0)
    header2 = second.tab(0).view.horizontalHeader()
    assert header2.sectionSize(1) == 222
    assert header2.sortIndicatorSection() == 0
    assert header2.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder
    model = second.tab(0).model
    assert model.sort_key == "index_no" and not model.descending
    assert model.index(0, 0).data() < model.index(1, 0).data()


def test_settings_menu_opens_the_dialogs_lazily(window, monkeypatch):
    opened = []

    def fake(name):
        class Dialog:
            def __init__(self, ctx, parent):
                opened.append((name, ctx, parent))

            def exec(self):
                return 0
        module = types.ModuleType(f"deskapp.ui.{name}")
        setattr(module, {"settings.dialog": "SettingsDialog", "settings.holiday_dialog": "HolidayDialog",
                         "settings.catalogue_dialog": "CatalogueDialog",
                         "review.flow_dialog": "ReviewFlowDialog"}[name], Dialog)
        monkeypatch.setitem(sys.modules, f"deskapp.ui.{name}", module)

    names = ("settings.dialog", "settings.holiday_dialog", "settings.catalogue_dialog", "review.flow_dialog")
    for name in names:
        fake(name)
    found = actions(window)
    for name in ("机构与人员…", "节假日安排…", "公开目录…", "审核流程与签批密码…"):
        found[f"设置(&S)/{name}"].trigger()
    assert [o[0] for o in opened] == list(names)
    assert all(o[1] is window.ctx and o[2] is window for o in opened)


def test_switch_operator(window, ctx, monkeypatch):
    remembered = []
    module = types.ModuleType("deskapp.ui.settings.operator_dialog")
    module.choose_operator = lambda db, parent, remembered_id: Actor(7, "李四")
    module.remember_operator_id = remembered.append
    monkeypatch.setitem(sys.modules, "deskapp.ui.settings.operator_dialog", module)
    actions(window)["设置(&S)/切换操作人…"].trigger()
    assert ctx.actor == Actor(7, "李四") and remembered == [7]
    assert window.operator_label.text() == "当前操作人：李四"


def test_a_broken_tab_does_not_stop_the_window(qtbot, ctx, qsettings, monkeypatch, caplog):
    monkeypatch.setattr(main_window_module, "TABS", STUB_TABS + [("坏页面", "deskapp.ui.no_such_tab:Tab")])
    w = MainWindow(ctx, qsettings)
    qtbot.addWidget(w)
    assert isinstance(w.tab(len(STUB_TABS)), BrokenTab)
    assert "no_such_tab" in caplog.text
    assert register_total(w.tab(0)) == ITEM_COUNT


def test_only_the_visible_tab_is_built_at_start(qtbot, ctx, qsettings, monkeypatch):
    built: list[str] = []
    real = main_window_module.build_tab
    monkeypatch.setattr(main_window_module, "build_tab",
                        lambda label, spec, c, parent: built.append(label) or real(label, spec, c, parent))
    w = MainWindow(ctx, qsettings)
    qtbot.addWidget(w)
    assert built == ["信息登记"]
    w.tabs.setCurrentIndex(2)
    assert built == ["信息登记", "公示栏"]
    w.tabs.setCurrentIndex(0)
    w.tabs.setCurrentIndex(2)
    assert built == ["信息登记", "公示栏"]  # built once


def test_demo_data_is_marked_in_the_status_bar(window, ctx):
    window.show()
    remove = actions(window)["文件(&F)/删除演示数据…"]
    assert not window.demo_label.isVisible() and not remove.isEnabled()
    with ctx.db.session() as s:
        core_settings.put_many(s, {"demo_loaded": True})
    ctx.bus.settings_changed.emit()
    assert window.demo_label.isVisible() and window.demo_label.text() == "含演示数据"
    assert remove.isEnabled()


def test_show_review_tab_switches_to_the_queue(window):
    window.show_review_tab()
    assert window.tabs.tabText(window.tabs.currentIndex()) == "审核签发"
