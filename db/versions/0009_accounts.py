"""Accounts for a shared server: sign-in names, password hashes, lockout counters (issue 13)

Revision ID: 0009_accounts
Revises: 0008_audit_anchor
Create Date: 2026-12-06
"""
from __future__ import annotations

revision = "0009_accounts"
down_revision = "0008_audit_anchor"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
