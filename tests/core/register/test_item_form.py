"""The item dialog's data: choices, snapshots, 公示期 arithmetic, 政策解读 search."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from sqlalchemy import select

from deskapp.core.calendar.workdays import WorkCalendar
from deskapp.core.errors import ValidationError
from deskapp.core.register import item_form
from deskapp.core.register import items as register
from deskapp.core.register.items import ItemData
from deskapp.core.store.models import CatalogueEntry, Department, Person


def make(s, actor, today, **kw):
    data = ItemData(**{"title": "测试信息", "formed_on": dt.date(2026, 11, 2), **kw})
    return register.create_item(s, actor, data, today=today)


def test_catalogue_children_follow_their_parent(db):
    with db.session() as s:
        choices = item_form.load_choices(s)
    levels = [(c.level, c.name) for c in choices.catalogue]
    assert levels[0] == (1, "机构概况") and levels[1] == (2, "机构职能")
    first_area = levels.index((1, "基层政务公开标准目录"))
    assert all(level == 2 for level, _ in levels[first_area + 1:])
    relief = next(c for c in choices.catalogue if c.name == "社会救助")
    assert relief.time_limit_days == 10 and relief.level == 2
    assert choices.default_time_limit == 20 and choices.notice_days == 7
    assert choices.catalogue_entry(relief.id) is relief
    assert choices.catalogue_entry(None) is None


def test_inactive_choices_are_kept_only_for_the_item_that_uses_them(db, actor, today):
    with db.session() as s:
        office = Department(name="党政办")
        old = Department(name="旧科室", active=False)
        s.add_all([office, old])
        s.flush()
        s.add_all([Person(name="李四", department_id=office.id),
                   Person(name="王五", department_id=old.id, active=False)])
        entry = s.scalars(select(CatalogueEntry).where(CatalogueEntry.name == "社会救助")).one()
        entry.active = False
        s.flush()
        wang = s.scalars(select(Person).where(Person.name == "王五")).one()
        keep = ItemData(department_id=old.id, drafter_id=wang.id, catalogue_id=entry.id)
        plain = item_form.load_choices(s)
        kept = item_form.load_choices(s, keep)
    assert [d.label for d in plain.departments] == ["党政办"]
    assert [p.label for p in plain.people] == ["李四（党政办）"]
    assert "社会救助" not in [c.name for c in plain.catalogue]
    assert [d.label for d in kept.departments] == ["党政办", "旧科室"]
    assert "王五（旧科室）" in [p.label for p in kept.people]
    assert "社会救助" in [c.name for c in kept.catalogue]


def test_load_item_gives_plain_data_and_version(db, actor, today):
    with db.session() as s:
        reading = make(s, actor, today, title="《低保办法》解读", kind="政策解读")
        doc = make(s, actor, today, title="低保办法", kind="规范性文件", doc_no="X发[2026]3号",
                   interpretation_id=reading.id, channels=["政府网站"])
        ids = (doc.id, reading.id, reading.index_no)
    with db.session() as s:
        snap = item_form.load_item(s, ids[0])
    assert snap.version == 1 and snap.status == "draft"
    assert snap.data.doc_no == "X发〔2026〕3号" and snap.data.channels == ["政府网站"]
    assert snap.interpretation_label == f"《低保办法》解读（{ids[2]}）"
    assert snap.data.index_no == snap.index_no


def test_interpretation_candidates_only_interpretations(db, actor, today):
    with db.session() as s:
        a = make(s, actor, today, title="关于养老补贴政策的解读", kind="政策解读")
        make(s, actor, today, title="养老补贴发放办法", kind="政策文件")
        b = make(s, actor, today, title="垃圾分类办法解读", kind="政策解读",
                 formed_on=dt.date(2026, 11, 20))
        ids = (a.id, b.id)
    with db.session() as s:
        every = item_form.interpretation_candidates(s, db)
        found = item_form.interpretation_candidates(s, db, "养老补贴")
        short = item_form.interpretation_candidates(s, db, "垃圾")
        excluded = item_form.interpretation_candidates(s, db, exclude_id=ids[1])
    assert [c.id for c in every] == [ids[1], ids[0]]  # newest first
    assert [c.id for c in found] == [ids[0]]
    assert [c.id for c in short] == [ids[1]]
    assert [c.id for c in excluded] == [ids[0]]
    assert found[0].label.startswith("关于养老补贴政策的解读（")


def test_notice_end_calendar_days_include_the_start():
    cal = WorkCalendar(known_years={2026})
    assert item_form.notice_end(cal, dt.date(2026, 9, 23), 7, "calendar") == dt.date(2026, 9, 29)
    assert item_form.notice_end(cal, dt.date(2026, 9, 23), 1, "calendar") == dt.date(2026, 9, 23)


def test_notice_end_working_days_skip_the_national_day(db):
    with db.session() as s:
        cal = WorkCalendar.load(s)
    # Mon 9/28, Tue 9/29, Wed 9/30, (国庆 10/1–10/7), Thu 10/8, Fri 10/9
    assert item_form.notice_end(cal, dt.date(2026, 9, 28), 5, "working") == dt.date(2026, 10, 9)
    # Starting on a Sunday: the first day is Monday
    assert item_form.notice_end(cal, dt.date(2026, 11, 22), 1, "working") == dt.date(2026, 11, 23)


def test_notice_end_refuses_bad_input():
    cal = WorkCalendar()
    with pytest.raises(ValidationError):
        item_form.notice_end(cal, dt.date(2026, 1, 5), 0, "calendar")
    with pytest.raises(ValidationError):
        item_form.notice_end(cal, dt.date(2026, 1, 5), 5, "lunar")


@hsettings(max_examples=200, deadline=None)
@given(start=st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)), days=st.integers(1, 90),
       kind=st.sampled_from(["calendar", "working"]))
def test_notice_end_property(start, days, kind):
    """The period holds exactly ``days`` counted days, the last of them on the end date."""
    cal = WorkCalendar(holidays={dt.date(2026, 10, d): "国庆节" for d in range(1, 8)},
                       makeup_workdays={dt.date(2026, 10, 10)}, known_years={2026})
    end = item_form.notice_end(cal, start, days, kind)
    assert end >= start
    if kind == "calendar":
        assert (end - start).days + 1 == days
    else:
        assert cal.is_workday(end)
        counted = sum(cal.is_workday(start + dt.timedelta(n)) for n in range((end - start).days + 1))
        assert counted == days
