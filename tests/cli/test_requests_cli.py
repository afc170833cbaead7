"""deskapp requests / request due: output, JSON keys, exit codes and Chinese messages."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from deskapp import cli
from deskapp.commands import requests as requests_cmd
from deskapp.core.requests import records
from tests.core.requests.helpers import data

TODAY = dt.date(2026, 11, 26)
CALENDAR_KEYS = {"start", "days", "due", "provisional", "skipped", "makeup_workdays"}


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    monkeypatch.setattr(requests_cmd, "today", lambda: TODAY)


def test_request_due_json_is_calendar_due_plus_pauses_and_restart(db_path, capsys) -> None:
    code = cli.main(["request", "due", "--received", "2026-03-23", "--supplement-received", "2026-04-08",
                     "--json", "--db", str(db_path)])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and CALENDAR_KEYS | {"paused_days", "restarted_from"} <= set(out)
    assert out["due"] == "2026-05-09" and out["restarted_from"] == "2026-04-08" and out["paused_days"] == 0
    assert ["2026-05-01", "劳动节"] in out["skipped"] and "2026-05-09" in out["makeup_workdays"]


def test_request_due_with_consultations_and_extension(db_path, capsys) -> None:
    code = cli.main(["request", "due", "--received", "2026-03-23", "--supplement-received", "2026-04-08",
                     "--third-party", "2026-04-15", "2026-04-24", "--third-party", "2026-04-16", "none",
                     "--extended", "--db", str(db_path)])
    first, explain = capsys.readouterr().out.splitlines()[:2]
    # the unanswered one runs to 4/16 + 15 working days = 5/11: 4/16–5/11 paused, 16 working days.
    # counted 4/9 10 13 14 15, then 5/12 … → 20th = 6/1; extended: 6/2 … (6/19 端午) … 6/30
    assert code == 0 and first == "2026-06-30"
    assert "不计" in explain and "延期" in explain


@pytest.mark.parametrize("argv, needle", [
    (["request", "due", "--received", "三月"], "无法识别"),
    (["request", "due", "--received", "2026-03-23", "--supplement-received", "2026-03-01"], "不能早于"),
    (["request", "due", "--received", "2026-03-23", "--third-party", "2026-04-15", "2026-04-01"], "早于发出日期"),
    (["request", "due"], "缺少参数"),
    (["request"], "参数有误"),
])
def test_bad_arguments_exit_2_with_one_chinese_line(db_path, capsys, argv, needle) -> None:
    with pytest.raises(SystemExit) as exc:
        raise SystemExit(cli.main([*argv, "--db", str(db_path)] if len(argv) > 2 else argv))
    err = capsys.readouterr().err.strip()
    assert exc.value.code == 2 and needle in err and "\n" not in err and "Traceback" not in err


def test_requests_lists_masked_and_filters(db, db_path, actor, capsys) -> None:
    with db.session() as s:
        open_id = records.create_request(s, actor, data(received_on=dt.date(2026, 10, 9)), today=TODAY).id
        closed = records.create_request(s, actor, data(received_on=dt.date(2026, 3, 2), applicant_name="李四"),
                                        today=TODAY)
        records.close_request(s, actor, closed.id, closed.version, "open", dt.date(2026, 3, 20), "post", today=TODAY)
    db.close()
    assert cli.main(["requests", "--open", "--json", "--db", str(db_path)]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in rows] == [open_id] and rows[0]["overdue"] is True
    assert rows[0]["applicant"] == "张*三" and "11010519491231002X" not in json.dumps(rows)
    assert cli.main(["requests", "--year", "2026", "--db", str(db_path)]) == 0
    out = capsys.readouterr().out
    assert "共 2 件，超期 1 件。" in out and "李*" in out and "（一）予以公开" in out
