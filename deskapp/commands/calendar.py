"""deskapp calendar due DATE [--days N] [--json]"""

from __future__ import annotations

import argparse

from deskapp.commands import add_db_option, open_db, print_json
from deskapp.core.calendar.dates import parse_date
from deskapp.core.errors import DeskError


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cal = sub.add_parser("calendar", help="工作日与公开期限")
    cal_sub = cal.add_subparsers(dest="calendar_command", required=True)
    due = cal_sub.add_parser("due", help="计算第N个工作日（公开期限）")
    due.add_argument("date", help="形成或变更日期，如 2026-09-25")
    due.add_argument("--days", type=int, default=20, help="工作日天数（默认20）")
    due.add_argument("--json", action="store_true", help="以 JSON 输出")
    add_db_option(due)
    due.set_defaults(func=due_command)


def due_command(args: argparse.Namespace) -> int:
    from deskapp.core.calendar.workdays import WorkCalendar, quick_calendar
    from deskapp.core.store.location import resolve_target

    start = parse_date(args.date)
    if start is None:
        raise DeskError(f"日期“{args.date}”无法识别，请写作 2026-09-25。")
    # A current SQLite desk is read with sqlite3 alone (a tenth of the time); anything else
    # (new, older, a server) is opened the usual way, which creates, migrates or explains.
    cal = quick_calendar(resolve_target(getattr(args, "db", None)))
    if cal is None:
        db = open_db(args)
        try:
            with db.session() as s:
                cal = WorkCalendar.load(s)
        finally:
            db.close()
    result = cal.due_date(start, args.days)
    if args.json:
        print_json(result.as_json())
    else:
        print(result.due.isoformat() + ("（暂按周一至周五计算）" if result.provisional else ""))
        print(result.explain())
    return 0
