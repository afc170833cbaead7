"""The schema's history: one line of migrations, each undoable and redoable, ending in
exactly what the models describe (so a model change without its migration fails here)."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from deskapp.core.store import migrate
from deskapp.core.store.models import Base


def _script() -> ScriptDirectory:
    return ScriptDirectory.from_config(migrate.alembic_config())


def test_the_migrations_form_one_line() -> None:
    script = _script()
    assert len(script.get_heads()) == 1 and len(script.get_bases()) == 1
    revisions = list(script.walk_revisions())
    assert all(not isinstance(r.down_revision, tuple) for r in revisions)  # no merges, no branches


def _schema_diffs(conn) -> list:
    diffs = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    # The search indexes are created by hand, not described by the models: item_fts and its
    # shadow tables (FTS5, SQLite), item_trgm_* (pg_trgm GIN indexes, PostgreSQL)
    return [d for d in diffs if "item_fts" not in str(d) and "item_trgm_" not in str(d)]


def test_migrated_schema_matches_the_models(db) -> None:
    with db.engine.connect() as conn:
        assert _schema_diffs(conn) == []


def test_every_migration_goes_down_and_up_again(db) -> None:
    cfg = migrate.alembic_config()
    revisions = [r.revision for r in _script().walk_revisions()]  # newest first
    with db.engine.connect() as conn:
        cfg.attributes["connection"] = conn
        for _ in revisions:
            command.downgrade(cfg, "-1")
            conn.commit()
        assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
        command.upgrade(cfg, "heads")
        conn.commit()
        assert _schema_diffs(conn) == []
        if conn.dialect.name != "sqlite":
            indexes = {i["name"] for i in inspect(conn).get_indexes("item")}
            assert {f"item_trgm_{c}" for c in ("title", "doc_no", "index_no", "content")} <= indexes
            return
        triggers = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type='trigger'"))}
        assert {"item_fts_ai", "item_fts_ad", "item_fts_au"} <= triggers
