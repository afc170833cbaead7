"""deskapp --self-check: is everything the desk needs in this installation?

Run from a PyInstaller bundle (installer/deskapp.spec) it is the test that a hidden import, a
data file or a Qt plugin was not forgotten: it imports every deskapp module, builds every
sub-command's parser, makes a database in a temporary folder and migrates it, writes a notice
PDF and an Excel tally there and reads them back, and opens the main window (offscreen when
there is no display). Nothing outside the temporary folder is touched: not the user's data
folder, not the user's settings. The window step (deskapp.ui.self_check) and the parser come
from cli.py, as commands import neither Qt nor the CLI. Exit status 0 when every step passed, 1 otherwise, each
failure named on its own line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import os
import pkgutil
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Optional, Sequence

if TYPE_CHECKING:
    from deskapp.core.store.db import Database

# The window step lives in deskapp.ui.self_check (commands never import Qt); cli.py passes it in.
WindowStep = Callable[["Database", Path], str]
PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"  # an .xlsx is a zip file
# Not imported: the migrations are loaded by alembic from files (env.py runs alembic's context
# when imported); deskapp.__main__ runs the program when imported.
NOT_IMPORTED = ("deskapp.migrations", "deskapp.__main__")


@dataclass
class Step:
    """One check: a Chinese and an English name, and a function returning a short detail."""

    chinese: str
    english: str
    run: Callable[[], str]


def module_names(package: str = "deskapp") -> list[str]:
    """Every module under ``package``. pkgutil asks each package's loader, so this works from
    source, from a wheel and from a frozen bundle (PyInstaller's importer lists its modules)."""
    root = importlib.import_module(package)
    names = [package]
    for info in pkgutil.walk_packages(root.__path__, package + ".", onerror=_raise_walk_error):
        if not info.name.startswith(NOT_IMPORTED):
            names.append(info.name)
    return names


def _raise_walk_error(name: str) -> None:
    raise ImportError(f"package {name} could not be imported", name=name)


def import_all(package: str = "deskapp") -> str:
    """Import every module; an ImportError names the first that failed."""
    names = module_names(package)
    failed: list[str] = []
    for name in names:
        try:
            importlib.import_module(name)
        except Exception as exc:  # any error at import is what this check is for
            failed.append(f"{name}（{type(exc).__name__}: {exc}）")
    if failed:
        raise ImportError("无法导入：" + "；".join(failed))
    return f"{len(names)} 个模块"


def load_parsers(build_parser: Callable[[], argparse.ArgumentParser]) -> str:
    """Build the CLI parser (every module in cli.COMMAND_MODULES registers its sub-commands) and
    render each sub-command's help, which is what a user typing ``--help`` would see."""
    parser = build_parser()
    count = 0
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                sub.format_help()
                count += 1
    if count == 0:
        raise RuntimeError("no sub-command registered")
    return f"{count} 个子命令"


class Checks:
    """The database, file and window steps, sharing one temporary folder and database."""

    def __init__(self, folder: Path, open_window: Optional[WindowStep] = None) -> None:
        self.folder = folder
        self.db: Optional[Database] = None
        self.open_window = open_window

    def database(self) -> str:
        from deskapp.core.desk import open_database
        from deskapp.core.store.migrate import current_revisions, script_heads

        self.db = open_database(self.folder / "自检 台账.db")
        with self.db.engine.connect() as conn:
            current = current_revisions(conn)
        heads = script_heads()
        if current != heads:
            raise RuntimeError(f"migrated to {sorted(current)}, expected {sorted(heads)}")
        return f"已迁移到 {', '.join(sorted(current))}"

    def _open(self) -> Database:
        if self.db is None:
            raise RuntimeError("数据库未建立（上一步失败）")
        return self.db

    def demo(self) -> str:
        from deskapp.core.demo.generate import generate

        summary = generate(self._open(), items=8, seed=7)
        return f"{summary.items} 条演示信息"

    def notice_pdf(self) -> str:
        from sqlalchemy import select

        from deskapp.core.store.models import Item
        from deskapp.exports.pdf.notice import render_notice
        from deskapp.exports.pdf.page import write_atomic
        from deskapp.exports.pdf.source import notice_data

        out = self.folder / "公示 自检.pdf"
        with self._open().session() as s:
            item_id = s.scalar(select(Item.id).order_by(Item.id).limit(1))
            if item_id is None:
                raise RuntimeError("no item to print")
            data = notice_data(s, item_id, dt.date.today(), draft=True)
        write_atomic(out, render_notice(data, "a4").data)
        return _read_back(out, PDF_MAGIC)

    def tally_xlsx(self) -> str:
        from openpyxl import load_workbook

        from deskapp.exports.excel.tally import write_tally

        today = dt.date.today()
        out = self.folder / "统计 自检.xlsx"
        gen = write_tally(self._open(), today.year, (today.month - 1) // 3 + 1, out, today)
        for _progress in gen:
            pass
        detail = _read_back(out, ZIP_MAGIC)
        book = load_workbook(out, read_only=True)
        try:
            sheets = len(book.sheetnames)
        finally:
            book.close()
        return f"{detail}，{sheets} 个工作表"

    def window(self) -> str:
        if self.open_window is None:
            raise RuntimeError("no window step given")
        return self.open_window(self._open(), self.folder)

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None


def _read_back(path: Path, magic: bytes) -> str:
    data = path.read_bytes()
    if not data.startswith(magic) or len(data) < 1000:
        raise RuntimeError(f"{path.name}: {len(data)} bytes, does not start with {magic!r}")
    return f"{len(data) // 1024} KB"


def run_steps(steps: Sequence[Step], write: Callable[[str], None]) -> int:
    """Run every step, print one line each; 0 when all passed, 1 otherwise."""
    failed: list[Step] = []
    started = time.perf_counter()
    for step in steps:
        t0 = time.perf_counter()
        try:
            detail = step.run()
        except Exception as exc:  # the point is to report every kind of failure, not crash
            failed.append(step)
            write(f"[失败] {step.chinese} / {step.english}: {type(exc).__name__}: {exc}")
            if os.environ.get("DESKAPP_SELF_CHECK_TRACE"):
                write(traceback.format_exc())
            continue
        write(f"[通过] {step.chinese} / {step.english}: {detail}（{time.perf_counter() - t0:.1f} 秒）")
    seconds = time.perf_counter() - started
    if failed:
        names = "、".join(step.chinese for step in failed)
        write(f"自检未通过：{names}失败，请把以上内容发给维护人员。"
              f" / self-check FAILED ({len(failed)} of {len(steps)})")
        return 1
    write(f"自检通过：{len(steps)} 项全部正常（{seconds:.1f} 秒）。 / self-check passed ({len(steps)} steps)")
    return 0


def self_check(build_parser: Callable[[], argparse.ArgumentParser], open_window: Optional[WindowStep],
               write: Optional[Callable[[str], None]] = None) -> int:
    """What ``deskapp --self-check`` runs; the exit status. ``build_parser`` is cli.build_parser,
    ``open_window(db, folder)`` the window step (deskapp.ui.self_check.open_main_window)."""
    out = write or _print
    from deskapp import APP_NAME, __version__

    frozen = "打包版" if getattr(sys, "frozen", False) else "源码"
    out(f"{APP_NAME} {__version__} 自检（{frozen}，Python {sys.version.split()[0]}，{sys.platform}）")
    with tempfile.TemporaryDirectory(prefix="deskapp-self-check-") as tmp:
        checks = Checks(Path(tmp), open_window)
        steps = [
            Step("导入全部模块", "import modules", import_all),
            Step("加载子命令", "sub-command parsers", lambda: load_parsers(build_parser)),
            Step("建立并迁移数据库", "database + migrations", checks.database),
            Step("生成演示数据", "demo data", checks.demo),
            Step("生成公示 PDF", "notice PDF", checks.notice_pdf),
            Step("生成统计表 Excel", "tally Excel", checks.tally_xlsx),
            Step("打开主窗口", "main window", checks.window),
        ]
        try:
            return run_steps(steps, out)
        finally:
            checks.close()


def _print(line: str) -> None:
    """One line, UTF-8 whatever the console's encoding (a GBK console would fail on some)."""
    stream = sys.stdout
    if stream is None:  # a windowed program on Windows has no console: the exit status says it
        return
    try:
        stream.write(line + "\n")
    except UnicodeEncodeError:
        stream.buffer.write((line + "\n").encode("utf-8"))
    stream.flush()
