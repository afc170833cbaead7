"""Start-up of the command line, hyperfine-style: each command run N times in a fresh process,
median wall time, and its ratio to a bare interpreter (`python -c pass`).

    .venv/bin/python bench/bench_cli_start.py [--runs 10]

Targets (issue 15 §5): `deskapp --version` ≤ 6×, `deskapp calendar due` ≤ 8× a bare
interpreter. The database for `calendar due` is made first in a temp folder (a current desk,
so the quick sqlite3 read answers); `items` on the same desk shows what a command that needs
the full open (SQLAlchemy, alembic check) costs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGETS = {"deskapp --version": 6.0, "deskapp calendar due 2026-09-25": 8.0}


def timed(cmd: list[str], env: dict[str, str], runs: int) -> float:
    """Median seconds of ``runs`` runs (after one warm-up run, so .pyc files exist)."""
    subprocess.run(cmd, env=env, check=True, capture_output=True)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, env=env, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    python = sys.executable
    deskapp = str(Path(python).with_name("deskapp"))
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, XDG_DATA_HOME=str(Path(tmp) / "data"), XDG_CONFIG_HOME=str(Path(tmp) / "config"))
        env.pop("DESKAPP_DB", None)
        db = str(Path(tmp) / "bench.db")
        cases = [
            ("python -c pass", [python, "-c", "pass"]),
            ("deskapp --version", [deskapp, "--version"]),
            ("deskapp --help", [deskapp, "--help"]),
            ("deskapp calendar due 2026-09-25", [deskapp, "calendar", "due", "2026-09-25", "--db", db]),
            ("deskapp items (full open)", [deskapp, "items", "--db", db]),
        ]
        results = [(name, timed(cmd, env, args.runs)) for name, cmd in cases]
    bare = results[0][1]
    print(f"median of {args.runs} runs each; {os.cpu_count()} CPUs; Python {sys.version.split()[0]}\n")
    print("| command | median s | × bare | target |")
    print("|---|---:|---:|---:|")
    for name, seconds in results:
        target = TARGETS.get(name)
        mark = "" if target is None else (f"≤ {target:g}× " + ("ok" if seconds / bare <= target else "MISSED"))
        print(f"| `{name}` | {seconds:.3f} | {seconds / bare:.1f} | {mark} |")


if __name__ == "__main__":
    main()
