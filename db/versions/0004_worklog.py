"""work log (工作记录), its attachments, and reported quarters (已上报)

Revision ID: 0004_worklog
Revises: 0001
Create Date: 2026-11-26

Creates tables only (no batch recreation of ``item``), so the FTS triggers are untouched.
"""
import sqlalchemy as sa
from alembic import op

revision = "0004_worklog"
down_revision = "0003_notice"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "worklog_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("participants", sa.Text(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=10), nullable=True),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("reply", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=50), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["department_id"], ["department.id"],
                                name=op.f("fk_worklog_entry_department_id_department")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_worklog_entry")),
    )
    with op.batch_alter_table("worklog_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_worklog_entry_day"), ["day"], unique=False)
        batch_op.create_index(batch_op.f("ix_worklog_entry_kind"), ["kind"], unique=False)

    op.create_table(
        "worklog_attachment",
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("attachment_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["entry_id"], ["worklog_entry.id"],
                                name=op.f("fk_worklog_attachment_entry_id_worklog_entry"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["attachment_id"], ["attachment.id"],
                                name=op.f("fk_worklog_attachment_attachment_id_attachment"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("entry_id", "attachment_id", name=op.f("pk_worklog_attachment")),
    )
    op.create_table(
        "reported_quarter",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.Integer(), nullable=False),
        sa.Column("reported_on", sa.Date(), nullable=False),
        sa.Column("reported_at", sa.DateTime(), nullable=False),
        sa.Column("reported_by", sa.String(length=50), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("published_ids", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("year", "quarter", name=op.f("pk_reported_quarter")),
    )


def downgrade() -> None:
    op.drop_table("reported_quarter")
    op.drop_table("worklog_attachment")
    with op.batch_alter_table("worklog_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_worklog_entry_kind"))
        batch_op.drop_index(batch_op.f("ix_worklog_entry_day"))
    op.drop_table("worklog_entry")
