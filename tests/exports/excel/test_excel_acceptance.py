"""Acceptance-pass findings on the Excel workbooks (issue 5), each pinned by a test: what a
clerk saw when the workbooks were printed through LibreOffice — rule texts carrying the
docstring's line break, titles wider than a narrow sheet (clipped at both ends), index
numbers cut off, the 上报后变更 item list squeezed into the figure table's columns, and the
register export's note not saying which department it was filtered by."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from sqlalchemy import select

from deskapp.core.register import items as register  # noqa: E402
from deskapp.core.register.items import ItemData  # noqa: E402
from deskapp.core.register.query import ItemFilter  # noqa: E402
from deskapp.core.reports import reported as tally_report  # noqa: E402
from deskapp.core.reports import tally  # noqa: E402
from deskapp.core.store import settings  # noqa: E402
from deskapp.core.store.models import Department  # noqa: E402
from deskapp.exports.excel.register_export import describe  # noqa: E402
from deskapp.exports.excel.style import text_width  # noqa: E402
from deskapp.exports.excel.tally import write_tally  # noqa: E402
from tests.f_excel_data import ACTOR, TODAY

ORG = "云溪区长安街道办事处"
LONG_TITLE = "关于长安街道2026年第三季度老旧小区改造项目（第二批）居民意见征集情况的公示"


def run(gen):
    try:
        while True:
            next(gen)
    except StopIteration as stop:
        return stop.value


def _width(ws, col: int) -> float:
    dim = ws.column_dimensions[get_column_letter(col)]
    return dim.width if dim.customWidth else 8.43


@pytest.fixture
def reported_workbook(built_db, tmp_path):
    """The 2026Q3 workbook of a real office, reported and then changed (上报后变更 present)."""
    with built_db.session() as s:
        settings.put_many(s, {"org_name": ORG, "index_prefix": "113308020025947382", "serial_width": 5})
        tally_report.mark_reported(s, ACTOR, 2026, 3, dt.date(2026, 10, 9))
    with built_db.session() as s:
        register.create_item(s, ACTOR, ItemData(title=LONG_TITLE, kind="公告公示",
                                                formed_on=dt.date(2026, 9, 1),
                                                published_on=dt.date(2026, 9, 2), status="published"),
                             today=TODAY)
        register.create_item(s, ACTOR, ItemData(title="逾期未发布的通知", kind="工作动态",
                                                formed_on=dt.date(2026, 7, 1)), today=TODAY)
    out = tmp_path / "第3季度 统计.xlsx"
    run(write_tally(built_db, 2026, 3, out, TODAY))
    return openpyxl.load_workbook(out)


def test_rule_texts_carry_no_source_layout():
    for f in tally.FIGURES:
        assert "\n" not in f.rule and "  " not in f.rule, f.label


def test_every_title_fits_its_sheet_or_wraps(reported_workbook):
    assert "上报后变更" in reported_workbook.sheetnames
    for ws in reported_workbook:
        title = ws["A1"].value
        span = next(r for r in ws.merged_cells.ranges if r.min_row == 1 and r.min_col == 1)
        room = sum(_width(ws, c) for c in range(span.min_col, span.max_col + 1))
        need = text_width(title) * 16 / 11  # the title is 16 pt, widths are in 11 pt digits
        if need > room:
            lines = -(-need // room)
            assert ws["A1"].alignment.wrap_text, ws.title
            assert ws.row_dimensions[1].height >= 20 * lines, ws.title


def test_index_numbers_are_not_cut_off(reported_workbook):
    for name in ("明细", "超期清单"):
        ws = reported_workbook[name]
        assert ws["B3"].value == "索引号"
        longest = max(text_width(r[0]) for r in ws.iter_rows(min_row=4, min_col=2, max_col=2,
                                                              values_only=True))
        assert _width(ws, 2) >= longest + 1, name


def test_changes_sheet_item_list_is_readable(reported_workbook):
    ws = reported_workbook["上报后变更"]
    assert "已于2026年10月9日上报" in ws["A1"].value  # a Chinese date, as everywhere else
    rows = list(ws.iter_rows(min_row=4))
    item = next(r for r in rows if r[1].value == LONG_TITLE)
    assert _width(ws, 1) >= text_width(item[0].value) + 1
    title_width = _width(ws, 2)
    if title_width < text_width(LONG_TITLE) + 1:
        lines = -(-text_width(LONG_TITLE) // title_width)
        assert item[1].alignment.wrap_text
        assert ws.row_dimensions[item[1].row].height >= 13 * lines


def test_register_export_note_names_the_department(built_db):
    with built_db.session() as s:
        dep = s.scalar(select(Department).where(Department.name == "社会事务办"))
    text = describe(ItemFilter(department_id=dep.id, status="published"), built_db)
    assert "社会事务办" in text and "已发布" in text


def test_a_future_publication_date_is_reported_once_at_its_own_column(db, tmp_path):
    """A ledger without a 形成日期 column: the row's 发布日期 stands in for it, so a date in the
    future must be reported once, at 发布日期 — not also at an empty 形成日期 cell."""
    from deskapp.exports.excel.ledger_import import preview_file

    path = tmp_path / "旧 台账.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["标题", "形成日期", "发布日期"])
    ws.append(["明年才发布的信息", None, "2027-01-05"])
    wb.save(path)
    preview = preview_file(db, path, TODAY)
    (row,) = preview.rows
    assert row.status == "error"
    assert [(i.column, i.reason) for i in row.issues] == [("C", "发布日期不能晚于今天")]
