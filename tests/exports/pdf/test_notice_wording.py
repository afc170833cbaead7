"""Each kind of notice reads as one: a 公示 invites objections in a period, a 公告 / 通告 /
通知 closes with 特此公告 / 特此通告 / 特此通知, a 工作动态 adds nothing. Read back with pdftotext."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess

import pytest

from deskapp import cli
from deskapp.core.board import noticeboard
from deskapp.core.board.wording import NOTICE_KIND, PLAIN, WORDINGS, genre_of
from deskapp.core.register.items import ItemData, create_item
from deskapp.core.store import settings
from deskapp.exports.pdf.board import render_board
from deskapp.exports.pdf.notice import NoticeData, render_notice
from deskapp.exports.pdf.source import board_data, notice_data

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed")

PUBLIC_LINES = ("现予公示", "公示时间", "监督电话", "如有异议")
CLOSINGS = ("特此公告", "特此通告", "特此通知")


def pdftext(pdf: bytes) -> str:
    """The PDF's text as pdftotext reads it, whitespace removed (lines wrap anywhere)."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True)
    return re.sub(r"\s+", "", out.stdout.decode("utf-8"))


def add(db, actor, today, kind, title, content="经研究，现将有关事项说明如下。", status="approved", **kw):
    with db.session() as s:
        settings.put_many(s, {"org_name": "某某街道办事处", "phone": "0571-87654321"})
        data = ItemData(title=title, kind=kind, formed_on=dt.date(2026, 9, 20), content=content,
                        status=status, **kw)
        return create_item(s, actor, data, today=today).id


# (kind, title, what must be printed, what must not)
CASES = [
    ("公告公示", "关于2026年第三季度低保对象的公示",
     ["现予公示，接受社会公众监督。公示时间：2026年9月23日—29日。", "监督电话：0571-87654321。"], CLOSINGS),
    ("公告公示", "关于暂停办理户籍业务的公告", ["特此公告。"], PUBLIC_LINES + ("特此通知", "特此通告")),
    ("公告公示", "关于长安路封闭施工的通告", ["特此通告。"], PUBLIC_LINES + ("特此公告", "特此通知")),
    ("公告公示", "关于开展秋季消防演练的通知", ["特此通知。"], PUBLIC_LINES + ("特此公告", "特此通告")),
    ("公告公示", "关于公示期满后发放补贴的通知", ["特此通知。"], PUBLIC_LINES + ("特此公告",)),
    ("工作动态", "街道召开低保对象公示工作推进会", [], PUBLIC_LINES + CLOSINGS),
    ("政策文件", "关于印发《长安街道临时救助办法》的通知", [], PUBLIC_LINES + CLOSINGS),
    ("人事信息", "关于干部任前公示的公告", [], PUBLIC_LINES + CLOSINGS),
]


@pytest.mark.parametrize("template", ["a4", "a3"])
@pytest.mark.parametrize(("kind", "title", "present", "absent"), CASES)
def test_each_kind_reads_as_itself(db, actor, today, template, kind, title, present, absent):
    item = add(db, actor, today, kind, title, notice_start=dt.date(2026, 9, 23), notice_end=dt.date(2026, 9, 29))
    with db.session() as s:
        result = render_notice(notice_data(s, item, today), template)
    text = pdftext(result.data)
    assert re.sub(r"\s+", "", title) in text
    for line in present:
        assert text.count(line) == 1, (line, text)
    for line in absent:
        assert line not in text, (line, text)


def test_a_closing_the_clerk_typed_is_not_printed_twice(db, actor, today):
    item = add(db, actor, today, "公告公示", "关于暂停办理户籍业务的公告", content="暂停办理三天。\n特此公告。")
    with db.session() as s:
        text = pdftext(render_notice(notice_data(s, item, today)).data)
    assert text.count("特此公告") == 1


def test_only_a_public_notice_warns_about_its_period_and_phone(db, actor, today):
    """A 公告 without a 监督电话 or a 公示期 is complete; a 工作动态 is dated the day it was made."""
    notice = add(db, actor, today, "公告公示", "关于暂停办理户籍业务的公告")
    news = add(db, actor, today, "工作动态", "街道召开消防安全工作会议")
    public = add(db, actor, today, "公告公示", "关于低保对象的公示")
    with db.session() as s:
        settings.put_many(s, {"phone": ""})
        for item in (notice, news):
            data = notice_data(s, item, today)
            assert not any("公示" in w for w in data.warnings), data.warnings
        assert notice_data(s, news, today).date == dt.date(2026, 9, 20)
        assert notice_data(s, notice, today).date == today
        warned = notice_data(s, public, today).warnings
    assert any("公示期尚未确定" in w for w in warned) and any("监督电话" in w for w in warned)


def test_empty_body_warning_in_the_genre_s_words():
    for genre, said in [("公示", "公示时间"), ("公告", "特此公告"), (PLAIN, "只含标题和落款")]:
        data = NoticeData(title="标题", content="", issuer="某街道", date=dt.date(2026, 9, 3), genre=genre)
        notes = render_notice(data).messages()
        assert any("没有正文" in n and said in n for n in notes), notes
    plain = NoticeData(title="标题", content="", issuer="某街道", date=dt.date(2026, 9, 3), genre=PLAIN)
    assert not any("公示" in n for n in render_notice(plain).messages())


def test_qr_caption_names_the_document():
    data = NoticeData(title="关于暂停办理户籍业务的公告", content="暂停三天。", issuer="某街道",
                      date=dt.date(2026, 9, 3), url="https://example.gov.cn/1", genre="公告")
    text = pdftext(render_notice(data).data)
    assert "扫码查看网上公告" in text and "公示" not in text


def test_board_sheet_prints_each_notice_in_its_own_words(db, actor, today):
    add(db, actor, today, "公告公示", "关于低保对象的公示")
    add(db, actor, today, "公告公示", "关于暂停办理户籍业务的公告")
    add(db, actor, today, "公告公示", "关于开展秋季消防演练的通知")
    with db.session() as s:
        text = pdftext(render_board(board_data(s, actor, today)).data)
    assert text.count("现予公示") == 1 and text.count("监督电话") == 1
    assert text.count("特此公告。") == 1 and text.count("特此通知。") == 1


def test_genre_of_reads_the_last_genre_word_of_a_notice_title():
    assert genre_of("公告公示", "关于低保对象的公示") == "公示"
    assert genre_of("公告公示", "2026年低保对象名单") == "公示"  # a 公告公示 naming none: 公示
    assert genre_of("公告公示", "关于发放通知书的公告") == "公告"
    assert genre_of("公告公示", "关于公告栏更换的通知（第二次）") == "通知"
    assert genre_of("工作动态", "关于低保对象的公示") == PLAIN
    assert NOTICE_KIND == noticeboard.NOTICE_KIND
    assert set(WORDINGS) == {"公示", "公告", "通告", "通知", PLAIN}


def test_cli_notice_on_news_has_no_public_notice_wording(db, db_path, actor, today, tmp_path, capsys):
    item = add(db, actor, today, "工作动态", "街道召开消防安全工作会议")
    db.close()
    out = tmp_path / "动态.pdf"
    assert cli.main(["notice", "--db", str(db_path), "--item", str(item), "--out", str(out)]) == 0
    captured = capsys.readouterr()
    text = pdftext(out.read_bytes())
    assert "街道召开消防安全工作会议" in text
    assert not any(line in text for line in PUBLIC_LINES + CLOSINGS)
    assert "公示" not in captured.err
