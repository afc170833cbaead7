"""Clash-free numbers and one audit-chain writer at a time (issue 13)

The ``number_counter`` table: the last serial handed out per 索引号 head ("item:<prefix>/<year>-")
and per 申请编号 year ("request:<year>"), read and advanced under the writer lock
(core/store/counters.py). Seeded here from the largest numbers already in use, so an upgraded
desk continues its sequences. Serialising audit appends needs no schema: it is the writer
lock (SQLite's own; PostgreSQL's advisory lock, core/store/writer.py).

Revision ID: 0011_counters
Revises: 0010_server_store
Create Date: 2026-12-06
"""
from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

revision = "0011_counters"
down_revision = "0010_server_store"
branch_labels = None
depends_on = None

# 索引号 as the desk makes them: "<prefix>/<year>-<serial>" (a revision's "-修订N" has no serial).
_INDEX_NO = re.compile(r"^(.*/\d{4}-)(\d+)$")


def upgrade() -> None:
    op.create_table(
        "number_counter",
        sa.Column("name", sa.String(120), primary_key=True),
        sa.Column("value", sa.BigInteger(), nullable=False),
    )
    bind = op.get_bind()
    counters: dict[str, int] = {}
    for (index_no,) in bind.execute(sa.text("SELECT index_no FROM item")):
        match = _INDEX_NO.match(index_no or "")
        if match:
            name = "item:" + match.group(1)
            counters[name] = max(counters.get(name, 0), int(match.group(2)))
    for year, serial in bind.execute(sa.text("SELECT year, max(serial) FROM info_request GROUP BY year")):
        if year is not None and serial is not None:
            counters[f"request:{int(year)}"] = int(serial)
    if counters:
        table = sa.table("number_counter", sa.column("name", sa.String), sa.column("value", sa.BigInteger))
        op.bulk_insert(table, [{"name": k, "value": v} for k, v in sorted(counters.items())])


def downgrade() -> None:
    op.drop_table("number_counter")
