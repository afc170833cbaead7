"""Benchmark of the annual report and the 工作台 on a big desk (not a timed test).

    .venv/bin/python bench/bench_annual.py --db DB [--year 2026] [--write]

DB: the demo generator's 100 000 items plus 10 000 requests (``bench_requests.py`` adds the
requests to a demo database). Measures, in this process with Qt offscreen:

- ``build_report`` (every cell of tables 二/三/四, the checks and the text drafts), median of 3;
- the three outputs (.docx, .xlsx, .pdf) written together from one report;
- the 工作台's figures (``dashboard``), median of 3 — read in a background thread by the tab;
- the 工作台 tab built and painted (before its figures arrive).

``--write`` puts the figures, with today's date, into bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from readme_section import replace_section  # noqa: E402

from deskapp.core.audit.chain import Actor  # noqa: E402
from deskapp.core.dashboard.board import dashboard  # noqa: E402
from deskapp.core.desk import open_database  # noqa: E402
from deskapp.core.reports.annual import build_report  # noqa: E402
from deskapp.core.store.db import Database  # noqa: E402
from deskapp.exports.annual_content import report_doc  # noqa: E402
from deskapp.exports.excel.annual_tables import write_workbook  # noqa: E402
from deskapp.exports.pdf.annual_report import write_annual_pdf  # noqa: E402
from deskapp.exports.word.annual_report import write_docx  # noqa: E402

SECTION = "## Annual report and 工作台 (issue 12: bench_annual.py)"
TODAY = dt.date(2026, 12, 6)


def median_s(fn: Callable[[], object], runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def measure(db: Database, year: int) -> dict[str, float]:
    with db.session() as s:
        build = median_s(lambda: build_report(s, year, TODAY))
        report = build_report(s, year, TODAY)
        board = median_s(lambda: dashboard(s, TODAY))
    folder = Path(tempfile.mkdtemp(prefix="bench-annual-"))
    started = time.perf_counter()
    doc = report_doc(report, TODAY)
    write_docx(doc, folder / "年报.docx")
    write_workbook(doc, folder / "年报.xlsx")
    write_annual_pdf(doc, folder / "年报.pdf")
    outputs = time.perf_counter() - started
    return {"build_s": build, "outputs_s": outputs, "dashboard_s": board, "tab_s": tab_painted(db)}


def tab_painted(db: Database) -> float:
    from PySide6.QtWidgets import QApplication

    from deskapp.ui.common.context import AppContext
    from deskapp.ui.common.messages import RecordingMessages
    from deskapp.ui.dashboard.tab import DashboardTab

    app = QApplication.instance() or QApplication(sys.argv)
    ctx = AppContext(db=db, actor=Actor(None, "基准测试"), messages=RecordingMessages(), clock=lambda: TODAY)
    started = time.perf_counter()
    tab = DashboardTab(ctx)
    tab.resize(1400, 900)
    tab.show()
    app.processEvents()
    tab.repaint()
    return time.perf_counter() - started


def table(f: dict[str, float]) -> str:
    rows = [
        ("annual report figures, checks and drafts (build_report), median of 3", f["build_s"], 1.0),
        ("the three outputs (.docx, .xlsx, .pdf) together", f["outputs_s"], 3.0),
        ("工作台 tab built and painted (figures follow from a background thread)", f["tab_s"], 0.5),
        ("工作台 figures and checklist (dashboard), median of 3", f["dashboard_s"], None),
    ]
    out = ["| measure | figure | target | |", "| --- | ---: | --- | --- |"]
    for label, value, target in rows:
        verdict = "" if target is None else ("ok" if value <= target else "MISSED")
        out.append(f"| {label} | {value:.2f} s | {'' if target is None else f'≤ {target:g} s'} | {verdict} |")
    return "\n".join(out)


def write(text: str, db_path: Path) -> None:
    replace_section(SECTION, f"{dt.date.today().isoformat()}, {db_path.name}: the demo generator's 100 000 items "
                    f"and 10 000 requests; shared 2-core machine, Qt `offscreen`. "
                    f"Run: `.venv/bin/python bench/bench_annual.py --db DB --write`.\n\n{text}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, default=HERE / "bench.db")
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    db = open_database(args.db)
    try:
        text = table(measure(db, args.year))
    finally:
        db.close()
    print(text)
    if args.write:
        write(text, args.db)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
