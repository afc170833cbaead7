"""The 依申请公开 letters read back with pypdf: every kind and every reply outcome, names,
dates, the article cited, the 救济途径, masking, and hostile free text."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader

from deskapp.core.errors import ValidationError
from deskapp.core.privacy.masking import id_check_char
from deskapp.core.requests import wording as wd
from deskapp.exports.pdf.letter import LetterData, compose_letter, masked_id, render_letter

FIRST17 = "33010219620408031"
PID = FIRST17 + id_check_char(FIRST17)
PID_MASKED = PID[:6] + "********" + PID[-4:]
A4 = (595.28, 841.89)
BASE = LetterData(
    kind="reply", office="某某街道办事处", number="依申请公开〔2026〕15号", letter_date=dt.date(2026, 4, 20),
    applicant="张小三", id_number=PID, address="某某市某某区解放路1号", phone="0571-87654321",
    received=dt.date(2026, 3, 23), due=dt.date(2026, 4, 21), new_due=dt.date(2026, 5, 20),
    supplement_end=dt.date(2026, 4, 3), third_party_due=dt.date(2026, 4, 14),
    subject="某某小区加装电梯的批复", missing="所需信息的名称或文号", approver="李四",
    third_party="某某置业有限公司")


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", "", "".join(p.extract_text() or "" for p in reader.pages))


def render(**changes: object) -> tuple[str, list[str], int, bytes]:
    result = render_letter(dataclasses.replace(BASE, **changes))  # type: ignore[arg-type]  # test data
    return text_of(result.data), result.messages(), result.pages, result.data


def assert_letter(text: str, title: str) -> None:
    assert text.startswith(title) or title in text[:40]
    assert "申请编号：依申请公开〔2026〕15号" in text
    assert "某某街道办事处2026年4月20日" in text  # 署名, then 成文日期 on the next line
    assert "（联系地址：某某市某某区解放路1号；联系电话：0571-87654321）" in text
    assert PID not in text


@pytest.mark.parametrize("code", wd.OUTCOME_CODES)
def test_every_reply_reads_back_with_its_article_and_remedy(code: str) -> None:
    text, messages, pages, pdf = render(outcome=code)
    assert_letter(text, "政府信息公开申请答复书")
    assert "张小三：" in text and "2026年3月23日收到" in text and "“某某小区加装电梯的批复”" in text
    basis = wd.REPLIES[code].basis
    if basis:
        assert f"《中华人民共和国政府信息公开条例》{basis}" in text
    assert "60日内向设立本机关的区（县）人民政府申请行政复议" in text
    assert "6个月内向本机关所在地有管辖权的人民法院提起行政诉讼" in text
    assert any("行政复议机关名称" in m for m in messages)
    assert pages == 1  # an ordinary reply is one page
    reader = PdfReader(io.BytesIO(pdf))
    box = reader.pages[0].mediabox
    assert (round(float(box.width), 2), round(float(box.height), 2)) == A4


def test_receipt_prints_the_due_date_and_the_masked_id() -> None:
    text, messages, _, _ = render(kind="receipt")
    assert_letter(text, "政府信息公开申请登记回执")
    assert f"证件号码{PID_MASKED}" in text
    assert "第三十三条" in text and "20个工作日内、最迟于2026年4月21日作出答复" in text
    assert "60日" not in text  # no 救济途径 on a receipt
    assert not messages


def test_supplement_extension_and_third_party_letters() -> None:
    text, _, _, _ = render(kind="supplement")
    assert_letter(text, "补正申请告知书")
    assert "第三十条" in text and "所需信息的名称或文号" in text and "最迟于2026年4月3日" in text
    text, _, _, _ = render(kind="extension")
    assert_letter(text, "延期答复告知书")
    assert "第三十三条" in text and "由2026年4月21日延长至2026年5月20日" in text and "李四" in text
    text, _, _, _ = render(kind="third-party")
    assert_letter(text, "征求第三方意见书")
    assert "某某置业有限公司：" in text and "第三十二条" in text
    assert "15个工作日内、最迟于2026年4月14日以书面形式" in text and "逾期未提出意见" in text
    assert "张小三" not in text and PID_MASKED not in text and PID[-4:] not in text


def test_office_names_the_bodies_and_rewords_a_reply(db) -> None:
    own = wd.DEFAULTS["reply_open"].replace("随本答复书一并提供给您", "以电子邮件发送给您")
    with db.session() as s:
        wd.save_templates(s, {"letter_reply_open": own, wd.REVIEW_BODY_KEY: "某某区人民政府",
                              wd.COURT_KEY: "某某区人民法院"})
        wording = wd.load_wording(s)
    result = render_letter(compose_letter(dataclasses.replace(BASE, outcome="open"), wording))
    text = text_of(result.data)
    assert "以电子邮件发送给您" in text and "第三十六条第（二）项" in text
    assert "60日内向某某区人民政府申请行政复议" in text and "6个月内向某某区人民法院提起行政诉讼" in text
    assert not result.messages()


def test_numbers_in_free_text_are_masked() -> None:
    subject = f"本人（身份证{PID}，手机13812345678，卡号6222020200001234562）的低保审批材料"
    text, _, _, _ = render(outcome="partial", subject=subject, reason=f"其中涉及他人{PID}的内容不予公开。")
    assert PID not in text and "13812345678" not in text and "6222020200001234562" not in text
    assert PID_MASKED in text and "138****5678" in text
    assert "其中涉及他人" in text


def test_ids_are_always_masked_even_when_not_a_valid_id() -> None:
    assert masked_id(PID) == PID_MASKED
    assert masked_id("E12345678") == "E12****78"
    assert masked_id("91330100MA2XXXXX1K") == "91330100MA2XXXXX1K"[:6] + "*" * 8 + "XX1K"
    assert masked_id("  ") == ""
    text, _, _, _ = render(kind="receipt", id_number="E12345678")
    assert "E12345678" not in text and "E12****78" in text


def test_hostile_free_text_still_renders() -> None:
    evil = "=cmd|' /C calc'!A0\x00\x07\x1b[31m\u202e反转\u200b" + "很长的申请内容" * 3000 + "\n\t{applicant}"
    text, _, pages, _ = render(outcome="refuse_6", subject=evil, applicant="=HYPERLINK(\"x\")\x00王五",
                               reason="@SUM(1+1)*cmd|" + "理由" * 500, missing=evil)
    assert pages > 3
    assert "=cmd|'/C" in text and "{applicant}" in text and "=HYPERLINK(\"x\")王五：" in text
    assert "\x00" not in text and "\x1b" not in text and "\u202e" not in text
    assert "第十六条第二款" in text and "6个月内" in text


def test_missing_dates_are_left_blank_and_reported() -> None:
    text, messages, _, _ = render(kind="supplement", supplement_end=None)
    assert "最迟于＿＿＿＿年＿＿月＿＿日" in text
    assert any("补正期限" in m and "手写" in m for m in messages)


def test_unknown_kind_or_outcome_is_refused() -> None:
    with pytest.raises(ValidationError, match="这种文书"):
        render_letter(dataclasses.replace(BASE, kind="memo"))
    with pytest.raises(ValidationError, match="办理结果"):
        render_letter(dataclasses.replace(BASE, outcome=""))


def test_paragraphs_given_by_a_caller_are_masked_too() -> None:
    data = dataclasses.replace(BASE, title="政府信息公开申请答复书", addressee="张小三",
                               paragraphs=(f"申请人身份证号{PID}。\x1b",), remedy="")
    text = text_of(render_letter(data).data)
    assert PID not in text and PID_MASKED in text
