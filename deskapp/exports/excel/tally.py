"""The quarterly tally workbook (``deskapp tally --quarter 2026Q3 --out F.xlsx``).

Sheets: 汇总 (figures, quarter and year to date, by month, with the rule of each and a chart
by catalogue group), 分类统计, 科室统计, 渠道统计, 明细, 超期清单, 工作记录, and 上报后变更 when
the quarter was reported and has changed since. Every number comes from core.tally /
core.tally_tables; this module only lays them out. A generator: it yields
``(done, total, text)`` and returns a :class:`TallyResult`.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Generator, Optional

from openpyxl import Workbook

from deskapp.core import settings, tally, tally_report, tally_tables, worklog
from deskapp.core.calendar import WorkCalendar
from deskapp.core.dates import chinese_date
from deskapp.core.db import Database
from deskapp.core.tally import QuarterFigures
from deskapp.core.tally_report import ReportChanges, ReportInfo
from deskapp.exports.excel import tally_sheets as sheets
from deskapp.exports.excel.output import atomic_output, check_target
from deskapp.exports.excel.sheetstream import StreamedSheet, splice

Progress = tuple[int, int, str]
STEP_ROWS = 1000  # detail rows between two progress reports


@dataclass(frozen=True)
class TallyResult:
    path: Path
    figures: QuarterFigures
    report: Optional[ReportInfo]
    changes: Optional[ReportChanges]
    detail_rows: int
    late_rows: int


def heading(org: str, qf: QuarterFigures, today: dt.date, report: Optional[ReportInfo]) -> tuple[str, str]:
    """The title and the line under it that every sheet carries."""
    title = f"{org}政务公开工作统计表（{qf.year}年第{qf.quarter}季度）"
    note = (f"统计期间：{chinese_date(qf.period.first)}至{chinese_date(qf.period.last)}；"
            f"截至本季度：{chinese_date(qf.ytd.first)}至{chinese_date(qf.ytd.last)}；"
            f"制表日期：{chinese_date(today)}")
    if qf.period.as_of <= qf.period.last:
        note += f"（本季度尚未结束，数据截至{chinese_date(qf.period.as_of - tally.ONE_DAY)}）"
    if report is not None:
        note += f"；已于{chinese_date(report.reported_on)}上报（{report.reported_by}）"
    return title, note


def write_tally(db: Database, year: int, quarter: int, path: str | os.PathLike[str],
                today: Optional[dt.date] = None) -> Generator[Progress, None, TallyResult]:
    """Write the workbook for ``year`` Q``quarter`` to ``path`` (replaced only when complete)."""
    today = today or dt.date.today()
    target = check_target(path)
    if not tally.quarter_period(year, quarter, today).started:
        from deskapp.core.errors import DeskError

        raise DeskError(f"{year}年第{quarter}季度尚未开始，无法统计。")
    with db.session() as s:
        yield 0, 100, "正在统计各项数字…"
        qf = tally.quarter_figures(s, year, quarter, today)
        report = tally_report.report_info(s, year, quarter)
        changes = tally_report.changes_since_report(s, qf)
        cal = WorkCalendar.load(s)
        categories = tally_tables.by_category(s, qf)
        n_detail = tally_tables.count_detail(s, qf.period)
        total = n_detail + 6 * STEP_ROWS
        yield STEP_ROWS, total, "正在统计分类、科室和渠道…"
        departments = tally_tables.by_department(s, qf)
        channels = tally_tables.by_channel(s, qf), tally_tables.responses_by_channel(s, qf)
        late = tally_tables.late_rows(s, qf.period, cal)
        log = worklog.list_entries(s, qf.period.first, qf.period.last)
        head = heading(settings.get(s, "org_name") or "", qf, today, report)
        yield 2 * STEP_ROWS, total, "正在生成工作表…"
        with atomic_output(target) as folder:
            wb = Workbook()
            sheets.summary(wb.active, head, qf, tally_tables.by_group(categories))
            sheets.categories(wb.create_sheet("分类统计"), head, qf, categories)
            sheets.departments(wb.create_sheet("科室统计"), head, departments)
            sheets.channels(wb.create_sheet("渠道统计"), head, qf, *channels)
            detail = sheets.detail_sheet(wb, head, folder)
            for n, row in enumerate(tally_tables.detail_rows(s, qf.period, cal), start=1):
                detail.add(sheets.detail_values(n, row))
                if n % STEP_ROWS == 0:
                    yield 2 * STEP_ROWS + n, total, f"正在写入明细（{n}/{n_detail}）…"
            streamed = [detail, sheets.late_sheet(wb, head, folder, late)]
            sheets.worklog_sheet(wb.create_sheet("工作记录"), head, log)
            if changes is not None and changes.any:
                sheets.changes_sheet(wb.create_sheet("上报后变更"), head, changes)
            yield total - 3 * STEP_ROWS, total, "正在保存工作簿…"
            _save(wb, folder, streamed)
        yield total, total, "已完成。"
    return TallyResult(target, qf, report, changes, detail.count, len(late))


def _save(wb: Workbook, folder: Path, streamed: list[StreamedSheet]) -> None:
    for sheet in streamed:
        sheet.finish()
        sheets.finish_list(sheet)
    layout = folder / "layout.xlsx"
    wb.save(layout)
    splice(layout, folder / "out.xlsx", streamed)
