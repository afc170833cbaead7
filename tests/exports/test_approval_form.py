"""The approval form PDF, read back: text present, fonts embedded, one box per step."""

from __future__ import annotations

import datetime as dt

import pytest
from pypdf import PdfReader

from deskapp import cli
from deskapp.core import review_flow, settings, workflow
from deskapp.exports.pdf.approval_form import form_data, render_form, write_form
from tests.review_support import PASSWORD, TODAY, make_item, make_staff


@pytest.fixture
def item(db, actor):
    with db.session() as s:
        settings.put_many(s, {"org_name": "某某街道办事处"})
        staff = make_staff(s)
        item_id = make_item(s, actor, staff, title="关于老旧小区改造项目实施方案的公示", doc_no="某街发[2026]12号")
        workflow.submit(s, actor, item_id, None, today=TODAY)
        workflow.approve(s, actor, item_id, None, staff.head, PASSWORD, "内容属实，同意。", today=TODAY)
        workflow.record_paper_decision(s, actor, item_id, None, staff.secrecy, "approve", "不涉密，同意公开。",
                                       dt.date(2026, 11, 25), today=TODAY)
    return item_id


def text_of(path) -> str:
    reader = PdfReader(str(path))
    return "".join(page.extract_text() for page in reader.pages)


def fonts_used(path) -> list[tuple[str, bool]]:
    """(font name, embedded) for every font on every page."""
    out = []
    for page in PdfReader(str(path)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descs = [d.get_object()["/FontDescriptor"] for d in font.get("/DescendantFonts", [])]
            if "/FontDescriptor" in font:
                descs.append(font["/FontDescriptor"])
            embedded = any("/FontFile2" in d.get_object() for d in descs)
            out.append((str(font.get("/BaseFont")), embedded))
    return out


def test_form_fields_steps_and_embedded_fonts(db, item, tmp_path):
    out = tmp_path / "审批 表" / "审批表.pdf"
    out.parent.mkdir()
    with db.session() as s:
        result = write_form(s, item, out, today=TODAY)
    assert result.pages == 1 and result.missing == set()
    text = text_of(out).replace(" ", "").replace("\n", "").replace("\u3000", "")
    for words in ["某某街道办事处", "政府信息公开保密审查审批表", "信息名称", "关于老旧小区改造项目实施方案的公示",
                  "索引号", "承办科室", "党政办公室", "经办人", "王经办", "内容摘要", "载体形式", "公文类",
                  "拟公开方式（渠道）", "政府网站", "公开范围", "面向社会", "拟公开时间", "公开属性", "主动公开",
                  "不予公开的理由和依据", "1.科室负责人初审", "2.保密审查", "3.分管领导审核", "4.主要领导签发",
                  "内容属实，同意。", "李科长（在线签批）", "赵保密（纸质签批）", "2026年11月25日", "不涉密，同意公开。"]:
        assert words in text, words
    assert text.count("年月日") == 2  # the two steps still to be signed on paper are blank
    fonts = fonts_used(out)
    assert fonts and all(embedded for _, embedded in fonts), fonts


def test_title_from_settings_and_withheld_reason(db, actor, item):
    with db.session() as s:
        review_flow.set_form_title(s, actor, "政务公开信息发布审批单")
        data = form_data(s, item, TODAY)
    assert data.title == "政务公开信息发布审批单"
    assert [b.decision for b in data.steps] == ["approve", "approve", "", ""]
    assert [b.mode for b in data.steps[:2]] == ["online", "paper"]


def test_withheld_item_prints_reason(db, actor):
    with db.session() as s:
        staff = make_staff(s)
        item_id = make_item(s, actor, staff)
        workflow.submit(s, actor, item_id, None, today=TODAY)
        workflow.approve(s, actor, item_id, None, staff.head, PASSWORD, today=TODAY)
        workflow.withhold(s, actor, item_id, None, staff.secrecy, PASSWORD, "涉及国家秘密，依据《条例》第十四条。",
                          today=TODAY)
        data = form_data(s, item_id, TODAY)
    assert data.attribute == "不予公开" and "第十四条" in data.reason
    assert data.steps[1].decision == "withhold"
    result = render_form(data)
    assert result.pages == 1


def test_form_cli(db, db_path, item, tmp_path, capsys):
    db.close()
    out = tmp_path / "输出" / "表.pdf"
    out.parent.mkdir()
    assert cli.main(["form", "--db", str(db_path), "--item", str(item), "--out", str(out)]) == 0
    assert "审批表已保存" in capsys.readouterr().out and out.read_bytes().startswith(b"%PDF")
    assert cli.main(["form", "--db", str(db_path), "--item", "99999", "--out", str(out)]) == 2
    assert "找不到编号为 99999" in capsys.readouterr().err
    assert cli.main(["form", "--db", str(db_path), "--item", str(item), "--out",
                     str(tmp_path / "没有 这个 文件夹" / "x.pdf")]) == 2
