"""The approval form PDF, read back: text present, fonts embedded, one box per step."""

from __future__ import annotations

import datetime as dt

import pytest
from pypdf import PdfReader

from deskapp import cli
from deskapp.core.review import flow as review_flow
from deskapp.core.review import workflow
from deskapp.core.store import settings
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
                  "内容属实，同意。", "李科长（在线签批）", "赵保密（纸质签批）", "2026年11月25日",
                  "不涉密，同意公开。"]:
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


def blank_form(title: str, summary: str, steps: int = 4):
    from deskapp.exports.pdf.approval_form import FormData, StepBox

    names = ["科室负责人初审", "保密审查", "分管领导审核", "主要领导签发", "街道党工委审定", "备案"]
    return FormData(org_name="云溪区长安街道办事处", title="政府信息公开保密审查审批表", item_title=title,
                    index_no="113308020025947382/2026-00384", department="社区卫生服务中心", drafter="欧阳晓明",
                    summary=summary, carrier="非公文类", channels="政府网站、两微一端、社区/村公示栏（电子屏）",
                    scope="面向社会", planned="不晚于2026年12月18日", attribute="主动公开", reason="",
                    steps=[StepBox(n) for n in names[:steps]], printed=TODAY)


def test_blank_four_step_form_fits_one_a4_page():
    """The form printed for signing on paper (nothing recorded yet) is one sheet, with a
    two-line title and a summary of a few lines: the fourth box must not spill onto page 2."""
    title = "关于印发《长安街道2026年度老旧小区综合整治提升工程实施方案（第二批）》及资金安排的通知"
    summary = ("为推进老旧小区综合整治，街道制定第二批实施方案，涉及花园、东风、和平三个社区共十二个小区，"
               "内容包括雨污分流、外墙保温、加装电梯、停车位改造及绿化提升，总投资约两千三百万元，"
               "资金来源为区级财政补助与街道自筹，工期自2026年12月至2027年10月。")
    result = render_form(blank_form(title, summary))
    assert result.pages == 1 and result.missing == set()


def test_very_long_summary_breaks_between_boxes_and_keeps_every_word(tmp_path):
    """Longer than a page: it goes on to a second sheet between whole boxes; nothing is cut."""
    summary = "街道办事处对辖区内各社区开展的专项整治工作进行了全面检查。" * 20
    result = render_form(blank_form("长标题" * 30, summary, steps=6))
    out = tmp_path / "长.pdf"
    out.write_bytes(result.data)
    text = text_of(out).replace("\n", "").replace(" ", "").replace("\u3000", "")
    assert result.pages == 2 and "6.备案" in text
    assert text.count("专项整治工作") == 20 and text.count("年月日") == 6


def test_withheld_item_leaves_no_boxes_to_sign_after_the_decision(db, actor, tmp_path):
    """不予公开 closes the item: the steps after it are not waiting for a signature, and
    there is no 拟公开时间."""
    with db.session() as s:
        staff = make_staff(s)
        item_id = make_item(s, actor, staff)
        workflow.submit(s, actor, item_id, None, today=TODAY)
        workflow.approve(s, actor, item_id, None, staff.head, PASSWORD, today=TODAY)
        workflow.withhold(s, actor, item_id, None, staff.secrecy, PASSWORD, "涉及国家秘密，依据《条例》第十四条。",
                          today=TODAY)
        out = tmp_path / "不予公开.pdf"
        write_form(s, item_id, out, today=TODAY)
    text = text_of(out).replace(" ", "").replace("\n", "").replace("\u3000", "")
    assert "年月日" not in text  # no blank date line left to fill in
    assert text.count("已决定不予公开，本步无需审签") == 2
    assert "审批后及时公开" not in text and "不晚于" not in text


def test_a_revision_says_so_with_its_change_date(db, actor):
    with db.session() as s:
        staff = make_staff(s)
        item_id = make_item(s, actor, staff)
        workflow.submit(s, actor, item_id, None, today=TODAY)
        for person in staff.chain:
            workflow.approve(s, actor, item_id, None, person, PASSWORD, today=TODAY)
        workflow.publish(s, actor, item_id, None, TODAY, ["政府网站"], today=TODAY)
        revision = workflow.revise(s, actor, item_id, None, TODAY, today=TODAY).id
        assert "修订" not in form_data(s, item_id, TODAY).item_title
        assert form_data(s, revision, TODAY).item_title.endswith("（第2版修订，变更日期2026年11月26日）")


def test_form_footer_carries_the_audit_anchor(db, item, tmp_path):
    """The newest event when printed (id and first 12 hex digits): the signed paper form
    anchors the log (issue 15 §2); audit verify --anchor accepts it."""
    from sqlalchemy import text

    from deskapp.core.audit.chain import check_printed_anchor

    out = tmp_path / "审批表.pdf"
    with db.session() as s:
        assert write_form(s, item, out, today=TODAY).pages == 1
        event_id, digest = s.execute(text("SELECT id, hash FROM audit_event ORDER BY id DESC LIMIT 1")).first()
        read = text_of(out).replace(" ", "").replace("\n", "")
        assert f"审计锚点{event_id}:{digest[:12]}" in read
        assert check_printed_anchor(s, event_id, digest[:12]) is None
