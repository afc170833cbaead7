"""Annual report: per-year inputs, texts and the final (frozen) figures

Revision ID: 0007_annual_report
Revises: 0006_requests
Create Date: 2026-12-01

Creates one table; nothing existing is altered. 废止/失效 needs no new column: items already
carry ``validity`` (valid/repealed/expired) and ``valid_until``.
"""
import sqlalchemy as sa
from alembic import op

revision = "0007_annual_report"
down_revision = "0006_requests"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "annual_report",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("regulation_issued", sa.Integer(), nullable=True),
        sa.Column("regulation_repealed", sa.Integer(), nullable=True),
        sa.Column("regulation_in_force", sa.Integer(), nullable=True),
        sa.Column("regulation_note", sa.Text(), nullable=False),
        sa.Column("permits", sa.Integer(), nullable=True),
        sa.Column("permits_note", sa.Text(), nullable=False),
        sa.Column("penalties", sa.Integer(), nullable=True),
        sa.Column("penalties_note", sa.Text(), nullable=False),
        sa.Column("coercions", sa.Integer(), nullable=True),
        sa.Column("coercions_note", sa.Text(), nullable=False),
        sa.Column("fees", sa.String(length=20), nullable=True),
        sa.Column("fees_note", sa.Text(), nullable=False),
        sa.Column("carried_in", sa.JSON(), nullable=True),
        sa.Column("carried_in_note", sa.Text(), nullable=False),
        sa.Column("texts", sa.JSON(), nullable=False),
        sa.Column("final", sa.Boolean(), nullable=False),
        sa.Column("frozen", sa.JSON(), nullable=True),
        sa.Column("frozen_at", sa.DateTime(), nullable=True),
        sa.Column("frozen_by", sa.String(length=50), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=50), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_annual_report")),
    )


def downgrade() -> None:
    op.drop_table("annual_report")
