"""deskapp notice / board: exit codes, one Chinese line on stderr, files written whole."""

from __future__ import annotations

import datetime as dt

from pypdf import PdfReader

from deskapp import cli
from deskapp.core.register.items import ItemData, create_item
from deskapp.core.store import settings


def add(db, actor, status, title="关于低保对象的公示"):
    with db.session() as s:
        settings.put_many(s, {"org_name": "某某街道办事处", "phone": "0571-87654321"})
        data = ItemData(title=title, kind="公告公示", formed_on=dt.date(2025, 9, 1), status=status,
                        content="经审核，现将名单公示如下。")
        return create_item(s, actor, data, today=dt.date(2025, 12, 31)).id


def test_notice_a4_and_a3(db, db_path, actor, tmp_path, capsys):
    item = add(db, actor, "approved")
    db.close()
    out = tmp_path / "输出 目录" / "公示.pdf"
    out.parent.mkdir()
    assert cli.main(["notice", "--db", str(db_path), "--item", str(item), "--out", str(out)]) == 0
    assert round(float(PdfReader(str(out)).pages[0].mediabox.height)) == 842
    assert cli.main(["notice", "--db", str(db_path), "--item", str(item), "--template", "a3",
                     "--out", str(out)]) == 0
    assert round(float(PdfReader(str(out)).pages[0].mediabox.height)) == 1191
    assert "已生成" in capsys.readouterr().out


def test_unsigned_refused_unless_draft(db, db_path, actor, tmp_path, capsys):
    item = add(db, actor, "draft")
    db.close()
    out = tmp_path / "a.pdf"
    assert cli.main(["notice", "--db", str(db_path), "--item", str(item), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert "尚未签发" in err and len(err.splitlines()) == 1 and "Traceback" not in err
    assert "--draft" in err  # what to do, in the words of the command line
    assert not out.exists()
    assert cli.main(["notice", "--db", str(db_path), "--item", str(item), "--out", str(out), "--draft"]) == 0
    assert "草稿" in PdfReader(str(out)).pages[0].extract_text()


def test_missing_item_and_bad_folder(db, db_path, tmp_path, capsys):
    db.close()
    assert cli.main(["notice", "--db", str(db_path), "--item", "999", "--out", str(tmp_path / "a.pdf")]) == 2
    assert "999" in capsys.readouterr().err
    assert cli.main(["board", "--db", str(db_path), "--out", str(tmp_path / "无" / "b.pdf")]) == 2


def test_board_command(db, db_path, actor, tmp_path, capsys):
    add(db, actor, "approved", "关于第一批对象的公示")
    add(db, actor, "published", "关于第二批对象的公示")
    db.close()
    out = tmp_path / "公示栏.pdf"
    assert cli.main(["board", "--db", str(db_path), "--date", "2026-09-23", "--out", str(out)]) == 0
    assert "第1期" in capsys.readouterr().out
    text = "".join(p.extract_text() for p in PdfReader(str(out)).pages).replace("\n", "")
    assert "关于第一批对象的公示" in text and "关于第二批对象的公示" in text
    assert cli.main(["board", "--db", str(db_path), "--date", "明天", "--out", str(out)]) == 2


def test_characters_no_font_has_are_named_on_stderr(db, db_path, actor, tmp_path, capsys):
    with db.session() as s:
        data = ItemData(title="关于低保对象的公示", kind="公告公示", formed_on=dt.date(2025, 9, 1),
                        status="approved", content="姓名\t人数\n张\U00020000\t2")
        item = create_item(s, actor, data, today=dt.date(2025, 12, 31)).id
    db.close()
    out = tmp_path / "a.pdf"
    assert cli.main(["notice", "--db", str(db_path), "--item", str(item), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "\U00020000" in err and out.exists()
