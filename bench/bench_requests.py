"""Benchmark of the 依申请公开 tab on a big desk (not a timed test).

    .venv/bin/python bench/bench_requests.py --db bench/bench.db [--requests 10000] [--write]

Uses a database made by the demo generator (``deskapp demo --items 100000 --seed 1``); when it
holds fewer than ``--requests`` requests, the rest are registered once through the core (the
same ``records.create_request`` the window uses; a few closed, a few with a 补正 notice). Then,
in this process, with Qt offscreen:

- the tab built and shown → first rows painted (the table's first page read);
- a search keystroke (a 3-character word) → view updated; median of 20 words;
- one letter (答复书) rendered warm; median of 20;
- every open request's due date recomputed (what a holiday-table change does).

``--write`` puts the figures, with today's date, into bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from readme_section import replace_section  # noqa: E402

from deskapp.core.audit.chain import Actor  # noqa: E402
from deskapp.core.desk import open_database  # noqa: E402
from deskapp.core.requests import deadlines, records  # noqa: E402
from deskapp.core.requests.records import RequestData  # noqa: E402
from deskapp.core.store.db import Database  # noqa: E402
from deskapp.core.store.models import InfoRequest  # noqa: E402

SECTION = "## 依申请公开 tab (issue 11: bench_requests.py)"
TARGETS = {"first_rows_ms": 500.0, "keystroke_ms": 50.0, "letter_ms": 50.0, "recompute_s": 1.0}
ACTOR = Actor(None, "基准测试")
TODAY = dt.date(2026, 12, 6)
WORDS = ["低保名", "拆迁补", "养老服", "征地补", "公租房", "救助金", "医疗保", "危房改", "残疾人", "就业补",
         "规划许", "采购合", "预算执", "消防检", "食品安", "环境监", "义务教", "户籍迁", "补贴发", "会议纪"]


def count_requests(db: Database) -> int:
    from sqlalchemy import func, select

    with db.session() as s:
        return int(s.scalar(select(func.count()).select_from(InfoRequest)) or 0)


def fill_requests(db: Database, wanted: int) -> float:
    started = time.perf_counter()
    rng = random.Random(1)
    have = count_requests(db)
    while have < wanted:
        with db.session() as s:
            for _ in range(min(500, wanted - have)):
                received = dt.date(2026, 1, 5) + dt.timedelta(days=rng.randrange(330))
                word = rng.choice(WORDS)
                req = records.create_request(s, ACTOR, RequestData(
                    applicant_name=rng.choice("张王李赵刘陈杨黄") + rng.choice("伟芳娜敏静强磊军"),
                    phone="13812345678", address="长安街1号", received_on=received,
                    content=f"{word}相关政府信息（{received.year}年）"), today=TODAY)
                if rng.random() < 0.7 and received < dt.date(2026, 11, 1):
                    records.close_request(s, ACTOR, req.id, req.version, rng.choice(["open", "unable_1"]),
                                          received + dt.timedelta(days=10), "post", today=TODAY)
                have += 1
    return time.perf_counter() - started


def measure(db: Database) -> dict[str, float]:
    from PySide6.QtWidgets import QApplication

    from deskapp.exports.pdf.letter_source import render_request_letter
    from deskapp.ui.common.context import AppContext
    from deskapp.ui.common.messages import RecordingMessages
    from deskapp.ui.requests.tab import RequestsTab

    app = QApplication.instance() or QApplication(sys.argv)
    ctx = AppContext(db=db, actor=ACTOR, messages=RecordingMessages(), clock=lambda: TODAY)
    started = time.perf_counter()
    tab = RequestsTab(ctx)
    tab.resize(1400, 800)
    tab.show()
    app.processEvents()
    tab.view.viewport().repaint()
    first_rows = (time.perf_counter() - started) * 1000
    keystrokes = []
    for word in WORDS:
        started = time.perf_counter()
        tab.search.setText(word)
        tab.search_changed()  # what the debounce timer calls
        tab.view.viewport().repaint()
        keystrokes.append((time.perf_counter() - started) * 1000)
    with db.session() as s:
        closed = s.query(InfoRequest.id).filter(InfoRequest.outcome.is_not(None)).first()
    letters = []
    if closed is not None:
        for _ in range(21):
            with db.session() as s:
                started = time.perf_counter()
                render_request_letter(s, db, closed[0], "reply", TODAY)
                letters.append((time.perf_counter() - started) * 1000)
        letters = letters[1:]  # the first loads the fonts
    with db.session() as s:
        started = time.perf_counter()
        deadlines.recompute_request_deadlines(s, ACTOR)
        recompute = time.perf_counter() - started
        s.rollback()
    return {"first_rows_ms": first_rows, "keystroke_ms": statistics.median(keystrokes),
            "letter_ms": statistics.median(letters) if letters else float("nan"), "recompute_s": recompute,
            "requests": float(count_requests(db))}


def table(f: dict[str, float]) -> str:
    def ok(key: str) -> str:
        return "ok" if f[key] <= TARGETS[key] else "MISSED"

    return "\n".join([
        "| measure | figure | target | |", "| --- | ---: | --- | --- |",
        f"| tab built → first rows painted | {f['first_rows_ms']:.0f} ms | ≤ 500 ms | {ok('first_rows_ms')} |",
        f"| search keystroke → view updated, median of 20 | {f['keystroke_ms']:.1f} ms | ≤ 50 ms | "
        f"{ok('keystroke_ms')} |",
        f"| one 答复书 PDF, warm, median of 20 | {f['letter_ms']:.1f} ms | ≤ 50 ms | {ok('letter_ms')} |",
        f"| every open request's due date recomputed | {f['recompute_s']:.2f} s | ≤ 1 s | {ok('recompute_s')} |",
    ])


def write(text: str, figures: dict[str, float], items_db: Path) -> None:
    replace_section(SECTION, f"{dt.date.today().isoformat()}, {items_db.name}: the demo generator's 100 000 items "
                    f"and {int(figures['requests'])} requests (registered through the core where the demo had "
                    "fewer); shared 2-core machine, Qt `offscreen`. "
                    f"Run: `.venv/bin/python bench/bench_requests.py --db DB --write`.\n\n{text}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, default=HERE / "bench.db")
    parser.add_argument("--requests", type=int, default=10000)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    db = open_database(args.db)
    try:
        built = fill_requests(db, args.requests)
        if built > 1:
            print(f"registered requests up to {args.requests} in {built:.0f} s")
        figures = measure(db)
    finally:
        db.close()
    text = table(figures)
    print(text)
    if args.write:
        write(text, figures, args.db)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
