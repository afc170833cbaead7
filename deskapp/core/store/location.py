"""Where the desk's database is: --db, else DESKAPP_DB, else the user's data folder.

Kept apart from :mod:`deskapp.core.store.db` so that answering it loads no SQLAlchemy: the
command line's quick paths (``deskapp calendar due``) need it before deciding whether to load
the database layer at all.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from deskapp import APP_ID


def user_data_dir() -> Path:
    return platformdirs.user_data_path(APP_ID, appauthor=False, ensure_exists=True)


def default_db_path() -> Path:
    return user_data_dir() / "desk.db"


def resolve_target(target: str | os.PathLike[str] | None) -> str:
    """--db argument, else DESKAPP_DB, else the default database in the user's data folder."""
    chosen = str(target) if target else os.environ.get("DESKAPP_DB") or str(default_db_path())
    return chosen


def is_url(target: str) -> bool:
    return "://" in target
