"""A change counter other desks poll to see each other's changes (issue 13)

Revision ID: 0012_change_feed
Revises: 0011_counters
Create Date: 2026-12-06
"""
from __future__ import annotations

revision = "0012_change_feed"
down_revision = "0011_counters"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
