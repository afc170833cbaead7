"""Clash-free numbers and one audit-chain writer at a time (issue 13)

Revision ID: 0011_counters
Revises: 0010_server_store
Create Date: 2026-12-06
"""
from __future__ import annotations

revision = "0011_counters"
down_revision = "0010_server_store"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
