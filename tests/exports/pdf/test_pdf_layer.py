"""The PDF layer: font discovery and fallback, 禁则 line breaking, the character grid."""

from __future__ import annotations

import struct
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from deskapp.exports.pdf import linebreak
from deskapp.exports.pdf.fonts import FontBook, has_truetype_outlines
from deskapp.exports.pdf.page import A4_NOTICE
from deskapp.exports.pdf.para import Para, TextStyle

SYSTEM_FALLBACKS = [Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
                    Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf")]
RARE_IN_BUNDLED = "㵘"  # U+3D58: not in WenQuanYi Micro Hei, in Zen Hei and Droid
NOWHERE = "𠀀"  # U+20000 (Extension B): in none of the fonts here


@pytest.fixture(scope="module")
def bundled_only() -> FontBook:
    return FontBook.get([])


def body_style(**kw) -> TextStyle:
    g = A4_NOTICE
    return TextStyle(role="body", size=g.body_size, leading=g.leading, char_space=g.char_space, **kw)


def line_texts(para: Para, width: float) -> list[str]:
    return ["".join(t for t, _ in line.runs) for line in para.layout(width)]


def test_grid_is_28_characters_by_22_lines(bundled_only):
    g = A4_NOTICE
    assert abs(g.leading * 22 - 225 * 72 / 25.4) < 1e-6
    lines = line_texts(Para("政" * 28 * 3, body_style(), bundled_only), g.width)
    assert [len(x) for x in lines] == [28, 28, 28]
    indented = line_texts(Para("政" * 60, body_style(first_indent=2), bundled_only), g.width)
    assert [len(x) for x in indented] == [26, 28, 6]


def test_a_url_wider_than_the_line_is_cut_into_pieces_that_fit(bundled_only):
    # One Latin token (no break opportunity) far wider than a line: cut, nothing lost, and
    # every line — measured in the font it is drawn in — fits the width.
    url = "https://www.example.gov.cn/" + "zwgk/" * 40 + "index.html"
    para = Para(url, body_style(), bundled_only)
    width = A4_NOTICE.width
    lines = para.layout(width)
    assert len(lines) > 2
    assert "".join(t for line in lines for t, _ in line.runs) == url
    for line in lines:
        assert para._run_width(line.runs) <= width + 1e-6


def test_paragraph_built_to_tempt_the_rules(bundled_only):
    # Closing marks fall exactly on the 29th position, opening marks on the 28th.
    text = ("政" * 28 + "，" + "务" * 26 + "“" + "公开" + "。" * 1 + "开" * 26 + "（" + "括号）"
            + "信" * 25 + "……" + "息" * 27 + "》" + "完")
    lines = line_texts(Para(text, body_style(), bundled_only), A4_NOTICE.width)
    assert len(lines) > 3
    for line in lines[1:]:
        assert line[0] not in linebreak.CANNOT_START, lines
    for line in lines[:-1]:
        assert line[-1] not in linebreak.CANNOT_END, lines
    assert "".join(lines) == text


def test_latin_runs_are_not_split(bundled_only):
    text = "政" * 20 + "电话13812345678，证件330102********123X。"
    lines = line_texts(Para(text, body_style(), bundled_only), A4_NOTICE.width)
    assert any("13812345678" in x for x in lines)
    assert any("330102********123X" in x for x in lines)


PUNCT = "，。、；：？！）》」』”’…（《「『“‘"
chunks = st.lists(st.tuples(st.text("政务公开信息名单张三李四", min_size=1, max_size=6),
                            st.text(PUNCT, max_size=2)), min_size=1, max_size=30)


@given(chunks, st.integers(8, 40))
@hsettings(max_examples=150, deadline=None)
def test_no_line_starts_or_ends_wrongly(bundled_only, parts, chars):
    text = "".join(a + b for a, b in parts)
    width = chars * A4_NOTICE.width / 28
    lines = line_texts(Para(text, body_style(), bundled_only), width)
    assert "".join(lines) == text
    for line in lines[1:]:
        assert line[0] not in linebreak.CANNOT_START
    for line in lines[:-1]:
        assert line[-1] not in linebreak.CANNOT_END
        assert not (line[-1] == "…" and lines[lines.index(line) + 1][0] == "…")


def test_break_lines_on_plain_tokens():
    tokens = list("一二三，四五")
    spans = linebreak.break_lines(tokens, [1.0] * 6, [3.0])
    assert [("".join(tokens[a:b])) for a, b in spans] == ["一二", "三，四", "五"]


def test_missing_character_reported_with_bundled_font_only(bundled_only):
    assert bundled_only.role("body").path.name == "wqy-microhei.ttc"
    missing = bundled_only.missing(f"户主张{RARE_IN_BUNDLED}，李{NOWHERE}")
    assert missing == {RARE_IN_BUNDLED, NOWHERE}


def test_missing_font_folder_falls_back_to_bundled(tmp_path):
    book = FontBook.get([tmp_path / "没有这个文件夹"])
    assert all(f.path.name == "wqy-microhei.ttc" for f in book.roles.values())
    assert book.missing("关于低保对象的公示") == set()


def test_rare_character_falls_back_to_another_installed_font(tmp_path):
    source = next((p for p in SYSTEM_FALLBACKS if p.exists()), None)
    if source is None:
        pytest.skip("no second Chinese TrueType font on this machine")
    folder = tmp_path / "字体 目录"
    folder.mkdir()
    (folder / source.name).symlink_to(source)
    book = FontBook.get([folder])
    runs = book.runs(f"张{RARE_IN_BUNDLED}", "body")
    fonts_used = {name for _, name in runs}
    assert len(fonts_used) >= 1
    assert book.missing(RARE_IN_BUNDLED) == set()
    assert book.missing(NOWHERE) == {NOWHERE}
    # the markup for ReportLab's own Paragraph switches fonts inline
    assert book.markup("张&三", "body").count("<font") >= 1 and "&amp;" in book.markup("张&三", "body")


def _fake_cff_font(path: Path) -> None:
    tables = [b"CFF ", b"cmap", b"head"]
    header = struct.pack(">4sHHHH", b"OTTO", len(tables), 0, 0, 0)
    entries = b"".join(struct.pack(">4sIII", t, 0, 0, 0) for t in tables)
    path.write_bytes(header + entries)


def test_cff_fonts_are_skipped_not_fatal(tmp_path):
    folder = tmp_path / "fonts"
    folder.mkdir()
    _fake_cff_font(folder / "simhei.ttf")
    _fake_cff_font(folder / "simfang.otf")
    assert not has_truetype_outlines(folder / "simhei.ttf")
    book = FontBook.get([folder])
    assert book.role("hei").path.name == "wqy-microhei.ttc"
    assert any("simhei" in r for r in book.refused)


def test_font_book_is_cached(bundled_only):
    assert FontBook.get([]) is bundled_only


def test_numbers_stay_with_their_units(bundled_only):
    text = "政" * 22 + "2026年9月23日起公示"
    lines = line_texts(Para(text, body_style(), bundled_only), A4_NOTICE.width)
    assert not any(line[0] in linebreak.UNITS_AFTER_NUMBER and prev[-1].isdigit()
                   for prev, line in pairwise(lines)), lines
