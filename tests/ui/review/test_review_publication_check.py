"""审核签发 pane: the 发布前检查 section lists findings and 确认无误 confirms them (audited)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QUrl
from sqlalchemy import select

from deskapp.core.audit.chain import Actor
from deskapp.core.review import workflow
from deskapp.core.store.models import AuditEvent, Item
from deskapp.ui.review.pane import CONFIRM_LINK
from tests.review_support import PASSWORD, TODAY, make_item, make_staff
from tests.ui.review.test_review_tab import Answers, make_tab

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")  # offscreen platform


@pytest.fixture
def item_id(db, actor):
    with db.session() as s:
        staff = make_staff(s)
        item = make_item(s, actor, staff, title="关于工作布署的通知")
        s.get(Item, item).content = "请致电 0571-87654321 咨询。"
        workflow.submit(s, Actor(None, "x"), item, None, today=TODAY)
    return item


def test_findings_listed_and_confirmed_one_then_all(qtbot, db, item_id):
    tab = make_tab(qtbot, db, name="审核员")
    tab.select_items([item_id])
    text = tab.pane.toPlainText()
    assert "发布前检查" in text and "2处未确认" in text
    assert "标题第1行错敏词“布署”（建议改为“部署”）" in text and "正文第1行数字串“0571-87654321”" in text
    first = tab.check.findings[0].key
    assert f"{CONFIRM_LINK}{first}" in tab.pane.toHtml()
    tab.pane.anchorClicked.emit(QUrl(f"{CONFIRM_LINK}{first}"))
    assert "1处未确认" in tab.pane.toPlainText() and "已确认（审核员" in tab.pane.toPlainText()
    tab._link(f"{CONFIRM_LINK}all")
    assert "已全部确认" in tab.pane.toPlainText()
    with db.session() as s:
        events = s.scalars(select(AuditEvent).where(AuditEvent.action == "publication_check_confirm")).all()
        assert [e.actor_name for e in events] == ["审核员", "审核员"]


def test_read_only_desk_shows_findings_without_confirm(qtbot, db, item_id):
    tab = make_tab(qtbot, db, read_only=True)
    tab.select_items([item_id])
    assert "未确认" in tab.pane.toPlainText() and CONFIRM_LINK not in tab.pane.toHtml()
    tab._link(f"{CONFIRM_LINK}all")
    with db.session() as s:
        assert s.scalars(select(AuditEvent).where(AuditEvent.action == "publication_check_confirm")).all() == []


@pytest.mark.parametrize("answer", [False, True])
def test_publishing_with_unconfirmed_findings_asks_first(qtbot, db, actor, answer):
    with db.session() as s:
        staff = make_staff(s)
        item = make_item(s, actor, staff, title="关于工作布署的通知")
        workflow.submit(s, actor, item, None, today=TODAY)
        for person in staff.chain:
            workflow.approve(s, actor, item, None, person, PASSWORD, today=TODAY)
    tab = make_tab(qtbot, db)
    Answers(tab)
    tab.ctx.messages.answer = answer
    tab.select_items([item])
    tab.ops.publish()
    kind, text = tab.ctx.messages.shown[0][:2]
    assert kind == "confirm" and "发布前检查还有1处未确认" in text and "布署" in text
    with db.session() as s:
        assert s.get(Item, item).status == ("published" if answer else "approved")
