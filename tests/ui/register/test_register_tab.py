"""The register tab: filters and search update the count, the item dialog opens, deleting
is refused where the core refuses it, read-only disables editing, the selection survives."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from deskapp.core.store.models import AuditEvent, Item
from deskapp.ui.register import tab as register_tab
from deskapp.ui.register.filters import SEARCH_PLACEHOLDER
from deskapp.ui.register.model import RowRole
from deskapp.ui.register.tab import RegisterTab
from tests.ui.register_testdata import ITEM_COUNT, settle


def counts(tab: RegisterTab) -> tuple[int, int]:
    """The count label, once the background count (if any) has arrived."""
    settle(tab.model)
    match = re.fullmatch(r"共 (\d+) 条，超期 (\d+) 条", tab.count_label.text())
    assert match, tab.count_label.text()
    return int(match[1]), int(match[2])


@pytest.fixture
def tab(qtbot, ctx) -> RegisterTab:
    widget = RegisterTab(ctx)
    qtbot.addWidget(widget)
    widget.refresh()
    ctx.bus.items_changed.connect(widget.refresh)  # the main window's job, done by hand here
    return widget


def row_with_status(tab: RegisterTab, status: str) -> int:
    for r in range(tab.model.rowCount()):
        if tab.model.index(r, 0).data(RowRole).status == status:
            return r
    raise AssertionError(status)


class FakeDialog:
    opened: list[tuple[object, object]] = []

    def __init__(self, ctx, item_id, parent):
        FakeDialog.opened.append((item_id, parent))

    def exec(self) -> int:
        return 0


@pytest.fixture
def fake_dialog(monkeypatch):
    FakeDialog.opened = []
    monkeypatch.setattr(register_tab, "item_dialog_class", lambda: FakeDialog)
    return FakeDialog


def test_count_label_and_status_filter(tab):
    total, late = counts(tab)
    assert total == ITEM_COUNT and 0 < late < total
    tab.filters.status.setCurrentIndex(tab.filters.status.findData("published"))
    assert counts(tab)[0] == ITEM_COUNT // 6
    tab.filters.overdue.setChecked(True)
    published_late = counts(tab)
    assert published_late[0] == published_late[1] > 0
    tab.clear_filters()
    assert counts(tab) == (total, late)


def test_year_quarter_department_and_category_filters(tab):
    f = tab.filters
    f.year.setCurrentIndex(f.year.findData(2026))
    in_2026 = counts(tab)[0]
    assert 0 < in_2026 < ITEM_COUNT
    assert f.quarter.isEnabled()
    f.quarter.setCurrentIndex(4)
    q4 = counts(tab)[0]
    assert 0 < q4 < in_2026
    rows = [tab.model.index(r, 0).data(RowRole) for r in range(tab.model.rowCount())]
    assert all(r.formed_on.year == 2026 and r.formed_on.month >= 10 for r in rows)
    f.year.setCurrentIndex(0)
    assert not f.quarter.isEnabled() and counts(tab)[0] == ITEM_COUNT
    f.department.setCurrentIndex(f.department.findText("平安办"))
    assert counts(tab)[0] == ITEM_COUNT // 3
    assert {tab.model.index(r, 3).data() for r in range(tab.model.rowCount())} == {"平安办"}
    f.department.setCurrentIndex(0)
    assert f.category.count() > 5  # the first-level entries of the catalogue
    narrowed = [counts(tab)[0] for i in range(1, f.category.count())
                if f.category.setCurrentIndex(i) is None]
    assert sum(narrowed) == ITEM_COUNT  # every item sits under exactly one group


def matching(ctx, ids: list[int], text: str) -> bool:
    with ctx.db.session() as s:
        items = s.scalars(select(Item).where(Item.id.in_(ids))).all()
        return len(items) == len(ids) and all(text in i.title + i.content for i in items)


def test_search_updates_as_you_type(tab, ctx, qtbot):
    search = tab.filters.search
    assert search.placeholderText() == SEARCH_PLACEHOLDER
    search.setText("垃圾分类")  # 4 characters: the FTS path; the first keystroke goes at once
    found = counts(tab)[0]
    assert 0 < found < ITEM_COUNT and matching(ctx, tab.model.ids, "垃圾分类")
    # a burst of keystrokes is folded into one search when the burst ends
    search.setText("换")
    search.setText("换届")
    assert tab.filters.current_filter().search == "换届"
    qtbot.waitUntil(lambda: counts(tab)[0] != found, timeout=2000)
    two_chars = counts(tab)[0]  # 2 characters: the LIKE path
    assert 0 < two_chars < ITEM_COUNT and matching(ctx, tab.model.ids, "换届")
    search.clear()
    qtbot.waitUntil(lambda: counts(tab)[0] == ITEM_COUNT, timeout=2000)


def test_search_by_index_number_and_doc_no(tab, qtbot):
    tab.filters.search.setText("TEST/2025-00004")
    assert counts(tab)[0] == 1
    qtbot.wait(200)
    tab.filters.search.setText("街办发〔2026〕7号")  # normalised 文号
    qtbot.waitUntil(lambda: tab.filters.search._sent == "街办发〔2026〕7号", timeout=2000)
    assert counts(tab)[0] == 1
    assert tab.model.index(0, 1).data().endswith("（第7号）")


@pytest.mark.qt_log_ignore("does not support propagateSizeHints")  # the offscreen platform
def test_double_click_and_enter_open_the_item_dialog(tab, qtbot, fake_dialog):
    tab.show()
    qtbot.waitExposed(tab)
    rect = tab.view.visualRect(tab.model.index(2, 1))
    qtbot.mouseClick(tab.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(tab.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert fake_dialog.opened == [(tab.model.ids[2], tab)]
    tab.view.setFocus()
    qtbot.keyClick(tab.view, Qt.Key.Key_Return)
    assert fake_dialog.opened[-1] == (tab.model.ids[2], tab)
    tab.new_button.click()
    assert fake_dialog.opened[-1] == (None, tab)


def test_delete_a_draft_after_confirming(tab, ctx, messages):
    row = row_with_status(tab, "draft")
    item_id = tab.model.ids[row]
    tab.view.selectRow(row)
    tab.delete_button.click()
    assert messages.shown[-1][0] == "confirm" and "确定删除" in messages.shown[-1][1]
    with ctx.db.session() as s:
        assert s.get(Item, item_id) is None
        assert s.scalar(select(AuditEvent.action).where(AuditEvent.entity_id == str(item_id))
                        .order_by(AuditEvent.id.desc()).limit(1)) == "delete"
    assert counts(tab)[0] == ITEM_COUNT - 1


def test_delete_refused_for_item_in_review(tab, ctx, messages):
    row = row_with_status(tab, "in_review")
    item_id = tab.model.ids[row]
    tab.view.selectRow(row)
    tab.delete_selected()
    assert messages.shown[-1] == ("warn", "“审核中”的信息不能删除；已发布的信息请下架。")
    with ctx.db.session() as s:
        assert s.get(Item, item_id) is not None


def test_published_item_is_withdrawn_not_deleted(tab, ctx, messages, monkeypatch):
    row = row_with_status(tab, "published")
    item_id = tab.model.ids[row]
    tab.view.selectRow(row)
    assert tab.withdraw_button.isEnabled()
    messages.answer = False
    tab.delete_selected()
    assert "不能删除，只能下架" in messages.shown[-1][1]
    with ctx.db.session() as s:
        assert s.get(Item, item_id).status == "published"
    messages.answer = True
    monkeypatch.setattr(register_tab, "ask_withdraw_reason", lambda parent, title: "内容已过时")
    tab.delete_selected()
    with ctx.db.session() as s:
        assert s.get(Item, item_id).status == "withdrawn"
    assert tab.selected_id() == item_id  # kept selected through the refresh
    assert tab.selected_row().status == "withdrawn"
    assert not tab.withdraw_button.isEnabled()


def test_selection_survives_refresh_and_sort(tab):
    counts(tab)
    tab.view.selectRow(250)  # beyond the first page: found again when the full list is in
    item_id = tab.selected_id()
    tab.view.horizontalHeader().setSortIndicator(1, Qt.SortOrder.AscendingOrder)
    assert tab.model.sort_key == "title"
    counts(tab)
    assert tab.selected_id() == item_id
    tab.refresh()
    assert tab.count_label.text() == "正在统计…"
    counts(tab)
    assert tab.selected_id() == item_id
    assert tab.view.currentIndex().row() == tab.model.row_of(item_id)


def test_read_only_disables_editing(qtbot, ctx, fake_dialog):
    ctx.read_only = True
    widget = RegisterTab(ctx)
    qtbot.addWidget(widget)
    widget.refresh()
    widget.view.selectRow(0)
    assert not any(b.isEnabled() for b in (widget.new_button, widget.edit_button,
                                           widget.delete_button, widget.withdraw_button))
    widget.new_item()
    widget.delete_selected()
    assert fake_dialog.opened == [] and ctx.messages.shown == []


def test_revising_a_published_item_creates_a_draft_revision_and_opens_it(tab, ctx, fake_dialog, monkeypatch):
    import datetime as dt

    row = row_with_status(tab, "published")
    item_id = tab.model.ids[row]
    tab.view.selectRow(row)
    changed_on = ctx.today() - dt.timedelta(days=1)
    monkeypatch.setattr(register_tab, "ask_change_date", lambda parent, title, today: changed_on)
    tab.revise_selected()
    with ctx.db.session() as s:
        original = s.get(Item, item_id)
        revision = s.scalars(select(Item).where(Item.revision_of_id == item_id)).one()
        assert original.status == "published"  # stays public until the revision is published
        assert (revision.status, revision.changed_on, revision.revision_no) == ("draft", changed_on, 2)
        assert revision.due_on is not None and revision.due_on > changed_on
    assert fake_dialog.opened[-1][0] == revision.id


def test_revising_is_not_offered_for_a_draft(tab, ctx, fake_dialog, monkeypatch):
    row = row_with_status(tab, "draft")
    tab.view.selectRow(row)
    asked: list[str] = []
    monkeypatch.setattr(register_tab, "ask_change_date", lambda *a: asked.append("x"))
    tab.revise_selected()
    assert asked == [] and fake_dialog.opened == []


def test_export_excel_writes_the_filtered_view(tab, ctx, qtbot, tmp_path, monkeypatch):
    from openpyxl import load_workbook

    from deskapp.ui.common import excel_files as excel_actions

    tab.filters.status.setCurrentIndex(tab.filters.status.findData("published"))
    total, _late = counts(tab)
    target = tmp_path / "导出 台账.xlsx"
    monkeypatch.setattr(excel_actions, "ask_save_path", lambda *a, **k: str(target))
    tab.export_excel()
    qtbot.waitUntil(lambda: any("已导出" in text for _kind, text in ctx.messages.shown), timeout=20000)
    sheet = load_workbook(target, read_only=True).worksheets[0]
    statuses = [r for r in sheet.iter_rows(values_only=True)]
    assert sum(1 for r in statuses if "已发布" in r) == total
    assert not any("草稿" in r for r in statuses)


def test_deleting_a_draft_removes_its_attachment_files(tab, ctx, messages, tmp_path):
    from deskapp.core.attachments import files

    row = row_with_status(tab, "draft")
    item_id = tab.model.ids[row]
    source = tmp_path / "附件 名单.txt"
    source.write_text("只属于这一条草稿的附件", encoding="utf-8")
    with ctx.db.session() as s:
        info = files.add_attachment(s, ctx.db, ctx.actor, item_id, source)
    stored = files.attachment_path(ctx.db, info.sha256)
    assert stored.exists()
    tab.view.selectRow(tab.model.row_of(item_id))
    tab.delete_selected()
    assert not stored.exists()
