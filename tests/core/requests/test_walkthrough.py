"""One request walked through 补正 → restart → consultation → extension → reply, every date
checked against this hand computation on the 2026 calendar (元旦 1/1–1/3; 清明 4/4–4/6;
劳动节 5/1–5/5 with Saturday 5/9 worked; 端午 6/19–6/21):

- received Mon 2026-03-23 (registered post, signed for that day).
- 补正 notice due = 7th working day after 3/23: 3/24 25 26 27 30 31 4/1 → 2026-04-01.
  Sent Fri 3/27, period 10 working days: 3/30 31 4/1 4/2 4/3 (4/4–4/6 清明) 4/7 4/8 4/9 4/10
  4/13 → the applicant may supplement until 2026-04-13.
- while the supplement is awaited, no answer due date (the clock has not restarted).
- supplement received Wed 4/8: the 20 days restart from 4/8 → 4/9 10 13 14 15 16 17 20 21 22
  23 24 27 28 29 30 (5/1–5/5) 5/6 5/7 5/8 5/9(Sat, make-up) → 2026-05-09 (domain.md's pin).
- consultation sent Wed 4/15, answered Fri 4/24: 4/16 17 20 21 22 23 24 = 7 working days not
  counted. Counted: 4/9 10 13 14 15 (5), then 4/27 28 29 30 (9), 5/6 7 8 9 (13), 5/11 12 13
  14 15 18 19 (20) → 2026-05-19 = 5/9 + 7 working days.
- extension decided Fri 5/15 (before 5/19), approver 李主任: 20th working day after 5/19 →
  5/20 21 22 25 26 27 28 29 6/1 2 3 4 5 8 9 10 11 12 15 16 → 2026-06-16.
- reply Wed 2026-06-10 (部分公开, by post): in time, 4 working days before the due date.
"""

from __future__ import annotations

import datetime as dt

import pytest

from deskapp.core.errors import ValidationError
from deskapp.core.requests import records
from deskapp.core.requests.query import RequestRegister
from tests.core.requests.helpers import new_request

D = dt.date
TODAY = D(2026, 11, 26)


def test_a_request_from_receipt_to_reply(db, actor) -> None:
    rid, v = new_request(db, actor, TODAY)
    reg = RequestRegister(db, today=D(2026, 3, 24))
    with db.session() as s:
        detail = reg.detail(s, rid)
        assert detail.supplement_notice_due == D(2026, 4, 1)
        assert detail.due is not None and detail.due.due == CAL_PLAIN_DUE
        v = records.notify_supplement(s, actor, rid, v, D(2026, 3, 27), "请写明所需信息的年份和项目名称",
                                      days=10, today=TODAY).version
    with db.session() as s:
        detail = reg.detail(s, rid)
        assert detail.step == "supplement" and detail.due is None
        assert detail.supplement_deadline == D(2026, 4, 13)
        v = records.receive_supplement(s, actor, rid, v, D(2026, 4, 8), today=TODAY).version
        assert reg.detail(s, rid).due.due == D(2026, 5, 9)  # type: ignore[union-attr]
    with db.session() as s:
        cid = records.send_consultation(s, actor, rid, v, "长安建设有限公司", D(2026, 4, 15), today=TODAY)
        v = records.get_request(s, rid).version
        assert records.get_request(s, rid).step == "consulting"
        v = records.answer_consultation(s, actor, rid, v, cid, D(2026, 4, 24), today=TODAY).version
    with db.session() as s:
        detail = reg.detail(s, rid)
        assert detail.due is not None and detail.due.due == D(2026, 5, 19) and detail.due.paused_days == 7
        assert detail.extension_possible
        v = records.extend(s, actor, rid, v, D(2026, 5, 15), "李主任", "需调取档案", today=TODAY).version
    with db.session() as s:
        detail = reg.detail(s, rid)
        assert detail.due is not None and detail.due.due == D(2026, 6, 16)
        assert detail.due.unextended_due == D(2026, 5, 19) and not detail.extension_possible
        assert detail.due_on == D(2026, 6, 16) and detail.step == "extended"
        v = records.close_request(s, actor, rid, v, "partial", D(2026, 6, 10), "post", today=TODAY).version
    with db.session() as s:
        detail = RequestRegister(db, today=TODAY).detail(s, rid)
        assert detail.step == "closed" and detail.outcome == "partial" and not detail.overdue
        kinds = [e.kind for e in detail.timeline]
        assert kinds == ["created", "supplement_notice", "supplement_received", "consultation_sent",
                         "consultation_answered", "extension", "closed"]
        assert [e.day for e in detail.timeline] == [D(2026, 3, 23), D(2026, 3, 27), D(2026, 4, 8),
                                                    D(2026, 4, 15), D(2026, 4, 24), D(2026, 5, 15),
                                                    D(2026, 6, 10)]


CAL_PLAIN_DUE = D(2026, 4, 21)  # 3/23 + 20 working days (4/4–4/6 清明 skipped)


def test_the_law_refuses_out_of_order_steps(db, actor) -> None:
    rid, v = new_request(db, actor, TODAY)
    with db.session() as s:
        with pytest.raises(ValidationError, match="尚未发出补正告知"):
            records.receive_supplement(s, actor, rid, v, D(2026, 4, 8), today=TODAY)
        with pytest.raises(ValidationError, match="7个工作日内"):
            records.notify_supplement(s, actor, rid, v, D(2026, 4, 2), "缺少年份", today=TODAY)
        with pytest.raises(ValidationError, match="批准人"):
            records.extend(s, actor, rid, v, D(2026, 4, 1), " ", today=TODAY)
        with pytest.raises(ValidationError, match="已于 2026-04-21 届满"):
            records.extend(s, actor, rid, v, D(2026, 4, 22), "李主任", today=TODAY)
        with pytest.raises(ValidationError, match="不能早于收到申请之日"):
            records.close_request(s, actor, rid, v, "open", D(2026, 3, 20), "post", today=TODAY)
        with pytest.raises(ValidationError, match="逾期不补正"):
            records.close_request(s, actor, rid, v, "other_1", D(2026, 5, 20), "post", today=TODAY)
    with db.session() as s:  # a late notice is recorded when the user confirmed
        v = records.notify_supplement(s, actor, rid, v, D(2026, 4, 2), "缺少年份", days=5, allow_late=True,
                                      today=TODAY).version
        with pytest.raises(ValidationError, match="只能告知一次"):
            records.notify_supplement(s, actor, rid, v, D(2026, 4, 3), "又缺", allow_late=True, today=TODAY)
        with pytest.raises(ValidationError, match="等待补正"):
            records.close_request(s, actor, rid, v, "open", D(2026, 4, 8), "post", today=TODAY)
        with pytest.raises(ValidationError, match="才届满"):  # 4/2 + 5 working days = 4/10
            records.close_unsupplemented(s, actor, rid, v, D(2026, 4, 10), today=TODAY)
        req = records.close_unsupplemented(s, actor, rid, v, D(2026, 4, 13), today=TODAY)
        assert req.outcome == "other_1" and req.step == "closed"


def test_one_extension_only_and_reply_before_supplement_refused(db, actor) -> None:
    rid, v = new_request(db, actor, TODAY)
    with db.session() as s:
        v = records.extend(s, actor, rid, v, D(2026, 4, 1), "李主任", today=TODAY).version
        with pytest.raises(ValidationError, match="只能延长一次"):
            records.extend(s, actor, rid, v, D(2026, 4, 2), "王主任", today=TODAY)
        with pytest.raises(ValidationError, match="不能晚于今天"):
            records.close_request(s, actor, rid, v, "open", D(2026, 12, 1), "post", today=TODAY)
        with pytest.raises(ValidationError, match="补正"):
            records.close_request(s, actor, rid, v, "unable_3", D(2026, 4, 10), "post", today=TODAY)


def test_fees_withdrawal_and_stale_versions(db, actor) -> None:
    from deskapp.core.errors import ConcurrentEditError

    rid, v = new_request(db, actor, TODAY)
    with db.session() as s:
        with pytest.raises(ValidationError, match="尚未发出收费通知"):
            records.record_fee_paid(s, actor, rid, v, D(2026, 4, 1), today=TODAY)
        v2 = records.notify_fee(s, actor, rid, v, records.parse_yuan("12.5"), D(2026, 3, 30), today=TODAY).version
        assert v == 1 and v2 == 2 and records.get_request(s, rid).fee_cents == 1250
        assert records.get_request(s, rid).step == "fee"
    with db.session() as s:
        with pytest.raises(ConcurrentEditError):
            records.withdraw_request(s, actor, rid, v, D(2026, 4, 2), today=TODAY)
        with pytest.raises(ValidationError, match="才届满"):  # 3/30 + 20 working days = 4/28
            records.close_unpaid(s, actor, rid, v2, D(2026, 4, 28), today=TODAY)
        req = records.withdraw_request(s, actor, rid, v2, D(2026, 4, 2), "已另行获取", today=TODAY)
        assert req.outcome == "other_3" and req.reply_on == D(2026, 4, 2)
        with pytest.raises(ValidationError, match="已办结"):
            records.extend(s, actor, rid, req.version, D(2026, 4, 3), "李主任", today=TODAY)
    with pytest.raises(ValidationError):
        records.parse_yuan("十二元")
