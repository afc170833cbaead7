"""The tally workbook's sheets, one function each. Numbers arrive computed (core.tally*);
here they get their rows, columns, formats and print setup."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional, Sequence

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from deskapp.core.calendar.dates import chinese_date
from deskapp.core.reports.reported import ReportChanges
from deskapp.core.reports.tally import QuarterFigures, Value
from deskapp.core.reports.tally_tables import DepartmentRow, DetailRow, MonthRow
from deskapp.core.reports.worklog import WorklogRow
from deskapp.exports.excel.sheetstream import StreamedSheet
from deskapp.exports.excel.style import (
    HEADER_FONT,
    TOTAL_FILL,
    TOTAL_FONT,
    Col,
    fit_title,
    header_row,
    print_setup,
    put,
    set_widths,
    text_width,
    title_rows,
    wrapped_height,
)

Heading = tuple[str, str]
HEADER_ROW = 3
DASH = "—"  # where a figure cannot be given (no items due; a month still to come)


def _v(value: Value) -> Any:
    return DASH if value is None else value


def table(ws: Worksheet, head: Heading, cols: Sequence[Col], rows: Sequence[Sequence[Any]],
          landscape: bool, total: Optional[Sequence[Any]] = None, autofilter: bool = False,
          title: Optional[str] = None) -> int:
    """A titled table from row 3: header, rows, an optional 合计 row. Returns the last row."""
    title_rows(ws, title or head[0], head[1], len(cols))
    header_row(ws, HEADER_ROW, cols)
    widths = [0] * len(cols)
    r = HEADER_ROW
    for r, values in enumerate(rows, start=HEADER_ROW + 1):
        for c, (col, value) in enumerate(zip(cols, values, strict=True), start=1):
            put(ws, r, c, value, col.kind)
            widths[c - 1] = max(widths[c - 1], text_width(value))
    if total is not None:
        r += 1
        for c, (col, value) in enumerate(zip(cols, total, strict=True), start=1):
            put(ws, r, c, value, col.kind, font=TOTAL_FONT, fill=TOTAL_FILL)
    final = set_widths(ws, cols, widths)
    for n, values in enumerate(rows, start=HEADER_ROW + 1):
        ws.row_dimensions[n].height = wrapped_height(values, cols, final)
    ref = f"A{HEADER_ROW}:{get_column_letter(len(cols))}{max(r, HEADER_ROW)}" if autofilter else None
    print_setup(ws, HEADER_ROW, landscape, ref)
    return r


# --- 汇总 ------------------------------------------------------------------------------------------

def summary(ws: Worksheet, head: Heading, qf: QuarterFigures,
            groups: list[tuple[str, int, int]]) -> None:
    ws.title = "汇总"
    months = [m.label for m in qf.months]
    cols = [Col("序号", "center", 6, 6), Col("统计项目", "text", 24, 30), Col("单位", "center", 6, 6),
            Col("本季度", "int", 10, 12), Col("截至本季度", "int", 12, 12),
            *(Col(m, "int", 9, 10) for m in months), Col("统计口径", "wrap", 40, 56)]
    rows = [[n, r.figure.label, r.figure.unit, _v(r.quarter), _v(r.ytd), *(_v(m) for m in r.months),
             r.figure.rule] for n, r in enumerate(qf.rows, start=1)]
    last = table(ws, head, cols, rows, landscape=True)
    for n, r in enumerate(qf.rows, start=HEADER_ROW + 1):  # the rate row: a percentage
        if r.figure.unit == "%":
            for c in range(4, 9):
                if not isinstance(ws.cell(n, c).value, str):
                    ws.cell(n, c).number_format = "0.0%"
    _groups_and_chart(ws, last + 2, groups)
    ws.page_setup.fitToHeight = 1  # the summary and its chart on one page


def _groups_and_chart(ws: Worksheet, top: int, groups: list[tuple[str, int, int]]) -> None:
    """按公开目录一级事项: a small table (B:E) and a bar chart of it beside it."""
    ws.merge_cells(start_row=top, start_column=1, end_row=top, end_column=5)
    put(ws, top, 1, "按公开目录（一级事项）统计发布信息数", font=HEADER_FONT, border=False)
    hdr = top + 1
    for c, label in ((1, "序号"), (2, "目录类别"), (4, "本季度"), (5, "截至本季度")):
        put(ws, hdr, c, label, "center", font=HEADER_FONT)
    ws.merge_cells(start_row=hdr, start_column=2, end_row=hdr, end_column=3)
    r = hdr
    for n, (name, quarter, ytd) in enumerate(groups, start=1):
        r = hdr + n
        put(ws, r, 1, n, "center")
        put(ws, r, 2, name)
        put(ws, r, 3, None)
        ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=3)
        put(ws, r, 4, quarter, "int")
        put(ws, r, 5, ytd, "int")
    if not groups:
        put(ws, hdr + 1, 2, "本季度没有发布信息。", border=False)
        return
    chart = BarChart()
    chart.type, chart.style = "bar", 10
    chart.title = "本季度各类别发布信息数"
    chart.add_data(Reference(ws, min_col=4, min_row=hdr, max_row=r), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=2, min_row=hdr + 1, max_row=r))
    chart.legend = None
    chart.x_axis.delete = chart.y_axis.delete = False  # openpyxl 3.1 hides axes otherwise
    chart.x_axis.scaling.orientation = "maxMin"  # first category at the top, as in the table
    chart.width, chart.height = 17, max(7.0, 0.7 * len(groups) + 2)
    ws.add_chart(chart, f"G{top}")


# --- 分类统计 / 科室统计 / 渠道统计 -----------------------------------------------------------------

def categories(ws: Worksheet, head: Heading, qf: QuarterFigures, rows: list[MonthRow]) -> None:
    months = [m.label for m in qf.months]
    cols = [Col("一级事项", "text", 14, 24), Col("二级事项", "text", 14, 30),
            *(Col(m, "int", 8, 10) for m in months), Col("本季度合计", "int", 11, 12),
            Col("截至本季度", "int", 11, 12)]
    values = [[r.group, r.name, *r.months, r.quarter, r.ytd] for r in rows]
    table(ws, head, cols, values, landscape=False, total=_total_row(rows), autofilter=True,
          title=f"{head[0]}·分类统计")


def _total_row(rows: list[MonthRow]) -> list[Any]:
    months = [sum(r.months[i] for r in rows) for i in range(len(rows[0].months))] if rows else [0, 0, 0]
    return ["合计", "", *months, sum(r.quarter for r in rows), sum(r.ytd for r in rows)]


def departments(ws: Worksheet, head: Heading, rows: list[DepartmentRow]) -> None:
    cols = [Col("科室", "text", 12, 24), Col("本季度发布", "int", 10), Col("其中按时", "int", 9),
            Col("超期公开", "int", 9), Col("按时公开率", "pct", 10), Col("截至本季度发布", "int", 14),
            Col("其中按时", "int", 9), Col("超期公开", "int", 9), Col("按时公开率", "pct", 10),
            Col("期末超期未公开", "int", 14)]
    values = [[d.name, d.published, d.on_time, d.late, _v(d.rate), d.published_ytd, d.on_time_ytd,
               d.late_ytd, _v(d.rate_ytd), d.overdue_unpublished] for d in rows]
    sums = [sum(getattr(d, f) for d in rows) for f in (
        "published", "with_deadline", "on_time", "late", "published_ytd", "with_deadline_ytd",
        "on_time_ytd", "late_ytd", "overdue_unpublished")]
    rate = _v(sums[2] / sums[1] if sums[1] else None)
    rate_ytd = _v(sums[6] / sums[5] if sums[5] else None)
    total = ["合计", sums[0], sums[2], sums[3], rate, sums[4], sums[6], sums[7], rate_ytd, sums[8]]
    table(ws, head, cols, values, landscape=True, total=total, autofilter=True,
          title=f"{head[0]}·科室统计")


def channels(ws: Worksheet, head: Heading, qf: QuarterFigures, items: list[MonthRow],
             responses: list[MonthRow]) -> None:
    months = [m.label for m in qf.months]
    cols = [Col("公开渠道和载体", "text", 16, 28), *(Col(m, "int", 8, 10) for m in months),
            Col("本季度", "int", 9), Col("截至本季度", "int", 11)]
    values = [[r.name, *r.months, r.quarter, r.ytd] for r in items]
    last = table(ws, head, cols, values, landscape=False, title=f"{head[0]}·渠道统计")
    r = last + 1
    put(ws, r, 1, "注：一条信息在多个渠道发布的，每个渠道各计一次。", border=False)
    r += 2
    put(ws, r, 1, "回应群众询问（工作记录“回应关切答复”）", font=HEADER_FONT, border=False)
    header_row(ws, r + 1, [Col("渠道"), *cols[1:]])
    for n, resp in enumerate(responses, start=r + 2):
        for c, value in enumerate([resp.name, *resp.months, resp.quarter, resp.ytd], start=1):
            put(ws, n, c, value, cols[c - 1].kind)


# --- 明细 / 超期清单 (streamed) --------------------------------------------------------------------

DETAIL_COLS = [Col("序号", "int", 6, 8), Col("索引号", "text", 14, 34), Col("标题", "wrap", 30, 48),
               Col("文号", "text", 8, 22), Col("信息类别", "center", 8, 10), Col("目录类别", "text", 10, 24),
               Col("科室", "text", 8, 14), Col("公开属性", "center", 8, 10), Col("形成日期", "date", 15, 15),
               Col("公开期限", "date", 15, 15), Col("发布日期", "date", 15, 15),
               Col("是否按时", "center", 8, 16), Col("公开渠道", "wrap", 10, 24), Col("状态", "center", 6, 8)]
LATE_COLS = [Col("序号", "int", 6, 8), Col("索引号", "text", 14, 34), Col("标题", "wrap", 30, 48),
             Col("科室", "text", 8, 14), Col("信息类别", "center", 8, 10), Col("形成日期", "date", 15, 15),
             Col("公开期限", "date", 15, 15), Col("发布日期", "date", 15, 15), Col("情况", "center", 12, 16),
             Col("超期天数（自然日）", "int", 10, 12), Col("超期工作日", "int", 10, 12),
             Col("状态", "center", 6, 8)]


def _list_sheet(wb: Workbook, name: str, head: Heading, folder: Path, cols: list[Col]) -> StreamedSheet:
    ws = wb.create_sheet(name)
    title_rows(ws, f"{head[0]}·{name}", head[1], len(cols))
    header_row(ws, HEADER_ROW, cols)
    print_setup(ws, HEADER_ROW, landscape=True)
    return StreamedSheet(wb, ws, HEADER_ROW + 1, cols, folder)


def detail_sheet(wb: Workbook, head: Heading, folder: Path) -> StreamedSheet:
    return _list_sheet(wb, "明细", head, folder, DETAIL_COLS)


def detail_values(n: int, r: DetailRow) -> list[Any]:
    return [n, r.index_no, r.title, r.doc_no, r.kind, r.category, r.department, r.attribute,
            r.formed_on, r.due_on, r.published_on, r.timeliness, r.channels, r.status]


def late_sheet(wb: Workbook, head: Heading, folder: Path, rows: list[DetailRow]) -> StreamedSheet:
    sheet = _list_sheet(wb, "超期清单", head, folder, LATE_COLS)
    for n, r in enumerate(rows, start=1):
        published = "未发布" if r.published_on is None else r.published_on
        sheet.add([n, r.index_no, r.title, r.department, r.kind, r.formed_on, r.due_on, published,
                   r.late_kind, r.days_late, r.workdays_late, r.status])
    return sheet


def finish_list(sheet: StreamedSheet) -> None:
    """After the rows: widths from what was written, the filter over all of them."""
    set_widths(sheet.ws, sheet.cols, sheet.widths, streamed=True)
    last_col = get_column_letter(len(sheet.cols))
    sheet.ws.auto_filter.ref = f"A{HEADER_ROW}:{last_col}{max(sheet.last_row, HEADER_ROW)}"


# --- 工作记录 / 上报后变更 -------------------------------------------------------------------------

WORKLOG_COLS = [Col("序号", "int", 6, 8), Col("日期", "date", 15, 15), Col("类型", "center", 10, 18),
                Col("名称或事由", "wrap", 20, 40), Col("参加人员", "wrap", 10, 24), Col("科室", "text", 8, 14),
                Col("渠道", "center", 6, 8), Col("群众询问", "wrap", 12, 30), Col("答复", "wrap", 12, 30),
                Col("备注", "wrap", 8, 20)]


def worklog_sheet(ws: Worksheet, head: Heading, rows: list[WorklogRow]) -> None:
    values = [[n, r.day, r.kind_label, r.title, r.participants, r.department, r.channel_label,
               r.question, r.reply, r.note] for n, r in enumerate(rows, start=1)]
    last = table(ws, head, WORKLOG_COLS, values, landscape=True, autofilter=True,
                 title=f"{head[0]}·工作记录")
    if not rows:
        put(ws, last + 1, 2, "本季度没有工作记录。", border=False)


def changes_sheet(ws: Worksheet, head: Heading, changes: ReportChanges) -> None:
    cols = [Col("统计项目", "text", 20, 30), Col("数据列", "center", 10), Col("上报时", "int", 10),
            Col("现在", "int", 10), Col("差额", "int", 10)]
    values = []
    for c in changes.figures:
        pct = isinstance(c.reported, float) or isinstance(c.now, float)
        diff = None if c.reported is None or c.now is None else c.now - c.reported
        values.append([c.label, c.column, _v(c.reported), _v(c.now), _v(diff), pct])
    info = changes.info
    last = table(ws, head, cols, [v[:5] for v in values], landscape=False,
                 title=f"{head[0]}·上报后变更（{info.label}已于{chinese_date(info.reported_on)}上报）")
    for n, v in enumerate(values, start=HEADER_ROW + 1):
        if v[5]:
            for col in (3, 4, 5):
                if not isinstance(ws.cell(n, col).value, str):
                    ws.cell(n, col).number_format = "0.0%"
    r = last + 2
    put(ws, r, 1, "计入本季度的信息发生的变化", font=HEADER_FONT, border=False)
    item_cols = [Col("索引号"), Col("标题", "wrap"), Col("发布日期", "date"), Col("状态", "center"),
                 Col("变化", "center")]
    header_row(ws, r + 1, item_cols)
    item_rows = [[item.index_no, item.title, item.published_on, item.status, item.change]
                 for item in changes.items]
    for n, item_values in enumerate(item_rows, start=r + 2):
        for col, value in enumerate(item_values, start=1):
            put(ws, n, col, value, item_cols[col - 1].kind)
    if not changes.items:
        put(ws, r + 2, 1, "无", border=False)
    _fit_item_list(ws, r + 2, item_cols, item_rows)


def _fit_item_list(ws: Worksheet, first_row: int, cols: Sequence[Col], rows: list[list[Any]]) -> None:
    """The item list shares its columns with the figure table above it: widen 索引号 to the
    longest number and 标题 to a readable width (wrapping longer titles), then fit the title."""
    if not rows:
        return
    a, b, c = (ws.column_dimensions[x] for x in "ABC")
    a.width = max(a.width, min(max(text_width(v[0]) for v in rows) + 2, 36))
    b.width = max(b.width, min(max(text_width(v[1]) for v in rows) + 2, 30))  # still A4 portrait
    c.width = max(c.width, 16)  # 2026年12月31日
    widths = [a.width, b.width, c.width] + [ws.column_dimensions[x].width for x in "DE"]
    for n, values in enumerate(rows, start=first_row):
        ws.row_dimensions[n].height = wrapped_height(values, cols, widths)
    fit_title(ws)
