"""文件 → 复制数据库: the window's copy to a file and onto a server, in a worker thread, with
the report shown; a target holding desk data is refused (a warning, nothing changed)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from deskapp.core.audit.chain import Actor
from deskapp.core.store.db import open_store
from deskapp.core.store.models import Item
from deskapp.ui.common.context import AppContext
from deskapp.ui.common.messages import RecordingMessages
from deskapp.ui.settings.copy_dialog import CopyDatabaseDialog
from tests.postgres_support import PG_PASSWORD, PG_SUPERUSER
from tests.ui.register_testdata import TODAY, populate

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


@pytest.fixture
def ctx(db) -> AppContext:
    populate(db, 12)
    return AppContext(db=db, actor=Actor(None, "测试员"), messages=RecordingMessages(), clock=lambda: TODAY)


def _items(target: str) -> int:
    other = open_store(target)
    try:
        with other.session() as s:
            return int(s.scalar(select(func.count()).select_from(Item)) or 0)
    finally:
        other.close()


def _run(qtbot, dialog: CopyDatabaseDialog) -> None:
    qtbot.waitUntil(lambda: dialog.job is not None, timeout=15_000)
    job = dialog.job
    assert job.wait(60_000)
    qtbot.waitUntil(lambda: dialog.job is None, timeout=5_000)


def test_copy_to_a_file_then_refused_then_forced(qtbot, ctx, tmp_path) -> None:
    dialog = CopyDatabaseDialog(ctx)
    qtbot.addWidget(dialog)
    assert dialog.to_server.isChecked()  # a desk on this PC: moving onto a server is the usual aim
    dialog.to_file.setChecked(True)
    target = tmp_path / "副本 台账.db"
    dialog.path.setText(str(target))
    dialog.start_button.click()
    _run(qtbot, dialog)
    assert dialog.report is not None and dialog.report.ok
    kind, text = ctx.messages.shown[-1]
    assert kind == "info" and "各表行数与源数据库一致" in text and "操作记录校验通过" in text
    assert _items(str(target)) == 12
    dialog.grab().save(str(tmp_path / "copy_dialog.png"))

    dialog.report = None
    dialog.start_button.click()
    _run(qtbot, dialog)
    kind, text = ctx.messages.shown[-1]
    assert kind == "warn" and "已有台账数据" in text and dialog.report is None

    dialog.force.setChecked(True)
    dialog.start_button.click()
    _run(qtbot, dialog)
    assert dialog.report is not None and dialog.report.ok


@pytest.mark.postgresql
def test_copy_onto_the_server_after_a_connection_test(qtbot, ctx, pg_server, tmp_path) -> None:
    name = pg_server.new_database()
    try:
        dialog = CopyDatabaseDialog(ctx)
        qtbot.addWidget(dialog)
        form = dialog.server
        form.host.setText("127.0.0.1")
        form.port.setValue(pg_server.port)
        form.database.setText(name)
        form.user.setText(PG_SUPERUSER)
        form.password.setText(PG_PASSWORD)
        form.sslmode.setCurrentIndex(form.sslmode.findData("disable"))
        dialog.start_button.click()
        _run(qtbot, dialog)
        assert dialog.report is not None and dialog.report.ok, ctx.messages.shown
        assert PG_PASSWORD not in dialog.report.target
        assert _items(pg_server.url(name)) == 12
    finally:
        pg_server.drop_database(name)
