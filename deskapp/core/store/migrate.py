"""Schema migrations: refuse newer databases, back up, upgrade with foreign keys off.

Works on anything shaped like :class:`MigrationTarget` (the open ``Database`` is one), so this
module needs nothing from ``db`` and ``db`` imports it only when a database is opened.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Protocol

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Connection, Engine, bindparam, inspect, text

from deskapp.core.errors import DatabaseOpenError

log = logging.getLogger(__name__)


class MigrationTarget(Protocol):
    """What a migration needs of an open database."""

    @property
    def engine(self) -> Engine: ...
    @property
    def path(self) -> Path | None: ...
    @property
    def read_only(self) -> bool: ...
    def backup(self, reason: str) -> Path: ...


def _is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def alembic_config() -> Config:
    import deskapp.migrations as migrations_pkg

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(migrations_pkg.__file__).parent))
    return cfg


def script_heads() -> set[str]:
    return set(ScriptDirectory.from_config(alembic_config()).get_heads())


def current_revisions(conn: Connection) -> set[str]:
    return set(MigrationContext.configure(conn).get_current_heads())


def _refuse_foreign(db: MigrationTarget, revisions: set[str]) -> None:
    script = ScriptDirectory.from_config(alembic_config())
    for rev in revisions:
        try:
            script.get_revision(rev)
        except (CommandError, KeyError) as exc:
            raise DatabaseOpenError(
                "此数据库由更新版本的政务公开台账创建，请升级本程序后再打开；数据库未被改动。"
            ) from exc


def superseded_stamps(revisions: set[str]) -> set[str]:
    """Stamps that are ancestors of another stamp. A database made while the issue branches
    (0002_review, 0003_notice, 0004_worklog) hung off 0001 carries all three; now the
    migrations form one line, only the newest of them says where the schema is, and alembic
    refuses to upgrade from overlapping stamps."""
    script = ScriptDirectory.from_config(alembic_config())
    ancestors: set[str] = set()
    for rev in revisions:
        ancestors |= {r.revision for r in script.iterate_revisions(rev, "base")} - {rev}
    return revisions & ancestors


def _drop_stamps(db: MigrationTarget, stamps: set[str]) -> None:
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM alembic_version WHERE version_num IN :revs")
                     .bindparams(bindparam("revs", expanding=True)), {"revs": sorted(stamps)})


def bring_up_to_date(db: MigrationTarget) -> None:
    with db.engine.connect() as conn:
        revisions = current_revisions(conn)
    if not revisions and bool(inspect(db.engine).get_table_names()):
        raise DatabaseOpenError("该文件不是政务公开台账的数据库（缺少版本信息），文件未被改动。")
    _refuse_foreign(db, revisions)
    heads = script_heads()
    superseded = superseded_stamps(revisions)
    if revisions - superseded == heads and (db.read_only or not superseded):
        return  # up to date (read-only: the extra stamps are left for a writer to tidy)
    if db.read_only:
        raise DatabaseOpenError("该数据库需要升级，但当前为只读方式，请关闭其他窗口后再打开。")
    if not _is_sqlite(db.engine):
        _check_may_migrate(db)
    if revisions and db.path is not None:
        backup = db.backup("before-upgrade")
        log.info("backed up %s to %s before migrating", db.path, backup)
    if superseded:
        _drop_stamps(db, superseded)
    upgrade(db)


def _check_may_migrate(db: MigrationTarget) -> None:
    """On a server the desks connect with a role that may not change the schema (``deskapp
    server init``): say who must upgrade it instead of failing half-way with a raw error."""
    with db.engine.connect() as conn:
        allowed = conn.execute(text("SELECT has_schema_privilege(current_user, 'public', 'CREATE')")).scalar()
    if not allowed:
        from deskapp.core.store.connection import server_place  # late, as alembic above: only servers need it

        where = server_place(db.engine.url.render_as_string(hide_password=True))
        raise DatabaseOpenError(f"{where}需要建立或升级到本程序的版本，"
                                "但本工作台连接用的数据库角色无权修改表结构；"
                                "请由数据库管理员用管理员地址运行 deskapp server init 后再打开。")


def upgrade(db: MigrationTarget, target: str = "heads") -> None:
    cfg = alembic_config()
    with db.engine.connect() as conn:
        if _is_sqlite(db.engine):
            # Batch migrations recreate tables; with foreign keys on, ON DELETE CASCADE
            # children would be silently deleted. The pragma only works outside a transaction.
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.commit()
        cfg.attributes["connection"] = conn
        try:
            command.upgrade(cfg, target)
        except CommandError as exc:  # e.g. version rows from an unreleased development build
            conn.rollback()
            raise DatabaseOpenError(
                "数据库的版本记录与本程序的升级步骤对不上，无法升级；请用 backups 文件夹中的备份恢复，或联系维护人员。"
            ) from exc
        conn.commit()
        if _is_sqlite(db.engine):
            broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")
            if broken:
                raise DatabaseOpenError(
                    f"数据库升级后发现 {len(broken)} 处引用不一致，请用升级前的备份恢复并联系维护人员。"
                )
