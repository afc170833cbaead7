"""Server store: pg_trgm search indexes and attachment contents in the database on PostgreSQL (issue 13)

Revision ID: 0010_server_store
Revises: 0009_accounts
Create Date: 2026-12-06

- ``file_content`` (sha256 → bytes): where a desk on a server keeps attachment contents, so
  every PC reaching the server reaches them (a PC's ``files/`` folder is seen by that PC
  only). Created on SQLite too, where it stays empty (the single-PC desk keeps its
  ``files/`` folder): one schema for both dialects, so the models, ``db copy`` (which finds
  the contents table by its shape) and the schema checks need no dialect cases. No foreign
  key to ``stored_file``: a copy may write contents before or after the rows naming them;
  core.attachments deletes both together.
- PostgreSQL only: the ``pg_trgm`` extension and one trigram GIN index per searched column
  (标题, 文号, 索引号, 内容), which serve ``ILIKE '%…%'`` for queries of 3+ characters, the
  server's counterpart of SQLite's FTS5 trigram table (item_fts, migration 0001). CREATE
  EXTENSION needs a role with that right: ``deskapp server init`` runs the migrations as the
  server's administrator.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_server_store"
down_revision = "0009_accounts"
branch_labels = None
depends_on = None

SEARCHED = ("title", "doc_no", "index_no", "content")  # core.store.db.item_search_clause


def upgrade() -> None:
    op.create_table(
        "file_content",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_file_content")),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for column in SEARCHED:
            # fastupdate off: a new item goes into the index at once. With the default, rows
            # wait in a pending list that every search reads through until (auto)vacuum
            # merges it: after a bulk load of 100 000 items, 36 ms per search instead of 5.
            op.execute(f"CREATE INDEX item_trgm_{column} ON item USING gin ({column} gin_trgm_ops)"
                       " WITH (fastupdate = off)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for column in SEARCHED:
            op.execute(f"DROP INDEX IF EXISTS item_trgm_{column}")
        # The extension stays: other databases' objects on the server may use it.
    op.drop_table("file_content")
