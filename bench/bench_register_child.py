"""The measured process of bench_register.py: opens the window on the benchmark database as
``deskapp`` does (minus the operator dialog, which waits for a person) and times it."""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

KEYSTROKES = 20
PAUSE_S = 0.15  # longer than the search box's 120 ms throttle: each keystroke is "fresh"


def _rss_mb() -> float:
    import psutil

    info = psutil.Process().memory_info()
    peak = getattr(info, "peak_wset", 0)  # Windows keeps the peak itself
    try:
        import resource

        peak = max(peak, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)  # Linux: KB
    except ImportError:
        pass
    return max(info.rss, peak) / 2**20


def _search_words(db: Any, count: int) -> list[str]:
    """Three-character Chinese substrings of titles spread over the register."""
    from sqlalchemy import select

    from deskapp.core.store.models import Item

    with db.session() as s:
        titles = list(s.scalars(select(Item.title).where(Item.id % 997 == 0).limit(200)))
    words: list[str] = []
    for title in titles:
        for start in range(2, len(title) - 3):
            word = title[start:start + 3]
            if all("\u4e00" <= ch <= "\u9fff" for ch in word) and word not in words:
                words.append(word)
                break
        if len(words) == count:
            break
    return words


def measure(db_path: Path | str) -> dict[str, Any]:
    t0 = float(os.environ["BENCH_T0"])
    from PySide6.QtCore import QEvent, QObject, QSettings

    from deskapp.core.audit.chain import Actor
    from deskapp.core.desk import open_database
    from deskapp.ui.app import make_application
    from deskapp.ui.common.context import AppContext
    from deskapp.ui.common.messages import RecordingMessages
    from deskapp.ui.main_window import MainWindow

    app = make_application()
    imports_s = time.time() - t0
    db = open_database(db_path, take_lock=True)
    ctx = AppContext(db=db, actor=Actor(None, "基准测试"), messages=RecordingMessages())
    settings = QSettings(str(Path(tempfile.mkdtemp()) / "bench.ini"), QSettings.Format.IniFormat)
    window = MainWindow(ctx, settings)
    window.resize(1360, 820)
    from deskapp.ui.tabs import TABS

    index = next(i for i, (label, _spec) in enumerate(TABS) if label == "信息登记")  # not always first
    window.tabs.setCurrentIndex(index)
    tab = window.tab(index)
    view = tab.view

    class PaintSpy(QObject):
        seen = False

        def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt)
            if event.type() == QEvent.Type.Paint and tab.model.rowCount() > 0:
                PaintSpy.seen = True
            return False

    spy = PaintSpy()
    view.viewport().installEventFilter(spy)
    window.show()
    while not PaintSpy.seen:
        app.processEvents()
    first_rows_s = time.time() - t0
    view.viewport().removeEventFilter(spy)
    peak = _rss_mb()

    def settle(seconds: float) -> None:
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            app.processEvents()
            time.sleep(0.005)

    def timed(change: Callable[[], None]) -> float:
        started = time.perf_counter()
        change()
        view.viewport().repaint()  # synchronous: the rows on screen are fetched and drawn
        return (time.perf_counter() - started) * 1000

    def until_counted(started: float) -> float:
        while not tab.model.complete:
            app.processEvents()
            time.sleep(0.001)
        return (time.perf_counter() - started) * 1000

    keystrokes, counted = [], []
    search = tab.filters.search
    for word in _search_words(db, KEYSTROKES):
        search.setText(word[:2])
        until_counted(time.perf_counter())
        settle(PAUSE_S)
        started = time.perf_counter()
        keystrokes.append(timed(lambda w=word: search.setText(w)))
        counted.append(until_counted(started))
        settle(PAUSE_S)
        peak = max(peak, _rss_mb())
    search.setText("")
    settle(PAUSE_S)

    f = tab.filters
    changes: dict[str, Callable[[], None]] = {
        "状态=草稿": lambda: f.status.setCurrentIndex(f.status.findData("draft")),
        "状态=已发布": lambda: f.status.setCurrentIndex(f.status.findData("published")),
        "科室": lambda: f.department.setCurrentIndex(2),
        "年度": lambda: f.year.setCurrentIndex(1),
        "类别": lambda: f.category.setCurrentIndex(2),
        "属性=依申请": lambda: f.attribute.setCurrentIndex(f.attribute.findData("on_request")),
        "仅超期": lambda: f.overdue.setChecked(True),
        "即将到期": lambda: f.due_soon.setChecked(True),
    }
    filters: dict[str, float] = {}
    for name, change in changes.items():
        filters[name] = timed(change)
        tab.clear_filters()
        settle(0.05)
        peak = max(peak, _rss_mb())

    scroll_end_ms = timed(view.scrollToBottom)
    peak = max(peak, _rss_mb())
    window.close()
    db.close()
    return {
        "platform": app.platformName(),
        "imports_s": imports_s,
        "first_rows_s": first_rows_s,
        "keystrokes_ms": keystrokes,
        "keystroke_ms": statistics.median(keystrokes),
        "count_ms": statistics.median(counted),
        "filters_by_name": filters,
        "filters_ms": list(filters.values()),
        "filter_ms": statistics.median(filters.values()),
        "scroll_end_ms": scroll_end_ms,
        "memory_mb": peak,
        "rows": tab.model.total,
    }
