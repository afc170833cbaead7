"""First run, third choice: 导入现有台账 saves the organisation, then opens the Excel import
wizard on this desk; the welcome page closes once something was imported."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog

from deskapp.core.audit.chain import Actor
from deskapp.core.ledger.commit import ImportResult
from deskapp.core.store import settings
from deskapp.ui.common.context import AppContext
from deskapp.ui.ledger import import_wizard
from deskapp.ui.welcome import WelcomeDialog


@pytest.fixture
def fresh_ctx(db, messages) -> AppContext:
    return AppContext(db=db, actor=Actor(None, "测试员"), messages=messages)


@pytest.fixture
def dialog(qtbot, fresh_ctx) -> WelcomeDialog:
    d = WelcomeDialog(fresh_ctx)
    qtbot.addWidget(d)
    return d


def _fake_exec(opened: list, imported: int):
    """Stand in for the user going through the wizard (its own tests drive every page)."""
    def run(wizard) -> int:
        opened.append(wizard)
        assert wizard.isModal() or wizard.parent() is not None
        if imported:
            wizard.import_result = ImportResult(imported, 0, 0, list(range(1, imported + 1)), [])
            return QDialog.DialogCode.Accepted
        return QDialog.DialogCode.Rejected
    return run


def test_import_button_opens_the_wizard_after_saving_the_office(dialog, fresh_ctx, monkeypatch):
    opened: list = []
    monkeypatch.setattr(import_wizard.ImportWizard, "exec", _fake_exec(opened, 3))
    assert dialog.import_button.text() == "导入现有台账"
    dialog.name.setText("长安街道办事处")
    dialog.prefix.setText("11330802-5")
    dialog.import_button.click()
    assert len(opened) == 1 and opened[0].ctx is fresh_ctx and opened[0].parent() is dialog
    # a new desk has no 科室 yet: those named in the old ledger are created, not refused
    assert opened[0].file_page.create_departments.isChecked()
    with fresh_ctx.db.session() as s:  # saved first: imported items get this office's prefix
        assert settings.get(s, "org_name") == "长安街道办事处"
        assert settings.get(s, "index_prefix") == "11330802-5"
    assert dialog.imported == 3
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_cancelled_import_keeps_the_welcome_page_open(dialog, monkeypatch):
    opened: list = []
    monkeypatch.setattr(import_wizard.ImportWizard, "exec", _fake_exec(opened, 0))
    dialog.name.setText("长安街道办事处")
    dialog.import_button.click()
    assert len(opened) == 1
    assert dialog.imported == 0 and dialog.result() != QDialog.DialogCode.Accepted


def test_import_needs_the_office_name_first(dialog, monkeypatch):
    opened: list = []
    monkeypatch.setattr(import_wizard.ImportWizard, "exec", _fake_exec(opened, 3))
    dialog.import_button.click()
    assert opened == [] and "请填写机关名称" in dialog.name_error.text()
