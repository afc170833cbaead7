"""Command line (see ../shared/docs/cli.md): no sub-command opens the window; sub-commands do
the scriptable jobs. Thin: parse, call core/exports, print.

Exit status: 0 done; 1 a check found a problem; 2 the command could not run (one Chinese
line on stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import re
import sys
from pathlib import Path
from typing import Callable, NoReturn, Optional, Sequence

from deskapp import APP_NAME, __version__
from deskapp.core.errors import DeskError, DiskFullError, is_disk_full

# Each module in deskapp/commands/ adds its sub-commands: ``register(subparsers)`` sets
# ``func`` on its parser; ``func(args) -> int`` is the exit status.
COMMAND_MODULES = [
    "deskapp.commands.calendar",
    "deskapp.commands.demo",
    "deskapp.commands.items",
    "deskapp.commands.audit",
    "deskapp.commands.form",
    "deskapp.commands.notice",
    "deskapp.commands.tally",
    "deskapp.commands.import_ledger",
    "deskapp.commands.requests",
    "deskapp.commands.report",
    "deskapp.commands.backup",
    "deskapp.commands.db",
    "deskapp.commands.server",
]

log = logging.getLogger(__name__)


# argparse's own (English) messages, said in Chinese; anything else is shown as it is.
_ARGPARSE_PHRASES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"argument (\S+): invalid int value: '(.*)'$"), r"\1 的值“\2”应为整数"),
    (re.compile(r"argument (\S+): invalid float value: '(.*)'$"), r"\1 的值“\2”应为数字"),
    (re.compile(r"argument (\S+): invalid choice: '(.*)' \(choose from (.*)\)$"),
     r"\1 的值“\2”不在可选范围内，可选：\3"),
    (re.compile(r"argument (\S+): expected one argument$"), r"\1 后面缺少取值"),
    (re.compile(r"argument (\S+): expected at least one argument$"), r"\1 后面缺少取值"),
    (re.compile(r"argument (\S+): not allowed with argument (\S+)$"), r"\1 不能与 \2 同时使用"),
    (re.compile(r"unrecognized arguments: (.*)$"), r"无法识别的参数：\1"),
    (re.compile(r"the following arguments are required: (.*)$"), r"缺少参数：\1"),
    (re.compile(r"argument (\S+): (.*)$"), r"\1：\2"),  # the commands' own Chinese messages
]


def chinese_argparse_message(message: str) -> str:
    for pattern, chinese in _ARGPARSE_PHRASES:
        if pattern.match(message):
            text = pattern.sub(chinese, message).replace("'", "")
            return text.replace("command 的值", "子命令", 1) if text.startswith("command ") else text
    return message


class ChineseArgumentParser(argparse.ArgumentParser):
    """argparse that reports bad arguments as one Chinese line and exit status 2."""

    def error(self, message: str) -> NoReturn:
        text = chinese_argparse_message(message)
        sys.stderr.write(f"{self.prog}: 参数有误（{text}），请用 --help 查看用法。\n")
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = ChineseArgumentParser(prog="deskapp", description=f"{APP_NAME}：街道政务公开工作台账")
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument("--db", metavar="PATH_OR_URL",
                        help="数据库文件或地址（默认：环境变量 DESKAPP_DB，或用户数据目录）")
    parser.add_argument("--self-check", action="store_true",
                        help="自检：导入全部模块、在临时文件夹建库并生成 PDF 和 Excel、打开主窗口后退出（0 为正常）")
    sub = parser.add_subparsers(dest="command", parser_class=ChineseArgumentParser)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def fail(message: str) -> int:
    sys.stderr.write(message.rstrip() + "\n")
    return 2


def _silence_stdout() -> None:
    """Python would complain once more when it flushes stdout at exit; point it at nothing."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file descriptor (tests capture output)
        pass


def run(func: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    try:
        return func(args)
    except DeskError as exc:
        return fail(exc.message)
    except KeyboardInterrupt:
        return fail("已中断。")
    except BrokenPipeError:  # output piped into `head` & co.: they have what they wanted
        _silence_stdout()
        return 0
    except OSError as exc:
        if is_disk_full(exc):  # ENOSPC from a file write no command caught itself: say so, and where
            where = Path(exc.filename).parent if getattr(exc, "filename", None) else Path.cwd()
            return fail(DiskFullError(where).message)
        return fail(f"文件操作失败：{exc.strerror or exc}（{getattr(exc, 'filename', '') or ''}），请检查路径和权限。")


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    if args.self_check:  # the installers' test of an installed desk (commands/self_check.py)
        from deskapp.commands.self_check import self_check
        from deskapp.ui.self_check import open_main_window

        return self_check(build_parser, open_main_window)
    if args.command is None:
        from deskapp.ui.app import run_app

        return run_app(args.db)
    from deskapp.logs import setup_logging

    setup_logging(console=False)
    try:
        return run(args.func, args)
    except Exception:  # a bug: log it fully, tell the user briefly
        log.exception("command %s failed", args.command)
        return fail("程序内部错误，详细信息已写入日志文件，请将日志发给维护人员。")


if __name__ == "__main__":
    raise SystemExit(main())
