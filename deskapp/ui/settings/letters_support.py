"""What the 依申请公开与文书 settings do besides showing widgets: the templates' names as users
know them, saving the periods and the wording in one transaction with one audit event, and
the sample request a template is previewed on. No widgets here (tests call these directly).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

from sqlalchemy.orm import Session

from deskapp.core.audit import chain as audit
from deskapp.core.audit.chain import Actor
from deskapp.core.calendar.workdays import WorkCalendar
from deskapp.core.errors import ValidationError
from deskapp.core.requests import clock, records
from deskapp.core.requests import wording as wd
from deskapp.core.requests.vocab import OUTCOMES
from deskapp.core.store import settings
from deskapp.exports.pdf.letter import LetterData, compose_letter, render_letter
from deskapp.exports.pdf.page import RenderResult

# The plain settings of the page (the wording is saved through wording.save_templates).
PLAIN_KEYS = ("request_prefix", "supplement_days", "fee_payment_days")
BODY_KEYS = (wd.REVIEW_BODY_KEY, wd.COURT_KEY)
TEMPLATES: tuple[str, ...] = tuple(wd.DEFAULTS)
SAMPLE_ID = "11010519491231002X"  # GB 11643's own example; printed masked like any other


def template_label(template: str) -> str:
    """A template's name in the list: a reply by its section 三 outcome, not by its code."""
    if template.startswith("reply_") and template[len("reply_"):] in OUTCOMES:
        return f"答复书：{OUTCOMES[template[len('reply_'):]]}"
    return wd.TEMPLATE_LABELS[template]


def readable(message: str) -> str:
    """wording's messages name a reply template by its code (答复书：refuse_1): use our names."""
    for template, label in wd.TEMPLATE_LABELS.items():
        message = message.replace(f"“{label}”", f"“{template_label(template)}”")
    return message


def stored_templates(values: Mapping[str, Any]) -> dict[str, str]:
    """Each template's text as the office stored it ("" = the default)."""
    return {t: str(values.get(wd.SETTING_KEYS[t]) or "") for t in TEMPLATES}


def letter_changes(stored: Mapping[str, str], texts: Mapping[str, str]) -> dict[str, str]:
    """The setting keys to write: a text equal to the default is stored as "" (the default
    follows the program when it is corrected), unchanged ones are left out."""
    out: dict[str, str] = {}
    for template, text in texts.items():
        value = "" if text.strip() == wd.DEFAULTS[template].strip() else text
        if value != stored.get(template, ""):
            out[wd.SETTING_KEYS[template]] = value
    return out


def save_request_settings(session: Session, actor: Actor, plain: Mapping[str, Any],
                          letters: Mapping[str, str]) -> dict[str, tuple[Any, Any]]:
    """Store the periods and names (``plain``) and the wording (``letters``, by setting key,
    the 复议 body and the court included) in the caller's one transaction, with one audit
    event. Every problem is collected first; on any, ValidationError and nothing is stored."""
    errors: dict[str, str] = {}
    coerced: dict[str, Any] = {}
    for key, value in plain.items():
        try:
            coerced[key] = settings.coerce(key, value)
        except ValidationError as exc:
            errors.update(exc.fields)
    try:
        settings.validate(coerced)
    except ValidationError as exc:
        errors.update(exc.fields)
    changed: dict[str, tuple[Any, Any]] = {}
    try:
        changed.update(wd.save_templates(session, letters))
    except ValidationError as exc:
        errors.update(exc.fields)
    if errors:  # the caller's transaction is rolled back: what save_templates wrote goes too
        raise ValidationError({k: readable(v) for k, v in errors.items()})
    changed.update(settings.put_many(session, coerced))
    if changed:
        audit.record(session, actor, "update", "setting", None,
                     {k: b for k, (b, _) in changed.items()}, {k: a for k, (_, a) in changed.items()})
    return changed


def kind_and_outcome(template: str) -> tuple[str, str]:
    """The letter a template is printed in: a reply part in the reply (予以公开 for the parts
    every reply shares), the others in their own letter."""
    if template in ("reply_opening", "remedy"):
        return "reply", "open"
    if template.startswith("reply_"):
        return "reply", template[len("reply_"):]
    return template, ""


def templates_in(kind: str, outcome: str) -> list[str]:
    return ["reply_opening", f"reply_{outcome}", "remedy"] if kind == "reply" else [kind]


def sample_letter(session: Session, template: str, today: dt.date, texts: Mapping[str, str],
                  review_body: str, court: str) -> RenderResult:
    """The letter ``template`` appears in, for a made-up request received ten days ago, worded
    with ``texts`` as they stand in the editor (saved or not) and the office's details. Raises
    ValidationError (the template's own message) when a text it uses would be refused."""
    kind, outcome = kind_and_outcome(template)
    for used in templates_in(kind, outcome):
        if texts[used].strip() != wd.DEFAULTS[used].strip():
            try:
                wd.check_template(used, texts[used])
            except ValidationError as exc:
                raise ValidationError({k: readable(v) for k, v in exc.fields.items()}) from exc
    values = settings.get_all(session)
    cal = WorkCalendar.load(session)
    received = cal.add_workdays(today - dt.timedelta(days=21), 1)
    due = clock.request_due(cal, received).due
    notice = cal.add_workdays(received, 3)
    data = LetterData(
        kind=kind, office=str(values["org_name"]) or "某某街道办事处",
        number=records.number_of(str(values["request_prefix"]), today.year, 1), letter_date=today,
        applicant="张小三", id_number=SAMPLE_ID, outcome=outcome, address=str(values["address"]),
        phone=str(values["phone"]), received=received, due=due, new_due=cal.add_workdays(due, 20),
        supplement_end=cal.add_workdays(notice, int(values["supplement_days"])),
        third_party_due=cal.add_workdays(today, clock.THIRD_PARTY_DAYS),
        subject="2025年老旧小区改造项目的资金使用情况", missing="请写明所需信息的具体年份和项目名称。",
        approver="李科长", third_party="长安建设有限公司",
        reason="其中涉及个人隐私的内容不予公开。" if outcome == "partial" else "", draft=True,
    )
    wording = wd.Wording(dict(texts), review_body.strip(), court.strip())
    return render_letter(compose_letter(data, wording))
