"""Test databases, made by the migrations as in production, and fast.

SQLite: one template file is migrated to head once per test process; each test gets a copy of it.
PostgreSQL (FOOTPRINT_TEST_DATABASE_URL): the one test database is migrated to head (a no-op when it
already is) and every table but alembic_version is emptied before each test.
"""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

# Set to a PostgreSQL URL (postgresql+psycopg://...) to run the same tests on PostgreSQL.
TEST_DATABASE_URL = os.environ.get("FOOTPRINT_TEST_DATABASE_URL")


@lru_cache(maxsize=None)
def sqlite_template() -> Path:
    """A SQLite file at head with no rows, made once per process (removed at exit)."""
    from footprint import db

    folder = Path(tempfile.mkdtemp(prefix="footprint-template-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    template = folder / "template.sqlite"
    db.upgrade(f"sqlite:///{template}")
    return template


def sqlite_database(folder: Path) -> str:
    """The URL of a new SQLite file in `folder` at head, with no rows (a copy of the template)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "footprint.sqlite"
    shutil.copyfile(sqlite_template(), path)
    return f"sqlite:///{path}"


def empty_database(tmp_path: Path) -> str:
    """The URL of a database at head with no rows: a new SQLite file, or the test PostgreSQL
    migrated to head and emptied."""
    if not TEST_DATABASE_URL:
        return sqlite_database(tmp_path)
    from sqlalchemy import inspect, text

    from footprint import db

    if db.current(postgresql_url()) != db.head():  # the first test, or after a migration test
        db.upgrade(TEST_DATABASE_URL)
    engine = db.migration_engine(TEST_DATABASE_URL)
    try:
        with engine.begin() as connection:
            tables = [name for name in inspect(connection).get_table_names()
                      if name != "alembic_version"]
            quoted = ", ".join(connection.dialect.identifier_preparer.quote(t) for t in tables)
            # The append-only tables refuse TRUNCATE; a test reset lifts every trigger for this
            # transaction only (the test server's user is a superuser).
            connection.execute(text("SET LOCAL session_replication_role = replica"))
            connection.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
    finally:
        engine.dispose()
    return TEST_DATABASE_URL


def blank_database(tmp_path: Path) -> str:
    """The URL of a database without any table, not even alembic_version: a new SQLite file, or
    the test PostgreSQL with everything dropped."""
    if not TEST_DATABASE_URL:
        return f"sqlite:///{tmp_path / 'blank.sqlite'}"
    drop_everything(postgresql_url())
    return TEST_DATABASE_URL


def postgresql_url() -> str:
    from sqlalchemy.engine import make_url

    assert make_url(TEST_DATABASE_URL).get_backend_name() == "postgresql", TEST_DATABASE_URL
    return TEST_DATABASE_URL


def drop_everything(url: str) -> None:
    from sqlalchemy import MetaData

    from footprint import db

    engine = db.migration_engine(url)
    try:
        with engine.begin() as connection:
            tables = MetaData()
            tables.reflect(connection)
            tables.drop_all(connection)
    finally:
        engine.dispose()
