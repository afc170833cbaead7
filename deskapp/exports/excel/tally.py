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
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Generator, Optional

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy.orm import Session

from deskapp.core.audit import chain as audit
from deskapp.core.calendar.dates import chinese_date
from deskapp.core.calendar.workdays import WorkCalendar
from deskapp.core.errors import DeskError
from deskapp.core.reports import reported as tally_report
from deskapp.core.reports import tally, tally_tables, worklog
from deskapp.core.reports.reported import ReportChanges, ReportInfo
from deskapp.core.reports.tally import QuarterFigures
from deskapp.core.store import settings
from deskapp.core.store.db import Database
from deskapp.exports.excel import tally_sheets as sheets
from deskapp.exports.excel.output import atomic_output, check_target
from deskapp.exports.excel.sheetstream import StreamedSheet, splice
from deskapp.exports.excel.style import first_sheet

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


def heading(org: str, year: int, quarter: int, today: dt.date,
            report: Optional[ReportInfo]) -> tuple[str, str]:
    """The title and the line under it that every sheet carries."""
    period, ytd = tally.quarter_period(year, quarter, today), tally.ytd_period(year, quarter, today)
    title = f"{org}政务公开工作统计表（{year}年第{quarter}季度）"
    note = (f"统计期间：{chinese_date(period.first)}至{chinese_date(period.last)}；"
            f"截至本季度：{chinese_date(ytd.first)}至{chinese_date(ytd.last)}；"
            f"制表日期：{chinese_date(today)}")
    if period.as_of <= period.last:
        note += f"（本季度尚未结束，数据截至{chinese_date(period.as_of - tally.ONE_DAY)}）"
    if report is not None:
        note += f"；已于{chinese_date(report.reported_on)}上报（{report.reported_by}）"
    return title, note


@dataclass
class _Counted:
    """Everything the front sheets show, counted in one read transaction."""

    figures: QuarterFigures
    changes: Optional[ReportChanges]
    categories: list[tally_tables.MonthRow]
    departments: list[tally_tables.DepartmentRow]
    channels: list[tally_tables.MonthRow]
    responses: list[tally_tables.MonthRow]
    log: list[worklog.WorklogRow]


def _count_in(s: Session, year: int, quarter: int, today: dt.date) -> _Counted:
    qf = tally.quarter_figures(s, year, quarter, today)
    return _Counted(qf, tally_report.changes_since_report(s, qf), tally_tables.by_category(s, qf),
                    tally_tables.by_department(s, qf), tally_tables.by_channel(s, qf),
                    tally_tables.responses_by_channel(s, qf),
                    worklog.list_entries(s, qf.period.first, qf.period.last))


def _count(db: Database, year: int, quarter: int, today: dt.date) -> _Counted:
    with db.session() as s:
        return _count_in(s, year, quarter, today)


def write_tally(db: Database, year: int, quarter: int, path: str | os.PathLike[str],
                today: Optional[dt.date] = None) -> Generator[Progress, None, TallyResult]:
    """Write the workbook for ``year`` Q``quarter`` to ``path`` (replaced only when complete).

    The figures and tables are counted in a second thread while this one writes the detail
    list: SQLite runs without Python's lock, so the two overlap on a two-core PC. They are
    two read transactions; if the register changed between them (the list and the figures
    disagree), the figures are counted again in the list's own transaction.
    """
    today = today or dt.date.today()
    target = check_target(path)
    period = tally.quarter_period(year, quarter, today)
    if not period.started:
        raise DeskError(f"{year}年第{quarter}季度尚未开始，无法统计。")
    yield 0, 100, "正在统计各项数字…"
    with ThreadPoolExecutor(max_workers=1) as pool, db.session() as s:
        counting = pool.submit(_count, db, year, quarter, today)
        report = tally_report.report_info(s, year, quarter)
        head = heading(settings.get(s, "org_name") or "", year, quarter, today, report)
        cal = WorkCalendar.load(s)
        n_detail = tally_tables.count_detail(s, period)
        total = n_detail + 4 * STEP_ROWS
        with atomic_output(target) as folder:
            wb = Workbook()
            front = [first_sheet(wb), wb.create_sheet("分类统计"), wb.create_sheet("科室统计"),
                     wb.create_sheet("渠道统计")]
            detail = sheets.detail_sheet(wb, head, folder)
            for n, row in enumerate(tally_tables.detail_rows(s, period, cal), start=1):
                detail.add(sheets.detail_values(n, row))
                if n % STEP_ROWS == 0:
                    yield STEP_ROWS + n, total, f"正在写入明细（{n}/{n_detail}）…"
            yield n_detail + STEP_ROWS, total, "正在写入超期清单…"
            late = tally_tables.late_rows(s, period, cal)
            streamed = [detail, sheets.late_sheet(wb, head, folder, late)]
            counted = counting.result()
            if not _agrees(counted.figures, detail.count, len(late)):
                counted = _count_in(s, year, quarter, today)
            yield n_detail + 2 * STEP_ROWS, total, "正在生成汇总和统计表…"
            _front(front, head, counted)
            anchor_line(front[0], audit.printed_anchor(s))
            sheets.worklog_sheet(wb.create_sheet("工作记录"), head, counted.log)
            if counted.changes is not None and counted.changes.any:
                sheets.changes_sheet(wb.create_sheet("上报后变更"), head, counted.changes)
            yield n_detail + 3 * STEP_ROWS, total, "正在保存工作簿…"
            _save(wb, folder, streamed)
        yield total, total, "已完成。"
    return TallyResult(target, counted.figures, report, counted.changes, detail.count, len(late))


def anchor_line(ws: Worksheet, anchor: str) -> None:
    """The audit anchor as the 汇总 sheet's last line and in its printed footer: a workbook
    sent to the district then fixes the log as it stood (``audit verify --anchor``)."""
    if anchor:
        ws.cell(row=ws.max_row + 2, column=1, value=anchor)
        if ws.oddFooter is not None:  # openpyxl always makes one; typed optional
            ws.oddFooter.left.text = anchor


def _agrees(qf: QuarterFigures, detail: int, late: int) -> bool:
    late_published, overdue = qf.value("late_published"), qf.value("overdue_unpublished")
    # Counts are None only for a period not yet started; the tallied quarter has started.
    return (qf.value("published_total") == detail
            and late_published is not None and overdue is not None
            and late_published + overdue == late)


def _front(front: list[Worksheet], head: tuple[str, str], c: _Counted) -> None:
    summary, categories, departments, channels = front
    sheets.summary(summary, head, c.figures, tally_tables.by_group(c.categories))
    sheets.categories(categories, head, c.figures, c.categories)
    sheets.departments(departments, head, c.departments)
    sheets.channels(channels, head, c.figures, c.channels, c.responses)


def _save(wb: Workbook, folder: Path, streamed: list[StreamedSheet]) -> None:
    for sheet in streamed:
        sheet.finish()
        sheets.finish_list(sheet)
    layout = folder / "layout.xlsx"
    wb.save(layout)
    splice(layout, folder / "out.xlsx", streamed)
