"""Benchmark of the Excel work on a 100 000-item database (not a timed test).

    .venv/bin/python bench/bench_excel.py [--db bench/excel100k.db] [--items 100000] [--write]

Builds the database once with the demo generator (seed 1, this year up to today; reused
when it already has N items) and measures, in one process after a warm-up:

- one quarter's tally: the figures alone, and the whole workbook (≈ 25 000 detail rows);
- a 10 000-row ledger: the dry run (read + check every row) and the real import (on a copy
  of the database, so the figures do not drift between runs);
- the register view exported to Excel, all 100 000 rows, with the process's resident
  memory sampled every 20 ms (flat memory: the peak should not grow with the rows).

``--write`` puts the figures, with today's date, into this engineer's section of
bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

import psutil  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from deskapp.core.audit.chain import Actor  # noqa: E402
from deskapp.core.demo import generate as demo  # noqa: E402
from deskapp.core.desk import open_database  # noqa: E402
from deskapp.core.register.query import ItemFilter  # noqa: E402
from deskapp.core.reports import tally  # noqa: E402
from deskapp.core.store.models import CatalogueEntry, Department, Item  # noqa: E402
from deskapp.exports.excel.ledger_import import import_file, preview_file  # noqa: E402
from deskapp.exports.excel.register_export import export_register_job  # noqa: E402
from deskapp.exports.excel.tally import write_tally  # noqa: E402

SECTION = "## Excel in and out (issue 5, engineer F: bench_excel.py)"
TARGETS = {"tally": 3.0, "dry_run": 5.0, "import": 5.0, "export": 8.0}


def drain(gen):
    while True:
        try:
            next(gen)
        except StopIteration as stop:
            return stop.value


def ensure_db(path: Path, items: int, today: dt.date) -> None:
    if path.exists():
        db = open_database(path)
        with db.session() as s:
            have = s.scalar(select(func.count()).select_from(Item))
        db.close()
        if have == items:
            return
        path.unlink()
    print(f"building {path.name} with {items} demo items …", flush=True)
    db = open_database(path)
    demo.generate(db, items=items, year=today.year, seed=1, today=today)
    db.close()


def last_quarter(today: dt.date) -> tuple[int, int]:
    q = (today.month - 1) // 3 + 1
    return (today.year - 1, 4) if q == 1 else (today.year, q - 1)


CPU: dict[str, float] = {}  # case → CPU seconds of this process (wall time suffers from load)


def timed(fn, key: str = ""):
    start, cpu = time.perf_counter(), time.process_time()
    value = fn()
    if key:
        CPU[key] = time.process_time() - cpu
    return time.perf_counter() - start, value


def make_ledger(db, path: Path, rows: int) -> None:
    """A ledger as an office keeps it: title row, header, dates typed in several ways."""
    from openpyxl import Workbook

    with db.session() as s:
        depts = [d.name for d in s.scalars(select(Department))]
        cats = [c.name for c in s.scalars(select(CatalogueEntry).where(CatalogueEntry.parent_id.is_not(None)))]
    rng = random.Random(5)
    wb = Workbook()  # not write-only: Excel and WPS write the sheet's <dimension>, as this does
    ws = wb.active
    ws.title = "2026年台账"
    ws.append(["长安街道政务公开信息台账"])
    ws.append(["序号", "信息名称", "发文字号", "成文日期", "公开日期", "责任单位", "栏目", "发布渠道"])
    forms = ["{y}-{m}-{d}", "{y}/{m:02d}/{d:02d}", "{y}.{m}.{d}", "{y}年{m}月{d}日"]
    for n in range(rows):
        formed = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(0, 330))
        published = formed + dt.timedelta(days=rng.randrange(0, 30))
        typed = rng.choice(forms).format(y=formed.year, m=formed.month, d=formed.day)
        ws.append([n + 1, f"基准导入的第{n + 1}条信息", f"长街发〔2025〕{n + 1}号" if n % 5 == 0 else None,
                   typed, dt.datetime(published.year, published.month, published.day),
                   rng.choice(depts), rng.choice(cats), "网站、微信"])
    wb.save(path)


class PeakRss:
    """The process's resident memory, sampled every 20 ms while a block runs."""

    def __enter__(self):
        self.proc, self.peak, self.stop = psutil.Process(), 0, threading.Event()
        self.before = self.proc.memory_info().rss
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()
        return self

    def _sample(self):
        while not self.stop.is_set():
            self.peak = max(self.peak, self.proc.memory_info().rss)
            time.sleep(0.02)

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()


LOAD = [0.0]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default=str(HERE / "excel100k.db"))
    ap.add_argument("--items", type=int, default=100_000)
    ap.add_argument("--ledger-rows", type=int, default=10_000)
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    today = dt.date.today()
    LOAD[0] = psutil.getloadavg()[0]
    path = Path(args.db)
    ensure_db(path, args.items, today)
    year, quarter = last_quarter(today)
    results: list[tuple[str, float, str, str]] = []
    with tempfile.TemporaryDirectory(prefix="bench-excel-") as tmp:
        out = Path(tmp)
        db = open_database(path)
        with db.session() as s:  # warm-up: imports, page cache
            tally.quarter_figures(s, year, quarter, today)
        secs, _ = timed(lambda: _figures(db, year, quarter, today))
        results.append((f"{year}Q{quarter} figures only (汇总, one scan)", secs, "", ""))
        secs, res = timed(lambda: drain(write_tally(db, year, quarter, out / "tally.xlsx", today)), "tally")
        results.append((f"{year}Q{quarter} tally workbook, {res.detail_rows} detail + {res.late_rows} late rows",
                        secs, "≤ 3 s", "tally"))
        ledger = out / "ledger.xlsx"
        make_ledger(db, ledger, args.ledger_rows)
        secs, preview = timed(lambda: preview_file(db, ledger, today), "dry_run")
        results.append((f"ledger dry run, {len(preview.rows)} rows ({preview.count('ok')} good)", secs,
                        "≤ 5 s", "dry_run"))
        db.close()
        copy = out / "copy.db"
        shutil.copyfile(path, copy)
        db2 = open_database(copy)
        secs, (_, result) = timed(lambda: import_file(db2, Actor(None, "bench"), ledger, today), "import")
        results.append((f"ledger import, {result.imported} items + audit events", secs, "≤ 5 s", "import"))
        db2.close()
        db = open_database(path)
        with PeakRss() as rss:
            secs, count = timed(lambda: drain(export_register_job(db, out / "all.xlsx", ItemFilter(),
                                                                  today=today)), "export")
        grow = (rss.peak - rss.before) / 2**20
        results.append((f"register view export, {count} rows", secs, "≤ 8 s", "export"))
        results.append(("export: peak RSS growth (MB)", grow, "flat", ""))
        db.close()
    print_table(results)
    if args.write:
        write_readme(results, args.items)


def _figures(db, year, quarter, today):
    with db.session() as s:
        return tally.quarter_figures(s, year, quarter, today)


def print_table(results) -> None:
    print(f"load average {LOAD[0]:.2f} (2 cores)")
    for name, value, target, key in results:
        ok = "" if not key else ("ok" if value <= TARGETS[key] else "OVER")
        cpu = f"cpu {CPU[key]:5.2f}" if key in CPU else ""
        print(f"{name:<70} {value:8.2f}  {cpu:<10} {target:<7} {ok}")


def table_lines(results, items: int) -> list[str]:
    lines = [SECTION, "",
             f"{dt.date.today().isoformat()}, {items} items (demo generator, seed 1), 2-core machine shared "
             f"with other engineers (load average {LOAD[0]:.1f} at the start). "
             "Run: `.venv/bin/python bench/bench_excel.py --write`. Wall-clock is what the targets mean; "
             "the process's CPU time is given too, since the wall time here grows with the others' load.", "",
             "| case | wall | CPU | target | |", "| --- | ---: | ---: | --- | --- |"]
    for name, value, target, key in results:
        unit = " MB" if "MB" in name else " s"
        ok = "" if not key else ("ok" if value <= TARGETS[key] else "over")
        cpu = f"{CPU[key]:.2f} s" if key in CPU else ""
        lines.append(f"| {name.replace(' (MB)', '')} | {value:.2f}{unit} | {cpu} | {target} | {ok} |")
    return lines + ["", *NOTES]


NOTES = [
    "- Tally: the figures are one scan of the items (every rule of every period summed side by side);",
    "  they are counted in a second thread while the detail list is written (SQLite runs without",
    "  Python's lock). Long lists go to sheet XML directly (`exports/excel/sheetstream.py`), ~10×",
    "  faster than openpyxl's cell writer, which would need ~5 s for the detail list alone.",
    "- Ledger: a title row, then 10 000 rows with dates typed four ways, 科室/栏目 by name. The import",
    "  validates each row as create_item does, computes due dates, fills the search index (the FTS",
    "  triggers cost ~0.5 s) and writes one chained audit event per item plus one for the file.",
    "- Export memory: resident memory sampled every 20 ms, peak minus the level before; rows are",
    "  read a page at a time and streamed to a temp file, never held.",
]


def write_readme(results, items: int) -> None:
    readme = HERE / "README.md"
    text = readme.read_text("utf-8") if readme.exists() else ""
    lines = table_lines(results, items)
    if SECTION in text:
        start = text.index(SECTION)
        end = text.find("\n## ", start + len(SECTION))
        text = text[:start] + "\n".join(lines) + "\n" + (text[end:] if end != -1 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + "\n".join(lines) + "\n"
    readme.write_text(text, "utf-8")


if __name__ == "__main__":
    main()
