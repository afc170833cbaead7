"""The review flow is configuration: presets, people per step, role fallback, sync."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from deskapp.core.errors import ValidationError
from deskapp.core.review import flow as review_flow
from deskapp.core.review import workflow
from deskapp.core.review.flow import FlowData, StepData
from deskapp.core.store.models import AuditEvent, Person
from tests.review_support import TODAY, add_person, make_item, make_staff


def test_default_flow_is_four_step_preset_with_people_by_role(db):
    with db.session() as s:
        staff = make_staff(s)
        flow = review_flow.load_flow(s)
    assert [st.name for st in flow.steps] == ["科室负责人初审", "保密审查", "分管领导审核", "主要领导签发"]
    assert [st.deciders[0].id for st in flow.steps] == staff.chain
    assert [st.can_withhold for st in flow.steps] == [False, True, False, False]
    assert flow.forbid_self_approval


def test_reading_an_unconfigured_desk_writes_nothing(db):
    with db.session() as s:
        flow = review_flow.load_flow(s)
        assert len(flow.steps) == 4 and all(st.id < 0 for st in flow.steps)
        assert s.scalar(select(AuditEvent.id).where(AuditEvent.entity == "review_flow")) is None


def test_three_step_preset_and_audit(db, actor):
    with db.session() as s:
        make_staff(s)
        flow = review_flow.apply_preset(s, actor, "三审")
    assert [st.name for st in flow.steps] == ["初审", "审核", "审发"]
    with db.session() as s:
        ev = s.scalars(select(AuditEvent).where(AuditEvent.entity == "review_flow",
                                                AuditEvent.action == "update")).one()
        assert ev.before["name"] == "四级审查" and ev.after["name"] == "三审"


@pytest.mark.parametrize("steps, field", [
    ([], "steps"),
    ([StepData("", [], "secrecy")], "step1"),
    ([StepData("审核", [], "secrecy"), StepData("审核", [], "secrecy")], "step2"),
    ([StepData("审核", [], None)], "step1"),  # nobody could decide it
    ([StepData("审核", [99999], None)], "step1"),
    ([StepData("审核", [], "no_such_role")], "step1"),
])
def test_bad_flow_refused(db, actor, steps, field):
    with db.session() as s:
        make_staff(s)
    with pytest.raises(ValidationError) as info, db.session() as s:
        review_flow.save_flow(s, actor, FlowData("自定义", True, steps))
    assert field in info.value.fields


def test_named_people_override_the_role(db, actor):
    with db.session() as s:
        staff = make_staff(s)
        other = add_person(s, "周保密", ["secrecy"])
        data = review_flow.load_flow(s).as_data()
        data.steps[1].people = [other]
        flow = review_flow.save_flow(s, actor, data)
    assert [p.id for p in flow.steps[1].deciders] == [other]
    assert staff.secrecy not in [p.id for p in flow.steps[1].deciders]


def test_item_keeps_its_steps_but_waiting_steps_get_new_people(db, actor):
    with db.session() as s:
        staff = make_staff(s)
        item_id = make_item(s, actor, staff)
        workflow.submit(s, actor, item_id, None, today=TODAY)
        new_head = add_person(s, "新科长", ["dept_head"])
        data = review_flow.load_flow(s).as_data()
        data.steps[0].people = [new_head]
        data.steps.append(StepData("复核", [staff.chief]))
        review_flow.save_flow(s, actor, data)
    with db.session() as s:
        steps = workflow.steps_of(s, item_id)
        assert [st.name for st in steps] == ["科室负责人初审", "保密审查", "分管领导审核", "主要领导签发"]
        assert list(workflow.deciders_of(s, steps[0].id)) == [new_head]


def test_deactivated_reviewers_leave_a_blocked_step(db, actor):
    with db.session() as s:
        staff = make_staff(s)
        s.get(Person, staff.secrecy).active = False
        flow = review_flow.load_flow(s)
    assert flow.steps[1].blocked and not flow.steps[0].blocked
