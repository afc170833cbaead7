"""Migration 0002_review creates exactly the tables the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from deskapp.core.models import Base

REVIEW_TABLES = {"review_flow", "review_step", "review_step_person", "item_step",
                 "item_step_person", "item_review", "review_decision", "signin_failure"}


def _table_of(diff: object) -> str | None:
    while isinstance(diff, list):
        diff = diff[0]
    for part in diff[1:]:  # type: ignore[index]
        name = getattr(part, "name", None)
        table = getattr(part, "table", None)
        if table is not None and getattr(table, "name", None):
            return table.name
        if name in REVIEW_TABLES:
            return name
        if isinstance(part, str) and part in REVIEW_TABLES:
            return part
    return None


def test_migrated_review_tables_match_models(db):
    with db.engine.connect() as conn:
        tables = set(conn.dialect.get_table_names(conn))
        assert REVIEW_TABLES <= tables
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    mine = [d for d in diffs if _table_of(d) in REVIEW_TABLES]
    assert mine == []


def test_migration_is_a_head_with_0001_below():
    from alembic.script import ScriptDirectory

    from deskapp.core.migrate import alembic_config

    script = ScriptDirectory.from_config(alembic_config())
    rev = script.get_revision("0002_review")
    assert rev.down_revision == "0001"
