"""The 工作台's charts as PNG images: ONE drawing path for the window, the .docx and a PDF.

Why Pillow and not ReportLab graphics: ReportLab 5 renders a Drawing to a bitmap only
through rlPyCairo + pycairo, and pycairo has no Linux wheels (it needs the system's cairo
to build); an SVG would show in the window (QtSvg) but python-docx embeds raster pictures
only, and the command line may not use Qt to convert it. Pillow is already installed with
ReportLab, draws with the desk's bundled font (文泉驿微米黑), and its PNG goes unchanged
into the window (QPixmap), the Word document and a PDF: the same picture everywhere.

Charts are drawn at ``scale`` × their nominal size (2 by default) so they stay sharp on a
high-DPI screen and in print; ``size_mm`` says how large they are meant to be on paper.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Optional, Sequence

from PIL import Image, ImageDraw, ImageFont

from deskapp.core.dashboard.board import Dashboard

FONT_FILE = ("fonts", "wqy-microhei.ttc")
BAR = (70, 120, 190)
LINE = (200, 90, 40)
AXIS = (110, 110, 110)
GRID = (225, 225, 225)
TEXT = (40, 40, 40)
WIDTH, HEIGHT = 560, 260  # nominal pixels (at scale 1): about 148 × 69 mm at 96 dpi


@dataclass(frozen=True)
class Chart:
    """A rendered chart: PNG bytes and its nominal size (pixels at scale 1)."""

    png: bytes
    width: int
    height: int
    scale: int

    @property
    def width_mm(self) -> float:
        return self.width * 25.4 / 96


def font_path() -> Path:
    return Path(str(resources.files("deskapp.resources").joinpath(*FONT_FILE)))


@lru_cache(maxsize=16)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype(str(font_path()), size)
    except OSError:  # the bundled font is missing from a broken install: still draw
        return ImageFont.load_default()


class _Canvas:
    """Drawing in nominal coordinates, scaled once here."""

    def __init__(self, width: int, height: int, scale: int):
        self.s = scale
        self.image = Image.new("RGB", (width * scale, height * scale), "white")
        self.draw = ImageDraw.Draw(self.image)

    def _p(self, *xy: float) -> list[float]:
        return [v * self.s for v in xy]

    def rect(self, x0: float, y0: float, x1: float, y1: float, fill: tuple[int, int, int]) -> None:
        self.draw.rectangle(self._p(x0, y0, x1, y1), fill=fill)

    def line(self, points: Sequence[tuple[float, float]], fill: tuple[int, int, int], width: float = 1) -> None:
        flat = [v for p in points for v in self._p(*p)]
        self.draw.line(flat, fill=fill, width=max(1, round(width * self.s)), joint="curve")

    def dot(self, x: float, y: float, r: float, fill: tuple[int, int, int]) -> None:
        self.draw.ellipse(self._p(x - r, y - r, x + r, y + r), fill=fill)

    def text(self, x: float, y: float, text: str, size: int = 11, anchor: str = "la",
             fill: tuple[int, int, int] = TEXT) -> None:
        self.draw.text((x * self.s, y * self.s), text, font=_font(size * self.s), fill=fill, anchor=anchor)

    def png(self) -> bytes:
        out = io.BytesIO()
        self.image.save(out, "PNG", optimize=True)
        return out.getvalue()


def _nice_max(value: float, ticks: int = 4) -> float:
    """A round axis maximum at or above ``value`` whose ``ticks`` steps are round numbers
    (a step of 1, 1.5, 2, 2.5, 3, 4, 5, 6, 7.5 or 8 × 10ⁿ, whole for counts of 10 and more)."""
    if value <= 0:
        return float(ticks)
    step = value / ticks
    power = float(10 ** (len(str(int(step))) - 1))  # int ** int is typed Any
    for nice in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 7.5, 8, 10):
        candidate = nice * power
        if step <= candidate and (candidate.is_integer() or power < 1):
            return candidate * ticks
    return 10.0 * power * ticks


def _count(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def monthly_chart(title: str, labels: Sequence[str], counts: Sequence[Optional[int]],
                  rates: Sequence[Optional[float]], scale: int = 2) -> Chart:
    """Bars: a count per month (left axis); line: a rate 0–100 % per month (right axis).
    None (a month still to come) draws nothing for that month."""
    c = _Canvas(WIDTH, HEIGHT, scale)
    left, right, top, bottom = 46, WIDTH - 46, 50, HEIGHT - 24
    c.text(WIDTH / 2, 8, title, 13, "ma")
    top_value = _nice_max(max((v for v in counts if v is not None), default=0))
    for i in range(5):
        y = bottom - (bottom - top) * i / 4
        c.line([(left, y), (right, y)], GRID)
        c.text(left - 4, y, _count(top_value * i / 4), 9, "rm", AXIS)
        c.text(right + 4, y, f"{25 * i}%", 9, "lm", AXIS)
    step = (right - left) / max(len(labels), 1)
    points: list[tuple[float, float]] = []
    for i, label in enumerate(labels):
        x = left + step * (i + 0.5)
        value = counts[i] if i < len(counts) else None
        if value is not None:
            y = bottom - (bottom - top) * value / top_value
            c.rect(x - step * 0.3, y, x + step * 0.3, bottom, BAR)
        rate = rates[i] if i < len(rates) else None
        if rate is not None:
            points.append((x, bottom - (bottom - top) * rate))
        c.text(x, bottom + 5, label, 9, "ma")
    if len(points) > 1:
        c.line(points, LINE, 2)
    for x, y in points:
        c.dot(x, y, 2.5, LINE)
    c.line([(left, top), (left, bottom), (right, bottom), (right, top)], AXIS)
    c.rect(WIDTH / 2 - 120, 30, WIDTH / 2 - 110, 38, BAR)
    c.text(WIDTH / 2 - 106, 34, "主动公开新增（条，左轴）", 9, "lm")
    c.line([(WIDTH / 2 + 30, 34), (WIDTH / 2 + 44, 34)], LINE, 2)
    c.text(WIDTH / 2 + 48, 34, "按时公开率（右轴）", 9, "lm")
    return Chart(c.png(), WIDTH, HEIGHT, scale)


def bar_chart(title: str, labels: Sequence[str], values: Sequence[int], unit: str = "条",
              scale: int = 2, limit: int = 8) -> Chart:
    """Horizontal bars, largest first as given; at most ``limit`` bars, the rest summed as
    其他. An empty series draws a "无" note instead of an empty frame."""
    rows = list(zip(labels, values, strict=True))
    if len(rows) > limit:
        rows = rows[:limit - 1] + [("其他", sum(v for _, v in rows[limit - 1:]))]
    height = max(120, 44 + 24 * len(rows))  # grows with the departments shown
    c = _Canvas(WIDTH, height, scale)
    c.text(WIDTH / 2, 8, title, 13, "ma")
    if not rows:
        c.text(WIDTH / 2, height / 2, "无", 12, "mm", AXIS)
        return Chart(c.png(), WIDTH, height, scale)
    left, right = 130, WIDTH - 60
    top_value = max(v for _, v in rows) or 1
    for i, (label, value) in enumerate(rows):
        y = 38 + 24 * i
        c.text(left - 6, y + 9, label if len(label) <= 9 else label[:8] + "…", 10, "rm")
        c.rect(left, y + 2, left + (right - left) * value / top_value, y + 17, LINE)
        c.text(left + (right - left) * value / top_value + 4, y + 9, f"{value} {unit}", 9, "lm")
    c.line([(left, 34), (left, height - 6)], AXIS)
    return Chart(c.png(), WIDTH, height, scale)


def dashboard_charts(d: Dashboard, scale: int = 2) -> tuple[Chart, Chart]:
    """The 工作台's two pictures, as the window and the 自查报告 show them."""
    months = monthly_chart(f"{d.year}年各月主动公开新增与按时公开率", [f"{p.month}月" for p in d.months],
                           [p.published for p in d.months], [p.on_time_rate for p in d.months], scale)
    late = bar_chart(f"{d.year}年超期信息（按科室）", [r.department for r in d.late_by_department],
                     [r.late for r in d.late_by_department], "条", scale)
    return months, late
