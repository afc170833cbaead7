"""Guard against a PySide6 6.12.0 reference-count bug on CPython older than 3.12.

Measured here (PySide6-Essentials 6.12.0, abi3 wheel, CPython 3.11.7): every call from
Python of a Qt method that returns nothing drops one reference to ``None`` it never took
(``QLineEdit.setText``, ``QTimer.singleShot`` …), and every ``Signal.emit()`` does the same
to ``True``. ``None`` starts with about 28 000 references, so after some tens of thousands
of such calls — a working day at the desk, or a long test run — the interpreter aborts with
"Fatal Python error: none_dealloc". PySide6 6.11.2 does not do this, and from CPython 3.12
these objects are immortal (PEP 683), so the bug is harmless there.

Until the project's pin moves, :func:`apply` gives ``None``, ``True`` and ``False`` a
reference count no bug can exhaust — what CPython 3.12 does by design. It is a no-op on 3.12+
and on other interpreters.
"""

from __future__ import annotations

import ctypes
import sys

_HEADROOM = 1 << 40


def needed() -> bool:
    return sys.implementation.name == "cpython" and sys.version_info < (3, 12)


def apply() -> bool:
    """Make the three singletons effectively immortal; True when it did something."""
    if not needed() or sys.getrefcount(None) > _HEADROOM // 2:
        return False
    for obj in (None, True, False):
        # ob_refcnt is the first field of every object in CPython < 3.12 (release builds).
        ctypes.c_ssize_t.from_address(id(obj)).value += _HEADROOM
    return True
