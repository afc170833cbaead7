"""Sub-commands of the deskapp command line, one module each (see deskapp/cli.py)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from deskapp.core.desk import open_database
from deskapp.core.store.db import Database


def open_db(args: argparse.Namespace, **kwargs: Any) -> Database:
    return open_database(getattr(args, "db", None), **kwargs)


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
