"""The register table marks an item whose 内容 holds unmasked ID/phone numbers: a ⚠ before
the 标题 and the badge text in its tooltip; other rows are left alone."""

from __future__ import annotations

from PySide6.QtCore import Qt

from deskapp.core.audit.chain import Actor
from deskapp.core.register.items import ItemData, create_item
from deskapp.core.register.query import ItemFilter, Register
from deskapp.ui.register.model import PRIVACY_MARK, RegisterModel
from tests.ui.register_testdata import TODAY

CONTENT = "拟发放补贴人员名单：\n李四\t110101199003074178\t13800138000\n"


def test_register_marks_items_with_unmasked_numbers(filled_db, qtbot):
    with filled_db.session() as s:
        item = create_item(s, Actor(None, "测试员"),
                           ItemData(title="补贴人员名单公示", kind="公告公示", formed_on=TODAY,
                                    content=CONTENT), today=TODAY)
        bad_id = item.id
    model = RegisterModel(filled_db, Register(filled_db, TODAY))
    with qtbot.waitSignal(model.counted, timeout=10_000):
        model.set_filter(ItemFilter(search="名单公示"))
    assert model.rowCount() == 1 and model.item_id(0) == bad_id
    title = model.index(0, 1)
    assert model.data(title) == PRIVACY_MARK + "补贴人员名单公示"
    tip = model.data(title, Qt.ItemDataRole.ToolTipRole)
    assert "补贴人员名单公示" in tip and "含未遮盖的身份证号1处、手机号1处" in tip
    assert PRIVACY_MARK not in model.data(model.index(0, 0))  # only the 标题 column

    with qtbot.waitSignal(model.counted, timeout=10_000):
        model.set_filter(ItemFilter())
    clean = [r for r in range(model.rowCount()) if model.item_id(r) != bad_id][:20]
    for r in clean:
        assert not model.data(model.index(r, 1)).startswith(PRIVACY_MARK)
        assert "未遮盖" not in model.data(model.index(r, 1), Qt.ItemDataRole.ToolTipRole)
