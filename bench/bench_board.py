"""Benchmark: the 公示栏 tab on a big register (issue 4) — what the user waits for when the
tab is first shown, and after each change.

    .venv/bin/deskapp demo --db /tmp/big.db --items 100000
    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_board.py /tmp/big.db

Prints a table: building the tab (BoardTab()), its first refresh, the median of five more,
and the core read (noticeboard.board_lists) alone. The database is only read.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time

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
    tab: list = []
    build = timed(lambda: tab.append(BoardTab(ctx)))
    first = timed(tab[0].refresh)
    again = statistics.median(timed(tab[0].refresh) for _ in range(5))

    def read() -> None:
        with db.session() as s:
            noticeboard.board_lists(s, today)

    core = statistics.median(timed(read) for _ in range(5))
    sizes = {k: tab[0].tables[k].rowCount() for k in tab[0].tables}
    print(f"rows shown: {sizes}")
    print(f"{'step':<34}{'seconds':>9}")
    for label, value in [("BoardTab() (construction)", build), ("first refresh", first),
                         ("refresh, median of 5", again), ("board_lists (core), median of 5", core)]:
        print(f"{label:<34}{value:>9.3f}")
    db.close()


if __name__ == "__main__":
    main()
