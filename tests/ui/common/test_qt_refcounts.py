"""PySide6 6.12.0 on CPython < 3.12 dropped a reference to None on every void Qt call (and
to True on every emit) and the interpreter aborted after a few thousand calls. This pins
the Qt we depend on: tens of thousands of such calls must leave the counts where they were.
Run in a child process, because failure is an abort, not an exception."""

from __future__ import annotations

import subprocess
import sys
import textwrap

CHILD = textwrap.dedent("""
    import os, sys
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QObject, Signal
    from PySide6.QtWidgets import QApplication, QLineEdit

    class Emitter(QObject):
        fired = Signal()

    app = QApplication([])
    edit, emitter = QLineEdit(), Emitter()
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(60_000):
        edit.setText("x")
        emitter.fired.emit()
    print(sys.getrefcount(None) - none_before, sys.getrefcount(True) - true_before)
""")


def test_void_calls_and_emits_do_not_leak_singleton_references() -> None:
    done = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    none_drift, true_drift = (int(x) for x in done.stdout.split())
    assert abs(none_drift) < 1000 and abs(true_drift) < 1000
