"""The work log: validation, audit, optimistic edits, attachments kept with the file store."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from deskapp.core.attachments import files
from deskapp.core.audit import chain as audit
from deskapp.core.errors import ConcurrentEditError, NotFoundError, ValidationError
from deskapp.core.reports import worklog
from deskapp.core.reports.worklog import WorklogData
from deskapp.core.store.models import Attachment, AuditEvent, Department, StoredFile, WorklogAttachment


def reply(**kw) -> WorklogData:
    base = dict(day=dt.date(2026, 9, 3), kind="response", title="关于加装电梯的网评回复",
                channel="web", question="何时开工？", reply="预计十月开工。")
    base.update(kw)
    return WorklogData(**base)


def test_create_and_list(db, actor, today):
    with db.session() as s:
        dep = Department(name="党政办")
        s.add(dep)
        s.flush()
        row = worklog.create_entry(s, actor, WorklogData(
            day=dt.date(2026, 8, 1), kind="meeting", title="政务公开工作会", participants="全体科室负责人",
            department_id=dep.id, channel="weibo", question="x"), today=today)
        worklog.create_entry(s, actor, reply(), today=today)
    assert row.department == "党政办" and row.kind_label == "工作会议"
    # A meeting has no channel or question: they are cleared, not stored.
    assert row.channel is None and row.question == ""
    with db.session() as s:
        q3 = worklog.list_entries(s, dt.date(2026, 7, 1), dt.date(2026, 9, 30))
        only = worklog.list_entries(s, kind="response")
        events = s.scalars(select(AuditEvent).where(AuditEvent.entity == "worklog")).all()
    assert [r.day for r in q3] == [dt.date(2026, 8, 1), dt.date(2026, 9, 3)]
    assert [r.channel_label for r in only] == ["网评"]
    assert [e.action for e in events] == ["create", "create"]


@pytest.mark.parametrize("data, field", [
    (WorklogData(day=None, title="会"), "day"),
    (WorklogData(day=dt.date(2026, 12, 1), title="会"), "day"),
    (WorklogData(day=dt.date(2026, 9, 1), kind="party", title="会"), "kind"),
    (WorklogData(day=dt.date(2026, 9, 1), title="   "), "title"),
    (WorklogData(day=dt.date(2026, 9, 1), title="长" * 301), "title"),
    (reply(channel=None), "channel"),
    (reply(channel="wechat"), "channel"),
    (reply(question=" "), "question"),
    (reply(reply=""), "reply"),
])
def test_validation_refuses_and_saves_nothing(db, actor, today, data, field):
    with pytest.raises(ValidationError) as err:
        with db.session() as s:
            worklog.create_entry(s, actor, data, today=today)
    assert field in err.value.fields
    with db.session() as s:
        assert worklog.list_entries(s) == []


def test_unknown_department_refused(db, actor, today):
    with pytest.raises(ValidationError) as err:
        with db.session() as s:
            worklog.create_entry(s, actor, reply(department_id=999), today=today)
    assert "department_id" in err.value.fields


def test_update_is_audited_and_versioned(db, actor, today):
    with db.session() as s:
        row = worklog.create_entry(s, actor, reply(), today=today)
    data = row.data()
    data.reply = "已于十月八日开工。"
    with db.session() as s:
        new = worklog.update_entry(s, actor, row.id, row.version, data, today=today)
    assert new.reply == "已于十月八日开工。" and new.version == row.version + 1
    with pytest.raises(ConcurrentEditError):
        with db.session() as s:
            worklog.update_entry(s, actor, row.id, row.version, data, today=today)
    with db.session() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "update")).one()
        assert event.before == {"reply": "预计十月开工。", "version": 1}
        assert event.after["reply"] == "已于十月八日开工。"
        assert audit.verify_chain(s) is None


def test_attachments_survive_item_side_cleanup_and_go_with_the_entry(db, actor, today, tmp_path):
    photo = tmp_path / "会议 照片.jpg"
    photo.write_bytes(b"jpeg-bytes")
    with db.session() as s:
        row = worklog.create_entry(s, actor, reply(), today=today)
        info = worklog.add_attachment(s, db, actor, row.id, photo)
    assert info.filename == "会议 照片.jpg"
    assert files.read_content(db, info.sha256) == b"jpeg-bytes"  # a file, or a server's row
    with db.session() as s:
        # The file store's own cleanup must not treat a work log file as unused.
        assert files.purge_unreferenced(s, db, actor) == 0
        assert [a.filename for a in worklog.list_attachments(s, row.id)] == ["会议 照片.jpg"]
        assert worklog.get_row(s, row.id).attachments == 1
    assert files.read_content(db, info.sha256) == b"jpeg-bytes"
    with db.session() as s:
        worklog.delete_entry(s, db, actor, row.id, expected_version=worklog.get_row(s, row.id).version)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Attachment)) == 0
        assert s.scalar(select(func.count()).select_from(WorklogAttachment)) == 0
        assert s.scalar(select(func.count()).select_from(StoredFile)) == 0
        with pytest.raises(NotFoundError):
            worklog.get_row(s, row.id)
    assert files.read_content(db, info.sha256) is None


def test_remove_one_attachment(db, actor, today, tmp_path):
    a = tmp_path / "签到表.pdf"
    a.write_bytes(b"%PDF-1.4 sign-in")
    with db.session() as s:
        row = worklog.create_entry(s, actor, reply(), today=today)
        info = worklog.add_attachment(s, db, actor, row.id, a)
    with pytest.raises(NotFoundError):
        with db.session() as s:
            worklog.remove_attachment(s, db, actor, row.id, info.id + 100)
    with db.session() as s:
        worklog.remove_attachment(s, db, actor, row.id, info.id)
        assert worklog.list_attachments(s, row.id) == []
        actions = [e.action for e in s.scalars(select(AuditEvent).where(AuditEvent.entity == "worklog"))]
    assert actions == ["create", "attach", "detach"]


def test_demo_entries_feed_the_tally(db, today):
    from deskapp.core.reports import tally

    with db.session() as s:
        n = worklog.add_demo_entries(s, 2026, today, seed=2)
        qf = tally.quarter_figures(s, 2026, 3, today)
        rows = worklog.list_entries(s)
    assert n == len(rows) > 30 and all(r.day <= today for r in rows)
    assert all(r.channel and r.question and r.reply for r in rows if r.kind == "response")
    assert qf.value("responses", "ytd") == sum(1 for r in rows if r.kind == "response" and r.day.month <= 9)
