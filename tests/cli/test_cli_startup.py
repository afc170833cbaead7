"""The command line starts fast: building the parser (what `deskapp --version`, `--help` and a
wrong argument need) loads none of the heavy libraries; each sub-command loads its own when
it runs. Checked in a fresh interpreter, where nothing is imported yet."""

from __future__ import annotations

import json
import subprocess
import sys

from deskapp import cli

HEAVY = ("sqlalchemy", "alembic", "reportlab", "openpyxl", "docx", "chinese_calendar", "pypdf", "PySide6")

PROBE = """
import json, sys
import deskapp.cli
deskapp.cli.build_parser()
for name in deskapp.cli.COMMAND_MODULES:
    __import__(name)
loaded = sorted({m.split(".")[0] for m in sys.modules} & set(json.loads(sys.argv[1])))
print(json.dumps(loaded))
"""


def loaded_after(code: str) -> list[str]:
    out = subprocess.run([sys.executable, "-c", code, json.dumps(HEAVY)], capture_output=True, text=True,
                         check=True, timeout=60)
    return list(json.loads(out.stdout.strip().splitlines()[-1]))


def test_building_the_parser_loads_no_heavy_library():
    assert loaded_after(PROBE) == []


def test_the_probe_would_see_a_heavy_import():
    """The probe is not blind: a command module that imported SQLAlchemy at the top is seen."""
    assert loaded_after("import deskapp.core.store.db\n" + PROBE) == ["sqlalchemy"]


def test_every_sub_command_module_is_in_the_parser():
    """A module in deskapp/commands not in COMMAND_MODULES (or the report/request groups) would
    escape the check above."""
    import pkgutil

    import deskapp.commands as pkg

    grouped = {"deskapp.commands.report_self_inspection", "deskapp.commands.request_letter",
               "deskapp.commands.self_check"}  # the --self-check flag, imported only when given
    names = {f"deskapp.commands.{m.name}" for m in pkgutil.iter_modules(pkg.__path__)}
    assert names - grouped == set(cli.COMMAND_MODULES)


def test_version_answers_without_the_database_layer():
    out = subprocess.run([sys.executable, "-X", "importtime", "-m", "deskapp.cli", "--version"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "政务公开台账" in out.stdout
    imported = {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in out.stderr.splitlines() if "|" in line}
    assert not imported & set(HEAVY)
