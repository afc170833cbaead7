"""依申请公开: requests, their consultations and history, 复议/诉讼 records

Revision ID: 0006_requests
Revises: 0005_link_indexes
Create Date: 2026-11-26

Creates tables only (no batch recreation of ``item``), so the FTS triggers are untouched.
"""
import sqlalchemy as sa
from alembic import op

revision = "0006_requests"
down_revision = "0005_link_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "info_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("serial", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=80), nullable=False),
        sa.Column("applicant_type", sa.String(length=12), nullable=False),
        sa.Column("applicant_name", sa.String(length=200), nullable=False),
        sa.Column("id_number", sa.String(length=40), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("channel", sa.String(length=12), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("form_wanted", sa.String(length=12), nullable=False),
        sa.Column("delivery", sa.String(length=12), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("supplement_notice_on", sa.Date(), nullable=True),
        sa.Column("supplement_missing", sa.Text(), nullable=False),
        sa.Column("supplement_days", sa.Integer(), nullable=True),
        sa.Column("supplement_received_on", sa.Date(), nullable=True),
        sa.Column("extension_on", sa.Date(), nullable=True),
        sa.Column("extension_approver", sa.String(length=50), nullable=False),
        sa.Column("extension_reason", sa.Text(), nullable=False),
        sa.Column("fee_cents", sa.Integer(), nullable=True),
        sa.Column("fee_notice_on", sa.Date(), nullable=True),
        sa.Column("fee_paid_on", sa.Date(), nullable=True),
        sa.Column("outcome", sa.String(length=12), nullable=True),
        sa.Column("reply_on", sa.Date(), nullable=True),
        sa.Column("reply_delivery", sa.String(length=12), nullable=True),
        sa.Column("withdrawn_on", sa.Date(), nullable=True),
        sa.Column("carried_over_from_year", sa.Integer(), nullable=True),
        sa.Column("step", sa.String(length=12), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("due_provisional", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["department_id"], ["department.id"],
                                name=op.f("fk_info_request_department_id_department")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_info_request")),
        sa.UniqueConstraint("number", name=op.f("uq_info_request_number")),
    )
    with op.batch_alter_table("info_request", schema=None) as batch_op:
        batch_op.create_index("ix_info_request_year_serial", ["year", "serial"], unique=True)
        batch_op.create_index("ix_info_request_step_due", ["step", "due_on"], unique=False)
        batch_op.create_index("ix_info_request_received", ["received_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_info_request_department_id"), ["department_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_info_request_outcome"), ["outcome"], unique=False)

    op.create_table(
        "request_consultation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("third_party", sa.String(length=200), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("answered_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["request_id"], ["info_request.id"],
                                name=op.f("fk_request_consultation_request_id_info_request"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_request_consultation")),
    )
    with op.batch_alter_table("request_consultation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_request_consultation_request_id"), ["request_id"], unique=False)

    op.create_table(
        "request_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor_name", sa.String(length=50), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("letter_kind", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(["request_id"], ["info_request.id"],
                                name=op.f("fk_request_event_request_id_info_request"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_request_event")),
    )
    with op.batch_alter_table("request_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_request_event_request_id"), ["request_id"], unique=False)

    op.create_table(
        "appeal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("filed_on", sa.Date(), nullable=False),
        sa.Column("body", sa.String(length=200), nullable=False),
        sa.Column("result", sa.String(length=12), nullable=False),
        sa.Column("result_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["request_id"], ["info_request.id"],
                                name=op.f("fk_appeal_request_id_info_request"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appeal")),
    )
    with op.batch_alter_table("appeal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_appeal_request_id"), ["request_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("appeal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_appeal_request_id"))
    op.drop_table("appeal")
    with op.batch_alter_table("request_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_request_event_request_id"))
    op.drop_table("request_event")
    with op.batch_alter_table("request_consultation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_request_consultation_request_id"))
    op.drop_table("request_consultation")
    with op.batch_alter_table("info_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_info_request_outcome"))
        batch_op.drop_index(batch_op.f("ix_info_request_department_id"))
        batch_op.drop_index("ix_info_request_received")
        batch_op.drop_index("ix_info_request_step_due")
        batch_op.drop_index("ix_info_request_year_serial")
    op.drop_table("info_request")
