"""Offline install: installer/make-wheelhouse.sh downloads every wheel for a target into one
folder; a fresh venv installs the desk from it with `--no-index` (pip may not touch a network or
any other folder: --isolated, no config) and the installed desk runs its self-check. The same
folder serves open-desk.sh --offline, which installs the checkout itself from it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.installer.conftest import ROOT

PYVER = f"{sys.version_info.major}.{sys.version_info.minor}"
pytestmark = pytest.mark.slow


def _env(**extra: str) -> dict[str, str]:
    """No pip settings of this machine (its find-links folder would hide a missing wheel)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("PIP_") and k not in ("DISPLAY", "WAYLAND_DISPLAY", "DESKAPP_DB")}
    env.update(PIP_CONFIG_FILE=os.devnull, **extra)
    return env


def _run(*args: str | Path, timeout: int = 1800, **env: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=timeout,
                          env=_env(**env), encoding="utf-8")
    assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
    return done


def _wheelhouse(target: str, folder: Path) -> Path:
    _run("bash", ROOT / "installer" / "make-wheelhouse.sh", target, folder,
         DESKAPP_WHEEL_PYTHONS=PYVER, DESKAPP_PYTHON=sys.executable)
    return folder


@pytest.fixture(scope="module")
def linux_wheels(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _wheelhouse("linux-x86_64", tmp_path_factory.mktemp("wheels-linux"))


def test_a_fresh_venv_installs_the_desk_from_the_wheelhouse_alone(linux_wheels: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", venv)
    py = venv / "bin" / "python"
    _run(py, "-m", "pip", "install", "--isolated", "--no-index", "--find-links", linux_wheels, "deskapp")
    assert _run(venv / "bin" / "deskapp", "--version").stdout.strip() == "政务公开台账 0.1.0"
    # The default floor is UOS 20's glibc 2.28: the wheelhouse carries the 6.9 line of PySide6.
    version = _run(py, "-c", "import PySide6; print(PySide6.__version__)").stdout.strip()
    assert version.startswith("6.9."), version
    home = tmp_path / "home"
    home.mkdir()
    check = _run(venv / "bin" / "deskapp", "--self-check", timeout=600, HOME=str(home),
                 XDG_DATA_HOME=str(home / "data"), QT_QPA_PLATFORM="offscreen")
    assert "自检通过" in check.stdout


def test_open_desk_offline_installs_the_checkout_from_the_wheelhouse(linux_wheels: Path, tmp_path: Path) -> None:
    venv = tmp_path / "open-desk venv"
    done = _run("bash", ROOT / "installer" / "open-desk.sh", "--offline", linux_wheels, "--version",
                DESKAPP_VENV=str(venv))
    assert done.stdout.strip() == "政务公开台账 0.1.0"
    where = _run(venv / "bin" / "python", "-c", "import deskapp; print(deskapp.__file__)").stdout
    assert where.startswith(str(ROOT))  # the checkout itself (editable), not the wheel's copy


def test_the_windows_wheelhouse_follows_windows_markers_not_this_machines(tmp_path: Path) -> None:
    wheels = {p.name.split("-")[0].lower() for p in _wheelhouse("win-amd64", tmp_path / "w").glob("*.whl")}
    assert {"deskapp", "pyside6_essentials", "pyside6_addons", "psycopg_binary"} <= wheels
    assert {"pywin32_ctypes", "tzdata"} <= wheels  # keyring and psycopg on win32 only
    assert not wheels & {"secretstorage", "jeepney"}  # keyring on Linux only
    assert all(p.name.endswith(("-win_amd64.whl", "-none-any.whl")) for p in (tmp_path / "w").glob("*.whl"))
