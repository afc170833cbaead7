"""The Windows installer script compiles: makensis (Debian's `nsis`) builds setup.exe from
installer/windows/deskapp.nsi over a stand-in payload (a fake deskapp.exe), so an error in the
script fails CI here rather than on the Windows PC that builds the release. The real bundle can
only be built on Windows (installer/windows/build.ps1)."""

from __future__ import annotations

import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from tests.installer.conftest import ROOT

NSI = ROOT / "installer" / "windows" / "deskapp.nsi"

pytestmark = pytest.mark.skipif(shutil.which("makensis") is None,
                                reason="makensis is missing (apt-get install nsis)")


def _payload(folder: Path) -> Path:
    """What PyInstaller leaves in dist/deskapp on Windows, in miniature."""
    (folder / "_internal").mkdir(parents=True)
    (folder / "deskapp.exe").write_bytes(b"MZ stand-in for the PyInstaller bootloader")
    (folder / "_internal" / "base_library.zip").write_bytes(b"PK\x05\x06" + bytes(18))
    (folder / "_internal" / "说明.txt").write_text("中文文件名也要能打包", encoding="utf-8")
    return folder


def _is_pe(path: Path) -> bool:
    data = path.read_bytes()
    if data[:2] != b"MZ" or len(data) < 0x40:
        return False
    (pe_offset,) = struct.unpack_from("<I", data, 0x3C)
    return data[pe_offset:pe_offset + 4] == b"PE\0\0"


def _compile(tmp_path: Path, *defines: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["makensis", "-V2", "-WX", *defines, str(NSI)], capture_output=True,
                          text=True, timeout=300, cwd=tmp_path)


def test_the_script_is_utf8_with_bom() -> None:
    raw = NSI.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "makensis would read it in the system code page"
    text = raw.decode("utf-8-sig")
    assert "RequestExecutionLevel user" in text and "Unicode true" in text
    assert r"$LOCALAPPDATA\Programs\${APPNAME}" in text and "HKCU" in text and "HKLM" not in text


def test_makensis_builds_a_setup_exe_over_a_stand_in_payload(tmp_path: Path) -> None:
    payload = _payload(tmp_path / "deskapp")
    icon = tmp_path / "deskapp.ico"
    render = subprocess.run([sys.executable, str(ROOT / "installer" / "render_icons.py"),
                             str(ROOT / "resources" / "icons" / "deskapp.svg"), str(tmp_path / "png"),
                             "--sizes", "", "--ico", str(icon)], capture_output=True, text=True, timeout=120)
    assert render.returncode == 0, render.stderr
    out = tmp_path / "deskapp-0.1.0-win64-setup.exe"
    done = _compile(tmp_path, "-DVERSION=0.1.0", f"-DPAYLOAD={payload}", f"-DOUTFILE={out}", f"-DICON={icon}")
    assert done.returncode == 0, done.stdout + done.stderr  # -WX: a warning fails too
    assert _is_pe(out)


def test_makensis_refuses_without_a_version(tmp_path: Path) -> None:
    done = _compile(tmp_path, f"-DPAYLOAD={_payload(tmp_path / 'deskapp')}")
    assert done.returncode != 0
    assert "VERSION" in done.stdout + done.stderr


def _wine64() -> str | None:
    return shutil.which("wine64") or next(
        (p for p in ("/usr/lib/wine/wine64",) if Path(p).is_file()), None)


@pytest.mark.slow
@pytest.mark.skipif(_wine64() is None, reason="wine64 is missing (apt-get install wine64)")
def test_the_setup_exe_installs_silently_per_user_and_its_uninstaller_keeps_the_data(tmp_path: Path) -> None:
    """Under wine: `setup.exe /S /D=…` puts the program, the uninstaller, the Start-menu and
    desktop shortcuts and the HKCU uninstall entry in place with no admin rights; `uninstall.exe
    /S` removes them all and leaves the data folder (%LOCALAPPDATA%\\deskapp) alone."""
    wine = str(_wine64())
    setup = tmp_path / "deskapp-0.1.0-win64-setup.exe"
    done = _compile(tmp_path, "-DVERSION=0.1.0", f"-DPAYLOAD={_payload(tmp_path / 'deskapp')}", f"-DOUTFILE={setup}")
    assert done.returncode == 0, done.stdout + done.stderr
    home, prefix = tmp_path / "home", tmp_path / "wineprefix"
    home.mkdir()
    env = {"HOME": str(home), "WINEPREFIX": str(prefix), "WINEDEBUG": "-all", "WINEDLLOVERRIDES": "mscoree,mshtml=",
           "PATH": f"{Path(wine).parent}:/usr/bin:/bin", "LANG": "C.UTF-8"}

    def run(*args: str) -> None:
        result = subprocess.run([wine, *args], env=env, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stdout + result.stderr
        subprocess.run(["wineserver", "-w"], env=env, timeout=120)  # registry flushed to user.reg

    run("wineboot", "--init")
    user = next((prefix / "drive_c" / "users").glob("[!P]*"))  # not Public
    data = user / "AppData" / "Local" / "deskapp"
    data.mkdir(parents=True)
    (data / "desk.db").write_bytes(b"the clerk's ledger")
    run(str(setup), "/S", r"/D=C:\办公\政务公开台账")
    installed = prefix / "drive_c" / "办公" / "政务公开台账"
    assert (installed / "deskapp.exe").is_file() and (installed / "uninstall.exe").is_file()
    assert (installed / "_internal" / "说明.txt").read_text(encoding="utf-8") == "中文文件名也要能打包"
    start_menu = user / "AppData" / "Roaming" / "Microsoft" / "Windows" / "Start Menu" / "Programs"
    assert (start_menu / "政务公开台账.lnk").is_file()
    assert list(home.rglob("政务公开台账.lnk")) or list(user.rglob("Desktop/政务公开台账.lnk"))
    # An upgrade over it: files the new version no longer has do not linger in _internal.
    (installed / "_internal" / "gone-in-the-new-version.pyd").write_bytes(b"old")
    run(str(setup), "/S", r"/D=C:\办公\政务公开台账")
    assert not (installed / "_internal" / "gone-in-the-new-version.pyd").exists()
    assert (installed / "_internal" / "base_library.zip").is_file()
    registry = (prefix / "user.reg").read_text(encoding="utf-8", errors="replace")
    assert "Uninstall\\\\deskapp]" in registry and '"DisplayVersion"="0.1.0"' in registry
    run(str(installed / "uninstall.exe"), "/S")
    for _ in range(50):  # the uninstaller copies itself to %TEMP% and runs from there
        if not installed.exists():
            break
        subprocess.run(["sleep", "0.2"])
    assert not installed.exists() and not (start_menu / "政务公开台账.lnk").exists()
    assert not list(home.rglob("政务公开台账.lnk"))
    assert "Uninstall\\\\deskapp]" not in (prefix / "user.reg").read_text(encoding="utf-8", errors="replace")
    assert (data / "desk.db").read_bytes() == b"the clerk's ledger"
