"""A search's first page on a server comes from the first items in the table's order when a
full page is there, else from the trigram index (Register._page_from_head / _page_from_index).
Both must give exactly the first rows of the whole ordered answer, for every sort, both
directions, ties, empty sort values and other filters, whichever path a word takes."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from deskapp.core.register import query
from deskapp.core.register.items import ItemData, create_item
from deskapp.core.register.query import SORT_KEYS, ItemFilter, Register
from deskapp.core.store.models import CatalogueEntry, Department

TODAY = dt.date(2026, 11, 26)
COMMON, RARE, NOWHERE = "推进会", "充电桩", "无此词"


@pytest.fixture
def register(db, actor, monkeypatch):
    """40 items: "推进会" in every second title, "充电桩" in three (one only in 内容, one only in
    文号), several on one day (ties broken by id), some without 科室 or 目录 (empty sort values)."""
    monkeypatch.setattr(query, "HEAD_WINDOW", 12)  # small, so a 40-item desk takes both paths
    with db.session() as s:
        depts = []
        for name in ("平安办", "城市管理办"):
            d = Department(name=name)
            s.add(d)
            s.flush()
            depts.append(d.id)
        cats = list(s.scalars(select(CatalogueEntry.id).limit(3)))
        for n in range(40):
            title = f"第{n}次{COMMON}" if n % 2 else f"第{n}期工作简报"
            data = ItemData(
                title=title + (RARE if n == 37 else ""), kind="工作动态",
                formed_on=dt.date(2026, 1 + n % 10, 1 + n % 3),
                department_id=depts[n % 2] if n % 5 else None,
                catalogue_id=cats[n % 3] if n % 4 else None,
                content=f"建设{RARE}" if n == 3 else "",
                doc_no=f"{RARE}〔2026〕{n}号" if n == 20 else None,
            )
            create_item(s, actor, data, today=TODAY)
    return Register(db, TODAY), depts


@pytest.mark.parametrize("word", [COMMON, RARE, NOWHERE])
@pytest.mark.parametrize("descending", [True, False])
def test_the_first_page_is_the_head_of_the_whole_answer(register, db, word, descending):
    reg, _depts = register
    f = ItemFilter(search=word)
    with db.session() as s:
        for sort in SORT_KEYS:
            whole = reg.item_ids(s, f, sort, descending)
            for limit in (1, 5, 13):
                assert reg.item_ids(s, f, sort, descending, limit=limit) == whole[:limit], (sort, limit)
    if word == RARE:
        assert len(whole) == 3
    if word == NOWHERE:
        assert whole == []


def test_other_filters_apply_on_both_paths(register, db):
    reg, depts = register
    for word in (COMMON, RARE):
        f = ItemFilter(search=word, department_id=depts[1])
        with db.session() as s:
            whole = reg.item_ids(s, f, "department", True)
            assert reg.item_ids(s, f, "department", True, limit=4) == whole[:4]
            rows = reg.rows_for(s, whole)
        assert whole and all(rows[i].department == "城市管理办" for i in whole)


def test_a_common_word_takes_the_head_and_a_rare_one_the_index(register, db, db_backend, monkeypatch):
    """On a server: the path is chosen by what the head holds (on SQLite neither runs)."""
    reg, _depts = register
    taken: list[str] = []
    for name in ("_page_from_head", "_page_from_index"):
        original = getattr(Register, name)
        monkeypatch.setattr(Register, name, lambda self, *a, _o=original, _n=name: taken.append(_n) or _o(self, *a))
    with db.session() as s:
        reg.item_ids(s, ItemFilter(search=COMMON), limit=5)  # 6 of the first 12 items have it
        reg.item_ids(s, ItemFilter(search=RARE), limit=5)
        reg.item_ids(s, ItemFilter(search="推进"), limit=5)  # 2 characters: no trigram, no head
    expected = [] if db_backend == "sqlite" else ["_page_from_head", "_page_from_head", "_page_from_index"]
    assert taken == expected
