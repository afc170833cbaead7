"""The request clock: named cases for the law (2026 calendar) and hypothesis for the arithmetic."""

from __future__ import annotations

import datetime as dt

from hypothesis import assume, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from deskapp.core.requests.clock import Consultation, consultation_until, request_due, supplement_notice_due
from tests.core.calendar.package_calendar import CAL

D = dt.date
days = st.dates(D(2024, 1, 1), D(2026, 10, 31))
gaps = st.integers(0, 40)


# --- named cases -------------------------------------------------------------------------------

def test_the_domain_pin_supplement_restarts_and_a_makeup_saturday_counts() -> None:
    r = request_due(CAL, D(2026, 3, 23), supplement_received=D(2026, 4, 8))
    assert r.due == D(2026, 5, 9) and r.start == D(2026, 4, 8) and r.restarted_from == D(2026, 4, 8)
    assert D(2026, 5, 9) in r.makeup_workdays
    assert [d for d, name in r.skipped if name == "劳动节"] == [D(2026, 5, d) for d in range(1, 6)]
    assert r.paused_days == 0 and not r.provisional and not r.extended
    assert "补正后重新起算 2026-04-08" in r.explain() and "调休上班 5/9" in r.explain()


def test_without_steps_it_is_the_20th_working_day_after_receipt() -> None:
    # formed 2026-09-25 → 2026-10-29 in domain.md; the same count applies to a request
    r = request_due(CAL, D(2026, 9, 25))
    assert r.due == D(2026, 10, 29) == CAL.add_workdays(D(2026, 9, 25), 20)
    assert r.restarted_from is None and r.start == D(2026, 9, 25)


def test_supplement_notice_is_due_on_the_7th_working_day() -> None:
    assert supplement_notice_due(CAL, D(2026, 3, 23)) == D(2026, 4, 1)
    assert supplement_notice_due(CAL, D(2026, 9, 28)) == D(2026, 10, 13)  # National Day, 10/10 worked


def test_a_consultation_pauses_from_the_day_after_sending_to_the_answer() -> None:
    # sent Wed 4/15, answered Fri 4/24: 4/16–4/24 = 7 working days not counted; 5/9 + 7 = 5/19
    r = request_due(CAL, D(2026, 3, 23), D(2026, 4, 8), [Consultation(D(2026, 4, 15), D(2026, 4, 24))])
    assert r.paused_days == 7 and r.due == D(2026, 5, 19)
    assert "不计 7 个工作日" in r.explain()


def test_an_unanswered_consultation_pauses_15_working_days() -> None:
    c = Consultation(D(2026, 4, 15))
    assert consultation_until(CAL, c) == D(2026, 5, 9)
    r = request_due(CAL, D(2026, 4, 8), consultations=[c])
    assert r.paused_days == 15 and r.due == CAL.add_workdays(D(2026, 5, 9), 15) == D(2026, 5, 29)


def test_the_extension_is_20_working_days_after_the_unextended_due() -> None:
    r = request_due(CAL, D(2026, 3, 23), D(2026, 4, 8), [Consultation(D(2026, 4, 15), D(2026, 4, 24))],
                    extended=True)
    assert r.unextended_due == D(2026, 5, 19) and r.due == D(2026, 6, 16) and r.days == 40


def test_a_consultation_sent_after_the_due_date_adds_nothing() -> None:
    late = request_due(CAL, D(2026, 3, 23), consultations=[Consultation(D(2026, 4, 21), None)])
    assert late.due == request_due(CAL, D(2026, 3, 23)).due == D(2026, 4, 21) and late.paused_days == 0


def test_a_year_without_arrangement_is_provisional() -> None:
    r = request_due(CAL, D(max(CAL.known_years), 12, 20))
    assert r.provisional and "暂按周一至周五计算" in r.explain()
    assert r.as_json()["provisional"] is True


def test_json_has_the_calendar_keys_plus_pauses_and_restart() -> None:
    j = request_due(CAL, D(2026, 3, 23), D(2026, 4, 8)).as_json()
    assert {"start", "days", "due", "provisional", "skipped", "makeup_workdays",
            "paused_days", "restarted_from"} <= set(j)
    assert j["due"] == "2026-05-09" and j["restarted_from"] == "2026-04-08" and j["days"] == 20


# --- the arithmetic --------------------------------------------------------------------------

@hsettings(max_examples=150, deadline=None)
@given(days, gaps, gaps)
def test_later_receipt_or_supplement_is_never_due_earlier(received: dt.date, a: int, b: int) -> None:
    later = received + dt.timedelta(days=a)
    assert request_due(CAL, later).due >= request_due(CAL, received).due
    supp = received + dt.timedelta(days=b)
    assert request_due(CAL, received, supp + dt.timedelta(days=a)).due >= request_due(CAL, received, supp).due


@hsettings(max_examples=150, deadline=None)
@given(days, gaps, gaps)
def test_a_restart_depends_on_the_supplement_only(received: dt.date, a: int, b: int) -> None:
    supp = received + dt.timedelta(days=a)
    assert request_due(CAL, received, supp).due == request_due(CAL, received - dt.timedelta(days=b), supp).due
    assert request_due(CAL, received, supp).due == CAL.add_workdays(supp, 20)


@hsettings(max_examples=200, deadline=None)
@given(days, gaps, gaps, gaps, st.booleans())
def test_pauses_add_exactly_the_paused_working_days(start: dt.date, a: int, b: int, c: int, ext: bool) -> None:
    sent = start + dt.timedelta(days=a)
    cons = [Consultation(sent, sent + dt.timedelta(days=b)),
            Consultation(sent + dt.timedelta(days=c), None)]  # may overlap: counted once
    r = request_due(CAL, start, consultations=cons, extended=ext)
    assert CAL.workdays_between(start, r.due) == r.days + r.paused_days
    assert CAL.is_workday(r.due)
    plain = request_due(CAL, start, extended=ext)
    assert r.due >= plain.due and r.paused_days >= 0


@hsettings(max_examples=150, deadline=None)
@given(days, gaps, gaps, gaps)
def test_a_later_answer_is_never_due_earlier(start: dt.date, a: int, b: int, c: int) -> None:
    sent = start + dt.timedelta(days=a)
    early = request_due(CAL, start, consultations=[Consultation(sent, sent + dt.timedelta(days=b))])
    late = request_due(CAL, start, consultations=[Consultation(sent, sent + dt.timedelta(days=b + c))])
    assert late.due >= early.due and late.paused_days >= early.paused_days


@hsettings(max_examples=150, deadline=None)
@given(days, gaps, gaps)
def test_the_extension_adds_20_counted_days_after_the_unextended_due(start: dt.date, a: int, b: int) -> None:
    sent = start + dt.timedelta(days=a)
    cons = [Consultation(sent, sent + dt.timedelta(days=b))]
    plain = request_due(CAL, start, consultations=cons)
    ext = request_due(CAL, start, consultations=cons, extended=True)
    assert ext.unextended_due == plain.due
    assert ext.due > plain.due
    assert CAL.workdays_between(plain.due, ext.due) - (ext.paused_days - plain.paused_days) == 20
    if b == 0 or sent >= plain.due:  # no pause after the unextended due: plain working days
        assume(ext.paused_days == plain.paused_days)
        assert ext.due == CAL.add_workdays(plain.due, 20)


@hsettings(max_examples=100, deadline=None)
@given(days, gaps)
def test_a_consultation_before_the_start_changes_nothing(start: dt.date, a: int) -> None:
    sent = start - dt.timedelta(days=a + 30)
    r = request_due(CAL, start, consultations=[Consultation(sent, sent + dt.timedelta(days=a))])
    assert r.due == CAL.add_workdays(start, 20) and r.paused_days == 0
