"""Page geometry (GB/T 9704-2012 and its A3 enlargement), page furniture, building and saving.

A4: 天头 37 mm, 订口 28 mm, 版心 156×225 mm, 3号 (16 pt) body on a 28 × 22 grid, page numbers
4号 (14 pt) "— 1 —" 7 mm below the 版心, odd pages 右空一字, even pages 左空一字. The A3
poster is the same page enlarged by √2 with bigger type (readable from two metres).
"""

from __future__ import annotations

import io
import math
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import A3, A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from deskapp.core.errors import DeskError
from deskapp.exports.pdf.fonts import FontBook
from deskapp.exports.pdf.para import draw_runs, runs_width

WATERMARK = "草稿 未签发"
CREATOR = "政务公开台账"


@dataclass(frozen=True)
class Geometry:
    """A page and its 版心, with the type sizes that fill it on a grid."""

    name: str
    page: tuple[float, float]
    top: float
    left: float
    width: float
    height: float
    body_size: float
    title_size: float
    chars: int  # characters per line
    lines: int  # lines per page
    page_no_size: float
    page_no_centred: bool = False

    @property
    def bottom(self) -> float:
        return self.page[1] - self.top - self.height

    @property
    def leading(self) -> float:
        return self.height / self.lines

    @property
    def char_space(self) -> float:
        """Extra advance per character so exactly ``chars`` full-width characters fill a line."""
        return self.width / self.chars - self.body_size


A4_NOTICE = Geometry("a4", A4, 37 * mm, 28 * mm, 156 * mm, 225 * mm, 16, 22, 28, 22, 14)
_K = math.sqrt(2)  # A4 → A3
A3_POSTER = Geometry("a3", A3, 37 * mm * _K, 28 * mm * _K, 156 * mm * _K, 225 * mm * _K,
                     24, 36, 26, 22, 20, page_no_centred=True)
A3_BOARD = Geometry("board", A3, 20 * mm, 18 * mm, A3[0] - 36 * mm, A3[1] - 40 * mm,
                    13, 20, 0, 0, 14, page_no_centred=True)


@dataclass
class RenderResult:
    """A finished PDF in memory, and what the user must be told about it."""

    data: bytes
    pages: int
    missing: set[str] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)

    def messages(self) -> list[str]:
        out = list(self.warnings)
        if self.missing:
            chars = "、".join(sorted(self.missing))
            out.append(f"以下字符在本机所有字体中都没有，打印出来将是空白：{chars}。"
                       "请安装含这些字的字体（如“宋体-方正超大字符集”）后重新生成，或在打印稿上手写补齐。")
        return out


@dataclass
class Furniture:
    """What is drawn on every page besides the flowing text."""

    geometry: Geometry
    fonts: FontBook
    draft: bool = False
    page_numbers: bool = True
    extra: Optional[Callable[[Canvas, int], None]] = None  # e.g. the board's masthead

    def __call__(self, canv: Canvas, doc: BaseDocTemplate) -> None:
        number = canv.getPageNumber()
        if self.draft:
            self.watermark(canv)
        if self.extra is not None:
            self.extra(canv, number)
        if self.page_numbers:
            self.page_number(canv, number)

    def watermark(self, canv: Canvas) -> None:
        g = self.geometry
        size = g.page[0] / 7.5
        runs = self.fonts.runs(WATERMARK, "hei")
        canv.saveState()
        canv.setFillColor(Color(0.80, 0.80, 0.80))
        canv.translate(g.page[0] / 2, g.page[1] / 2)
        canv.rotate(math.degrees(math.atan2(g.page[1], g.page[0])))
        draw_runs(canv, -runs_width(runs, size) / 2, -size / 3, runs, size)
        canv.restoreState()

    def page_number(self, canv: Canvas, number: int) -> None:
        g = self.geometry
        size = g.page_no_size
        runs = self.fonts.runs(f"— {number} —", "body")
        width = runs_width(runs, size)
        y = g.bottom - 7 * mm - size * 0.8
        if g.page_no_centred:
            x = (g.page[0] - width) / 2
        elif number % 2:
            x = g.left + g.width - size - width  # odd page: 右空一字
        else:
            x = g.left + size  # even page: 左空一字
        canv.setFillColor(Color(0, 0, 0))
        draw_runs(canv, x, y, runs, size)


def frame_for(g: Geometry, **kw: Any) -> Frame:
    """The body frame, no padding; ``kw``: more of ReportLab's Frame options."""
    return Frame(g.left, g.bottom, g.width, g.height, leftPadding=0, rightPadding=0,
                 topPadding=0, bottomPadding=0, id="body", **kw)


def build(flowables: list[Flowable], g: Geometry, furniture: Furniture, title: str,
          frames: Optional[list[Frame]] = None) -> tuple[bytes, int]:
    """Lay out ``flowables`` on pages of ``g``; returns the PDF bytes and the page count."""
    buf = io.BytesIO()
    doc = BaseDocTemplate(buf, pagesize=g.page, title=title, author=CREATOR, creator=CREATOR,
                          subject=title, leftMargin=g.left, topMargin=g.top,
                          rightMargin=g.page[0] - g.left - g.width, bottomMargin=g.bottom,
                          # else the canvas starts in Helvetica, a font that is not embedded
                          initialFontName=furniture.fonts.role("body").name)
    doc.addPageTemplates([PageTemplate("page", frames or [frame_for(g)], onPage=furniture)])
    doc.build(flowables)
    return buf.getvalue(), doc.page


def write_atomic(path: os.PathLike[str] | str, data: bytes) -> Path:
    """Write to a temp file beside ``path`` then ``os.replace``: the old file survives a failure."""
    target = Path(path)
    folder = target.parent
    if not folder.is_dir():
        raise DeskError(f"文件夹“{folder}”不存在，请先建立该文件夹或换一个保存位置。")
    if target.is_dir():
        raise DeskError(f"“{target}”是一个文件夹，请在它后面写上文件名（如 公示.pdf）。")
    try:
        fd, tmp = tempfile.mkstemp(prefix=".~" + target.stem[:40], suffix=".part", dir=folder)
    except OSError as exc:
        raise DeskError(f"无法在“{folder}”中保存文件（{exc.strerror}），请换一个有写入权限的位置。") from exc
    try:
        _usual_mode(fd, target)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        _remove_quietly(tmp)
        if isinstance(exc, PermissionError) or target.is_dir():
            raise DeskError(f"无法覆盖“{target.name}”：文件可能正在PDF阅读器中打开或没有写入权限，"
                            "请关闭该文件或换一个文件名后重试，原文件未改动。") from exc
        raise DeskError(f"保存“{target.name}”失败（{exc.strerror}），原文件未改动，请检查磁盘空间后重试。") from exc
    return target


def _usual_mode(fd: int, target: Path) -> None:
    """mkstemp makes a private (0600) file; give it the permissions the file it replaces had,
    or a new file's (0666 less the umask), so others sharing the folder can read it."""
    try:
        mode = target.stat().st_mode & 0o777
    except OSError:
        mode = 0o666 & ~_umask()
    if hasattr(os, "fchmod"):  # not on Windows, where this does not arise
        os.fchmod(fd, mode)


def _umask() -> int:
    try:  # Linux says it without changing it (os.umask would, briefly, for every thread)
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    umask = os.umask(0o022)
    os.umask(umask)
    return umask


def _remove_quietly(path: str) -> None:
    try:
        os.remove(path)
    except OSError:
        pass
