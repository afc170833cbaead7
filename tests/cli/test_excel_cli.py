"""deskapp tally / deskapp import: exit codes, Chinese output, JSON with characters."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
from sqlalchemy import func, select

from deskapp import cli  # noqa: E402
from deskapp.core.desk import open_database  # noqa: E402
from deskapp.core.reports import reported as tally_report  # noqa: E402
from deskapp.core.store.models import Item  # noqa: E402


def ledger(path: Path, rows) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["某街道政务公开台账"])
    ws.append(["标题", "成文日期", "发布日期", "栏目"])
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def items(db_path) -> int:
    db = open_database(db_path)
    try:
        with db.session() as s:
            return s.scalar(select(func.count()).select_from(Item))
    finally:
        db.close()


def test_tally_writes_the_workbook(built_db, db_path, tmp_path, capsys):
    built_db.close()
    out = tmp_path / "季度 统计.xlsx"
    assert cli.main(["tally", "--db", str(db_path), "--quarter", "2026Q3", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "主动公开新增信息数：本季度" in text and "已生成" in text
    assert openpyxl.load_workbook(out).sheetnames[0] == "汇总"


def test_tally_json_and_mark_reported(built_db, db_path, tmp_path, capsys):
    built_db.close()
    out = tmp_path / "统计.xlsx"
    code = cli.main(["tally", "--db", str(db_path), "--quarter", "2026q3", "--out", str(out),
                     "--json", "--mark-reported"])
    assert code == 0
    raw = capsys.readouterr().out
    data = json.loads(raw)
    assert "主动公开新增信息数" in raw  # characters, not \\u escapes
    assert data["quarter"] == "2026Q3" and data["figures"]["new_active"]["quarter"] > 0
    db = open_database(db_path)
    with db.session() as s:
        assert tally_report.report_info(s, 2026, 3) is not None
    db.close()


def test_tally_bad_arguments_exit_2_in_chinese(db, db_path, tmp_path, capsys):
    db.close()
    assert cli.main(["tally", "--db", str(db_path), "--quarter", "2026Q5", "--out",
                     str(tmp_path / "x.xlsx")]) == 2
    assert "季度" in capsys.readouterr().err
    assert cli.main(["tally", "--db", str(db_path), "--quarter", "2026Q3", "--out",
                     str(tmp_path / "没有的文件夹" / "x.xlsx")]) == 2
    err = capsys.readouterr().err
    assert "不存在" in err and "Traceback" not in err


def test_import_clean_then_again(db, db_path, tmp_path, capsys):
    db.close()
    path = ledger(tmp_path / "台账.xlsx", [["街道动态一则", "2026-9-1", "2026-9-2", "工作动态"],
                                          ["低保公示", "2026/9/3", "", "公示"]])
    assert cli.main(["import", str(path), "--db", str(db_path), "--dry-run"]) == 0
    assert items(db_path) == 0
    capsys.readouterr()
    assert cli.main(["import", str(path), "--db", str(db_path)]) == 0
    assert "已导入2行" in capsys.readouterr().out
    assert cli.main(["import", str(path), "--db", str(db_path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["duplicates"] == 2 and data["imported"] == 0
    assert {i["reason"] for i in data["issues"]} == {"已存在于台账"}
    assert items(db_path) == 2


def test_import_bad_rows_exit_1_and_nothing_written(db, db_path, tmp_path, capsys):
    db.close()
    path = ledger(tmp_path / "台账.xlsx", [["好的一行", "2026-9-1", "", ""],
                                          ["坏日期", "2026-99-1", "", ""]])
    assert cli.main(["import", str(path), "--db", str(db_path)]) == 1
    out = capsys.readouterr().out
    assert "第4行 B列（成文日期）：日期无法识别" in out and "没有导入任何数据" in out
    assert items(db_path) == 0
    assert cli.main(["import", str(path), "--db", str(db_path), "--skip-bad", "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["imported"] == 1 and data["errors"] == 1
    assert data["issues"] == [{"row": 4, "column": "B", "header": "成文日期", "reason": "日期无法识别",
                               "status": "error"}]
    assert items(db_path) == 1


def test_import_unreadable_file_exit_2(db, db_path, tmp_path, capsys):
    db.close()
    bad = tmp_path / "旧台账.xls"
    bad.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    assert cli.main(["import", str(bad), "--db", str(db_path)]) == 2
    err = capsys.readouterr().err
    assert "另存为 .xlsx" in err and "Traceback" not in err


def _summary_only(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["序号", "内容概述", "生成日期", "发布单位"])
    ws.append([1, "只有内容概述的一条信息", "2026-9-1", ""])
    ws.append([2, "只有内容概述的第二条", "2026-9-2", ""])
    ws.append(["合计", "", "", "2条"])
    wb.save(path)
    return path


def test_import_with_a_column_map(db, db_path, tmp_path, capsys):
    db.close()
    path = _summary_only(tmp_path / "概述.xlsx")
    assert cli.main(["import", str(path), "--db", str(db_path)]) == 2
    assert "没有找到“标题”列" in capsys.readouterr().err
    assert cli.main(["import", str(path), "--db", str(db_path), "--map", "内容概述=title",
                     "--map", "生成日期=形成日期"]) == 0
    out = capsys.readouterr().out
    assert "已导入2行" in out and "第4行是“合计”行，不是一条信息，已跳过。" in out
    assert items(db_path) == 2


def test_import_bad_map_exit_2_one_chinese_line(db, db_path, tmp_path, capsys):
    db.close()
    path = _summary_only(tmp_path / "概述.xlsx")
    for bad, words in ((["内容概述=headline"], "不是可导入的内容"), (["内容概述"], "写法是“列名=内容”"),
                       (["没有的列=title"], "没有“没有的列”列"), (["=title"], "写法")):
        args = ["import", str(path), "--db", str(db_path)]
        for m in bad:
            args += ["--map", m]
        assert cli.main(args) == 2, bad
        captured = capsys.readouterr()
        assert words in captured.err and captured.err.count("\n") == 1, captured.err
        assert "Traceback" not in captured.err and captured.out == ""
    assert items(db_path) == 0
