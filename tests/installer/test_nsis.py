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
                                reason="makensis is missing (apt-get install nsis; run-tests.sh installs it)")


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
