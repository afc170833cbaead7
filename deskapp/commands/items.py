"""deskapp items [--status S] [--year Y] [--quarter 2026Q3] [--overdue] [--due-soon]
[--kind K] [--search TEXT] [--json]"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from deskapp.commands import add_db_option, open_db, year_arg
from deskapp.core.errors import DeskError
from deskapp.core.store.vocab import KINDS, STATUSES, code_of

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from deskapp.core.register.query import ItemFilter, ItemRow, Register

PAGE = 500
COLUMNS = (("索引号", 30), ("标题", 36), ("类别", 10), ("科室", 14), ("状态", 6),
           ("形成日期", 10), ("公开期限", 10), ("发布日期", 10), ("提示", 12))


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("items", help="列出台账中的信息")
    p.add_argument("--status", help="状态：draft/in_review/returned/approved/published/withdrawn 或中文（如 已发布）")
    p.add_argument("--year", type=year_arg, help="形成日期所在年份，如 2026")
    p.add_argument("--quarter", help="形成日期所在季度，如 2026Q3")
    p.add_argument("--kind", help="信息类别，如 政策文件")
    p.add_argument("--search", default="", help="在标题、文号、索引号、内容中查找")
    p.add_argument("--overdue", action="store_true", help="只列超期的信息")
    p.add_argument("--due-soon", action="store_true", help="只列即将到期的信息")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    add_db_option(p)
    p.set_defaults(func=items_command)


def today() -> dt.date:  # a function so tests can pin the day
    return dt.date.today()


def build_filter(args: argparse.Namespace) -> ItemFilter:
    """The filter the arguments ask for; DeskError (exit 2) for anything not understood."""
    from deskapp.core.register.query import ItemFilter, parse_quarter

    status = None
    if args.status:
        status = code_of(STATUSES, args.status)
        if status is None:
            names = "、".join(f"{code}（{label}）" for code, label in STATUSES.items())
            raise DeskError(f"状态“{args.status}”不正确，可用：{names}。")
    if args.kind and args.kind.strip() not in KINDS:
        raise DeskError(f"类别“{args.kind}”不正确，可用：{'、'.join(KINDS)}。")
    year, quarter = args.year, None
    if args.quarter:
        try:
            q_year, quarter = parse_quarter(args.quarter)
        except ValueError as exc:
            raise DeskError(str(exc)) from exc
        if year is not None and year != q_year:
            raise DeskError(f"--year {year} 与 --quarter {args.quarter} 不一致，请只给其中一个。")
        year = q_year
    return ItemFilter(year=year, quarter=quarter, kind=args.kind.strip() if args.kind else None,
                      status=status, overdue_only=args.overdue, due_soon_only=args.due_soon,
                      search=args.search or "")


def _require_existing(args: argparse.Namespace) -> None:
    """Listing never creates a database: a wrong path is an error, not a new empty desk."""
    from deskapp.core.store.location import is_url, resolve_target

    target = resolve_target(getattr(args, "db", None))
    if not is_url(target) and not Path(target).expanduser().exists():
        raise DeskError(f"数据库“{target}”不存在，请检查 --db 路径或环境变量 DESKAPP_DB。")


def items_command(args: argparse.Namespace) -> int:
    from deskapp.core.register.query import Register

    f = build_filter(args)
    _require_existing(args)
    db = open_db(args)
    try:
        register_ = Register(db, today())
        with db.session() as s:
            total, late = register_.counts(s, f)
            rows = _rows(register_, s, f)
            if args.json:
                _write_json(rows)
            else:
                _write_table(rows, total, late)
    finally:
        db.close()
    return 0


def _rows(register_: Register, session: Session, f: ItemFilter) -> Iterator[ItemRow]:
    """Rows a page at a time (ORM objects dropped after each), so 100 000 items stream."""
    ids = register_.item_ids(session, f, sort="formed_on", descending=False)
    for start in range(0, len(ids), PAGE):
        page = ids[start:start + PAGE]
        found = register_.rows_for(session, page, privacy_notes=False)  # not in the output
        session.expunge_all()
        yield from (found[i] for i in page if i in found)


def _out(text: str) -> None:
    sys.stdout.buffer.write(text.encode("utf-8"))


def _write_json(rows: Iterator[ItemRow]) -> None:
    """A JSON list, written as it is read; Chinese as characters, UTF-8 whatever the console."""
    _out("[")
    for n, row in enumerate(rows):
        _out(("," if n else "") + "\n  " + json.dumps(row.as_json(), ensure_ascii=False))
    _out("\n]\n")
    sys.stdout.flush()


def width(text: str) -> int:
    """Columns a string takes in a terminal: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def fit(text: str, cols: int) -> str:
    """``text`` cut (with "…") or padded to exactly ``cols`` terminal columns."""
    if width(text) > cols:
        out = ""
        for c in text:
            if width(out + c) > cols - 1:
                break
            out += c
        text = out + "…"
    return text + " " * (cols - width(text))


def _cells(row: ItemRow) -> list[str]:
    def iso(d: dt.date | None) -> str:
        return d.isoformat() if d else ""

    due = iso(row.due_on) + ("*" if row.due_provisional else "")
    flag = f"超期{row.days_late}天" if row.overdue else ("即将到期" if row.due_soon else "")
    return [row.index_no, row.title, row.kind, row.department, row.status_label,
            iso(row.formed_on), due, iso(row.published_on), flag]


def _write_table(rows: Iterator[ItemRow], total: int, late: int) -> None:
    _out("  ".join(fit(name, w) for name, w in COLUMNS).rstrip() + "\n")
    _out("  ".join("-" * w for _, w in COLUMNS) + "\n")
    provisional = False
    for row in rows:
        provisional = provisional or row.due_provisional
        line = "  ".join(fit(cell, w) for cell, (_, w) in zip(_cells(row), COLUMNS, strict=True))
        _out(line.rstrip() + "\n")
    _out(f"共 {total} 条，超期 {late} 条\n")
    if provisional:
        _out("* 该年度节假日安排未录入，公开期限暂按周一至周五计算。\n")
    sys.stdout.flush()
