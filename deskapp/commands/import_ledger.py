"""deskapp import FILE.xlsx [--dry-run] [--json] [--skip-bad] [--sheet NAME] [--create-departments]
[--map 列名=内容 …]

Exit status: 0 all rows good (imported, or only checked with --dry-run); 1 some rows are bad
(nothing imported, unless --skip-bad imported the good ones); 2 the file cannot be read.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import TYPE_CHECKING, Any, Optional

from deskapp.commands import add_db_option, cli_actor, open_db, print_json
from deskapp.core.errors import DeskError
from deskapp.core.ledger.fields import field_key, field_names

if TYPE_CHECKING:
    from deskapp.core.ledger.commit import ImportResult
    from deskapp.core.ledger.preview import Preview

STATUS_LABELS = {"error": "有问题", "duplicate": "重复，跳过"}


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("import", help="导入现有的 Excel 台账（.xlsx 或旧版 .xls）")
    p.add_argument("file", help="台账文件（.xlsx 或 .xls）")
    p.add_argument("--dry-run", action="store_true", help="只检查，不写入数据库")
    p.add_argument("--json", action="store_true", help="以 JSON 输出检查结果")
    p.add_argument("--skip-bad", action="store_true", help="有问题的行跳过，只导入无误的行")
    p.add_argument("--sheet", help="工作表名称（默认自动寻找有表头的工作表）")
    p.add_argument("--create-departments", action="store_true", help="台账中有、系统中没有的科室自动新建")
    p.add_argument("--map", action="append", default=[], metavar="列名=内容",
                   help="指定某列导入为什么，如 --map 内容概述=title（可写多次；内容写 title、formed_on 等或其中文名）")
    add_db_option(p)
    p.set_defaults(func=import_command)


def import_command(args: argparse.Namespace) -> int:
    from deskapp.core.ledger.preview import ImportOptions
    from deskapp.exports.excel.ledger_import import import_file, preview_file

    today = dt.date.today()
    options = ImportOptions(create_departments=args.create_departments,
                            column_names=parse_maps(args.map))
    db = open_db(args)
    result: Optional[ImportResult] = None
    try:
        preview = preview_file(db, args.file, today, sheet=args.sheet, options=options)
        bad = preview.count("error")
        if not args.dry_run and (not bad or args.skip_bad):
            preview, result = import_file(db, cli_actor(), args.file, today,
                                          sheet=args.sheet, options=options, skip_bad=args.skip_bad)
            bad = preview.count("error")
    finally:
        db.close()
    if args.json:
        print_json(as_json(preview, result, args.dry_run))
    else:
        print_report(preview, result, args)
    return 1 if bad else 0


def parse_maps(maps: list[str]) -> tuple[tuple[str, str], ...]:
    """['内容概述=title', '日子=形成日期'] → (('内容概述', 'title'), ('日子', 'formed_on'));
    DeskError (exit 2) for a malformed pair or a field that does not exist."""
    out = []
    for text in maps:
        header, sep, name = text.rpartition("=")
        if not sep or not header.strip() or not name.strip():
            raise DeskError(f"--map 的写法是“列名=内容”（如 --map 内容概述=title），“{text}”不是。")
        key = field_key(name)
        if key is None:
            raise DeskError(f"--map 中的“{name.strip()}”不是可导入的内容，可用的有：{field_names()}。")
        out.append((header.strip(), key))
    return tuple(out)


def as_json(preview: Preview, result: Optional[ImportResult], dry_run: bool) -> dict[str, Any]:
    return {
        "file": preview.source, "sheet": preview.sheet, "header_row": preview.header_row,
        "rows": len(preview.rows), "ok": preview.count("ok"), "errors": preview.count("error"),
        "duplicates": preview.count("duplicate"), "dry_run": dry_run, "notes": preview.notes,
        "imported": result.imported if result else 0,
        "item_ids": result.item_ids if result else [],
        "departments_created": result.departments_created if result else [],
        "issues": [{"row": i.row, "column": i.column, "header": i.header, "reason": i.reason,
                    "status": r.status} for r in preview.rows for i in r.issues],
    }


def print_report(preview: Preview, result: Optional[ImportResult], args: argparse.Namespace) -> None:
    out = sys.stdout
    out.write(f"台账“{preview.source}”工作表“{preview.sheet}”，表头在第{preview.header_row}行；"
              f"共{len(preview.rows)}行：无误{preview.count('ok')}行，有问题{preview.count('error')}行，"
              f"重复{preview.count('duplicate')}行。\n")
    for note in preview.notes:
        out.write(note + "\n")
    for r in preview.rows:
        for i in r.issues:
            where = f"{i.column}列（{i.header}）" if i.column else f"（{i.header}）"
            out.write(f"第{i.row}行 {where}：{i.reason}［{STATUS_LABELS.get(r.status, r.status)}］\n")
    if args.dry_run:
        out.write("这是预演（--dry-run），没有写入任何数据。\n")
    elif result is None:
        out.write("有问题的行尚未改正，没有导入任何数据；改正后重新导入，或加 --skip-bad 只导入无误的行。\n")
    else:
        out.write(f"已导入{result.imported}行")
        if result.skipped_duplicates:
            out.write(f"，跳过重复{result.skipped_duplicates}行")
        if args.skip_bad and result.skipped_bad:
            out.write(f"，跳过有问题的{result.skipped_bad}行")
        if result.departments_created:
            out.write(f"，新建科室：{'、'.join(result.departments_created)}")
        out.write("。\n")
