"""Databases made while the review, noticeboard and Excel migrations were still branches off
0001 carry three stamps (0002_review, 0003_notice, 0004_worklog). Now that the migrations form
one line, those stamps lie on it: opening such a database must upgrade it (after the usual
backup) instead of failing inside alembic with "overlaps with other requested revisions"."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text

from deskapp.core.desk import open_database
from deskapp.core.store import migrate

BRANCH_STAMPS = {"0002_review", "0003_notice", "0004_worklog"}


def _stamps(conn) -> set[str]:
    return {r[0] for r in conn.execute(text("SELECT version_num FROM alembic_version"))}


def test_database_stamped_with_the_old_branches_opens_and_upgrades(db_path, actor):
    database = open_database(db_path)
    cfg = migrate.alembic_config()
    with database.engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0004_worklog")  # the schema as the branches left it
        conn.execute(text("INSERT INTO alembic_version (version_num) VALUES ('0003_notice'), ('0002_review')"))
        conn.commit()
        assert _stamps(conn) == BRANCH_STAMPS
    database.close()

    reopened = open_database(db_path)
    try:
        with reopened.engine.connect() as conn:
            assert _stamps(conn) == migrate.script_heads()
        assert list((db_path.parent / "backups").iterdir())  # backed up before the upgrade
    finally:
        reopened.close()
