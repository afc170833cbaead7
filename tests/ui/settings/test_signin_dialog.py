"""登录 on a server and 设置 → 账户…: a wrong password says so and keeps the dialog open, the
fifth locks the account with the time to retry, the right one signs in; the administrator adds
and disables accounts in the window; the window built for a signed-in account scopes its tabs
and offers 账户… instead of 切换操作人."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialog, QPushButton

from deskapp.core.accounts import manage
from deskapp.core.accounts.manage import AccountData
from deskapp.core.accounts.signin import sign_in
from deskapp.core.audit.chain import SYSTEM, Actor
from deskapp.core.store.models import Department, Person
from deskapp.ui.common.context import AppContext
from deskapp.ui.common.messages import RecordingMessages
from deskapp.ui.settings.accounts_dialog import AccountForm, AccountsDialog
from deskapp.ui.settings.signin_dialog import USERNAME_KEY, SignInDialog

pytestmark = [pytest.mark.qt_log_ignore("does not support propagateSizeHints"),  # offscreen platform
              pytest.mark.both_backends]
PW = "管理员-口令1"


@pytest.fixture
def desk(db):
    with db.session() as s:
        dept = Department(name="幸福社区", kind="community")
        s.add(dept)
        s.flush()
        admin = Person(name="周管理", roles=["maintainer"])
        worker = Person(name="冯社工", roles=["drafter"], department_id=dept.id)
        s.add_all([admin, worker])
        s.flush()
        manage.create_account(s, SYSTEM, AccountData("admin", admin.id, "admin"), PW)
    return db


def _try(qtbot, dialog: SignInDialog, user: str, password: str) -> None:
    dialog.username.setText(user)
    dialog.password.setText(password)
    dialog.ok.click()


def test_wrong_password_then_lockout_then_success(qtbot, desk):
    qsettings = QSettings()
    dialog = SignInDialog(desk, "desk 于 本机", qsettings=qsettings)
    qtbot.addWidget(dialog)
    dialog.show()
    _try(qtbot, dialog, "admin", "wrong-1")
    assert dialog.isVisible() and dialog.account is None
    assert "用户名或密码不正确" in dialog.error.text() and not dialog.error.isHidden()
    assert dialog.password.text() == ""  # cleared for the next try; the name stays
    assert dialog.username.text() == "admin"
    for n in range(4):
        _try(qtbot, dialog, "admin", f"wrong-{n + 2}")
    assert "账户已锁定，请于" in dialog.error.text() and "后再试" in dialog.error.text()
    _try(qtbot, dialog, "admin", PW)  # locked: even the right password waits
    assert dialog.account is None and "已锁定" in dialog.error.text()
    dialog.grab().save("/tmp/signin_locked.png")


def test_the_right_password_signs_in_and_remembers_the_name(qtbot, desk):
    qsettings = QSettings()
    dialog = SignInDialog(desk, "desk 于 本机", qsettings=qsettings)
    qtbot.addWidget(dialog)
    dialog.show()
    _try(qtbot, dialog, " admin ", PW)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.account is not None and dialog.account.person_name == "周管理"
    assert qsettings.value(USERNAME_KEY) == "admin"
    again = SignInDialog(desk, "desk 于 本机", qsettings=qsettings)
    qtbot.addWidget(again)
    assert again.username.text() == "admin"


def test_the_administrator_adds_and_disables_an_account_in_the_window(qtbot, desk):
    admin = sign_in(desk, "admin", PW)
    messages = RecordingMessages()
    ctx = AppContext(db=desk, actor=admin.actor(), messages=messages, account=admin)
    dialogs = AccountsDialog(ctx)
    qtbot.addWidget(dialogs)
    form = AccountForm(ctx, dialogs)
    qtbot.addWidget(form)
    form.username.setText("xingfu")
    form.person.setCurrentIndex(form.person.findText("冯社工（幸福社区）"))
    form.role.setCurrentIndex(form.role.findData("desk"))
    form.password.setText("社区-口令1")
    form.repeat.setText("社区-口令1")
    form.accept()
    assert "请为其选择科室" in form.error.text()  # a desk account needs its department
    form.department.setCurrentIndex(form.department.findText("幸福社区"))
    form.accept()
    assert form.result() == QDialog.DialogCode.Accepted
    dialogs.reload()
    assert [a.username for a in dialogs.accounts] == ["admin", "xingfu"]
    assert dialogs.table.item(1, 3).text() == "幸福社区" and dialogs.table.item(1, 4).text() == "正常"
    dialogs.table.selectRow(1)
    next(b for b in dialogs.findChildren(QPushButton) if b.text() == "停用/启用").click()
    assert dialogs.table.item(1, 4).text() == "已停用"
    dialogs.table.selectRow(0)  # the only administrator cannot be disabled
    next(b for b in dialogs.findChildren(QPushButton) if b.text() == "停用/启用").click()
    assert messages.shown and "唯一启用的管理员" in messages.shown[-1][1]
    dialogs.grab().save("/tmp/accounts_dialog.png")


def test_the_window_of_a_signed_in_account(qtbot, desk):
    from deskapp.core.accounts.scope import bind_scope
    from deskapp.ui.main_window import MainWindow

    admin = sign_in(desk, "admin", PW)
    bind_scope(desk, admin.scope())
    ctx = AppContext(db=desk, actor=admin.actor(), messages=RecordingMessages(), account=admin)
    window = MainWindow(ctx, QSettings())
    qtbot.addWidget(window)
    bar_actions = window.menuBar().actions()  # kept: PySide6 6.9 frees a.menu()'s QMenu wrapper with a's
    texts = [a.text() for a in bar_actions[-1].menu().actions()] + \
        [a.text() for m in bar_actions if m.menu() for a in m.menu().actions()]
    assert "账户…" in texts and "修改登录密码…" in texts and "切换操作人…" not in texts
    plain = MainWindow(AppContext(db=desk, actor=Actor(None, "测试员"), messages=RecordingMessages()), QSettings())
    qtbot.addWidget(plain)
    texts = [a.text() for m in plain.menuBar().actions() if m.menu() for a in m.menu().actions()]
    assert "切换操作人…" in texts and "账户…" not in texts


def test_the_administrator_sets_the_lockout_numbers(qtbot, desk):
    from deskapp.core.accounts.signin import policy

    admin = sign_in(desk, "admin", PW)
    messages = RecordingMessages()
    dialog = AccountsDialog(AppContext(db=desk, actor=admin.actor(), messages=messages, account=admin))
    qtbot.addWidget(dialog)
    assert (dialog.max_failed.value(), dialog.lock_minutes.value()) == (5, 15)
    dialog.max_failed.setValue(3)
    dialog.lock_minutes.setValue(30)
    dialog.save_policy()
    assert "连续输错 3 次锁定 30 分钟" in messages.shown[-1][1]
    with desk.session() as s:
        assert policy(s).max_failed == 3 and policy(s).lock_minutes == 30


def test_a_department_account_does_not_see_the_office_settings(qtbot, desk):
    from deskapp.core.accounts.scope import bind_scope
    from deskapp.ui.main_window import MainWindow

    with desk.session() as s:
        worker = s.query(Person).filter_by(name="冯社工").one()
        manage.create_account(s, SYSTEM, AccountData("xingfu", worker.id, "desk", worker.department_id),
                              "社区-口令1")
    account = sign_in(desk, "xingfu", "社区-口令1")
    bind_scope(desk, account.scope())
    remembered = QSettings()
    remembered.setValue("main/tab", 4)  # the 公示栏 this PC's maintainer left open
    window = MainWindow(AppContext(db=desk, actor=account.actor(), messages=RecordingMessages(), account=account),
                        remembered)
    qtbot.addWidget(window)
    texts = [a.text() for m in window.menuBar().actions() if m.menu() for a in m.menu().actions()]
    assert "数据库位置…" in texts
    for hidden in ("机构与人员…", "审核流程与签批密码…", "账户…", "切换操作人…"):
        assert hidden not in texts
    shown = [window.tabs.tabText(i) for i in range(window.tabs.count()) if window.tabs.isTabVisible(i)]
    assert shown == ["信息登记", "依申请公开", "审核签发"]
    assert window.tabs.tabText(window.tabs.currentIndex()) == "信息登记"


def test_signing_in_binds_the_account_to_the_window_context(qtbot, desk, monkeypatch):
    from deskapp.core.register import items
    from deskapp.ui import app
    from deskapp.ui.settings import signin_dialog

    with desk.session() as s:
        worker = s.query(Person).filter_by(name="冯社工").one()
        manage.create_account(s, SYSTEM, AccountData("xingfu", worker.id, "desk", worker.department_id),
                              "社区-口令1")
    monkeypatch.setattr(signin_dialog, "sign_in_dialog", lambda db, parent=None: sign_in(db, "xingfu", "社区-口令1"))
    ctx = AppContext(db=desk, actor=Actor(None, "未指定"), messages=RecordingMessages())
    assert app.sign_in_to_server(ctx)
    assert ctx.account is not None and ctx.account.username == "xingfu"
    assert ctx.actor == Actor(worker.id, "冯社工")
    with desk.session() as s:  # every session of the desk now carries the account's scope
        assert items.count_items(s) >= 0
        from deskapp.core.accounts.scope import scope_of

        assert scope_of(s).department_name == "幸福社区"
    monkeypatch.setattr(signin_dialog, "sign_in_dialog", lambda db, parent=None: None)
    assert not app.sign_in_to_server(AppContext(db=desk, actor=Actor(None, "未指定"), messages=RecordingMessages()))


def test_a_server_without_accounts_creates_its_first_administrator(qtbot, db):
    dialog = SignInDialog(db, "desk 于 本机", qsettings=QSettings())
    qtbot.addWidget(dialog)
    assert dialog.first and dialog.windowTitle() == "创建首个管理员"
    dialog.person_name.setText("周管理")
    dialog.username.setText("admin")
    dialog.password.setText("管理员-口令1")
    dialog.repeat.setText("管理员-口令2")
    dialog.ok.click()
    assert "两次输入的密码不一致" in dialog.error.text() and dialog.account is None
    dialog.password.setText("管理员-口令1")
    dialog.repeat.setText("管理员-口令1")
    dialog.ok.click()
    assert dialog.account is not None and dialog.account.is_admin and dialog.account.person_name == "周管理"
    dialog.grab().save("/tmp/signin_first.png")
    with db.session() as s:
        from deskapp.core.accounts.manage import AdministratorExistsError, create_first_administrator

        with pytest.raises(AdministratorExistsError):
            create_first_administrator(s, None, "admin2", "另一人", "管理员-口令1")
    again = SignInDialog(db, "desk 于 本机", qsettings=QSettings())
    qtbot.addWidget(again)
    assert not again.first and again.windowTitle() == "登录"


def test_the_signed_in_person_changes_their_own_password(qtbot, desk):
    from deskapp.core.accounts.signin import SignInError
    from deskapp.ui.settings.signin_dialog import ChangePasswordDialog

    admin = sign_in(desk, "admin", PW)
    messages = RecordingMessages()
    dialog = ChangePasswordDialog(AppContext(db=desk, actor=admin.actor(), messages=messages, account=admin))
    qtbot.addWidget(dialog)
    dialog.old.setText("not-the-old-one")
    dialog.new.setText("新的-口令2")
    dialog.repeat.setText("新的-口令2")
    dialog.ok.click()
    assert "原密码不正确" in dialog.error.text()
    dialog.old.setText(PW)
    dialog.ok.click()
    assert dialog.result() == QDialog.DialogCode.Accepted and "已修改" in messages.shown[-1][1]
    with pytest.raises(SignInError):
        sign_in(desk, "admin", PW)
    assert sign_in(desk, "admin", "新的-口令2").username == "admin"
