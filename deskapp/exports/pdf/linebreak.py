"""Chinese line breaking (禁则): where a line of mixed Chinese and Latin text may end.

A line never starts with closing punctuation ``，。、；：？！）》」』”’…`` (and the rest of
ReportLab's own CANNOT_START set), never ends with opening punctuation ``（《「『“‘``, and
never splits ``……`` / ``——`` or a run of Latin letters and digits (a masked ID number, a
phone number, a URL) unless that run alone is wider than the line. ReportLab's CJK wrap
only hangs one character and lacks most full-width marks; this module replaces it for the
desk's paragraphs (see :mod:`deskapp.exports.pdf.para`). Pure functions: no fonts, no PDF.
"""

from __future__ import annotations

from typing import Callable, Sequence

from reportlab.lib.textsplit import ALL_CANNOT_END, ALL_CANNOT_START

CANNOT_START = frozenset("，。、；：？！）》」』”’…〕】］｝〉,.;:?!)]}%％·～" + ALL_CANNOT_START)
CANNOT_END = frozenset("（《「『“‘〔【［｛〈([{" + ALL_CANNOT_END)
NO_SPLIT_PAIRS = frozenset("…—")
# A number stays with its unit: 2026年 / 9月 / 23日 / 15人 / 6840元 are not split.
UNITS_AFTER_NUMBER = frozenset("年月日号时分元角户人岁期次件名项条万亿%％")
_FUZZ = 1e-6


def is_word_char(ch: str) -> bool:
    """Latin letters, digits and the marks inside numbers/URLs: kept together in a token."""
    return ch.isascii() and (ch.isalnum() or ch in "*._-/:@%#+&=?~")


def tokenize(text: str) -> list[str]:
    """Break opportunities: each CJK character alone, each Latin word whole, spaces alone."""
    tokens: list[str] = []
    word = ""
    for ch in text:
        if is_word_char(ch):
            word += ch
            continue
        if word:
            tokens.append(word)
            word = ""
        tokens.append(ch)
    if word:
        tokens.append(word)
    return tokens


def may_break_between(before: str, after: str) -> bool:
    """May a line end after token ``before`` and the next begin with token ``after``?"""
    if after[0] in CANNOT_START or before[-1] in CANNOT_END:
        return False
    if before[-1] == after[0] and after[0] in NO_SPLIT_PAIRS:
        return False
    if before[-1].isdigit() and after[0] in UNITS_AFTER_NUMBER:
        return False
    return True


def break_lines(tokens: Sequence[str], sizes: Sequence[float],
                widths: Sequence[float]) -> list[tuple[int, int]]:
    """Greedy fill; returns lines as (first, end) token index ranges.

    ``sizes[i]`` is the advance of ``tokens[i]``; ``widths[k]`` the width available to line
    ``k`` (the last value repeats), so a first line indented by two characters is just a
    shorter first width.
    """
    lines: list[tuple[int, int]] = []
    start, n = 0, len(tokens)
    while start < n:
        while start < n and tokens[start] == " " and lines:  # no spaces at a line's start
            start += 1
        if start >= n:
            break
        avail = widths[min(len(lines), len(widths) - 1)]
        end, used = start, 0.0
        while end < n and used + sizes[end] <= avail + _FUZZ:
            used += sizes[end]
            end += 1
        if end >= n:
            lines.append((start, n))
            break
        lines.append((start, _adjust(tokens, start, end)))
        start = lines[-1][1]
    return lines


def _adjust(tokens: Sequence[str], start: int, end: int) -> int:
    """Move the break left until it is allowed; a token wider than the line stays alone."""
    if end == start:
        return start + 1  # one token wider than the whole line: it gets a line of its own
    b = end
    while b > start + 1 and not may_break_between(tokens[b - 1], tokens[b]):
        b -= 1
    if b == start + 1 and not may_break_between(tokens[b - 1], tokens[b]):
        return end  # nothing allowed (a line of punctuation): break where it was full
    return b


def split_long_token(token: str, width_of: Callable[[str], float], avail: float) -> list[str]:
    """A Latin run wider than the line (a long URL) cut into pieces that fit."""
    pieces, cur = [], ""
    for ch in token:
        if cur and width_of(cur + ch) > avail + _FUZZ:
            pieces.append(cur)
            cur = ""
        cur += ch
    if cur:
        pieces.append(cur)
    return pieces
