"""Alembic migrations of the desk's database; installed as deskapp.migrations."""
