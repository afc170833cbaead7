"""Two writers saving a new item at the same moment must not both get one 索引号: on SQLite
the second waits for the first (the number is taken under the write lock); whatever slips
through anyway (another database server, a number typed by hand) is a clear DeskError —
"索引号冲突，请重试" — with nothing saved, never an IntegrityError traceback."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import func, select

from deskapp.core.desk import open_database
from deskapp.core.errors import DeskError
from deskapp.core.register import items as register
from deskapp.core.register.items import ItemData, create_item
from deskapp.core.store.models import Item

TODAY = dt.date(2026, 11, 26)


def _data(title: str) -> ItemData:
    return ItemData(title=title, kind="工作动态", formed_on=TODAY)


def _count(db) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(Item))


def test_a_number_taken_in_between_is_a_clear_error_not_a_crash(db, actor, monkeypatch):
    with db.session() as s:
        taken = create_item(s, actor, _data("先保存的一条"), today=TODAY).index_no
    # what a racing writer leaves behind: the number computed here was committed elsewhere
    monkeypatch.setattr(register, "next_index_no", lambda _s, _y: taken)
    with pytest.raises(DeskError) as info:
        with db.session() as s:
            create_item(s, actor, _data("后保存的一条"), today=TODAY)
    assert "索引号冲突" in info.value.message and "请重试" in info.value.message
    assert taken in info.value.message
    assert _count(db) == 1  # nothing half-saved


def test_two_writers_at_once_get_different_numbers(db, actor, monkeypatch):
    """Writer A has computed its number; writer B (another connection) saves meanwhile."""
    other = open_database(db.url)
    original = register.next_index_no
    results: dict[str, object] = {}

    def writer_b() -> None:
        try:
            with other.session() as s:
                results["b"] = create_item(s, actor, _data("乙同时保存"), today=TODAY).index_no
        except BaseException as exc:  # reported below
            results["b"] = exc

    def racing_next(session, year):
        number = original(session, year)
        if "thread" not in results:
            results["thread"] = t = threading.Thread(target=writer_b)
            t.start()
            t.join(0.5)  # B gets half a second to take the same number and commit
        return number

    monkeypatch.setattr(register, "next_index_no", racing_next)
    try:
        with db.session() as s:
            results["a"] = create_item(s, actor, _data("甲同时保存"), today=TODAY).index_no
        results["thread"].join(10)
    finally:
        other.close()
    assert isinstance(results["b"], str), results["b"]
    assert results["a"] != results["b"]
    assert _count(db) == 2
