"""Building requests for tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from deskapp.core.requests import records
from deskapp.core.requests.records import RequestData

VALID_ID = "11010519491231002X"  # GB 11643's own example: the check character is X


def data(**kw: Any) -> RequestData:
    base: dict[str, Any] = dict(applicant_type="person", applicant_name="张小三", id_number=VALID_ID,
                                phone="13800138000", address="云溪区长安路1号", channel="post",
                                received_on=dt.date(2026, 3, 23), content="2025年老旧小区改造项目的资金使用情况",
                                form_wanted="paper", delivery="post")
    base.update(kw)
    return RequestData(**base)


def new_request(db, actor, today, **kw: Any) -> tuple[int, int]:
    with db.session() as s:
        req = records.create_request(s, actor, data(**kw), today=today)
        return req.id, req.version
