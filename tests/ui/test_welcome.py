"""First run: the welcome dialog saves the organisation (with its audit event), loads demo
data through the worker, and the demo data can be removed again."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog
from sqlalchemy import func, select

from deskapp.core.audit.chain import Actor
from deskapp.core.store import settings
from deskapp.core.store.models import AuditEvent, Item
from deskapp.ui.common.context import AppContext
from deskapp.ui.welcome import WelcomeDialog, first_run_needed, remove_demo_data


@pytest.fixture
def fresh_ctx(db, messages) -> AppContext:
    return AppContext(db=db, actor=Actor(None, "测试员"), messages=messages)


@pytest.fixture
def dialog(qtbot, fresh_ctx) -> WelcomeDialog:
    d = WelcomeDialog(fresh_ctx)
    qtbot.addWidget(d)
    return d


def demo_items(db) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(Item).where(Item.is_demo.is_(True)))


def test_first_run_is_an_empty_desk(db, filled_db):
    assert first_run_needed(db)
    assert not first_run_needed(filled_db)


def test_name_is_required_and_nothing_is_saved_without_it(dialog, fresh_ctx):
    dialog.start_button.click()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "请填写机关名称" in dialog.name_error.text() and not dialog.name_error.isHidden()
    dialog.name.setText("长安街道办事处")
    dialog.prefix.setText("ABC/123")
    dialog.start_button.click()
    assert "不能含“/”" in dialog.prefix_error.text()
    assert dialog.name_error.isHidden()
    with fresh_ctx.db.session() as s:
        assert settings.get(s, "org_name") == ""
    assert first_run_needed(fresh_ctx.db)


def test_start_saves_the_organisation_with_an_audit_event(dialog, fresh_ctx):
    dialog.name.setText("  长安街道办事处 ")
    dialog.prefix.setText("11330802-5")
    dialog.start_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted
    with fresh_ctx.db.session() as s:
        assert settings.get(s, "org_name") == "长安街道办事处"
        assert settings.get(s, "index_prefix") == "11330802-5"
        event = s.scalars(select(AuditEvent).where(AuditEvent.entity == "setting")).one()
    assert event.actor_name == "首次使用向导"
    assert event.after == {"org_name": "长安街道办事处", "index_prefix": "11330802-5"}
    assert not first_run_needed(fresh_ctx.db)


def test_demo_data_loads_and_can_be_removed(qtbot, dialog, fresh_ctx, messages):
    dialog.name.setText("长安街道办事处")
    dialog.demo.setChecked(True)
    dialog.demo_count.setValue(60)
    with qtbot.waitSignal(dialog.accepted, timeout=30_000):
        dialog.start_button.click()
    assert dialog.demo_loaded
    assert demo_items(fresh_ctx.db) == 60
    with fresh_ctx.db.session() as s:
        assert settings.get(s, "org_name") == "长安街道办事处"  # the office's own name is kept
        assert settings.get(s, "demo_loaded") is True

    changed = []
    fresh_ctx.bus.items_changed.connect(lambda: changed.append("items"))
    job = remove_demo_data(fresh_ctx, None)
    with qtbot.waitSignal(job.finished, timeout=30_000):
        pass
    assert demo_items(fresh_ctx.db) == 0 and changed == ["items"]
    assert messages.shown[-1] == ("info", "演示数据已删除（60 条信息）。")


def test_removing_demo_data_needs_confirmation(fresh_ctx, messages):
    messages.answer = False
    assert remove_demo_data(fresh_ctx, None) is None
    assert messages.shown[-1][0] == "confirm"
