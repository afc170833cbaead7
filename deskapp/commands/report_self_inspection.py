"""deskapp report self-inspection --year Y [--quarter Q] --out FILE.docx

The quarter's 自查报告 draft as an editable Word document: 一、基本情况 with the year's figures
up to the quarter's end, 二、存在问题 from the 工作台's checklist, 三、整改措施 as defaults to
edit, and the two charts. Without --quarter: the current quarter for this year, the fourth for
an earlier year.
"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Optional

from deskapp.commands import add_db_option, open_db, year_arg
from deskapp.core.errors import DeskError


def register_report(rep_sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = rep_sub.add_parser("self-inspection", help="生成政府信息公开工作自查报告初稿（.docx，可编辑）")
    p.add_argument("--year", type=year_arg, required=True, help="自查年度，如 2026")
    p.add_argument("--quarter", type=int, choices=[1, 2, 3, 4],
                   help="截至第几季度（默认：本年为当前季度，往年为第四季度）")
    p.add_argument("--out", required=True, help="保存到的 .docx 文件")
    add_db_option(p)
    p.set_defaults(func=self_inspection_command)


def today() -> dt.date:  # a function so tests can pin the day
    return dt.date.today()


def pick_quarter(year: int, quarter: Optional[int], day: dt.date) -> int:
    """The quarter asked for, refused when it has not begun yet."""
    from deskapp.core.dashboard.board import QUARTER_NAMES, quarter_of  # late: loads SQLAlchemy

    if year > day.year or (year == day.year and quarter is not None and quarter > quarter_of(day)):
        label = f"{year}年" + (f"第{QUARTER_NAMES[quarter - 1]}季度" if quarter else "")
        raise DeskError(f"{label}尚未开始，无法自查；请选择已开始的年度和季度。")
    if quarter is not None:
        return quarter
    return quarter_of(day) if year == day.year else 4


def self_inspection_command(args: argparse.Namespace) -> int:
    from deskapp.exports.word.self_inspection import draft_for, write_self_inspection

    day = today()
    quarter = pick_quarter(args.year, args.quarter, day)
    db = open_db(args)
    try:
        with db.session() as s:
            draft, charts = draft_for(s, day, args.year, quarter)
    finally:
        db.close()
    path = write_self_inspection(draft, charts, args.out)
    found = len(draft.problems)
    print(f"已生成 {path}（{draft.through}，存在问题 {found} 项）")
    return 0
