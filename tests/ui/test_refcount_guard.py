"""The guard against PySide6 6.12.0's lost references to None/True (see refcount_guard)."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLineEdit

from deskapp.ui import refcount_guard


class _Emitter(QObject):
    fired = Signal()


@pytest.mark.skipif(not refcount_guard.needed(), reason="CPython 3.12+: None and True are immortal")
def test_singletons_cannot_run_out_of_references(qtbot):
    refcount_guard.apply()  # conftest already did; applying again changes nothing
    assert sys.getrefcount(None) > 1 << 39 and sys.getrefcount(True) > 1 << 39
    assert not refcount_guard.apply()  # never twice
    edit, emitter = QLineEdit(), _Emitter()
    qtbot.addWidget(edit)
    for n in range(60_000):  # more than None's natural reference count
        edit.setText("x")
        emitter.fired.emit()
    assert sys.getrefcount(None) > 1 << 39
