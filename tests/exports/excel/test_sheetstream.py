"""The fast row writer: what it writes reads back as the same values, typed and styled."""

from __future__ import annotations

import datetime as dt

import openpyxl
from openpyxl import Workbook

from deskapp.exports.excel.sheetstream import StreamedSheet, splice
from deskapp.exports.excel.style import Col


def test_values_round_trip(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "列表"
    ws["A1"] = "表头"
    cols = [Col("文字"), Col("数", "int"), Col("日期", "date"), Col("换行", "wrap", 10, 10), Col("比例", "pct")]
    sheet = StreamedSheet(wb, ws, 2, cols, tmp_path)
    rows = [
        ["=1+1", 42, dt.date(2026, 9, 3), "很长的标题" * 6, 0.935],
        ["  前后有空格  ", 3.5, dt.datetime(2026, 9, 3, 12, 0), "a&b<c>d", None],
        ["控制\x01字符\x1f", True, None, "", "—"],
        ["长" * 40000, 0, dt.date(1999, 12, 31), "\n两行\n", 1],
    ]
    sheet.extend(rows)
    sheet.finish()
    wb.save(tmp_path / "layout.xlsx")
    splice(tmp_path / "layout.xlsx", tmp_path / "out.xlsx", [sheet])
    back = openpyxl.load_workbook(tmp_path / "out.xlsx")["列表"]
    got = [[c.value for c in row] for row in back.iter_rows(min_row=2)]
    assert got[0][:3] == ["=1+1", 42, dt.datetime(2026, 9, 3)] and back["A2"].data_type == "s"
    assert got[0][4] == 0.935 and back["E2"].number_format == "0.0%"
    assert got[1][0] == "  前后有空格  " and got[1][3] == "a&b<c>d"
    assert got[1][2] == dt.datetime(2026, 9, 3, 12, 0)
    assert got[2][0] == "控制字符" and got[2][1] is True and got[2][4] == "—"
    assert len(got[3][0]) == 32767 and got[3][3] == "\n两行\n"
    assert back["C2"].number_format == 'yyyy"年"m"月"d"日"'
    assert back.row_dimensions[2].height and back.row_dimensions[2].height > 15  # wrapped title
    assert back["A1"].value == "表头" and sheet.count == 4 and sheet.last_row == 5
