"""Excel export of the register view: the filtered rows, in order, typed, atomic."""

from __future__ import annotations

import openpyxl
import pytest

from deskapp.core.errors import DeskError  # noqa: E402
from deskapp.core.register.query import ItemFilter, Register  # noqa: E402
from deskapp.exports.excel import output  # noqa: E402
from deskapp.exports.excel.register_export import export_register_job, export_rows  # noqa: E402
from tests.f_excel_data import FORMULA_TITLES, TODAY


def run(gen):
    steps = []
    try:
        while True:
            steps.append(next(gen))
    except StopIteration as stop:
        return stop.value, steps


def test_filtered_view_exported_in_order(built_db, tmp_path):
    f = ItemFilter(year=2026, overdue_only=True)
    register = Register(built_db, TODAY)
    with built_db.session() as s:
        want = register.rows(s, f, "due_on", False)
    out = tmp_path / "导出 台账.xlsx"
    count, steps = run(export_register_job(built_db, out, f, "due_on", False, TODAY))
    assert count == len(want) > 0 and steps[-1][0] == steps[-1][1] == count
    ws = openpyxl.load_workbook(out)["台账"]
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    assert [r[1] for r in rows] == [w.index_no for w in want]
    assert all(r[13].startswith("超期") for r in rows)
    assert "筛选条件：2026年形成、超期" in ws["A2"].value
    assert ws.freeze_panes == "A4" and ws.auto_filter.ref == f"A3:S{len(rows) + 3}"
    assert ws["J4"].is_date and ws["J4"].number_format == 'yyyy"年"m"月"d"日"'
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$1:$3"


def test_every_row_and_formula_like_titles_stay_text(built_db, tmp_path):
    register = Register(built_db, TODAY)
    with built_db.session() as s:
        rows = register.rows(s, ItemFilter())
    seen = []
    out = tmp_path / "全部.xlsx"
    assert export_rows(rows, out, progress=lambda done, total: seen.append((done, total)),
                       total=len(rows)) == len(rows)
    ws = openpyxl.load_workbook(out)["台账"]
    cells = {row[2].value: row[2].data_type for row in ws.iter_rows(min_row=4)}
    assert len(cells) <= len(rows) and ws.max_row == len(rows) + 3
    for title in FORMULA_TITLES:
        assert cells[title] == "s", title
    assert seen and seen[-1] == (len(rows), len(rows))


def test_locked_target_keeps_old_file(built_db, tmp_path, monkeypatch):
    folder = tmp_path / "导出"
    folder.mkdir()
    out = folder / "台账.xlsx"
    out.write_bytes(b"old")
    monkeypatch.setattr(output.os, "replace", lambda a, b: (_ for _ in ()).throw(PermissionError(13, "locked")))
    with pytest.raises(DeskError):
        run(export_register_job(built_db, out, ItemFilter(), today=TODAY))
    assert out.read_bytes() == b"old"
    assert [p.name for p in folder.iterdir()] == ["台账.xlsx"]


def test_empty_view_gives_a_header_only_workbook(built_db, tmp_path):
    out = tmp_path / "空.xlsx"
    count, _ = run(export_register_job(built_db, out, ItemFilter(search="不可能出现的词语组合"), today=TODAY))
    ws = openpyxl.load_workbook(out)["台账"]
    assert count == 0 and ws.max_row == 3 and ws["A3"].value == "序号"
