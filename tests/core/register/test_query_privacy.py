"""The register row says when an item's content holds unmasked personal numbers (the badge
the register and the review queue show), computed by core.privacy, not by a widget."""

from __future__ import annotations

import datetime as dt

from deskapp.core.privacy import masking as privacy
from deskapp.core.register.items import ItemData, create_item
from deskapp.core.register.query import ItemFilter, Register

TODAY = dt.date(2026, 11, 26)
ID_NO = "110101199003074178"  # checksum-valid, nobody's
CONTENT = f"经审核，拟发放补贴人员名单如下：\n张三\t{ID_NO}\t13800138000\n"


def _add(db, actor, title, content):
    with db.session() as s:
        item = create_item(s, actor, ItemData(title=title, kind="公告公示", formed_on=TODAY,
                                              content=content), today=TODAY)
        return item.id


def test_row_carries_privacy_note_for_unmasked_numbers(db, actor):
    assert privacy.has_unmasked(CONTENT)
    bad = _add(db, actor, "补贴人员名单公示", CONTENT)
    good = _add(db, actor, "已脱敏名单公示", privacy.mask_content(CONTENT))
    plain = _add(db, actor, "工作动态", "")
    with db.session() as s:
        rows = Register(db, TODAY).rows_for(s, [bad, good, plain])
    assert rows[bad].privacy_note == privacy.badge_text(CONTENT) == "含未遮盖的身份证号1处、手机号1处"
    assert rows[good].privacy_note == ""
    assert rows[plain].privacy_note == ""
    # the CLI's JSON keys stay as cli.md fixes them: the note is for the screen
    assert "privacy_note" not in rows[bad].as_json()


def test_rows_listing_keeps_the_note(db, actor):
    bad = _add(db, actor, "名单公示", CONTENT)
    with db.session() as s:
        rows = Register(db, TODAY).rows(s, ItemFilter())
    assert [r.privacy_note for r in rows if r.id == bad] == [privacy.badge_text(CONTENT)]


def test_listing_without_notes_skips_the_scan(db, actor, monkeypatch):
    """The CLI's listing does not show the badge: it does not pay for scanning 内容."""
    bad = _add(db, actor, "名单公示", CONTENT)
    monkeypatch.setattr(privacy, "badge_text", lambda _t: (_ for _ in ()).throw(AssertionError("scanned")))
    with db.session() as s:
        row = Register(db, TODAY).rows_for(s, [bad], privacy_notes=False)[bad]
    assert row.privacy_note == ""
