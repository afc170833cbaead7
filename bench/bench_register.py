"""Benchmark of the register window on a 100 000-item database (not a timed test).

    .venv/bin/python bench/bench_register.py [--db bench/bench.db] [--items 100000] [--write]
    .venv/bin/python bench/bench_register.py --db postgresql+psycopg://… [--copy-from bench100k.db] [--write]
    .venv/bin/python bench/bench_register.py --pg --copy-from bench100k.db [--write]

``--db`` may be a PostgreSQL URL: the server database is filled by ``deskapp db copy`` from
``--copy-from`` (an SQLite desk of N items), or else by the demo generator; ``--pg`` starts a
private throwaway server (tests/postgres_support.py, Debian's binaries) for the run. The
PostgreSQL figures go to their own section of bench/README.md.

Builds the database once with the demo generator (``deskapp demo --items N --seed 1``;
reused when it already has N items), then starts a fresh process that opens the window
(offscreen unless a display is set) and measures:

- process start → first rows painted in the register tab;
- a search keystroke: two Chinese characters typed, then the third (a 3-character
  substring, the FTS path) → view repainted; median of 20 different words; and, for the
  same keystrokes, until the count label has the full count (read in a background thread);
- a filter change (status, department, year, 仅超期 …) → view repainted; median;
- scrolling to the end → view repainted;
- peak memory (resident set size) of the window's process.

``--write`` puts the figures, with today's date, into this engineer's section of
bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TARGETS = {"first_rows_s": 1.5, "keystroke_ms": 50.0, "filter_ms": 100.0, "memory_mb": 300.0}
SECTION = "## Register window (issue 2, engineer A: bench_register.py)"
PG_SECTION = "## Register window on PostgreSQL (issue 13: bench_register.py --db postgresql+psycopg://…)"


# --- parent: build the database, start the child, print ----------------------------------

def is_url(target: str | Path) -> bool:
    return "://" in str(target)


def server_item_count(url: str) -> int:
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import DBAPIError

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM item")).scalar() or 0)
    except DBAPIError:
        return 0
    finally:
        engine.dispose()


def fill_server(url: str, items: int, copy_from: Path | None) -> float:
    """The server database from an SQLite desk (``deskapp db copy``), else the demo generator."""
    started = time.perf_counter()
    sys.path.insert(0, str(ROOT))
    from deskapp import cli

    if copy_from is not None:
        status = cli.main(["db", "copy", "--from", str(copy_from), "--to", url, "--force"])
    else:
        status = cli.main(["demo", "--db", url, "--items", str(items), "--seed", "1"])
    if status:
        raise SystemExit(f"filling the server failed ({status})")
    return time.perf_counter() - started


def item_count(db_path: Path) -> int:
    import sqlite3

    if not db_path.exists():
        return 0
    con = sqlite3.connect(str(db_path))
    try:
        return con.execute("SELECT count(*) FROM item").fetchone()[0]
    except sqlite3.Error:
        return 0
    finally:
        con.close()


def build_database(db_path: Path, items: int) -> float:
    """The demo generator through the CLI when it has ``demo``, else the same core call."""
    started = time.perf_counter()
    for suffix in ("", "-wal", "-shm", ".lock"):
        Path(str(db_path) + suffix).unlink(missing_ok=True)
    sys.path.insert(0, str(ROOT))
    from deskapp import cli

    if "deskapp.commands.demo" in cli.COMMAND_MODULES:
        status = cli.main(["demo", "--db", str(db_path), "--items", str(items), "--seed", "1"])
        if status:
            raise SystemExit(f"deskapp demo failed ({status})")
    else:
        from deskapp.core.demo import generate as demo
        from deskapp.core.desk import open_database

        db = open_database(db_path)
        try:
            demo.generate(db, items=items, seed=1)
        finally:
            db.close()
    return time.perf_counter() - started


def run_child(db_path: Path | str) -> dict:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen" if not env.get("DISPLAY") else env.get("QT_QPA_PLATFORM", ""))
    if not env["QT_QPA_PLATFORM"]:
        del env["QT_QPA_PLATFORM"]
    env["BENCH_T0"] = repr(time.time())
    out = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", str(db_path)],
                         env=env, capture_output=True, text=True, check=False, cwd=str(ROOT))
    if out.returncode != 0:
        sys.stderr.write(out.stderr)
        raise SystemExit(f"the window process failed ({out.returncode})")
    return json.loads(out.stdout.strip().splitlines()[-1])


def table(r: dict) -> list[str]:
    def verdict(key: str, value: float) -> str:
        return "ok" if value <= TARGETS[key] else "MISSED"

    rows = [
        ("window open → first rows painted", f"{r['first_rows_s']:.2f} s", "≤ 1.5 s",
         verdict("first_rows_s", r["first_rows_s"])),
        ("search keystroke (3rd Chinese character) → view updated, median of "
         f"{len(r['keystrokes_ms'])}", f"{r['keystroke_ms']:.1f} ms", "≤ 50 ms",
         verdict("keystroke_ms", r["keystroke_ms"])),
        ("same keystroke → “共 N 条，超期 M 条” updated (full id list, in the background), median",
         f"{r['count_ms']:.0f} ms", "", ""),
        (f"filter change → view updated, median of {len(r['filters_ms'])}",
         f"{r['filter_ms']:.1f} ms", "≤ 100 ms", verdict("filter_ms", r["filter_ms"])),
        ("scroll to the end → view updated", f"{r['scroll_end_ms']:.1f} ms", "", ""),
        ("peak memory (RSS)", f"{r['memory_mb']:.0f} MB", "≤ 300 MB", verdict("memory_mb", r["memory_mb"])),
    ]
    lines = ["| measure | figure | target | |", "| --- | ---: | --- | --- |"]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    return lines


def write_readme(lines: list[str], r: dict, items: int) -> None:
    readme = HERE / "README.md"
    text = readme.read_text("utf-8") if readme.exists() else "# Benchmarks\n"
    body = [SECTION, "",
            f"{dt.date.today().isoformat()}, {items} items (demo generator, seed 1), "
            f"{os.cpu_count()} cores shared with other work, Qt platform "
            f"`{r['platform']}`. Run: `.venv/bin/python bench/bench_register.py --write`.", ""]
    body += lines
    body += ["", f"Keystrokes (ms): {', '.join(f'{x:.0f}' for x in r['keystrokes_ms'])}. "
             f"Filters (ms): {', '.join(f'{k} {v:.0f}' for k, v in r['filters_by_name'].items())}. "
             f"Process start → Qt and the desk imported: {r['imports_s']:.2f} s.", "",
             "What makes it fast: the table model holds ids only and reads rows a page (100) at a "
             "time; a new search/filter/sort reads its first page with LIMIT and shows it, then "
             "the full id list and the late count come from a background thread (an older one is "
             "interrupted); only the visible tab is built at start; SQLite has planner statistics "
             "(ANALYZE on open when missing) and the FTS search walks the date index. Not timed "
             "here: the operator dialog and the first-run welcome, which wait for a person.", ""]
    start = text.find(SECTION)
    if start < 0:
        text = text.rstrip("\n") + "\n\n" + "\n".join(body)
    else:
        end = text.find("\n## ", start + len(SECTION))
        text = text[:start] + "\n".join(body) + ("\n" + text[end + 1:] if end >= 0 else "")
    tmp = readme.with_name(readme.name + ".part")
    tmp.write_text(text.rstrip("\n") + "\n", "utf-8")
    os.replace(tmp, readme)


def write_server_readme(lines: list[str], r: dict, items: int, url: str) -> None:
    from readme_section import replace_section  # type: ignore[import-not-found]
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        version = str(conn.execute(text("SHOW server_version")).scalar())
        ctype = str(conn.execute(text("SELECT datctype FROM pg_database WHERE datname = current_database()")).scalar())
    engine.dispose()
    body = [f"{dt.date.today().isoformat()}, {items} items (the demo desk copied by `deskapp db copy`), "
            f"PostgreSQL {version} (Debian's package) on the same {os.cpu_count()}-core machine over a unix "
            f"socket, database UTF8 / `{ctype}`, Qt platform `{r['platform']}`, load average "
            f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (other work running). Run: "
            "`.venv/bin/python bench/bench_register.py --pg --copy-from bench100k.db --write`.", ""]
    body += lines
    body += ["", f"Keystrokes (ms): {', '.join(f'{x:.0f}' for x in r['keystrokes_ms'])}. "
             f"Filters (ms): {', '.join(f'{k} {v:.0f}' for k, v in r['filters_by_name'].items())}.", "",
             "Where a keystroke's time goes: the server's first-page query is now 2–25 ms for every one "
             "of these words (a common word's page is found among the first 1000 items in the table's "
             "order, a rarer word's from the trigram index behind an OFFSET 0 fence: "
             "`Register._page_from_head` / `_page_from_index`; before, a word in 90 000 items took "
             "200 ms and a rare one at LIMIT 101 95 ms). The rest is the window's own work, as on "
             "SQLite: building the rows (the privacy badge scans 内容) and painting, while the full "
             "count runs in the background.", ""]
    replace_section(PG_SECTION, "\n".join(body))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=str(HERE / "bench.db"))
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--write", action="store_true", help="record the figures in bench/README.md")
    parser.add_argument("--copy-from", type=Path, help="fill a server database from this SQLite desk")
    parser.add_argument("--pg", action="store_true", help="a private throwaway PostgreSQL server for the run")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        from bench_register_child import measure  # type: ignore[import-not-found]

        print(json.dumps(measure(args.child if is_url(args.child) else Path(args.child))))
        return 0
    if args.pg or is_url(args.db):
        return main_server(args)
    db_path = Path(args.db).resolve()
    if item_count(db_path) != args.items:
        print(f"building {db_path} with {args.items} demo items …", flush=True)
        print(f"built in {build_database(db_path, args.items):.1f} s", flush=True)
    result = run_child(db_path)
    lines = table(result)
    print("\n".join(lines))
    if args.write:
        write_readme(lines, result, args.items)
        print(f"written to {HERE / 'README.md'}")
    return 0


def main_server(args: argparse.Namespace) -> int:
    server = None
    url = args.db
    if args.pg:
        sys.path.insert(0, str(ROOT))
        from tests.postgres_support import start_server

        server = start_server()
        server.admin('CREATE DATABASE bench TEMPLATE template0')
        url = server.url("bench")
    try:
        if server_item_count(url) != args.items:
            print(f"filling {url} with {args.items} items …", flush=True)
            print(f"filled in {fill_server(url, args.items, args.copy_from):.1f} s", flush=True)
        result = run_child(url)
        lines = table(result)
        print("\n".join(lines))
        if args.write:
            write_server_readme(lines, result, server_item_count(url), url)
            print(f"written to {HERE / 'README.md'}")
    finally:
        if server is not None:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    raise SystemExit(main())
