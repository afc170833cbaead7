"""审核签发 tab, driven with pytest-qt: the whole flow submit → approve ×4 → publish, batch
同意 with one password, wrong passwords, stale versions, 退回, 纸质签批, the person filter,
blocked steps, the form, shortcuts."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import func, select

from deskapp.core.audit.chain import Actor
from deskapp.core.review import workflow
from deskapp.core.store.models import Item, Person, ReviewDecision
from deskapp.ui.common.context import AppContext
from deskapp.ui.common.messages import RecordingMessages
from deskapp.ui.review.dialogs import PaperInput, PublishInput, Signature
from deskapp.ui.review.model import PRIVACY_ROLE
from deskapp.ui.review.tab import ReviewTab
from tests.review_support import PASSWORD, TODAY, make_item, make_staff

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")  # offscreen platform


@pytest.fixture
def desk(db, actor):
    with db.session() as s:
        staff = make_staff(s)
        ids = [make_item(s, actor, staff, title=f"第{n}号通知") for n in range(3)]
    return staff, ids


def make_tab(qtbot, db, person_id=None, name="信息员", read_only=False):
    ctx = AppContext(db, Actor(person_id, name), RecordingMessages(), read_only=read_only, clock=lambda: TODAY)
    tab = ReviewTab(ctx)
    qtbot.addWidget(tab)
    with qtbot.waitExposed(tab):
        tab.show()
    with qtbot.waitActive(tab):  # shortcuts need the active window
        tab.activateWindow()
    return tab


class Answers:
    """Stands in for the dialogs: records what was asked, answers with what is queued."""

    def __init__(self, tab):
        self.signatures: list[Signature] = []
        self.asked: list[tuple] = []
        tab.ops.ask_signature = self.signature
        tab.ops.ask_publish = lambda title, channels, due: PublishInput(TODAY, ["政府网站", "两微一端"], "")
        tab.ops.ask_paper = self.paper
        self.papers: list[PaperInput] = []

    def signature(self, title, info, signers, opinion="optional", opinion_label="意见"):
        self.asked.append((title, tuple(signers)))
        return self.signatures.pop(0) if self.signatures else None

    def paper(self, step, signers, can_withhold):
        self.asked.append(("paper", tuple(signers)))
        return self.papers.pop(0) if self.papers else None


def status(db, item_id):
    with db.session() as s:
        return s.get(Item, item_id).status


def test_model_passes_qt_model_tester(qtbot, qtmodeltester, db, desk):
    staff, ids = desk
    with db.session() as s:
        workflow.submit(s, Actor(None, "x"), ids[0], None, today=TODAY)
    tab = make_tab(qtbot, db)
    qtmodeltester.check(tab.model)


def test_gui_flow_submit_approve_four_times_publish(qtbot, db, desk):
    staff, ids = desk
    tab = make_tab(qtbot, db)
    answers = Answers(tab)
    tab.select_items([ids[0]])
    assert tab.buttons["submit"].isEnabled() and not tab.buttons["approve"].isEnabled()
    qtbot.mouseClick(tab.buttons["submit"], Qt.MouseButton.LeftButton)
    assert status(db, ids[0]) == "in_review"
    expected = ["李科长", "赵保密", "钱分管", "孙主任"]
    for person, name in zip(staff.chain, expected, strict=True):
        assert tab.selected_rows()[0].item_id == ids[0]  # kept selected across refreshes
        assert tab.detail.current_deciders == ((person, name),)
        answers.signatures.append(Signature(person, PASSWORD, f"{name}同意"))
        qtbot.mouseClick(tab.buttons["approve"], Qt.MouseButton.LeftButton)
    assert status(db, ids[0]) == "approved"
    assert tab.selected_rows()[0].group == "to_publish" and tab.buttons["publish"].isEnabled()
    qtbot.mouseClick(tab.buttons["publish"], Qt.MouseButton.LeftButton)
    assert status(db, ids[0]) == "published"
    assert "已发布（按时公开）" in tab.status_label.text()
    assert tab.model.index_of(ids[0]).isValid() is False  # left the queue
    with db.session() as s:
        opinions = s.scalars(select(ReviewDecision.opinion).order_by(ReviewDecision.id)).all()
    assert opinions == [f"{n}同意" for n in expected]
    assert tab.ctx.messages.shown == []


def test_wrong_password_warns_and_records_only_the_attempt(qtbot, db, desk):
    staff, ids = desk
    with db.session() as s:
        workflow.submit(s, Actor(None, "x"), ids[0], None, today=TODAY)
    tab = make_tab(qtbot, db)
    answers = Answers(tab)
    tab.select_items([ids[0]])
    answers.signatures.append(Signature(staff.head, "not-it", ""))
    tab.ops.approve()
    assert tab.ctx.messages.shown[-1][0] == "warn" and "签批密码不正确" in tab.ctx.messages.shown[-1][1]
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(ReviewDecision)) == 0
        assert s.get(Person, staff.head).failed_logins == 1
    assert status(db, ids[0]) == "in_review"


def test_batch_approve_asks_once(qtbot, db, desk):
    staff, ids = desk
    with db.session() as s:
        for i in ids:
            workflow.submit(s, Actor(None, "x"), i, None, today=TODAY)
    tab = make_tab(qtbot, db)
    answers = Answers(tab)
    tab.select_items(ids)
    assert len(tab.selected_rows()) == 3 and tab.buttons["approve"].isEnabled()
    assert not tab.buttons["return"].isEnabled()  # one at a time
    answers.signatures.append(Signature(staff.head, PASSWORD, ""))
    tab.ops.approve()
    assert len(answers.asked) == 1 and answers.asked[0][0] == "批量同意"
    assert "已同意 3 条" in tab.status_label.text()
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(ReviewDecision)) == 3


def test_batch_across_steps_without_common_signer_is_refused(qtbot, db, desk):
    staff, ids = desk
    with db.session() as s:
        for i in ids[:2]:
            workflow.submit(s, Actor(None, "x"), i, None, today=TODAY)
        workflow.approve(s, Actor(None, "x"), ids[0], None, staff.head, PASSWORD, today=TODAY)
    tab = make_tab(qtbot, db)
    Answers(tab)
    tab.select_items(ids[:2])
    tab.ops.approve()
    assert "没有同一位可以签批的审批人" in tab.ctx.messages.shown[-1][1]


def test_stale_version_refused_with_message(qtbot, db, desk):
    staff, ids = desk
    with db.session() as s:
        workflow.submit(s, Actor(None, "x"), ids[0], None, today=TODAY)
    tab = make_tab(qtbot, db)
    answers = Answers(tab)
    tab.select_items([ids[0]])
    with db.session() as s:  # someone else decides meanwhile, at another PC
        workflow.approve(s, Actor(None, "x"), ids[0], None, staff.head, PASSWORD, today=TODAY)
    answers.signatures.append(Signature(staff.head, PASSWORD, ""))
    tab.ops.approve()
    assert "已被他人修改" in tab.ctx.messages.shown[-1][1]
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(ReviewDecision)) == 1


def test_return_and_paper_and_withhold(qtbot, db, desk, tmp_path):
    staff, ids = desk
    with db.session() as s:
        for i in ids[:2]:
            workflow.submit(s, Actor(None, "x"), i, None, today=TODAY)
    tab = make_tab(qtbot, db)
    answers = Answers(tab)
    tab.select_items([ids[0]])
    assert not tab.buttons["withhold"].isEnabled()  # 初审 may not decide 不予公开
    answers.signatures.append(Signature(staff.head, PASSWORD, "请补充依据"))
    tab.ops.return_item()
    assert status(db, ids[0]) == "returned" and tab.selected_rows()[0].group == "returned"
    scan = tmp_path / "扫描 件.pdf"
    scan.write_bytes(b"%PDF-1.4 scan")
    tab.select_items([ids[1]])
    answers.papers.append(PaperInput(staff.head, "approve", "同意", TODAY - dt.timedelta(days=1), str(scan)))
    tab.ops.paper()
    assert tab.selected_rows()[0].group == "保密审查"
    assert tab.buttons["withhold"].isEnabled()
    assert "纸质签批" in tab.pane.toPlainText() and "扫描 件.pdf" in tab.pane.toPlainText()
    answers.signatures.append(Signature(staff.secrecy, PASSWORD, "涉密，依据《条例》第十四条"))
    tab.ops.withhold()
    with db.session() as s:
        item = s.get(Item, ids[1])
        assert (item.status, item.attribute) == ("approved", "withheld")
    assert not tab.model.index_of(ids[1]).isValid()  # closed: not waiting to publish


def test_waiting_for_me_filter_and_shortcut(qtbot, db, desk):
    staff, ids = desk
    with db.session() as s:
        for i in ids:
            workflow.submit(s, Actor(None, "x"), i, None, today=TODAY)
        workflow.approve(s, Actor(None, "x"), ids[2], None, staff.head, PASSWORD, today=TODAY)
    tab = make_tab(qtbot, db, staff.secrecy, "赵保密")
    assert tab.model.total() == 3
    tab.view.setFocus()
    qtbot.keyClick(tab.view, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    assert tab.who.currentData() == -1
    assert [r.item_id for g in tab.model.groups for r in g.rows] == [ids[2]]
    assert [g.label for g in tab.model.groups] == ["待保密审查"]


def test_ctrl_enter_approves(qtbot, db, desk):
    staff, ids = desk
    with db.session() as s:
        workflow.submit(s, Actor(None, "x"), ids[0], None, today=TODAY)
    tab = make_tab(qtbot, db)
    answers = Answers(tab)
    tab.select_items([ids[0]])
    answers.signatures.append(Signature(staff.head, PASSWORD, ""))
    tab.view.setFocus()
    qtbot.keyClick(tab.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert answers.asked and tab.selected_rows()[0].group == "保密审查"


def test_blocked_step_is_shown(qtbot, db, desk):
    staff, ids = desk
    with db.session() as s:
        workflow.submit(s, Actor(None, "x"), ids[0], None, today=TODAY)
        s.get(Person, staff.head).active = False
    tab = make_tab(qtbot, db)
    assert tab.blocked_label.isVisible() and "科室负责人初审" in tab.blocked_label.text()
    row = tab.model.row_at(tab.model.index_of(ids[0]))
    assert row.blocked


def test_read_only_disables_decisions_but_not_the_form(qtbot, db, desk, tmp_path):
    staff, ids = desk
    with db.session() as s:
        workflow.submit(s, Actor(None, "x"), ids[0], None, today=TODAY)
    tab = make_tab(qtbot, db, read_only=True)
    tab.select_items([ids[0]])
    assert not any(tab.buttons[k].isEnabled() for k in ("submit", "approve", "return", "paper", "publish"))
    assert tab.buttons["form"].isEnabled()
    out = tmp_path / "审批 表.pdf"
    opened = []
    tab.ops.ask_form_path = lambda suggested: str(out)
    tab.ops.open_file = opened.append
    tab.ops.print_form()
    assert out.read_bytes().startswith(b"%PDF") and opened == [str(out)]


def test_menu_actions(qtbot, db, desk):
    tab = make_tab(qtbot, db)
    assert [a.text() for a in tab.menu_actions()] == ["操作记录…", "今日待办…", "待我审批", "审核流程与签批密码…"]


def test_attachment_link_opens_a_copy(qtbot, db, desk, tmp_path):
    staff, ids = desk
    scan = tmp_path / "审批单 扫描.pdf"
    scan.write_bytes(b"%PDF-1.4 scan")
    with db.session() as s:
        workflow.submit(s, Actor(None, "x"), ids[0], None, today=TODAY)
        workflow.attach_scan_and_record(s, db, Actor(None, "x"), ids[0], None, staff.head, "approve", "",
                                        TODAY, str(scan), today=TODAY)
    tab = make_tab(qtbot, db)
    tab.select_items([ids[0]])
    assert "att:" in tab.pane.toHtml()
    opened = []
    tab.ops.open_file = opened.append
    att_id = tab.detail.attachments[0].id
    tab.ops.open_attachment(f"att:{att_id}")
    assert opened and opened[0].endswith("审批单 扫描.pdf")
    assert open(opened[0], "rb").read() == b"%PDF-1.4 scan"
    tab.ops.open_attachment("att:99999")
    assert tab.ctx.messages.shown[-1][0] == "warn"


def test_unmasked_personal_numbers_badge_in_queue_and_pane(qtbot, db, desk):
    staff, ids = desk
    with db.session() as s:
        s.get(Item, ids[0]).content = "低保对象：李四 330102199001011234，联系电话 13800138000。"
        for item_id in ids[:2]:
            workflow.submit(s, Actor(None, "x"), item_id, None, today=TODAY)
    tab = make_tab(qtbot, db)
    warned, plain = tab.model.index_of(ids[0]), tab.model.index_of(ids[1])
    assert tab.model.data(warned, PRIVACY_ROLE) == "含未遮盖的身份证号1处、手机号1处"
    assert tab.model.data(plain, PRIVACY_ROLE) == ""
    assert tab.model.data(warned, Qt.ItemDataRole.DecorationRole) is not None
    assert tab.model.data(plain, Qt.ItemDataRole.DecorationRole) is None
    # the icon stands where the others have their indent
    assert tab.model.data(plain).startswith("    ") and not tab.model.data(warned).startswith(" ")
    assert "含未遮盖的身份证号1处" in tab.model.data(warned, Qt.ItemDataRole.ToolTipRole)
    tab.select_items([ids[0]])
    assert "含未遮盖的身份证号1处、手机号1处" in tab.pane.toPlainText()
    tab.select_items([ids[1]])
    assert "未遮盖" not in tab.pane.toPlainText()


@pytest.mark.parametrize("action", ["approve", "return_item", "withhold", "paper"])
def test_deciding_at_a_blocked_step_says_why_instead_of_an_empty_dialog(qtbot, db, desk, action):
    staff, ids = desk
    with db.session() as s:
        workflow.submit(s, Actor(None, "x"), ids[0], None, today=TODAY)
        workflow.approve(s, Actor(None, "x"), ids[0], None, staff.head, PASSWORD, today=TODAY)
        s.get(Person, staff.secrecy).active = False  # 保密审查 (where 不予公开 may be decided)
    tab = make_tab(qtbot, db)
    answers = Answers(tab)
    tab.select_items([ids[0]])
    getattr(tab.ops, action)()
    assert answers.asked == []
    kind, text = tab.ctx.messages.shown[-1][:2]
    assert kind == "warn" and "保密审查" in text and "没有在职的审批人" in text


def test_gui_revision_goes_through_every_step_and_replaces_the_published_one(qtbot, db, desk):
    """变更（修订）: the new draft is listed under 待送审, goes 送审 → 同意 ×4 → 发布 in the tab,
    and its publication withdraws the old revision (superseded), which stayed published till then."""
    from deskapp.core.store.models import ItemReview

    staff, ids = desk
    actor = Actor(None, "x")
    with db.session() as s:
        workflow.submit(s, actor, ids[0], None, today=TODAY)
        for person in staff.chain:
            workflow.approve(s, actor, ids[0], None, person, PASSWORD, today=TODAY)
        workflow.publish(s, actor, ids[0], None, TODAY, ["政府网站"], today=TODAY)
        revision = workflow.revise(s, actor, ids[0], None, TODAY, today=TODAY).id
    tab = make_tab(qtbot, db)
    answers = Answers(tab)
    tab.select_items([revision])
    assert tab.selected_rows()[0].group == "drafts" and "第2版（修订）" in tab.pane.toPlainText()
    qtbot.mouseClick(tab.buttons["submit"], Qt.MouseButton.LeftButton)
    for person, step in zip(staff.chain, ["科室负责人初审", "保密审查", "分管领导审核", "主要领导签发"], strict=True):
        assert tab.selected_rows()[0].group == step
        assert status(db, ids[0]) == "published"  # the old revision stays visible meanwhile
        answers.signatures.append(Signature(person, PASSWORD, ""))
        qtbot.mouseClick(tab.buttons["approve"], Qt.MouseButton.LeftButton)
    assert tab.selected_rows()[0].group == "to_publish"
    qtbot.mouseClick(tab.buttons["publish"], Qt.MouseButton.LeftButton)
    assert status(db, revision) == "published" and status(db, ids[0]) == "withdrawn"
    with db.session() as s:
        assert s.get(ItemReview, ids[0]).superseded_by_id == revision
    assert tab.ctx.messages.shown == []


@pytest.mark.parametrize("answer", [False, True])
def test_publishing_unmasked_personal_numbers_asks_first(qtbot, db, desk, answer):
    staff, ids = desk
    actor = Actor(None, "x")
    with db.session() as s:
        s.get(Item, ids[0]).content = "救助对象：李四，身份证号 330102199001011234。"
    with db.session() as s:
        workflow.submit(s, actor, ids[0], None, today=TODAY)
        for person in staff.chain:
            workflow.approve(s, actor, ids[0], None, person, PASSWORD, today=TODAY)
    tab = make_tab(qtbot, db)
    Answers(tab)
    tab.ctx.messages.answer = answer
    tab.select_items([ids[0]])
    tab.ops.publish()
    kind, text = tab.ctx.messages.shown[0][:2]
    assert kind == "confirm" and "含未遮盖的身份证号1处" in text
    assert status(db, ids[0]) == ("published" if answer else "approved")


def test_a_revision_is_marked_in_the_queue(qtbot, db, desk):
    staff, ids = desk
    actor = Actor(None, "x")
    with db.session() as s:
        workflow.submit(s, actor, ids[0], None, today=TODAY)
        for person in staff.chain:
            workflow.approve(s, actor, ids[0], None, person, PASSWORD, today=TODAY)
        workflow.publish(s, actor, ids[0], None, TODAY, ["政府网站"], today=TODAY)
        revision = workflow.revise(s, actor, ids[0], None, TODAY, today=TODAY).id
        workflow.submit(s, actor, revision, None, today=TODAY)
        workflow.submit(s, actor, ids[1], None, today=TODAY)
    tab = make_tab(qtbot, db)
    shown = tab.model.data(tab.model.index_of(revision))
    assert shown.strip() == "第0号通知（第2版修订）"
    assert "修订" not in tab.model.data(tab.model.index_of(ids[1]))
