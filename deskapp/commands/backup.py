"""deskapp backup [--to DIR] [--list] · deskapp restore FILE

A backup is a checked set (database copy made with SQLite's online backup API, the
attachments it refers to, the audit anchor) in ``backups/`` beside the database, or in DIR.
Restore backs up the current desk first, swaps atomically and checks the result; it refuses
while the desk is open in a window.

Exit status: 0 done and checked; 1 done but the check found a problem; 2 could not run.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from deskapp.commands import add_db_option, print_json
from deskapp.core.errors import DeskError

if TYPE_CHECKING:
    from deskapp.core.store.backups import BackupInfo


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("backup", help="备份台账（数据库及附件），或列出已有备份")
    p.add_argument("--to", metavar="DIR", help="备份到此文件夹（默认：数据库旁的 backups 文件夹）")
    p.add_argument("--list", action="store_true", help="列出已有备份及其校验结果")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    add_db_option(p)
    p.set_defaults(func=backup_command)
    r = sub.add_parser("restore", help="用一份备份恢复台账（先备份当前台账）")
    r.add_argument("file", metavar="FILE", help="备份中的 .db 文件，或备份文件夹")
    add_db_option(r)
    r.set_defaults(func=restore_command)


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{max(1, round(n / 1024))} KB"


def _as_dict(b: BackupInfo) -> dict[str, object]:
    return {"file": str(b.db_file), "made_at": b.made_at.isoformat(timespec="seconds"), "reason": b.reason,
            "size": b.size, "ok": b.problem == "", "problem": b.problem}


def backup_command(args: argparse.Namespace) -> int:
    from deskapp.commands import open_db
    from deskapp.core.desk import backup_desk
    from deskapp.core.store.backups import list_backups

    db = open_db(args, backup_daily=False)
    try:
        if args.list:
            return _print_list(list_backups(Path(args.to) if args.to else db.backups_dir), args.json)
        made = backup_desk(db, "manual", to=Path(args.to) if args.to else None)
    finally:
        db.close()
    if made is None:
        raise DeskError("此数据库不在本机文件中，请用数据库服务器自己的备份工具备份。")
    if args.json:
        print_json(_as_dict(made))
    elif made.problem == "":
        print(f"已备份到“{made.folder or made.db_file}”（{_size(made.size)}，含附件），校验通过。")
    else:
        print(f"已备份到“{made.folder or made.db_file}”，但校验发现问题：{made.problem}；请报告维护人员。")
    return 0 if made.problem == "" else 1


def _print_list(found: list[BackupInfo], as_json: bool) -> int:
    if as_json:
        print_json([_as_dict(b) for b in found])
    elif not found:
        print("还没有备份。")
    else:
        for b in found:
            print(f"{b.made_at:%Y-%m-%d %H:%M}  {b.reason_text:<6} {_size(b.size):>9}  {b.check_text}  {b.db_file}")
    return 0 if all(b.problem in ("", None) for b in found) else 1


def _backup_file(text: str) -> Path:
    """The database copy of a backup: the .db file itself, or the one in a backup folder."""
    path = Path(text).expanduser()
    if path.is_dir():
        found = sorted(path.glob("*.db"))
        if len(found) != 1:
            raise DeskError(f"文件夹“{path}”中没有唯一的备份数据库（.db）文件，请直接指定备份的 .db 文件。")
        return found[0]
    if not path.is_file():
        raise DeskError(f"找不到备份文件“{path}”，请检查路径。")
    return path


def restore_command(args: argparse.Namespace) -> int:
    from deskapp.core.desk import restore_desk

    source = _backup_file(args.file)
    problem = restore_desk(getattr(args, "db", None), source)
    if problem:
        print(f"已恢复，但恢复后的台账校验发现问题：{problem}；恢复前的台账已备份在 backups 文件夹，请报告维护人员。")
        return 1
    print(f"已用备份“{source}”恢复台账并校验通过；恢复前的台账已备份在 backups 文件夹中。")
    return 0
