"""Shared fixtures. Qt runs offscreen; Qt warnings fail tests (pyproject: qt_log_level_fail).

Databases live under a folder whose name has Chinese characters and spaces, as on a
Windows PC (C:\\Users\\张三\\…), so every path the desk builds is tested that way.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from deskapp.core.audit.chain import Actor  # noqa: E402
from deskapp.core.desk import open_database  # noqa: E402
from deskapp.core.store.db import Database  # noqa: E402

# The Excel fixtures (built_db, built_template) for every test module that asks for them by name;
# the throwaway PostgreSQL server (pg_server, pg_url, pg_seeded_url) and `db` on both backends.
pytest_plugins = ["tests.f_excel_data", "tests.postgres_support"]

TODAY = dt.date(2026, 11, 26)


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the user's real data folder, settings and DESKAPP_DB out of every test."""
    home = tmp_path_factory.mktemp("home") / "张三 的 文档"
    home.mkdir()
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("DESKAPP_DB", raising=False)
    # No test reads or writes the developer's real keyring: server passwords go to the 0600
    # file in the isolated settings folder (tests that want a keyring pass their own).
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "张三 的 台账"
    folder.mkdir()
    return folder


@pytest.fixture
def db_path(data_dir: Path) -> Path:
    return data_dir / "街道 台账.db"


@pytest.fixture
def db(db_target: str) -> Database:
    """The desk's database: SQLite at ``db_path``; in the folders tests/postgres_support.py
    names, also (a second run, id ``[postgresql]``) a fresh seeded database on the test server."""
    database = open_database(db_target)
    yield database
    database.close()


@pytest.fixture
def actor() -> Actor:
    return Actor(None, "测试员")


@pytest.fixture
def today() -> dt.date:
    return TODAY
