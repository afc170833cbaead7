"""deskapp demo --db PATH [--items N] [--year Y] [--seed S] [--force] [--remove]"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import TYPE_CHECKING

from deskapp.commands import add_db_option, cli_actor, open_db, year_arg
from deskapp.core.errors import DeskError
from deskapp.core.store.credentials import mask_secrets
from deskapp.core.store.vocab import STATUSES

if TYPE_CHECKING:
    from deskapp.core.demo.generate import DemoSummary
    from deskapp.core.store.db import Database

PROGRESS_FROM = 5000  # smaller runs finish before a progress line would help


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("demo", help="生成演示数据（标明为演示，可一键删除）")
    p.add_argument("--items", type=_count, default=1000, help="信息条数（默认1000）")
    p.add_argument("--year", type=year_arg, help="年份（默认今年）")
    p.add_argument("--seed", type=int, default=1, help="随机种子：相同种子生成相同数据（默认1）")
    p.add_argument("--force", action="store_true",
                   help="数据库已有信息时仍然加入（原有演示数据先删除，真实信息保留）")
    p.add_argument("--remove", action="store_true", help="删除全部演示数据，真实信息保留")
    add_db_option(p)
    p.set_defaults(func=demo_command)


def _count(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"条数应为非负整数，“{text}”不对")
    return int(text)


def today() -> dt.date:  # a function so tests can pin the day
    return dt.date.today()


def demo_command(args: argparse.Namespace) -> int:
    from deskapp.core.demo import generate as demo

    db = open_db(args)
    try:
        if args.remove:
            removed = demo.remove_demo(db, cli_actor())
            print(f"已删除演示数据 {removed} 条，真实信息未改动。")
            return 0
        _refuse_or_clear(db, args.force)
        summary = demo.generate(db, args.items, args.year, args.seed, cli_actor(), today(),
                                progress=_progress if args.items >= PROGRESS_FROM else None)
    finally:
        db.close()
    _print_summary(summary, db)
    return 0


def _refuse_or_clear(db: Database, force: bool) -> None:
    from sqlalchemy import func, select

    from deskapp.core.demo import generate as demo
    from deskapp.core.store.models import Item

    with db.session() as s:
        total = s.scalar(select(func.count()).select_from(Item)) or 0
        demo_items = s.scalar(select(func.count()).select_from(Item).where(Item.is_demo.is_(True))) or 0
    if total and not force:
        where = db.path or mask_secrets(db.url)
        raise DeskError(f"数据库“{where}”中已有 {total} 条信息，未加入演示数据；如确需加入，请加 --force。")
    if demo_items:
        demo.remove_demo(db, cli_actor())
        print(f"已删除原有演示数据 {demo_items} 条。")


def _progress(done: int, total: int) -> None:
    sys.stderr.write(f"\r正在生成演示数据：{done}/{total}")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def _print_summary(summary: DemoSummary, db: Database) -> None:
    statuses = "，".join(f"{STATUSES[k]} {v}" for k, v in summary.by_status.items())
    print(f"已生成演示数据 {summary.items} 条（{summary.year}年，种子 {summary.seed}），"
          f"用时 {summary.seconds:.1f} 秒。")
    if summary.items:
        print(f"状态：{statuses}。")
        print(f"超期 {summary.late} 条，即将到期 {summary.due_soon} 条；"
              f"公示名单中的虚构人员 {summary.people_listed} 人。")
    print(f"新增科室/社区 {summary.departments_added} 个，人员 {summary.people_added} 名。"
          f"数据库：{db.path or mask_secrets(db.url)}")
    print("演示数据均已标明，可用 deskapp demo --remove 删除。")
