"""The request clock (Art. 30–33 of the 条例, as domain.md §1 states the desk's rule).

Pure arithmetic on a :class:`~deskapp.core.calendar.workdays.WorkCalendar`, no database:

- due = the 20th working day after the start; the start is the received date or, once a
  补正 notice has gone out and the supplement arrived, the supplement's date (the clock
  restarts, it does not resume). The 补正 notice itself is due on the 7th working day after
  receipt.
- a third-party consultation sent on P and answered on A (unanswered: the 15th working day
  after P) pauses the clock: working days d with P < d ≤ A are not counted.
- one extension: the extended due date is the 20th counted working day after the unextended
  due date (pauses still apply) — the walk simply goes on for 20 more counted days.

The result explains itself as items' due dates do (start, restart, pauses, extension,
skipped holidays, make-up days, provisional years).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional, Sequence

from deskapp.core.calendar.workdays import ONE_DAY, WorkCalendar, calendar_notes, due_json

ANSWER_DAYS = 20  # Art. 33
EXTENSION_DAYS = 20  # Art. 33: at most 20 working days
SUPPLEMENT_NOTICE_DAYS = 7  # Art. 30
THIRD_PARTY_DAYS = 15  # Art. 32


@dataclass(frozen=True)
class Consultation:
    """A consultation's dates: sent on ``sent``; ``answered`` None while no answer came."""

    sent: dt.date
    answered: Optional[dt.date] = None


@dataclass(frozen=True)
class Pause:
    """Working days in (sent, until] are not counted; ``until`` is the answer or the 15th day."""

    sent: dt.date
    until: dt.date
    answered: bool
    workdays: int  # working days of (sent, until] that fell inside the counted walk


@dataclass(frozen=True)
class RequestDue:
    received: dt.date
    start: dt.date  # the day the 20 days are counted from
    restarted_from: Optional[dt.date]  # the supplement's date when it restarted the clock
    days: int  # counted working days (20, or 40 with the extension)
    due: dt.date
    unextended_due: dt.date
    extended: bool
    paused_days: int  # working days a consultation kept out of the count
    pauses: tuple[Pause, ...]
    provisional: bool
    skipped: tuple[tuple[dt.date, str], ...]  # weekday holidays walked over, with names
    makeup_workdays: tuple[dt.date, ...]
    supplement_notice_due: dt.date  # 7th working day after receipt

    def explain(self) -> str:
        """"收到申请 2026-03-23；补正后重新起算 2026-04-08；第20个工作日 2026-05-09；…"."""
        parts = [f"收到申请 {self.received.isoformat()}"]
        if self.restarted_from is not None:
            parts.append(f"补正后重新起算 {self.restarted_from.isoformat()}")
        for p in self.pauses:
            if p.workdays:
                how = "答复" if p.answered else "答复期满"
                parts.append(f"征求第三方意见 {_md(p.sent)}–{_md(p.until)}（{how}）不计 {p.workdays} 个工作日")
        if self.extended:
            parts.append(f"原期限 {self.unextended_due.isoformat()}，延期{EXTENSION_DAYS}个工作日")
        parts.append(f"第{self.days}个工作日 {self.due.isoformat()}")
        return "；".join(parts + calendar_notes(self.skipped, self.makeup_workdays, self.provisional))

    def as_json(self) -> dict[str, object]:
        """The keys of ``calendar due --json`` plus paused_days and restarted_from."""
        return {
            **due_json(self.start, self.days, self.due, self.provisional, self.skipped, self.makeup_workdays),
            "paused_days": self.paused_days,
            "restarted_from": self.restarted_from.isoformat() if self.restarted_from else None,
            "unextended_due": self.unextended_due.isoformat(),
            "extended": self.extended,
            "supplement_notice_due": self.supplement_notice_due.isoformat(),
        }


def _md(day: dt.date) -> str:
    return f"{day.month}/{day.day}"


def supplement_notice_due(cal: WorkCalendar, received: dt.date) -> dt.date:
    """The last day a 补正 notice may go out: the 7th working day after receipt (Art. 30)."""
    return cal.add_workdays(received, SUPPLEMENT_NOTICE_DAYS)


def consultation_until(cal: WorkCalendar, c: Consultation) -> dt.date:
    """The last paused day: the answer's date, or the 15th working day after sending."""
    return c.answered if c.answered is not None else cal.add_workdays(c.sent, THIRD_PARTY_DAYS)


def request_due(
    cal: WorkCalendar,
    received: dt.date,
    supplement_received: Optional[dt.date] = None,
    consultations: Sequence[Consultation] = (),
    extended: bool = False,
    days: int = ANSWER_DAYS,
) -> RequestDue:
    """The answer's due date. ``supplement_received``: the day the supplement arrived after a
    补正 notice (the caller passes it only when a notice went out)."""
    start = supplement_received if supplement_received is not None else received
    intervals = [(c.sent, consultation_until(cal, c), c.answered is not None) for c in consultations]
    paused_on: set[dt.date] = set()
    total = days + (EXTENSION_DAYS if extended else 0)
    day, counted = start, 0
    unextended = start
    skipped: list[tuple[dt.date, str]] = []
    makeup: list[dt.date] = []
    provisional = False
    while counted < total:
        day += ONE_DAY
        provisional = provisional or not cal.is_known(day)
        if not cal.is_workday(day):
            if day in cal.holidays:
                skipped.append((day, cal.holidays[day]))
            continue
        if any(sent < day <= until for sent, until, _ in intervals):
            paused_on.add(day)
            continue
        counted += 1
        if day.weekday() >= 5:
            makeup.append(day)
        if counted == days:
            unextended = day
    pauses = tuple(
        Pause(sent, until, answered, sum(1 for d in paused_on if sent < d <= until))
        for sent, until, answered in intervals
    )
    return RequestDue(
        received=received, start=start, restarted_from=supplement_received, days=total, due=day,
        unextended_due=unextended, extended=extended, paused_days=len(paused_on), pauses=pauses,
        provisional=provisional, skipped=tuple(skipped), makeup_workdays=tuple(makeup),
        supplement_notice_due=supplement_notice_due(cal, received),
    )
