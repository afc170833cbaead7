"""Excel export of the register view — whatever the register tab shows now (its filter and
sort). Rows are streamed (pages of ids → rows → sheet XML in a temp file), so 100 000 items
export with flat memory; the file replaces the target only when complete.

Two entry points:
- :func:`export_rows` for any iterable of ItemRow, with a ``progress(done, total)`` callback;
- :func:`export_register_job`, a generator for the window's worker (``run_job``) that pages
  through ``Register.item_ids`` with the tab's current filter and sort.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Callable, Generator, Iterable, Iterator, NamedTuple, Optional

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.orm import aliased

from deskapp.core.calendar.dates import chinese_date
from deskapp.core.register.query import ItemFilter, ItemRow, Register, due_soon_limit
from deskapp.core.store import settings
from deskapp.core.store.db import Database
from deskapp.core.store.models import CatalogueEntry, Department, Item
from deskapp.core.store.vocab import ATTRIBUTES, STATUSES
from deskapp.exports.excel.output import atomic_output, check_target
from deskapp.exports.excel.sheetstream import StreamedSheet, splice
from deskapp.exports.excel.style import Col, first_sheet, header_row, print_setup, set_widths, title_rows

PAGE = 1000
HEADER_ROW = 3
COLS = [Col("序号", "int", 6, 8), Col("索引号", "text", 14, 34), Col("标题", "wrap", 30, 48),
        Col("文号", "text", 8, 22), Col("信息类别", "center", 8, 10), Col("目录类别", "text", 8, 20),
        Col("科室", "text", 8, 14), Col("公开属性", "center", 8, 10), Col("状态", "center", 6, 8),
        Col("形成日期", "date", 15, 15), Col("变更日期", "date", 15, 15), Col("公开期限", "date", 15, 15),
        Col("发布日期", "date", 15, 15), Col("期限提示", "center", 8, 22), Col("公示开始", "date", 15, 15),
        Col("公示结束", "date", 15, 15), Col("张贴日期", "date", 15, 15), Col("撤下日期", "date", 15, 15),
        Col("公开渠道", "wrap", 10, 24)]
Progress = tuple[int, int, str]


def values(n: int, r: ItemRow) -> list[object]:
    hints = []
    if r.overdue:
        hints.append(f"超期{r.days_late}天")
    elif r.due_soon:
        hints.append("即将到期")
    if r.due_provisional:
        hints.append("期限暂按周一至周五计算")
    return [n, r.index_no, r.title, r.doc_no or "", r.kind, r.category, r.department,
            ATTRIBUTES.get(r.attribute, r.attribute), STATUSES.get(r.status, r.status), r.formed_on,
            r.changed_on, r.due_on, r.published_on, "；".join(hints), r.notice_start, r.notice_end,
            r.posted_on, r.removed_on, "、".join(r.channels)]


def export_rows(rows: Iterable[ItemRow], path: str | os.PathLike[str],
                progress: Optional[Callable[[int, int], None]] = None, total: int = 0,
                title: str = "政务公开信息台账", note: str = "") -> int:
    """Write ``rows`` to ``path`` (.xlsx); returns how many. ``progress(done, total)`` is
    called every thousand rows (``total`` 0 when unknown)."""
    gen = _write(rows, path, total, title, note)
    while True:
        try:
            done, of, _ = next(gen)
        except StopIteration as stop:
            count: int = stop.value  # _write's return value
            return count
        if progress is not None:
            progress(done, of)


def _write(rows: Iterable[ItemRow], path: str | os.PathLike[str], total: int, title: str,
           note: str) -> Generator[Progress, None, int]:
    target = check_target(path)
    with atomic_output(target) as folder:
        wb = Workbook()
        ws = first_sheet(wb)
        ws.title = "台账"
        title_rows(ws, title, note or f"导出日期：{chinese_date(dt.date.today())}", len(COLS))
        header_row(ws, HEADER_ROW, COLS)
        print_setup(ws, HEADER_ROW, landscape=True)
        sheet = StreamedSheet(wb, ws, HEADER_ROW + 1, COLS, folder)
        for n, row in enumerate(rows, start=1):
            sheet.add(values(n, row))
            if n % PAGE == 0:
                yield n, total, f"已写入 {n} 条…"
        sheet.finish()
        set_widths(ws, COLS, sheet.widths, streamed=True)
        ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(COLS))}{max(sheet.last_row, HEADER_ROW)}"
        yield sheet.count, total, "正在保存…"
        wb.save(folder / "layout.xlsx")
        splice(folder / "layout.xlsx", folder / "out.xlsx", [sheet])
    yield sheet.count, sheet.count, "已完成。"
    return sheet.count


def describe(f: ItemFilter, db: Database) -> str:
    """The filter in words, for the line under the title."""
    parts = []
    if f.year and f.quarter:
        parts.append(f"{f.year}年第{f.quarter}季度形成")
    elif f.year:
        parts.append(f"{f.year}年形成")
    if f.kind:
        parts.append(f.kind)
    if f.status:
        parts.append(STATUSES.get(f.status, f.status))
    if f.attribute:
        parts.append(ATTRIBUTES.get(f.attribute, f.attribute))
    if f.overdue_only:
        parts.append("超期")
    if f.due_soon_only:
        parts.append("即将到期")
    if f.search.strip():
        parts.append(f"含“{f.search.strip()}”")
    if f.department_id or f.catalogue_id:
        parts.extend(_named(f, db))
    return "、".join(parts) or "全部信息"


def _named(f: ItemFilter, db: Database) -> list[str]:
    """科室：… / 目录：… — the reader of a printed export must see which one was chosen."""
    out = []
    with db.session() as s:
        if f.department_id:
            name = s.get(Department, f.department_id)
            out.append(f"科室：{name.name}" if name else "按科室筛选")
        if f.catalogue_id:
            entry = s.get(CatalogueEntry, f.catalogue_id)
            out.append(f"目录：{entry.name}" if entry else "按目录筛选")
    return out


def export_register_job(db: Database, path: str | os.PathLike[str], f: ItemFilter = ItemFilter(),
                        sort: str = "formed_on", descending: bool = True,
                        today: Optional[dt.date] = None) -> Generator[Progress, None, int]:
    """For the register tab's 导出Excel: the rows its filter selects, in its order."""
    register = Register(db, today or dt.date.today())
    with db.session() as s:
        ids = register.item_ids(s, f, sort, descending)
        org = settings.get(s, "org_name") or ""
    day = chinese_date(register.today)
    note = f"筛选条件：{describe(f, db)}；共{len(ids)}条；导出日期：{day}"
    yield 0, len(ids), "正在读取台账…"
    return (yield from _write(_pages(register, ids), path, len(ids), f"{org}政务公开信息台账", note))


class _Light(NamedTuple):
    """The columns ItemRow.build reads (query.ItemFields) and the two names: a light row (no
    内容 text, no ORM object) is enough for it, so the export reuses the register's own
    overdue / due-soon rule at a fraction of the cost."""

    id: int
    index_no: str
    title: str
    doc_no: Optional[str]
    kind: str
    attribute: str
    status: str
    formed_on: dt.date
    changed_on: Optional[dt.date]
    due_on: Optional[dt.date]
    due_provisional: bool
    published_on: Optional[dt.date]
    notice_start: Optional[dt.date]
    notice_end: Optional[dt.date]
    posted_on: Optional[dt.date]
    removed_on: Optional[dt.date]
    channels: list[str]
    version: int
    category_name: Optional[str]
    department_name: Optional[str]


# Item's columns in _Light's order (all its fields but the two names).
_ROW_COLUMNS = [getattr(Item, name) for name in _Light._fields[:-2]]


def _pages(register: Register, ids: list[int]) -> Iterator[ItemRow]:
    """ItemRows a page at a time, each page in its own short read transaction."""
    cat, dep = aliased(CatalogueEntry), aliased(Department)
    with register.db.session() as s:
        soon = due_soon_limit(s, register.today)
    for start in range(0, len(ids), PAGE):
        page = ids[start:start + PAGE]
        stmt = (select(*_ROW_COLUMNS, cat.name.label("category_name"), dep.name.label("department_name"))
                .outerjoin(cat, cat.id == Item.catalogue_id)
                .outerjoin(dep, dep.id == Item.department_id)
                .where(Item.id.in_(page)))
        with register.db.session() as s:
            rows = [_Light._make(r) for r in s.execute(stmt)]  # plain attributes: cheap to read
        found = {r.id: ItemRow.build(r, r.category_name, r.department_name, register.today, soon)
                 for r in rows}
        yield from (found[i] for i in page if i in found)
