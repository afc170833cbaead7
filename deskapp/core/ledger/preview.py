"""Bringing an office's old ledger (台账) into the register: from plain rows of cell values
(read by exports.excel.ledger_read) to a preview that says, cell by cell, what is wrong.

Nothing here writes: :func:`analyse` only reads the register to find departments,
catalogue entries and what already exists. :mod:`deskapp.core.ledger.commit` imports.

Rules: a row needs a 标题 and a date (形成日期, or else 发布日期 which then stands for it);
an item with a 发布日期 is imported as 已发布, without one as 草稿; 索引号 are kept when given,
else assigned; a row whose 索引号, or whose 标题 and date, match an earlier row or an item
already in the register is skipped and reported (so importing the same ledger twice adds
nothing); every reason is reported with the row number and column as Excel shows them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Optional, Sequence

from sqlalchemy.orm import Session

from deskapp.core.errors import DeskError, ValidationError
from deskapp.core.ledger.fields import (
    DATE_FIELDS,
    FIELD_BY_KEY,
    auto_mapping,
    field_names,
    find_header,
    normalise_header,
    to_attribute,
    to_channels,
    to_date,
    to_kind,
    to_text,
    to_validity,
)
from deskapp.core.ledger.lookup import Lookup
from deskapp.core.register import items as register
from deskapp.core.register.items import ItemData

MAX_ROWS = 20_000  # a street office publishes a few hundred items a year


@dataclass(frozen=True)
class LedgerRow:
    row: int  # as Excel numbers it
    values: tuple[Any, ...]
    formulas: frozenset[int] = frozenset()  # columns (0-based) holding a formula


@dataclass(frozen=True)
class RawSheet:
    """A worksheet as the reader found it: every row, and the merged ranges (1-based
    min_row, min_col, max_row, max_col)."""

    source: str
    sheet: str
    rows: list[LedgerRow]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the reader wants the clerk to know


@dataclass(frozen=True)
class Issue:
    row: int
    column: str  # A, B, … ("" when the cause is not one cell)
    header: str
    reason: str


@dataclass
class RowResult:
    row: int
    status: str  # ok / error / duplicate
    title: str
    issues: list[Issue] = field(default_factory=list)
    data: Optional[ItemData] = None
    new_department: Optional[str] = None  # to be created on import (when allowed)


@dataclass(frozen=True)
class ImportOptions:
    create_departments: bool = False  # 台账中有、系统中没有的科室：自动新建
    # (header as written, field key): what a column holds, over what its name suggests —
    # ``deskapp import --map 内容概述=title``.
    column_names: tuple[tuple[str, str], ...] = ()


@dataclass
class Preview:
    source: str
    sheet: str
    header_row: int
    headers: list[str]
    mapping: dict[int, Optional[str]]
    rows: list[RowResult]
    notes: list[str] = field(default_factory=list)  # what was left out on purpose, and why

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def issues(self) -> list[Issue]:
        return [i for r in self.rows for i in r.issues]

    @property
    def new_departments(self) -> list[str]:
        return list(dict.fromkeys(r.new_department for r in self.rows
                                  if r.status == "ok" and r.new_department))


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    out, n = "", index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


# --- the sheet as a whole ------------------------------------------------------------------------

def locate(raw: RawSheet, header_row: Optional[int] = None) -> int:
    """Index (in raw.rows) of the header row — the one the user named (its Excel row
    number), else the one found by its column names; DeskError when there is none."""
    if not raw.rows:
        raise DeskError(f"工作表“{raw.sheet}”是空的，请选择存放台账的工作表或文件。")
    if header_row is not None:
        for i, r in enumerate(raw.rows):
            if r.row == header_row:
                return i
        raise DeskError(f"工作表“{raw.sheet}”的第{header_row}行是空的，不能作为表头。")
    found = find_header([r.values for r in raw.rows])
    if found is None:
        raise DeskError(f"工作表“{raw.sheet}”前20行中找不到表头（如“标题”“发布日期”等列名），"
                        "请确认这是台账，或在表头写上列名后重试。")
    return found


def check_mapping(mapping: dict[int, Optional[str]], headers: Sequence[str]) -> None:
    seen: dict[str, int] = {}
    for col, key in mapping.items():
        if key is None:
            continue
        if key not in FIELD_BY_KEY:
            raise DeskError(f"第{column_letter(col)}列指定的内容“{key}”不存在。")
        if key in seen:
            raise DeskError(f"“{FIELD_BY_KEY[key].label}”指定给了{column_letter(seen[key])}列和"
                            f"{column_letter(col)}列，每项只能对应一列，请改正后重试。")
        seen[key] = col
    if "title" not in seen:
        raise DeskError("没有找到“标题”列（也可叫信息名称、文件名称），请指定哪一列是标题。")
    if not any(k in seen for k in DATE_FIELDS):
        raise DeskError("没有找到“形成日期”或“发布日期”列，请至少指定其中一列。")


def named_mapping(mapping: dict[int, Optional[str]], headers: Sequence[str],
                  names: Sequence[tuple[str, str]], sheet: str) -> dict[int, Optional[str]]:
    """The automatic mapping with the columns the user named set to their field; a field
    named for one column is taken from any other column that had it."""
    out = dict(mapping)
    normalised = [normalise_header(h) for h in headers]
    for header, key in names:
        if key not in FIELD_BY_KEY:
            raise DeskError(f"“{key}”不是可导入的内容，可用的有：{field_names()}。")
        wanted = normalise_header(header)
        if wanted not in normalised:
            raise DeskError(f"工作表“{sheet}”的表头中没有“{header}”列，请按表头原样写列名后重试。")
        col = normalised.index(wanted)
        for other, had in out.items():
            if had == key:
                out[other] = None
        out[col] = key
    return out


def check_merged_header(raw: RawSheet, header_row: int) -> None:
    for r1, c1, r2, c2 in raw.merged:
        if r1 <= header_row <= r2 and (c2 > c1 or r2 > r1):
            ref = f"{column_letter(c1 - 1)}{r1}:{column_letter(c2 - 1)}{r2}"
            raise DeskError(f"表头（第{header_row}行）有合并单元格 {ref}，请取消合并，"
                            "使每列只有一个列名后再导入。")


def analyse(session: Session, raw: RawSheet, today: dt.date,
            mapping: Optional[dict[int, Optional[str]]] = None,
            options: ImportOptions = ImportOptions(), header_row: Optional[int] = None) -> Preview:
    """The preview: each data row checked, nothing written."""
    at = locate(raw, header_row)
    header = raw.rows[at]
    headers = [to_text(v) for v in header.values]
    check_merged_header(raw, header.row)
    if mapping is None:
        mapping = named_mapping(auto_mapping(header.values), headers, options.column_names, raw.sheet)
    else:
        mapping = dict(mapping)
    check_mapping(mapping, headers)
    data_rows = [r for r in raw.rows[at + 1:] if any(to_text(v) for v in r.values)]
    data_rows, totals = split_totals(data_rows)
    notes = raw.notes + [f"第{r.row}行是“{total_label(r)}”行，不是一条信息，已跳过。" for r in totals]
    if not data_rows:
        raise DeskError(f"工作表“{raw.sheet}”的表头（第{header.row}行）下没有数据。" + "".join(raw.notes))
    if len(data_rows) > MAX_ROWS:
        raise DeskError(f"台账有{len(data_rows)}行，一次最多导入{MAX_ROWS}行，请分成几个文件导入。")
    checker = RowChecker(session, raw.source, headers, mapping, today, options)
    checker.prefetch(data_rows)
    return Preview(raw.source, raw.sheet, header.row, headers, mapping,
                   [checker.check(r) for r in data_rows], notes)


_TOTAL = re.compile(r"^(合计|小计|总计|共计)")


def total_label(row: LedgerRow) -> str:
    """'合计' when the row's first filled cell begins with 合计/小计/总计/共计 (spaces aside), else ''."""
    first = next((to_text(v) for v in row.values if to_text(v)), "")
    found = _TOTAL.match(re.sub(r"[\s\u3000]", "", first))
    return found.group(1) if found else ""


def split_totals(rows: list[LedgerRow]) -> tuple[list[LedgerRow], list[LedgerRow]]:
    """The data rows without the 合计/小计/总计 rows at the bottom (a sum, not an item)."""
    end = len(rows)
    while end and total_label(rows[end - 1]):
        end -= 1
    return rows[:end], rows[end:]


# --- one row -------------------------------------------------------------------------------------

# register.validate's field → the ledger column the message belongs to
_VALIDATE_COLUMN = {"title": "title", "formed_on": "formed_on", "published_on": "published_on",
                    "changed_on": "formed_on", "withheld_reason": "withheld_reason",
                    "attribute": "attribute", "kind": "kind", "validity": "validity"}


class RowChecker:
    def __init__(self, session: Session, source: str, headers: list[str],
                 mapping: dict[int, Optional[str]], today: dt.date, options: ImportOptions):
        self.source, self.headers, self.today, self.options = source, headers, today, options
        self.col = {key: c for c, key in mapping.items() if key}
        self.lookup = Lookup(session)
        self.seen_index: dict[str, int] = {}
        self.seen_key: dict[tuple[str, Optional[dt.date]], int] = {}

    def prefetch(self, rows: list[LedgerRow]) -> None:
        """What already exists, looked up once for all rows (not twice per row)."""
        self.lookup.prefetch([to_text(self.value(r, "index_no")) for r in rows],
                             [to_text(self.value(r, "title")) for r in rows])

    def issue(self, result: RowResult, key: str, reason: str) -> None:
        col = self.col.get(key)
        if col is None:  # e.g. a date the sheet has no column for: name the field
            result.issues.append(Issue(result.row, "", FIELD_BY_KEY[key].label, reason))
        else:
            result.issues.append(Issue(result.row, column_letter(col), self.headers[col] or
                                       FIELD_BY_KEY[key].label, reason))

    def value(self, row: LedgerRow, key: str) -> Any:
        col = self.col.get(key)
        return row.values[col] if col is not None and col < len(row.values) else None

    def check(self, row: LedgerRow) -> RowResult:
        title = to_text(self.value(row, "title"))
        result = RowResult(row.row, "ok", title)
        for key, col in self.col.items():
            if col in row.formulas:
                self.issue(result, key, "单元格是公式，请复制后“选择性粘贴为数值”再导入")
        data = self.build(row, result) if not result.issues else None
        if result.issues:
            result.status = "error"
            return result
        assert data is not None
        try:
            register.validate(data, self.today)
        except ValidationError as exc:
            borrowed = to_text(self.value(row, "formed_on")) == ""  # 形成日期 taken from 发布日期
            for name, message in exc.fields.items():
                if name == "formed_on" and borrowed and "published_on" in exc.fields:
                    continue  # the same date, already reported at its own column
                self.issue(result, _VALIDATE_COLUMN.get(name, "title"), message.rstrip("。"))
            result.status = "error"
            return result
        self.mark_duplicates(result, data)
        result.data = data
        return result

    def build(self, row: LedgerRow, result: RowResult) -> Optional[ItemData]:
        text = {k: to_text(self.value(row, k)) for k in self.col}
        if not text.get("title"):
            self.issue(result, "title", "必填为空")
        dates: dict[str, Optional[dt.date]] = {}
        for key in DATE_FIELDS:
            dates[key], ok = to_date(self.value(row, key))
            if not ok:
                self.issue(result, key, "日期无法识别")
        unreadable = any(i.reason == "日期无法识别" for i in result.issues)
        if not unreadable and dates["formed_on"] is None and dates["published_on"] is None:
            self.issue(result, "formed_on" if "formed_on" in self.col else "published_on", "必填为空")
        department_id = self.department(text.get("department", ""), result)
        catalogue_id, kind_hint = self.category(text.get("category", ""), result)
        kind = self.kind(text, kind_hint, catalogue_id, result)
        attribute, extra_channels = self.attribute(text, result)
        validity = self.validity(text.get("validity", ""), result)
        if result.issues:
            return None
        return ItemData(
            title=text["title"], kind=kind, formed_on=dates["formed_on"] or dates["published_on"],
            published_on=dates["published_on"], doc_no=text.get("doc_no") or None,
            catalogue_id=catalogue_id, department_id=department_id,
            content=text.get("content", ""), summary=text.get("summary", ""), attribute=attribute,
            withheld_reason=text.get("withheld_reason", ""), url=text.get("url", "")[:500],
            channels=to_channels(text.get("channels", "")) + extra_channels,
            index_no=text.get("index_no") or None, validity=validity,
            status="published" if dates["published_on"] else "draft",
            source_file=self.source[-300:], source_row=row.row,
        )

    def department(self, name: str, result: RowResult) -> Optional[int]:
        if not name:
            return None
        found = self.lookup.department(name)
        if found is None:
            if self.options.create_departments and len(name) <= 100:
                result.new_department = name
            else:
                self.issue(result, "department", "科室不存在")
        return found

    def category(self, name: str, result: RowResult) -> tuple[Optional[int], Optional[str]]:
        if not name:
            return None, None
        entry = self.lookup.catalogue(name)
        if entry is not None:
            return entry, None
        kind = to_kind(name)
        if kind is None:
            self.issue(result, "category", "类别不存在")
        return None, kind

    def kind(self, text: dict[str, str], hint: Optional[str], catalogue_id: Optional[int],
             result: RowResult) -> str:
        given = text.get("kind", "")
        if given:
            kind = to_kind(given)
            if kind is None:
                self.issue(result, "kind", "信息种类不存在")
            return kind or "其他"
        return hint or self.lookup.kind_of_entry(catalogue_id) or (
            "政策解读" if "解读" in text.get("title", "") else "其他")

    def attribute(self, text: dict[str, str], result: RowResult) -> tuple[str, list[str]]:
        """公开属性, else 公开方式 when it names one; a 公开方式 naming a channel adds it."""
        given = text.get("attribute", "")
        method = text.get("method", "")
        attribute = to_attribute(given) if given else None
        if given and attribute is None:
            self.issue(result, "attribute", "公开属性无法识别（应为主动公开、依申请公开或不予公开）")
        from_method = to_attribute(method) if method else None
        channels = [] if (not method or from_method) else to_channels(method)
        # A 不予公开的理由 filled in, with nothing naming the attribute: a 不予公开 item.
        withheld = "withheld" if text.get("withheld_reason") else None
        return attribute or from_method or withheld or "active", channels

    def validity(self, given: str, result: RowResult) -> Optional[str]:
        if not given:
            return None
        validity = to_validity(given)
        if validity is None:
            self.issue(result, "validity", "有效性无法识别（应为有效、废止或失效）")
        return validity

    def mark_duplicates(self, result: RowResult, data: ItemData) -> None:
        key = (data.title.strip(), data.published_on or data.formed_on)
        index = (data.index_no or "").strip()
        if index and index in self.seen_index:
            result.status = "duplicate"
            self.issue(result, "index_no", f"与第{self.seen_index[index]}行重复")
        elif key in self.seen_key:
            result.status = "duplicate"
            self.issue(result, "title", f"与第{self.seen_key[key]}行重复")
        elif index and self.lookup.index_exists(index):
            result.status = "duplicate"
            self.issue(result, "index_no", "已存在于台账")
        elif self.lookup.title_date_exists(*key):
            result.status = "duplicate"
            self.issue(result, "title", "已存在于台账")
        if result.status == "ok":
            if index:
                self.seen_index[index] = result.row
            self.seen_key[key] = result.row
