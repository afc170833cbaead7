"""A Chinese paragraph flowable: font fallback per character, 禁则 line breaking, a char grid.

``Para(text, style, fonts)`` or ``Para([(text, role), …], style, fonts)`` (a heading part in
黑体 followed by body text). Lines are broken by :mod:`.linebreak`; each character's advance
is its glyph width plus ``style.char_space`` (so 16 pt 仿宋 lands on the 28-per-line grid of
GB/T 9704), justified lines spread the remaining space between characters (PDF ``Tc``).
Splits across pages line by line; works inside ReportLab Tables (``minWidth``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import partial
from typing import Iterable, Optional, Sequence, TypedDict, Union, Unpack

from reportlab.lib.colors import Color, black
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from deskapp.exports.pdf import linebreak
from deskapp.exports.pdf.fonts import FontBook

Runs = list[tuple[str, str]]  # (text, registered font name)
_WIDTHS: dict[tuple[str, str], float] = {}  # (font, char) → width at 1 pt, per process


def char_width(ch: str, font: str) -> float:
    key = (font, ch)
    w = _WIDTHS.get(key)
    if w is None:
        w = _WIDTHS[key] = stringWidth(ch, font, 1.0)
    return w


class StyleChanges(TypedDict, total=False):
    """Any of TextStyle's fields, for :meth:`TextStyle.but` (keep the two in step)."""

    role: str
    size: float
    leading: float
    align: str
    first_indent: float
    left_indent: float
    right_indent: float
    char_space: float
    space_before: float
    space_after: float
    color: Color
    keep_with_next: bool


@dataclass(frozen=True)
class TextStyle:
    role: str = "body"
    size: float = 16.0
    leading: float = 28.95
    align: str = "justify"  # justify / left / center / right
    first_indent: float = 0.0  # in characters of this style (2 = 首行缩进二字)
    left_indent: float = 0.0  # points
    right_indent: float = 0.0
    char_space: float = 0.0  # added to every character's advance
    space_before: float = 0.0
    space_after: float = 0.0
    color: Color = black
    keep_with_next: bool = False

    @property
    def pitch(self) -> float:
        """The advance of one full-width character: the grid step."""
        return self.size + self.char_space

    def but(self, **changes: Unpack[StyleChanges]) -> "TextStyle":
        return replace(self, **changes)


@dataclass
class Line:
    runs: Runs
    chars: int
    width: float  # natural advance including char_space
    avail: float
    first: bool
    last: bool


class Para(Flowable):
    """A paragraph of Chinese text; see the module docstring."""

    def __init__(self, text: Union[str, Sequence[tuple[str, str]]], style: TextStyle,
                 fonts: FontBook, missing: Optional[set[str]] = None,
                 _lines: Optional[list[Line]] = None):
        super().__init__()
        self.style = style
        self.fonts = fonts
        self.segments = [(text, style.role)] if isinstance(text, str) else list(text)
        self.missing = missing
        self.keepWithNext = style.keep_with_next
        self.spaceBefore = style.space_before
        self.spaceAfter = style.space_after
        self._lines = _lines
        self._laid_for: Optional[float] = None if _lines is None else -1.0
        self._tokens: Optional[list[Runs]] = None

    # --- layout ---------------------------------------------------------------------------

    def plain_text(self) -> str:
        return "".join(t for t, _ in self.segments)

    def tokens(self) -> list[Runs]:
        """Break units, each a list of (text, font) runs (fallback fonts already chosen)."""
        if self._tokens is None:
            toks: list[Runs] = []
            for text, role in self.segments:
                for tok in linebreak.tokenize(text.replace("\n", " ")):
                    toks.append(self.fonts.runs(tok, role, self.missing))
            self._tokens = toks
        return self._tokens

    def _run_width(self, runs: Runs) -> float:
        size, cs = self.style.size, self.style.char_space
        return sum(char_width(ch, font) * size + cs for text, font in runs for ch in text)

    def _piece_width(self, text: str, font: str) -> float:
        return self._run_width([(text, font)])

    def _fit_tokens(self, avail: float) -> list[Runs]:
        """Latin runs wider than a line are cut into pieces that fit."""
        out: list[Runs] = []
        for tok in self.tokens():
            if len(tok) == 1 and len(tok[0][0]) > 1 and self._run_width(tok) > avail:
                text, font = tok[0]
                pieces = linebreak.split_long_token(text, partial(self._piece_width, font=font), avail)
                out.extend([[(p, font)] for p in pieces])
            else:
                out.append(tok)
        return out

    def layout(self, avail_width: float) -> list[Line]:
        st = self.style
        avail = max(avail_width - st.left_indent - st.right_indent, st.pitch)
        first_avail = max(avail - st.first_indent * st.pitch, st.pitch)
        toks = self._fit_tokens(first_avail)
        keys = ["".join(t for t, _ in tok) for tok in toks]
        sizes = [self._run_width(tok) for tok in toks]
        spans = linebreak.break_lines(keys, sizes, [first_avail, avail])
        lines: list[Line] = []
        for n, (a, b) in enumerate(spans):
            runs = _merge(tok for tok in toks[a:b])
            if n > 0:
                runs = _lstrip(runs)
            chars = sum(len(t) for t, _ in runs)
            lines.append(Line(runs, chars, self._run_width(runs), first_avail if n == 0 else avail,
                              n == 0, n == len(spans) - 1))
        return lines

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        if self._lines is None or (self._laid_for not in (-1.0, availWidth)):
            self._lines = self.layout(availWidth)
            self._laid_for = availWidth
        self.width = availWidth
        self.height = len(self._lines) * self.style.leading
        return self.width, self.height

    def minWidth(self) -> float:
        st = self.style
        widest = max((self._run_width(t) for t in self.tokens()), default=st.pitch)
        return widest + st.left_indent + st.right_indent + st.first_indent * st.pitch

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        self.wrap(availWidth, availHeight)
        assert self._lines is not None
        fit = int((availHeight + 1e-6) // self.style.leading)
        if fit <= 0:
            return []
        if fit >= len(self._lines):
            return [self]
        head = Para(self.segments, self.style.but(space_after=0), self.fonts, self.missing,
                    _lines=self._lines[:fit])
        tail = Para(self.segments, self.style.but(space_before=0), self.fonts, self.missing,
                    _lines=self._lines[fit:])
        head.width = tail.width = availWidth
        return [head, tail]

    # --- drawing --------------------------------------------------------------------------

    def draw(self) -> None:
        st = self.style
        assert self._lines is not None
        canv = self.canv
        canv.setFillColor(st.color)
        top = self.height
        for line in self._lines:
            baseline = top - (st.leading - st.size) / 2 - 0.88 * st.size
            x, tc = self._line_origin(line)
            tx = canv.beginText(x, baseline)
            tx.setCharSpace(tc)
            for text, font in line.runs:
                tx.setFont(font, st.size)
                tx.textOut(text)
            canv.drawText(tx)
            top -= st.leading

    def _line_origin(self, line: Line) -> tuple[float, float]:
        st = self.style
        x = st.left_indent + (st.first_indent * st.pitch if line.first else 0.0)
        slack = line.avail - line.width
        if st.align == "center":
            return x + slack / 2, st.char_space
        if st.align == "right":
            return x + slack, st.char_space
        if st.align == "justify" and not line.last and line.chars > 1 and 0 < slack < 2 * st.size:
            return x, st.char_space + slack / (line.chars - 1)
        return x, st.char_space


def _merge(tokens: Iterable[Runs]) -> Runs:
    out: Runs = []
    for tok in tokens:
        for text, font in tok:
            if out and out[-1][1] == font:
                out[-1] = (out[-1][0] + text, font)
            else:
                out.append((text, font))
    return out


def _lstrip(runs: Runs) -> Runs:
    while runs and not runs[0][0].strip(" "):
        runs = runs[1:]
    if runs and runs[0][0].startswith(" "):
        runs = [(runs[0][0].lstrip(" "), runs[0][1])] + runs[1:]
    return runs


def draw_runs(canv: Canvas, x: float, y: float, runs: Runs, size: float, char_space: float = 0.0) -> None:
    """Draw pre-resolved runs at a baseline (for signatures, mastheads, page furniture)."""
    tx = canv.beginText(x, y)
    tx.setCharSpace(char_space)
    for text, font in runs:
        tx.setFont(font, size)
        tx.textOut(text)
    canv.drawText(tx)


def runs_width(runs: Runs, size: float, char_space: float = 0.0) -> float:
    return sum(char_width(ch, font) * size + char_space for text, font in runs for ch in text)
