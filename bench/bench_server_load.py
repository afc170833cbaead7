"""Load test: ten desks at once against one PostgreSQL server (issue 13, item 7). Not a test.

    nice -n 10 .venv/bin/python bench/bench_server_load.py [--db postgresql+psycopg://…]
                                [--desks 10] [--actions 500] [--hot 4] [--write]

Without ``--db`` it starts a private throwaway server from Debian's binaries (as the tests
do: tests/postgres_support.py) and stops it at the end. It fills the database (the 三审
review flow with one reviewer per step and password, 300 published items, ``--hot`` shared
draft items), then starts ``--desks`` processes together; each does ``--actions`` actions
through the core API, in cycles of ten, each its own transaction as in the window:

    create an item · edit it · edit a HOT item (shared by every desk: read, think for a few
    ms, save on the version read — the deliberate same-item conflict) · 送审 · 同意 ×3 ·
    发布 · print its notice PDF (source.notice_data + render_notice) · register a request

Each desk records every save it made (item, resulting version, the 摘要 text saved), every
conflict it was told of, every number it was given and any other error. At the end:

* lost updates: for each item, no two successful saves may claim the same resulting version,
  and the stored 摘要 must be the one of the save with the highest version — otherwise a
  save was silently overwritten;
* duplicate numbers: among the 索引号 / 申请编号 the desks were given, and in the tables;
* ``deskapp audit verify --db <url>`` (the real command, in its own process) must pass.

``--write`` puts the table, with today's date, into bench/README.md.
``DESKAPP_LOAD_NO_VERSION_CHECK=1`` switches the version check off in the desks (the negative
control: the lost-update count must then be above 0).
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing as mp
import os
import random
import statistics
import subprocess
import sys
import time
import traceback
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SECTION = "## Ten desks on one PostgreSQL server (issue 13: bench_server_load.py)"
PASSWORD = "load-test-1"
PUBLISHED = int(os.environ.get("DESKAPP_LOAD_PUBLISHED", "300"))
READING = (
    "How to read it: the desks save back to back with no pause (a real desk saves a few times a "
    "minute), and every save waits for the one writer before it, so the latency is mostly queueing "
    "behind nine other desks on two shared cores; a PDF (no lock) takes ~30 ms. About two in three "
    "hot-item saves are refused with ConcurrentEditError (who saved first, when, the stored fields): "
    "the deliberate conflicts. Negative control, to show the lost-update count can see a lost update: "
    "`DESKAPP_LOAD_NO_VERSION_CHECK=1` (the version check switched off in the desks) with 3 desks × "
    "30 actions reported 2 lost updates (\"edited on version 1, saved as 4 over another save\"), "
    "where the same run with the check reports 0."
)
CYCLE = ("create", "edit", "edit_hot", "submit", "approve", "approve", "approve", "publish",
         "print_notice", "create_request")


# --- filling the server ------------------------------------------------------------------------

def fill(url: str, hot: int, published: int) -> dict[str, Any]:
    """Reviewers, the 三审 flow, published items and the shared hot items; their ids."""
    from deskapp.core.audit.chain import Actor
    from deskapp.core.desk import open_database
    from deskapp.core.register.items import ItemData, create_item
    from deskapp.core.review import flow, publishing, workflow
    from deskapp.core.review.passwords import hash_password
    from deskapp.core.store import settings
    from deskapp.core.store.models import Department, Person

    actor, today = Actor(None, "装载"), dt.date.today()
    db = open_database(url)
    digest = hash_password(PASSWORD)
    with db.session() as s:
        settings.put_many(s, {"org_name": "长安街道办事处", "phone": "0571-88888888"})
        dept = Department(name="党政办公室")
        s.add(dept)
        s.flush()
        people = {}
        for key, name, roles, dept_id in (("drafter", "王经办", ["drafter", "maintainer"], dept.id),
                                          ("head", "李科长", ["dept_head"], dept.id),
                                          ("deputy", "钱分管", ["deputy_leader"], None),
                                          ("chief", "孙主任", ["chief_leader"], None)):
            person = Person(name=name, roles=roles, department_id=dept_id, password_hash=digest)
            s.add(person)
            s.flush()
            people[key] = person.id
        flow.ensure_flow(s)
        flow.apply_preset(s, actor, "三审")
    ids = {"dept": dept.id, **people, "hot": []}
    base = dict(kind="工作动态", formed_on=today - dt.timedelta(days=10), department_id=dept.id,
                drafter_id=people["drafter"], content="正文内容。", summary="摘要", channels=["政府网站"])
    for n in range(published + hot):
        with db.session() as s:
            item = create_item(s, actor, ItemData(title=f"已有信息{n}", **base), today=today)  # type: ignore[arg-type]
            item_id, version = item.id, item.version
        if n >= published:
            ids["hot"].append(item_id)
            continue
        with db.session() as s:
            version = workflow.submit(s, actor, item_id, version, today).version
            for signer in ("head", "deputy", "chief"):
                version = workflow.approve(s, actor, item_id, version, people[signer], PASSWORD,
                                           today=today).version
            publishing.publish(s, actor, item_id, version, today, ["政府网站"], today=today)
    db.close()
    return ids


# --- one desk --------------------------------------------------------------------------------

def _import_everything() -> None:
    import deskapp.core.register.items  # noqa: F401
    import deskapp.core.requests.records  # noqa: F401
    import deskapp.core.review.publishing  # noqa: F401
    import deskapp.core.review.workflow  # noqa: F401
    import deskapp.exports.pdf.notice  # noqa: F401
    import deskapp.exports.pdf.source  # noqa: F401


class Desk:
    """One desk process: its database, what it did, how long each action took."""

    def __init__(self, url: str, number: int, ids: dict[str, Any]):
        from deskapp.core.audit.chain import Actor
        from deskapp.core.desk import open_database

        _import_everything()  # before the start signal: the timings are of the actions, not of imports
        self.db = open_database(url)
        self.n, self.ids = number, ids
        self.actor = Actor(ids["drafter"], f"第{number + 1}台")
        self.today = dt.date.today()
        self.rng = random.Random(number)
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.saves: list[tuple[int, int, int, str]] = []  # (item, version edited, version saved, 摘要)
        self.conflicts = 0
        self.index_nos: list[str] = []
        self.request_numbers: list[str] = []
        self.errors: list[str] = []
        self.item_id = 0
        self.version = 0

    def timed(self, kind: str, action: Any) -> None:
        from deskapp.core.errors import ConcurrentEditError

        started = time.perf_counter()
        try:
            action()
        except ConcurrentEditError:
            self.conflicts += 1
        except Exception:  # noqa: BLE001 - every other error is a finding of the load test
            self.errors.append(f"{kind}: {traceback.format_exc(limit=3)}")
        self.latency[kind].append(time.perf_counter() - started)

    def data(self, title: str, summary: str) -> Any:
        from deskapp.core.register.items import ItemData

        return ItemData(title=title, kind="公告公示", formed_on=self.today - dt.timedelta(days=3),
                        department_id=self.ids["dept"], drafter_id=self.ids["drafter"],
                        content=f"{title}的正文：请于公示期内提出意见。", summary=summary, channels=["政府网站"])

    def run(self, actions: int) -> None:
        for k in range(actions):
            kind = CYCLE[k % len(CYCLE)]
            self.timed(kind, lambda kind=kind, k=k: getattr(self, kind)(k // len(CYCLE)))

    # The actions: each one transaction, as the window does it.

    def create(self, cycle: int) -> None:
        from deskapp.core.register.items import create_item

        with self.db.session() as s:
            item = create_item(s, self.actor, self.data(f"第{self.n + 1}台第{cycle}条公示", "初稿"), today=self.today)
            self.item_id, self.version = item.id, item.version
            self.index_nos.append(item.index_no)

    def _save(self, item_id: int, version: int, summary: str, title: str) -> None:
        from deskapp.core.register.items import update_item

        with self.db.session() as s:
            item = update_item(s, self.actor, item_id, version, self.data(title, summary), today=self.today)
            new_version = item.version
        self.saves.append((item_id, version, new_version, summary))
        if item_id == self.item_id:
            self.version = new_version

    def edit(self, cycle: int) -> None:
        self._save(self.item_id, self.version, f"第{self.n + 1}台改{cycle}", f"第{self.n + 1}台第{cycle}条公示")

    def edit_hot(self, cycle: int) -> None:
        from deskapp.core.register.items import get_item

        hot = self.ids["hot"][cycle % len(self.ids["hot"])]  # every desk on the same one at once
        with self.db.session() as s:  # the form opens on the version stored now…
            item = get_item(s, hot)
            version, title = item.version, item.title
        time.sleep(self.rng.uniform(0.0, 0.05))  # …the user types…
        self._save(hot, version, f"第{self.n + 1}台改热点{cycle}", title)  # …and saves on it

    def submit(self, cycle: int) -> None:
        from deskapp.core.review import workflow

        with self.db.session() as s:
            self.version = workflow.submit(s, self.actor, self.item_id, self.version, self.today).version

    def approve(self, cycle: int) -> None:
        from deskapp.core.review import workflow
        from deskapp.core.review.state import steps_of
        from deskapp.core.store.models import ItemReview

        with self.db.session() as s:
            review = s.get(ItemReview, self.item_id)
            assert review is not None and review.current_position is not None
            step = next(st for st in steps_of(s, self.item_id) if st.position == review.current_position)
            signer = {"初审": "head", "审核": "deputy", "审发": "chief"}[step.name]
            self.version = workflow.approve(s, self.actor, self.item_id, self.version, self.ids[signer],
                                            PASSWORD, today=self.today).version

    def publish(self, cycle: int) -> None:
        from deskapp.core.review import publishing

        with self.db.session() as s:
            self.version = publishing.publish(s, self.actor, self.item_id, self.version, self.today,
                                              ["政府网站"], today=self.today).version

    def print_notice(self, cycle: int) -> None:
        from deskapp.exports.pdf.notice import render_notice
        from deskapp.exports.pdf.source import notice_data

        with self.db.session() as s:
            data = notice_data(s, self.item_id, self.today, actor=self.actor)
        result = render_notice(data)
        assert result.data.startswith(b"%PDF") and result.pages >= 1

    def create_request(self, cycle: int) -> None:
        from deskapp.core.requests import records
        from deskapp.core.requests.records import RequestData

        data = RequestData(applicant_type="person", applicant_name="张小三", id_number="11010519491231002X",
                           phone="13800138000", address="云溪区长安路1号", channel="post",
                           received_on=self.today, content=f"第{self.n + 1}台第{cycle}次申请的信息",
                           form_wanted="paper", delivery="post")
        with self.db.session() as s:
            self.request_numbers.append(records.create_request(s, self.actor, data, today=self.today).number)

    def report(self) -> dict[str, Any]:
        return {"latency": dict(self.latency), "saves": self.saves, "conflicts": self.conflicts,
                "index_nos": self.index_nos, "request_numbers": self.request_numbers, "errors": self.errors}


def desk_main(url: str, number: int, ids: dict[str, Any], actions: int, barrier: Any, out: Any) -> None:
    if os.environ.get("DESKAPP_LOAD_NO_VERSION_CHECK"):  # the negative control: last save wins
        from deskapp.core.register import items

        items.check_version = lambda *args, **kw: None  # type: ignore[assignment]  # deliberately broken
    desk = Desk(url, number, ids)
    barrier.wait()
    started = time.perf_counter()
    desk.run(actions)
    report = desk.report()
    report["seconds"] = time.perf_counter() - started
    desk.db.close()
    out.put((number, report))


# --- the checks ------------------------------------------------------------------------------

def lost_updates(url: str, saves: list[tuple[int, int, int, str]]) -> tuple[int, list[str]]:
    """Saves that silently overwrote another: a save that went through although the item had
    moved on from the version its user edited (saved version ≠ edited + 1), two saves
    claiming one version, or a stored 摘要 that is not the one of the newest save."""
    from sqlalchemy import select

    from deskapp.core.desk import open_database
    from deskapp.core.store.models import Item

    by_item: dict[int, list[tuple[int, str]]] = defaultdict(list)
    problems: list[str] = []
    for item_id, edited, version, summary in saves:
        by_item[item_id].append((version, summary))
        if version != edited + 1:
            problems.append(f"item {item_id}: edited on version {edited}, saved as {version} over another save")
    db = open_database(url)
    with db.session() as s:
        stored = {r[0]: r[1] for r in s.execute(select(Item.id, Item.summary).where(Item.id.in_(list(by_item))))}
    db.close()
    for item_id, done in by_item.items():
        versions = Counter(v for v, _ in done)
        problems += [f"item {item_id}: {c} saves claim version {v}" for v, c in versions.items() if c > 1]
        newest = max(done)[1]
        if stored[item_id] != newest:
            problems.append(f"item {item_id}: stored {stored[item_id]!r}, newest save {newest!r}")
    return len(problems), problems


def duplicate_numbers(url: str, given: list[str]) -> int:
    from sqlalchemy import func, select

    from deskapp.core.desk import open_database
    from deskapp.core.store.models import InfoRequest, Item

    db = open_database(url)
    with db.session() as s:
        in_tables = sum(s.scalar(select(func.count()).select_from(
            select(col).group_by(col).having(func.count() > 1).subquery())) or 0
            for col in (Item.index_no, InfoRequest.number))
    db.close()
    return in_tables + sum(c - 1 for c in Counter(given).values() if c > 1)


def audit_verify(url: str) -> tuple[bool, str]:
    done = subprocess.run([sys.executable, "-m", "deskapp", "audit", "verify", "--db", url],
                          capture_output=True, text=True, cwd=ROOT, timeout=600)
    return done.returncode == 0, (done.stdout + done.stderr).strip().splitlines()[0]


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 2 else (values[0] if values else 0.0)


# --- main ------------------------------------------------------------------------------------

def run(url: str, desks: int, actions: int, hot: int) -> dict[str, Any]:
    started = time.perf_counter()
    ids = fill(url, hot, published=PUBLISHED)
    fill_s = time.perf_counter() - started
    ctx = mp.get_context("spawn")
    barrier, out = ctx.Barrier(desks + 1), ctx.Queue()
    procs = [ctx.Process(target=desk_main, args=(url, n, ids, actions, barrier, out)) for n in range(desks)]
    for p in procs:
        p.start()
    barrier.wait()  # every desk has opened the database: go
    started = time.perf_counter()
    reports = dict(out.get(timeout=3600) for _ in procs)
    wall = time.perf_counter() - started
    for p in procs:
        p.join()
    latency: dict[str, list[float]] = defaultdict(list)
    saves, given, errors, conflicts = [], [], [], 0
    for r in reports.values():
        for kind, values in r["latency"].items():
            latency[kind] += values
        saves += r["saves"]
        given += r["index_nos"] + r["request_numbers"]
        errors += r["errors"]
        conflicts += r["conflicts"]
    everything = [v for values in latency.values() for v in values]
    lost, lost_detail = lost_updates(url, saves)
    verified, verify_line = audit_verify(url)
    return {"desks": desks, "actions": len(everything), "wall_s": wall, "fill_s": fill_s,
            "rate": len(everything) / wall, "p50_ms": statistics.median(everything) * 1000,
            "p95_ms": p95(everything) * 1000, "by_kind": {k: (statistics.median(v) * 1000, p95(v) * 1000, len(v))
                                                          for k, v in latency.items()},
            "conflicts": conflicts, "hot_saves": sum(1 for s in saves if "热点" in s[3]),
            "lost": lost, "lost_detail": lost_detail[:5], "duplicates": duplicate_numbers(url, given),
            "errors": len(errors), "error_detail": errors[:3], "verified": verified, "verify_line": verify_line,
            "numbers": len(given)}


def table(r: dict[str, Any]) -> str:
    rows = [
        ("desks (processes) × actions each", f"{r['desks']} × {r['actions'] // r['desks']}", ""),
        ("actions in all / wall time", f"{r['actions']} / {r['wall_s']:.1f} s", ""),
        ("actions per second (all desks)", f"{r['rate']:.1f}", ""),
        ("latency median / p95", f"{r['p50_ms']:.0f} ms / {r['p95_ms']:.0f} ms", ""),
        ("conflicts detected (hot-item saves refused)", f"{r['conflicts']}",
         f"{r['hot_saves']} hot saves went through"),
        ("lost updates", f"{r['lost']}", "must be 0"),
        ("duplicate 索引号 / 申请编号", f"{r['duplicates']}", f"{r['numbers']} numbers given; must be 0"),
        ("other errors", f"{r['errors']}", "must be 0"),
        ("`deskapp audit verify --db <url>`", "passed" if r["verified"] else "FAILED", r["verify_line"]),
    ]
    lines = ["| measure | result | note |", "|---|---|---|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    lines += ["", "| action | median | p95 | count |", "|---|---|---|---|"]
    for kind in dict.fromkeys(CYCLE):
        med, high, count = r["by_kind"].get(kind, (0.0, 0.0, 0))
        lines.append(f"| {kind} | {med:.0f} ms | {high:.0f} ms | {count} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="an empty PostgreSQL database URL (default: start a private server)")
    parser.add_argument("--desks", type=int, default=10)
    parser.add_argument("--actions", type=int, default=500)
    parser.add_argument("--hot", type=int, default=4, help="items every desk edits (the conflicts)")
    parser.add_argument("--write", action="store_true", help="write the figures into bench/README.md")
    args = parser.parse_args()
    server = None
    url = args.db
    if url is None:
        from tests.postgres_support import start_server

        server = start_server()
        server.admin('CREATE DATABASE "loadtest" TEMPLATE template0')
        url = server.url("loadtest")
    try:
        result = run(url, args.desks, args.actions, args.hot)
    finally:
        if server is not None:
            server.stop()
    text = table(result)
    print(text)
    for detail in result["lost_detail"] + result["error_detail"]:
        print(detail)
    if args.write:
        sys.path.insert(0, str(HERE))
        from readme_section import replace_section

        note = (f"Measured {dt.date.today().isoformat()} on this machine (2 CPU cores shared with other "
                f"work; run under `nice -n 10`), PostgreSQL 15 started by the bench (fsync off, a test "
                f"server), every desk a separate process on the same PC, filled with 300 published items "
                f"first ({result['fill_s']:.0f} s). Each desk repeats: create · edit · edit a hot item "
                f"shared by all desks (read, 0–50 ms pause, save on the version read) · 送审 · 同意 ×3 "
                f"(scrypt password check each) · 发布 · notice PDF · register a request. Writers take "
                f"turns (core/store/writer.py: one advisory lock per writing transaction), so the "
                f"figures are the desk's real throughput with one writer at a time.")
        replace_section(SECTION, note + "\n\n" + text + "\n\n" + READING)
    ok = result["lost"] == 0 and result["duplicates"] == 0 and result["errors"] == 0 and result["verified"]
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
