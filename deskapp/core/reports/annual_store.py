"""What the clerk keeps with an annual report: inputs, edited texts, and the final mark.

- :func:`save_inputs`: the figures of section 二 kept by other systems (规章, 行政许可, 行政处罚,
  行政强制, 行政事业性收费), each with a note of where it came from, and the 上年结转 typed once
  by hand for a desk new this year.
- :func:`save_texts`: the edited sections 一、五、六.
- :func:`mark_final`: refused while a blocking check fails (the first one is named); freezes
  the figures as published, as a reported quarter does (reports.reported). :func:`reopen`
  takes the mark away again (audited), so a correction can be made and the report re-issued.
- :func:`changes_since_final`: what the register says differently since it was made final.

A final report's inputs and texts cannot be changed until it is reopened.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from decimal import Decimal, InvalidOperation
from typing import Optional

from sqlalchemy.orm import Session

from deskapp.core.audit import chain as audit
from deskapp.core.audit.chain import Actor
from deskapp.core.errors import ValidationError
from deskapp.core.reports.annual import AnnualChange, AnnualReport, build_report, freeze
from deskapp.core.reports.annual_labels import APPLICANT_COLUMNS, COLUMN_LABEL, TEXT_KEYS
from deskapp.core.store.models import AnnualReportRecord, utcnow

ENTITY = "annual_report"
MAX_FEE_DECIMALS = 4  # 万元 to 0.0001, i.e. to the yuan
MAX_TEXT = 20000


@dataclass
class AnnualInputs:
    """The per-year figures the desk cannot count; None = not entered yet."""

    regulation_issued: Optional[int] = None
    regulation_repealed: Optional[int] = None
    regulation_in_force: Optional[int] = None
    regulation_note: str = ""
    permits: Optional[int] = None
    permits_note: str = ""
    penalties: Optional[int] = None
    penalties_note: str = ""
    coercions: Optional[int] = None
    coercions_note: str = ""
    fees: Optional[str] = None  # 万元, as typed: "0", "12.5"
    fees_note: str = ""
    carried_in: Optional[dict[str, int]] = None  # {applicant column: n}; None = from the register
    carried_in_note: str = ""

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in fields(cls)]


COUNT_LABELS = {
    "regulation_issued": "规章本年制发件数", "regulation_repealed": "规章本年废止件数",
    "regulation_in_force": "规章现行有效件数", "permits": "行政许可本年处理决定数量",
    "penalties": "行政处罚本年处理决定数量", "coercions": "行政强制本年处理决定数量",
}


def _record(session: Session, year: int) -> Optional[AnnualReportRecord]:
    return session.get(AnnualReportRecord, year)


def _editable(session: Session, year: int) -> AnnualReportRecord:
    record = _record(session, year)
    if record is not None and record.final:
        raise ValidationError({"final": f"{year}年度报告已定稿，如需修改请先取消定稿。"})
    if record is None:
        record = AnnualReportRecord(year=year, texts={}, final=False)
        session.add(record)
    return record


def normalise_fee(text: Optional[str]) -> Optional[str]:
    """The 万元 figure as stored ("12.5"), None when empty; ValidationError when unreadable."""
    if text is None or not text.strip():
        return None
    try:
        value = Decimal(text.strip().replace("，", "").replace(",", ""))
    except InvalidOperation:
        raise ValidationError({"fees": "行政事业性收费金额请填写数字（单位：万元），没有的填0。"}) from None
    if not value.is_finite() or value < 0:
        raise ValidationError({"fees": "行政事业性收费金额不能为负数，没有的填0。"})
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MAX_FEE_DECIMALS:
        raise ValidationError({"fees": "行政事业性收费金额以万元为单位，最多保留四位小数。"})
    return format(value.normalize(), "f")


def validate_inputs(data: AnnualInputs) -> AnnualInputs:
    """The inputs as they will be stored; ValidationError naming each wrong field."""
    errors: dict[str, str] = {}
    for name, label in COUNT_LABELS.items():
        value = getattr(data, name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            errors[name] = f"{label}请填写不小于0的整数。"
    try:
        fee = normalise_fee(data.fees)
    except ValidationError as exc:
        errors.update(exc.fields)
        fee = None
    carried: Optional[dict[str, int]] = None
    if data.carried_in is not None:
        unknown = set(data.carried_in) - set(APPLICANT_COLUMNS)
        bad = [c for c in APPLICANT_COLUMNS if not isinstance(data.carried_in.get(c, 0), int)
               or isinstance(data.carried_in.get(c, 0), bool) or data.carried_in.get(c, 0) < 0]
        if unknown:
            errors["carried_in"] = "上年结转只按自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他六列填写。"
        elif bad:
            errors["carried_in"] = f"上年结转“{COLUMN_LABEL[bad[0]]}”列请填写不小于0的整数。"
        else:
            carried = {c: int(data.carried_in.get(c, 0)) for c in APPLICANT_COLUMNS}
    if errors:
        raise ValidationError(errors)
    clean = AnnualInputs(**{n: getattr(data, n) for n in AnnualInputs.names()})
    clean.fees, clean.carried_in = fee, carried
    for name in AnnualInputs.names():
        if name.endswith("_note"):
            setattr(clean, name, str(getattr(data, name) or "").strip())
    return clean


def load_inputs(session: Session, year: int) -> AnnualInputs:
    record = _record(session, year)
    if record is None:
        return AnnualInputs()
    return AnnualInputs(**{n: getattr(record, n) for n in AnnualInputs.names()})


def save_inputs(session: Session, actor: Actor, year: int, data: AnnualInputs) -> None:
    """Keep the year's inputs (refused on a final report), audited field by field."""
    clean = validate_inputs(data)
    new = _record(session, year) is None
    record = _editable(session, year)
    before = {} if new else audit.snapshot(record, AnnualInputs.names())
    for name in AnnualInputs.names():
        setattr(record, name, getattr(clean, name))
    record.updated_by = actor.name
    session.flush()
    b, a = audit.diff(before, audit.snapshot(record, AnnualInputs.names()))
    if a:
        audit.record(session, actor, "update_inputs", ENTITY, year, b, a)


def save_texts(session: Session, actor: Actor, year: int, texts: dict[str, str]) -> None:
    """Keep the edited sections (keys 一, 五, 六; an empty text goes back to the draft)."""
    unknown = set(texts) - set(TEXT_KEYS)
    if unknown:
        raise ValidationError({"texts": "只能保存第一、五、六部分的文字。"})
    long = [k for k, v in texts.items() if len(v) > MAX_TEXT]
    if long:
        raise ValidationError({"texts": f"第{long[0]}部分超过{MAX_TEXT}字，请精简后再保存。"})
    record = _editable(session, year)
    before = dict(record.texts or {})
    after = {**before, **{k: v.strip() for k, v in texts.items()}}
    after = {k: v for k, v in after.items() if v}
    record.texts = after
    record.updated_by = actor.name
    session.flush()
    if after != before:
        changed = sorted(set(before) ^ set(after) | {k for k in after if before.get(k) != after[k]})
        audit.record(session, actor, "update_texts", ENTITY, year, {k: before.get(k) for k in changed},
                     {k: after.get(k) for k in changed})


@dataclass(frozen=True)
class FinalInfo:
    year: int
    frozen_at: dt.datetime
    frozen_by: str


def mark_final(session: Session, actor: Actor, year: int, today: dt.date) -> FinalInfo:
    """Freeze the report as published. Refused while any blocking check fails, or before the
    year is over; the texts shown (drafts where none was saved) are kept with the figures."""
    if today <= dt.date(year, 12, 31):
        raise ValidationError({"final": f"{year}年尚未结束，年度报告不能定稿。"})
    report = build_report(session, year, today)
    if report.final:
        raise ValidationError({"final": f"{year}年度报告已经定稿。"})
    if report.errors:
        first = report.errors[0]
        more = f"（另有{len(report.errors) - 1}项）" if len(report.errors) > 1 else ""
        raise ValidationError({"final": f"勾稽检查未通过，不能定稿：{first.message}{more}"})
    record = _editable(session, year)
    frozen = freeze(report.section2, report.section3, report.section4)
    record.texts = dict(report.texts)
    record.final, record.frozen = True, frozen
    record.frozen_at, record.frozen_by = utcnow(), actor.name
    session.flush()
    audit.record(session, actor, "final", ENTITY, year, {"final": False},
                 {"final": True, "frozen_by": actor.name, "texts": report.texts,
                  "section3": {k: v["n"] for k, v in frozen["section3"].items()},
                  "section4": {k: v["n"] for k, v in frozen["section4"].items()}})
    assert record.frozen_at is not None
    return FinalInfo(year, record.frozen_at, record.frozen_by)


def reopen(session: Session, actor: Actor, year: int, reason: str) -> None:
    """Take the final mark away so the report can be corrected (the reason is audited)."""
    record = _record(session, year)
    if record is None or not record.final:
        raise ValidationError({"final": f"{year}年度报告尚未定稿，无需取消。"})
    if not reason.strip():
        raise ValidationError({"reason": "请填写取消定稿的原因。"})
    before = {"final": True, "frozen_at": record.frozen_at, "frozen_by": record.frozen_by}
    record.final, record.frozen, record.frozen_at, record.frozen_by = False, None, None, ""
    session.flush()
    audit.record(session, actor, "reopen", ENTITY, year, before, {"final": False, "reason": reason.strip()})


def final_info(session: Session, year: int) -> Optional[FinalInfo]:
    record = _record(session, year)
    if record is None or not record.final or record.frozen_at is None:
        return None
    return FinalInfo(year, record.frozen_at, record.frozen_by)


def changes_since_final(session: Session, year: int, today: dt.date) -> Optional[list[AnnualChange]]:
    """None when the report is not final; else every cell the register now counts differently."""
    report: AnnualReport = build_report(session, year, today)
    return report.changes if report.final else None
