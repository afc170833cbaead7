"""The letters' wording: every outcome's article, the templates' fields, and the checks an
office's own text must pass before it is stored (and again before it is printed)."""

from __future__ import annotations

import re

import pytest

from deskapp.core.errors import ValidationError
from deskapp.core.requests import vocab
from deskapp.core.requests import wording as wd
from deskapp.core.store import settings

# The article each reply cites, written out by hand from the 条例 (2019, 国务院令第711号).
ARTICLES = {
    "open": "第三十六条第（二）项",
    "partial": "第三十七条",
    "refuse_1": "第十四条、第三十六条第（三）项",
    "refuse_2": "第十四条、第三十六条第（三）项",
    "refuse_3": "第十四条、第三十六条第（三）项",
    "refuse_4": "第十五条、第三十六条第（三）项",
    "refuse_5": "第十六条第一款、第三十六条第（三）项",
    "refuse_6": "第十六条第二款、第三十六条第（三）项",
    "refuse_7": "第十六条第二款、第三十六条第（三）项",
    "refuse_8": "第三十六条第（七）项",
    "unable_1": "第三十六条第（四）项",
    "unable_2": "第三十八条",
    "unable_3": "第三十条",
    "reject_1": "第三十九条第一款",
    "reject_2": "第三十六条第（六）项",
    "reject_3": "第三十九条第二款",
    "reject_4": "第三十五条",
    "reject_5": "第二条",
    "other_1": "第三十条",
    "other_2": "第四十二条",
    "other_3": "",
}
VALUES = {
    "office": "某某街道办事处", "applicant": "张小三", "id_number": "330102********0316",
    "number": "依申请公开〔2026〕15号", "subject": "某某小区加装电梯的批复", "received": "2026年3月23日",
    "letter_date": "2026年4月20日", "due": "2026年4月21日", "new_due": "2026年5月20日",
    "supplement_end": "2026年4月3日", "missing": "所需信息的名称或文号", "approver": "李四",
    "third_party": "某某置业有限公司", "third_party_due": "2026年4月14日",
}


def compose(kind: str, outcome: str = "", wording: wd.Wording | None = None, **changes: str) -> wd.Composed:
    return wd.compose(wording or wd.Wording.defaults(), kind, {**VALUES, **changes}, outcome)


def test_outcome_codes_are_section_three_in_order() -> None:
    assert wd.OUTCOME_CODES == tuple(vocab.OUTCOMES)
    assert set(ARTICLES) == set(wd.REPLIES)


def test_every_template_has_its_setting_declared() -> None:
    letter_keys = {k for k in settings.OPTIONS if k.startswith("letter_")}
    assert letter_keys == set(wd.SETTING_KEYS.values())
    assert {wd.REVIEW_BODY_KEY, wd.COURT_KEY} <= set(settings.OPTIONS)
    assert all(settings.OPTIONS[k].default == "" for k in letter_keys)


@pytest.mark.parametrize("template", list(wd.DEFAULTS))
def test_every_default_passes_its_own_check(template: str) -> None:
    wd.check_template(template, wd.DEFAULTS[template])


@pytest.mark.parametrize("code", list(ARTICLES))
def test_each_reply_cites_its_article_and_ends_with_the_remedy(code: str) -> None:
    words = compose("reply", code, wd.Wording.defaults())
    body = "".join(words.paragraphs)
    assert wd.REPLIES[code].basis == ARTICLES[code]
    if ARTICLES[code]:
        assert f"《中华人民共和国政府信息公开条例》{ARTICLES[code]}" in body
    else:  # （六）3 其他: no article, and none invented
        assert not re.search("第[一二三四五六七八九十]+条", body)
    assert words.title == "政府信息公开申请答复书" and words.addressee == "张小三"
    assert body.startswith("本机关于2026年3月23日收到您提出的政府信息公开申请（申请编号：依申请公开〔2026〕15号）")
    assert "60日内" in words.remedy and "6个月内" in words.remedy
    assert "行政复议" in words.remedy and "行政诉讼" in words.remedy


def test_only_refusals_say_refused_and_only_openings_say_opened() -> None:
    for code in ARTICLES:
        text = "".join(compose("reply", code).paragraphs)
        refused = code == "partial" or (code.startswith("refuse_") and code != "refuse_8")  # 8: 查询
        assert ("不予公开" in text) == refused, code
        assert ("予以公开" in text) == (code == "open")


def test_the_bodies_named_in_settings_are_in_the_remedy() -> None:
    wording = wd.Wording(dict(wd.DEFAULTS), review_body="某某区人民政府", court="某某区人民法院")
    words = compose("reply", "unable_1", wording)
    assert "60日内向某某区人民政府申请行政复议" in words.remedy
    assert "6个月内向某某区人民法院提起行政诉讼" in words.remedy
    assert not any("设置中填写" in w for w in words.warnings)


def test_unnamed_bodies_print_what_the_law_makes_them_and_warn() -> None:
    words = compose("reply", "open")
    assert wd.REVIEW_BODY_FALLBACK in words.remedy and wd.COURT_FALLBACK in words.remedy
    assert sum("设置中填写" in w for w in words.warnings) == 2


def test_letters_before_the_reply_have_their_dates_and_articles() -> None:
    receipt = "".join(compose("receipt").paragraphs)
    assert "申请编号为依申请公开〔2026〕15号" in receipt and "330102********0316" in receipt
    assert "第三十三条" in receipt and "20个工作日内、最迟于2026年4月21日作出答复" in receipt
    supplement = "".join(compose("supplement").paragraphs)
    assert "第三十条" in supplement and "所需信息的名称或文号" in supplement
    assert "最迟于2026年4月3日向本机关提交" in supplement
    assert "视为放弃申请" in supplement
    extension = "".join(compose("extension").paragraphs)
    assert "第三十三条" in extension and "由2026年4月21日延长至2026年5月20日" in extension
    assert "负责人李四同意" in extension
    for kind in ("receipt", "supplement", "extension", "third_party"):
        assert compose(kind).remedy == ""


def test_the_third_party_letter_never_names_the_applicant() -> None:
    words = compose("third-party")  # the CLI's spelling
    text = "".join(words.paragraphs)
    assert words.title == "征求第三方意见书" and words.addressee == "某某置业有限公司"
    assert "第三十二条" in text and "15个工作日内、最迟于2026年4月14日以书面形式" in text and "逾期未提出意见" in text
    assert "张小三" not in text and "0316" not in text


def test_missing_values_leave_a_blank_and_say_which() -> None:
    words = compose("supplement", supplement_end="", missing="")
    text = "".join(words.paragraphs)
    assert "最迟于＿＿＿＿年＿＿月＿＿日" in text
    assert any("补正期限" in w for w in words.warnings) and any("需要补正的事项" in w for w in words.warnings)
    words = compose("third_party", third_party="")
    assert words.addressee.startswith("＿") and any("第三方名称" in w for w in words.warnings)


def test_reason_is_its_own_paragraph_and_partial_asks_for_one() -> None:
    assert any("部分公开须说明" in w for w in compose("reply", "partial").warnings)
    words = compose("reply", "partial", reason="其中第3页涉及个人隐私。")
    assert words.paragraphs[-1] == "其中第3页涉及个人隐私。"
    assert not any("部分公开须说明" in w for w in words.warnings)


def test_values_are_not_expanded_as_templates() -> None:
    text = "".join(compose("reply", "open", subject="{applicant}{0}{due:>99}").paragraphs)
    assert "“{applicant}{0}{due:>99}”" in text


def test_unknown_kind_and_outcome_are_refused_in_chinese() -> None:
    with pytest.raises(ValidationError, match="没有“memo”这种文书"):
        compose("memo")
    with pytest.raises(ValidationError, match="不是年度报告第三部分所列的办理结果"):
        compose("reply", "refuse_9")
    with pytest.raises(ValidationError):
        compose("reply", "")


@pytest.mark.parametrize(("template", "text", "message"), [
    ("receipt", "请{applicnt}于{due}前来取", "字段{applicnt}不存在"),
    ("receipt", "本机关于{received收到", "花括号不成对"),
    ("receipt", "本机关于received}收到", "花括号不成对"),
    ("receipt", "{due:>40}", "不是可用的字段写法"),
    ("receipt", "{applicant!r}", "不是可用的字段写法"),
    ("receipt", "{applicant.__class__.__mro__}", "不是可用的字段写法"),
    ("receipt", "{applicant[0]}", "不是可用的字段写法"),
    ("receipt", "{} {0}", "不是可用的字段写法"),
    ("third_party", "{applicant}（证件号{id_number}）申请公开……", "不能写入申请人的姓名或证件号码"),
    ("remedy", "如不服，可以在60日内申请行政复议，或者在6个月内提起行政诉讼。", "须写明行政复议机关和人民法院"),
    ("remedy", "如不服，可以向{review_body}申请行政复议，或者向{court}提起行政诉讼。", "60日期限"),
    ("reply_refuse_1", "经审查，该信息属于国家秘密，不予公开。", "须写明所依据的条例条款"),
    ("reply_open", "   ", "不能为空"),
    ("receipt", "字" * (wd.MAX_TEMPLATE + 1), "超过3000字"),
])
def test_an_edited_template_is_checked(template: str, text: str, message: str) -> None:
    with pytest.raises(ValidationError, match=re.escape(message)) as err:
        wd.check_template(template, text)
    assert list(err.value.fields) == [wd.setting_key(template)]


def test_an_edited_template_may_reword_freely_within_the_rules() -> None:
    own = "经查，该信息已于{received}后主动公开。依据第三十六条第（一）项，请登录本机关网站查阅。\n如有疑问请来电。"
    wd.check_template("reply_open", own)
    wd.check_template("reply_other_3", "经与您电话确认，{reason}")  # no article needed for 其他
    wording = wd.Wording({**wd.DEFAULTS, "reply_open": own})
    words = compose("reply", "open", wording)
    assert words.paragraphs[1:] == (
        "经查，该信息已于2026年3月23日后主动公开。依据第三十六条第（一）项，请登录本机关网站查阅。", "如有疑问请来电。")


def test_saved_templates_are_used_and_empty_restores_the_default(db) -> None:
    own = wd.DEFAULTS["reply_unable_1"].replace("特此告知", "特此函告")
    with db.session() as s:
        changed = wd.save_templates(s, {"letter_reply_unable_1": own, wd.REVIEW_BODY_KEY: "某某区人民政府"})
        assert set(changed) == {"letter_reply_unable_1", wd.REVIEW_BODY_KEY}
        wording = wd.load_wording(s)
        assert wording.templates["reply_unable_1"] == own and wording.review_body == "某某区人民政府"
        assert wording.court == "" and not wording.warnings
        wd.save_templates(s, {"letter_reply_unable_1": ""})
        assert wd.load_wording(s).templates["reply_unable_1"] == wd.DEFAULTS["reply_unable_1"]


def test_a_bad_template_is_not_saved_and_nothing_half_saved(db) -> None:
    with db.session() as s:
        with pytest.raises(ValidationError) as err:
            wd.save_templates(s, {"letter_receipt": "请于{due}前", "letter_remedy": "如不服请起诉。"})
        assert set(err.value.fields) == {"letter_remedy"}
        assert settings.get(s, "letter_receipt") == ""
        with pytest.raises(ValidationError, match="不是文书措辞的设置项"):
            wd.save_templates(s, {"org_name": "某某街道办事处"})


def test_a_bad_template_stored_by_another_path_is_replaced_by_the_default(db) -> None:
    with db.session() as s:
        settings.put_many(s, {"letter_reply_refuse_1": "经审查不予公开。{secret}"})
        wording = wd.load_wording(s)
    assert wording.templates["reply_refuse_1"] == wd.DEFAULTS["reply_refuse_1"]
    assert len(wording.warnings) == 1 and "本次使用默认措辞" in wording.warnings[0]
    assert wording.warnings[0] in compose("reply", "refuse_1", wording).warnings
