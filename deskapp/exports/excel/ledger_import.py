"""``deskapp import F.xlsx`` and the import wizard: read the ledger safely, preview it row by
row, import the good rows in one transaction; and the template with dropdowns.

The preview is computed again inside the importing transaction, so what is imported is
exactly what the register allows at that moment (someone may have added items meanwhile).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Generator, Optional

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import select

from deskapp.core.audit.chain import Actor
from deskapp.core.desk import backup_desk
from deskapp.core.ledger.commit import ImportResult, import_preview
from deskapp.core.ledger.preview import ImportOptions, Preview, analyse
from deskapp.core.store.db import Database
from deskapp.core.store.models import CatalogueEntry, Department
from deskapp.core.store.vocab import ATTRIBUTES, CHANNELS, KINDS
from deskapp.exports.excel.ledger_read import read_ledger
from deskapp.exports.excel.output import atomic_output
from deskapp.exports.excel.style import (
    DATE_FORMAT,
    HEADER_FILL,
    HEADER_FONT,
    NOTE_FONT,
    TITLE_FONT,
    Col,
    first_sheet,
    print_setup,
    put,
    set_widths,
)

Progress = tuple[int, int, str]
Mapping = Optional[dict[int, Optional[str]]]


def preview_file(db: Database, path: str | os.PathLike[str], today: Optional[dt.date] = None,
                 mapping: Mapping = None, sheet: Optional[str] = None,
                 options: ImportOptions = ImportOptions(), header_row: Optional[int] = None) -> Preview:
    """Read and check the ledger; nothing is written."""
    raw = read_ledger(path, sheet)
    with db.session() as s:
        return analyse(s, raw, today or dt.date.today(), mapping, options, header_row)


def import_file(db: Database, actor: Actor, path: str | os.PathLike[str],
                today: Optional[dt.date] = None, mapping: Mapping = None,
                sheet: Optional[str] = None, options: ImportOptions = ImportOptions(),
                skip_bad: bool = False, header_row: Optional[int] = None) -> tuple[Preview, ImportResult]:
    """Import the ledger's good rows (all or none, see core.ledger_commit)."""
    gen = import_job(db, actor, path, today, mapping, sheet, options, skip_bad, header_row)
    while True:
        try:
            next(gen)
        except StopIteration as stop:
            outcome: tuple[Preview, ImportResult] = stop.value  # import_job's return value
            return outcome


def import_job(db: Database, actor: Actor, path: str | os.PathLike[str],
               today: Optional[dt.date] = None, mapping: Mapping = None,
               sheet: Optional[str] = None, options: ImportOptions = ImportOptions(),
               skip_bad: bool = False, header_row: Optional[int] = None,
               ) -> Generator[Progress, None, tuple[Preview, ImportResult]]:
    """The same as a job for the window's worker: yields progress, returns the outcome."""
    today = today or dt.date.today()
    yield 0, 4, "正在读取台账…"
    raw = read_ledger(path, sheet)
    yield 1, 4, "正在备份台账…"
    backup_desk(db, "before-import")  # every import, from the window or the command line
    yield 2, 4, "正在检查每一行…"
    with db.session() as s:
        preview = analyse(s, raw, today, mapping, options, header_row)
        yield 3, 4, "正在导入…"
        result = import_preview(s, actor, preview, today, skip_bad, source_path=str(path))
    yield 4, 4, "已完成。"
    return preview, result


# --- the template ----------------------------------------------------------------------------------

TEMPLATE_COLS = [Col("索引号", "text", 12, 28), Col("标题*", "text", 30, 50), Col("文号", "text", 12, 22),
                 Col("形成日期*", "date", 15, 15), Col("发布日期", "date", 15, 15), Col("科室", "text", 12, 20),
                 Col("类别", "text", 16, 30), Col("信息种类", "text", 10, 12), Col("公开属性", "text", 10, 12),
                 Col("公开渠道", "text", 14, 26), Col("摘要", "text", 20, 40), Col("不予公开理由", "text", 14, 30)]
TEMPLATE_ROWS = 2000  # rows that carry the dropdowns
NOTES = [
    "带 * 的列必须填写；没有形成日期时可只填发布日期（即以发布日期为形成日期）。",
    "日期可写作 2026-9-3、2026/09/03、2026.9.3 或 2026年9月3日。",
    "填写了发布日期的信息导入为“已发布”，未填写的导入为“草稿”。",
    "索引号可不填，由系统按规则编号；填写的索引号原样保留。",
    "科室、类别、信息种类、公开属性可从下拉列表选择；公开渠道可选一个，也可用顿号分隔写多个。",
    "同一索引号，或标题和日期都相同的行，视为重复，导入时跳过并列出。",
    "请勿在单元格中使用公式；第1行标题可改，列名（第2行）请勿修改。",
]


def _choices(db: Database) -> dict[str, list[str]]:
    with db.session() as s:
        departments = [d.name for d in s.scalars(select(Department).where(Department.active.is_(True))
                                                 .order_by(Department.sort_order, Department.id))]
        entries = list(s.scalars(select(CatalogueEntry).where(CatalogueEntry.active.is_(True))
                                 .order_by(CatalogueEntry.sort_order, CatalogueEntry.id)))
    names = {e.id: e.name for e in entries}
    categories = [f"{names[e.parent_id]}/{e.name}" for e in entries if e.parent_id in names]
    return {"科室": departments, "类别": categories, "信息种类": list(KINDS),
            "公开属性": list(ATTRIBUTES.values()), "公开渠道": list(CHANNELS)}


def write_template(db: Database, path: str | os.PathLike[str]) -> Path:
    """An empty ledger with dropdowns for 科室, 类别 (the catalogue), 信息种类, 公开属性, 渠道."""
    choices = _choices(db)
    wb = Workbook()
    ws = first_sheet(wb)
    ws.title = "台账"
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(TEMPLATE_COLS))
    put(ws, 1, 1, "政务公开信息台账（导入模板）", "center", font=TITLE_FONT, border=False)
    ws.row_dimensions[1].height = 30
    for c, col in enumerate(TEMPLATE_COLS, start=1):
        put(ws, 2, c, col.header, "center", font=HEADER_FONT, fill=HEADER_FILL)
        if col.kind == "date":
            for r in range(3, TEMPLATE_ROWS + 3):
                ws.cell(r, c).number_format = DATE_FORMAT
    set_widths(ws, TEMPLATE_COLS, [])
    print_setup(ws, 2, landscape=True)  # A4 across, header repeated, frozen below row 2
    _dropdowns(wb, ws, choices)
    help_sheet = wb.create_sheet("填写说明")
    for n, note in enumerate(NOTES, start=1):
        put(help_sheet, n, 1, f"{n}. {note}", font=NOTE_FONT, border=False)
    help_sheet.column_dimensions["A"].width = 100
    with atomic_output(path) as folder:
        wb.save(folder / "out.xlsx")
    return Path(path)


def _dropdowns(wb: Workbook, ws: Worksheet, choices: dict[str, list[str]]) -> None:
    """Lists longer than Excel's 255-character inline limit live on a hidden sheet."""
    lists = wb.create_sheet("选项")
    lists.sheet_state = "hidden"
    headers = [c.header for c in TEMPLATE_COLS]
    for n, (name, values) in enumerate(choices.items(), start=1):
        letter = get_column_letter(n)
        lists.cell(1, n, name)
        for r, value in enumerate(values, start=2):
            cell = lists.cell(r, n, value)
            cell.data_type = "s"
        if not values:
            continue
        target = get_column_letter(headers.index(name) + 1)
        dv = DataValidation(type="list", formula1=f"'选项'!${letter}$2:${letter}${len(values) + 1}",
                            allow_blank=True, showErrorMessage=name not in ("公开渠道", "科室"))
        dv.error, dv.errorTitle = f"请从下拉列表中选择{name}。", "输入有误"
        dv.add(f"{target}3:{target}{TEMPLATE_ROWS + 2}")
        ws.add_data_validation(dv)
