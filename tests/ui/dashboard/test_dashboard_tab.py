"""The 工作台 tab: first in the window, painted at once and filled from a background query, its
checklist opening the register on exactly the finding's items (and 显示全部 undoing it), and
the request list with the finding's filter; the charts are the PNGs the 自查报告 embeds."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt

from deskapp.core.dashboard.board import dashboard
from deskapp.exports.charts import dashboard_charts
from deskapp.ui.dashboard.tab import DashboardTab
from deskapp.ui.main_window import MainWindow
from deskapp.ui.tabs import TABS
from tests.ui.register_testdata import TODAY

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")  # offscreen platform


@pytest.fixture
def window(qtbot, ctx, tmp_path):
    w = MainWindow(ctx, QSettings(str(tmp_path / "设置.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    w.show()
    return w


def loaded(qtbot, window) -> DashboardTab:
    tab = window.tab(0)
    assert isinstance(tab, DashboardTab)
    qtbot.waitUntil(lambda: tab.board is not None, timeout=10_000)
    return tab


def line(tab: DashboardTab, key: str):
    return next(tab.checklist.item(i) for i in range(tab.checklist.count())
                if tab.checklist.item(i).data(Qt.ItemDataRole.UserRole) == key)


def test_first_tab_fills_in_with_the_cores_figures(qtbot, window, ctx):
    assert TABS[0] == ("工作台", "deskapp.ui.dashboard.tab:DashboardTab")
    assert window.tabs.currentIndex() == 0 and window.tabs.tabText(0) == "工作台"
    tab = loaded(qtbot, window)
    with ctx.db.session() as s:
        expected = dashboard(s, TODAY)
    assert tab.tiles["new_active"].value.text() == str(expected.quarter_figures["new_active"])
    assert tab.tiles["requests"].value.text() == str(expected.requests.open)
    assert tab.checklist.count() == 7
    assert [c.png for c in tab.charts] == [c.png for c in dashboard_charts(expected)]
    assert all(not label.pixmap().isNull() for label in tab.chart_labels)


def test_a_finding_opens_the_register_on_its_items_then_all_again(qtbot, window, ctx):
    tab = loaded(qtbot, window)
    finding = tab.board.finding("overdue_unpublished")
    assert finding.count > 0  # the test data has late unpublished items
    tab.open_finding(line(tab, "overdue_unpublished"))
    assert window.tabs.tabText(window.tabs.currentIndex()) == "信息登记"
    register = window.current_tab()
    qtbot.waitUntil(lambda: register.model.complete, timeout=10_000)
    assert sorted(register.model.ids) == sorted(finding.item_ids)
    assert register.only_label.isVisible() and "超期未公开" in register.only_label.text()
    register.show_all_button.click()
    qtbot.waitUntil(lambda: register.model.complete, timeout=10_000)
    assert len(register.model.ids) > len(finding.item_ids) and not register.only_label.isVisible()


def test_the_request_finding_sets_the_request_lists_filter(qtbot, window):
    tab = loaded(qtbot, window)
    tab.open_finding(line(tab, "requests_late"))
    requests = window.current_tab()
    assert window.tabs.tabText(window.tabs.currentIndex()) == "依申请公开"
    f = requests.current_filter()
    assert f.open_only and f.overdue_only and not f.due_soon_only
