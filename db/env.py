"""Alembic environment. The desk passes its own connection in ``config.attributes``."""

from alembic import context
from sqlalchemy import create_engine

from deskapp.core.store.models import Base

config = context.config
target_metadata = Base.metadata


def run_with(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch recreates the table
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run_with(connection)
else:  # `alembic revision --autogenerate` from a developer's shell
    url = config.get_main_option("sqlalchemy.url") or "sqlite:///autogen.db"
    with create_engine(url).connect() as conn:
        run_with(conn)
