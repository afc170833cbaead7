"""操作记录 as a workbook: the filtered audit events, one row each, for an inspector.

Written beside the target and moved into place (the old file survives any failure); every
user text is written as text (a name or opinion starting with "=" is never a formula).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

from openpyxl import Workbook

from deskapp.core.review.history import HistoryRow
from deskapp.exports.excel.output import atomic_output
from deskapp.exports.excel.style import (
    Col,
    first_sheet,
    header_row,
    print_setup,
    put,
    set_widths,
    text_width,
    title_rows,
    wrapped_height,
)

COLUMNS = [
    Col("编号", "center", 6, 10),
    Col("时间", "text", 18, 20),
    Col("操作人", "text", 8, 16),
    Col("操作", "text", 8, 18),
    Col("对象", "text", 6, 14),
    Col("对象编号", "center", 6, 12),
    Col("名称", "wrap", 20, 40),
    Col("内容", "wrap", 30, 70),
]


def write_history(rows: Sequence[HistoryRow], path: str | os.PathLike[str], title: str = "操作记录",
                  note: str = "") -> Path:
    wb = Workbook()
    ws = first_sheet(wb)
    ws.title = "操作记录"
    first = title_rows(ws, title, note or f"共 {len(rows)} 条", len(COLUMNS))
    header_row(ws, first, COLUMNS)
    widths = [0.0] * len(COLUMNS)
    for n, r in enumerate(rows, start=first + 1):
        values = [r.id, r.at.strftime("%Y-%m-%d %H:%M:%S"), r.actor, r.action_label, r.entity_label,
                  r.entity_id, r.subject, r.details]
        for i, (col, value) in enumerate(zip(COLUMNS, values, strict=True), start=1):
            put(ws, n, i, value, col.kind)
            widths[i - 1] = max(widths[i - 1], text_width(value))
        height = wrapped_height(values, COLUMNS)
        if height:
            ws.row_dimensions[n].height = height
    set_widths(ws, COLUMNS, widths)
    last = first + max(len(rows), 1)
    print_setup(ws, first, landscape=True, filter_ref=f"A{first}:H{last}")
    with atomic_output(path) as folder:
        wb.save(folder / "out.xlsx")
    return Path(path)
