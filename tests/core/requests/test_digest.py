"""The opening digest's 依申请公开 part: open requests late, due within the reminder period,
and those whose 补正 window (7 working days, Art. 30) closes within it."""

from __future__ import annotations

import datetime as dt

from deskapp.core.requests import records
from deskapp.core.requests.digest import request_digest
from deskapp.core.store import settings
from tests.core.requests.helpers import VALID_ID, new_request

D = dt.date
TODAY = D(2026, 11, 26)  # a Thursday; the reminder period (3 working days) ends on 12-01


def _digest(db, today=TODAY, limit=50):
    with db.session() as s:
        return request_digest(s, db, today, limit)


def test_late_due_soon_and_supplement_window(db, actor) -> None:
    late, _ = new_request(db, actor, TODAY, received_on=D(2026, 10, 9), applicant_name="欧阳小明")
    soon, _ = new_request(db, actor, TODAY, received_on=D(2026, 11, 2), applicant_type="business",
                          applicant_name="长安建设有限公司", id_number="91330802MA2ABCDE1X")
    window, _ = new_request(db, actor, TODAY, received_on=D(2026, 11, 19))  # 补正 by 11-30
    last_day, _ = new_request(db, actor, TODAY, received_on=D(2026, 11, 17))  # 补正 by 11-26: today
    new_request(db, actor, TODAY, received_on=D(2026, 11, 16))  # 补正 window closed on 11-25
    new_request(db, actor, TODAY, received_on=D(2026, 11, 24))  # 补正 by 12-03: not yet
    noticed, v = new_request(db, actor, TODAY, received_on=D(2026, 11, 20))
    replied_late, v2 = new_request(db, actor, TODAY, received_on=D(2026, 6, 1))
    with db.session() as s:
        records.notify_supplement(s, actor, noticed, v, D(2026, 11, 23), "请写明具体年份", today=TODAY)
        records.close_request(s, actor, replied_late, v2, "open", D(2026, 8, 20), "post", today=TODAY)

    d = _digest(db)

    assert [e.request_id for e in d.late] == [late] and d.late_total == 1  # not the one replied late
    assert d.late[0].applicant == "欧**明" and d.late[0].note.startswith("已超期 ")
    assert d.late[0].number.endswith("号") and d.late[0].day < TODAY
    assert [e.request_id for e in d.due_soon] == [soon] and d.due_soon_total == 1
    assert d.due_soon[0].day == D(2026, 11, 30) and d.due_soon[0].note == "11月30日到期"
    assert d.due_soon[0].applicant == "长安建设有限公司"  # an organisation's name is public
    assert [(e.request_id, e.day) for e in d.supplement] == [(last_day, TODAY), (window, D(2026, 11, 30))]
    assert d.supplement[1].note == "补正告知最迟 11月30日发出" and d.supplement_total == 2
    assert d.supplement[0].applicant == "张*三"
    assert VALID_ID not in repr(d) and "张小三" not in repr(d) and not d.empty


def test_lists_stop_at_the_limit_but_totals_count_all(db, actor) -> None:
    for day in (D(2026, 9, 1), D(2026, 9, 2), D(2026, 9, 3)):
        new_request(db, actor, TODAY, received_on=day)
    d = _digest(db, limit=2)
    assert len(d.late) == 2 and d.late_total == 3
    assert [e.day for e in d.late] == sorted(e.day for e in d.late)  # the latest first


def test_reminder_period_follows_the_setting(db, actor) -> None:
    new_request(db, actor, TODAY, received_on=D(2026, 11, 6))  # due 12-04: 6 working days away
    assert _digest(db).due_soon_total == 0
    with db.session() as s:
        settings.put_many(s, {"due_soon_workdays": 6})
    assert _digest(db).due_soon_total == 1


def test_nothing_open_is_empty(db, actor) -> None:
    done, v = new_request(db, actor, TODAY, received_on=D(2026, 11, 20))
    with db.session() as s:
        records.withdraw_request(s, actor, done, v, D(2026, 11, 24), today=TODAY)
    d = _digest(db)
    assert d.empty and d.late == d.due_soon == d.supplement == []


def test_a_reminder_of_zero_days_means_due_today(db, actor) -> None:
    """设置 allows 0 working days of reminder; the limit is then today itself, not an error."""
    import datetime as dt

    from deskapp.core.register.query import due_soon_limit
    from deskapp.core.store import settings

    with db.session() as s:
        settings.put_many(s, {"due_soon_workdays": 0})
    with db.session() as s:
        assert due_soon_limit(s, dt.date(2026, 12, 7)) == dt.date(2026, 12, 7)
