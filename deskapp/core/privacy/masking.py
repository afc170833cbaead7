"""Personal data kept off the board (《个人信息保护法》): find and mask ID, phone and card numbers.

What is detected (in running text and in tab-separated table lines alike):

- 身份证号: 18 characters (17 digits + digit or X) with a valid GB 11643-1999 check digit; the
  old 15-digit form when its birth date (19YYMMDD) is a real date.
- 手机号: a mainland mobile number ``1[3-9]`` + 9 digits, not part of a longer digit run
  (also written ``138 0013 8000`` / ``138-0013-8000`` or with the ``86`` prefix).
- 银行卡号: 16–19 digits passing the Luhn check (also in groups of four), not an ID number.

Masking keeps the length and the separators: ``330102********123X``, ``138****5678``, a card
keeps its last four digits. Names (``张*三`` / ``张*``) are masked only in the name columns of a
table and only when the ``mask_names`` setting is on. No Qt here.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Iterable, Iterator

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
KIND_LABELS = {"id": "身份证号", "phone": "手机号", "card": "银行卡号"}
NAME_HEADERS = ("姓名", "户主", "户主姓名", "申请人", "联系人", "名字", "救助对象", "补贴对象")

# A maximal run of digits (an ID may end in X); lookarounds keep runs whole.
_PLAIN = re.compile(r"(?<!\d)\d+[Xx]?(?!\d)")
# The same numbers as people write them in groups.
_GROUPED = re.compile(
    r"(?<!\d)(?:"
    r"1[3-9]\d[ -]\d{4}[ -]\d{4}"  # 138 0013 8000
    r"|\d{6}[ -]\d{8}[ -]\d{3}[\dXx]"  # 330102 19900101 123X
    r"|\d{4}(?:[ -]\d{4}){3}(?:[ -]?\d{1,3})?"  # 6222 0202 0000 1234 567
    r")(?![\dXx])"
)


@dataclass(frozen=True)
class Finding:
    """One personal number in a text: its kind (id/phone/card) and where it is."""

    kind: str
    start: int
    end: int
    text: str

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]


def id_check_char(first17: str) -> str:
    """The GB 11643 check character of the first 17 digits of an ID number."""
    total = sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11]


def is_id18(s: str) -> bool:
    return (len(s) == 18 and s[:17].isdigit() and (s[17].isdigit() or s[17] in "Xx")
            and id_check_char(s[:17]) == s[17].upper())


def is_id15(s: str) -> bool:
    """The pre-1999 form: 6 area digits, YYMMDD (19YY), 3 sequence digits; no check digit."""
    if len(s) != 15 or not s.isdigit():
        return False
    try:
        dt.date(1900 + int(s[6:8]), int(s[8:10]), int(s[10:12]))
    except ValueError:
        return False
    return True


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def is_phone(s: str) -> bool:
    return len(s) == 11 and s.isdigit() and s[0] == "1" and s[1] in "3456789"


def classify(number: str) -> str | None:
    """'id' / 'phone' / 'card' for a number with its separators removed; None otherwise."""
    if is_id18(number) or is_id15(number):
        return "id"
    if is_phone(number) or (len(number) == 13 and number.startswith("86") and is_phone(number[2:])):
        return "phone"
    if 16 <= len(number) <= 19 and number.isdigit() and luhn_ok(number):
        return "card"
    return None


def _compact(s: str) -> str:
    return s.replace(" ", "").replace("-", "")


def _candidates(text: str) -> Iterator[Finding]:
    """Each number that is an ID, phone or card, grouped forms first (may overlap)."""
    for pattern in (_GROUPED, _PLAIN):
        for m in pattern.finditer(text):
            number, end = m.group(), m.end()
            kind = classify(_compact(number))
            if kind is None and number[-1] in "Xx":  # a card or phone followed by a letter X
                number, end = number[:-1], end - 1
                kind = classify(_compact(number))
            if kind:
                yield Finding(kind, m.start(), end, number)


def find(text: str) -> list[Finding]:
    """Every personal number in ``text``, in order, without overlaps (the longer one wins)."""
    found = list(_candidates(text))
    found.sort(key=lambda f: (f.start, -(f.end - f.start)))
    result: list[Finding] = []
    for f in found:
        if result and f.start < result[-1].end:
            continue
        result.append(f)
    return result


def has_unmasked(text: str | None) -> bool:
    """True when ``text`` holds an ID, phone or card number that is not masked (the badge)."""
    # Stops at the first number: the 公示栏 badges a few thousand items at once.
    if not text:
        return False
    return next(_candidates(text), None) is not None


def summary(text: str | None) -> dict[str, int]:
    """{'身份证号': 2, '手机号': 1} — for a badge's tooltip or a refusal message."""
    counts: dict[str, int] = {}
    for f in find(text or ""):
        counts[f.label] = counts.get(f.label, 0) + 1
    return counts


def badge_text(text: str | None) -> str:
    """"含未遮盖的身份证号2处、手机号1处"; empty when there is nothing to warn about."""
    counts = summary(text)
    if not counts:
        return ""
    return "含未遮盖的" + "、".join(f"{k}{v}处" for k, v in counts.items())


def _keep(kind: str, n_digits: int) -> tuple[int, int]:
    """How many digits stay visible at the start and at the end."""
    if kind == "id":
        return (6, 4) if n_digits == 18 else (6, 3)
    if kind == "phone":
        return (5, 4) if n_digits == 13 else (3, 4)
    return 0, 4


def mask_number(kind: str, number: str) -> str:
    """Mask the digits of one number, keeping its length and separators."""
    positions = [i for i, c in enumerate(number) if c not in " -"]
    head, tail = _keep(kind, len(positions))
    hidden = set(positions[head:len(positions) - tail])
    return "".join("*" if i in hidden else c for i, c in enumerate(number))


def mask_text(text: str) -> str:
    """``text`` with every detected number masked. Idempotent; nothing detected survives."""
    for _ in range(5):  # masking cannot create a new number, but groups may re-join: re-check
        findings = find(text)
        if not findings:
            return text
        parts, pos = [], 0
        for f in findings:
            parts.append(text[pos:f.start])
            parts.append(mask_number(f.kind, f.text))
            pos = f.end
        parts.append(text[pos:])
        text = "".join(parts)
    return text


def mask_name(name: str) -> str:
    """张三 → 张*; 张小三 → 张*三; 欧阳小明 → 欧**明. Already masked names stay as they are."""
    name = name.strip()
    if len(name) <= 1 or "*" in name:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def is_name_header(cell: str) -> bool:
    return cell.strip() in NAME_HEADERS


def mask_rows(rows: Iterable[list[str]], mask_names: bool = False) -> list[list[str]]:
    """A table (first row = header): numbers masked in every cell, names in name columns."""
    rows = [list(r) for r in rows]
    if not rows:
        return rows
    name_cols = {i for i, c in enumerate(rows[0]) if is_name_header(c)} if mask_names else set()
    out = [[mask_text(c) for c in rows[0]]]
    for row in rows[1:]:
        out.append([mask_name(c) if i in name_cols else mask_text(c) for i, c in enumerate(row)])
    return out


def mask_content(content: str, mask_names: bool = False) -> str:
    """An item's content: numbers masked everywhere; with ``mask_names``, the name columns of
    each block of tab-separated lines (a table whose first line is the header) too."""
    lines = content.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        if "\t" not in lines[i]:
            out.append(mask_text(lines[i]))
            i += 1
            continue
        j = i
        while j < len(lines) and "\t" in lines[j]:
            j += 1
        rows = mask_rows([ln.split("\t") for ln in lines[i:j]], mask_names)
        out.extend("\t".join(r) for r in rows)
        i = j
    return "\n".join(out)
