"""deskapp request letter --request ID --kind receipt|supplement|extension|third-party|reply --out F.pdf

The letter is written (temp file + rename) and recorded in the request's history in one
transaction; warnings (a blank 复议机关 in the settings, characters no font has) go to stderr.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from deskapp.commands import add_db_option, cli_actor, open_db
from deskapp.core.requests.vocab import LETTER_KINDS


def register_request(req_sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = req_sub.add_parser("letter", help="生成依申请公开的文书（回执、补正告知、延期告知、征求意见、答复书）")
    p.add_argument("--request", type=int, required=True, help="申请的编号（requests --json 中的 id）")
    p.add_argument("--kind", required=True, choices=list(LETTER_KINDS), help="文书种类")
    p.add_argument("--out", required=True, help="输出 PDF 文件")
    add_db_option(p)
    p.set_defaults(func=letter_command)


def letter_command(args: argparse.Namespace) -> int:
    from deskapp.exports.pdf.letter_source import write_letter

    db = open_db(args)
    try:
        with db.session() as s:
            result = write_letter(s, db, cli_actor(), args.request, args.kind, args.out, dt.date.today())
    finally:
        db.close()
    for line in result.messages():
        sys.stderr.write(f"注意：{line}\n")
    print(f"已生成 {args.out}（{LETTER_KINDS[args.kind]}，{result.pages}页）")
    return 0
