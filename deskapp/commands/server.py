"""deskapp server init | add-user | passwd — preparing an office's PostgreSQL server.

``init`` (run once by the database administrator, ``--db postgresql+psycopg://admin@…``) runs
the migrations, creates the desks' database role with table rights only, and the first
administrator account; it refuses when one exists. ``add-user`` and ``passwd`` manage
accounts without the window. Passwords are asked twice on a terminal, or read from the first
line of standard input with ``--password-stdin``; they are never arguments.

Exit status: 0 done; 2 could not run (one Chinese line on stderr).
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from deskapp.commands import add_db_option, print_json
from deskapp.core.errors import DeskError

if TYPE_CHECKING:
    from deskapp.core.store.db import Database


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    server = sub.add_parser("server", help="数据库服务器：初始化（迁移、建数据库角色和首个管理员）、添加账户、改密码")
    server_sub = server.add_subparsers(dest="server_command", required=True)
    p = server_sub.add_parser("init", help="以数据库管理员身份初始化服务器：迁移、建工作台数据库角色、首个管理员账户")
    p.add_argument("--username", default="admin", help="首个管理员的登录用户名（默认 admin）")
    p.add_argument("--name", default="管理员", help="管理员的姓名（记入人员和审计日志）")
    p.add_argument("--desk-role", default="deskapp_desk", help="各工作台连接用的数据库角色（默认 deskapp_desk）")
    _password_options(p)
    add_db_option(p)
    p.set_defaults(func=init_command)
    a = server_sub.add_parser("add-user", help="添加一个登录账户")
    a.add_argument("--username", required=True, help="登录用户名")
    a.add_argument("--name", required=True, help="人员姓名（已有的人员按姓名找到，否则新建）")
    a.add_argument("--role", required=True, help="角色：admin/maintainer/dept_head/secrecy/deputy_leader/"
                                                   "chief_leader/desk，或其中文名称")
    a.add_argument("--department", default="", help="科室或社区名称（科室/社区经办和科室负责人必填）")
    _password_options(a)
    add_db_option(a)
    a.set_defaults(func=add_user_command)
    w = server_sub.add_parser("passwd", help="重设一个账户的登录密码（同时解除锁定）")
    w.add_argument("username", help="登录用户名")
    _password_options(w)
    add_db_option(w)
    w.set_defaults(func=passwd_command)


def _password_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--password-stdin", action="store_true", help="从标准输入的第一行读取密码（不在终端询问）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")


def read_password(args: argparse.Namespace, who: str) -> str:
    """The first line of stdin, or asked twice on a terminal; never an argument (it would stay
    in the shell's history and the process list)."""
    if args.password_stdin:
        line = sys.stdin.readline()
        password = line[:-1] if line.endswith("\n") else line
        if not password:
            raise DeskError("标准输入中没有密码，请在第一行写入密码。")
        return password
    if not sys.stdin.isatty():
        raise DeskError("请在终端中运行以输入密码，或加 --password-stdin 从标准输入读取密码。")
    import getpass

    first = getpass.getpass(f"{who}的登录密码：")
    if getpass.getpass("再输入一次：") != first:
        raise DeskError("两次输入的密码不一致，未做任何改动，请重新运行。")
    return first


def _server_db(args: argparse.Namespace) -> Database:
    from deskapp.commands import open_db

    db = open_db(args, backup_daily=False)
    if db.is_sqlite:
        db.close()
        raise DeskError("账户只用于 PostgreSQL 服务器；单机台账（SQLite）不需要账户，请用 --db 指定服务器地址。")
    return db


def init_command(args: argparse.Namespace) -> int:
    from deskapp.commands import cli_actor
    from deskapp.core.accounts.server import check_role_name, init_server

    check_role_name(args.desk_role)
    password = read_password(args, "管理员")
    db = _server_db(args)  # opening migrates, as the administrator the address names
    try:
        done = init_server(db, cli_actor(), args.username, args.name, password, args.desk_role)
    finally:
        db.close()
    if args.json:
        print_json({"administrator": done.administrator.username, "desk_role": done.desk_role,
                    "role_created": done.role_created, "desk_url": done.desk_url})
        return 0
    print(f"已完成迁移，已创建管理员账户“{done.administrator.username}”（{done.administrator.person_name}）。")
    if done.role_created:
        print(f"已创建工作台数据库角色 {done.desk_role}（只有读写表的权限，不能改表结构）。其密码只显示这一次：")
    else:
        print(f"数据库角色 {done.desk_role} 已存在，未改其密码，已重新授予读写表的权限。各工作台的连接地址：")
    print(done.desk_url)
    print("请在各工作台的“设置 → 数据库…”中填入此地址（勿用管理员地址）。")
    return 0


def add_user_command(args: argparse.Namespace) -> int:
    from deskapp.commands import cli_actor
    from deskapp.core.accounts.cli_support import add_user

    password = read_password(args, args.name)
    db = _server_db(args)
    try:
        with db.session() as s:
            made = add_user(s, cli_actor(), args.username, args.name, args.role, args.department, password)
    finally:
        db.close()
    if args.json:
        print_json({"username": made.username, "role": made.role, "department": made.department_name})
    else:
        print(f"已添加账户“{made.username}”：{made.display}。")
    return 0


def passwd_command(args: argparse.Namespace) -> int:
    from deskapp.commands import cli_actor
    from deskapp.core.accounts.cli_support import reset_by_username

    password = read_password(args, args.username)
    db = _server_db(args)
    try:
        with db.session() as s:
            reset_by_username(s, cli_actor(), args.username, password)
    finally:
        db.close()
    if args.json:
        print_json({"username": args.username, "password_reset": True})
    else:
        print(f"已重设账户“{args.username}”的登录密码，锁定已解除。")
    return 0
