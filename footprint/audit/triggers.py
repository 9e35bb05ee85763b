"""Database triggers that refuse UPDATE and DELETE on append-only tables.

The ORM refuses too, but only the database itself stops a script or a console session. Installed
by the migration that created these tables (`install`), removed by its downgrade (`remove`).
"""
from __future__ import annotations

from sqlalchemy import text

APPEND_ONLY_TABLES = ("audit_events", "assessments")

_POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION footprint_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
END $$
"""


def install(connection) -> None:
    """The row triggers (revision 0002)."""
    postgres = connection.dialect.name == "postgresql"
    if postgres:
        connection.execute(text(_POSTGRES_FUNCTION))
    for table in APPEND_ONLY_TABLES:
        if postgres:
            connection.execute(text(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION footprint_refuse_change()"))
            continue
        for operation in ("UPDATE", "DELETE"):
            connection.execute(text(
                f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {operation} refused'); END"))


def install_truncate_guard(connection) -> None:
    """PostgreSQL's TRUNCATE fires no row trigger: refuse it with a statement trigger (SQLite
    has no TRUNCATE). Revision 0005."""
    if connection.dialect.name != "postgresql":
        return
    for table in APPEND_ONLY_TABLES:
        connection.execute(text(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION footprint_refuse_change()"))


def remove_truncate_guard(connection) -> None:
    if connection.dialect.name == "postgresql":
        for table in APPEND_ONLY_TABLES:
            connection.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}"))


def install_all(connection) -> None:
    """Every guard, as the migrations leave them (after `remove`)."""
    install(connection)
    install_truncate_guard(connection)


def remove(connection) -> None:
    """Every guard of the append-only tables (row triggers and the truncate guard)."""
    postgres = connection.dialect.name == "postgresql"
    remove_truncate_guard(connection)
    for table in APPEND_ONLY_TABLES:
        if postgres:
            connection.execute(text(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}"))
        else:
            for operation in ("update", "delete"):
                connection.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_{operation}"))
    if postgres:
        connection.execute(text("DROP FUNCTION IF EXISTS footprint_refuse_change()"))
