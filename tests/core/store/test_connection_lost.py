"""A server that stops answering after the desk reached it: one Chinese sentence
(ConnectionLostError), and the same desk works again once the server is back."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from deskapp.core.desk import open_database
from deskapp.core.errors import ConnectionLostError
from deskapp.core.store.changes import ChangeWatcher
from deskapp.core.store.models import Department
from tests.live_server import pause, private_pg_fixture, resume  # noqa: F401  (the private_pg fixture)

pytestmark = pytest.mark.sqlite_only("a private server of its own, stopped and started")


def test_a_stopped_server_is_a_lost_connection_and_the_desk_reconnects(private_pg) -> None:
    name = private_pg.new_database()
    db = open_database(private_pg.url(name))
    try:
        watcher = ChangeWatcher(db.engine)
        pause(private_pg)
        with pytest.raises(ConnectionLostError, match="连接已断开"):
            with db.session() as s:
                s.add(Department(name="城管科"))
        with pytest.raises(ConnectionLostError):
            watcher.poll()
        resume(private_pg)
        with db.session() as s:
            s.add(Department(name="城管科"))
        with db.session() as s:
            assert s.scalar(select(Department.name).where(Department.name == "城管科")) == "城管科"
        assert not watcher.poll()  # the desk's own write
    finally:
        db.close()
