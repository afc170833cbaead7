"""deskapp db copy --from SOURCE --to TARGET [--force] [--json]

Copies a whole desk (every table and every attachment) from one database to another: an
office's ``desk.db`` onto a PostgreSQL server, or the server back into one SQLite file (a
full backup). The target is migrated first, refused when it already holds desk data unless
``--force`` (then cleared in the same transaction), the row counts are compared table by
table and the audit chain is verified on the target. Progress goes to stderr.

Exit status: 0 copied and checked; 1 copied but a check found a problem (attachment files
missing in the source, the audit chain broken); 2 could not copy (the target is unchanged).
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import TYPE_CHECKING

from deskapp.commands import print_json

if TYPE_CHECKING:
    from deskapp.core.store.copy import CopyReport


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    db = sub.add_parser("db", help="数据库：整库复制（迁移到服务器，或从服务器复制回本机文件）")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    p = db_sub.add_parser("copy", help="把整个台账（所有表和附件）复制到另一个数据库")
    p.add_argument("--from", dest="source", metavar="PATH_OR_URL",
                   help="源数据库文件或地址（默认：--db、环境变量 DESKAPP_DB 或用户数据目录中的台账）")
    p.add_argument("--to", dest="target", metavar="PATH_OR_URL", required=True,
                   help="目标数据库文件或地址，如 postgresql+psycopg://用户@服务器/数据库")
    p.add_argument("--force", action="store_true", help="目标中已有台账数据时先清空再复制（默认拒绝）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.add_argument("--db", metavar="PATH_OR_URL", default=argparse.SUPPRESS, help="同 --from")
    p.set_defaults(func=copy_command)


class ProgressLine:
    """One line on stderr, rewritten in place on a terminal (at most 5 times a second);
    elsewhere (a log file) a line at each tenth of the way."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.last = 0.0
        self.tenth = -1

    def __call__(self, done: int, total: int, text: str) -> None:
        share = done / total if total else 1.0
        line = f"{share:4.0%} {text}"
        if self.tty:
            now = time.monotonic()
            if now - self.last >= 0.2 or done >= total:
                self.last = now
                sys.stderr.write("\r" + line[:78].ljust(78))
                sys.stderr.flush()
        elif int(share * 10) > self.tenth:
            self.tenth = int(share * 10)
            sys.stderr.write(line + "\n")

    def end(self) -> None:
        if self.tty and self.last:
            sys.stderr.write("\n")


def _as_dict(report: CopyReport) -> dict[str, object]:
    return {"ok": report.ok, "source": report.source, "target": report.target,
            "tables": [{"name": t.name, "source": t.source, "target": t.target} for t in report.tables],
            "rows": report.rows, "files": report.files, "missing_files": report.missing_files,
            "audit_ok": report.audit_problem is None, "audit_problem": report.audit_problem,
            "seconds": round(report.seconds, 2)}


def copy_command(args: argparse.Namespace) -> int:
    from deskapp.core.desk import copy_desk
    from deskapp.core.store.db import resolve_target

    source = resolve_target(args.source or getattr(args, "db", None))
    progress = ProgressLine()
    try:
        report = copy_desk(source, args.target, force=args.force, progress=progress)
    finally:
        progress.end()
    if args.json:
        print_json(_as_dict(report))
    else:
        print(report.summary())
    return 0 if report.ok else 1
