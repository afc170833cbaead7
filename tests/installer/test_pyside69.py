"""The window's tests on PySide6 6.9.x as well: the UOS/Kylin bundle is built with 6.9 (the newest
line with wheels for glibc 2.28), while a checkout installs 6.11. The main test run covers 6.11;
this runs tests/ui again in a second venv with 6.9 (kept in DESKAPP_BUILD_CACHE, made again when
pyproject.toml changes). Minutes, and a download of PySide6: in CI (CI set) or with
DESKAPP_BUILD_INSTALLERS=1, skipped otherwise with the reason shown."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.installer.conftest import ROOT, installers_wanted

CACHE = Path(os.environ.get("DESKAPP_BUILD_CACHE", "/var/cache/deskapp-build"))
PYSIDE69 = ">=6.9.1,<6.10"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not installers_wanted(), reason="the PySide6 6.9 run of tests/ui runs only in CI "
                                                      "(CI set) or with DESKAPP_BUILD_INSTALLERS=1"),
]


def _venv() -> Path:
    """A venv with PySide6 6.9.x and the desk installed editable with its test tools."""
    stamp_text = (ROOT / "pyproject.toml").read_bytes() + PYSIDE69.encode() + sys.version.encode()
    stamp = hashlib.sha256(stamp_text).hexdigest()[:16]
    venv = CACHE / f"venv-pyside69-py{sys.version_info.major}{sys.version_info.minor}"
    marker = venv / f".deskapp-{stamp}"
    if marker.is_file():
        return venv
    CACHE.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True, timeout=300)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]
    subprocess.run(pip + [f"PySide6-Essentials{PYSIDE69}", f"PySide6-Addons{PYSIDE69}", "-e", f"{ROOT}[test]"],
                   check=True, timeout=1800, cwd=ROOT)
    marker.touch()
    return venv


def test_the_window_tests_pass_on_pyside6_6_9():
    venv = _venv()
    python = str(venv / "bin" / "python")
    version = subprocess.run([python, "-c", "import PySide6; print(PySide6.__version__)"], capture_output=True,
                             text=True, check=True).stdout.strip()
    assert version.startswith("6.9."), version
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/ui"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=45 * 60)
    assert done.returncode == 0, f"PySide6 {version}:\n" + done.stdout[-8000:] + done.stderr[-2000:]
