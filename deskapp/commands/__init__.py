"""Sub-commands of the deskapp command line, one module each (see deskapp/cli.py)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from deskapp.core.audit.chain import Actor
    from deskapp.core.store.db import Database

# Building the parser imports every module here: each imports at module level only what
# argparse needs (and light modules: errors, vocab, dates), and the heavy ones (SQLAlchemy,
# alembic, ReportLab, openpyxl, python-docx) inside its command functions, so that
# `deskapp --version` or a wrong argument answer at once (tests/cli/test_cli_startup.py).


def open_db(args: argparse.Namespace, **kwargs: Any) -> Database:
    from deskapp.core.desk import open_database  # late: it loads SQLAlchemy and alembic

    kwargs.setdefault("backup_daily", not kwargs.get("read_only", False))  # a writer's first open of the day
    return open_database(getattr(args, "db", None), **kwargs)


def cli_actor() -> Actor:
    """Who the audit log names for what the command line does."""
    from deskapp.core.audit.chain import Actor  # late: the audit chain loads SQLAlchemy

    return Actor(None, "命令行")


def print_json(data: Any) -> None:
    """UTF-8 JSON with Chinese as characters, whatever the console's encoding."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    sys.stdout.buffer.write(text.encode("utf-8") + b"\n")
    sys.stdout.flush()


def year_arg(text: str) -> int:
    """argparse type for --year: four digits, else argparse's one-line Chinese error."""
    if not (text.isdigit() and len(text) == 4):
        raise argparse.ArgumentTypeError(f"年份应为四位数字（如 2026），“{text}”不对")
    return int(text)


def add_db_option(p: argparse.ArgumentParser) -> None:
    """Every sub-command takes --db too (after the sub-command name)."""
    p.add_argument("--db", metavar="PATH_OR_URL", default=argparse.SUPPRESS,
                   help="数据库文件或地址")
