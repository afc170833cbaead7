"""Done means: no unmasked 身份证号 (or phone, card) in the text of notices made from demo data."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from deskapp.core.privacy import masking as privacy
from deskapp.core.store.models import Item
from deskapp.exports.pdf.notice import render_notice
from deskapp.exports.pdf.source import notice_data

demo = pytest.importorskip("deskapp.core.demo.generate")


def test_demo_notices_print_masked(db, today):
    demo.generate(db, 300, seed=3, today=today)
    with db.session() as s:
        ids = s.scalars(select(Item.id).where(Item.kind == "公告公示", Item.content.contains("\t"))
                        .order_by(Item.id)).all()
        unmasked = [i for i in ids if privacy.has_unmasked(s.get(Item, i).content)]
        assert unmasked, "the demo data should hold lists with ID numbers"
        datas = [notice_data(s, i, today, draft=True) for i in unmasked[:12]]
    for data in datas:
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(render_notice(data).data)).pages)
        assert privacy.find(text.replace("\n", "")) == [], data.title
        assert "*" in text
