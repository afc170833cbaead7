"""Notices, posters and the board read back with pypdf: size, text, masking, fonts, files."""

from __future__ import annotations

import datetime as dt
import io
import os
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from deskapp.core.errors import DeskError, ValidationError
from deskapp.core.privacy.masking import id_check_char
from deskapp.core.register.items import ItemData, create_item
from deskapp.core.store import settings
from deskapp.core.store.models import AuditEvent
from deskapp.exports.pdf import page as pagemod
from deskapp.exports.pdf.board import render_board
from deskapp.exports.pdf.fonts import FontBook
from deskapp.exports.pdf.notice import NoticeData, period_text, render_notice
from deskapp.exports.pdf.page import write_atomic
from deskapp.exports.pdf.source import board_data, notice_data


def make_id(area: int, birth: dt.date, seq: int) -> str:
    first17 = f"{area:06d}{birth:%Y%m%d}{seq:03d}"
    return first17 + id_check_char(first17)


PID = make_id(330102, dt.date(1962, 4, 8), 31)
A4 = (595.28, 841.89)
A3 = (841.89, 1190.55)
CONTENT = (
    "根据《最低生活保障审核确认办法》，经审核，拟将下列家庭纳入最低生活保障范围。\n"
    "一、审核情况。本期共受理申请3户。\n（一）新增对象。\n"
    f"序号\t户主姓名\t身份证号\t联系电话\n1\t张小三\t{PID}\t13812345678\n2\t李四\t无\t无\n"
    "二、其他事项。")


def make_item(db, actor, today, status="approved", content=CONTENT, title="关于2026年第三季度低保对象的公示",
              **kw):
    with db.session() as s:
        settings.put_many(s, {"org_name": "某某街道办事处", "phone": "0571-87654321"})
        data = ItemData(title=title, kind="公告公示", formed_on=dt.date(2026, 9, 20), content=content,
                        status=status, **kw)
        return create_item(s, actor, data, today=today).id


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "".join(p.extract_text() or "" for p in reader.pages)


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def font_files(pdf: bytes) -> list[tuple[str, bool]]:
    """(font name, has /FontFile2) for every font used on any page."""
    out = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            desc = font.get("/FontDescriptor")
            if desc is None and "/DescendantFonts" in font:
                desc = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            desc = desc.get_object() if desc is not None else {}
            out.append((str(font.get("/BaseFont")), "/FontFile2" in desc))
    return out


def page_size(pdf: bytes, n: int = 0) -> tuple[float, float]:
    box = PdfReader(io.BytesIO(pdf)).pages[n].mediabox
    return round(float(box.width), 2), round(float(box.height), 2)


@pytest.fixture
def notice_item(db, actor, today):
    return make_item(db, actor, today, notice_start=dt.date(2026, 9, 23), notice_end=dt.date(2026, 9, 29))


def test_a4_notice_reads_back(db, actor, today, notice_item):
    with db.session() as s:
        data = notice_data(s, notice_item, today)
    result = render_notice(data, "a4")
    text = flat(text_of(result.data))
    assert page_size(result.data) == A4
    assert "关于2026年第三季度低保对象的公示" in text
    assert "公示时间：2026年9月23日—29日" in text
    assert "监督电话：0571-87654321" in text
    assert "某某街道办事处" in text and "2026年9月23日" in text
    assert PID not in text and PID[:6] + "********" + PID[-4:] in text
    assert "13812345678" not in text and "138****5678" in text
    assert "—1—" in text
    assert "草稿" not in text
    fonts = font_files(result.data)
    assert fonts and all(embedded for _, embedded in fonts), fonts


def test_a3_poster_is_a3(db, actor, today, notice_item):
    with db.session() as s:
        result = render_notice(notice_data(s, notice_item, today), "a3")
    assert page_size(result.data) == A3
    assert "公示时间：2026年9月23日—29日" in flat(text_of(result.data))


def test_unsigned_item_refused_unless_draft_then_watermarked(db, actor, today):
    item = make_item(db, actor, today, status="in_review")
    with db.session() as s:
        with pytest.raises(DeskError, match="尚未签发"):
            notice_data(s, item, today)
        data = notice_data(s, item, today, draft=True)
    assert data.draft
    assert "草稿未签发" in flat(text_of(render_notice(data).data))


def test_unmasked_print_needs_a_reason_and_is_audited(db, actor, today, notice_item):
    with db.session() as s:
        with pytest.raises(ValidationError):
            notice_data(s, notice_item, today, unmasked_reason="  ", actor=actor)
    with db.session() as s:
        data = notice_data(s, notice_item, today, unmasked_reason="民政部门核对需要", actor=actor)
    assert PID in flat(text_of(render_notice(data).data))
    with db.session() as s:
        events = s.scalars(select(AuditEvent).where(AuditEvent.action == "print_unmasked")).all()
        assert len(events) == 1 and events[0].after["reason"] == "民政部门核对需要"
        assert events[0].after["found"] == {"身份证号": 1, "手机号": 1}


def test_no_body_still_prints_title_and_wording(db, actor, today):
    item = make_item(db, actor, today, content="", notice_start=dt.date(2026, 10, 8),
                     notice_end=dt.date(2026, 10, 14))
    with db.session() as s:
        result = render_notice(notice_data(s, item, today))
    text = flat(text_of(result.data))
    assert "公示时间：2026年10月8日—14日" in text
    assert any("没有正文" in m for m in result.messages())


def test_title_of_200_characters_wraps_and_prints(db, actor, today):
    title = ("关于某某社区居民委员会换届选举候选人初步人选的公示" * 9)[:200]
    item = make_item(db, actor, today, title=title)
    with db.session() as s:
        result = render_notice(notice_data(s, item, today))
    assert flat(title) in flat(text_of(result.data))


def test_table_of_2000_rows_repeats_its_header(db, actor, today):
    rows = "\n".join(f"{i}\t居民{i:04d}\t{make_id(330102, dt.date(1970, 1, 1) + dt.timedelta(days=i), i % 1000)}\t1"
                     for i in range(1, 2001))
    item = make_item(db, actor, today, content="名单如下：\n序号\t姓名\t身份证号\t人数\n" + rows)
    with db.session() as s:
        result = render_notice(notice_data(s, item, today))
    reader = PdfReader(io.BytesIO(result.data))
    assert len(reader.pages) > 20
    for p in reader.pages[:-1]:  # the last page may hold only the signature
        assert "身份证号" in flat(p.extract_text())
    assert "居民2000" in flat(text_of(result.data))
    assert not re.search(r"\d{17}[\dX]", text_of(result.data))


def test_missing_character_reported(db, actor, today):
    data = NoticeData(title="名单", content="户主\t姓名\n1\t张𠀀", issuer="某街道", date=dt.date(2026, 9, 3))
    result = render_notice(data, fonts=FontBook.get([]))
    assert result.missing == {"𠀀"}
    assert any("𠀀" in m for m in result.messages())


def test_period_text_forms():
    assert period_text(dt.date(2026, 9, 23), dt.date(2026, 9, 29)) == "2026年9月23日—29日"
    assert period_text(dt.date(2026, 9, 28), dt.date(2026, 10, 9)) == "2026年9月28日—10月9日"
    assert period_text(dt.date(2026, 12, 28), dt.date(2027, 1, 3)) == "2026年12月28日—2027年1月3日"


def test_write_keeps_old_file_when_target_locked(tmp_path, monkeypatch):
    folder = tmp_path / "输出 文件夹"
    folder.mkdir()
    target = folder / "公示.pdf"
    target.write_bytes(b"old")

    def locked(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(pagemod.os, "replace", locked)
    with pytest.raises(DeskError, match="原文件未改动"):
        write_atomic(target, b"%PDF-new")
    assert target.read_bytes() == b"old"
    assert os.listdir(folder) == ["公示.pdf"]


def test_write_to_missing_folder_or_directory(tmp_path):
    with pytest.raises(DeskError, match="不存在"):
        write_atomic(tmp_path / "没有" / "a.pdf", b"x")
    (tmp_path / "a.pdf").mkdir()
    with pytest.raises(DeskError):
        write_atomic(tmp_path / "a.pdf", b"x")
    assert [p.name for p in tmp_path.iterdir()] == ["a.pdf"]


def test_board_sheet_numbers_issues(db, actor, today):
    for n in range(3):
        make_item(db, actor, today, title=f"关于第{n + 1}批临时救助对象的公示")
    with db.session() as s:
        data = board_data(s, actor, today)
    result = render_board(data)
    text = flat(text_of(result.data))
    assert page_size(result.data) == A3
    assert "某某街道办事处政务公开栏" in text and "第1期" in text and "2026年11月26日" in text
    assert all(f"关于第{n}批临时救助对象的公示" in text for n in (1, 2, 3))
    assert PID not in text and all(e for _, e in font_files(result.data))
    with db.session() as s:
        assert board_data(s, actor, today).number == 1  # same day: same issue
        assert board_data(s, actor, today + dt.timedelta(days=1)).number == 2


def test_board_with_nothing_to_post(db, actor, today):
    with db.session() as s:
        with pytest.raises(DeskError, match="没有需要张贴"):
            board_data(s, actor, today)


def test_signature_typed_in_the_content_is_not_printed_twice():
    data = NoticeData(title="公示", content="现将名单公示如下。\n云溪区长安街道办事处\n2026年1月12日",
                      issuer="某某街道办事处", date=dt.date(2026, 9, 3))
    text = flat(text_of(render_notice(data).data))
    assert text.count("云溪区长安街道办事处") == 1 and text.count("2026年1月12日") == 1
    assert "某某街道办事处" not in text and "2026年9月3日" not in text


def test_written_file_has_the_usual_permissions(tmp_path):
    """A temp file is private (0600); the PDF a clerk saves must be readable like any file
    she saves (by the umask), and an overwritten file keeps its own permissions."""
    mask = os.umask(0o022)
    try:
        new = write_atomic(tmp_path / "新 公示.pdf", b"%PDF-1")
        assert new.stat().st_mode & 0o777 == 0o644
        old = tmp_path / "旧 公示.pdf"
        old.write_bytes(b"old")
        old.chmod(0o664)
        write_atomic(old, b"%PDF-2")
        assert old.stat().st_mode & 0o777 == 0o664 and old.read_bytes() == b"%PDF-2"
    finally:
        os.umask(mask)


def test_a_folder_in_place_of_the_file_is_named_as_such(tmp_path):
    (tmp_path / "公示").mkdir()
    with pytest.raises(DeskError, match="是一个文件夹"):
        write_atomic(tmp_path / "公示", b"x")


@pytest.mark.parametrize("geometry", ["A4_NOTICE", "A3_POSTER"])
def test_seal_presses_on_signature_and_date_as_gbt9704_says(geometry):
    """§7.3.5.1: the seal's top within one line below the body, 署名 and 成文日期 a little
    below the seal's centre (the circle must not sit low, under the date)."""
    from deskapp.exports.pdf.notice import Signature

    g = getattr(pagemod, geometry)
    sig = Signature("某某街道办事处", dt.date(2026, 9, 3), g, FontBook.get(), set(), seal=True)
    sig.wrap(g.width, g.height)
    cx, cy, r = sig.seal_circle()
    body_bottom = sig.height + sig.spaceBefore  # the last body line ends here (flowable coordinates)
    assert body_bottom - g.leading <= cy + r <= body_bottom
    xi, xd = sig.positions()
    text_middle = sig.height - g.leading  # between the 署名 line and the date line
    assert cy > text_middle
    assert abs(cx - (xd + (sig.width - 4 * (g.body_size + g.char_space) - xd) / 2)) < 1  # centred on the date


def test_board_for_another_day_counts_the_period_from_that_day(db, actor, today):
    """`deskapp board --date 2026-12-25`: a notice without dates is counted from the board's
    day, and the warning must not say 今天 (it is not today)."""
    make_item(db, actor, today, title="关于元旦慰问对象的公示")
    day = dt.date(2026, 12, 25)
    with db.session() as s:
        notes = render_board(board_data(s, actor, day)).messages()
    assert any("2026-12-25 至 2026-12-31" in n for n in notes)
    assert not any("今天" in n for n in notes)
