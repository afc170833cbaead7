"""Test data for the window's tests: a register of a few hundred items with every status,
late ones, due-soon ones and searchable topics (imported by tests/ui/conftest.py)."""

from __future__ import annotations

import datetime as dt
import time

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget
from sqlalchemy import select

from deskapp.core.audit.chain import Actor
from deskapp.core.calendar.workdays import WorkCalendar
from deskapp.core.register.items import ItemData, create_item
from deskapp.core.store import settings
from deskapp.core.store.db import Database
from deskapp.core.store.models import CatalogueEntry, Department
from deskapp.core.store.vocab import KINDS

TODAY = dt.date(2026, 11, 26)
ITEM_COUNT = 300
STATUS_CYCLE = ["draft", "in_review", "returned", "approved", "published", "withdrawn"]
TOPICS = ["垃圾分类", "老旧小区改造", "低保救助", "征兵工作", "防汛演练", "财政预算", "社区换届"]


def _item_data(n: int, deps: list[int], cats: list[int]) -> ItemData:
    formed = TODAY - dt.timedelta(days=2 * n + 1)
    status = STATUS_CYCLE[n % len(STATUS_CYCLE)]
    published = formed + dt.timedelta(days=3 + n % 40) if status in ("published", "withdrawn") else None
    if published and published > TODAY:
        published = TODAY
    return ItemData(
        title=f"关于{TOPICS[n % len(TOPICS)]}工作的通知（第{n}号）",
        kind=KINDS[n % len(KINDS)], formed_on=formed, doc_no=f"街办发[{formed.year}]{n}号",
        catalogue_id=cats[n % len(cats)], department_id=deps[n % len(deps)],
        content=f"正文第{n}段。" + TOPICS[(n + 3) % len(TOPICS)],
        attribute="on_request" if n % 11 == 0 else "active", status=status,
        channels=["政府网站", "公开查阅点"] if n % 2 else ["政府网站"], published_on=published,
    )


def populate(db: Database, count: int = ITEM_COUNT) -> None:
    actor = Actor(None, "测试员")
    with db.session() as s:
        settings.put_many(s, {"org_name": "测试街道办事处", "index_prefix": "TEST"})
        deps = [Department(name=n, sort_order=i) for i, n in enumerate(["党政办", "社区管理办", "平安办"])]
        s.add_all(deps)
        s.flush()
        dep_ids = [d.id for d in deps]
        cats = list(s.scalars(select(CatalogueEntry.id).where(CatalogueEntry.parent_id.is_not(None))
                              .order_by(CatalogueEntry.id).limit(12)))
        cal = WorkCalendar.load(s)
        for n in range(count):
            create_item(s, actor, _item_data(n, dep_ids, cats), today=TODAY, cal=cal)


def settle(model, seconds: float = 10) -> None:
    """Wait (processing events) until a RegisterModel's background count has arrived."""
    from PySide6.QtWidgets import QApplication

    deadline = time.monotonic() + seconds
    while not model.complete and time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.005)
    assert model.complete, "the register's count did not arrive"



class StubTab(QWidget):
    """A minimal tab (counts refreshes, has one menu action) standing in for the other
    engineers' tabs, so the main window's tests do not depend on their work in progress."""

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.refreshed = 0

    def refresh(self) -> None:
        self.refreshed += 1

    def menu_actions(self) -> list:
        return [QAction("示例操作", self)]


STUB_TABS = [("信息登记", "deskapp.ui.register.tab:RegisterTab"),
             ("审核签发", "tests.ui.register_testdata:StubTab"), ("公示栏", "tests.ui.register_testdata:StubTab")]
