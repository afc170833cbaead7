"""The import wizard remembers the column mapping of a header layout, and reads a hostile
workbook (issue 15 §3) without hanging the window."""

from __future__ import annotations

import time
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from deskapp.core.audit.chain import Actor
from deskapp.core.ledger import memory
from deskapp.core.store.backups import list_backups
from deskapp.core.store.models import Item, Setting
from deskapp.ui.common.context import AppContext
from deskapp.ui.common.messages import RecordingMessages
from deskapp.ui.ledger.import_wizard import ImportWizard
from tests.f_excel_data import TODAY

HEADERS = ["序号", "内容概述", "生成日期", "备注"]


@pytest.fixture
def xctx(db) -> AppContext:
    return AppContext(db=db, actor=Actor(None, "测试员"), messages=RecordingMessages(), clock=lambda: TODAY)


def _ledger(path: Path, title: str, headers=HEADERS) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers)
    ws.append([1, title, "2026-9-1", ""])
    wb.save(path)
    return path


def _to_mapping(qtbot, ctx: AppContext, path: Path) -> ImportWizard:
    wizard = ImportWizard(ctx)
    qtbot.addWidget(wizard)
    wizard.restart()
    wizard.file_page.path.setText(str(path))
    wizard.next()
    assert wizard.currentPage() is wizard.mapping_page, ctx.messages.shown
    return wizard


def _import(qtbot, wizard: ImportWizard) -> None:
    wizard.next()
    assert wizard.currentPage() is wizard.preview_page, wizard.ctx.messages.shown
    wizard.next()
    with qtbot.waitSignal(wizard.job.finished, timeout=30000):
        pass
    qtbot.waitUntil(lambda: wizard.result_page.done, timeout=5000)


def test_the_wizard_remembers_a_mapping_per_header_layout(qtbot, xctx, tmp_path):
    first = _to_mapping(qtbot, xctx, _ledger(tmp_path / "一季度.xlsx", "一季度的信息"))
    page = first.mapping_page
    assert not page.remembered and [c.currentData() for c in page.combos] == [None, "summary", "formed_on", None]
    page.set_field(1, "title")  # 内容概述 is the title in this office's ledger
    _import(qtbot, first)
    # The next quarter's ledger, same header (spaces and a 必填 mark aside): the same mapping.
    second = _to_mapping(qtbot, xctx, _ledger(tmp_path / "二季度.xlsx", "二季度的信息",
                                              ["序号", " 内容概述（必填）", "生成日期", "备注"]))
    page = second.mapping_page
    assert page.remembered and "上次" in page.recalled.text()
    assert [c.currentData() for c in page.combos] == [None, "title", "formed_on", None]
    _import(qtbot, second)
    with xctx.db.session() as s:
        titles = set(s.scalars(select(Item.title)))
        kept = s.scalar(select(func.count()).select_from(Setting).where(Setting.key.like("ledger_map:%")))
    assert {"一季度的信息", "二季度的信息"} <= titles and kept == 1
    # each import from the wizard was backed up first (core's one import job does it)
    assert [b.reason for b in list_backups(xctx.db.backups_dir)] == ["before-import"] * 2
    # Another layout is not touched by it.
    other = _to_mapping(qtbot, xctx, _ledger(tmp_path / "别的.xlsx", "别的", ["序号", "内容概述", "成文日期"]))
    assert not other.mapping_page.remembered
    assert [c.currentData() for c in other.mapping_page.combos][:3] == [None, "summary", "formed_on"]


def test_a_remembered_mapping_that_no_longer_fits_is_ignored(db):
    with db.session() as s:
        s.add(Setting(key=memory.layout_key(HEADERS), value=["no_such_field", "title", None, None]))
    with db.session() as s:
        assert memory.recall(s, HEADERS) is None
        memory.remember(s, HEADERS + [None, ""], {1: "title", 2: "formed_on"})
    with db.session() as s:
        assert memory.recall(s, HEADERS) == {0: None, 1: "title", 2: "formed_on", 3: None}
        assert memory.recall(s, HEADERS[:3]) is None


def test_the_wizard_reads_an_old_xls_and_ends_on_the_dimension_bomb(qtbot, xctx, tmp_path):
    from tests.exports.excel.test_ledger_import import dimension_bomb, xls_ledger

    wizard = ImportWizard(xctx)
    qtbot.addWidget(wizard)
    wizard.restart()
    wizard.file_page.path.setText(str(dimension_bomb(tmp_path / "远角.xlsx")))
    started = time.monotonic()
    wizard.next()  # the file page reads the workbook (read_ledger) on the GUI thread
    assert time.monotonic() - started < 20
    assert wizard.currentPage() is wizard.file_page
    assert "是空的" in xctx.messages.shown[-1][1]
    wizard.file_page.path.setText(str(xls_ledger(tmp_path / "旧版.xls")))
    wizard.file_page.create_departments.setChecked(True)  # an empty desk: its 科室 come with the ledger
    wizard.next()
    page = wizard.mapping_page
    assert wizard.currentPage() is page and page.header_row.value() == 2
    assert [c.currentData() for c in page.combos] == [None, "title", "formed_on", "published_on", "department",
                                                      "validity"]
    wizard.next()
    assert "第6行是“合计”行，不是一条信息，已跳过。" in wizard.preview_page.summary.text()
    assert wizard.preview_page.isComplete()
    wizard.next()
    with qtbot.waitSignal(wizard.job.finished, timeout=30000):
        pass
    qtbot.waitUntil(lambda: wizard.result_page.done, timeout=5000)
    assert "已导入3条信息" in wizard.result_page.text.text()
