"""deskapp --self-check: passes from source without touching the user's folders, and fails
(exit 1, naming the step) when a module does not import or a step breaks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from deskapp.commands import self_check
from deskapp.commands.self_check import Checks, Step, import_all, module_names, run_steps


def _clean_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "DESKAPP_DB")}
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / "data"), XDG_CONFIG_HOME=str(home / "config"),
               XDG_CACHE_HOME=str(home / "cache"), PYTHONIOENCODING="utf-8")
    return env


def test_self_check_passes_from_source_and_leaves_the_users_folders_alone(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    done = subprocess.run([sys.executable, "-m", "deskapp", "--self-check"], env=_clean_env(home),
                          capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert sum(line.startswith("[通过]") for line in lines) == 7
    assert "[失败]" not in done.stdout
    assert lines[-1].startswith("自检通过：7 项全部正常")
    assert "已迁移到 0012_change_feed" in done.stdout  # the head of the chain, found from the package
    # No display was set: the window step chose offscreen itself and Qt said nothing else.
    assert "平台 offscreen" in done.stdout
    assert [line for line in done.stderr.splitlines() if "propagateSizeHints" not in line] == []
    # The database, settings and logs of the check stayed in its temporary folder.
    assert list(home.rglob("*")) == []


def test_every_module_is_found_but_not_the_migrations_or_main():
    names = module_names()
    assert "deskapp.commands.self_check" in names and "deskapp.ui.main_window" in names
    assert "deskapp.exports.pdf.notice" in names and "deskapp.core.store.migrate" in names
    assert not [n for n in names if n.startswith(("deskapp.migrations", "deskapp.__main__"))]
    assert len(names) > 150


def test_a_module_that_does_not_import_is_named(tmp_path, monkeypatch):
    package = tmp_path / "fakedesk"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("")
    (package / "sub" / "good.py").write_text("VALUE = 1\n")
    (package / "sub" / "broken.py").write_text("import module_that_is_not_in_the_bundle\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ImportError) as failure:
        import_all("fakedesk")
    assert "fakedesk.sub.broken" in str(failure.value)
    assert "module_that_is_not_in_the_bundle" in str(failure.value)
    assert "fakedesk.sub.good" not in str(failure.value)
    for name in ("fakedesk", "fakedesk.sub", "fakedesk.sub.good"):
        sys.modules.pop(name, None)


def test_a_failing_step_fails_the_check_but_the_others_still_run():
    lines: list[str] = []
    ran: list[str] = []

    def ok(name: str) -> Step:
        return Step(name, name, lambda: ran.append(name) or "好")

    def broken() -> str:
        raise FileNotFoundError("fonts/wqy-microhei.ttc")

    status = run_steps([ok("一"), Step("生成公示 PDF", "notice PDF", broken), ok("三")], lines.append)
    assert status == 1
    assert ran == ["一", "三"]
    assert lines[1] == "[失败] 生成公示 PDF / notice PDF: FileNotFoundError: fonts/wqy-microhei.ttc"
    assert lines[-1].startswith("自检未通过：生成公示 PDF失败")
    assert run_steps([ok("一")], lines.append) == 0


def test_steps_after_a_failed_database_say_so(tmp_path):
    checks = Checks(tmp_path)
    lines: list[str] = []
    assert run_steps([Step("生成演示数据", "demo data", checks.demo)], lines.append) == 1
    assert "数据库未建立" in lines[0]


def test_a_file_that_is_not_what_it_claims_fails_the_read_back(tmp_path):
    fake = tmp_path / "公示.pdf"
    fake.write_bytes(b"<html>" + b"x" * 2000)
    with pytest.raises(RuntimeError, match="does not start with"):
        self_check._read_back(fake, self_check.PDF_MAGIC)
    short = tmp_path / "短.pdf"
    short.write_bytes(b"%PDF-1.4\n")
    with pytest.raises(RuntimeError):
        self_check._read_back(short, self_check.PDF_MAGIC)
