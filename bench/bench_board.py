"""Benchmark: the 公示栏 tab on a big register (issue 4) — what the user waits for when the
tab is first shown, and after each change.

    .venv/bin/deskapp demo --db /tmp/big.db --items 100000
    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_board.py /tmp/big.db

Prints a table: building the tab (BoardTab()), its first refresh, the median of five more,
and the core read (noticeboard.board_lists) alone. The database is only read. The lists are
read in a background thread (issue 15 §5): a refresh is timed until the tab's ``loaded``,
and the part of it spent on the GUI thread (starting the read, filling the tables) apart.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication


def timed(fn) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("db")
    parser.add_argument("--today", default="2026-11-26")
    args = parser.parse_args()
    app = QApplication([])  # noqa: F841 — widgets need it
    from deskapp.core.audit.chain import Actor
    from deskapp.core.board import noticeboard
    from deskapp.core.desk import open_database
    from deskapp.ui.board.tab import BoardTab
    from deskapp.ui.common.context import AppContext
    from deskapp.ui.common.messages import RecordingMessages

    today = dt.date.fromisoformat(args.today)
    db = open_database(args.db, read_only=True, take_lock=False)
    ctx = AppContext(db=db, actor=Actor(None, "基准"), messages=RecordingMessages(), clock=lambda: today)
    gui = [0.0]  # seconds on the GUI thread during one refresh
    show = BoardTab._show_lists

    def timed_show(self, answer) -> None:  # type: ignore[no-untyped-def]
        gui[0] += timed(lambda: show(self, answer))

    BoardTab._show_lists = timed_show  # type: ignore[method-assign]  # measuring, this process only
    tab: list = []
    build = timed(lambda: tab.append(BoardTab(ctx)))

    def refresh() -> tuple[float, float]:
        """(seconds until the lists are in, seconds of them on the GUI thread)."""
        loop = QEventLoop()
        tab[0].loaded.connect(loop.quit)
        QTimer.singleShot(60_000, loop.quit)
        gui[0] = 0.0
        start = time.perf_counter()
        gui[0] += timed(tab[0].refresh)
        loop.exec()
        tab[0].loaded.disconnect(loop.quit)
        return time.perf_counter() - start, gui[0]

    first, first_gui = refresh()
    runs = [refresh() for _ in range(5)]
    again, again_gui = statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)

    def read() -> None:
        with db.session() as s:
            noticeboard.board_lists(s, today)

    core = statistics.median(timed(read) for _ in range(5))
    sizes = {k: tab[0].tables[k].rowCount() for k in tab[0].tables}
    print(f"rows shown: {sizes}")
    print(f"{'step':<34}{'seconds':>9}")
    for label, value in [("BoardTab() (construction)", build), ("first refresh", first),
                         ("  of it on the GUI thread", first_gui), ("refresh, median of 5", again),
                         ("  of it on the GUI thread", again_gui), ("board_lists (core), median of 5", core)]:
        print(f"{label:<34}{value:>9.3f}")
    db.close()


if __name__ == "__main__":
    main()
