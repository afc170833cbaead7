"""Demo data at scale: `deskapp demo --items N` into a fresh database, then `--remove`.

Runs the real command line in a child process (what a maintainer types), so the figures
include starting Python and opening/migrating the database. Prints a table; the figures go
into bench/README.md by hand (they depend on the machine's load).

    .venv/bin/python bench/bench_demo.py [--items 100000] [--keep]
"""

from __future__ import annotations

import argparse
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def run(*args: str) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds of the child, its stdout) for one deskapp command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "deskapp", *args], cwd=REPO, capture_output=True,
                          text=True, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout


def peak_child_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="keep the database (path printed)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="演示 基准 "))
    path = folder / "演示 台账.db"
    env_load = os.getloadavg()[0]

    gen_wall, gen_cpu, out = run("demo", "--db", str(path), "--items", str(args.items))
    size_mb = path.stat().st_size / 1e6
    con = sqlite3.connect(path)
    counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
              for t in ("item", "person", "department", "audit_event")}
    con.close()
    gen_rss = peak_child_rss_mb()
    list_wall, list_cpu, _ = run("items", "--db", str(path), "--json")
    rm_wall, rm_cpu, _ = run("demo", "--remove", "--db", str(path))

    print(f"items: {args.items}  load average at start: {env_load:.2f}")
    print(out.strip().splitlines()[0])
    print()
    print("| case | wall s | CPU s |")
    print("|---|---:|---:|")
    print(f"| deskapp demo --items {args.items} (new database) | {gen_wall:.1f} | {gen_cpu:.1f} |")
    print(f"| deskapp items --json (all {counts['item']} rows) | {list_wall:.1f} | {list_cpu:.1f} |")
    print(f"| deskapp demo --remove | {rm_wall:.1f} | {rm_cpu:.1f} |")
    print()
    print(f"database after generation: {size_mb:.0f} MB; rows: {counts}; "
          f"peak RSS of the children: {gen_rss:.0f} MB")
    if args.keep:
        print(f"kept: {path}")
    else:
        for p in folder.glob("**/*"):
            if p.is_file():
                p.unlink()
        for p in sorted(folder.glob("**/*"), reverse=True):
            p.rmdir()
        folder.rmdir()


if __name__ == "__main__":
    main()
