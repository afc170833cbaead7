"""Personal data kept off the board (《个人信息保护法》): find and mask ID, phone and card numbers.

Detection works on a normalised view of the text, mapped back onto the original so that
masking only ever turns digits into ``*`` (same length, everything else untouched):

- any Unicode decimal digit counts (NFKC: full-width ``１２３`` as typed by many IMEs);
- zero-width characters inside a number are ignored;
- separators a person or a paste puts between digit groups are bridged (spaces, NBSP,
  ideographic space, tab, dots, hyphens, en/em dashes, a line break: up to three of them),
  so ``110105 1990 0307 1239`` or an ID split over two lines is one digit run.

In each digit run:

- 身份证号: every 17-digit window with a province code and a real birth date is someone's ID,
  whatever the 18th character (a typo in the check digit still exposes 17 digits), even glued
  to other digits (``9110105199003071239``). Across a tab or line break (at most two) the check
  digit must be right as well: table cells of figures join into one run, and without it about
  one window in 5 000 of such a table would read as an ID. The old 15-digit form when it is
  whole groups on one line.
- 手机号: ``1[3-9]`` + 9 digits in any grouping (whole consecutive groups: 3-4-4, 4-4-3, …,
  at most two tabs or line breaks inside), or anywhere in a run of at most 13 digits
  (``213812345678``, ``8613812345678``).
- 银行卡号: 16–19 digits in whole groups of 3 or more on one line passing the Luhn check (two
  cells of amounts pass it one time in ten).
- 长号码: a run written as one number (no tab or line break in it) longer than 19 digits
  cannot be any single number: its middle is masked.

Masking keeps the length and the separators: ``330102********123X``, ``138****5678``, a card
keeps its last four digits. Names (``张*三`` / ``张*``) are masked only in the name columns of a
table and only when the ``mask_names`` setting is on. No Qt here.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from itertools import pairwise
from typing import Iterable, Iterator

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
KIND_LABELS = {"id": "身份证号", "phone": "手机号", "card": "银行卡号", "long": "长号码"}
NAME_HEADERS = ("姓名", "户主", "户主姓名", "申请人", "联系人", "名字", "救助对象", "补贴对象")

# GB/T 2260 province-level codes (first two digits of an ID), 83 = 台湾居民居住证.
PROVINCES = frozenset("11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 "
                      "50 51 52 53 54 61 62 63 64 65 71 81 82 83".split())
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")
# Between digit groups: what people type and what pastes from Word, WPS and web pages leave.
LOOSE_SEPARATORS = frozenset("\t\r\n\u2028\u2029")
TIGHT_SEPARATORS = frozenset(" \u00a0\u3000\u2002\u2003\u2009\u202f.\uff0e\u00b7-\uff0d"
                             "\u2010\u2011\u2012\u2013\u2014\u2015\u2212")
SEPARATORS = LOOSE_SEPARATORS | TIGHT_SEPARATORS
MAX_GAP = 3  # separator characters bridged between two digits (" - ", "\r\n", ...)
MAX_LOOSE = 2  # tabs / line breaks inside one ID or phone (110105<tab>19900307<tab>1239)
LONGEST_NUMBER = 19  # a bank card; a run written as one number that is longer is masked

_DIGIT = re.compile(r"\d")  # every Unicode decimal digit (full-width too)


@dataclass(frozen=True)
class Finding:
    """One personal number in a text: its kind, where it is, and which characters to hide."""

    kind: str
    start: int
    end: int
    text: str
    hidden: tuple[int, ...] = ()  # positions in the text of the digits masked

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


@dataclass
class DigitRun:
    """Digits bridged over separators: the ASCII digits, where each one is in the text, the
    index of the first digit of each group, and of each digit after a tab or line break."""

    digits: list[str]
    pos: list[int]
    groups: list[int]
    loose: list[int]


def _gap(text: str, start: int, end: int) -> tuple[bool, bool, bool]:
    """(bridged, new group, loose) for the characters between two digits."""
    if start == end:
        return True, False, False
    gap = [c for c in text[start:end] if c not in ZERO_WIDTH]
    if not gap:
        return True, False, False
    if len(gap) > MAX_GAP or any(c not in SEPARATORS for c in gap):
        return False, True, True
    loose = any(c in LOOSE_SEPARATORS for c in gap)
    return True, True, loose


def runs(text: str) -> Iterator[DigitRun]:
    """The digit runs of ``text``, separators bridged (also what the publication check lists)."""
    run: DigitRun | None = None
    last_end = 0
    for m in _DIGIT.finditer(text):
        i = m.start()
        digit = str(unicodedata.decimal(m.group()))
        bridged, new_group, loose = _gap(text, last_end, i) if run else (False, True, True)
        if run is None or not bridged:
            if run is not None:
                yield run
            run = DigitRun([digit], [i], [0], [])
        else:
            if new_group:
                run.groups.append(len(run.digits))
            if loose:
                run.loose.append(len(run.digits))
            run.digits.append(digit)
            run.pos.append(i)
        last_end = i + 1
    if run is not None:
        yield run


def plausible_id17(d: str) -> bool:
    """17 digits that begin like an ID: a province code and a real birth date (1900–now)."""
    if d[:2] not in PROVINCES:
        return False
    year, month, day = int(d[6:10]), int(d[10:12]), int(d[12:14])
    if not 1900 <= year <= dt.date.today().year:
        return False
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def _finding(text: str, run: DigitRun, kind: str, first: int, last: int,
             hide: range) -> Finding:
    """A finding over run digits ``first..last`` (inclusive), hiding run digits ``hide``."""
    start, end = run.pos[first], run.pos[last] + 1
    if kind == "id" and end < len(text) and text[end] in "XxＸｘ":
        end += 1
    return Finding(kind, start, end, text[start:end], tuple(run.pos[k] for k in hide))


def _loose_inside(run: DigitRun, a: int, b: int) -> int:
    """How many tabs or line breaks split run digits ``a..b-1`` (a number written across cells
    or lines): a table of small figures joins into one long run, not into one number."""
    return bisect_right(run.loose, b - 1) - bisect_right(run.loose, a)


def _check_char_after(text: str, run: DigitRun, d: str, w: int) -> str:
    """The character that would be the check digit of the ID starting at run digit ``w``."""
    if w + 17 < len(d):
        return d[w + 17]
    end = run.pos[w + 16] + 1
    rest = [c for c in text[end:end + MAX_GAP + 1] if c not in ZERO_WIDTH]
    while rest and rest[0] in SEPARATORS:
        rest.pop(0)
    return "X" if rest and rest[0] in "XxＸｘ" else ""


def _ids(text: str, run: DigitRun, d: str) -> Iterator[Finding]:
    """Every 17-digit window that begins like an ID. Across a tab or line break (table cells
    of figures join into one run) the check digit must be right too: a typo'd ID is caught
    when written in one piece or with spaces, dots or dashes."""
    for w in range(len(d) - 16):
        if not plausible_id17(d[w:w + 17]):
            continue
        loose = _loose_inside(run, w, w + 18 if w + 17 < len(d) else w + 17)
        if loose and (loose > MAX_LOOSE or id_check_char(d[w:w + 17]) != _check_char_after(text, run, d, w)):
            continue
        yield _finding(text, run, "id", w, min(w + 17, len(d) - 1), range(w + 6, w + 14))


def _grouped(text: str, run: DigitRun, d: str) -> Iterator[Finding]:
    """Numbers made of whole consecutive groups (the way people group them)."""
    bounds = run.groups + [len(d)]
    for gi in range(len(run.groups)):
        for gj in range(gi + 1, len(bounds)):
            a, b = bounds[gi], bounds[gj]
            if b - a > LONGEST_NUMBER:
                break
            loose = _loose_inside(run, a, b)
            kind = classify(d[a:b]) if loose <= MAX_LOOSE else None
            if kind == "card" and (any(bounds[k + 1] - bounds[k] < 3 for k in range(gi, gj - 1)) or loose):
                kind = None  # card groups are 4 (or 6) digits on one line; two cells of amounts are not a card
            if kind == "id" and (loose or d[a:a + 2] not in PROVINCES):
                kind = None  # a 15-digit ID (any YYMMDD) over table cells: mostly other figures
            if kind is not None:
                head, tail = _keep(kind, b - a)
                yield _finding(text, run, kind, a, b - 1, range(a + head, b - tail))


def _phones_glued(text: str, run: DigitRun, d: str) -> Iterator[Finding]:
    if len(d) > 13:
        return
    for w in range(len(d) - 10):
        if is_phone(d[w:w + 11]):
            yield _finding(text, run, "phone", w, w + 10, range(w + 3, w + 7))


def _too_long(text: str, run: DigitRun, d: str) -> Iterator[Finding]:
    """Pieces written as one number (no tab or line break) longer than any number: the middle."""
    cuts = [0] + run.loose + [len(d)]
    for a, b in pairwise(cuts):
        if b - a > LONGEST_NUMBER:
            yield _finding(text, run, "long", a, b - 1, range(a + 4, b - 4))


def _candidates(text: str) -> Iterator[Finding]:
    """Each number that is an ID, phone, card or too long (may overlap)."""
    for run in runs(text):
        if len(run.digits) < 11:
            continue
        d = "".join(run.digits)
        yield from _ids(text, run, d)
        yield from _grouped(text, run, d)
        yield from _phones_glued(text, run, d)
        yield from _too_long(text, run, d)


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
    """``text`` with every detected number masked: only digits become ``*``, so the length
    and every other character stay. Idempotent; nothing detected survives."""
    for _ in range(5):  # masking splits runs; a rest could still read as a number: re-check
        hidden = {p for f in _candidates(text) for p in f.hidden}
        if not hidden:
            return text
        text = "".join("*" if i in hidden else c for i, c in enumerate(text))
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


def _mask_name_cell(cell: str) -> str:
    """The name in a name-column cell masked, keeping the cell's length and anything after the
    name (``张三 110105…`` → ``张* 110105…``: the number is masked by ``mask_text``)."""
    m = re.match(r"(\s*)([^\s\d*]+)(.*)", cell, re.S)
    if m is None or "*" in cell[:m.end(2) + 1]:
        return cell
    return m.group(1) + mask_name(m.group(2)) + m.group(3)


def _mask_names(rows: list[list[str]]) -> list[list[str]]:
    name_cols = {i for i, c in enumerate(rows[0]) if is_name_header(c)}
    return [rows[0]] + [[_mask_name_cell(c) if i in name_cols else c for i, c in enumerate(r)]
                        for r in rows[1:]]


def mask_rows(rows: Iterable[list[str]], mask_names: bool = False) -> list[list[str]]:
    """A table (first row = header): numbers masked in every cell (a name cell too, masked
    name or not), names in name columns."""
    table = [list(r) for r in rows]
    if not table:
        return table
    if mask_names:
        table = _mask_names(table)
    return [[mask_text(c) for c in r] for r in table]


def mask_content(content: str, mask_names: bool = False) -> str:
    """An item's content: numbers masked everywhere, across lines and cells too (an ID split
    over two lines); with ``mask_names``, the name columns of each block of tab-separated
    lines (a table whose first line is the header)."""
    if mask_names and "\t" in content:
        lines = content.split("\n")
        out: list[str] = []
        i = 0
        while i < len(lines):
            if "\t" not in lines[i]:
                out.append(lines[i])
                i += 1
                continue
            j = i
            while j < len(lines) and "\t" in lines[j]:
                j += 1
            out.extend("\t".join(r) for r in _mask_names([ln.split("\t") for ln in lines[i:j]]))
            i = j
        content = "\n".join(out)
    return mask_text(content)
