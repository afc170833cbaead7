"""The tally workbook read back: sheets, numbers, formats, print setup, text stays text,
and a failed save never destroys the old file."""

from __future__ import annotations

import datetime as dt
import errno
import zipfile
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from deskapp.core.errors import DeskError  # noqa: E402
from deskapp.core.register import items as register  # noqa: E402
from deskapp.core.register.items import ItemData  # noqa: E402
from deskapp.core.reports import reported as tally_report  # noqa: E402
from deskapp.core.reports import tally  # noqa: E402
from deskapp.core.store.models import Item  # noqa: E402
from deskapp.exports.excel import output  # noqa: E402
from deskapp.exports.excel.style import DATE_FORMAT  # noqa: E402
from deskapp.exports.excel.tally import write_tally  # noqa: E402
from tests.f_excel_data import ACTOR, FORMULA_TITLES, TODAY

SHEETS = ["汇总", "分类统计", "科室统计", "渠道统计", "明细", "超期清单", "工作记录"]


def run(gen):
    steps = []
    try:
        while True:
            steps.append(next(gen))
    except StopIteration as stop:
        return stop.value, steps


@pytest.fixture
def out(tmp_path) -> Path:
    folder = tmp_path / "导出 文件夹"
    folder.mkdir()
    return folder / "2026年 第3季度 统计.xlsx"


@pytest.fixture
def workbook(built_db, out):
    result, steps = run(write_tally(built_db, 2026, 3, out, TODAY))
    return result, steps, openpyxl.load_workbook(out)


def test_sheets_and_summary_numbers(workbook, built_db):
    result, _, wb = workbook
    assert wb.sheetnames == SHEETS  # not reported: no 上报后变更
    ws = wb["汇总"]
    with built_db.session() as s:
        qf = tally.quarter_figures(s, 2026, 3, TODAY)
    assert ws["A1"].value.endswith("政务公开工作统计表（2026年第3季度）")
    assert "2026年7月1日至2026年9月30日" in ws["A2"].value
    assert [c.value for c in ws[3]] == ["序号", "统计项目", "单位", "本季度", "截至本季度", "7月", "8月",
                                        "9月", "统计口径"]
    for n, row in enumerate(qf.rows, start=4):
        cells = ws[n]
        assert cells[1].value == row.figure.label
        got = [cells[3].value, cells[4].value, *(c.value for c in cells[5:8])]
        want = [row.quarter, row.ytd, *row.months]
        for g, w in zip(got, want, strict=True):
            assert g == (pytest.approx(w) if isinstance(w, float) else w), row.figure.label
            assert not isinstance(g, str), "numbers must be numbers, not text"
        assert cells[8].value == row.figure.rule
        if row.figure.unit == "%":
            assert cells[3].number_format == "0.0%"
        else:
            assert cells[3].number_format == "#,##0"
    assert len(ws._charts) == 1


def test_lists_match_the_figures(workbook, built_db):
    result, _, wb = workbook
    detail = wb["明细"]
    rows = list(detail.iter_rows(min_row=4, values_only=True))
    with built_db.session() as s:
        qf = tally.quarter_figures(s, 2026, 3, TODAY)
        pub = {i.index_no for i in s.scalars(select(Item).where(tally.published_in(qf.period)))}
    assert len(rows) == qf.value("published_total") == result.detail_rows
    assert {r[1] for r in rows} == pub
    assert [r[0] for r in rows] == list(range(1, len(rows) + 1))
    late = list(wb["超期清单"].iter_rows(min_row=4, values_only=True))
    assert len(late) == qf.value("late_published") + qf.value("overdue_unpublished")
    assert all(isinstance(r[9], int) and r[9] > 0 for r in late)
    log = list(wb["工作记录"].iter_rows(min_row=4, values_only=True))
    assert len(log) == sum(qf.value(k) for k in ("responses", "meetings", "trainings", "publicity",
                                                  "hearings", "supervision"))


def test_formats_print_setup_and_filters(workbook):
    _, _, wb = workbook
    for name in SHEETS:
        ws = wb[name]
        assert ws.freeze_panes == "A4", name
        assert ws.print_title_rows == "$1:$3", name
        assert ws.page_setup.paperSize == "9" or ws.page_setup.paperSize == 9, name
        assert ws.sheet_properties.pageSetUpPr.fitToPage, name
        one_page = "1" if name == "汇总" else "0"  # the summary with its chart on one page
        assert str(ws.page_setup.fitToWidth) == "1" and str(ws.page_setup.fitToHeight) == one_page, name
        assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text, name
        assert "A1" in {str(r).split(":")[0] for r in ws.merged_cells.ranges}, name
    for name in ("明细", "超期清单", "工作记录", "科室统计", "分类统计"):
        ws = wb[name]
        assert ws.auto_filter.ref == f"A3:{ws.cell(3, ws.max_column).column_letter}{ws.max_row}", name
    assert wb["明细"].page_setup.orientation == "landscape"
    assert wb["分类统计"].page_setup.orientation == "portrait"
    detail = wb["明细"]
    assert detail["I4"].number_format == DATE_FORMAT and detail["I4"].is_date
    assert detail.column_dimensions["C"].width >= 30  # titles get room
    assert wb["科室统计"]["E4"].number_format == "0.0%"


def test_text_that_looks_like_a_formula_stays_text(workbook, out):
    _, _, wb = workbook
    titles = {}
    for ws in (wb["明细"], wb["超期清单"], wb["工作记录"]):
        for row in ws.iter_rows(min_row=4):
            for cell in row:
                if isinstance(cell.value, str) and cell.value[:1] in "=+@":
                    titles[cell.value] = cell.data_type
    assert set(FORMULA_TITLES) & set(titles), "the test data must contain formula-like titles"
    assert "=季度末会议" in titles
    assert set(titles.values()) == {"s"}
    with zipfile.ZipFile(out) as zf:  # and no formula anywhere in the file
        for name in zf.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in zf.read(name) and b"<f " not in zf.read(name), name


def test_read_only_readers_see_numbers(workbook, out):
    """pandas and WPS read values; read-only mode walks the streamed XML as they would."""
    wb = openpyxl.load_workbook(out, read_only=True)
    ws = wb["明细"]
    row = next(ws.iter_rows(min_row=4, max_row=4, values_only=True))
    assert isinstance(row[0], int) and isinstance(row[8], dt.datetime)
    assert ws.max_row == len(list(ws.iter_rows(min_row=1)))
    wb.close()


def test_progress_is_monotonic_and_ends_full(workbook):
    _, steps, _ = workbook
    done = [d for d, _, _ in steps]
    assert done == sorted(done) and steps[-1][0] == steps[-1][1]
    assert all(isinstance(t, str) and t for _, _, t in steps)


def test_changes_after_report_get_their_sheet(built_db, out):
    with built_db.session() as s:
        tally_report.mark_reported(s, ACTOR, 2026, 3, dt.date(2026, 10, 9))
    run(write_tally(built_db, 2026, 3, out, TODAY))
    wb = openpyxl.load_workbook(out)
    assert "上报后变更" not in wb.sheetnames and "已于2026年10月9日上报（测试员）" in wb["汇总"]["A2"].value
    with built_db.session() as s:
        register.create_item(s, ACTOR, ItemData(title="=补录", kind="工作动态", formed_on=dt.date(2026, 9, 1),
                                                published_on=dt.date(2026, 9, 2), status="published"),
                             today=TODAY)
    run(write_tally(built_db, 2026, 3, out, TODAY))
    ws = openpyxl.load_workbook(out)["上报后变更"]
    values = [[c.value for c in row] for row in ws.iter_rows(min_row=4)]
    total = next(v for v in values if v[0] == "发布信息总数" and v[1] == "本季度")
    assert total[3] - total[2] == 1 and total[4] == 1
    item = next(v for v in values if v[1] == "=补录")
    assert item[4] == "上报后新增计入"
    assert ws.cell(row=values.index(item) + 4, column=2).data_type == "s"


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".deskapp-"))


def test_locked_target_keeps_the_old_file(built_db, out, monkeypatch):
    out.write_bytes(b"old workbook")

    def locked(src, dst):
        raise PermissionError(13, "Permission denied", str(dst))

    monkeypatch.setattr(output.os, "replace", locked)
    with pytest.raises(DeskError) as err:
        run(write_tally(built_db, 2026, 3, out, TODAY))
    assert "WPS" in err.value.message and "原文件未改动" in err.value.message
    assert out.read_bytes() == b"old workbook" and _leftovers(out.parent) == []


def test_full_disk_keeps_the_old_file(built_db, out, monkeypatch):
    out.write_bytes(b"old workbook")
    real_write = zipfile.ZipFile.writestr

    def full(self, *args, **kwargs):
        if self.filename.endswith("out.xlsx"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(self, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "writestr", full)
    with pytest.raises(DeskError) as err:
        run(write_tally(built_db, 2026, 3, out, TODAY))
    assert "磁盘空间不足" in err.value.message
    assert out.read_bytes() == b"old workbook" and _leftovers(out.parent) == []


def test_cancelling_midway_leaves_nothing(built_db, out):
    out.write_bytes(b"old workbook")
    gen = write_tally(built_db, 2026, 3, out, TODAY)
    for _ in range(3):
        next(gen)
    gen.close()
    assert out.read_bytes() == b"old workbook" and _leftovers(out.parent) == []


@pytest.mark.parametrize("name, words", [("统计.xls", ".xlsx"), ("不存在的文件夹/统计.xlsx", "不存在")])
def test_bad_targets(built_db, out, name, words):
    with pytest.raises(DeskError) as err:
        run(write_tally(built_db, 2026, 3, out.parent / name, TODAY))
    assert words in err.value.message


def test_future_quarter_refused(built_db, out):
    with pytest.raises(DeskError):
        run(write_tally(built_db, 2027, 2, out, TODAY))
    assert not out.exists()


def test_row_numbers_strictly_increase_in_every_sheet(workbook, out):
    """Excel refuses (repairs) a sheet with a row twice: the splice must not leave one."""
    import re

    with zipfile.ZipFile(out) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/sheet"):
                rows = [int(n) for n in re.findall(rb'<row r="(\d+)"', zf.read(name))]
                assert rows == sorted(set(rows)), name


def test_figures_counted_meanwhile_on_a_changed_register_are_counted_again(built_db, out, monkeypatch,
                                                                          tmp_path):
    """The figures are counted in a second thread; when they disagree with the detail list
    (the register changed in between), they are counted again in the list's transaction."""
    import shutil

    from deskapp.core.desk import open_database
    from deskapp.exports.excel import tally as tally_xlsx

    built_db.close()
    shutil.copyfile(built_db.path, tmp_path / "changed.db")
    changed = open_database(tmp_path / "changed.db")  # the register as it is a moment later
    with changed.session() as s:
        register.create_item(s, ACTOR, ItemData(title="别处新增", kind="工作动态", formed_on=dt.date(2026, 9, 1),
                                                published_on=dt.date(2026, 9, 2), status="published"),
                             today=TODAY)
    real_count, real_count_in, calls = tally_xlsx._count, tally_xlsx._count_in, []
    monkeypatch.setattr(tally_xlsx, "_count", lambda db, y, q, t: real_count(changed, y, q, t))
    monkeypatch.setattr(tally_xlsx, "_count_in", lambda *a: calls.append(a) or real_count_in(*a))
    db = open_database(built_db.path)
    try:
        result, _ = run(write_tally(db, 2026, 3, out, TODAY))
    finally:
        db.close()
        changed.close()
    assert len(calls) == 2  # the other thread's count, then the recount
    assert result.figures.value("published_total") == result.detail_rows
    ws = openpyxl.load_workbook(out)["汇总"]
    total = next(r for r in ws.iter_rows(min_row=4, values_only=True) if r[1] == "发布信息总数")
    assert total[3] == result.detail_rows


def test_summary_carries_the_audit_anchor(workbook, built_db, tmp_path):
    """The newest event's id and first 12 hex digits, as its last line and print footer: the
    workbook sent away anchors the log (issue 15 §2); audit verify --anchor accepts it."""
    from sqlalchemy import text

    from deskapp.core.audit.chain import check_printed_anchor

    _, _, wb = workbook
    ws = wb["汇总"]
    with built_db.session() as s:
        event_id, digest = s.execute(text("SELECT id, hash FROM audit_event ORDER BY id DESC LIMIT 1")).first()
        expected = f"审计锚点 {event_id}:{digest[:12]}"
        lines = [c.value for row in ws.iter_rows(min_col=1, max_col=1) for c in row if c.value]
        assert lines[-1] == expected and ws.oddFooter.left.text == expected
        printed_id, printed_hex = expected.split(" ")[1].split(":")
        assert check_printed_anchor(s, int(printed_id), printed_hex) is None
