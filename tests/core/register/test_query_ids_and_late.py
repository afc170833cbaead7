"""Register.ids_and_late: the table's ids and its late count from one query, agreeing with
item_ids and counts for every filter and sort."""

from __future__ import annotations

import datetime as dt

import pytest

from deskapp.core.calendar.workdays import WorkCalendar
from deskapp.core.register.items import ItemData, create_item
from deskapp.core.register.query import SORT_KEYS, ItemFilter, Register


@pytest.fixture
def register(db, actor, today):
    with db.session() as s:
        cal = WorkCalendar.load(s)
        for n in range(40):
            formed = today - dt.timedelta(days=5 * n + 1)
            published = formed + dt.timedelta(days=n) if n % 3 == 0 else None
            status = "published" if published else ("draft", "approved")[n % 2]
            create_item(s, actor, ItemData(title=f"第{n}号 关于防汛演练的通知", formed_on=formed,
                                           status=status, published_on=published,
                                           content="网格化管理" if n % 4 == 0 else ""),
                        today=today, cal=cal)
    return Register(db, today)


@pytest.mark.parametrize("f", [ItemFilter(), ItemFilter(status="draft"), ItemFilter(search="网格化"),
                               ItemFilter(search="防汛"), ItemFilter(overdue_only=True),
                               ItemFilter(year=2026, quarter=3)])
def test_ids_and_late_agree_with_item_ids_and_counts(db, register, f):
    with db.session() as s:
        for sort in SORT_KEYS:
            for descending in (False, True):
                ids, late = register.ids_and_late(s, f, sort, descending)
                assert ids == register.item_ids(s, f, sort, descending)
                assert (len(ids), late) == register.counts(s, f)


def test_late_count_is_real(db, register):
    with db.session() as s:
        ids, late = register.ids_and_late(s, ItemFilter())
        rows = register.rows_for(s, ids)
    assert 0 < late < len(ids) == 40
    assert late == sum(r.overdue for r in rows.values())


def test_item_ids_limit_is_the_head_of_the_full_list(db, register):
    with db.session() as s:
        for sort in ("formed_on", "title", "category"):
            full = register.item_ids(s, ItemFilter(), sort, True)
            assert register.item_ids(s, ItemFilter(), sort, True, limit=7) == full[:7]
        assert register.item_ids(s, ItemFilter(search="网格化"), limit=100) == \
            register.item_ids(s, ItemFilter(search="网格化"))


def test_a_filter_on_more_ids_than_sqlite_has_parameters(db, actor, today):
    """A checklist finding may list tens of thousands of items; the id filter is one JSON
    parameter, so 40 000 ids (more than SQLite's 32 766 parameters) still filter."""
    from deskapp.core.register.items import ItemData, create_item
    from deskapp.core.register.query import ItemFilter, Register

    with db.session() as s:
        made = [create_item(s, actor, ItemData(title=f"测试信息{i}", formed_on=today), today=today).id
                for i in range(3)]
    wanted = (made[0], made[2], *range(10**6, 10**6 + 40_000))
    with db.session() as s:
        ids, _late = Register(db, today).ids_and_late(s, ItemFilter(ids=wanted))
    assert sorted(ids) == [made[0], made[2]]
