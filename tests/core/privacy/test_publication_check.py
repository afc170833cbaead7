"""The publication check (issue 15 §1): numbers still readable, 错敏词, confirmations, printing."""

from __future__ import annotations

import datetime as dt

import docx
import openpyxl
import pytest
from sqlalchemy import select

from deskapp.core.attachments.files import add_attachment
from deskapp.core.board import noticeboard
from deskapp.core.errors import DeskError, ValidationError
from deskapp.core.privacy import check
from deskapp.core.register.items import ItemData, create_item, get_item
from deskapp.core.store import settings
from deskapp.core.store.models import AuditEvent

PID = "110105199003071239"


def make_item(db, actor, today, title="关于低保对象的公示", content="", status="approved"):
    with db.session() as s:
        data = ItemData(title=title, kind="公告公示", formed_on=dt.date(2026, 9, 20), content=content,
                        status=status)
        return create_item(s, actor, data, today=today).id


def run(db, item_id, files=True):
    with db.session() as s:
        return check.run_check(s, item_id, db.files_dir if files else None)


def test_numbers_still_readable_are_listed_with_their_place(db, actor, today):
    content = (f"经审核，现予公示。\n申请人身份证号{PID}，社保卡号 8812 3456 78，"
               "联系电话0571-87654321。\n公示时间：2026-09-23，金额12345.67元。")
    item = make_item(db, actor, today, content=content)
    found = run(db, item).findings
    numbers = [(f.field, f.text, f.line_no) for f in found if f.kind == "number"]
    # The ID is masked (not listed); the two numbers no detector knows are; date, amount are not.
    assert numbers == [("content", "8812 3456 78", 2), ("content", "0571-87654321", 2)]
    first = next(f for f in found if f.text == "8812 3456 78")
    assert content[first.offset:first.offset + len(first.text)] == first.text
    assert first.line.startswith("申请人身份证号110105********1239")
    assert "正文第2行数字串“8812 3456 78”" in first.describe()


def test_year_ranges_dates_and_the_offices_own_numbers_are_not_listed(db, actor, today):
    with db.session() as s:
        settings.put_many(s, {"phone": "0570-8012345", "fax": "0570 8012346"})
    content = ("三年行动计划（2026—2028年），公示期 2026-09-23—2026-09-29，20260923至20260929。\n"
               "监督电话：0570-8012345，传真 0570-8012346，举报电话 0570-8012347。")
    item = make_item(db, actor, today, title="三年行动计划（2026—2028年）", content=content)
    assert [f.text for f in run(db, item).findings] == ["0570-8012347"]


def test_masked_table_remnants_are_not_numbers(db, actor, today):
    content = f"序号\t姓名\t身份证号\t电话\n1\t张三\t{PID}\t13812345678"
    assert run(db, make_item(db, actor, today, content=content)).findings == []


def test_sensitive_words_matched_with_place_and_editable(db, actor, today):
    content = "一、工作布署\n根据原国土资源局和国家工商行政管理总局的要求。"
    item = make_item(db, actor, today, title="关于按装路灯的公示", content=content)
    found = [(f.field, f.text, f.offset, f.line_no, f.note) for f in run(db, item).findings]
    assert found == [("title", "按装", 2, 1, "建议改为“安装”"),
                     ("content", "布署", 4, 1, "建议改为“部署”"),
                     ("content", "国土资源局", 10, 2, "建议改为“自然资源局”"),
                     ("content", "国家工商行政管理总局", 16, 2, "建议改为“国家市场监督管理总局”")]
    with db.session() as s:
        settings.put_many(s, {"sensitive_words": "红头文件\n布署 → 部署\n\n"})
    found = [(f.text, f.note) for f in run(db, item).findings]
    assert found == [("布署", "建议改为“部署”")]
    with db.session() as s:
        settings.put_many(s, {"sensitive_words": []})
    assert run(db, item).findings == []


def test_attachments_read_when_cheap_others_noted(db, actor, today, tmp_path):
    item = make_item(db, actor, today)
    txt = tmp_path / "说明.txt"
    txt.write_bytes(f"户主身份证：{PID}\n".encode("gb18030"))
    book = openpyxl.Workbook()
    book.active.append(["姓名", "电话"])
    book.active.append(["张三", "13812345678"])
    book.save(tmp_path / "名单.xlsx")
    document = docx.Document()
    document.add_paragraph("银行账号 6222 0202 0000 1234")
    document.save(tmp_path / "通知.docx")
    (tmp_path / "扫描件.pdf").write_bytes(b"%PDF-1.4 whatever")
    with db.session() as s:
        for name in ("说明.txt", "名单.xlsx", "通知.docx", "扫描件.pdf"):
            add_attachment(s, db, actor, item, tmp_path / name)
    result = run(db, item)
    by_place = {f.place: f.text for f in result.findings}
    assert by_place == {"附件《说明.txt》": PID, "附件《名单.xlsx》": "13812345678",
                        "附件《通知.docx》": "6222 0202 0000 1234"}
    assert len(result.skipped) == 1 and "扫描件.pdf" in result.skipped[0]
    assert sum("没有打开附件库" in m for m in run(db, item, files=False).skipped) == 3


def test_print_refused_until_confirmed_then_audited(db, actor, today):
    item = make_item(db, actor, today, content="请致电 0571-87654321 或到布署现场。")
    with db.session() as s:
        with pytest.raises(DeskError, match="发布前检查有未确认的问题.*确认无误.*--draft"):
            noticeboard.check_printable(get_item(s, item), draft=False)
        noticeboard.check_printable(get_item(s, item), draft=True)  # a draft prints
    result = run(db, item)
    assert len(result.unconfirmed()) == 2
    with db.session() as s:
        assert check.confirm(s, actor, item, [result.findings[0].key], now=dt.datetime(2026, 9, 21, 9)) == 1
        with pytest.raises(DeskError):
            noticeboard.check_printable(get_item(s, item), draft=False)
    with db.session() as s:
        assert check.confirm(s, actor, item, [f.key for f in result.findings]) == 1
        noticeboard.check_printable(get_item(s, item), draft=False)
        events = s.scalars(select(AuditEvent).where(AuditEvent.action == "publication_check_confirm")).all()
        assert len(events) == 2 and "0571-87654321" in events[0].after["confirmed"][0]
    confirmed = run(db, item).confirmed
    assert confirmed[result.findings[0].key] == check.Confirmation("测试员", "2026-09-21T09:00:00")


def test_an_edit_brings_a_confirmed_finding_back(db, actor, today):
    item = make_item(db, actor, today, content="请致电 0571-87654321。")
    with db.session() as s:
        check.confirm(s, actor, item, [f.key for f in check.run_check(s, item).findings])
        get_item(s, item).content = "请致电 0571-87654322。"
        s.flush()
        with pytest.raises(DeskError, match="0571-87654322"):
            noticeboard.check_printable(get_item(s, item), draft=False)


def test_confirming_a_finding_that_is_gone_is_refused(db, actor, today):
    item = make_item(db, actor, today, content="无")
    with db.session() as s, pytest.raises(ValidationError):
        check.confirm(s, actor, item, ["0123456789abcdef"])


def test_unsigned_item_still_says_not_signed_first(db, actor, today):
    item = make_item(db, actor, today, content="电话 0571-87654321", status="draft")
    with db.session() as s, pytest.raises(DeskError, match="尚未签发"):
        noticeboard.check_printable(get_item(s, item), draft=False)
