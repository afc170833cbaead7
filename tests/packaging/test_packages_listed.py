"""pyproject lists packages by hand (db/ and resources/ are mapped into deskapp.*): a
sub-package missing from that list would be absent from an installed desk."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_subpackage_is_listed_in_pyproject() -> None:
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]["packages"])
    on_disk = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "deskapp").rglob("__init__.py")
    }
    assert on_disk - listed == set()
    assert {"deskapp.migrations", "deskapp.migrations.versions", "deskapp.resources"} <= listed


def test_package_data_covers_the_shipped_resources() -> None:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]["package-data"]
    patterns = data["deskapp.resources"]
    for f in (ROOT / "resources").rglob("*"):
        if f.is_file() and f.suffix != ".py" and "__pycache__" not in f.parts:
            rel = f.relative_to(ROOT / "resources").as_posix()
            assert any(Path(rel).match(p) for p in patterns), rel
