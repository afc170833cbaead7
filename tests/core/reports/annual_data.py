"""A small hand-made desk for the annual report tests: every request, appeal and item is
placed so that each cell of tables 二, 三 and 四 has a known value and known ids."""

from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy.orm import Session

from deskapp.core.store.models import Appeal, InfoRequest, Item

D = dt.date.fromisoformat
YEAR = 2025
TODAY = D("2026-01-15")


def request(s: Session, name: str, applicant_type: str, received: str, reply: Optional[str] = None,
            outcome: Optional[str] = None, **extra: object) -> int:
    received_on = D(received)
    serial = s.query(InfoRequest).filter(InfoRequest.year == received_on.year).count() + 1
    req = InfoRequest(year=received_on.year, serial=serial, number=f"测试〔{received_on.year}〕{serial}号-{name}",
                      applicant_type=applicant_type, applicant_name=name, channel="in_person",
                      received_on=received_on, reply_on=D(reply) if reply else None, outcome=outcome,
                      step="closed" if reply else "registered", **extra)
    s.add(req)
    s.flush()
    return req.id


def appeal(s: Session, kind: str, filed: str, result: str = "pending", result_on: Optional[str] = None) -> int:
    a = Appeal(kind=kind, filed_on=D(filed), result=result, result_on=D(result_on) if result_on else None)
    s.add(a)
    s.flush()
    return a.id


_n = iter(range(1, 10_000))


def item(s: Session, kind: str, published: Optional[str], status: str = "published", **extra: object) -> int:
    n = next(_n)
    it = Item(index_no=f"TEST-{n:05d}", title=f"{kind}{n}", kind=kind, formed_on=D(published or "2025-01-01"),
              published_on=D(published) if published else None, status=status, **extra)
    s.add(it)
    s.flush()
    return it.id


def build(s: Session) -> dict[str, int]:
    """The dataset; returns a name → id map (requests r*, appeals p*, items n*)."""
    ids: dict[str, int] = {}
    ids["a"] = request(s, "a", "person", "2024-12-20", "2025-01-10", "open")
    ids["b"] = request(s, "b", "business", "2025-03-01", "2025-03-20", "partial")
    ids["c"] = request(s, "c", "person", "2025-05-01", "2025-05-25", "refuse_3")
    ids["d"] = request(s, "d", "legal", "2025-06-01", "2025-06-15", "unable_2")
    ids["e"] = request(s, "e", "charity", "2025-07-01", "2025-07-02", "reject_4")
    ids["f"] = request(s, "f", "research", "2025-08-01", "2025-08-05", "other_3", withdrawn_on=D("2025-08-05"))
    ids["g"] = request(s, "g", "other_org", "2025-12-20")
    ids["h"] = request(s, "h", "person", "2025-12-28", "2026-01-05", "open")
    ids["i"] = request(s, "i", "person", "2024-05-01", "2024-06-01", "open")  # last year only
    ids["j"] = request(s, "j", "business", "2026-01-03")  # next year only
    ids["k"] = request(s, "k", "person", "2024-11-01", "2026-01-02", "open")  # open all through the year
    ids["p1"] = appeal(s, "review", "2025-03-01", "upheld", "2025-05-01")
    ids["p2"] = appeal(s, "review", "2025-06-01")
    ids["p3"] = appeal(s, "review", "2025-11-01", "corrected", "2026-01-10")  # decided after the year
    ids["p4"] = appeal(s, "suit_direct", "2025-09-01", "other", "2025-12-01")
    ids["p5"] = appeal(s, "suit_after_review", "2025-02-01", "corrected", "2025-10-01")
    ids["p6"] = appeal(s, "review", "2024-03-01", "upheld", "2024-05-01")  # last year
    ids["n1"] = item(s, "规范性文件", "2024-03-01", validity="valid")
    ids["n2"] = item(s, "规范性文件", "2025-02-01", validity="valid")
    ids["n3"] = item(s, "规范性文件", "2023-01-01", validity="repealed", valid_until=D("2025-06-30"))
    ids["n4"] = item(s, "规范性文件", "2025-04-01", status="withdrawn")
    ids["n5"] = item(s, "政策文件", "2025-05-01")
    ids["n6"] = item(s, "规范性文件", None, status="draft")
    return ids
