"""The one way to run long work off the UI thread (cf. Anki ``aqt/operations``, Picard
``run_task``).

A long job is a generator function that yields ``(done, total, text)`` as it goes and
``return``s its result::

    def import_ledger(db, path):               # runs in a worker thread
        with db.session() as s:                # open sessions INSIDE the job
            for n, row in enumerate(rows):
                ...
                yield n + 1, len(rows), f"已导入 {n + 1} 行"
        return summary

    job = run_job(ctx, parent, "正在导入", import_ledger, ctx.db, path,
                  on_done=lambda summary: ...)   # called in the GUI thread

``run_job`` shows a :class:`QProgressDialog` (after 400 ms, so short jobs do not flash),
with 取消 when ``cancellable``: cancelling closes the generator at its next ``yield``
(``GeneratorExit`` is raised there, so ``with db.session()`` rolls back). A
:class:`~deskapp.core.errors.DeskError` is shown as a warning, any other exception in the
crash dialog; ``on_done`` runs only on success. The returned :class:`Job` has signals
``succeeded(result)``, ``failed(exc)``, ``cancelled()`` and ``finished()`` (always, last),
and ``wait()`` for tests and for closing the window.

A plain function (not a generator) works too: the dialog then shows a busy bar. A core
function that reports progress through a callback instead (``fn(...,
progress=callable(done, total))``, as ``core.demo.generate`` does) runs with
:func:`run_call`, which passes that callback; it cannot be cancelled midway.

Rules for jobs: never touch widgets; emit no Qt signals; don't share an ORM session or
ORM objects with the GUI thread — return plain data.
"""

from __future__ import annotations

import inspect
import time
from typing import Any, Callable, Generator, Optional

from PySide6.QtCore import QObject, Qt, QThread, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from deskapp.ui.common.crash_dialog import report_exception

Progress = tuple[int, int, str]
# A generator function yielding Progress and returning its result, or a plain function.
JobFunction = Callable[..., Generator[Progress, None, Any]] | Callable[..., Any]

_PROGRESS_INTERVAL = 0.05  # seconds: at most ~20 progress updates a second reach the GUI


class _Thread(QThread):
    progressed = Signal(int, int, str)

    def __init__(self, fn: JobFunction, args: tuple[Any, ...], kwargs: dict[str, Any]):
        super().__init__()
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.cancel_requested = False
        self.outcome: tuple[str, Any] = ("cancelled", None)
        self._last_report = 0.0

    def run(self) -> None:
        try:
            result = self.fn(*self.args, **self.kwargs)
            if inspect.isgenerator(result):
                result = self._drive(result)
            self.outcome = ("ok", result)
        except _Cancelled:
            self.outcome = ("cancelled", None)
        except BaseException as exc:  # reported in the GUI thread, by type
            self.outcome = ("error", exc)

    def _drive(self, gen: Generator[Progress, None, Any]) -> Any:
        while True:
            if self.cancel_requested:
                gen.close()
                raise _Cancelled
            try:
                done, total, text = next(gen)
            except StopIteration as stop:
                return stop.value
            self.report(done, total, text)

    def report(self, done: int, total: int, text: str = "") -> None:
        """Progress to the GUI thread, at most every ``_PROGRESS_INTERVAL`` (and the end)."""
        now = time.monotonic()
        if now - self._last_report >= _PROGRESS_INTERVAL or done >= total:
            self._last_report = now
            self.progressed.emit(int(done), int(total), str(text))


class _Cancelled(Exception):
    pass


class Job(QObject):
    """A running job. Keep a reference only if you need its signals; it keeps itself alive."""

    succeeded = Signal(object)
    failed = Signal(object)
    cancelled = Signal()
    finished = Signal()

    _running: set["Job"] = set()  # jobs in flight, so Python does not collect them

    def __init__(self, ctx: Any, parent: Optional[QWidget], title: str, fn: JobFunction,
                 args: tuple[Any, ...], kwargs: dict[str, Any], cancellable: bool):
        super().__init__()
        self.ctx, self.parent_widget = ctx, parent
        self.result: Any = None
        self.error: Optional[BaseException] = None
        # Not ``self.thread``: that would shadow QObject.thread().
        self.worker = _Thread(fn, args, kwargs)
        self.dialog = self._make_dialog(parent, title, cancellable)
        self.worker.progressed.connect(self._on_progress)
        self.worker.finished.connect(self._on_finished, Qt.ConnectionType.QueuedConnection)

    def _make_dialog(self, parent: Optional[QWidget], title: str, cancellable: bool) -> QProgressDialog:
        dialog = QProgressDialog(title, "取消" if cancellable else "", 0, 0, parent)
        dialog.setWindowTitle(title)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(400)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        if not cancellable:
            dialog.setCancelButton(None)
        dialog.canceled.connect(self.cancel)
        return dialog

    def start(self) -> "Job":
        Job._running.add(self)
        self.dialog.setValue(0)
        self.worker.start()
        return self

    def cancel(self) -> None:
        self.worker.cancel_requested = True
        self.dialog.setLabelText("正在取消…")

    def wait(self, ms: int = 60_000) -> bool:
        """Block until the thread ends (tests; closing the window). Signals follow later."""
        return self.worker.wait(ms)

    def _on_progress(self, done: int, total: int, text: str) -> None:
        if self.dialog.maximum() != max(total, 0):
            self.dialog.setMaximum(max(total, 0))
        self.dialog.setValue(min(done, total) if total > 0 else 0)
        if text and not self.worker.cancel_requested:
            self.dialog.setLabelText(text)

    def _on_finished(self) -> None:
        self.dialog.canceled.disconnect(self.cancel)
        self.dialog.close()
        kind, value = self.worker.outcome
        try:
            if kind == "ok":
                self.result = value
                self.succeeded.emit(value)
            elif kind == "error":
                self.error = value
                report_exception(value, self.ctx.messages, self.parent_widget)
                self.failed.emit(value)
            else:
                self.cancelled.emit()
        finally:
            self.finished.emit()
            self.dialog.deleteLater()
            Job._running.discard(self)


def run_job(ctx: Any, parent: Optional[QWidget], title: str, fn: JobFunction, *args: Any,
            on_done: Optional[Callable[[Any], None]] = None, cancellable: bool = True,
            **kwargs: Any) -> Job:
    """Run generator function ``fn(*args, **kwargs)`` in a worker thread; see module doc.

    ``ctx`` needs only ``.messages`` (an AppContext does).
    """
    job = Job(ctx, parent, title, fn, args, kwargs, cancellable)
    if on_done is not None:
        job.succeeded.connect(on_done)
    return job.start()


def run_call(ctx: Any, parent: Optional[QWidget], title: str, fn: Callable[..., Any], *args: Any,
             on_done: Optional[Callable[[Any], None]] = None, progress_text: str = "{done}/{total}",
             progress_keyword: str = "progress", **kwargs: Any) -> Job:
    """Run plain ``fn(*args, progress=cb, **kwargs)`` in a worker thread; ``cb(done, total)``
    updates the dialog with ``progress_text.format(done=…, total=…)``. Not cancellable."""
    job = Job(ctx, parent, title, fn, args, kwargs, cancellable=False)
    report = job.worker.report
    job.worker.kwargs[progress_keyword] = lambda done, total: report(
        done, total, progress_text.format(done=done, total=total))
    if on_done is not None:
        job.succeeded.connect(on_done)
    return job.start()


class _ReadThread(QThread):
    """One read of a :class:`LatestRead`; kept alive (``running``) until it ends."""

    running: set["_ReadThread"] = set()
    done = Signal(int, object, object)  # (generation, result, exception or None)

    def __init__(self, fn: Callable[..., Any], args: tuple[Any, ...], generation: int):
        super().__init__()
        self.fn, self.args, self.generation = fn, args, generation
        _ReadThread.running.add(self)
        self.finished.connect(lambda: _ReadThread.running.discard(self))

    def run(self) -> None:
        try:
            result = self.fn(*self.args)
        except BaseException as exc:  # reported in the GUI thread
            self.done.emit(self.generation, None, exc)
        else:
            self.done.emit(self.generation, result, None)


class LatestRead(QObject):
    """Reads a view re-does on every change, off the GUI thread and without a dialog, where
    only the newest answer counts (the 公示栏's lists).

    ``start(fn, *args)`` runs ``fn(*args)`` in a thread (same rules as a job: open the session
    inside, return plain data) under a new generation number; ``ready(result)`` or
    ``failed(exc)`` come in the GUI thread for the read started last only, so an older
    answer that arrives late never overwrites a newer one.
    """

    ready = Signal(object)
    failed = Signal(object)

    def __init__(self, parent: Optional[QObject] = None):
        super().__init__(parent)
        self.generation = 0
        self.pending = False  # the newest read has not answered yet

    def start(self, fn: Callable[..., Any], *args: Any) -> int:
        self.generation += 1
        self.pending = True
        thread = _ReadThread(fn, args, self.generation)
        thread.done.connect(self._answered)
        thread.start()
        return self.generation

    def _answered(self, generation: int, result: Any, error: Optional[BaseException]) -> None:
        if generation != self.generation:
            return  # superseded while it ran
        self.pending = False
        if error is not None:
            self.failed.emit(error)
        else:
            self.ready.emit(result)


def wait_for_reads(ms: int = 10_000) -> None:
    """Let running reads end (closing the window, and with it the database)."""
    for thread in list(_ReadThread.running):
        thread.wait(ms)
