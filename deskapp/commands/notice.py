"""deskapp notice --item ID [--template a4|a3] --out F.pdf [--draft] [--seal]
deskapp board [--date D] --out F.pdf

Warnings (characters no font has, a missing 监督电话) go to stderr; the file is still written.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from deskapp.commands import add_db_option, cli_actor, open_db
from deskapp.core.calendar.dates import parse_date
from deskapp.core.errors import DeskError


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("notice", help="打印一条公示、公告、通知或其他信息（A4 公文格式或 A3 张贴版）")
    p.add_argument("--item", type=int, required=True, help="信息编号")
    p.add_argument("--template", choices=("a4", "a3"), default="a4", help="a4 公文格式（默认）或 a3 张贴版")
    p.add_argument("--out", required=True, help="输出 PDF 文件")
    p.add_argument("--draft", action="store_true", help="未签发的信息打印为草稿（带水印）")
    p.add_argument("--seal", action="store_true", help="落款按加盖印章的格式排版，并画出印章位置")
    add_db_option(p)
    p.set_defaults(func=notice_command)

    b = sub.add_parser("board", help="生成某日的政务公开栏（A3，所有待张贴的公示）")
    b.add_argument("--date", help="日期，默认今天")
    b.add_argument("--out", required=True, help="输出 PDF 文件")
    add_db_option(b)
    b.set_defaults(func=board_command)


def _warn(lines: list[str]) -> None:
    for line in lines:
        sys.stderr.write(f"注意：{line}\n")


def notice_command(args: argparse.Namespace) -> int:
    from deskapp.exports.pdf.notice import render_notice
    from deskapp.exports.pdf.page import write_atomic
    from deskapp.exports.pdf.source import notice_data

    db = open_db(args)
    try:
        with db.session() as s:
            data = notice_data(s, args.item, dt.date.today(), draft=args.draft, actor=cli_actor(),
                               seal=args.seal)
    finally:
        db.close()
    result = render_notice(data, args.template)
    write_atomic(args.out, result.data)
    _warn(result.messages())
    print(f"已生成 {args.out}（{result.pages}页）")
    return 0


def board_command(args: argparse.Namespace) -> int:
    from deskapp.exports.pdf.board import render_board
    from deskapp.exports.pdf.page import write_atomic
    from deskapp.exports.pdf.source import board_data

    day = dt.date.today() if not args.date else parse_date(args.date)
    if day is None:
        raise DeskError(f"日期“{args.date}”无法识别，请写作 2026-09-23。")
    db = open_db(args)
    try:
        with db.session() as s:
            data = board_data(s, cli_actor(), day)
            result = render_board(data)
            write_atomic(args.out, result.data)  # inside: the issue number is kept only if written
    finally:
        db.close()
    _warn(result.messages())
    print(f"已生成 {args.out}：第{data.number}期，{len(data.notices)}条公示，{result.pages}页")
    return 0
