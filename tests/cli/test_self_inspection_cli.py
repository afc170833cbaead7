"""deskapp report self-inspection: the 自查报告 draft read back with python-docx — the figures in
the sentences, one problem and one measure per open finding, the charts as the very PNGs the
工作台 shows; quarters not begun and bad targets refused in one Chinese line."""

from __future__ import annotations

import argparse
import datetime as dt
import io
from pathlib import Path

import pytest
from docx import Document
from PIL import Image

from deskapp.commands import report_self_inspection as cmd
from deskapp.core.dashboard.board import dashboard
from deskapp.core.errors import DeskError
from deskapp.core.store import settings
from deskapp.core.store.models import CalendarYear, Item, Setting, WorklogEntry
from deskapp.exports.charts import dashboard_charts
from deskapp.exports.word.self_inspection import build_document, draft_for

TODAY = dt.date(2026, 11, 26)


@pytest.fixture
def desk(db):
    """Q1–Q3 2026: 4 policy documents (the two 政策文件 without interpretation), 2 interpretations, 3
    工作动态, one item overdue and unpublished, 2 meetings, 1 reply to a resident."""
    with db.session() as s:
        s.add(Setting(key="org_name", value="云溪街道办事处"))
        n = 0

        def add(**kw):
            nonlocal n
            n += 1
            item = Item(index_no=f"T/2026-{n:05d}", title=f"信息{n}", formed_on=dt.date(2026, 1, 5), **kw)
            s.add(item)
            s.flush()
            return item

        for month in (2, 5, 8):
            interp = add(kind="政策解读", status="published", published_on=dt.date(2026, month, 11))
            if month != 8:
                add(kind="规范性文件", status="published", published_on=dt.date(2026, month, 10),
                    interpretation_id=interp.id, due_on=dt.date(2026, month, 20))
        add(kind="政策文件", status="published", published_on=dt.date(2026, 9, 1), due_on=dt.date(2026, 8, 28))
        add(kind="政策文件", status="published", published_on=dt.date(2026, 9, 2))
        for month in (3, 6, 9):
            add(kind="工作动态", status="published", published_on=dt.date(2026, month, 3))
        add(kind="工作动态", status="draft", due_on=dt.date(2026, 9, 1))  # overdue, unpublished
        add(kind="工作动态", status="published", published_on=dt.date(2026, 10, 9))  # after Q3: not counted
        s.add_all([WorklogEntry(day=dt.date(2026, 3, 2), kind="meeting", title="政务公开工作会"),
                   WorklogEntry(day=dt.date(2026, 9, 2), kind="meeting", title="政务公开推进会"),
                   WorklogEntry(day=dt.date(2026, 11, 2), kind="meeting", title="第四季度的会"),
                   WorklogEntry(day=dt.date(2026, 6, 2), kind="response", title="答复居民询问", channel="hotline")])
        if s.get(CalendarYear, 2027) is None:
            s.add(CalendarYear(year=2027, source="user"))
    return db


def run(db_path: Path, out: Path, monkeypatch, *extra: str) -> int:
    monkeypatch.setattr(cmd, "today", lambda: TODAY)
    parser = argparse.ArgumentParser()
    cmd.register_report(parser.add_subparsers())
    args = parser.parse_args(["self-inspection", "--year", "2026", "--out", str(out), "--db", str(db_path), *extra])
    return int(args.func(args))


def text_of(path: Path) -> list[str]:
    return [p.text for p in Document(str(path)).paragraphs if p.text.strip()]


def test_the_draft_reads_back_with_its_figures(desk, db_path, tmp_path, monkeypatch, capsys):
    out = tmp_path / "自查 报告.docx"
    assert run(db_path, out, monkeypatch, "--quarter", "3") == 0
    assert "已生成" in capsys.readouterr().out
    paragraphs = text_of(out)
    assert paragraphs[0] == "云溪街道办事处2026年政府信息公开工作自查报告"
    body = "\n".join(paragraphs)
    assert ("截至第三季度，公开政策文件类公文信息数 4 条，主动公开新增信息数 10 条，政策解读稿件发布数 3 篇，"
            "回应群众询问 1 次，召开政府信息公开工作会 2 次") in body
    # the three headings in order, problems and measures numbered 一是、二是…
    heads = [paragraphs.index(h) for h in ("一、基本情况", "二、存在问题", "三、整改措施")]
    assert heads == sorted(heads)
    problems = paragraphs[heads[1] + 1:heads[2]]
    assert problems[0].startswith("一是政策解读不同步。") and "有 2 件未同步发布解读稿件" in problems[0]
    assert problems[1].startswith("二是信息公开不够及时。有 1 条")
    assert any("季度统计上报不及时。第一季度、第二季度、第三季度" in p for p in problems)
    measures = paragraphs[heads[2] + 1:]
    assert measures[0].startswith("一是落实政策文件与解读材料同步起草") and len(measures) >= len(problems)
    assert paragraphs[-1] == "2026年11月26日" and paragraphs[-2] == "云溪街道办事处"


def test_the_charts_are_the_windows_pictures(desk):
    with desk.session() as s:
        draft, charts = draft_for(s, TODAY, 2026, 3)
        window = dashboard_charts(dashboard(s, TODAY, 2026, 3))
    doc = build_document(draft, charts)
    images = [rel.target_part.blob for rel in doc.part.rels.values() if "image" in rel.reltype]
    assert images == [c.png for c in window]
    for blob in images:
        assert Image.open(io.BytesIO(blob)).format == "PNG"


def test_edited_measures_replace_the_defaults_and_blank_keeps_them(desk):
    with desk.session() as s:
        draft, _ = draft_for(s, TODAY, 2026, 3)
    edited = draft.with_measures({"policy_without_interpretation": "  由党政办负责，11月底前补齐解读。 ",
                                  "overdue_unpublished": "   "})
    measures = {p.key: p.measure for p in edited.problems}
    assert measures["policy_without_interpretation"] == "由党政办负责，11月底前补齐解读。"
    assert measures["overdue_unpublished"] == {p.key: p.measure for p in draft.problems}["overdue_unpublished"]


def test_a_clean_desk_says_no_problem_was_found(db, tmp_path, monkeypatch):
    with db.session() as s:
        for year in (2026, 2027):
            if s.get(CalendarYear, year) is None:
                s.add(CalendarYear(year=year, source="user"))
        settings_first = settings.get(s, "org_name")
    assert settings_first == ""
    out = tmp_path / "q1.docx"
    monkeypatch.setattr(cmd, "today", lambda: dt.date(2026, 2, 10))
    parser = argparse.ArgumentParser()
    cmd.register_report(parser.add_subparsers())
    db_path = db.path
    args = parser.parse_args(["self-inspection", "--year", "2026", "--out", str(out), "--db", str(db_path)])
    assert args.func(args) == 0
    body = "\n".join(text_of(out))
    assert "本单位2026年政府信息公开工作自查报告" in body
    assert "截至第一季度，公开政策文件类公文信息数 0 条，主动公开新增信息数 0 条" in body
    assert "经自查，未发现" in body


def test_refusals(desk, db_path, tmp_path, monkeypatch):
    with pytest.raises(DeskError, match="2026年第四季度尚未开始"):
        cmd.pick_quarter(2026, 4, dt.date(2026, 8, 1))
    with pytest.raises(DeskError, match="2027年尚未开始"):
        cmd.pick_quarter(2027, None, TODAY)
    assert cmd.pick_quarter(2025, None, TODAY) == 4 and cmd.pick_quarter(2026, None, TODAY) == 4
    with pytest.raises(DeskError, match="不是 .docx 文件名"):
        run(db_path, tmp_path / "报告.pdf", monkeypatch)
    with pytest.raises(DeskError, match="不存在"):
        run(db_path, tmp_path / "没有的文件夹" / "报告.docx", monkeypatch)
