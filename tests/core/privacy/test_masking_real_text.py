"""Issue 15 §1: each way people type or paste a number that came out readable before."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from deskapp.core.privacy import masking as privacy

PID = "110105199003071239"  # 110105 + 19900307 + 123 + check 9
assert privacy.is_id18(PID)
PHONE = "13812345678"


def wide(s: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in s)


def digits(s: str) -> str:
    return "".join(str(int(c)) for c in s if c.isdecimal())


def exposes_id(masked: str) -> bool:
    return "19900307" in digits(masked) or PID in digits(masked)


def exposes_phone(masked: str) -> bool:
    return "1234" in digits(masked)


@pytest.mark.parametrize("written", [
    wide(PID),
    "110105\u00a019900307\u00a01239",
    "110105\u300019900307\u30001239",
    "110105\t19900307\t1239",
    "1101\u200b0519900\u200b3071239",
    "110105.19900307.1239",
    "110105–19900307–1239",
    "110105—1990—0307—1239",
    "11010519900\n3071239",
    "11010519900\r\n3071239",
    "110105 1990 0307 1239",
    "9110105199003071239",
    "110105199003071230",  # wrong check digit
    wide("110105 1990 0307 123") + "Ｘ",
])
def test_id_as_people_write_it_is_masked(written):
    for text in (f"申请人身份证号{written}，住址", written):
        masked = privacy.mask_text(text)
        assert len(masked) == len(text) and not exposes_id(masked), masked
        assert privacy.has_unmasked(text) and not privacy.has_unmasked(masked)
        assert privacy.mask_content(f"名单：\n{text}\n完") == f"名单：\n{masked}\n完"


def test_only_digits_change():
    text = "身份证：１１０１０５　１９９００３０７　１２３９，电话138\u00a01234\u00a05678。"
    masked = privacy.mask_text(text)
    assert [c for c, m in zip(text, masked, strict=True) if c != m and not c.isdecimal()] == []
    assert masked == "身份证：１１０１０５　********　１２３９，电话138\u00a0****\u00a05678。"


@pytest.mark.parametrize("written", [
    "1381 2345 678", "138-1234-5678", "1381-234-5678", wide(PHONE), "138\u00a01234\u00a05678",
    "213812345678", "138 1234\n5678", "+86 138 1234 5678", "13812345678\n2026年",
])
def test_phone_as_people_write_it_is_masked(written):
    masked = privacy.mask_text(f"联系电话：{written}")
    assert not exposes_phone(masked), masked


def test_card_in_groups_and_glued_run_too_long():
    card = next(c for c in (f"622202020000123456{d}" for d in range(10)) if privacy.luhn_ok(c))
    masked = privacy.mask_text(f"卡号 {card[:4]} {card[4:8]} {card[8:12]} {card[12:16]} {card[16:]}")
    assert digits(masked) == card[-4:]
    long_run = "12345678901234567890123"
    assert privacy.mask_text(long_run) == "1234" + "*" * 15 + "0123"


def test_name_cell_already_masked_still_gets_its_id_masked():
    rows = [["序号", "姓名", "电话"], ["1", f"张* {PID}", "无"], ["2", f"李四{PHONE}", "无"]]
    for mask_names in (True, False):
        out = privacy.mask_rows(rows, mask_names)
        assert out[1][1] == "张* 110105********1239", out
        assert "138****5678" in out[2][1]
    assert privacy.mask_rows(rows, True)[2][1] == "李*138****5678"
    content = "\n".join("\t".join(r) for r in rows)
    masked = privacy.mask_content(content, mask_names=True)
    assert not exposes_id(masked) and not exposes_phone(masked)
    assert "张* 110105********1239" in masked and "李*" in masked


def test_ordinary_numbers_stay_readable():
    text = ("公示时间：2026年9月23日—29日，金额12345.67元，文号〔2026〕15号，索引号11330802002594/2026-00123，"
            "办理时间 9:00-17:00，电话0571-87654321，第1.2.3条，2026-09-23")
    assert privacy.mask_text(text) == text
    table = "项目\t一月\t二月\t三月\n金额\t1200\t3400\t5600\n户数\t12\t15\t18"
    assert privacy.mask_content(table) == table


def test_a_table_of_figures_is_not_read_as_ids_or_cards():
    """Cells joined over tabs and lines make one long digit run. Cards and 15-digit IDs are
    never read across cells; an 18-digit ID only with a region, a birth date and a right check
    digit, so a table of figures keeps its numbers (about one window in 60 000 still matches)."""
    false = 0
    for width in (4, 5, 6, 7, 8, 9):
        rows = ["\t".join(f"{(r * 7919 + c * 104729) % 10**width:0{width}d}" for c in range(10))
                for r in range(300)]
        table = "\n".join(rows)
        found = privacy.find(table)
        assert all(f.kind == "id" and privacy.is_id18(digits(f.text)) for f in found), found
        false += len(found)
    assert false <= 2
    assert privacy.mask_text("3301\t0219\t9001\t0112\t35") == "3301\t0219\t9001\t0112\t35"


def test_future_birth_date_or_unknown_region_is_not_an_id():
    year = dt.date.today().year + 1
    assert privacy.find(f"990105{year}0307123") == []  # 99 is not a province
    assert privacy.find(f"110105{year}03071239") == []


def test_masked_shapes_kept():
    assert privacy.mask_text("330102199001011235") == "330102********1235"
    assert re.fullmatch(r"138\*{4}5678", privacy.mask_text(PHONE))
