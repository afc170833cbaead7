"""A change counter other desks poll to see each other's changes (issue 13)

Revision ID: 0012_change_feed
Revises: 0011_counters
Create Date: 2026-12-06

One row per kind of data (items, requests, review, board, settings, other). Every committed
transaction that writes adds one to the rows of the kinds it touched (see
deskapp.core.store.changes), so a desk learns that others changed something by reading six
small rows every few seconds. Plain SQL that runs on SQLite and PostgreSQL alike.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_change_feed"
down_revision = "0011_counters"
branch_labels = None
depends_on = None

KINDS = ("items", "requests", "review", "board", "settings", "other")  # = changes.KINDS at 0012


def upgrade() -> None:
    feed = op.create_table(
        "change_feed",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("serial", sa.BigInteger(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("kind", name=op.f("pk_change_feed")),
    )
    op.bulk_insert(feed, [{"kind": kind, "serial": 0, "changed_at": None} for kind in KINDS])


def downgrade() -> None:
    op.drop_table("change_feed")
