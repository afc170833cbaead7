"""Fixtures for the window's tests: a register of a few hundred items (built once, copied
per test), and an AppContext with recorded messages and a pinned today."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from deskapp.core.audit.chain import Actor
from deskapp.core.desk import open_database
from deskapp.core.store.db import Database
from deskapp.ui.common.context import AppContext
from deskapp.ui.common.messages import RecordingMessages
from tests.ui.register_testdata import TODAY, populate


@pytest.fixture(autouse=True)
def _isolated_qsettings(_isolated_user_dirs: None) -> None:
    """QSettings() in each test's own home: Qt reads XDG_CONFIG_HOME once per process, so
    without this a database chosen (设置 → 数据库位置) in one test would be opened by the next."""
    import os

    from PySide6.QtCore import QSettings

    folder = os.environ["XDG_CONFIG_HOME"]
    for kind in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(kind, QSettings.Scope.UserScope, folder)


@pytest.fixture(scope="session")
def register_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "模板 台账.db"
    database = open_database(path)
    try:
        populate(database)
    finally:
        database.close()
    return path


@pytest.fixture
def filled_db(register_template: Path, data_dir: Path) -> Database:
    target = data_dir / "已登记 台账.db"
    shutil.copyfile(register_template, target)
    database = open_database(target)
    yield database
    database.close()


@pytest.fixture
def messages() -> RecordingMessages:
    return RecordingMessages()


@pytest.fixture
def ctx(filled_db: Database, messages: RecordingMessages) -> AppContext:
    return AppContext(db=filled_db, actor=Actor(None, "测试员"), messages=messages,
                      clock=lambda: TODAY)
