"""The review state machine: every rule has a test that tries to break it."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from deskapp.core.errors import ConcurrentEditError, DeskError, ValidationError
from deskapp.core.register.items import ItemData, update_item
from deskapp.core.review import workflow
from deskapp.core.review.passwords import WrongPasswordError
from deskapp.core.store.models import AuditEvent, Item, ItemReview, Person, ReviewDecision, ReviewFlow
from tests.review_support import PASSWORD, TODAY, make_item, make_staff


@pytest.fixture
def desk(db, actor):
    with db.session() as s:
        staff = make_staff(s)
        item_id = make_item(s, actor, staff)
    return staff, item_id


def version(db, item_id):
    with db.session() as s:
        return s.get(Item, item_id).version


def run(db, fn, *args, **kw):
    with db.session() as s:
        return fn(s, *args, **kw)


def approve_all(db, actor, staff, item_id):
    for person in staff.chain:
        run(db, workflow.approve, actor, item_id, version(db, item_id), person, PASSWORD, today=TODAY)


def test_full_path_submit_approve_four_publish(db, actor, desk):
    staff, item_id = desk
    out = run(db, workflow.submit, actor, item_id, version(db, item_id), today=TODAY)
    assert out.status == "in_review" and out.step == "科室负责人初审"
    for person, nxt in zip(staff.chain, ["保密审查", "分管领导审核", "主要领导签发", ""], strict=True):
        out = run(db, workflow.approve, actor, item_id, out.version, person, PASSWORD, today=TODAY)
        assert out.step == nxt
    assert out.status == "approved"
    out = run(db, workflow.publish, actor, item_id, out.version, TODAY, ["政府网站", "社区/村公示栏（电子屏）"],
              today=TODAY)
    assert out.status == "published" and "按时公开" in out.message
    with db.session() as s:
        item = s.get(Item, item_id)
        assert item.published_on == TODAY and item.channels == ["政府网站", "社区/村公示栏（电子屏）"]
        assert s.get(ItemReview, item_id).days_late == 0
        actions = s.scalars(select(AuditEvent.action)
                            .where(AuditEvent.entity == "item", AuditEvent.entity_id == str(item_id))
                            .order_by(AuditEvent.id)).all()
    assert actions == ["create", "submit", "approve", "approve", "approve", "approve", "publish"]


def test_publish_refused_unless_every_step_approved(db, actor, desk):
    staff, item_id = desk
    with pytest.raises(ValidationError):  # a draft
        run(db, workflow.publish, actor, item_id, None, TODAY, ["政府网站"], today=TODAY)
    run(db, workflow.submit, actor, item_id, None, today=TODAY)
    for person in staff.chain[:3]:
        run(db, workflow.approve, actor, item_id, None, person, PASSWORD, today=TODAY)
        with pytest.raises(ValidationError):
            run(db, workflow.publish, actor, item_id, None, TODAY, ["政府网站"], today=TODAY)


def test_status_forced_to_approved_elsewhere_still_cannot_publish(db, actor, desk):
    """An edit cannot set status "approved"; forced in the table by hand, publish still refuses."""
    staff, item_id = desk
    with db.session() as s:
        item = s.get(Item, item_id)
        data = ItemData.of(item)
        data.status = "approved"
        with pytest.raises(ValidationError):
            update_item(s, actor, item_id, item.version, data, today=TODAY)
    with db.session() as s:
        s.execute(Item.__table__.update().where(Item.__table__.c.id == item_id).values(status="approved"))
    with pytest.raises(ValidationError):
        run(db, workflow.publish, actor, item_id, None, TODAY, ["政府网站"], today=TODAY)


def test_only_the_steps_people_decide(db, actor, desk):
    staff, item_id = desk
    run(db, workflow.submit, actor, item_id, None, today=TODAY)
    for wrong in (staff.secrecy, staff.chief, staff.drafter):
        with pytest.raises(ValidationError) as info:
            run(db, workflow.approve, actor, item_id, None, wrong, PASSWORD, today=TODAY)
        assert "李科长" in info.value.message
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(ReviewDecision)) == 0


def test_drafter_cannot_approve_own_item_unless_allowed(db, actor, desk):
    staff, item_id = desk
    with db.session() as s:
        s.get(Item, item_id).drafter_id = staff.head  # the head drafted it
    run(db, workflow.submit, actor, item_id, None, today=TODAY)
    with pytest.raises(ValidationError) as info:
        run(db, workflow.approve, actor, item_id, None, staff.head, PASSWORD, today=TODAY)
    assert "自己起草" in info.value.message
    with db.session() as s:
        s.get(ReviewFlow, 1).forbid_self_approval = False
    out = run(db, workflow.approve, actor, item_id, None, staff.head, PASSWORD, today=TODAY)
    assert out.step == "保密审查"


def test_wrong_password_refused_counted_nothing_else_recorded(db, actor, desk):
    staff, item_id = desk
    run(db, workflow.submit, actor, item_id, None, today=TODAY)
    with db.session() as s:
        events_before = s.scalar(select(func.count()).select_from(AuditEvent))
    v = version(db, item_id)
    with pytest.raises(WrongPasswordError):
        run(db, workflow.approve, actor, item_id, v, staff.head, "wrong!!", today=TODAY)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(ReviewDecision)) == 0
        assert s.get(Item, item_id).version == v
        assert s.get(Person, staff.head).failed_logins == 1
        new = s.scalars(select(AuditEvent.action).where(AuditEvent.id > events_before)).all()
    assert new == ["signin_failed"]


def test_stale_version_refused(db, actor, desk):
    staff, item_id = desk
    run(db, workflow.submit, actor, item_id, None, today=TODAY)
    seen = version(db, item_id)
    run(db, workflow.approve, actor, item_id, seen, staff.head, PASSWORD, today=TODAY)
    # the secrecy reviewer still has the old screen open
    with pytest.raises(ConcurrentEditError):
        run(db, workflow.approve, actor, item_id, seen, staff.secrecy, PASSWORD, today=TODAY)


def test_every_decision_moves_the_version(db, actor, desk):
    staff, item_id = desk
    out = run(db, workflow.submit, actor, item_id, None, today=TODAY)
    seen = {out.version}
    for person in staff.chain:
        out = run(db, workflow.approve, actor, item_id, out.version, person, PASSWORD, today=TODAY)
        assert out.version not in seen
        seen.add(out.version)


def test_return_needs_opinion_and_goes_back_to_drafter(db, actor, desk):
    staff, item_id = desk
    run(db, workflow.submit, actor, item_id, None, today=TODAY)
    run(db, workflow.approve, actor, item_id, None, staff.head, PASSWORD, today=TODAY)
    with pytest.raises(ValidationError):
        run(db, workflow.return_item, actor, item_id, None, staff.secrecy, PASSWORD, "  ", today=TODAY)
    with db.session() as s:
        assert s.get(Person, staff.secrecy).failed_logins == 0  # no password was judged
    out = run(db, workflow.return_item, actor, item_id, None, staff.secrecy, PASSWORD,
              "请删去身份证号码后再送审。", today=TODAY)
    assert out.status == "returned" and out.step == ""
    with pytest.raises(ValidationError):
        run(db, workflow.approve, actor, item_id, None, staff.deputy, PASSWORD, today=TODAY)
    # resubmitted: the review starts again from the first step, in a new round
    out = run(db, workflow.submit, actor, item_id, None, today=TODAY + dt.timedelta(days=1))
    assert out.step == "科室负责人初审"
    with db.session() as s:
        assert s.get(ItemReview, item_id).round == 2
    approve_all(db, actor, staff, item_id)
    out = run(db, workflow.publish, actor, item_id, None, TODAY + dt.timedelta(days=1), ["政府网站"],
              today=TODAY + dt.timedelta(days=1))
    assert out.status == "published"


def test_old_round_approvals_do_not_count(db, actor, desk):
    staff, item_id = desk
    run(db, workflow.submit, actor, item_id, None, today=TODAY)
    for person in staff.chain[:3]:
        run(db, workflow.approve, actor, item_id, None, person, PASSWORD, today=TODAY)
    run(db, workflow.return_item, actor, item_id, None, staff.chief, PASSWORD, "数据需核实", today=TODAY)
    run(db, workflow.submit, actor, item_id, None, today=TODAY)
    # the chief's step is not current in the new round: refused
    with pytest.raises(ValidationError):
        run(db, workflow.approve, actor, item_id, None, staff.chief, PASSWORD, today=TODAY)
    with db.session() as s:
        s.get(ItemReview, item_id).outcome = "approved"  # tamper with the state directly
        s.get(Item, item_id).status = "approved"
    with pytest.raises(ValidationError):
        run(db, workflow.publish, actor, item_id, None, TODAY, ["政府网站"], today=TODAY)


def test_withhold_only_at_secrecy_step_with_reason_and_never_published(db, actor, desk):
    staff, item_id = desk
    run(db, workflow.submit, actor, item_id, None, today=TODAY)
    with pytest.raises(ValidationError):  # 初审 may not decide 不予公开
        run(db, workflow.withhold, actor, item_id, None, staff.head, PASSWORD, "涉及国家秘密", today=TODAY)
    run(db, workflow.approve, actor, item_id, None, staff.head, PASSWORD, today=TODAY)
    with pytest.raises(ValidationError):
        run(db, workflow.withhold, actor, item_id, None, staff.secrecy, PASSWORD, "", today=TODAY)
    out = run(db, workflow.withhold, actor, item_id, None, staff.secrecy, PASSWORD,
              "属于国家秘密，依据《条例》第十四条不予公开。", today=TODAY)
    assert out.status == "approved" and out.step == ""
    with db.session() as s:
        item = s.get(Item, item_id)
        assert item.attribute == "withheld" and "第十四条" in item.withheld_reason
        assert item.due_on is None
        assert s.get(ItemReview, item_id).outcome == "withheld"
    with pytest.raises(ValidationError) as info:
        run(db, workflow.publish, actor, item_id, None, TODAY, ["政府网站"], today=TODAY)
    assert "不予公开" in info.value.message
    with pytest.raises(ValidationError):  # closed: no further decisions
        run(db, workflow.approve, actor, item_id, None, staff.deputy, PASSWORD, today=TODAY)


def test_submit_refused_when_a_step_has_no_active_reviewer(db, actor, desk):
    staff, item_id = desk
    with db.session() as s:
        s.get(Person, staff.deputy).active = False
    with pytest.raises(ValidationError) as info:
        run(db, workflow.submit, actor, item_id, None, today=TODAY)
    assert "分管领导审核" in info.value.message
    with db.session() as s:
        assert s.get(Item, item_id).status == "draft"


def test_deactivated_reviewer_cannot_decide(db, actor, desk):
    staff, item_id = desk
    run(db, workflow.submit, actor, item_id, None, today=TODAY)
    with db.session() as s:
        s.get(Person, staff.head).active = False
    with pytest.raises(DeskError):
        run(db, workflow.approve, actor, item_id, None, staff.head, PASSWORD, today=TODAY)


def test_only_draft_or_returned_can_be_submitted(db, actor, desk):
    staff, item_id = desk
    run(db, workflow.submit, actor, item_id, None, today=TODAY)
    with pytest.raises(ValidationError):
        run(db, workflow.submit, actor, item_id, None, today=TODAY)


def test_publish_late_counts_working_days(db, actor, desk):
    staff, item_id = desk
    with db.session() as s:
        due = s.get(Item, item_id).due_on
    run(db, workflow.submit, actor, item_id, None, today=TODAY)
    approve_all(db, actor, staff, item_id)
    later = dt.date(2026, 12, 14)  # a Monday
    out = run(db, workflow.publish, actor, item_id, None, later, ["政府网站"], today=later)
    with db.session() as s:
        from deskapp.core.calendar.workdays import WorkCalendar

        expected = WorkCalendar.load(s).workdays_between(due, later)
        assert s.get(ItemReview, item_id).days_late == expected > 0
    assert f"超期 {expected} 个工作日" in out.message


def test_publish_date_and_channels_checked(db, actor, desk):
    staff, item_id = desk
    run(db, workflow.submit, actor, item_id, None, today=TODAY)
    approve_all(db, actor, staff, item_id)
    for day, channels in ((TODAY + dt.timedelta(days=1), ["政府网站"]), (TODAY - dt.timedelta(days=1), ["政府网站"]),
                          (TODAY, []), (TODAY, ["  "])):
        with pytest.raises(ValidationError):
            run(db, workflow.publish, actor, item_id, None, day, channels, today=TODAY)


def test_withdraw_needs_reason(db, actor, desk):
    staff, item_id = desk
    run(db, workflow.submit, actor, item_id, None, today=TODAY)
    approve_all(db, actor, staff, item_id)
    run(db, workflow.publish, actor, item_id, None, TODAY, ["政府网站"], today=TODAY)
    with pytest.raises(ValidationError):
        run(db, workflow.withdraw, actor, item_id, None, " ", today=TODAY)
    out = run(db, workflow.withdraw, actor, item_id, None, "政策已废止", today=TODAY)
    assert out.status == "withdrawn"


def test_revision_reviews_again_and_supersedes_on_publish(db, actor, desk):
    staff, item_id = desk
    run(db, workflow.submit, actor, item_id, None, today=TODAY)
    approve_all(db, actor, staff, item_id)
    run(db, workflow.publish, actor, item_id, None, TODAY, ["政府网站"], today=TODAY)
    later = dt.date(2026, 12, 3)
    with pytest.raises(ValidationError):  # 变更日期 before publication
        run(db, workflow.revise, actor, item_id, None, TODAY - dt.timedelta(days=3), today=later)
    with db.session() as s:
        new = workflow.revise(s, actor, item_id, None, later, today=later)
        new_id = new.id
        assert new.revision_of_id == item_id and new.revision_no == 2 and new.status == "draft"
        assert new.changed_on == later and new.due_on > s.get(Item, item_id).due_on
        assert new.index_no.endswith("-修订2")
    with pytest.raises(ValidationError):  # one open revision at a time
        run(db, workflow.revise, actor, item_id, None, later, today=later)
    run(db, workflow.submit, actor, new_id, None, today=later)
    for person in staff.chain:
        run(db, workflow.approve, actor, new_id, None, person, PASSWORD, today=later)
    with db.session() as s:
        assert s.get(Item, item_id).status == "published"  # still visible until replaced
    run(db, workflow.publish, actor, new_id, None, later, ["政府网站"], today=later)
    with db.session() as s:
        assert s.get(Item, item_id).status == "withdrawn"
        assert s.get(ItemReview, item_id).superseded_by_id == new_id
        assert s.get(Item, new_id).status == "published"


def test_revise_only_published(db, actor, desk):
    staff, item_id = desk
    with pytest.raises(ValidationError):
        run(db, workflow.revise, actor, item_id, None, TODAY, today=TODAY)


def test_batch_approve_one_password_all_or_nothing(db, actor):
    with db.session() as s:
        staff = make_staff(s)
        ids = [make_item(s, actor, staff, title=f"第{n}条通知") for n in range(5)]
        for i in ids:
            workflow.submit(s, actor, i, None, today=TODAY)
    versions = [(i, version(db, i)) for i in ids]
    stale = versions[:4] + [(ids[4], versions[4][1] - 1)]
    with pytest.raises(ValidationError) as info:
        run(db, workflow.approve_many, actor, stale, staff.head, PASSWORD, today=TODAY)
    assert "第4条通知" in info.value.message
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(ReviewDecision)) == 0
    outs = run(db, workflow.approve_many, actor, versions, staff.head, PASSWORD, today=TODAY)
    assert {o.step for o in outs} == {"保密审查"}
    with pytest.raises(WrongPasswordError):
        run(db, workflow.approve_many, actor, [(i, version(db, i)) for i in ids], staff.secrecy, "bad-pw",
            today=TODAY)
    with db.session() as s:
        assert s.get(Person, staff.secrecy).failed_logins == 1


def test_paper_decision_records_signer_date_scan(db, actor, desk, tmp_path):
    staff, item_id = desk
    run(db, workflow.submit, actor, item_id, None, today=TODAY)
    scan = tmp_path / "审批单 扫描件.pdf"
    scan.write_bytes(b"%PDF-1.4 scanned form")
    with db.session() as s:
        out = workflow.attach_scan_and_record(
            s, db, actor, item_id, version(db, item_id), staff.head, "approve", "同意公开",
            TODAY - dt.timedelta(days=1), str(scan), today=TODAY)
    assert out.step == "保密审查"
    with db.session() as s:
        d = s.scalars(select(ReviewDecision)).one()
        assert (d.mode, d.person_id, d.paper_date, d.recorded_by) == ("paper", staff.head,
                                                                       TODAY - dt.timedelta(days=1), actor.name)
        assert d.scan_attachment_id is not None
        ev = s.scalars(select(AuditEvent).where(AuditEvent.action == "approve")).one()
        assert ev.actor_name == actor.name and ev.after["mode"] == "paper" and ev.after["person"] == "李科长"


def test_paper_decision_follows_the_same_rules(db, actor, desk):
    staff, item_id = desk
    run(db, workflow.submit, actor, item_id, None, today=TODAY)
    bad = [
        dict(signer_id=staff.chief, decision="approve", opinion="", paper_date=TODAY),  # not this step
        dict(signer_id=staff.head, decision="approve", opinion="", paper_date=TODAY + dt.timedelta(days=1)),
        dict(signer_id=staff.head, decision="return", opinion="", paper_date=TODAY),  # no opinion
        dict(signer_id=staff.head, decision="maybe", opinion="x", paper_date=TODAY),
        dict(signer_id=staff.head, decision="approve", opinion="", paper_date=dt.date(2026, 1, 1)),
    ]
    for kw in bad:
        with pytest.raises(ValidationError):
            run(db, workflow.record_paper_decision, actor, item_id, None, today=TODAY, **kw)
