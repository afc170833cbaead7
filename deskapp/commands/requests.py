"""deskapp requests [--year Y] [--open] [--overdue] [--json]
deskapp request due --received D [--supplement-received D] [--third-party SENT ANSWERED]… [--extended] [--json]

``request`` is a group: each of its sub-commands comes from a module in
REQUEST_COMMAND_MODULES with a ``register_request(request_subparsers)`` function (``due`` is
here; ``letter`` is added by the letters module).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
from typing import TYPE_CHECKING, Optional

from deskapp.commands import add_db_option, open_db, print_json, year_arg
from deskapp.core.calendar.dates import parse_date
from deskapp.core.errors import DeskError

if TYPE_CHECKING:
    from deskapp.core.requests.query import RequestRow

REQUEST_COMMAND_MODULES: list[str] = ["deskapp.commands.request_letter"]
PAGE = 500


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("requests", help="列出依申请公开登记")
    p.add_argument("--year", type=year_arg, help="收到申请的年份，如 2026")
    p.add_argument("--open", action="store_true", help="只列未办结的申请")
    p.add_argument("--overdue", action="store_true", help="只列超期的申请（未办结已过期限，或逾期答复）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    add_db_option(p)
    p.set_defaults(func=requests_command)

    req = sub.add_parser("request", help="依申请公开：答复期限、文书")
    req_sub = req.add_subparsers(dest="request_command", required=True)
    due = req_sub.add_parser("due", help="计算依申请公开的答复期限")
    due.add_argument("--received", required=True, help="收到申请之日，如 2026-03-23")
    due.add_argument("--supplement-received", help="收到补正材料之日（答复期限自该日重新起算）")
    due.add_argument("--third-party", nargs=2, action="append", default=[], metavar=("SENT", "ANSWERED"),
                     help="征求第三方意见的发出日和答复日（未答复写 none）；可多次使用")
    due.add_argument("--extended", action="store_true", help="已延期一次（再加20个工作日）")
    due.add_argument("--json", action="store_true", help="以 JSON 输出")
    add_db_option(due)
    due.set_defaults(func=due_command)
    for name in REQUEST_COMMAND_MODULES:
        importlib.import_module(name).register_request(req_sub)


def today() -> dt.date:  # a function so tests can pin the day
    return dt.date.today()


def _date(text: str, what: str) -> dt.date:
    day = parse_date(text)
    if day is None:
        raise DeskError(f"{what}“{text}”无法识别，请写作 2026-03-23。")
    return day


def _answered(text: str) -> Optional[dt.date]:
    if text.strip().lower() in ("none", "无", "-", ""):
        return None
    return _date(text, "第三方答复日期")


def due_command(args: argparse.Namespace) -> int:
    from deskapp.commands.calendar import load_calendar
    from deskapp.core.requests import clock

    received = _date(args.received, "收到申请日期")
    supplement = _date(args.supplement_received, "收到补正日期") if args.supplement_received else None
    if supplement is not None and supplement < received:
        raise DeskError("收到补正材料之日不能早于收到申请之日，请核对。")
    consultations = []
    for sent_text, answered_text in args.third_party:
        sent, answered = _date(sent_text, "征求意见发出日期"), _answered(answered_text)
        if answered is not None and answered < sent:
            raise DeskError(f"第三方答复日期 {answered.isoformat()} 早于发出日期 {sent.isoformat()}，请核对。")
        consultations.append(clock.Consultation(sent, answered))
    result = clock.request_due(load_calendar(args), received, supplement, consultations, args.extended)
    if args.json:
        print_json(result.as_json())
    else:
        print(result.due.isoformat() + ("（暂按周一至周五计算）" if result.provisional else ""))
        print(result.explain())
    return 0


def requests_command(args: argparse.Namespace) -> int:
    from deskapp.core.requests.query import RequestFilter, RequestRegister

    f = RequestFilter(year=args.year, open_only=args.open, overdue_only=args.overdue)
    db = open_db(args)
    try:
        with db.session() as s:
            reg = RequestRegister(db, today=today())
            ids = reg.ids(s, f, sort="number", descending=False)
            rows: list[RequestRow] = []
            for start in range(0, len(ids), PAGE):
                page = ids[start:start + PAGE]
                found = reg.rows_for(s, page)
                rows.extend(found[i] for i in page if i in found)
    finally:
        db.close()
    if args.json:
        print_json([r.as_json() for r in rows])
        return 0
    for r in rows:
        due = r.due_on.isoformat() if r.due_on else "—"
        flag = "超期" if r.overdue else ("即将到期" if r.due_soon else "")
        print("\t".join([r.number, r.applicant, r.received_on.isoformat(), r.step_label, due,
                         r.outcome_label, flag]))
    print(f"共 {len(rows)} 件，超期 {sum(r.overdue for r in rows)} 件。")
    return 0
