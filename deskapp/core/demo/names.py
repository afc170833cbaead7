"""Synthetic people for the demo data: names, 身份证号, 手机号, and the office's own code.

Every number here is made up but well-formed, so the noticeboard's masking has something
realistic to find: 18-digit resident ids with a real region code, a real birth date and a
correct GB 11643 check character; mobile numbers 1[3-9]x-xxxx-xxxx. Nothing is drawn from
the global ``random``: callers pass their own ``random.Random`` so the data is repeatable.
"""

from __future__ import annotations

import datetime as dt
import random

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国文辉玲红波斌宇浩凯鹏晨晓琳雪婷欣怡梅兰"
    "春燕海峰志新亮林云飞雷宁健东晖佳琪瑶颖博文丹俊荣德清慧淑珍凤玉萍秋菊永福昌兴"
)

# County-level region codes (GB/T 2260) used for the synthetic ids: one city's districts.
REGIONS = ("330802", "330803", "330822", "330824", "330825", "330881")
MOBILE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150",
                   "151", "152", "153", "155", "156", "157", "158", "159", "166", "173",
                   "177", "180", "181", "182", "183", "185", "186", "187", "188", "189",
                   "191", "198", "199")

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

# GB 32100 (统一社会信用代码) and GB 11714 (组织机构代码) check characters.
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def person_name(rng: random.Random) -> str:
    """A plausible Chinese name: one surname and one or two given-name characters."""
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def resident_id_check(first17: str) -> str:
    """GB 11643-1999 check character of the first 17 digits of a 身份证号."""
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def is_valid_resident_id(number: str) -> bool:
    """An 18-character 身份证号 with a real birth date and a correct check character."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    try:
        dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return resident_id_check(number[:17]) == number[17].upper()


def resident_id(rng: random.Random, born: dt.date, male: bool) -> str:
    """A synthetic but well-formed 身份证号 (odd sequence digit for men, even for women)."""
    seq = rng.randrange(100) * 10 + int(rng.choice("13579" if male else "02468"))
    body = f"{rng.choice(REGIONS)}{born:%Y%m%d}{seq:03d}"
    return body + resident_id_check(body)


def birth_date(rng: random.Random, today: dt.date, min_age: int, max_age: int) -> dt.date:
    age_days = rng.randint(min_age * 365 + 1, max_age * 365)
    return today - dt.timedelta(days=age_days)


def mobile(rng: random.Random) -> str:
    """A mobile number of the 1[3-9]x form (not any particular subscriber's)."""
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def org_code(body8: str) -> str:
    """GB 11714 组织机构代码: 8 digits plus its check character."""
    total = sum(int(c) * w for c, w in zip(body8, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body8 + {10: "X", 11: "0"}.get(check, str(check))


def credit_code(region: str, org9: str, kind: str = "11") -> str:
    """GB 32100 统一社会信用代码 for an organ of state (登记管理部门 1, 机关 1)."""
    body = kind + region + org9
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(body, _USCC_WEIGHTS, strict=True))
    return body + _USCC_CHARS[(31 - total % 31) % 31]


def is_valid_credit_code(code: str) -> bool:
    if len(code) != 18 or any(c not in _USCC_CHARS for c in code):
        return False
    return credit_code(code[2:8], code[8:17], code[:2]) == code
