"""The annual report's figures (政府信息公开工作年度报告, 国办公开办函〔2021〕30号), every cell traced.

One function per table, each cell keeping the ids of the rows it counts:

- **二** (:func:`section2`): 行政规范性文件 from the register with the quarterly tally's rules
  (tally.normative_issued / normative_repealed / normative_in_force over the calendar year,
  stock taken on 1 January of the next year, or today while the year runs); 规章, 行政许可,
  行政处罚, 行政强制 and 行政事业性收费 are kept by other systems and entered per year with a
  note of where each figure came from (annual_store.save_inputs).
- **三** (:func:`section3`): requests by applicant column and outcome row. 一 = received in the
  year; 二 = open on 31 December of the year before (or the figures typed once by hand for a
  desk new this year); 三 = replied (or withdrawn) in the year, by outcome; （七）= every request
  closed in the year, so a closed request without a known outcome shows up in the checks;
  四 = open on 31 December. The 总计 column counts every request, the six columns by type.
- **四** (:func:`section4`): 复议/诉讼 filed in the year (as requests.appeals.section_four); a
  case decided after 31 December is 尚未审结 for that year.

A report marked final shows the figures as they were published (frozen) and lists what the
register says differently now (:class:`AnnualChange`), as a reported quarter does.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Mapping, Optional

from sqlalchemy import and_, case, exists, or_, select
from sqlalchemy.orm import Session

from deskapp.core.audit import chain as audit
from deskapp.core.reports import annual_checks as checks
from deskapp.core.reports import annual_text, tally
from deskapp.core.reports.annual_checks import CheckResult, Number, fmt, with_ids
from deskapp.core.reports.annual_labels import (
    APPLICANT_COLUMNS,
    COLUMN_KEYS,
    COLUMN_LABEL,
    OUTCOME_ROWS,
    ROW_KEYS,
    ROW_SPEC,
    S2_CELLS,
    S2_COLUMN_LABELS,
    S2_ROW_LABELS,
    S4_CELLS,
    S4_KINDS,
    S4_RESULTS,
    TEXT_KEYS,
    s4_column_label,
)
from deskapp.core.reports.annual_sections import Cell2, Ids, Key, Section2, Section3, Section4
from deskapp.core.requests.yearend import open_on_clause
from deskapp.core.store import settings
from deskapp.core.store.models import AnnualReportRecord, Appeal, InfoRequest, Item

# Figures of section 二 entered by hand: (row key, column key) → the record's (value, note) fields.
INPUT_FIELDS: dict[Key, tuple[str, str]] = {
    ("regulation", "issued"): ("regulation_issued", "regulation_note"),
    ("regulation", "repealed"): ("regulation_repealed", "regulation_note"),
    ("regulation", "in_force"): ("regulation_in_force", "regulation_note"),
    ("permit", "decisions"): ("permits", "permits_note"),
    ("penalty", "decisions"): ("penalties", "penalties_note"),
    ("coercion", "decisions"): ("coercions", "coercions_note"),
    ("fee", "amount"): ("fees", "fees_note"),
}
# Must be entered (0 when none) before the report can be final. 规章 need not: a street office
# has no power to make them, so an empty 规章 row is 0.
REQUIRED_INPUTS: tuple[Key, ...] = (("permit", "decisions"), ("penalty", "decisions"),
                                    ("coercion", "decisions"), ("fee", "amount"))
REGULATION_DEFAULT_NOTE = "未录入，按0计（规章由省级和设区的市级人民政府制定）"
REGISTER_SOURCES: dict[Key, str] = {
    ("normative", "issued"): "登记簿：本年发布的规范性文件",
    ("normative", "repealed"): "登记簿：有效性为废止或失效、失效日期在本年的规范性文件",
    ("normative", "in_force"): "登记簿：年末现行有效的规范性文件",
}


# --- the report's parts ----------------------------------------------------------------------------

@dataclass(frozen=True)
class AnnualChange:
    """A cell whose figure, or the rows behind it, differ from the report as it was made final."""

    table: str  # 二 / 三 / 四
    row_key: str
    column_key: str
    published: Optional[Number]
    now: Optional[Number]
    added: Ids = ()  # ids the cell counts now and did not then
    removed: Ids = ()  # ids it counted then and does not now

    @property
    def cell(self) -> str:
        """The cell as the report names it: 表三“一、本年新收政府信息公开申请数量”行“自然人”列."""
        if self.table == "二":
            return f"表二“{S2_ROW_LABELS[self.row_key]}”{S2_COLUMN_LABELS[(self.row_key, self.column_key)]}"
        if self.table == "三":
            spec = ROW_SPEC[self.row_key]
            row = " ".join(x for x in (spec.group, spec.sub) if x) or spec.part
            return f"表三“{row}”行“{COLUMN_LABEL[self.column_key]}”列"
        return f"表四“{s4_column_label(self.row_key, self.column_key)}”"

    def describe(self) -> str:
        """One Chinese sentence for the report's 定稿后变更 list."""
        text = f"{self.cell}：定稿时为{fmt(self.published)}，现为{fmt(self.now)}"
        moves = [f"{verb}{len(ids)}条" for verb, ids in (("新增计入", self.added), ("不再计入", self.removed)) if ids]
        return text + (f"（{'，'.join(moves)}）" if moves else "") + "。"


@dataclass(frozen=True)
class AnnualReport:
    """Everything the outputs and the 工作台 read. ``checks`` lists the FAILING checks only
    (errors and warnings); when final, the sections are the figures as published and
    ``changes`` what the register says differently since."""

    year: int
    office: str
    section2: Section2
    section3: Section3
    section4: Section4
    texts: dict[str, str]  # keys 一, 五, 六: the clerk's text, or the draft when none is saved
    checks: list[CheckResult]
    final: bool
    frozen_at: Optional[dt.datetime]
    frozen_by: str = ""
    drafts: dict[str, str] = field(default_factory=dict)  # the texts as generated from the figures
    changes: list[AnnualChange] = field(default_factory=list)
    anchor: str = ""  # 审计锚点 of the log when the report was built (audit.printed_anchor)

    @property
    def errors(self) -> list[CheckResult]:
        return [c for c in self.checks if c.blocking]

    @property
    def warnings(self) -> list[CheckResult]:
        return [c for c in self.checks if not c.blocking]

    @property
    def balanced(self) -> bool:
        """No blocking check fails: the report may be marked final."""
        return not self.errors


# --- section 二 ---------------------------------------------------------------------------------------

def year_period(year: int, today: dt.date) -> tally.Period:
    """The calendar year, its stock taken on 1 January after it (or today while it runs)."""
    return tally.Period.of(dt.date(year, 1, 1), dt.date(year, 12, 31), today, f"{year}年")


def normative_ids(session: Session, p: tally.Period) -> dict[str, Ids]:
    """{issued, repealed, in_force}: the 规范性文件 each figure of the year counts (one query)."""
    rules = {"issued": tally.normative_issued(p), "repealed": tally.normative_repealed(p),
             "in_force": tally.normative_in_force(p)}
    issued_, repealed_, in_force_ = (case((rule, 1), else_=0) for rule in rules.values())
    stmt = (select(Item.id, issued_, repealed_, in_force_)
            .where(Item.kind == "规范性文件", or_(*rules.values())).order_by(Item.id))
    found: dict[str, list[int]] = {k: [] for k in rules}
    for row in session.execute(stmt):
        for key, hit in zip(rules, row[1:], strict=True):
            if hit:
                found[key].append(row.id)
    return {k: tuple(v) for k, v in found.items()}


def parse_fee(text: Optional[str]) -> Optional[float]:
    """The stored 万元 text as a number (None when not entered or unreadable)."""
    if text is None or not text.strip():
        return None
    try:
        return float(Decimal(text.strip()))
    except InvalidOperation:
        return None


def _input(record: Optional[AnnualReportRecord], key: Key) -> Cell2:
    value_field, note_field = INPUT_FIELDS[key]
    raw: Any = getattr(record, value_field) if record is not None else None
    value: Optional[Number] = parse_fee(raw) if key == ("fee", "amount") else raw
    note = str(getattr(record, note_field)) if record is not None else ""
    if value is None and key[0] == "regulation":
        return Cell2(0, (), note or REGULATION_DEFAULT_NOTE)
    return Cell2(value, (), note)


def section2(session: Session, year: int, today: dt.date,
             record: Optional[AnnualReportRecord] = None) -> Section2:
    ids = normative_ids(session, year_period(year, today))
    cells: dict[Key, Cell2] = {}
    for key in S2_CELLS:
        if key[0] == "normative":
            cells[key] = Cell2(len(ids[key[1]]), ids[key[1]], REGISTER_SOURCES[key])
        else:
            cells[key] = _input(record, key)
    return Section2(cells)


# --- section 三 --------------------------------------------------------------------------------------

def _empty_ids(rows: tuple[str, ...]) -> dict[Key, list[int]]:
    return {(r, c): [] for r in rows for c in COLUMN_KEYS}


def section3(session: Session, year: int, record: Optional[AnnualReportRecord] = None) -> Section3:
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    relevant = or_(and_(InfoRequest.received_on <= last,
                        or_(InfoRequest.reply_on.is_(None), InfoRequest.reply_on >= first)),
                   InfoRequest.reply_on.between(first, last))
    stmt = (select(InfoRequest.id, InfoRequest.applicant_type, InfoRequest.received_on, InfoRequest.reply_on,
                   InfoRequest.outcome).where(relevant).order_by(InfoRequest.year, InfoRequest.serial))
    found = _empty_ids(ROW_KEYS)
    outcome_rows = set(OUTCOME_ROWS)
    for id_, applicant_type, received, reply, outcome in session.execute(stmt):
        columns = ("total", applicant_type) if applicant_type in APPLICANT_COLUMNS else ("total",)
        rows = []
        if first <= received <= last:
            rows.append("new")
        if received < first and (reply is None or reply >= first):
            rows.append("carried_in")
        if reply is not None and first <= reply <= last:
            rows.append("outcomes_total")
            if outcome in outcome_rows:
                rows.append(outcome)
        if received <= last and (reply is None or reply > last):
            rows.append("carried_out")
        for row in rows:
            for col in columns:
                found[(row, col)].append(id_)
    ids = {k: tuple(v) for k, v in found.items()}
    cells = {k: len(v) for k, v in ids.items()}
    manual = record.carried_in if record is not None else None
    if manual is None:
        return Section3(cells, ids, "register")
    for col in APPLICANT_COLUMNS:
        cells[("carried_in", col)] = int(manual.get(col) or 0)
        ids[("carried_in", col)] = ()
    cells[("carried_in", "total")] = sum(cells[("carried_in", c)] for c in APPLICANT_COLUMNS)
    ids[("carried_in", "total")] = ()
    return Section3(cells, ids, "manual")


# --- section 四 --------------------------------------------------------------------------------------

def section4(session: Session, year: int) -> Section4:
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    stmt = (select(Appeal.id, Appeal.kind, Appeal.result, Appeal.result_on)
            .where(Appeal.filed_on.between(first, last)).order_by(Appeal.filed_on, Appeal.id))
    found: dict[Key, list[int]] = {k: [] for k in S4_CELLS}
    for id_, kind, result, result_on in session.execute(stmt):
        if kind not in S4_KINDS:
            continue  # not a row of the table; the register refuses such kinds
        if result_on is None or result_on > last:
            result = "pending"
        found[(kind, "total")].append(id_)
        if result in S4_RESULTS and result != "total":
            found[(kind, result)].append(id_)
    ids = {k: tuple(v) for k, v in found.items()}
    return Section4({k: len(v) for k, v in ids.items()}, ids)


# --- last year, as the checks compare with it ----------------------------------------------------------

@dataclass(frozen=True)
class LastYear:
    """What this year's report is compared with: last year's 四 by column and its 现行有效."""

    carried_out: Optional[dict[str, int]]
    carried_out_ids: dict[str, Ids]
    in_force: Optional[int]
    in_force_ids: Optional[Ids]  # None when last year's figure came without ids
    regulation_in_force: Optional[Number]


def last_year(session: Session, year: int, today: dt.date) -> LastYear:
    """From last year's final report when there is one (what was published), else from the
    register when the desk already held last year's rows; unknown (None) for a new desk."""
    before = session.get(AnnualReportRecord, year - 1)
    if before is not None and before.final and before.frozen:
        frozen = before.frozen
        s3, s2 = frozen["section3"], frozen["section2"]
        out = {c: int(s3[_k("carried_out", c)]["n"]) for c in COLUMN_KEYS}
        out_ids = {c: tuple(s3[_k("carried_out", c)]["ids"]) for c in COLUMN_KEYS}
        normative = s2[_k("normative", "in_force")]
        regulation = s2[_k("regulation", "in_force")]["value"]
        return LastYear(out, out_ids, int(normative["value"]), tuple(normative["ids"]), regulation)
    first = dt.date(year, 1, 1)
    has_requests = session.scalar(select(exists().where(InfoRequest.received_on < first)))
    carried: Optional[dict[str, int]] = None
    carried_ids: dict[str, Ids] = {}
    if has_requests:
        stmt = select(InfoRequest.id, InfoRequest.applicant_type).where(open_on_clause(first - dt.timedelta(days=1)))
        lists: dict[str, list[int]] = {c: [] for c in COLUMN_KEYS}
        for id_, applicant_type in session.execute(stmt):
            lists["total"].append(id_)
            if applicant_type in lists:
                lists[applicant_type].append(id_)
        carried_ids = {c: tuple(sorted(v)) for c, v in lists.items()}
        carried = {c: len(v) for c, v in carried_ids.items()}
    has_items = session.scalar(select(exists().where(Item.published_on < first)))
    in_force_ids = normative_ids(session, year_period(year - 1, today))["in_force"] if has_items else None
    regulation = before.regulation_in_force if before is not None else None
    return LastYear(carried, carried_ids, len(in_force_ids) if in_force_ids is not None else None,
                    in_force_ids, regulation)


# --- the checks, with the rows behind each ---------------------------------------------------------------

def _union(ids: Mapping[Key, Ids], keys: list[Key]) -> set[int]:
    return {i for k in keys for i in ids.get(k, ())}


def run_checks(s2: Section2, s3: Section3, s4: Section4, last: LastYear) -> list[CheckResult]:
    """Every failing check of the report, each pointing at the ids behind it."""
    out: list[CheckResult] = []
    found = checks.check_section3(s3.cells, last.carried_out)
    for c in found:
        col = c.column_key
        if c.rule == "balance":
            left = _union(s3.ids, [("new", col), ("carried_in", col)])
            right = _union(s3.ids, [("outcomes_total", col), ("carried_out", col)])
            c = with_ids(c, left ^ right)
        elif c.rule == "outcome_sum":
            placed = _union(s3.ids, [(r, col) for r in OUTCOME_ROWS])
            c = with_ids(c, _union(s3.ids, [("outcomes_total", col)]) - placed)
        elif c.rule == "column_sum":
            row = c.row_key
            c = with_ids(c, _union(s3.ids, [(row, "total")]) - _union(s3.ids, [(row, a) for a in APPLICANT_COLUMNS]))
        elif c.rule == "carried_in":
            c = with_ids(c, set(s3.traced("carried_in", col)) ^ set(last.carried_out_ids.get(col, ())))
        out.append(c)
    for c in checks.check_section4(s4.cells):
        kind = c.row_key
        parts = _union(s4.ids, [(kind, r) for r in S4_RESULTS if r != "total"])
        out.append(with_ids(c, set(s4.traced(kind, "total")) - parts))
    out += checks.check_inputs({k: s2.value(*k) for k in REQUIRED_INPUTS}, REQUIRED_INPUTS)
    normative = [s2.cell("normative", col) for col in ("issued", "repealed", "in_force")]
    for c in checks.check_in_force("normative", last.in_force, *(n.value for n in normative)):
        if last.in_force_ids is None:
            out.append(c)
            continue
        issued, repealed, now = (set(n.ids) for n in normative)
        out.append(with_ids(c, ((set(last.in_force_ids) | issued) - repealed) ^ now))
    if last.regulation_in_force is not None:
        out += checks.check_in_force("regulation", last.regulation_in_force, s2.value("regulation", "issued"),
                                     s2.value("regulation", "repealed"), s2.value("regulation", "in_force"))
    return out


# --- frozen figures (what a final report keeps) -----------------------------------------------------------

def _k(row: str, column: str) -> str:
    return f"{row}|{column}"


def freeze(s2: Section2, s3: Section3, s4: Section4) -> dict[str, Any]:
    """The figures as JSON: each cell's number and the ids it counted."""
    return {
        "section2": {_k(*k): {"value": c.value, "ids": list(c.ids), "source": c.source} for k, c in s2.cells.items()},
        "section3": {_k(*k): {"n": n, "ids": list(s3.ids.get(k, ()))} for k, n in s3.cells.items()},
        "carried_in_source": s3.carried_in_source,
        "section4": {_k(*k): {"n": n, "ids": list(s4.ids.get(k, ()))} for k, n in s4.cells.items()},
    }


def thaw(frozen: Mapping[str, Any]) -> tuple[Section2, Section3, Section4]:
    def key(text: str) -> Key:
        row, column = text.split("|", 1)
        return row, column

    s2 = Section2({key(k): Cell2(v["value"], tuple(v["ids"]), v["source"]) for k, v in frozen["section2"].items()})
    s3 = Section3({key(k): int(v["n"]) for k, v in frozen["section3"].items()},
                  {key(k): tuple(v["ids"]) for k, v in frozen["section3"].items()}, frozen["carried_in_source"])
    s4 = Section4({key(k): int(v["n"]) for k, v in frozen["section4"].items()},
                  {key(k): tuple(v["ids"]) for k, v in frozen["section4"].items()})
    return s2, s3, s4


def _same(a: Optional[Number], b: Optional[Number]) -> bool:
    if a is None or b is None:
        return a is b
    return abs(float(a) - float(b)) < 1e-9


def compare(published: tuple[Section2, Section3, Section4], now: tuple[Section2, Section3, Section4]
            ) -> list[AnnualChange]:
    """Every cell whose figure or counted rows differ between the published report and now."""
    (p2, p3, p4), (n2, n3, n4) = published, now
    pairs: list[tuple[str, Key, Optional[Number], Optional[Number], Ids, Ids]] = []
    pairs += [("二", k, p2.cells[k].value, n2.cells[k].value, p2.cells[k].ids, n2.cells[k].ids)
              for k in S2_CELLS if k in p2.cells]
    pairs += [("三", k, p3.cells[k], n3.cells[k], p3.traced(*k), n3.traced(*k))
              for k in ((r, c) for r in ROW_KEYS for c in COLUMN_KEYS) if k in p3.cells]
    pairs += [("四", k, p4.cells[k], n4.cells[k], p4.traced(*k), n4.traced(*k)) for k in S4_CELLS if k in p4.cells]
    out = []
    for table, (row, col), before, after, ids_before, ids_after in pairs:
        added, removed = sorted(set(ids_after) - set(ids_before)), sorted(set(ids_before) - set(ids_after))
        if not _same(before, after) or added or removed:
            out.append(AnnualChange(table, row, col, before, after, tuple(added), tuple(removed)))
    return out


# --- the report -------------------------------------------------------------------------------------------

def record_of(session: Session, year: int) -> Optional[AnnualReportRecord]:
    return session.get(AnnualReportRecord, year)


def live_sections(session: Session, year: int, today: dt.date,
                  record: Optional[AnnualReportRecord] = None) -> tuple[Section2, Section3, Section4]:
    """The three tables as the register and the year's inputs give them now."""
    return section2(session, year, today, record), section3(session, year, record), section4(session, year)


def build_report(session: Session, year: int, today: dt.date) -> AnnualReport:
    """The report of ``year``: its tables, texts and failing checks. Final reports show the
    figures as published and list the changes since."""
    record = record_of(session, year)
    live = live_sections(session, year, today, record)
    final = bool(record is not None and record.final and record.frozen)
    shown = thaw(record.frozen) if final and record is not None and record.frozen else live
    last = last_year(session, year, today)
    found = run_checks(*shown, last)
    previous = record_of(session, year - 1)
    previous_five = str((previous.texts or {}).get("五", "")) if previous is not None else ""
    office = str(settings.get(session, "org_name") or "")
    drafts = annual_text.draft_texts(session, year, today, *shown, previous_five, office)
    saved = dict(record.texts or {}) if record is not None else {}
    texts = {k: str(saved[k]) if saved.get(k) else drafts[k] for k in TEXT_KEYS}
    return AnnualReport(
        year=year, office=office,
        section2=shown[0], section3=shown[1], section4=shown[2], texts=texts, checks=found, final=final,
        frozen_at=record.frozen_at if final and record is not None else None,
        frozen_by=record.frozen_by if final and record is not None else "",
        drafts=drafts, changes=compare(shown, live) if final else [], anchor=audit.printed_anchor(session))
