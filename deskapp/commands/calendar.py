"""deskapp calendar due DATE [--days N] [--json]"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from deskapp.commands import add_db_option, open_db, print_json
from deskapp.core.calendar.dates import parse_date
from deskapp.core.errors import DeskError

if TYPE_CHECKING:
    from deskapp.core.calendar.workdays import WorkCalendar


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cal = sub.add_parser("calendar", help="工作日与公开期限")
    cal_sub = cal.add_subparsers(dest="calendar_command", required=True)
    due = cal_sub.add_parser("due", help="计算第N个工作日（公开期限）")
    due.add_argument("date", help="形成或变更日期，如 2026-09-25")
    due.add_argument("--days", type=int, default=20, help="工作日天数（默认20）")
    due.add_argument("--json", action="store_true", help="以 JSON 输出")
    add_db_option(due)
    due.set_defaults(func=due_command)


def load_calendar(args: argparse.Namespace) -> WorkCalendar:
    """The desk's work calendar for a command that only counts days. A current SQLite desk
    is read with sqlite3 alone (a tenth of the time); anything else (new, older, a server) is
    opened the usual way, which creates, migrates or explains."""
    from deskapp.core.calendar.workdays import WorkCalendar, quick_calendar
    from deskapp.core.store.location import resolve_target

    cal = quick_calendar(resolve_target(getattr(args, "db", None)))
    if cal is not None:
        return cal
    db = open_db(args)
    try:
        with db.session() as s:
            return WorkCalendar.load(s)
    finally:
        db.close()


def due_command(args: argparse.Namespace) -> int:
    start = parse_date(args.date)
    if start is None:
        raise DeskError(f"日期“{args.date}”无法识别，请写作 2026-09-25。")
    result = load_calendar(args).due_date(start, args.days)
    if args.json:
        print_json(result.as_json())
    else:
        print(result.due.isoformat() + ("（暂按周一至周五计算）" if result.provisional else ""))
        print(result.explain())
    return 0
