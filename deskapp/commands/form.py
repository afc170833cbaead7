"""deskapp form --item ID --out FILE.pdf — the review/sign-off form (保密审查审批表)."""

from __future__ import annotations

import argparse
import sys

from deskapp.commands import add_db_option, open_db


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("form", help="打印审核签发审批表（PDF）")
    p.add_argument("--item", type=int, required=True, metavar="ID", help="信息编号")
    p.add_argument("--out", required=True, metavar="FILE.pdf", help="保存到的 PDF 文件")
    add_db_option(p)
    p.set_defaults(func=form_command)


def form_command(args: argparse.Namespace) -> int:
    from deskapp.exports.pdf.approval_form import write_form

    db = open_db(args, read_only=True)  # printing changes nothing
    try:
        with db.session() as s:
            result = write_form(s, args.item, args.out)
    finally:
        db.close()
    for line in result.messages():
        sys.stderr.write(line + "\n")
    print(f"审批表已保存：{args.out}（{result.pages} 页）")
    return 0
