"""Registering requests, numbers, audit, carry-over, appeals, and holiday recomputation."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from deskapp.core.calendar.workdays import HolidayRange, YearArrangement
from deskapp.core.errors import ConcurrentEditError, ValidationError
from deskapp.core.requests import appeals, deadlines, records, yearend
from deskapp.core.requests.appeals import AppealData
from deskapp.core.store import settings
from deskapp.core.store.models import AuditEvent, InfoRequest, RequestEvent
from tests.core.requests.helpers import VALID_ID, data, new_request

D = dt.date
TODAY = D(2026, 11, 26)


@pytest.mark.parametrize("kw, field", [
    (dict(id_number="110105194912310021"), "id_number"),  # wrong check character
    (dict(id_number="11010519491231"), "id_number"),  # digits, neither 15 nor 18
    (dict(applicant_name="  "), "applicant_name"),
    (dict(applicant_type="company"), "applicant_type"),
    (dict(received_on=None), "received_on"),
    (dict(received_on=D(2026, 11, 27)), "received_on"),
    (dict(channel="pigeon"), "channel"),
    (dict(content=""), "content"),
    (dict(delivery="email", email=""), "email"),
    (dict(delivery="post", address=""), "address"),
    (dict(phone="", address="", email="", delivery="pickup"), "phone"),
    (dict(email="not-an-email", delivery="pickup"), "email"),
])
def test_bad_registrations_are_refused_and_nothing_is_saved(db, actor, kw, field) -> None:
    with db.session() as s:
        with pytest.raises(ValidationError) as exc:
            records.create_request(s, actor, data(**kw), today=TODAY)
        assert field in exc.value.fields and exc.value.message.endswith("。")
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(InfoRequest)) == 0


def test_ids_of_organisations_and_passports_are_accepted_and_masked() -> None:
    assert records.id_number_problem("business", "91330802MA2XXXXX0X") is None
    assert records.id_number_problem("person", "E12345678") is None  # a passport
    assert records.id_number_problem("person", "1101051949123100") is not None
    assert records.mask_id_number(VALID_ID) == "110105********002X"
    assert records.mask_id_number("E12345678") == "E1*****78"


def test_numbers_are_a_yearly_sequence_with_the_prefix(db, actor) -> None:
    with db.session() as s:
        settings.put_many(s, {"request_prefix": "长街公开申"})
    ids = [new_request(db, actor, TODAY, received_on=D(2026, m, 2))[0] for m in (1, 2)]
    ids.append(new_request(db, actor, TODAY, received_on=D(2025, 12, 30))[0])
    with db.session() as s:
        numbers = [s.get(InfoRequest, i).number for i in ids]  # type: ignore[union-attr]
        assert numbers == ["长街公开申〔2026〕1号", "长街公开申〔2026〕2号", "长街公开申〔2025〕1号"]
        settings.put_many(s, {"request_prefix": "新"})  # a prefix change mid-year: serials go on
    rid, _ = new_request(db, actor, TODAY, received_on=D(2026, 3, 1))
    with db.session() as s:
        assert s.get(InfoRequest, rid).number == "新〔2026〕3号"  # type: ignore[union-attr]


def test_every_step_is_audited_and_in_the_history(db, actor) -> None:
    rid, v = new_request(db, actor, TODAY)
    with db.session() as s:
        records.update_request(s, actor, rid, v, data(phone="0570-8012345"), today=TODAY)
    with db.session() as s:
        with pytest.raises(ConcurrentEditError):
            records.update_request(s, actor, rid, v, data(phone="0570-8000000"), today=TODAY)
    with db.session() as s:
        actions = list(s.scalars(select(AuditEvent.action).where(AuditEvent.entity == "info_request")))
        assert actions == ["create", "edited"]
        assert [e.kind for e in s.scalars(select(RequestEvent).order_by(RequestEvent.id))] == ["created", "edited"]
        records.record_letter(s, actor, rid, "receipt", D(2026, 3, 23))
        with pytest.raises(ValidationError):
            records.record_letter(s, actor, rid, "love-letter")
    with db.session() as s:
        req = s.get(InfoRequest, rid)
        assert req is not None and req.version == 2  # a letter does not change the request


def test_received_date_cannot_move_after_a_recorded_step(db, actor) -> None:
    rid, v = new_request(db, actor, TODAY)
    with db.session() as s:
        v = records.extend(s, actor, rid, v, D(2026, 4, 1), "李主任", today=TODAY).version
        with pytest.raises(ValidationError, match="不能晚于已登记的办理步骤"):
            records.update_request(s, actor, rid, v, data(received_on=D(2026, 4, 2)), today=TODAY)


def test_carry_over_counts_requests_open_on_31_december(db, actor) -> None:
    a, va = new_request(db, actor, TODAY, received_on=D(2025, 12, 10))  # replied in January
    b, _ = new_request(db, actor, TODAY, received_on=D(2025, 12, 29))  # still open
    c, vc = new_request(db, actor, TODAY, received_on=D(2025, 11, 3))  # replied in December
    with db.session() as s:
        records.close_request(s, actor, a, va, "open", D(2026, 1, 8), "post", today=TODAY)
        records.close_request(s, actor, c, vc, "unable_1", D(2025, 12, 1), "post", today=TODAY)
    with db.session() as s:
        assert yearend.open_at_year_end(s, 2025) == [a, b] == yearend.carried_into(s, 2026)
        assert yearend.carry_over(s, actor, 2025) == 2
        assert yearend.carry_over(s, actor, 2025) == 0  # idempotent
        assert s.get(InfoRequest, b).carried_over_from_year == 2025  # type: ignore[union-attr]
        fig = yearend.section_three(s, 2026)
        assert fig.carried_in["total"] == 2 and fig.outcomes["open"]["person"] == 1
        assert fig.balanced()


def test_appeals_and_section_four(db, actor) -> None:
    rid, _ = new_request(db, actor, TODAY)
    with db.session() as s:
        with pytest.raises(ValidationError, match="结果日期"):
            appeals.create_appeal(s, actor, AppealData("review", rid, D(2026, 6, 1), "区政府", "upheld"), today=TODAY)
        with pytest.raises(ValidationError, match="早于该申请"):
            appeals.create_appeal(s, actor, AppealData("review", rid, D(2026, 1, 1), "区政府"), today=TODAY)
        first = appeals.create_appeal(s, actor, AppealData("review", rid, D(2026, 6, 1), "区政府"), today=TODAY)
        appeals.create_appeal(s, actor, AppealData("suit_direct", None, D(2026, 7, 1), "区人民法院", "corrected",
                                                   D(2026, 9, 1)), today=TODAY)
        version = appeals.list_appeals(s, 2026)[0].version
        appeals.update_appeal(s, actor, first, version, AppealData("review", rid, D(2026, 6, 1), "区政府", "upheld",
                                                                    D(2026, 8, 1)), today=TODAY)
        with pytest.raises(ConcurrentEditError):
            appeals.update_appeal(s, actor, first, version, AppealData("review", rid, D(2026, 6, 1)), today=TODAY)
        cells = appeals.section_four(s, 2026)
        assert cells["review"]["upheld"] == 1 and cells["suit_direct"]["corrected"] == 1
        assert cells["suit_after_review"]["total"] == 0
        assert sum(v for k in cells.values() for n, v in k.items() if n != "total") == 2
        appeals.delete_appeal(s, actor, first)
        assert [r.kind for r in appeals.list_appeals(s)] == ["suit_direct"]


def test_a_holiday_change_recomputes_open_requests_only(db, actor) -> None:
    open_id, _ = new_request(db, actor, TODAY, received_on=D(2026, 9, 1))
    closed_id, vc = new_request(db, actor, TODAY, received_on=D(2026, 9, 2))
    with db.session() as s:
        records.close_request(s, actor, closed_id, vc, "open", D(2026, 9, 10), "post", today=TODAY)
        before_open = s.get(InfoRequest, open_id).due_on  # type: ignore[union-attr]
        before_closed = s.get(InfoRequest, closed_id).due_on  # type: ignore[union-attr]
        version = s.get(InfoRequest, open_id).version  # type: ignore[union-attr]
    assert before_open == D(2026, 9, 29)
    arrangement = YearArrangement(2026, [HolidayRange("测试假", D(2026, 9, 14), D(2026, 9, 18))], [])
    with db.session() as s:
        items, reqs = deadlines.save_holiday_year(s, actor, arrangement)
        assert reqs == 1
        got = s.get(InfoRequest, open_id)
        assert got is not None and got.due_on == D(2026, 10, 6) and got.version == version
        assert s.get(InfoRequest, closed_id).due_on == before_closed  # type: ignore[union-attr]
    with db.session() as s:
        assert deadlines.restore_holiday_year(s, actor, 2026)[1] == 1
        assert s.get(InfoRequest, open_id).due_on == before_open  # type: ignore[union-attr]


@pytest.mark.parametrize("step, answer, field", [
    (lambda s, a, rid, v: records.notify_supplement(s, a, rid, v, D(2026, 9, 2), "写明年份", today=TODAY),
     lambda s, a, rid, v, on: records.receive_supplement(s, a, rid, v, on, today=TODAY), "supplement_received_on"),
    (lambda s, a, rid, v: records.notify_fee(s, a, rid, v, 1250, D(2026, 9, 2), today=TODAY),
     lambda s, a, rid, v, on: records.record_fee_paid(s, a, rid, v, on, today=TODAY), "fee_paid_on"),
])
def test_an_answer_to_an_earlier_step_comes_after_it_and_only_once(db, actor, step, answer, field) -> None:
    """A supplement answers its 补正 notice, a payment its fee notice: neither before the notice
    was sent, nor dated before it, nor recorded twice; a refusal changes nothing."""
    rid, version = new_request(db, actor, TODAY, received_on=D(2026, 9, 1))

    def refused(on: dt.date, message: str) -> None:
        with pytest.raises(ValidationError) as err, db.session() as s:
            answer(s, actor, rid, records.get_request(s, rid).version, on)
        assert message in err.value.fields[field]

    refused(D(2026, 9, 3), "尚未发出")
    with db.session() as s:
        step(s, actor, rid, version)
    refused(D(2026, 9, 1), "不能早于")
    with db.session() as s:
        answer(s, actor, rid, records.get_request(s, rid).version, D(2026, 9, 4))
    refused(D(2026, 9, 5), "已登记过")
    with db.session() as s:
        assert getattr(records.get_request(s, rid), field) == D(2026, 9, 4)
