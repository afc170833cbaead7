"""The UOS/Kylin .deb, for real: build it with installer/build-deb.sh, `dpkg -i` it, run the
installed program as a normal user (a database in their data folder, --self-check, an old
database upgraded after a backup), `dpkg -r` it, and check the user's database survived byte
for byte. Needs root (dpkg, useradd); the bundle is installer/build-bundle-linux.sh's output,
or DESKAPP_BUNDLE_DIR when set (a bundle built elsewhere)."""

from __future__ import annotations

import hashlib
import io
import json
import os
import pwd
import shutil
import sqlite3
import struct
import subprocess
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.installer.conftest import ROOT

USER = "deskapp-deb-test"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
RELEASED = ROOT / "tests" / "fixtures" / "released" / "desk-0.1.0.db"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.geteuid() != 0, reason="dpkg -i and useradd need root"),
    pytest.mark.skipif(shutil.which("dpkg-deb") is None, reason="not a Debian-family system"),
]


@dataclass
class Installed:
    deb: Path
    appid: str
    version: str
    home: Path

    @property
    def program(self) -> Path:
        return Path("/opt/apps") / self.appid / "files" / "deskapp"

    @property
    def data_dir(self) -> Path:
        return self.home / ".local" / "share" / "deskapp"

    def run_as_user(self, *args: str, timeout: int = 300) -> subprocess.CompletedProcess[str]:
        """The installed program as the normal user, with a login-like clean environment."""
        env = ["env", "-i", f"HOME={self.home}", f"USER={USER}", "PATH=/usr/bin:/bin",
               "LANG=C.UTF-8", "QT_QPA_PLATFORM=offscreen"]
        return subprocess.run(["runuser", "-u", USER, "--", *env, str(self.program), *args],
                              capture_output=True, text=True, encoding="utf-8", timeout=timeout,
                              cwd="/")


def _sh(*args: str, timeout: int = 1800) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(list(args), capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{args}: {done.stdout}\n{done.stderr}"
    return done


def _field(deb: Path, name: str) -> str:
    return _sh("dpkg-deb", "-f", str(deb), name).stdout.strip()


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    out = tmp_path_factory.mktemp("deb")
    bundle = os.environ.get("DESKAPP_BUNDLE_DIR", "")  # empty: build-deb.sh's default bundle
    done = subprocess.run(["bash", str(ROOT / "installer" / "build-deb.sh"), bundle, str(out)],
                          capture_output=True, text=True, timeout=7200)
    assert done.returncode == 0, done.stdout + done.stderr
    deb = Path(done.stdout.strip().splitlines()[-1])
    appid, version = _field(deb, "Package"), _field(deb, "Version")
    subprocess.run(["userdel", "-r", USER], capture_output=True)  # a leftover of a killed run
    _sh("useradd", "--create-home", "--shell", "/bin/sh", USER)
    _sh("dpkg", "-i", str(deb))
    try:
        yield Installed(deb, appid, version, Path(pwd.getpwnam(USER).pw_dir))
    finally:
        subprocess.run(["dpkg", "--purge", appid], capture_output=True)  # -r keeps it as "rc"
        subprocess.run(["userdel", "-r", USER], capture_output=True)


def _package_path(member: tarfile.TarInfo) -> str:
    """'./opt/apps/x' -> '/opt/apps/x', folders with a trailing slash, '.' -> '/'."""
    path = "/" + member.name.removeprefix(".").lstrip("/")
    return path if path == "/" or not member.isdir() else path + "/"


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", path
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def test_the_package_has_the_uos_layout_and_nothing_outside_opt_apps(installed: Installed) -> None:
    tar = subprocess.run(["dpkg-deb", "--fsys-tarfile", str(installed.deb)], capture_output=True, check=True)
    with tarfile.open(fileobj=io.BytesIO(tar.stdout)) as archive:  # names with spaces, links
        paths = [_package_path(m) for m in archive.getmembers()]
    outside = [p for p in paths
               if p not in ("/", "/opt/", "/opt/apps/") and not p.startswith(f"/opt/apps/{installed.appid}/")]
    assert outside == [], "files outside /opt/apps/<appid>"
    assert not any("/bin/" in p and not p.startswith(f"/opt/apps/{installed.appid}/files/") for p in paths)
    assert installed.appid.count(".") >= 2 and installed.appid == installed.appid.lower()
    app = Path("/opt/apps") / installed.appid
    assert os.access(installed.program, os.X_OK)
    for n in SIZES:
        assert _png_size(app / f"entries/icons/hicolor/{n}x{n}/apps/{installed.appid}.png") == (n, n)
    entry_file = app / f"entries/applications/{installed.appid}.desktop"
    if shutil.which("desktop-file-validate"):  # desktop-file-utils (run-tests.sh installs it)
        _sh("desktop-file-validate", str(entry_file))
    entry = entry_file.read_text(encoding="utf-8")
    assert "Name=政务公开台账" in entry and "Name[zh_CN]=政务公开台账" in entry
    assert "Comment[zh_CN]=" in entry and "Categories=Office;" in entry
    assert f"Exec={installed.program}\n" in entry and f"Icon={installed.appid}\n" in entry
    info = json.loads((app / "info").read_text(encoding="utf-8"))
    assert info["appid"] == installed.appid and info["name"] == "政务公开台账"
    assert info["version"] == installed.version == _version_from_source()
    assert info["arch"] == [_field(installed.deb, "Architecture")] and "permissions" in info
    depends = _field(installed.deb, "Depends")
    assert depends.startswith("libc6 (>= 2.") and "libfontconfig1" in depends
    # postinst linked the entry where Debian/Kylin launchers look; it points into /opt/apps.
    link = Path("/usr/share/applications") / f"{installed.appid}.desktop"
    assert link.is_symlink() and os.readlink(link).startswith(str(app))


def _version_from_source() -> str:
    namespace: dict[str, object] = {}
    for line in (ROOT / "deskapp" / "__init__.py").read_text(encoding="utf-8").splitlines():
        if line.startswith("__version__"):
            exec(line, namespace)  # noqa: S102 (one assignment line of our own source)
    return str(namespace["__version__"])


def test_the_installed_program_makes_its_database_and_passes_its_self_check(installed: Installed) -> None:
    db = installed.data_dir / "desk.db"
    done = installed.run_as_user("demo", "--db", str(db), "--items", "30")
    assert done.returncode == 0, done.stdout + done.stderr
    assert db.stat().st_uid == pwd.getpwnam(USER).pw_uid
    listed = installed.run_as_user("items", "--json")  # the default database: the data folder
    assert listed.returncode == 0, listed.stderr
    assert len(json.loads(listed.stdout)) == 30
    check = installed.run_as_user("--self-check", timeout=600)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "[失败]" not in check.stdout and "自检通过" in check.stdout


def test_the_installed_program_backs_an_old_database_up_before_migrating_it(installed: Installed) -> None:
    old = installed.data_dir / "desk-0.1.0.db"  # an old schema, in the user's data folder
    shutil.copyfile(RELEASED, old)
    shutil.chown(old, USER, USER)
    done = installed.run_as_user("items", "--db", str(old), "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    backups = sorted((installed.data_dir / "backups" / "desk-0.1.0").glob("*before-upgrade*.db"))
    assert len(backups) == 1, list(installed.data_dir.rglob("*"))
    with sqlite3.connect(f"file:{backups[0]}?mode=ro", uri=True) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [("0005_link_indexes",)]
    with sqlite3.connect(f"file:{old}?mode=ro", uri=True) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() != [("0005_link_indexes",)]


def test_removing_the_package_removes_the_program_and_keeps_the_users_database(installed: Installed) -> None:
    db = installed.data_dir / "desk.db"
    assert db.exists(), "the earlier test made the database"
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    _sh("dpkg", "-r", installed.appid)
    assert not (Path("/opt/apps") / installed.appid).exists()
    assert not (Path("/usr/share/applications") / f"{installed.appid}.desktop").is_symlink()
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
