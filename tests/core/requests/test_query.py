"""The lazy table's reads: filters, search, masking, pages, overdue and days left."""

from __future__ import annotations

import datetime as dt

from deskapp.core.requests import records
from deskapp.core.requests.query import RequestFilter, RequestRegister
from tests.core.requests.helpers import VALID_ID, new_request

D = dt.date
TODAY = D(2026, 11, 26)


def test_filters_search_and_masking(db, actor) -> None:
    late, _ = new_request(db, actor, TODAY, received_on=D(2026, 10, 9), applicant_name="欧阳小明",
                          content="拆迁补偿标准")
    soon, _ = new_request(db, actor, TODAY, received_on=D(2026, 11, 2), applicant_type="business",
                          applicant_name="长安建设有限公司", id_number="91330802MA2ABCDE1X")
    done, v = new_request(db, actor, TODAY, received_on=D(2025, 6, 2))
    with db.session() as s:
        records.close_request(s, actor, done, v, "refuse_4", D(2025, 7, 20), "post", today=TODAY)
    reg = RequestRegister(db, today=TODAY)
    with db.session() as s:
        assert reg.ids(s, RequestFilter(year=2026), sort="number", descending=False) == [late, soon]
        assert reg.ids(s, RequestFilter(open_only=True), sort="received_on") == [soon, late]
        assert reg.ids(s, RequestFilter(overdue_only=True)) == [late, done]  # open past due; replied late
        assert reg.ids(s, RequestFilter(outcome="refuse")) == [done]
        assert reg.ids(s, RequestFilter(outcome="refuse_1")) == []
        assert reg.ids(s, RequestFilter(search="拆迁")) == [late]
        assert reg.ids(s, RequestFilter(search="长安建设")) == [soon]
        assert reg.ids(s, RequestFilter(search="〔2025〕")) == [done]
        assert reg.ids(s, RequestFilter(search="%")) == []
        assert reg.counts(s, RequestFilter()) == (3, 2)
        rows = reg.rows_for(s, [late, soon])
        assert rows[late].applicant == "欧**明" and rows[soon].applicant == "长安建设有限公司"
        assert rows[late].overdue and rows[late].days_left is not None and rows[late].days_left < 0
        assert rows[soon].due_on == D(2026, 11, 30) and rows[soon].due_soon and rows[soon].days_left == 2
        assert reg.ids(s, RequestFilter(due_soon_only=True)) == [soon]
        assert VALID_ID not in str(rows[late].as_json())
        detail = reg.detail(s, late)
        assert detail.id_number_masked == "110105********002X" and detail.phone_masked == "138****8000"
        assert detail.data.id_number == VALID_ID  # the edit dialog and the applicant's own letter
        assert detail.received_hint.startswith("以邮政")
