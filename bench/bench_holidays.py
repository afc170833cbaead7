"""Entering a year's holiday arrangement on a big register: how long 保存 takes.

Saving a year recomputes every open deadline in the same transaction (the holiday dialog
shows a wait cursor meanwhile). Builds a register of N items (half of them open), computes
their deadlines once, then times: entering an unknown year (some deadlines change), saving it
again unchanged, and changing a catalogue entry's 公开时限.

    .venv/bin/python bench/bench_holidays.py [--items 100000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert, select

from deskapp.core.audit.chain import Actor
from deskapp.core.calendar.workdays import HolidayRange, YearArrangement
from deskapp.core.desk import open_database
from deskapp.core.register import catalogue, holidays
from deskapp.core.register.items import recompute_open_deadlines
from deskapp.core.store.models import CatalogueEntry, Item

ACTOR = Actor(None, "bench")
YEAR_2027 = YearArrangement(2027, [
    HolidayRange("元旦", dt.date(2027, 1, 1), dt.date(2027, 1, 3)),
    HolidayRange("春节", dt.date(2027, 2, 6), dt.date(2027, 2, 13)),
    HolidayRange("国庆节", dt.date(2027, 10, 1), dt.date(2027, 10, 7)),
], [dt.date(2027, 2, 14), dt.date(2027, 10, 9)])


def build(path: Path, count: int) -> None:
    db = open_database(path)
    with db.session() as s:
        entries = list(s.scalars(select(CatalogueEntry.id).where(CatalogueEntry.parent_id.is_not(None))))
        start = dt.date(2025, 12, 1)
        s.execute(insert(Item), [
            dict(index_no=f"B/{n}", title=f"信息{n}", kind="其他", formed_on=start + dt.timedelta(days=n % 396),
                 status="draft" if n % 2 else "published", attribute="active", channels=[],
                 catalogue_id=entries[n % len(entries)], version=1)
            for n in range(count)
        ])
        recompute_open_deadlines(s)  # deadlines as the desk would have computed them
    db.close()


def timed(label: str, path: Path, action) -> tuple[str, float, int]:
    db = open_database(path)
    try:
        begin = time.perf_counter()
        with db.session() as s:
            changed = action(s)
        return label, time.perf_counter() - begin, changed
    finally:
        db.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=100_000)
    args = parser.parse_args()
    path = Path(tempfile.mkdtemp()) / "节假日 基准.db"
    build(path, args.items)
    db = open_database(path)
    with db.session() as s:
        street = s.scalar(select(CatalogueEntry.id).where(CatalogueEntry.name == "街道动态"))
    db.close()

    def new_limit(s):
        data = catalogue.get_entry(s, street).data()
        data.time_limit_days = 15
        return catalogue.update_entry(s, ACTOR, street, data).deadlines_changed

    rows = [
        timed("enter 2027 (unknown until now)", path, lambda s: holidays.save_year(s, ACTOR, YEAR_2027)),
        timed("save 2027 again, unchanged", path, lambda s: holidays.save_year(s, ACTOR, YEAR_2027)),
        timed("catalogue entry 公开时限 20 → 15", path, new_limit),
    ]
    print(f"{args.items} items, {args.items // 2} open")
    print(f"| {'case':<36} | seconds | deadlines changed |")
    print(f"|{'-' * 38}|--------:|------------------:|")
    for label, seconds, changed in rows:
        print(f"| {label:<36} | {seconds:7.2f} | {changed:17d} |")


if __name__ == "__main__":
    main()
