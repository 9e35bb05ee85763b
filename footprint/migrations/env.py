"""Alembic environment: run by footprint.db (upgrade, downgrade, revision), which passes the
connection to migrate in `config.attributes["connection"]`; there is no alembic.ini."""
from __future__ import annotations

from alembic import context
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

from footprint import db

config = context.config


def render_item(type_, obj, _autogen_context):
    """SQLModel's column types as the SQLAlchemy types they store (so revisions need no sqlmodel):
    AutoString is a String, UTCDateTime a DateTime with time zone."""
    if type_ == "type" and isinstance(obj, AutoString):
        return f"sa.String(length={obj.length})" if obj.length else "sa.String()"
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def process_revision_directives(_context, _revision, directives) -> None:
    """`db revision --autogenerate` writes nothing when the models and the schema agree."""
    if config.attributes.get("skip_empty_autogenerate") and directives[0].upgrade_ops.is_empty():
        directives[:] = []


def run_migrations() -> None:
    if context.is_offline_mode():
        raise RuntimeError("offline (--sql) migrations are not supported; use footprint.db")
    connection = config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("run migrations with python -m footprint db ..., not the alembic "
                           "command: footprint.db passes the database connection")
    context.configure(
        connection=connection,
        target_metadata=db.metadata(),
        render_as_batch=True,  # SQLite ALTERs a table by copying it
        compare_type=True,
        render_item=render_item,
        process_revision_directives=process_revision_directives,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
