"""Reading the register: every filter, search by 1, 2 and 3+ Chinese characters in 标题 / 文号 /
索引号 / 内容 (LIKE and FTS paths), counts, sorting, plain rows."""

from __future__ import annotations

import datetime as dt
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from deskapp.core.register.items import ItemData, create_item
from deskapp.core.register.query import ItemFilter, Register, parse_quarter, quarter_range
from deskapp.core.store import settings
from deskapp.core.store.db import item_search_clause
from deskapp.core.store.models import CatalogueEntry, Department

TODAY = dt.date(2026, 11, 26)  # Thursday; "due soon" = by Tuesday 12/1 (3 working days)


@pytest.fixture
def reg(db, actor):
    """A small register where each filter has exactly one or two answers."""
    with db.session() as s:
        settings.put_many(s, {"index_prefix": "TESTORG"})
        depts = {}
        for name in ("平安办", "城市管理办", "社会事务办"):
            d = Department(name=name)
            s.add(d)
            s.flush()
            depts[name] = d.id
        cat = {c.code: c.id for c in s.scalars(select(CatalogueEntry))}
        specs = {
            "flood": dict(title="关于做好防汛防台工作的通知", kind="政策文件", doc_no="长街发[2026]5号",
                          department_id=depts["平安办"], formed_on=dt.date(2026, 3, 10),
                          status="published", published_on=dt.date(2026, 3, 20), catalogue_id=cat["0202"]),
            "waste": dict(title="长安街道召开垃圾分类推进会", kind="工作动态", department_id=depts["城市管理办"],
                          formed_on=dt.date(2026, 7, 15), status="in_review", catalogue_id=cat["0601"]),
            "soon": dict(title="社区开展敬老活动", kind="工作动态", formed_on=dt.date(2026, 10, 30), status="draft"),
            "relief": dict(title="最低生活保障对象公示", kind="公告公示", department_id=depts["社会事务办"],
                           formed_on=dt.date(2026, 11, 20), status="approved", catalogue_id=cat["9018"]),
            "secret": dict(title="内部会议纪要", kind="其他", formed_on=dt.date(2026, 5, 6), status="approved",
                           attribute="withheld", withheld_reason="属于内部事务信息"),
            "latepub": dict(title="街道年度预算", kind="财政信息", formed_on=dt.date(2026, 1, 5),
                            status="published", published_on=dt.date(2026, 3, 2)),
            "brief": dict(title="工作简报", kind="其他", formed_on=dt.date(2026, 8, 3), status="published",
                          published_on=dt.date(2026, 8, 4), content="本期重点：电动自行车集中充电设施建设。"),
            "old": dict(title="上年度工作总结", kind="其他", formed_on=dt.date(2025, 12, 30), status="published",
                        published_on=dt.date(2026, 1, 6)),
        }
        ids = {}
        for key, spec in specs.items():
            ids[key] = create_item(s, actor, ItemData(**spec), today=TODAY).id
    return db, Register(db, TODAY), ids, depts, cat


def find(reg, **kw) -> set[str]:
    db, register, ids, *_ = reg
    names = {v: k for k, v in ids.items()}
    with db.session() as s:
        return {names[i] for i in register.item_ids(s, ItemFilter(**kw))}


def test_year_and_quarter(reg):
    assert find(reg, year=2025) == {"old"}
    assert find(reg, year=2026) == {"flood", "waste", "soon", "relief", "secret", "latepub", "brief"}
    assert find(reg, year=2026, quarter=1) == {"flood", "latepub"}
    assert find(reg, year=2026, quarter=3) == {"waste", "brief"}
    assert find(reg, year=2026, quarter=4) == {"soon", "relief"}


def test_kind_department_status_attribute(reg):
    _, _, _, depts, _ = reg
    assert find(reg, kind="工作动态") == {"waste", "soon"}
    assert find(reg, department_id=depts["平安办"]) == {"flood"}
    assert find(reg, status="approved") == {"relief", "secret"}
    assert find(reg, attribute="withheld") == {"secret"}
    assert find(reg, kind="工作动态", status="draft") == {"soon"}


def test_catalogue_entry_or_its_group(reg):
    db, _, _, _, cat = reg
    with db.session() as s:
        area_group = s.scalar(select(CatalogueEntry.id).where(CatalogueEntry.code == "90"))
    assert find(reg, catalogue_id=cat["9018"]) == {"relief"}
    assert find(reg, catalogue_id=area_group) == {"relief"}  # children of the 26 areas' group


def test_overdue_and_due_soon(reg):
    assert find(reg, overdue_only=True) == {"waste", "latepub"}  # unpublished past due; published late
    assert find(reg, due_soon_only=True) == {"soon"}  # due 11/27
    # relief: 社会救助 10 working days from 11/20 → 12/4, after the reminder window
    db, register, ids, *_ = reg
    with db.session() as s:
        rows = register.rows_for(s, list(ids.values()))
    relief = rows[ids["relief"]]
    assert relief.due_on == dt.date(2026, 12, 4) and not relief.due_soon and not relief.overdue
    assert rows[ids["waste"]].days_late == (TODAY - rows[ids["waste"]].due_on).days
    assert rows[ids["secret"]].due_on is None and not rows[ids["secret"]].overdue


def test_counts(reg):
    db, register, *_ = reg
    with db.session() as s:
        assert register.counts(s, ItemFilter()) == (8, 2)
        assert register.counts(s, ItemFilter(year=2026, quarter=3)) == (2, 1)
        ids, late = register.ids_and_late(s, ItemFilter(kind="工作动态"))
        assert (len(ids), late) == register.counts(s, ItemFilter(kind="工作动态")) == (2, 1)


@pytest.mark.parametrize("query, expected", [
    ("汛", {"flood"}),  # 1 character: LIKE
    ("防汛", {"flood"}),  # 2: LIKE
    ("防汛防台", {"flood"}),  # 3+: FTS trigram
    ("做好防汛防台工作", {"flood"}),
    ("垃圾", {"waste"}),
    ("垃圾分类推进", {"waste"}),
    ("充电", {"brief"}),  # in the content only
    ("集中充电设施", {"brief"}),
    ("长街发〔2026〕5号", {"flood"}),  # 文号, stored normalised
    ("〔2026〕5", {"flood"}),
    ("TESTORG/2025", {"old"}),  # 索引号
    ("2026-00007", {"brief"}),
    ("07", {"brief"}),
    ("公示", {"relief"}),
    ("不存在的词语", set()),
    ("%", set()), ("_", set()), ('"', set()), ('防汛"防台', set()),  # no wildcard, no FTS syntax
    ("  防汛  ", {"flood"}),
])
def test_search_finds_substrings_in_title_doc_no_index_no_content(reg, query, expected):
    assert find(reg, search=query) == expected


def test_search_takes_the_fts_path_from_three_characters(reg):
    db = reg[0]
    if not db.is_sqlite:  # PostgreSQL: the trigram indexes serve ILIKE from 3 characters
        assert "||" not in str(item_search_clause(db, "防汛防"))
        assert "||" in str(item_search_clause(db, "防汛"))  # kept off the index: no trigram
        return
    assert "item_fts" in str(item_search_clause(db, "防汛防"))
    assert "item_fts" not in str(item_search_clause(db, "防汛")) and "LIKE" in str(item_search_clause(db, "防汛"))


def test_search_follows_edits_of_the_indexed_fields(reg, actor):
    db, register, ids, *_ = reg
    from deskapp.core.register.items import get_item, update_item

    with db.session() as s:
        item = get_item(s, ids["soon"])  # a draft: published items change by revision only
        data = ItemData.of(item)
        data.title, data.content = "社区开展端午活动", "本期重点：老旧小区改造。"
        update_item(s, actor, item.id, item.version, data, today=TODAY)
    assert find(reg, search="敬老活动") == set()
    assert find(reg, search="端午活动") == {"soon"}
    assert find(reg, search="老旧小区") == {"soon"}


def test_sorting_and_plain_rows(reg):
    db, register, ids, *_ = reg
    names = {v: k for k, v in ids.items()}
    with db.session() as s:
        newest_first = [names[i] for i in register.item_ids(s, ItemFilter())]
        by_department = [names[i] for i in register.item_ids(s, ItemFilter(year=2026, quarter=1),
                                                             sort="department", descending=False)]
        rows = register.rows(s, ItemFilter(kind="政策文件"))
    assert newest_first[0] == "relief" and newest_first[-1] == "old"
    assert by_department == ["latepub", "flood"]  # no department sorts first
    row = rows[0]
    assert row.status_label == "已发布" and row.attribute_label == "主动公开"
    assert row.doc_no == "长街发〔2026〕5号" and row.department == "平安办"
    assert row.as_json()["formed_on"] == "2026-03-10"


@given(st.integers(2000, 2100))
def test_quarters_partition_the_year(year):
    ranges = [quarter_range(year, q) for q in (1, 2, 3, 4)]
    assert ranges[0][0] == dt.date(year, 1, 1) and ranges[-1][1] == dt.date(year, 12, 31)
    for (_, last), (first, _) in pairwise(ranges):
        assert first - last == dt.timedelta(days=1)


@pytest.mark.parametrize("text, parsed", [("2026Q3", (2026, 3)), (" 2026q1 ", (2026, 1))])
def test_parse_quarter(text, parsed):
    assert parse_quarter(text) == parsed


@pytest.mark.parametrize("text", ["2026Q0", "2026Q5", "26Q1", "2026-Q1", "Q3", ""])
def test_parse_quarter_refuses_in_chinese(text):
    with pytest.raises(ValueError) as err:
        parse_quarter(text)
    assert "季度" in str(err.value)
