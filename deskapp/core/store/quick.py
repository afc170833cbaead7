"""Reading a desk database with ``sqlite3`` alone, for answers that must come at once.

SQLAlchemy and alembic take most of a command's start-up (issue 15 §5: ``deskapp calendar due``
took 1.3 s, 39× a bare interpreter). A read that needs a few rows can skip them, but only on
a database the full open would leave as it is: a plain SQLite file (not a URL), stamped with
exactly this program's newest migration. Anything else (a new file, an older or newer schema,
a server, a file that is not SQLite, a read that fails) gets ``None`` and the caller opens
the database the usual way, which creates, migrates, refuses or explains.
"""

from __future__ import annotations

import re
import sqlite3
from importlib import util
from pathlib import Path
from urllib.parse import quote

from deskapp.core.store.location import is_url

SQLITE_MAGIC = b"SQLite format 3\x00"
_REVISION = re.compile(r"^revision\s*(?::\s*str\s*)?=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)
_DOWN = re.compile(r"^down_revision\s*(?::[^=]*)?=\s*(.+)$", re.MULTILINE)


def migration_heads() -> set[str]:
    """The newest migration(s) of this program, read from the migration files' text (what
    alembic's ScriptDirectory.get_heads() says, without loading alembic)."""
    spec = util.find_spec("deskapp.migrations")
    if spec is None or not spec.submodule_search_locations:
        return set()
    folder = Path(next(iter(spec.submodule_search_locations))) / "versions"
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in folder.glob("*.py"):
        text = path.read_text("utf-8")
        found = _REVISION.search(text)
        if found is None:
            continue
        revisions.add(found.group(1))
        down = _DOWN.search(text)
        if down is not None:
            parents |= set(re.findall(r"['\"]([^'\"]+)['\"]", down.group(1)))
    return revisions - parents


def open_current(target: str) -> sqlite3.Connection | None:
    """A read-only connection to ``target`` when it is an SQLite desk database at this
    program's schema; None when only the full open can deal with it."""
    if is_url(target):
        return None
    path = Path(target).expanduser()
    try:
        with open(path, "rb") as fh:
            if fh.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
                return None
    except OSError:  # missing (to be created), a folder, unreadable: the full open says which
        return None
    heads = migration_heads()
    conn = None
    try:
        conn = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True)
        stamps = {row[0] for row in conn.execute("SELECT version_num FROM alembic_version")}
    except sqlite3.Error:
        if conn is not None:
            conn.close()
        return None
    if not heads or stamps != heads:
        conn.close()
        return None
    return conn
