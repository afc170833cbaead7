"""The one worker: progress, result, cancel, and errors classified by type."""

from __future__ import annotations

import threading

import pytest

from deskapp.core.errors import DeskError
from deskapp.ui.common import crash_dialog
from deskapp.ui.common.worker import Job, run_call, run_job


class Ctx:
    def __init__(self, messages):
        self.messages = messages


@pytest.fixture
def crashes(monkeypatch) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr(crash_dialog, "show_crash_dialog", lambda details, parent: shown.append(details))
    return shown


def counting(n: int, seen_threads: list[str]):
    seen_threads.append(threading.current_thread().name)
    for i in range(n):
        yield i + 1, n, f"第 {i + 1} 步"
    return n * 10


def test_job_runs_off_the_gui_thread_and_returns_its_result(qtbot, messages):
    threads: list[str] = []
    results: list[int] = []
    job = run_job(Ctx(messages), None, "计数", counting, 5, threads, on_done=results.append)
    with qtbot.waitSignal(job.finished, timeout=5000):
        pass
    assert results == [50] and job.result == 50
    assert threads and threads[0] != threading.main_thread().name
    assert messages.shown == []


def test_last_progress_reaches_the_dialog(qtbot, messages):
    job = Job(Ctx(messages), None, "计数", counting, (3, []), {}, cancellable=True)
    seen: list[tuple[int, int, str]] = []
    job.worker.progressed.connect(lambda *a: seen.append((job.dialog.value(), job.dialog.maximum(),
                                                          job.dialog.labelText())))
    with qtbot.waitSignal(job.finished, timeout=5000):
        job.start()
    assert seen[-1] == (3, 3, "第 3 步")  # throttled, but the last step always arrives


def test_desk_error_becomes_a_warning(qtbot, messages, crashes):
    def refuse():
        yield 0, 1, ""
        raise DeskError("磁盘已满，请清理后重试。")

    job = run_job(Ctx(messages), None, "保存", refuse)
    with qtbot.waitSignal(job.failed, timeout=5000) as blocker:
        pass
    assert isinstance(blocker.args[0], DeskError)
    assert messages.shown == [("warn", "磁盘已满，请清理后重试。")]
    assert crashes == []


def test_bug_goes_to_the_crash_dialog(qtbot, messages, crashes):
    def broken():
        yield 0, 1, ""
        return {}["missing"]

    job = run_job(Ctx(messages), None, "保存", broken)
    with qtbot.waitSignal(job.finished, timeout=5000):
        pass
    assert isinstance(job.error, KeyError)
    assert len(crashes) == 1 and "KeyError: 'missing'" in crashes[0] and "broken" in crashes[0]
    assert messages.shown == []


def test_cancel_closes_the_generator(qtbot, messages):
    release = threading.Event()
    started = threading.Event()
    cleaned = threading.Event()

    def slow():
        started.set()
        try:
            for i in range(1000):
                release.wait(5)
                yield i, 1000, ""
        finally:
            cleaned.set()

    results: list[object] = []
    job = run_job(Ctx(messages), None, "慢", slow, on_done=results.append)
    assert started.wait(5)
    job.cancel()
    release.set()
    with qtbot.waitSignal(job.cancelled, timeout=5000):
        pass
    assert cleaned.is_set() and results == []


def test_run_call_passes_a_progress_callback(qtbot, messages):
    connected = threading.Event()

    def plain(items, progress):
        connected.wait(5)  # the thread starts at once: report only after the test listens
        for i in range(items):
            progress(i + 1, items)
        return "完成"

    job = run_call(Ctx(messages), None, "生成", plain, 4, progress_text="已生成 {done}/{total}")
    texts: list[str] = []
    job.worker.progressed.connect(lambda d, t, x: texts.append(x))
    with qtbot.waitSignal(job.succeeded, timeout=5000) as blocker:
        connected.set()
    assert blocker.args == ["完成"]
    assert texts and texts[-1] == "已生成 4/4"
