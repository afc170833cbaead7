"""Demo requests: every outcome, the steps the law knows, carried over, appeals, removable."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from deskapp.core.demo import generate as demo
from deskapp.core.requests import appeals, yearend
from deskapp.core.requests.query import RequestFilter, RequestRegister
from deskapp.core.requests.vocab import OUTCOMES
from deskapp.core.store.models import Appeal, InfoRequest, RequestConsultation, RequestEvent

TODAY = dt.date(2026, 11, 26)


def test_demo_requests_cover_the_law_and_go_away_again(db) -> None:
    summary = demo.generate(db, 3000, seed=5, today=TODAY)
    assert summary.requests >= 300
    with db.session() as s:
        outcomes = dict(s.execute(select(InfoRequest.outcome, func.count()).group_by(InfoRequest.outcome)).all())
        assert set(OUTCOMES) <= set(outcomes)
        assert outcomes["open"] + outcomes["unable_1"] > summary.requests // 2  # most answers
        assert outcomes.get(None, 0) > 0  # some still open today
        rows = list(s.scalars(select(InfoRequest)))
        assert any(r.supplement_notice_on and r.supplement_received_on for r in rows)
        assert any(r.supplement_notice_on and not r.supplement_received_on for r in rows)
        assert any(r.extension_on for r in rows) and any(r.fee_notice_on for r in rows)
        assert s.scalar(select(func.count()).select_from(RequestConsultation)) > 0
        for r in rows:  # the demo follows the law it shows
            assert r.reply_on is None or r.reply_on >= r.received_on
            if r.extension_on:
                assert r.extension_approver
        late = RequestRegister(db, today=TODAY).counts(s, RequestFilter(year=2026))[1]
        assert 0 < late < summary.requests // 5
        assert yearend.open_at_year_end(s, 2025)  # carried over from last December
        assert yearend.section_three(s, 2026).balanced()
        cells = appeals.section_four(s, 2026)
        assert cells["review"]["total"] == 2 and cells["suit_direct"]["total"] == 1
    demo.remove_demo(db)
    with db.session() as s:
        for model in (InfoRequest, RequestEvent, RequestConsultation, Appeal):
            assert s.scalar(select(func.count()).select_from(model)) == 0
