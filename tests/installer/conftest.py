"""The installer tests that build real packages (minutes, hundreds of MB, root for dpkg, a
download of every wheel) run in CI (CI set) or when asked (DESKAPP_BUILD_INSTALLERS=1), and say
so when they skip. Compiling the .nsi takes seconds and runs wherever makensis is."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GATED = {"test_deb.py", "test_wheelhouse.py"}


def installers_wanted() -> bool:
    return bool(os.environ.get("CI")) or os.environ.get("DESKAPP_BUILD_INSTALLERS") == "1"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if installers_wanted():
        return
    skip = pytest.mark.skip(reason="installer builds run only with DESKAPP_BUILD_INSTALLERS=1 or in CI (CI set)")
    here = Path(__file__).parent
    for item in items:
        path = Path(str(item.fspath))
        if path.parent == here and path.name in GATED:
            item.add_marker(skip)
