"""Bad arguments: exit 2 and ONE line on stderr, in Chinese — argparse's own English phrases
(invalid int value, invalid choice, unrecognized arguments, required, expected one argument)
are said in Chinese too, naming what was wrong."""

from __future__ import annotations

import re

import pytest

from deskapp import cli

ENGLISH = re.compile(r"invalid|unrecognized|required|expected|argument|choose from")


@pytest.mark.parametrize("argv, wanted", [
    (["calendar", "due", "2026-09-25", "--days", "x"], ["--days", "“x”", "整数"]),
    (["nosuchcmd"], ["nosuchcmd", "可选", "items"]),
    (["items", "--db", "a.db", "extra"], ["无法识别", "extra"]),
    (["calendar", "due"], ["缺少", "date"]),
    (["items", "--db"], ["--db", "缺少"]),
    (["items", "--year", "abc"], ["--year", "四位数字"]),
])
def test_bad_arguments_one_chinese_line(argv, wanted, capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(argv)
    assert info.value.code == 2
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert not ENGLISH.search(lines[0]), lines[0]
    for part in wanted:
        assert part in lines[0], lines[0]
