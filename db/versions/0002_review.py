"""review and sign-off: the flow, each item's steps, decisions, failed sign-ins

Revision ID: 0002_review
Revises: 0001
Create Date: 2026-11-26

Creates tables only (no batch recreation of ``item``), so the FTS triggers are untouched.
The flow itself (四级审查 preset) is seeded by ``deskapp.core.review.flow.ensure_flow`` when
the desk first needs it, so a migration never depends on application code.
"""
import sqlalchemy as sa
from alembic import op

revision = "0002_review"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_flow",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("forbid_self_approval", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_flow")),
    )
    op.create_table(
        "review_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("can_withhold", sa.Boolean(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_step")),
    )
    op.create_table(
        "review_step_person",
        sa.Column("step_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"],
                                name=op.f("fk_review_step_person_person_id_person")),
        sa.ForeignKeyConstraint(["step_id"], ["review_step.id"], ondelete="CASCADE",
                                name=op.f("fk_review_step_person_step_id_review_step")),
        sa.PrimaryKeyConstraint("step_id", "person_id", name=op.f("pk_review_step_person")),
    )
    op.create_table(
        "item_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("can_withhold", sa.Boolean(), nullable=False),
        sa.Column("flow_step_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"], ondelete="CASCADE",
                                name=op.f("fk_item_step_item_id_item")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_step")),
    )
    op.create_index("ix_item_step_item_position", "item_step", ["item_id", "position"], unique=True)
    op.create_table(
        "item_step_person",
        sa.Column("item_step_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["item_step_id"], ["item_step.id"], ondelete="CASCADE",
                                name=op.f("fk_item_step_person_item_step_id_item_step")),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"],
                                name=op.f("fk_item_step_person_person_id_person")),
        sa.PrimaryKeyConstraint("item_step_id", "person_id", name=op.f("pk_item_step_person")),
    )
    op.create_index(op.f("ix_item_step_person_person_id"), "item_step_person", ["person_id"])
    op.create_table(
        "item_review",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("current_position", sa.Integer(), nullable=True),
        sa.Column("step_since", sa.Date(), nullable=True),
        sa.Column("submitted_on", sa.Date(), nullable=True),
        sa.Column("outcome", sa.String(length=10), nullable=True),
        sa.Column("approved_on", sa.Date(), nullable=True),
        sa.Column("days_late", sa.Integer(), nullable=True),
        sa.Column("superseded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"], ondelete="CASCADE",
                                name=op.f("fk_item_review_item_id_item")),
        sa.ForeignKeyConstraint(["superseded_by_id"], ["item.id"], ondelete="SET NULL",
                                name=op.f("fk_item_review_superseded_by_id_item")),
        sa.PrimaryKeyConstraint("item_id", name=op.f("pk_item_review")),
    )
    op.create_index("ix_item_review_current_position", "item_review",
                    ["current_position", "item_id", "step_since"])
    op.create_table(
        "review_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("step_name", sa.String(length=50), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("person_name", sa.String(length=50), nullable=False),
        sa.Column("decision", sa.String(length=10), nullable=False),
        sa.Column("opinion", sa.Text(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.Column("mode", sa.String(length=10), nullable=False),
        sa.Column("paper_date", sa.Date(), nullable=True),
        sa.Column("recorded_by", sa.String(length=50), nullable=False),
        sa.Column("scan_attachment_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"], ondelete="CASCADE",
                                name=op.f("fk_review_decision_item_id_item")),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"],
                                name=op.f("fk_review_decision_person_id_person")),
        sa.ForeignKeyConstraint(["scan_attachment_id"], ["attachment.id"], ondelete="SET NULL",
                                name=op.f("fk_review_decision_scan_attachment_id_attachment")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_decision")),
    )
    op.create_index(op.f("ix_review_decision_item_id"), "review_decision", ["item_id"])
    op.create_table(
        "signin_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("person_name", sa.String(length=50), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("purpose", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signin_failure")),
    )
    op.create_index(op.f("ix_signin_failure_person_id"), "signin_failure", ["person_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_signin_failure_person_id"), table_name="signin_failure")
    op.drop_table("signin_failure")
    op.drop_index(op.f("ix_review_decision_item_id"), table_name="review_decision")
    op.drop_table("review_decision")
    op.drop_index("ix_item_review_current_position", table_name="item_review")
    op.drop_table("item_review")
    op.drop_index(op.f("ix_item_step_person_person_id"), table_name="item_step_person")
    op.drop_table("item_step_person")
    op.drop_index("ix_item_step_item_position", table_name="item_step")
    op.drop_table("item_step")
    op.drop_table("review_step_person")
    op.drop_table("review_step")
    op.drop_table("review_flow")
