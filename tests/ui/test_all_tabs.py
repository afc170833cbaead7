"""The real window with every real tab: each builds, shows, refreshes, and the window saves
and restores every tab's state on close (a tab's slip there would lose the user's layout
and raise inside closeEvent)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from deskapp.ui.main_window import MainWindow
from deskapp.ui.tabs import TABS

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")  # offscreen platform


def test_every_tab_builds_and_the_window_closes_cleanly(qtbot, ctx, tmp_path):
    qsettings = QSettings(str(tmp_path / "设置 文件.ini"), QSettings.Format.IniFormat)
    window = MainWindow(ctx, qsettings)
    qtbot.addWidget(window)
    window.show()
    for index in range(len(TABS)):
        window.tabs.setCurrentIndex(index)
        qtbot.wait(50)
        assert "加载失败" not in window.tabs.tabText(index)
    window.close()  # saves every built tab's state; an exception here fails the test
    assert qsettings.value("main/tab") == len(TABS) - 1
    again = MainWindow(ctx, qsettings)
    qtbot.addWidget(again)
    again.show()
    assert again.tabs.currentIndex() == len(TABS) - 1
    again.close()
