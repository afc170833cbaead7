"""item links: index item.interpretation_id and item.revision_of_id

Revision ID: 0005_item_links
Revises: 0001
Create Date: 2026-11-26

With foreign keys on, deleting an item makes SQLite look for items that link to it
(政策解读, 修订). Without an index on those columns that is a scan of the whole table per
deleted row: removing 100 000 demo items took many minutes; with the indexes, seconds.
"""
from alembic import op


revision = "0005_item_links"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_item_interpretation_id"), ["interpretation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_item_revision_of_id"), ["revision_of_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_item_revision_of_id"))
        batch_op.drop_index(batch_op.f("ix_item_interpretation_id"))
