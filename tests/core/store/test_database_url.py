"""--db given as a URL the desk cannot use (an unknown scheme, a server whose driver is not
installed, a server that does not answer) is a clear DatabaseOpenError naming the address,
never an internal error — and the CLI turns it into exit 2 with that one Chinese line."""

from __future__ import annotations

import subprocess
import sys

import pytest

from deskapp.core.desk import open_database
from deskapp.core.errors import DatabaseOpenError


@pytest.mark.parametrize("url", ["foo://nowhere/desk", "postgresql+nosuchdriver://u@127.0.0.1:1/desk"])
def test_unusable_url_is_a_clear_error(url):
    with pytest.raises(DatabaseOpenError) as info:
        open_database(url)
    assert "数据库地址" in info.value.message and url.split("://")[0] in info.value.message


def test_cli_unusable_url_exit_2_one_chinese_line(tmp_path):
    run = subprocess.run([sys.executable, "-m", "deskapp", "items", "--db", "foo://nowhere/desk"],
                         capture_output=True, text=True, encoding="utf-8", timeout=60,
                         env={"HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert run.returncode == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "数据库地址" in lines[0] and "Traceback" not in run.stderr
