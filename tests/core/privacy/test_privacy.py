"""Personal data detection and masking: try to break it with generated numbers."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from deskapp.core.privacy import masking as privacy

TEXT_CHARS = st.sampled_from(list("张三李四王五低保户公示名单，。：；（）住址电话 \tabcXx-*"))
filler = st.text(TEXT_CHARS, max_size=12)
# Two numbers written with no separator are one longer digit run: not a personal number.
sep = st.text(st.sampled_from(list("，。：；（）张三李四\t")), min_size=1, max_size=4)


def make_id(area: int, birth: dt.date, seq: int) -> str:
    first17 = f"{area:06d}{birth:%Y%m%d}{seq:03d}"
    return first17 + privacy.id_check_char(first17)


areas = st.builds(lambda p, rest: int(p) * 10000 + rest, st.sampled_from(sorted(privacy.PROVINCES)),
                  st.integers(0, 9999))
ids = st.builds(make_id, areas, st.dates(dt.date(1920, 1, 1), dt.date(2025, 12, 31)), st.integers(0, 999))
phones = st.builds(lambda p, rest: f"1{p}{rest:09d}", st.sampled_from("3456789"),
                   st.integers(0, 10**9 - 1))


def make_card(body: str) -> str:
    for d in "0123456789":
        if privacy.luhn_ok(body + d):
            return body + d
    raise AssertionError


cards = st.builds(make_card, st.text("0123456789", min_size=15, max_size=18)).filter(
    lambda c: not privacy.is_id18(c))
numbers = st.one_of(ids, phones, cards)


def test_examples_from_domain():
    pid = make_id(330102, dt.date(1990, 1, 1), 123)
    assert privacy.mask_text(pid) == pid[:6] + "********" + pid[-4:]
    assert privacy.mask_text("联系电话13812345678。") == "联系电话138****5678。"
    card = make_card("622202020000123")
    assert privacy.mask_text(card) == "*" * 12 + card[-4:]


def test_id_ending_in_x_detected_and_masked():
    for seq in range(1000):
        pid = make_id(330102, dt.date(1985, 6, 1), seq)
        if pid.endswith("X"):
            break
    assert pid.endswith("X")
    assert privacy.find(f"户主{pid}住址")[0].kind == "id"
    assert privacy.mask_text(pid).endswith(pid[-4:]) and "********" in privacy.mask_text(pid)


def test_wrong_check_digit_is_still_an_id():
    """A typo in the check digit still exposes 17 of someone's 18 digits (issue 15 §1)."""
    pid = make_id(330102, dt.date(1990, 1, 1), 123)
    wrong = pid[:17] + ("0" if pid[17] != "0" else "1")
    assert not privacy.is_id18(wrong)
    assert [f.kind for f in privacy.find(wrong)] == ["id"]
    assert privacy.mask_text(wrong) == wrong[:6] + "********" + wrong[-4:]


def test_old_15_digit_id_needs_a_real_date():
    assert privacy.find("330102900101123")[0].kind == "id"
    assert privacy.mask_text("330102900101123") == "330102******123"
    assert privacy.find("330102901301123") == []  # month 13


def test_phone_glued_to_a_digit_is_still_a_phone():
    assert privacy.mask_text("流水号213812345678") == "流水号2138****5678"
    assert privacy.find("13812345678")[0].kind == "phone"
    assert privacy.mask_text("电话 138 1234 5678") == "电话 138 **** 5678"
    assert privacy.mask_text("+8613812345678") == "+86138****5678"


def test_table_lines_and_name_masking():
    pid = make_id(330102, dt.date(1950, 3, 9), 7)
    content = f"名单如下：\n序号\t姓名\t身份证号\t电话\n1\t张小三\t{pid}\t13812345678\n2\t李四\t无\t无"
    masked = privacy.mask_content(content, mask_names=True)
    assert "张*三" in masked and "李*" in masked and pid not in masked
    assert "138****5678" in masked and "名单如下：" in masked
    plain_names = privacy.mask_content(content, mask_names=False)
    assert "张小三" in plain_names and pid not in plain_names
    assert not privacy.has_unmasked(masked)
    assert privacy.has_unmasked(content)
    assert privacy.badge_text(content) == "含未遮盖的身份证号1处、手机号1处"


def test_dates_and_money_are_not_personal_numbers():
    text = "公示时间：2026年9月23日—29日，金额12345.67元，文号〔2026〕15号，索引号11330802002594/2026-00123"
    assert privacy.find(text) == []


@given(filler, numbers, filler)
def test_generated_numbers_detected(before, number, after):
    text = before + number + after
    kinds = {f.kind for f in privacy.find(text)}
    assert kinds, text


@given(filler, numbers, sep, numbers, filler)
@hsettings(max_examples=300)
def test_masking_leaves_nothing_and_keeps_length(a, n1, b, n2, c):
    text = a + n1 + b + n2 + c
    masked = privacy.mask_text(text)
    assert len(masked) == len(text)
    assert privacy.find(masked) == []
    assert not privacy.has_unmasked(masked)
    assert n1 not in masked and n2 not in masked
    assert privacy.mask_text(masked) == masked  # idempotent


@given(st.text(st.characters(codec="utf-8"), max_size=60))
def test_mask_any_text_is_safe(text):
    masked = privacy.mask_text(text)
    assert len(masked) == len(text)
    assert privacy.find(masked) == []
    assert privacy.mask_text(masked) == masked


@given(ids)
def test_valid_ids_pass_checksum_and_corrupted_fail(pid):
    assert privacy.is_id18(pid)
    digit = int(pid[5])
    corrupted = pid[:5] + str((digit + 1) % 10) + pid[6:]
    assert not privacy.is_id18(corrupted)  # a single changed digit always breaks GB 11643


@given(st.text("张李王赵欧阳小明三四", min_size=2, max_size=5))
def test_name_mask_keeps_length_and_is_idempotent(name):
    m = privacy.mask_name(name)
    assert len(m) == len(name) and m[0] == name[0] and "*" in m
    assert privacy.mask_name(m) == m
