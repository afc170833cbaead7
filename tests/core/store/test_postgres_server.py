"""The tests' throwaway PostgreSQL server (tests/postgres_support.py) is what the issue asks:
UTF-8, C.UTF-8 collation, pg_trgm available, private socket; databases come fresh per test."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from deskapp.core.store.db import Database

pytestmark = pytest.mark.postgresql


def _scalar(url: str, sql: str) -> object:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql)).scalar()
    finally:
        engine.dispose()


def test_empty_database_is_utf8_c_locale_and_empty(pg_url: str) -> None:
    assert _scalar(pg_url, "SELECT pg_encoding_to_char(encoding) FROM pg_database"
                           " WHERE datname = current_database()") == "UTF8"
    assert _scalar(pg_url, "SELECT datcollate FROM pg_database WHERE datname = current_database()") == "C.UTF-8"
    assert _scalar(pg_url, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == 0
    assert _scalar(pg_url, "SELECT count(*) FROM pg_available_extensions WHERE name = 'pg_trgm'") == 1


def test_seeded_database_is_at_head_with_the_catalogue(pg_seeded_url: str) -> None:
    assert _scalar(pg_seeded_url, "SELECT count(*) FROM catalogue_entry") > 0  # type: ignore[operator]  # an int
    assert _scalar(pg_seeded_url, "SELECT count(*) FROM alembic_version") == 1


def test_each_test_gets_its_own_database(pg_seeded_url: str, pg_url: str) -> None:
    assert pg_seeded_url != pg_url


@pytest.mark.both_backends
def test_db_fixture_runs_on_each_backend(db: Database, db_backend: str) -> None:
    assert db.is_sqlite == (db_backend == "sqlite")
