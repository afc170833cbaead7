"""noticeboard: board issues (第N期 of the 政务公开栏)

Revision ID: 0003_notice
Revises: 0001
Create Date: 2026-11-26

Creates one table only; ``item`` (posted_on / posted_board / removed_on) is unchanged.
"""
import sqlalchemy as sa
from alembic import op

revision = "0003_notice"
down_revision = "0002_review"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "board_issue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("issue_date", sa.Date(), nullable=False),
        sa.Column("board", sa.String(length=100), nullable=False),
        sa.Column("item_ids", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(length=50), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_board_issue")),
        sa.UniqueConstraint("issue_date", name=op.f("uq_board_issue_issue_date")),
    )
    with op.batch_alter_table("board_issue", schema=None) as batch_op:
        batch_op.create_index("ix_board_issue_year_number", ["year", "number"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("board_issue", schema=None) as batch_op:
        batch_op.drop_index("ix_board_issue_year_number")
    op.drop_table("board_issue")
