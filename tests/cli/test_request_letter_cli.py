"""deskapp request letter: every kind written from the database, read back, and recorded in the
request's history; letters for steps that never happened, unknown requests and bad folders are
refused with one Chinese line and exit 2, leaving no file and no history line."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from deskapp import cli
from deskapp.core.audit.chain import Actor
from deskapp.core.requests import records
from deskapp.core.requests.records import RequestData
from deskapp.core.store.db import Database
from deskapp.core.store.models import RequestEvent

ACTOR = Actor(None, "测试员")
TODAY = dt.date(2026, 5, 20)


def walked_request(db: Database) -> int:
    """Received 2026-03-23, 补正 03-25 → 04-08, consultation 04-10 → 04-17, extended 04-30,
    answered 05-18 (（四）1)."""
    with db.session() as s:
        rid = records.create_request(s, ACTOR, RequestData(
            applicant_name="张三", id_number="110105199003071239", phone="13812345678", address="长安街1号",
            received_on=dt.date(2026, 3, 23), content="2025年低保名单"), today=TODAY).id
    steps = [
        lambda s, v: records.notify_supplement(s, ACTOR, rid, v, dt.date(2026, 3, 25), "请写明年份", today=TODAY),
        lambda s, v: records.receive_supplement(s, ACTOR, rid, v, dt.date(2026, 4, 8), today=TODAY),
        lambda s, v: records.send_consultation(s, ACTOR, rid, v, "某物业公司", dt.date(2026, 4, 10), today=TODAY),
        lambda s, v: records.answer_consultation(
            s, ACTOR, rid, v, records.consultations_of(s, rid)[0].id, dt.date(2026, 4, 17), today=TODAY),
        lambda s, v: records.extend(s, ACTOR, rid, v, dt.date(2026, 4, 30), "李主任", "需调取档案", today=TODAY),
        lambda s, v: records.close_request(s, ACTOR, rid, v, "unable_1", dt.date(2026, 5, 18), "post", today=TODAY),
    ]
    for step in steps:
        with db.session() as s:
            step(s, records.get_request(s, rid).version)
    return rid


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("kind, words", [
    ("receipt", ["登记回执", "张三", "2026年3月23日"]),
    ("supplement", ["补正", "请写明年份", "第三十条"]),
    ("third-party", ["某物业公司", "15个工作日"]),
    ("extension", ["延期", "第三十三条"]),
    ("reply", ["答复书", "第三十六条", "60日", "6个月"]),
])
def test_every_kind_is_written_and_recorded(db, db_path, tmp_path, capsys, kind, words):
    rid = walked_request(db)
    out = tmp_path / f"{kind} 文书.pdf"
    code = cli.main(["request", "letter", "--db", str(db_path), "--request", str(rid), "--kind", kind,
                     "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    text = pdf_text(out).replace("\n", "")
    for word in words:
        assert word in text, (kind, word)
    assert "110105199003071239" not in text
    if kind == "third-party":
        assert "张三" not in text  # the third party is not told who asked
    with db.session() as s:
        kinds = s.scalars(select(RequestEvent.letter_kind).where(RequestEvent.request_id == rid)).all()
    assert kind in kinds


def test_refusals_leave_no_file_and_no_history(db, db_path, tmp_path, capsys):
    with db.session() as s:
        rid = records.create_request(s, ACTOR, RequestData(
            applicant_name="李四", phone="13812345678", address="长安街1号",
            received_on=dt.date(2026, 5, 11), content="预算"), today=TODAY).id
    out = tmp_path / "答复书.pdf"
    base = ["request", "letter", "--db", str(db_path), "--out", str(out)]
    assert cli.main([*base, "--request", str(rid), "--kind", "reply"]) == 2
    assert "尚未答复办结" in capsys.readouterr().err
    assert cli.main([*base, "--request", "999", "--kind", "receipt"]) == 2
    assert "999" in capsys.readouterr().err
    assert cli.main(["request", "letter", "--db", str(db_path), "--request", str(rid), "--kind", "receipt",
                     "--out", str(tmp_path / "无此文件夹" / "a.pdf")]) == 2
    assert "不存在" in capsys.readouterr().err
    assert not out.exists()
    with db.session() as s:
        assert not s.scalars(select(RequestEvent).where(RequestEvent.letter_kind.is_not(None))).all()
