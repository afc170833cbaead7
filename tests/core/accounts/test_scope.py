"""What a signed-in account may see and do: a department desk sees, opens and saves only its
own department's items and requests (even by id), and a 科室负责人 decides only the first step
of their own department's items — on the single-PC desk as well. Both backends."""

from __future__ import annotations

import dataclasses

import pytest

from deskapp.core.accounts.account import AccountInfo
from deskapp.core.accounts.scope import OutOfScopeError, bind_scope
from deskapp.core.audit.chain import Actor
from deskapp.core.errors import ValidationError
from deskapp.core.register import item_form, items
from deskapp.core.register.query import ItemFilter, Register
from deskapp.core.requests.query import RequestRegister
from deskapp.core.requests.records import RequestData, create_request
from deskapp.core.review import workflow
from deskapp.core.review.detail import item_detail
from deskapp.core.review.flow import StepData, load_flow, save_flow
from deskapp.core.review.queue import draft_count, queue_rows
from deskapp.core.store.models import Department
from tests.review_support import PASSWORD, TODAY, Staff, add_person, make_item, make_staff

pytestmark = pytest.mark.both_backends
ACTOR = Actor(None, "测试员")


@pytest.fixture
def office(db):
    """党政办公室 (make_staff) and 幸福社区 with its own drafter, head and one item each."""
    with db.session() as s:
        staff = make_staff(s)
        other = Department(name="幸福社区", kind="community")
        s.add(other)
        s.flush()
        other_head = add_person(s, "钱书记", ["dept_head"], other.id)
        other_drafter = add_person(s, "冯社工", ["drafter"], other.id)
        other_staff = Staff(other_drafter, other_head, staff.secrecy, staff.deputy, staff.chief, other.id)
        own_item = make_item(s, ACTOR, staff, title="党政办的通知")
        other_item = make_item(s, ACTOR, other_staff, title="幸福社区的公示")
    return staff, other_staff, own_item, other_item


def _desk_account(dept_id: int, dept_name: str, role: str = "desk") -> AccountInfo:
    return AccountInfo(1, "desk", 99, "经办", role, dept_id, dept_name)


def test_a_department_desk_sees_and_opens_only_its_own_items(db, office):
    staff, other, own_item, other_item = office
    bind_scope(db, _desk_account(staff.dept, "党政办公室").scope())
    with db.session() as s:
        assert Register(db, TODAY).item_ids(s, ItemFilter()) == [own_item]
        assert Register(db, TODAY).counts(s, ItemFilter())[0] == 1
        assert {r.item_id for r in queue_rows(s, TODAY)} == {own_item}
        assert draft_count(s) == 1
        from deskapp.core.review.queue import opening_summary

        later = TODAY.replace(year=2027)  # both items are then overdue, unpublished
        assert [i.item_id for i in opening_summary(s, later).late] == [own_item]
        assert item_form.load_item(s, own_item).id == own_item
        # By id, through every door: the register's form, the detail pane, a review action.
        with pytest.raises(OutOfScopeError, match="其他科室或社区"):
            item_form.load_item(s, other_item)
        with pytest.raises(OutOfScopeError):
            item_detail(s, other_item)
        with pytest.raises(OutOfScopeError):
            workflow.submit(s, ACTOR, other_item, None, today=TODAY)


def test_a_department_desk_cannot_save_or_draft_for_another_department(db, office):
    staff, other, own_item, other_item = office
    with db.session() as s:
        foreign = items.ItemData.of(items.get_item(s, other_item))
        version = items.get_item(s, other_item).version
        mine = items.ItemData.of(items.get_item(s, own_item))
        mine_version = items.get_item(s, own_item).version
    bind_scope(db, _desk_account(staff.dept, "党政办公室").scope())
    with pytest.raises(OutOfScopeError):
        with db.session() as s:
            items.update_item(s, ACTOR, other_item, version, dataclasses.replace(foreign, title="改掉"),
                              today=TODAY)
    with pytest.raises(OutOfScopeError):
        with db.session() as s:
            items.create_item(s, ACTOR, dataclasses.replace(foreign, index_no=""), today=TODAY)
    with pytest.raises(OutOfScopeError):  # nor move its own item over to the community
        with db.session() as s:
            items.update_item(s, ACTOR, own_item, mine_version,
                              dataclasses.replace(mine, department_id=other.dept), today=TODAY)
    with pytest.raises(OutOfScopeError):
        with db.session() as s:
            items.delete_item(s, ACTOR, other_item)
    with pytest.raises(ValidationError, match="请在“科室”中选择“党政办公室”"):  # none chosen: say which
        with db.session() as s:
            items.create_item(s, ACTOR, dataclasses.replace(mine, index_no="", department_id=None), today=TODAY)
    with db.session() as s:
        assert [c.label for c in item_form.load_choices(s).departments] == ["党政办公室"]
        made = items.create_item(s, ACTOR, dataclasses.replace(mine, index_no="", title="新草稿"), today=TODAY)
        assert made.department_id == staff.dept
    bind_scope(db, _desk_account(0, "", role="maintainer").scope())  # the maintainer sees all
    with db.session() as s:
        assert items.get_item(s, other_item).title == "幸福社区的公示"
        assert len(Register(db, TODAY).item_ids(s, ItemFilter())) == 3


def test_a_department_desk_sees_only_its_own_requests(db, office):
    staff, other, _, _ = office
    with db.session() as s:
        ids = [create_request(s, ACTOR, RequestData(applicant_name=name, phone="13800000000", delivery="pickup",
                                                    received_on=TODAY, content="申请公开某文件",
                                                    department_id=dept), today=TODAY).id
               for name, dept in (("甲", staff.dept), ("乙", other.dept))]
    bind_scope(db, _desk_account(other.dept, "幸福社区").scope())
    with db.session() as s:
        register = RequestRegister(db, TODAY)
        from deskapp.core.requests.query import RequestFilter

        assert register.ids(s, RequestFilter()) == [ids[1]]
        assert register.detail(s, ids[1]).id == ids[1]
        with pytest.raises(OutOfScopeError, match="申请"):
            register.detail(s, ids[0])


def _submit(db, item_id: int) -> None:
    with db.session() as s:
        workflow.submit(s, ACTOR, item_id, None, today=TODAY)


def test_a_dept_head_decides_only_their_own_departments_first_step(db, office):
    """Without a scope at all (the single-PC desk): 钱书记 heads 幸福社区 and may not sign
    党政办公室's 科室负责人初审, nor may 李科长 sign the community's."""
    staff, other, own_item, other_item = office
    _submit(db, own_item)
    _submit(db, other_item)
    with db.session() as s:
        rows = {r.item_id: r for r in queue_rows(s, TODAY)}
        assert set(rows[own_item].decider_ids) == {staff.head}
        assert set(rows[other_item].decider_ids) == {other.head}
        assert {r.item_id for r in queue_rows(s, TODAY, person_id=other.head)} == {other_item}
    for item_id, wrong in ((own_item, other.head), (other_item, staff.head)):
        with pytest.raises(ValidationError, match="只能由"):
            with db.session() as s:
                workflow.approve(s, ACTOR, item_id, None, wrong, PASSWORD, today=TODAY)
        with pytest.raises(ValidationError, match="只能由"):
            with db.session() as s:
                workflow.record_paper_decision(s, ACTOR, item_id, None, wrong, "approve", "", TODAY,
                                               today=TODAY)
    with db.session() as s:
        workflow.approve(s, ACTOR, own_item, None, staff.head, PASSWORD, today=TODAY)
        workflow.approve(s, ACTOR, other_item, None, other.head, PASSWORD, today=TODAY)


def test_steps_copied_with_every_head_are_still_decided_only_in_the_department(db, office):
    """An item submitted before the rule (its first step lists every 科室负责人) or after the
    flow was saved: the decision is still refused to another department's head."""
    staff, other, own_item, _ = office
    _submit(db, own_item)
    with db.session() as s:
        from deskapp.core.store.models import ItemStep, ItemStepPerson

        first = s.query(ItemStep).filter_by(item_id=own_item, position=1).one()
        s.add(ItemStepPerson(item_step_id=first.id, person_id=other.head))  # as an old desk copied
    with pytest.raises(ValidationError, match="只能由李科长"):
        with db.session() as s:
            workflow.approve(s, ACTOR, own_item, None, other.head, PASSWORD, today=TODAY)
    with db.session() as s:  # saving the flow hands waiting steps to the department's heads only
        save_flow(s, ACTOR, load_flow(s).as_data())
        assert set(workflow.deciders_of(s, first.id)) == {staff.head}


def test_a_step_that_names_its_people_is_not_department_scoped(db, office):
    staff, other, own_item, _ = office
    with db.session() as s:
        data = load_flow(s).as_data()
        data.steps[0] = StepData(data.steps[0].name, [other.head], "dept_head", False, data.steps[0].id)
        save_flow(s, ACTOR, data)
    _submit(db, own_item)
    with db.session() as s:
        workflow.approve(s, ACTOR, own_item, None, other.head, PASSWORD, today=TODAY)


def _as(db, person_id: int, role: str, dept_id=None, dept_name: str = "") -> None:
    bind_scope(db, AccountInfo(7, "who", person_id, "某人", role, dept_id, dept_name).scope())


def test_on_a_server_an_account_signs_only_as_itself_and_in_its_role(db, office):
    staff, other, own_item, _ = office
    _submit(db, own_item)
    _as(db, staff.secrecy, "secrecy")  # signed in as 赵保密: may not sign 李科长's first step
    with pytest.raises(ValidationError, match="只能以本人账户签批"):
        with db.session() as s:
            workflow.approve(s, ACTOR, own_item, None, staff.head, PASSWORD, today=TODAY)
    _as(db, staff.head, "desk", staff.dept, "党政办公室")  # 李科长's person, but a 经办 account
    with pytest.raises(ValidationError, match="应由“科室负责人”账户签批"):
        with db.session() as s:
            workflow.approve(s, ACTOR, own_item, None, staff.head, PASSWORD, today=TODAY)
    with pytest.raises(ValidationError, match="纸质签批只能由维护员或管理员录入"):
        with db.session() as s:
            workflow.record_paper_decision(s, ACTOR, own_item, None, staff.head, "approve", "", TODAY,
                                           today=TODAY)
    _as(db, staff.head, "dept_head", staff.dept, "党政办公室")
    with db.session() as s:
        workflow.approve(s, ACTOR, own_item, None, staff.head, PASSWORD, today=TODAY)
    _as(db, staff.drafter, "maintainer")  # the maintainer records 赵保密's decision signed on paper
    with db.session() as s:
        workflow.record_paper_decision(s, ACTOR, own_item, None, staff.secrecy, "approve", "", TODAY,
                                       today=TODAY)


def test_only_a_maintainer_or_administrator_changes_what_the_office_shares(db, office):
    from deskapp.core.accounts import manage
    from deskapp.core.accounts.scope import NotPermittedError
    from deskapp.core.register import org, people

    staff, other, _, _ = office
    _as(db, other.drafter, "desk", other.dept, "幸福社区")
    tries = [
        lambda s: org.save_settings(s, ACTOR, {"org_name": "改名街道"}),
        lambda s: org.create_department(s, ACTOR, org.DepartmentData("新科室")),
        lambda s: people.create_person(s, ACTOR, people.PersonData("新人")),
        lambda s: people.update_person(s, ACTOR, other.drafter, people.PersonData("冯社工", other.dept, ["dept_head"])),
        lambda s: save_flow(s, ACTOR, load_flow(s).as_data()),
        lambda s: manage.create_account(s, ACTOR, manage.AccountData("x1", other.drafter, "admin"), "口令-123456"),
    ]
    for attempt in tries:
        with pytest.raises(NotPermittedError, match="科室/社区经办"):
            with db.session() as s:
                attempt(s)
    _as(db, staff.drafter, "maintainer")  # the maintainer keeps people, not accounts
    with db.session() as s:
        people.create_person(s, ACTOR, people.PersonData("新人"))
    with pytest.raises(NotPermittedError, match="只有管理员"):
        with db.session() as s:
            tries[-1](s)
    _as(db, staff.drafter, "admin")
    with db.session() as s:
        tries[-1](s)


def test_a_department_desk_cannot_act_on_another_departments_request_by_id(db, office):
    from deskapp.core.requests import records

    staff, other, _, _ = office
    with db.session() as s:
        theirs = create_request(s, ACTOR, RequestData(applicant_name="甲", phone="13800000000", delivery="pickup",
                                                      received_on=TODAY, content="申请公开某文件",
                                                      department_id=staff.dept), today=TODAY)
        data, version = RequestData.of(theirs), theirs.version
    _as(db, other.drafter, "desk", other.dept, "幸福社区")
    with pytest.raises(OutOfScopeError, match="该申请属于其他科室"):
        with db.session() as s:
            records.update_request(s, ACTOR, theirs.id, version, dataclasses.replace(data, content="改"),
                                   today=TODAY)
    with pytest.raises(OutOfScopeError):
        with db.session() as s:
            records.create_request(s, ACTOR, data, today=TODAY)
    with db.session() as s:
        mine = records.create_request(s, ACTOR, dataclasses.replace(data, department_id=other.dept), today=TODAY)
        assert mine.department_id == other.dept


def test_a_department_desk_cannot_reach_another_departments_attachments(db, office, tmp_path):
    from deskapp.core.attachments import files

    staff, other, own_item, other_item = office
    source = tmp_path / "附件.txt"
    source.write_text("正文", encoding="utf-8")
    with db.session() as s:
        theirs = files.add_attachment(s, db, ACTOR, other_item, source)
    _as(db, staff.drafter, "desk", staff.dept, "党政办公室")
    for attempt in (lambda s: files.list_attachments(s, other_item),
                    lambda s: files.get_attachment(s, theirs.id),
                    lambda s: files.remove_attachment(s, db, ACTOR, theirs.id),
                    lambda s: files.add_attachment(s, db, ACTOR, other_item, source)):
        with pytest.raises(OutOfScopeError):
            with db.session() as s:
                attempt(s)
    with db.session() as s:
        mine = files.add_attachment(s, db, ACTOR, own_item, source)
        assert [a.id for a in files.list_attachments(s, own_item)] == [mine.id]
