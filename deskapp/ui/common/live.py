"""Seeing other desks' changes, and a server that stops answering, while the window is open.

:class:`ChangePoller` reads the change feed (``core.store.changes``) every few seconds in a
worker thread (never on the GUI thread: a slow or gone server must not freeze typing) and
says ``changed(kinds)`` when other desks committed something; when a read fails it says
``connection_lost`` once and keeps trying, waiting longer each time (up to half a minute),
then ``connection_back``. :class:`ConnectionBanner` is the strip across the window that says
so. :func:`refresh_keeping_view` refreshes a tab without moving its lists' scroll position.
"""

from __future__ import annotations

import logging
from typing import Any, Callable, Optional

from PySide6.QtCore import QObject, Qt, QTimer, Signal, SignalInstance
from PySide6.QtWidgets import QAbstractScrollArea, QLabel, QWidget
from sqlalchemy.engine import make_url

from deskapp.core.store.changes import Changes, ChangeWatcher
from deskapp.core.store.db import Database
from deskapp.ui.common.worker import LatestRead

log = logging.getLogger(__name__)

POLL_MS = 3000  # others' changes show within 5 s: one poll interval plus the read
MAX_BACKOFF_MS = 30_000
LOST_TEXT = "与服务器的连接已断开，正在重新连接……（正在输入的内容会保留，连接恢复后再保存）"
LOST_TEXT_FILE = "无法读取台账数据库，正在重试……（正在输入的内容会保留）"


class _State:
    """The watcher, made by the first poll (in the worker thread: it reads the database)."""

    def __init__(self, db: Database):
        self.db = db
        self.watcher: Optional[ChangeWatcher] = None


def _poll(state: _State) -> Changes:
    if state.watcher is None:
        state.watcher = ChangeWatcher(state.db.engine)
        return Changes(frozenset())
    return state.watcher.poll()


class ChangePoller(QObject):
    """Polls the change feed off the GUI thread; one read at a time."""

    changed = Signal(object)  # frozenset[str]: the kinds others changed
    connection_lost = Signal(object)  # the exception
    connection_back = Signal()

    def __init__(self, db: Database, parent: Optional[QObject] = None, interval_ms: Optional[int] = None,
                 max_backoff_ms: Optional[int] = None):
        super().__init__(parent)
        self.state = _State(db)
        self.interval_ms: int = interval_ms or POLL_MS
        self.max_backoff_ms: int = max_backoff_ms or MAX_BACKOFF_MS
        self.delay_ms = self.interval_ms
        self.lost = False
        self.stopped = False
        self.reader = LatestRead(self)
        self.reader.ready.connect(self._answered)
        self.reader.failed.connect(self._failed)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.poll_now)

    def start(self) -> None:
        """The first read now (it remembers where the counters stand), then every interval."""
        self.poll_now()

    def stop(self) -> None:
        """No more polls; a read still running answers into nothing (the window is closing)."""
        self.timer.stop()
        if not self.stopped:
            self.stopped = True
            self.reader.ready.disconnect(self._answered)
            self.reader.failed.disconnect(self._failed)

    def poll_now(self) -> None:
        if self.stopped:
            return
        if self.reader.pending:  # the last read has not answered (a slow server): wait for it
            self.timer.start(self.delay_ms)
            return
        self.reader.start(_poll, self.state)

    def _answered(self, changes: Changes) -> None:
        if self.lost:
            self.lost = False
            self.connection_back.emit()
        self.delay_ms = self.interval_ms
        if changes:
            self.changed.emit(changes.kinds)
        self.timer.start(self.delay_ms)

    def _failed(self, exc: BaseException) -> None:
        if not self.lost:
            log.warning("change poll failed: %s", type(exc).__name__)
            self.lost = True
            self.connection_lost.emit(exc)
        self.delay_ms = min(self.delay_ms * 2, self.max_backoff_ms)
        self.timer.start(self.delay_ms)


class ConnectionBanner(QLabel):
    """The red strip across the top of the window while the database cannot be reached."""

    def __init__(self, db: Database, parent: Optional[QWidget] = None):
        super().__init__(LOST_TEXT_FILE if db.is_sqlite else LOST_TEXT, parent)
        self.setObjectName("connectionBanner")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setStyleSheet("QLabel#connectionBanner { background: #a1121b; color: white; "
                           "font-weight: bold; padding: 6px; }")
        self.hide()


def server_label(db: Database) -> str:
    """The server as the title bar shows it: ``host/database`` (never the password or the
    user); "" for a desk on this PC's file."""
    if db.is_sqlite:
        return ""
    url = make_url(db.url)
    host = url.host or "本机"  # a unix socket: the server is on this PC
    number = url.port or url.query.get("port")
    port = f":{number}" if number and str(number) != "5432" else ""
    return f"{host}{port}/{url.database or ''}"


def _scrolled(widget: QWidget) -> list[tuple[QAbstractScrollArea, int, int]]:
    return [(a, a.verticalScrollBar().value(), a.horizontalScrollBar().value())
            for a in widget.findChildren(QAbstractScrollArea) if a.isVisible()]


def _restore(saved: list[tuple[QAbstractScrollArea, int, int]]) -> None:
    for area, v, h in saved:
        try:
            area.verticalScrollBar().setValue(v)
            area.horizontalScrollBar().setValue(h)
        except RuntimeError:  # the view was deleted meanwhile
            continue


def refresh_keeping_view(widget: QWidget, refresh: Callable[[], Any]) -> None:
    """``refresh()`` the tab, then put its lists back where the user had scrolled them (the
    tabs keep their selection themselves). A tab that loads in the background (a ``loaded``
    signal) or counts later (its model's ``counted``) gets the position back once more then."""
    saved = _scrolled(widget)
    later = [s for s in (getattr(widget, "loaded", None),
                         getattr(getattr(widget, "model", None), "counted", None))
             if isinstance(s, SignalInstance)]

    def again(*_args: Any) -> None:
        _restore(saved)
        for signal in later:
            try:
                signal.disconnect(again)
            except (RuntimeError, TypeError):
                pass

    for signal in later:
        signal.connect(again)
    refresh()
    _restore(saved)
