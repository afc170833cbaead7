"""deskapp report annual / report check: formats by suffix, exit codes, the failing column named."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl

from deskapp import cli
from deskapp.exports.excel.annual_tables import write_workbook
from tests.exports.test_annual_outputs import sample_doc

BALANCED = [[3, 1, 0, 0, 0, 0, 4], [1, 0, 0, 0, 0, 0, 1], [2, 1, 0, 0, 0, 0, 3], *([[0] * 7] * 20),
            [2, 1, 0, 0, 0, 0, 3], [2, 0, 0, 0, 0, 0, 2]]
BALANCED4 = [1, 0, 0, 1, 2, 0, 0, 0, 0, 0, 1, 1, 0, 0, 2]


def test_check_accepts_a_consistent_workbook(tmp_path: Path, capsys) -> None:
    path = write_workbook(sample_doc(BALANCED, BALANCED4), tmp_path / "一致.xlsx")
    assert cli.main(["report", "check", str(path)]) == 0
    assert capsys.readouterr().out.strip() == "勾稽关系成立"


def test_check_names_the_broken_column(tmp_path: Path, capsys) -> None:
    path = write_workbook(sample_doc(BALANCED, BALANCED4), tmp_path / "不平.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["表三"]["E6"] = 5  # 一、本年新收 of 商业企业: 5, its 总计 still 4 and its outcomes unchanged
    wb.save(path)
    assert cli.main(["report", "check", str(path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("表三｜四、结转下年度继续办理｜商业企业：") for line in lines)
    assert any(line.startswith("表三｜一、本年新收政府信息公开申请数量｜总计：") for line in lines)
    assert not any("｜自然人：" in line for line in lines)
    assert cli.main(["report", "check", str(path), "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["balanced"] is False and {"business", "total"} == {c["column_key"] for c in out["checks"]}


def test_check_refuses_a_damaged_file(tmp_path: Path, capsys) -> None:
    path = tmp_path / "坏.xlsx"
    path.write_bytes(b"garbage")
    assert cli.main(["report", "check", str(path)]) == 2
    assert "不是 Excel 工作簿" in capsys.readouterr().err


def test_annual_unknown_suffix_is_exit_2(db_path: Path, tmp_path: Path, capsys) -> None:
    assert cli.main(["report", "annual", "--year", "2026", "--out", str(tmp_path / "r.txt"), "--db", str(db_path)]) == 2
    assert "请把 --out 的文件名改为以 .docx、.xlsx 或 .pdf 结尾" in capsys.readouterr().err


def test_annual_writes_each_format(db_path: Path, tmp_path: Path, capsys) -> None:
    for name in ("报告.docx", "报告.xlsx", "报告.pdf"):
        code = cli.main(["report", "annual", "--year", "2026", "--out", str(tmp_path / name), "--db", str(db_path)])
        assert code in (0, 1) and (tmp_path / name).stat().st_size > 1000
        assert f"已生成 {tmp_path / name}" in capsys.readouterr().out
