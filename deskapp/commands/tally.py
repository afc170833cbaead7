"""deskapp tally --quarter 2026Q3 --out FILE.xlsx [--mark-reported] [--json]"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import TYPE_CHECKING, Any

from deskapp.commands import add_db_option, cli_actor, open_db, print_json
from deskapp.core.errors import DeskError

if TYPE_CHECKING:
    from deskapp.exports.excel.tally import TallyResult


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("tally", help="生成季度统计表（Excel）")
    p.add_argument("--quarter", required=True, help="季度，如 2026Q3")
    p.add_argument("--out", required=True, help="保存到的 .xlsx 文件")
    p.add_argument("--mark-reported", action="store_true", help="同时把该季度标记为已上报（冻结上报数）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出各项数字")
    add_db_option(p)
    p.set_defaults(func=tally_command)


def tally_command(args: argparse.Namespace) -> int:
    from deskapp.core.register.query import parse_quarter
    from deskapp.core.reports import reported as tally_report
    from deskapp.exports.excel.tally import write_tally

    try:
        year, quarter = parse_quarter(args.quarter)
    except ValueError as exc:
        raise DeskError(str(exc)) from exc
    today = dt.date.today()
    db = open_db(args)
    try:
        gen = write_tally(db, year, quarter, args.out, today)
        while True:
            try:
                next(gen)
            except StopIteration as stop:
                result: TallyResult = stop.value
                break
        if args.mark_reported:
            with db.session() as s:
                tally_report.mark_reported(s, cli_actor(), year, quarter, today)
    finally:
        db.close()
    if args.json:
        print_json(as_json(result, args.mark_reported))
    else:
        print_summary(result, args.mark_reported)
    return 0


def as_json(result: TallyResult, marked: bool) -> dict[str, Any]:
    qf = result.figures
    return {
        "quarter": f"{qf.year}Q{qf.quarter}",
        "out": str(result.path),
        "figures": {r.figure.key: {"label": r.figure.label, "quarter": r.quarter, "ytd": r.ytd,
                                   "months": list(r.months)} for r in qf.rows},
        "detail_rows": result.detail_rows,
        "late_rows": result.late_rows,
        "reported": marked or result.report is not None,
        "changed_since_report": bool(result.changes and result.changes.any),
    }


def print_summary(result: TallyResult, marked: bool) -> None:
    qf = result.figures
    out = sys.stdout
    out.write(f"已生成 {result.path}\n")
    for r in qf.rows:
        if r.figure.unit == "%":
            q = "—" if r.quarter is None else f"{r.quarter:.1%}"
            y = "—" if r.ytd is None else f"{r.ytd:.1%}"
        else:
            q, y = str(r.quarter), str(r.ytd)  # a count: as it is
        out.write(f"{r.figure.label}：本季度 {q}，截至本季度 {y}\n")
    if result.changes is not None and result.changes.any:
        out.write("注意：该季度上报后数据有变更，详见“上报后变更”表。\n")
    if marked:
        out.write(f"已将 {qf.year}年第{qf.quarter}季度 标记为已上报。\n")
