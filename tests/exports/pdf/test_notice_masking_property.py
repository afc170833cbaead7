"""Issue 15 §1 guard: a number as people type and paste it, printed as a notice PDF, never
shows its hidden middle digits in what ``pdftotext`` reads back (separators removed)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import tempfile
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from deskapp.core.privacy import masking as privacy
from deskapp.exports.pdf.notice import NoticeData, render_notice

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")

SEPARATORS = [" ", "\u00a0", "\u3000", "\t", "\u200b", ".", "-", "–", "—", "\n", " - ", "\r\n"]


def make_id(area: int, birth: dt.date, seq: int) -> str:
    first17 = f"{area:06d}{birth:%Y%m%d}{seq:03d}"
    return first17 + privacy.id_check_char(first17)


areas = st.builds(lambda p, rest: int(p) * 10000 + rest, st.sampled_from(sorted(privacy.PROVINCES)),
                  st.integers(0, 9999))
ids = st.builds(make_id, areas, st.dates(dt.date(1930, 1, 1), dt.date(2020, 12, 31)), st.integers(0, 999))
typo_ids = ids.map(lambda p: p[:17] + ("0" if p[17] != "0" else "1"))
phones = st.builds(lambda p, rest: f"1{p}{rest:09d}", st.sampled_from("3456789"), st.integers(0, 10**9 - 1))


def hidden(number: str) -> tuple[str, ...]:
    """The masked middle with one neighbour on each side: none may be read back."""
    if len(number) == 11:
        return number[2:7], number[3:8]
    return number[5:14], number[6:15]


@st.composite
def written(draw: st.DrawFn) -> tuple[str, str]:
    """(the number, the number as typed/pasted: grouped, widened, glued, broken over lines)."""
    number = draw(st.one_of(ids, typo_ids, phones))
    typo = len(number) == 18 and not privacy.is_id18(number)
    cuts = sorted(draw(st.sets(st.integers(1, len(number) - 1), max_size=4)))
    pieces = [number[a:b] for a, b in zip([0, *cuts], [*cuts, len(number)], strict=True)]
    out, loose = pieces[0], 0
    for piece in pieces[1:]:
        sep = draw(st.sampled_from(SEPARATORS))
        if any(c in "\t\r\n" for c in sep):
            loose += 1
            # A number cut by tabs or line breaks more than twice reads as table cells of small
            # figures (masking.MAX_LOOSE), and so does a typo'd ID cut by one: a statistics
            # table must stay readable.
            sep = sep if loose <= privacy.MAX_LOOSE and not typo else " "
        out += sep + piece
    if draw(st.booleans()):  # full-width, as many IMEs type them
        out = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() and draw(st.booleans()) else c for c in out)
    before = draw(st.text("0123456789", max_size=1 if len(number) == 11 else 3))
    after = draw(st.text("0123456789", max_size=1 if len(before) == 0 or len(number) == 18 else 0))
    return number, before + out + after


def pdf_text(pdf: bytes) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "notice.pdf"
        path.write_bytes(pdf)
        result = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                                check=True, timeout=60)
    text = unicodedata.normalize("NFKC", result.stdout.decode("utf-8"))
    return "".join(c for c in text if not c.isspace() and c not in privacy.SEPARATORS
                   and c not in privacy.ZERO_WIDTH)


def notice(title: str, content: str) -> bytes:
    """As deskapp.exports.pdf.source.notice_data masks an item, then printed."""
    data = NoticeData(title=privacy.mask_text(title), content=privacy.mask_content(content, True),
                      issuer="某某街道办事处", date=dt.date(2026, 9, 20),
                      notice_start=dt.date(2026, 9, 23), notice_end=dt.date(2026, 9, 29))
    return render_notice(data, "a4").data


def embed(where: str, text: str) -> tuple[str, str]:
    if where == "title":
        return f"关于{text}的公示", "经审核，现予公示。"
    if where == "cell":
        return "低保对象名单公示", f"名单如下：\n序号\t姓名\t号码\t备注\n1\t张*\t{text}\t无\n2\t李四\t无\t无"
    if where == "name":
        return "低保对象名单公示", f"名单如下：\n序号\t姓名\t备注\n1\t张* {text}\t无"
    return "低保对象公示", f"经审核，申请人王某某（号码{text}）符合条件，拟纳入保障范围。"


@given(written(), st.sampled_from(["title", "text", "cell", "name"]))
@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_printed_notice_never_shows_the_hidden_digits(number_written, where):
    number, text = number_written
    flat = pdf_text(notice(*embed(where, text)))
    assert number not in flat
    for middle in hidden(number):
        assert middle not in flat, (text, flat)


@pytest.mark.parametrize("text", [
    "１１０１０５１９９００３０７１２３９", "110105\u00a019900307\u00a01239", "110105\u300019900307\u30001239",
    "110105\t19900307\t1239", "11010519\u200b9003071239", "110105.1990.0307.1239", "110105–19900307–1239",
    "11010519900\n3071239", "110105 1990 0307 1239", "9110105199003071239", "110105199003071230",
])
def test_each_reported_id_shape_printed_masked(text):
    for where in ("title", "text", "cell", "name"):
        flat = pdf_text(notice(*embed(where, text)))
        assert "19900307" not in flat, (where, text, flat)


@pytest.mark.parametrize("text", ["1381 2345 678", "213812345678", "１３８１２３４５６７８", "138–1234–5678"])
def test_each_reported_phone_shape_printed_masked(text):
    flat = pdf_text(notice(*embed("text", text)))
    assert "81234" not in flat and "12345" not in flat, flat
