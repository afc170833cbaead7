"""The register's lazy model: ids only, pages on demand, SQL sorting, colour roles."""

from __future__ import annotations

from PySide6.QtCore import Qt
from sqlalchemy import text, update

from deskapp.core.register.query import ItemFilter, Register
from deskapp.core.store.models import Item
from deskapp.ui.register import model as register_model
from deskapp.ui.register.model import (
    COL_DUE,
    COLUMNS,
    LATE_BG,
    LATE_FG,
    PAGE_SIZE,
    SOON_BG,
    ItemIdRole,
    RegisterModel,
    RowRole,
    StateRole,
)
from tests.ui.register_testdata import ITEM_COUNT, TODAY


def make_model(db, qtbot) -> RegisterModel:
    model = RegisterModel(db, Register(db, TODAY))
    load(model, qtbot)
    return model


def load(model: RegisterModel, qtbot, run=None) -> None:
    """Reload (or ``run``) and wait for the background part: the full list and the count."""
    with qtbot.waitSignal(model.counted, timeout=10_000):
        (run or model.reload)()


def test_model_passes_qt_model_tester(filled_db, qtmodeltester, qtbot):
    model = RegisterModel(filled_db, Register(filled_db, TODAY))
    qtmodeltester.check(model, force_py=True)  # watches every signal from here on
    with qtbot.waitSignal(model.counted, timeout=10_000):
        model.reload()
        assert model.rowCount() == PAGE_SIZE and not model.complete  # the head, at once
    assert model.rowCount() == ITEM_COUNT and model.complete  # the rest, appended
    load(model, qtbot, lambda: model.set_filter(ItemFilter(status="draft")))
    assert model.rowCount() == ITEM_COUNT // 6


def test_model_fetches_rows_a_page_at_a_time(filled_db, monkeypatch, qtbot):
    model = make_model(filled_db, qtbot)
    asked: list[int] = []
    real = model.register.rows_for
    monkeypatch.setattr(model.register, "rows_for", lambda s, ids: asked.append(len(ids)) or real(s, ids))
    assert model.index(0, 1).data()  # page 0
    assert model.index(5, 1).data()  # same page: no new query
    assert asked == [PAGE_SIZE]
    last = model.index(ITEM_COUNT - 1, 0).data()
    assert asked == [PAGE_SIZE, ITEM_COUNT - (ITEM_COUNT - 1) // PAGE_SIZE * PAGE_SIZE]
    assert last.startswith("TEST/")


def test_page_cache_is_bounded(filled_db, monkeypatch, qtbot):
    monkeypatch.setattr(register_model, "PAGE_SIZE", 5)
    monkeypatch.setattr(register_model, "CACHED_PAGES", 3)
    model = make_model(filled_db, qtbot)
    for row in range(0, 100, 5):
        model.index(row, 0).data()
    assert len(model._pages) == 3
    assert list(model._pages) == [17, 18, 19]


def test_header_sort_requeries_sql_in_new_order(filled_db, monkeypatch, qtbot):
    model = make_model(filled_db, qtbot)
    calls = []
    real = model.register.ids_and_late
    monkeypatch.setattr(model.register, "ids_and_late",
                        lambda s, f, sort, desc: calls.append((sort, desc)) or real(s, f, sort, desc))
    title_col = [key for _h, key in COLUMNS].index("title")
    load(model, qtbot, lambda: model.sort(title_col, Qt.SortOrder.AscendingOrder))
    assert calls == [("title", False)]
    with filled_db.session() as s:
        expected = Register(filled_db, TODAY).item_ids(s, ItemFilter(), "title", False)
    assert model.ids == expected
    titles = [model.index(r, title_col).data() for r in range(5)]
    assert titles == sorted(titles)  # SQLite's binary collation: what SQL gave, in order


def test_late_and_due_soon_rows_are_coloured(filled_db, qtbot):
    model = make_model(filled_db, qtbot)
    states = {model.index(r, 0).data(StateRole) for r in range(model.rowCount())}
    assert states == {"late", "soon", ""}
    late = next(r for r in range(model.rowCount()) if model.index(r, 0).data(StateRole) == "late")
    soon = next(r for r in range(model.rowCount()) if model.index(r, 0).data(StateRole) == "soon")
    plain = next(r for r in range(model.rowCount()) if model.index(r, 0).data(StateRole) == "")
    row = model.index(late, 0).data(RowRole)
    assert row.overdue and row.days_late > 0
    assert model.index(late, 3).data(Qt.ItemDataRole.BackgroundRole).color() == LATE_BG
    assert model.index(late, 3).data(Qt.ItemDataRole.ForegroundRole).color() == LATE_FG
    assert model.index(soon, 1).data(Qt.ItemDataRole.BackgroundRole).color() == SOON_BG
    assert model.index(plain, 1).data(Qt.ItemDataRole.BackgroundRole) is None
    assert model.late == sum(model.index(r, 0).data(StateRole) == "late" for r in range(model.rowCount()))


def test_due_column_marks_provisional_and_explains_itself(filled_db, qtbot):
    model = make_model(filled_db, qtbot)
    item_id = model.index(3, 0).data(ItemIdRole)
    with filled_db.session() as s:
        s.execute(update(Item).where(Item.id == item_id).values(due_provisional=True))
    load(model, qtbot)
    row = model.row_of(item_id)
    text = model.index(row, COL_DUE).data()
    assert text.endswith(" *暂") and text[:10] == model.index(row, 0).data(RowRole).due_on.isoformat()
    tip = model.index(row, COL_DUE).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("暂按周一至周五计算")
    assert "第20个工作日" in tip


def test_row_of_finds_items_and_filter_narrows(filled_db, qtbot):
    model = make_model(filled_db, qtbot)
    some_id = model.ids[42]
    assert model.row_of(some_id) == 42
    load(model, qtbot, lambda: model.set_filter(ItemFilter(status="published")))
    assert model.total == ITEM_COUNT // 6
    assert all(model.index(r, 4).data() == "已发布" for r in range(model.rowCount()))
    assert model.row_of(-5) == -1


def test_an_older_query_answering_late_is_ignored(filled_db, qtbot):
    model = make_model(filled_db, qtbot)
    model.set_filter(ItemFilter(search="通知"))  # all 300: the full list comes from a thread
    assert not model.complete
    model.set_filter(ItemFilter(status="returned"))  # 50: complete at once
    assert model.complete and model.total == ITEM_COUNT // 6
    register_model.wait_for_background()
    qtbot.wait(50)  # the first query's answer is delivered now, and must change nothing
    assert model.total == ITEM_COUNT // 6
    assert all(model.index(r, 4).data() == "已退回" for r in range(model.rowCount()))


def test_a_superseded_background_query_is_interrupted(filled_db, qtbot, monkeypatch):
    model = make_model(filled_db, qtbot)
    real = model.register.ids_and_late

    def endless(s, f, sort, desc):  # stands for a slow count over a huge register
        s.execute(text("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
                       "SELECT count(*) FROM c")).all()
        return real(s, f, sort, desc)

    monkeypatch.setattr(model.register, "ids_and_late", endless)
    model.set_filter(ItemFilter(search="通知"))
    def mine():
        return [t for t in register_model._FullIdsThread.running if t.model_id == id(model)]

    qtbot.waitUntil(lambda: len(mine()) == 1, timeout=5000)  # started once the head painted
    (slow,) = mine()
    qtbot.waitUntil(lambda: slow._raw is not None, timeout=5000)
    monkeypatch.setattr(model.register, "ids_and_late", real)
    load(model, qtbot, lambda: model.set_filter(ItemFilter(kind="工作动态")))
    assert slow.wait(5000), "the superseded query kept running"
    assert "interrupted" in str(slow.error)
    assert model.total == ITEM_COUNT // 10
