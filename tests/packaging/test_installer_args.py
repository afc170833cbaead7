"""README: `bash installer/open-desk.sh --db PATH` passes its arguments to deskapp. The
set-up script it sources must not mistake them for its own (the extras to install): with
`--db` taken as an extra, pip was asked for `desk[--db]` and the desk never opened.

Run against a prepared environment (a fake venv whose deskapp prints its arguments, already
marked installed), so nothing is downloaded or installed."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _script(path: Path, body: str) -> None:
    path.write_text("#!/bin/sh\n" + body, encoding="utf-8")
    path.chmod(0o755)


def test_open_desk_passes_db_argument_to_deskapp(tmp_path):
    venv, tools = tmp_path / "环境 venv", tmp_path / "tools"
    (venv / "bin").mkdir(parents=True)
    tools.mkdir()
    _script(venv / "bin" / "python", f'echo "pip $*" >> "{tmp_path}/pip.log"; exit 1\n')
    _script(venv / "bin" / "deskapp", 'for a in "$@"; do echo "arg:$a"; done\n')
    (venv / ".deskapp-installed-").touch()  # installed without extras, after pyproject.toml
    os.utime(venv / ".deskapp-installed-", (ROOT.joinpath("pyproject.toml").stat().st_mtime + 10,) * 2)
    _script(tools / "dpkg", "exit 0\n")  # every system package present: no apt-get
    env = dict(os.environ, DESKAPP_VENV=str(venv), PATH=f"{tools}:{os.environ['PATH']}")
    db = tmp_path / "张三 的 台账" / "街道 台账.db"
    run = subprocess.run(["bash", str(ROOT / "installer" / "open-desk.sh"), "--db", str(db)],
                         capture_output=True, text=True, encoding="utf-8", env=env, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == ["arg:--db", f"arg:{db}"]
    assert not (tmp_path / "pip.log").exists()  # nothing (re)installed
