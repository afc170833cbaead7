"""First start of an installed desk: nothing asked that can be inferred (the data folder and
the database are made in the user's data folder), one short page (office, operator, where
the database lives, demo data), remembered: the second start goes straight to the window,
and only a database that is gone brings the page back."""

from __future__ import annotations

from typing import Callable

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QDialog
from sqlalchemy import func, select

from deskapp.core.audit.chain import Actor
from deskapp.core.store import settings
from deskapp.core.store.credentials import PasswordStore
from deskapp.core.store.location import default_db_path
from deskapp.core.store.models import Item, Person
from deskapp.ui.app import run_app
from deskapp.ui.common.context import AppContext
from deskapp.ui.common.messages import RecordingMessages
from deskapp.ui.main_window import MainWindow
from deskapp.ui.settings.database_dialog import remembered_target
from deskapp.ui.settings.signin_dialog import SignInDialog
from deskapp.ui.welcome import WelcomeDialog
from tests.postgres_support import PG_PASSWORD, PG_SUPERUSER, PgServer

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


@pytest.fixture
def no_summary(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The opening summary stays shut; choose_actor (the operator chooser) is recorded."""
    asked: list[str] = []
    monkeypatch.setattr("deskapp.ui.review.summary_dialog.show_opening_summary", lambda *a, **k: None)

    def choose(db, read_only):
        asked.append("chooser")
        return Actor(None, "选择的人")

    monkeypatch.setattr("deskapp.ui.app.choose_actor", choose)
    return asked


def _visible(kind: type) -> list:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]


def _drive(on_welcome: Callable[[WelcomeDialog], None] | None, seen: dict) -> None:
    """Answer the first-run page (if it comes) with ``on_welcome``, note the window, close it."""
    def step() -> None:
        welcome = _visible(WelcomeDialog)
        if welcome and on_welcome is not None and not seen.get("welcomed"):
            seen["welcomed"] = seen.get("welcomed", 0) + 1
            on_welcome(welcome[0])
        if seen.get("stop"):  # the page was closed: no window comes, and no timer may outlive the test
            return
        windows = _visible(MainWindow)
        if not windows:
            QTimer.singleShot(20, step)
            return
        w = windows[0]
        seen.update(title=w.windowTitle(), operator=w.operator_label.text(), url=w.ctx.db.url,
                    demo=w.demo_label.isVisible())
        w.close()

    QTimer.singleShot(0, step)


def test_fresh_home_first_run_then_straight_to_the_window(no_summary: list[str]) -> None:
    assert not default_db_path().exists()

    def fill(page: WelcomeDialog) -> None:
        assert page.asks_location and page.here.isChecked() and page.asks_operator
        page.grab().save(str(default_db_path().parent / "first_run.png"))
        page.name.setText("城南街道办事处")
        page.prefix.setText("11330802-5")
        page.operator.setText("李信息")
        page.demo.setChecked(True)
        page.demo_count.setValue(50)
        page.start_button.click()

    seen: dict = {}
    _drive(fill, seen)
    assert run_app(None, RecordingMessages()) == 0
    assert seen["welcomed"] == 1 and seen["title"].startswith("城南街道办事处")
    assert seen["operator"] == "当前操作人：李信息" and no_summary == []  # not asked again
    assert seen["demo"]
    assert default_db_path().exists() and seen["url"] == str(default_db_path())
    from deskapp.core.desk import open_database

    db = open_database(None)
    try:
        with db.session() as s:
            assert settings.get(s, "org_name") == "城南街道办事处"
            assert s.scalar(select(func.count()).select_from(Item).where(Item.is_demo.is_(True))) == 50
            person = s.scalars(select(Person).where(Person.name == "李信息")).one()
            assert "maintainer" in person.roles
    finally:
        db.close()

    again: dict = {}
    _drive(lambda page: pytest.fail("the first-run page came back"), again)
    assert run_app(None, RecordingMessages()) == 0
    assert again["title"].startswith("城南街道办事处") and "welcomed" not in again

    for part in default_db_path().parent.glob("desk.db*"):  # the database is gone: the page comes back
        part.unlink()
    gone: dict = {}

    def close(page: WelcomeDialog) -> None:
        gone["shown"] = gone["stop"] = True
        page.reject()

    _drive(close, gone)
    assert run_app(None, RecordingMessages()) == 0
    assert gone.get("shown") and "title" not in gone


def test_without_demo_and_operator_the_chooser_asks_later(no_summary: list[str]) -> None:
    def fill(page: WelcomeDialog) -> None:
        page.name.setText("城北街道办事处")
        page.start_button.click()

    seen: dict = {}
    _drive(fill, seen)
    assert run_app(None, RecordingMessages()) == 0
    assert no_summary == ["chooser"] and not seen["demo"]


@pytest.mark.postgresql
def test_choosing_the_office_server_on_the_first_page(qtbot, db, pg_server: PgServer, tmp_path) -> None:
    name = pg_server.new_database()
    try:
        qs = QSettings(str(tmp_path / "deskapp.conf"), QSettings.Format.IniFormat)
        page = WelcomeDialog(AppContext(db=db, actor=Actor(None, "x"), messages=RecordingMessages()), qsettings=qs)
        qtbot.addWidget(page)
        page.on_server.setChecked(True)
        assert not page.name.isEnabled() and page.server_form.isVisibleTo(page)
        form = page.server_form
        form.host.setText("127.0.0.1")
        form.port.setValue(pg_server.port)
        form.database.setText(name)
        form.user.setText(PG_SUPERUSER)
        form.password.setText("错的")
        page.start_button.click()
        qtbot.waitUntil(lambda: page.server_error.text() != "", timeout=15_000)
        assert "密码不对" in page.server_error.text() and page.result() != QDialog.DialogCode.Accepted
        form.password.setText(PG_PASSWORD)
        with qtbot.waitSignal(page.accepted, timeout=15_000):
            page.start_button.click()
        target = page.outcome.switch_to
        assert target and PG_PASSWORD not in target and remembered_target(qs) == target
        assert PG_PASSWORD not in (tmp_path / "deskapp.conf").read_text("utf-8")
        assert PasswordStore().get(target) == PG_PASSWORD
        with db.session() as s:  # the local desk was left as it was
            assert settings.get(s, "org_name") == ""
    finally:
        pg_server.drop_database(name)


@pytest.mark.postgresql
def test_first_start_onto_the_server_opens_the_window_there(no_summary, pg_server: PgServer) -> None:
    """Fresh home → page → server → the window opens on the server (whose empty desk gets
    its own short page: the office's name, no location question)."""
    name = pg_server.new_database()
    pages: list[bool] = []
    try:
        def step() -> None:
            page = _visible(WelcomeDialog)
            if page and len(pages) == 0:
                pages.append(page[0].asks_location)
                page[0].on_server.setChecked(True)
                form = page[0].server_form
                form.host.setText("127.0.0.1")
                form.port.setValue(pg_server.port)
                form.database.setText(name)
                form.user.setText(PG_SUPERUSER)
                form.password.setText(PG_PASSWORD)
                page[0].start_button.click()
            elif _visible(SignInDialog):  # the server has no account yet: its first administrator
                signin = _visible(SignInDialog)[0]
                assert signin.first
                signin.person_name.setText("周管理")
                signin.password.setText("管理员-口令1")
                signin.repeat.setText("管理员-口令1")
                signin.ok.click()
            elif page and len(pages) == 1 and not page[0].asks_location:
                pages.append(page[0].asks_location)
                page[0].name.setText("服务器上的街道")
                page[0].start_button.click()
            windows = _visible(MainWindow)
            if windows:
                pages.append(windows[0].ctx.db.is_sqlite)
                windows[0].close()
                return
            QTimer.singleShot(30, step)

        QTimer.singleShot(0, step)
        messages = RecordingMessages()
        assert run_app(None, messages) == 0
        # the page here, the server's own page, a window on the server
        assert pages == [True, False, False], messages.shown
        import logging
        from pathlib import Path

        stored = Path(QSettings().fileName()).read_text("utf-8")  # this desk's settings file
        assert name in stored and PG_PASSWORD not in stored
        logs = [Path(h.baseFilename) for h in logging.getLogger().handlers if hasattr(h, "baseFilename")]
        assert logs and all(PG_PASSWORD not in p.read_text("utf-8") for p in logs if p.exists())
    finally:
        pg_server.drop_database(name)


def test_closing_the_page_during_a_connection_test_waits_for_it(no_summary, monkeypatch) -> None:
    """A server that never greets: the page is closed mid-test; the app ends cleanly after
    the test's timeout, with no thread left running."""
    import socket

    from deskapp.ui.common.worker import _ReadThread
    from deskapp.ui.settings import server_form

    monkeypatch.setattr(server_form, "CHECK_TIMEOUT_SECONDS", 1)
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(0)
    try:
        def close_mid_test(page: WelcomeDialog) -> None:
            page.on_server.setChecked(True)
            form = page.server_form
            form.host.setText("127.0.0.1")
            form.port.setValue(silent.getsockname()[1])
            form.user.setText("clerk")
            form.password.setText("x")
            page.start_button.click()
            assert form.checking
            page.reject()

        seen: dict = {"stop": True}
        _drive(close_mid_test, seen)
        assert run_app(None, RecordingMessages()) == 0
        assert all(t.isFinished() for t in _ReadThread.running) and seen.get("welcomed") == 1
    finally:
        silent.close()
