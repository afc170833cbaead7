"""Chinese fonts for the PDFs: find them, keep only what ReportLab can embed, pick per role.

Roles: ``title`` (方正小标宋 → 黑体), ``body`` (仿宋 → 宋体), ``hei`` (黑体), ``kai`` (楷体 → 仿宋),
each resolved to the best font installed, the bundled WenQuanYi Micro Hei last. ReportLab
embeds TrueType outlines only (``glyf``); CFF/OpenType fonts (Noto CJK, Source Han, many
UOS/Kylin defaults) are skipped after reading their table directory, and a font ReportLab
still refuses is skipped too. Every registered font is a ReportLab ``TTFont``: always
embedded as a subset (``/FontFile2``).

A character the role font lacks (a 生僻字 in a name) is drawn in another installed font that
has it; when none has it, it is recorded in the caller's ``missing`` set so the user is told.
Discovery and registration are cached per process (``FontBook.get``).
"""

from __future__ import annotations

import glob
import os
import struct
import sys
import threading
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import BinaryIO, Iterable, Optional

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

ROLES = ("title", "body", "hei", "kai")
ROLE_LABELS = {"title": "标题", "body": "正文", "hei": "黑体", "kai": "楷体"}
FONT_EXTS = (".ttf", ".ttc", ".otf")
BUNDLED = "wqy-microhei.ttc"

# Lower-case file stems, best first. Windows names, the CESI fonts of UOS/Kylin, the
# *_GB2312 fonts offices install, 华文 (ST*) fonts, then free TrueType fonts on Linux.
_HEI = ["simhei", "黑体", "cesi_ht_gb2312", "cesi_ht_gb18030", "stheiti", "stxihei", "msyh",
        "msyhl", "wqy-zenhei", "wqy-microhei", "droidsansfallbackfull", "droidsansfallback"]
_SONG = ["simsun", "宋体", "cesi_ss_gb2312", "cesi_ss_gb18030", "stsong", "nsimsun", "uming"]
_FANG = ["simfang", "仿宋", "fangsong_gb2312", "仿宋_gb2312", "fs_gb2312", "cesi_fs_gb2312",
         "cesi_fs_gb18030", "stfangso", "stfangsong"]
_KAI = ["simkai", "楷体", "kaiti_gb2312", "楷体_gb2312", "kt_gb2312", "cesi_kt_gb2312",
        "cesi_kt_gb18030", "stkaiti", "ukai"]
_XBS = ["fzxbsjw", "fzxbsk", "fzxbsjw--gb1-0", "方正小标宋简体", "方正小标宋_gbk",
        "fzxiaobiaosong-b05s", "fzxiaobiaosong-b05", "cesi_xbs_gb2312", "cesi_xbs_gb18030"]
ROLE_CANDIDATES = {
    "title": _XBS + _HEI,
    "body": _FANG + _SONG + _KAI + _HEI,
    "hei": _HEI,
    "kai": _KAI + _FANG + _SONG + _HEI,
}
# Fonts that exist for rare characters (CJK Extension B and beyond): fallback only.
_RARE = ["simsunb", "simsun-extb", "mingliub", "hanamina", "hanaminb", "jigmo", "jigmo2",
         "jigmo3", "babelstonehan", "fzsongs-extb", "tw-sung", "tw-sung-plus"]


def default_font_dirs() -> list[Path]:
    """Where fonts live on Windows, on Linux (incl. UOS/Kylin app folders) and on macOS."""
    home = Path.home()
    if sys.platform == "win32":
        windir = os.environ.get("WINDIR", r"C:\Windows")
        dirs = [Path(windir) / "Fonts"]
        local = os.environ.get("LOCALAPPDATA")
        if local:
            dirs.append(Path(local) / "Microsoft" / "Windows" / "Fonts")
        return dirs
    dirs = [Path("/usr/share/fonts"), Path("/usr/local/share/fonts"),
            home / ".local" / "share" / "fonts", home / ".fonts",
            Path("/usr/share/fonts/truetype"), Path("/usr/share/fonts/chinese")]
    dirs += [Path(p) for p in sorted(glob.glob("/opt/apps/*/files/fonts"))]
    if sys.platform == "darwin":
        dirs += [Path("/Library/Fonts"), Path("/System/Library/Fonts"), home / "Library" / "Fonts"]
    return dirs


def bundled_font_path() -> Path:
    return Path(str(resources.files("deskapp.resources").joinpath("fonts", BUNDLED)))


# --- reading a font file's table directory (no fontTools needed) ---------------------------

def _face_offsets(fh: BinaryIO) -> list[int]:
    head = fh.read(12)
    if len(head) < 12:
        return []
    if head[:4] == b"ttcf":
        count = struct.unpack(">I", head[8:12])[0]
        return list(struct.unpack(f">{count}I", fh.read(4 * count)))
    return [0]


def _tables(fh: BinaryIO, offset: int) -> set[bytes]:
    fh.seek(offset)
    head = fh.read(12)
    num = struct.unpack(">H", head[4:6])[0]
    data = fh.read(16 * num)
    return {data[i * 16:i * 16 + 4] for i in range(num)}


def has_truetype_outlines(path: Path, index: int = 0) -> bool:
    """True when face ``index`` of the file has a ``glyf`` table and no ``CFF ``/``CFF2``."""
    try:
        with open(path, "rb") as fh:
            offsets = _face_offsets(fh)
            if index >= len(offsets):
                return False
            tables = _tables(fh, offsets[index])
    except (OSError, struct.error):
        return False
    return b"glyf" in tables and b"CFF " not in tables and b"CFF2" not in tables


# --- the font book --------------------------------------------------------------------------

@dataclass(eq=False)
class Face:
    """A registered font: its ReportLab name, file, and the characters it has."""

    name: str
    path: Path
    index: int
    cmap: dict[int, int] = field(repr=False, default_factory=dict)

    def has(self, ch: str) -> bool:
        return ord(ch) in self.cmap

    @property
    def label(self) -> str:
        return self.path.name


def _skip_check(ch: str) -> bool:
    return ch in " \t\n\r\u3000" or ord(ch) < 0x20


class FontBook:
    """The fonts of one set of font folders, each role resolved once per process."""

    _cache: dict[tuple[str, ...], "FontBook"] = {}
    _lock = threading.Lock()

    def __init__(self, dirs: Iterable[Path]):
        self.dirs = [Path(d) for d in dirs]
        self.index = self._scan(self.dirs)
        self.faces: dict[str, Face] = {}  # registered, by path#index
        self.refused: list[str] = []  # files skipped (CFF, unreadable), for diagnostics
        self.roles = {role: self._resolve(role) for role in ROLES}
        self._fallbacks: Optional[list[Face]] = None

    @classmethod
    def get(cls, dirs: Optional[Iterable[os.PathLike[str] | str]] = None) -> "FontBook":
        """The cached book for these folders (default: the system's font folders)."""
        folders = [Path(d) for d in dirs] if dirs is not None else default_font_dirs()
        key = tuple(str(d) for d in folders)
        with cls._lock:
            book = cls._cache.get(key)
            if book is None:
                book = cls._cache[key] = cls(folders)
            return book

    @staticmethod
    def _scan(dirs: list[Path]) -> dict[str, list[Path]]:
        """stem (lower case) → font files; missing or unreadable folders are simply empty."""
        found: dict[str, list[Path]] = {}
        seen: set[Path] = set()
        for top in dirs:
            if not top.is_dir():
                continue
            for root, _subdirs, files in os.walk(top, onerror=lambda e: None):
                for name in files:
                    stem, ext = os.path.splitext(name)
                    if ext.lower() not in FONT_EXTS:
                        continue
                    path = Path(root) / name
                    if path in seen:
                        continue
                    seen.add(path)
                    found.setdefault(stem.lower(), []).append(path)
        return found

    def _register(self, path: Path, index: int = 0) -> Optional[Face]:
        key = f"{path}#{index}"
        if key in self.faces:
            return self.faces[key]
        if not has_truetype_outlines(path, index):
            self.refused.append(f"{path.name}（非TrueType轮廓，无法嵌入）")
            return None
        name = f"Desk-{path.stem}-{index}-{len(self.faces)}"
        try:
            font = TTFont(name, str(path), subfontIndex=index)
        except (TTFError, OSError, struct.error, ValueError, KeyError) as exc:
            self.refused.append(f"{path.name}（{exc}）")
            return None
        pdfmetrics.registerFont(font)
        face = Face(name, path, index, dict(font.face.charToGlyph))
        self.faces[key] = face
        return face

    def _resolve(self, role: str) -> Face:
        for stem in ROLE_CANDIDATES[role]:
            for path in self.index.get(stem, []):
                face = self._register(path)
                if face is not None:
                    return face
        return self.bundled()

    def bundled(self) -> Face:
        face = self._register(bundled_font_path())
        if face is None:  # the package is broken: nothing can print Chinese
            raise RuntimeError("bundled font missing: " + str(bundled_font_path()))
        return face

    def fallbacks(self) -> list[Face]:
        """Every other usable font, for characters the role font lacks (loaded on first need)."""
        if self._fallbacks is None:
            faces = list(dict.fromkeys(self.roles.values()))
            stems = list(dict.fromkeys(_HEI + _SONG + _FANG + _KAI + _XBS + _RARE))
            for stem in stems:
                for path in self.index.get(stem, []):
                    face = self._register(path)
                    if face is not None and face not in faces:
                        faces.append(face)
            bundled = self.bundled()
            if bundled not in faces:
                faces.append(bundled)
            self._fallbacks = faces
        return self._fallbacks

    def role(self, role: str) -> Face:
        return self.roles[role]

    def font_for(self, ch: str, role: str, missing: Optional[set[str]] = None) -> str:
        """The registered font name to draw ``ch`` in for ``role``."""
        primary = self.roles[role]
        if _skip_check(ch) or primary.has(ch):
            return primary.name
        for face in self.fallbacks():
            if face.has(ch):
                return face.name
        if missing is not None:
            missing.add(ch)
        return primary.name

    def runs(self, text: str, role: str, missing: Optional[set[str]] = None) -> list[tuple[str, str]]:
        """``text`` cut into (text, font name) runs: the role's font, others for what it lacks."""
        out: list[tuple[str, str]] = []
        primary = self.roles[role]
        for ch in text:
            name = primary.name if (primary.has(ch) or _skip_check(ch)) else self.font_for(ch, role, missing)
            if out and out[-1][1] == name:
                out[-1] = (out[-1][0] + ch, name)
            else:
                out.append((ch, name))
        return out

    def missing(self, text: str, role: str = "body") -> set[str]:
        """Characters of ``text`` that no font can print."""
        lost: set[str] = set()
        self.runs(text, role, lost)
        return lost

    def markup(self, text: str, role: str, missing: Optional[set[str]] = None) -> str:
        """ReportLab paragraph markup of ``text`` with inline font switches (for Paragraph users)."""
        from xml.sax.saxutils import escape

        return "".join(f'<font name="{name}">{escape(part)}</font>'
                       for part, name in self.runs(text, role, missing))

    def describe(self) -> dict[str, str]:
        """{'标题': 'simhei.ttf', …} — which file each role uses, for the settings page."""
        return {ROLE_LABELS[r]: f.label for r, f in self.roles.items()}
