"""deskapp audit verify — walk the hash chain of the audit log.

Exit 0 when every event matches its digest and links to the one before; 1 naming the first
broken event otherwise (an edited or deleted row); 2 when the database cannot be read.
"""

from __future__ import annotations

import argparse
import time
from typing import TYPE_CHECKING

from deskapp.commands import add_db_option, open_db, print_json

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    audit = sub.add_parser("audit", help="操作记录（审计日志）")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    verify = audit_sub.add_parser("verify", help="校验操作记录是否被修改或删除")
    verify.add_argument("--json", action="store_true", help="以 JSON 输出")
    verify.add_argument("--anchor", type=anchor_arg, metavar="ID:HEX",
                        help="再核对一个打印在台账、审批表或年报上的审计锚点（编号:校验值前12位或更多）")
    add_db_option(verify)
    verify.set_defaults(func=verify_command)


ANCHOR_HEX_MIN = 12


def anchor_arg(value: str) -> tuple[int, str]:
    """argparse type for --anchor ``ID:HEX`` as printed (审计锚点 123:0123456789ab)."""
    event_id, _, digest = value.strip().partition(":")
    digest = digest.strip().lower()
    if not (event_id.strip().isdigit() and len(digest) >= ANCHOR_HEX_MIN
            and all(c in "0123456789abcdef" for c in digest)):
        raise argparse.ArgumentTypeError(
            f"审计锚点应写成“编号:校验值”，校验值至少 {ANCHOR_HEX_MIN} 位十六进制数字"
            f"（如 123:0123456789ab），“{value}”不对")
    return int(event_id), digest


def event_summary(session: Session, event_id: int) -> str:
    """When, who, what of one event, from its raw text: the event may be the broken one, with
    garbage where a time should be, so nothing here parses a column."""
    from sqlalchemy import text

    columns = ("at", "actor_name", "action", "entity", "entity_id")
    as_type = "BLOB" if session.get_bind().dialect.name == "sqlite" else "TEXT"  # BLOB: any bytes at all
    row = session.execute(text("SELECT " + ", ".join(f"CAST({c} AS {as_type})" for c in columns)
                               + " FROM audit_event WHERE id = :id"), {"id": event_id}).first()
    if row is None:
        return ""
    values = [v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v) for v in row if v is not None]
    if row[0] is not None:
        values[0] = values[0][:19]  # seconds are enough to find it
    return " ".join(values)


def verify_command(args: argparse.Namespace) -> int:
    from sqlalchemy import func, select

    from deskapp.core.audit.chain import check_printed_anchor, verify_chain
    from deskapp.core.store.models import AuditEvent

    # Read-only: checking the log must not add to it (opening normally may seed data).
    db = open_db(args, read_only=True)
    try:
        started = time.perf_counter()
        with db.session() as s:
            broken = check_printed_anchor(s, *args.anchor) if args.anchor else verify_chain(s)
            total = s.scalar(select(func.count()).select_from(AuditEvent)) or 0
            detail = event_summary(s, broken.event_id) if broken else ""
        seconds = time.perf_counter() - started
        on_server = not db.is_sqlite
    finally:
        db.close()
    if args.json:
        print_json({"ok": broken is None, "events": total, "seconds": round(seconds, 3),
                    "broken_event_id": broken.event_id if broken and broken.event_id else None,
                    "reason": broken.reason if broken else None,
                    "head_anchored_by": "audit_head row" if on_server else "audit_head row and anchor file"})
    elif broken is None:
        anchored = f"，与审计锚点 {args.anchor[0]}:{args.anchor[1]} 相符" if args.anchor else ""
        print(f"操作记录完整：共 {total} 条，逐条校验通过{anchored}（用时 {seconds:.2f} 秒）。")
        if on_server:  # no data folder of its own, so no anchor file beside it (see core.audit.chain)
            print("服务器数据库没有本机锚点文件：链尾由库内的链尾记录核对；"
                  "如需防范整段改写，请用 --anchor 核对报表上打印的审计锚点。")
    elif not broken.event_id:  # not one event: a head kept beside or inside the database
        print(f"操作记录不完整：{broken.reason}。请用备份核对，并报告主管。")
    else:
        where = f"（{detail.strip()}）" if detail.strip() else ""  # a deleted last row: nothing to show
        print(f"操作记录不完整：第一处异常在编号 {broken.event_id} 的记录{where}："
              f"{broken.reason}。请用备份核对，并报告主管。")
    return 0 if broken is None else 1
