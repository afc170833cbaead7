"""Audit anchor: every desk with events keeps its head in the database and beside it

Revision ID: 0008_audit_anchor
Revises: 0007_annual_report
Create Date: 2026-12-06

No table changes. From this version on, a desk that has audit events keeps the newest one's
id and digest twice: in the ``audit_head`` setting and in the file ``<database>.audit-head``
beside the database (see deskapp.core.audit.chain). A desk upgraded from an older version
gets both here, from its own log as it stands at the upgrade: from then on ``audit verify``
treats a missing head as removed, not as an old desk.
"""
from __future__ import annotations

import json
from pathlib import Path

from alembic import op
from sqlalchemy import text

revision = "0008_audit_anchor"
down_revision = "0007_annual_report"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from deskapp.core.audit.chain import HEAD_KEY, Head, anchor_path, head_from, write_anchor

    conn = op.get_bind()
    last = conn.execute(text("SELECT id, hash, at FROM audit_event ORDER BY id DESC LIMIT 1")).first()
    if last is None:
        return  # a new or empty desk: record() keeps both heads from its first event
    raw = conn.execute(text("SELECT value FROM setting WHERE key = :k"), {"k": HEAD_KEY}).scalar()
    head = head_from(raw) if raw is not None else None
    if raw is None:
        head = Head(int(last[0]), str(last[1]), str(last[2]).replace(" ", "T"))
        conn.execute(text("INSERT INTO setting (key, value) VALUES (:k, :v)"),
                     {"k": HEAD_KEY, "v": json.dumps({"id": head.id, "hash": head.hash, "at": head.at})})
    if head is None or conn.dialect.name != "sqlite":
        return  # a garbled head is for verify to report; a server has no data folder of its own
    for row in conn.execute(text("PRAGMA database_list")):
        if row[1] == "main" and row[2] and not anchor_path(Path(row[2])).exists():
            write_anchor(anchor_path(Path(row[2])), head)


def downgrade() -> None:
    pass  # the setting and the file are harmless to an older desk
