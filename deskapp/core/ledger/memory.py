"""The column mapping a clerk gave for a ledger layout, remembered for the next ledger with
the same header row (offices export the same sheet every quarter).

Kept in the ``setting`` table under ``ledger_map:<hash of the normalised header row>``: the
field key (or None) of each column. A remembered mapping that no longer fits the header (a
field since renamed, a different column count) is ignored, never half applied.
"""

from __future__ import annotations

import hashlib
from typing import Any, Optional, Sequence

from sqlalchemy.orm import Session

from deskapp.core.ledger.fields import FIELD_BY_KEY, normalise_header
from deskapp.core.store.models import Setting

PREFIX = "ledger_map:"


def _columns(headers: Sequence[Any]) -> list[str]:
    """The header row normalised, without the empty cells at its end (sheet width varies)."""
    names = [normalise_header(h) for h in headers]
    while names and not names[-1]:
        names.pop()
    return names


def layout_key(headers: Sequence[Any]) -> str:
    """The setting key of a header layout: the same names in the same order, whatever the
    spaces, full-width brackets or （必填） marks."""
    digest = hashlib.sha256("\x1f".join(_columns(headers)).encode("utf-8")).hexdigest()
    return PREFIX + digest[:40]


def recall(session: Session, headers: Sequence[Any]) -> Optional[dict[int, Optional[str]]]:
    """The mapping last confirmed for this layout, or None."""
    row = session.get(Setting, layout_key(headers))
    if row is None or not isinstance(row.value, list):
        return None
    stored: list[Any] = row.value
    width = len(_columns(headers))
    if len(stored) != width or any(k is not None and k not in FIELD_BY_KEY for k in stored):
        return None
    mapping: dict[int, Optional[str]] = {i: None for i in range(len(headers))}
    mapping.update({i: k for i, k in enumerate(stored)})
    return mapping


def remember(session: Session, headers: Sequence[Any], mapping: dict[int, Optional[str]]) -> None:
    """Keep ``mapping`` for this layout (replacing what was kept before)."""
    width = len(_columns(headers))
    value = [mapping.get(i) for i in range(width)]
    key = layout_key(headers)
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value
    session.flush()
