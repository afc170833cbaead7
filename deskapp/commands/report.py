"""deskapp report annual --year Y --out FILE.docx|FILE.xlsx|FILE.pdf
deskapp report check FILE.xlsx [--json]

``report`` is a group: each further sub-command comes from a module in
REPORT_COMMAND_MODULES with a ``register_report(report_subparsers)`` function (the
自查报告's ``self-inspection`` is added that way).

``annual`` writes the year's 政府信息公开工作年度报告 (format by the file's suffix) and lists
the report's failing checks: exit 1 when a 勾稽 check fails (the file is written all the
same, for correcting), else 0. ``check`` reads tables 三/四 from any workbook in the national
layout: exit 0 and 勾稽关系成立, or exit 1 and one line per failing check (table, row,
column).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from deskapp.commands import add_db_option, open_db, print_json, year_arg
from deskapp.core.errors import DeskError

if TYPE_CHECKING:
    from deskapp.core.reports.annual_checks import CheckResult
    from deskapp.exports.annual_layout import ReportDoc

REPORT_COMMAND_MODULES: list[str] = ["deskapp.commands.report_self_inspection"]
BALANCED = "勾稽关系成立"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    rep = sub.add_parser("report", help="政府信息公开工作年度报告：生成、检查勾稽关系")
    rep_sub = rep.add_subparsers(dest="report_command", required=True)
    annual = rep_sub.add_parser("annual", help="生成年度报告（.docx 可编辑、.xlsx 三张表、.pdf 打印）")
    annual.add_argument("--year", type=year_arg, required=True, help="报告年度，如 2026")
    annual.add_argument("--out", required=True, help="保存到的文件：.docx、.xlsx 或 .pdf")
    add_db_option(annual)
    annual.set_defaults(func=annual_command)
    check = rep_sub.add_parser("check", help="检查年度报告表三、表四的勾稽关系（.xlsx）")
    check.add_argument("file", metavar="FILE.xlsx", help="按全国统一格式填写的年度报告表格")
    check.add_argument("--json", action="store_true", help="以 JSON 输出")
    check.set_defaults(func=check_command)
    for name in REPORT_COMMAND_MODULES:
        importlib.import_module(name).register_report(rep_sub)


def today() -> dt.date:  # a function so tests can pin the day
    return dt.date.today()


def _write_pdf(doc: ReportDoc, path: Path) -> list[str]:
    from deskapp.exports.pdf.annual_report import write_annual_pdf

    return write_annual_pdf(doc, path).messages()


def _write_docx(doc: ReportDoc, path: Path) -> list[str]:
    from deskapp.exports.word.annual_report import write_docx

    write_docx(doc, path)
    return []


def _write_xlsx(doc: ReportDoc, path: Path) -> list[str]:
    from deskapp.exports.excel.annual_tables import write_workbook

    write_workbook(doc, path)
    return []


WRITERS: dict[str, Callable[[ReportDoc, Path], list[str]]] = {
    ".docx": _write_docx, ".xlsx": _write_xlsx, ".pdf": _write_pdf}


def annual_command(args: argparse.Namespace) -> int:
    from deskapp.core.reports.annual import build_report
    from deskapp.exports.annual_content import report_doc

    out = Path(args.out).expanduser()
    writer = WRITERS.get(out.suffix.lower())
    if writer is None:
        raise DeskError(f"不支持“{out.suffix or out.name}”格式，请把 --out 的文件名改为以 .docx、.xlsx 或 .pdf 结尾。")
    day = today()
    db = open_db(args)
    try:
        with db.session() as s:
            report = build_report(s, args.year, day)
    finally:
        db.close()
    notes = writer(report_doc(report, day), out)
    print(f"已生成 {out}")
    for line in notes:
        print(line)
    for c in report.checks:
        print(("需处理：" if c.blocking else "提示：") + c.message)
    return 1 if report.errors else 0


def check_line(c: CheckResult) -> str:
    """One failing check as a line: table, row and column first, then what is wrong."""
    return f"表{c.table}｜{c.row}｜{c.column}：{c.message}"


def check_json(c: CheckResult) -> dict[str, Any]:
    return {"rule": c.rule, "table": c.table, "row": c.row, "column": c.column, "row_key": c.row_key,
            "column_key": c.column_key, "expected": c.expected, "actual": c.actual, "severity": c.severity,
            "message": c.message}


def check_command(args: argparse.Namespace) -> int:
    from deskapp.core.reports.annual_checks import check_tables, section3_from_grid, section4_from_row
    from deskapp.exports.excel.annual_tables import read_annual_workbook

    numbers = read_annual_workbook(args.file)
    s3 = section3_from_grid(numbers.section3)
    s4 = section4_from_row(numbers.section4) if numbers.section4 is not None else {}
    failed = check_tables(s3, s4)
    if args.json:
        print_json({"file": str(args.file), "balanced": not failed, "sheet3": numbers.sheet3,
                    "sheet4": numbers.sheet4, "checks": [check_json(c) for c in failed]})
        return 1 if failed else 0
    if numbers.section4 is None:
        print("注意：工作簿中没有找到表四（行政复议、行政诉讼情况），本次只检查了表三。")
    if not failed:
        print(BALANCED)
        return 0
    for c in failed:
        print(check_line(c))
    print(f"共 {len(failed)} 处勾稽关系不成立，请逐项核对后重新检查。")
    return 1
