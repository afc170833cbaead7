"""indexes on the columns that point at other rows

Revision ID: 0005_link_indexes
Revises: 0004_worklog
Create Date: 2026-11-26

With foreign keys on, deleting an item makes SQLite look for items that link to it
(政策解读, 修订). Without an index on those columns that is a scan of the whole table per
deleted row: removing 100 000 demo items took many minutes; with the indexes, seconds. The
same holds for every foreign key whose parent rows get deleted: drafter, stored file,
superseding item, scanned form, work-log attachment. Only indexes are created, so SQLite's
batch mode alters the table in place (the FTS triggers on item stay).
"""
from alembic import op

revision = "0005_link_indexes"
down_revision = "0004_worklog"
branch_labels = None
depends_on = None

INDEXED = [("attachment", "sha256"), ("item_review", "superseded_by_id"),
           ("review_decision", "scan_attachment_id"), ("worklog_attachment", "attachment_id")]


def upgrade() -> None:
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_item_interpretation_id"), ["interpretation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_item_revision_of_id"), ["revision_of_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_item_drafter_id"), ["drafter_id"], unique=False)
    for table, column in INDEXED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)


def downgrade() -> None:
    for table, column in INDEXED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_{column}"))
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_item_drafter_id"))
        batch_op.drop_index(batch_op.f("ix_item_revision_of_id"))
        batch_op.drop_index(batch_op.f("ix_item_interpretation_id"))
