"""Test data for the tally, the workbooks and the ledger import (engineer F's tests).

``build_register`` fills a database through the real core functions (validation, due dates,
audit) with a seeded year of items chosen to hit every edge of the counting rules: published
on the due date and the day after, withdrawn after publication, policy documents with and
without a published interpretation, normative documents repealed / expired / in force,
overdue and unpublished from last year, items without department or channel, titles that
look like formulas, and a work log of every kind.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import select

from deskapp.core.audit.chain import Actor
from deskapp.core.calendar.workdays import WorkCalendar
from deskapp.core.desk import open_database
from deskapp.core.register import items as register
from deskapp.core.register.items import ItemData
from deskapp.core.reports import worklog
from deskapp.core.reports.worklog import WorklogData
from deskapp.core.store.db import Database
from deskapp.core.store.models import CatalogueEntry, Department

TODAY = dt.date(2026, 11, 26)
ACTOR = Actor(None, "测试员")
FORMULA_TITLES = ['=HYPERLINK("http://example.com","点我")', "=1+1", "+86 热线公告", "@SUM(A1)"]
CHANNEL_CHOICES = ["政府网站", "两微一端", "社区/村公示栏（电子屏）", "街道微信公众号"]


@dataclass
class Built:
    departments: dict[str, int] = field(default_factory=dict)
    catalogue: list[int] = field(default_factory=list)
    items: list[int] = field(default_factory=list)


def _departments(s) -> dict[str, int]:
    out = {}
    for i, name in enumerate(["党政办", "社会事务办", "城建办"]):
        dep = s.scalar(select(Department).where(Department.name == name))
        if dep is None:
            dep = Department(name=name, sort_order=i)
            s.add(dep)
            s.flush()
        out[name] = dep.id
    return out


def _catalogue(s) -> list[int]:
    children = s.scalars(select(CatalogueEntry.id).where(CatalogueEntry.parent_id.is_not(None))
                         .order_by(CatalogueEntry.id)).all()
    return list(children[:6])


def _item(rng: random.Random, built: Built, n: int) -> ItemData:
    formed = dt.date(2025, 10, 1) + dt.timedelta(days=rng.randrange(0, 420))
    formed = min(formed, TODAY)
    kind = rng.choice(["政策文件", "规范性文件", "政策解读", "工作动态", "工作动态", "公告公示",
                       "公告公示", "财政信息", "其他"])
    attribute = rng.choices(["active", "on_request", "withheld"], [90, 7, 3])[0]
    data = ItemData(
        title=f"测试信息{n:04d}" if n % 97 else FORMULA_TITLES[(n // 97) % len(FORMULA_TITLES)],
        kind=kind, formed_on=formed, attribute=attribute,
        withheld_reason="涉及个人隐私" if attribute == "withheld" else "",
        department_id=rng.choice([*built.departments.values(), None]),
        catalogue_id=rng.choice([*built.catalogue, None]),
        channels=rng.sample(CHANNEL_CHOICES, rng.randrange(0, 3)),
        doc_no=f"街政发〔{formed.year}〕{n}号" if kind in ("政策文件", "规范性文件") else None,
    )
    if attribute != "withheld" and rng.random() < 0.75:
        published = formed + dt.timedelta(days=rng.randrange(0, 45))
        if published <= TODAY:
            data.published_on = published
            data.status = "withdrawn" if rng.random() < 0.06 else "published"
    if data.status == "draft":
        data.status = rng.choice(["draft", "in_review", "approved", "returned"])
    if kind == "规范性文件":
        data.validity = rng.choice(["valid", "valid", "repealed", "expired", None])
        data.valid_from = formed
        if data.validity in ("repealed", "expired") or rng.random() < 0.3:
            data.valid_until = formed + dt.timedelta(days=rng.randrange(1, 300)) if rng.random() < 0.8 else None
    return data


def build_register(db: Database, seed: int = 7, items: int = 420) -> Built:
    """A seeded register (see module doc); every row goes through register.create_item."""
    rng = random.Random(seed)
    built = Built()
    with db.session() as s:
        built.departments = _departments(s)
        built.catalogue = _catalogue(s)
        cal = WorkCalendar.load(s)
        for n in range(items):
            data = _item(rng, built, n)
            if data.kind in ("政策文件", "规范性文件") and rng.random() < 0.6:
                data.interpretation_id = _interpretation(s, rng, data, cal, n)
            built.items.append(register.create_item(s, ACTOR, data, today=TODAY, cal=cal).id)
        _edges(s, built, cal)
        _worklog(s, rng, built)
    return built


def _interpretation(s, rng: random.Random, policy: ItemData, cal, n: int) -> int:
    data = ItemData(title=f"《测试信息{n:04d}》政策解读", kind="政策解读", formed_on=policy.formed_on,
                    department_id=policy.department_id, catalogue_id=policy.catalogue_id)
    choice = rng.random()
    if choice < 0.6 and policy.published_on:
        data.published_on, data.status = policy.published_on, "published"
    elif choice < 0.8 and policy.formed_on:
        later = policy.formed_on + dt.timedelta(days=rng.randrange(30, 120))
        if later <= TODAY:
            data.published_on, data.status = later, "published"
    return register.create_item(s, ACTOR, data, today=TODAY, cal=cal).id


def _edges(s, built: Built, cal) -> None:
    """Items on the boundaries of 2026 Q3 (1 Jul – 30 Sep) and of their due dates."""
    dep = built.departments["党政办"]

    def add(**kw) -> int:
        base = dict(title="边界", kind="工作动态", department_id=dep, channels=["政府网站"])
        base.update(kw)
        item = register.create_item(s, ACTOR, ItemData(**base), today=TODAY, cal=cal)
        built.items.append(item.id)
        return item.id

    formed = dt.date(2026, 8, 3)
    due = cal.due_date(formed, 20).due
    add(title="按期限当天发布", formed_on=formed, published_on=due, status="published")
    add(title="期限次日发布", formed_on=formed, published_on=cal.add_workdays(due, 1), status="published")
    add(title="季度首日发布", formed_on=dt.date(2026, 6, 20), published_on=dt.date(2026, 7, 1),
        status="published")
    add(title="季度末日发布后下架", formed_on=dt.date(2026, 9, 10), published_on=dt.date(2026, 9, 30),
        status="withdrawn")
    add(title="季度后一日发布", formed_on=dt.date(2026, 9, 10), published_on=dt.date(2026, 10, 1),
        status="published")
    add(title="去年形成至今未发布", formed_on=dt.date(2025, 10, 9), status="draft")
    add(title="有发布日期的草稿", formed_on=dt.date(2026, 8, 10), published_on=dt.date(2026, 8, 12),
        status="draft")
    add(title="依申请公开已发布", formed_on=dt.date(2026, 8, 10), published_on=dt.date(2026, 8, 20),
        status="published", attribute="on_request", kind="政策文件")
    for n, title in enumerate(FORMULA_TITLES):
        add(title=title, formed_on=dt.date(2026, 8, 5), published_on=dt.date(2026, 8, 20 + n),
            status="published")
    end_q3_formed = _formed_for_due(cal, dt.date(2026, 9, 30))
    add(title="期限为季度末日未发布", formed_on=end_q3_formed, status="in_review")


def _formed_for_due(cal, due: dt.date) -> dt.date:
    day = due
    while cal.due_date(day, 20).due > due:
        day -= dt.timedelta(days=1)
    return day


def _worklog(s, rng: random.Random, built: Built) -> None:
    kinds = list(worklog.KINDS)
    for n in range(60):
        kind = kinds[n % len(kinds)]
        day = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(0, 329))
        data = WorklogData(day=day, kind=kind, title=f"工作记录{n}",
                           participants="科室负责人", department_id=built.departments["党政办"])
        if kind == "response":
            data.channel = rng.choice(["weibo", "web", "hotline", "letter"])
            data.question, data.reply = "询问内容", "答复内容"
        worklog.create_entry(s, ACTOR, data, today=TODAY)
    worklog.create_entry(s, ACTOR, WorklogData(day=dt.date(2026, 9, 30), kind="meeting",
                                               title="=季度末会议"), today=TODAY)
    worklog.create_entry(s, ACTOR, WorklogData(day=dt.date(2025, 12, 31), kind="meeting",
                                               title="去年的会议"), today=TODAY)


# --- fixtures (import them into a test module to use them) ------------------------------------

@pytest.fixture(scope="session")
def built_template(tmp_path_factory) -> Path:
    """The seeded register, built once per test session; tests get a copy."""
    path = tmp_path_factory.mktemp("template") / "built.db"
    database = open_database(path)
    try:
        build_register(database)
    finally:
        database.close()
    return path


@pytest.fixture
def built_db(built_template: Path, db_path: Path):
    shutil.copyfile(built_template, db_path)
    anchor = ".audit-head"  # the audit anchor goes where its database goes
    shutil.copyfile(built_template.with_name(built_template.name + anchor), db_path.with_name(db_path.name + anchor))
    database = open_database(db_path)
    yield database
    database.close()
