"""The SQL database: one engine per app, one session per request (closed at teardown); the schema
is made and changed only by the Alembic migrations in footprint/migrations/.

The constraint naming convention is set here, on import, and `footprint/__init__.py` imports this
module, so it is in place before any models module defines a table: every index, unique, check,
foreign-key and primary-key constraint gets a predictable name that a later migration can alter or
drop on SQLite and PostgreSQL alike.
"""
from __future__ import annotations

import os
import tempfile
from functools import lru_cache
from pathlib import Path

from flask import Flask, current_app, g
from sqlalchemy import event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool
from sqlmodel import Session, SQLModel, create_engine

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BASELINE = "0001"
# The tables of the baseline revision: a database that has them all but no alembic_version was
# made by the create_all of the platform before migrations, and is adopted as being at BASELINE.
BASELINE_TABLES = frozenset({"organisations", "users", "sites", "products", "supplier_factors",
                             "lines", "assessments"})


class DatabaseNotAtHead(RuntimeError):
    """The database schema is not the one the code expects."""


class UnknownDatabase(RuntimeError):
    """The database holds tables that neither a migration nor the pre-migration schema made."""


def init_app(app: Flask) -> None:
    url = app.config["DATABASE_URL"]
    options = {"connect_args": {"check_same_thread": False}} if url.startswith("sqlite") else {}
    engine = create_engine(url, **options)
    if url.startswith("sqlite"):
        _create_private_file(make_url(url).database)
        event.listen(engine, "connect", _sqlite_foreign_keys)
    app.extensions["db_engine"] = engine
    app.teardown_appcontext(_close_session)


def _create_private_file(path: str | None) -> None:
    """Create a new SQLite database file readable by its owner only (0600) before SQLite does
    (it would follow the umask); its journal files take the same mode."""
    if not path or path == ":memory:" or path.startswith("file:"):
        return
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        pass


def rollback() -> None:
    """Roll back the request's session, if it has one, after an error: the error page (and the
    user loader it may call) can then use the database again."""
    db_session = g.get("db_session")
    if db_session is not None:
        db_session.rollback()


def _sqlite_foreign_keys(connection, _record) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def metadata():
    """The tables of every domain, after importing each models module."""
    from .accounts import models as _accounts  # noqa: F401
    from .assessments import models as _assessments  # noqa: F401
    from .audit import models as _audit  # noqa: F401
    from .certs import evidence as _evidence  # noqa: F401
    from .certificates import models as _certificates  # noqa: F401
    from .certs import models as _certs  # noqa: F401
    from .certs import catalogue as _catalogue  # noqa: F401
    from .jobs import models as _jobs  # noqa: F401
    from .notifications import models as _notifications  # noqa: F401
    from .products import models as _products  # noqa: F401

    return SQLModel.metadata


def session() -> Session:
    if "db_session" not in g:
        g.db_session = Session(current_app.extensions["db_engine"], expire_on_commit=False)
    return g.db_session


def _close_session(_exc) -> None:
    db_session = g.pop("db_session", None)
    if db_session is not None:
        db_session.close()


# --- migrations ---------------------------------------------------------------------------------

def alembic_config(connection=None, script_location: Path | None = None):
    """Alembic configured from code (no alembic.ini): the scripts in footprint/migrations, and
    the connection that env.py migrates, if any."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(script_location or MIGRATIONS))
    config.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def migration_engine(url: str):
    """An engine for schema changes. On SQLite foreign keys stay off (its default): the batch mode
    that ALTERs a table by copying it into a new one must not cascade deletes into other tables."""
    sqlite_file = _sqlite_file(url)
    if sqlite_file is not None:
        sqlite_file.parent.mkdir(parents=True, exist_ok=True)
        _create_private_file(str(sqlite_file))
    return create_engine(url, poolclass=NullPool)


def _sqlite_file(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


@lru_cache(maxsize=None)
def _heads(script_location: Path) -> tuple[str, ...]:
    from alembic.script import ScriptDirectory

    return tuple(sorted(ScriptDirectory.from_config(alembic_config(
        script_location=script_location)).get_heads()))


def head() -> str:
    """The revision the code expects (one head: the migrations never branch)."""
    return ",".join(_heads(MIGRATIONS))


def _current(connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    heads = MigrationContext.configure(connection).get_current_heads()
    return ",".join(sorted(heads)) or None


def current(url: str) -> str | None:
    """The revision the database is at, or None for an empty (or pre-migration) database."""
    engine = migration_engine(url)
    try:
        with engine.connect() as connection:
            return _current(connection)
    finally:
        engine.dispose()


def upgrade(url: str, revision: str = "head") -> str | None:
    """Migrate the database to `revision` (default: head) and return the revision it is at.

    A database made before migrations existed (every baseline table, no alembic_version) is first
    stamped as being at the baseline revision, so its data is kept and only later revisions run.
    """
    from alembic import command

    engine = migration_engine(url)
    try:
        with engine.begin() as connection:
            config = alembic_config(connection)
            if _needs_adoption(connection):
                command.stamp(config, BASELINE)
            command.upgrade(config, revision)
            return _current(connection)
    finally:
        engine.dispose()


def _needs_adoption(connection) -> bool:
    tables = set(inspect(connection).get_table_names())
    if "alembic_version" in tables or not tables:
        return False
    if BASELINE_TABLES <= tables:
        return True
    raise UnknownDatabase(
        f"the database has tables ({', '.join(sorted(tables))}) but no alembic_version, and not "
        f"every table of the platform's first schema ({', '.join(sorted(BASELINE_TABLES))}): "
        "it is not a footprint database; use an empty database or a footprint one")


def downgrade(url: str, revision: str) -> str | None:
    """Migrate the database down to `revision` ("base": no tables) and return where it is."""
    from alembic import command

    engine = migration_engine(url)
    try:
        with engine.begin() as connection:
            command.downgrade(alembic_config(connection), revision)
            return _current(connection)
    finally:
        engine.dispose()


def require_head(engine) -> None:
    """Refuse to run on a database whose schema is not the one of the code."""
    with engine.connect() as connection:
        found = _current(connection)
    expected = head()
    if found != expected:
        raise DatabaseNotAtHead(
            f"database is at revision {found or '(none)'}, code expects {expected}: "
            "run python -m footprint db upgrade")


def revision(message: str, autogenerate: bool = False, url: str | None = None,
             script_location: Path | None = None) -> Path | None:
    """Write a new revision script after the head, numbered 0002, 0003...; return its path.

    With `autogenerate`, its operations are what the models have that the head schema has not,
    found by comparing the models with `url` (default: a temporary SQLite database migrated to
    head), and no script is written when there is no difference (None is returned).
    """
    from alembic import command
    from alembic.script import ScriptDirectory

    location = script_location or MIGRATIONS
    current_heads = ScriptDirectory.from_config(
        alembic_config(script_location=location)).get_heads()
    rev_id = None
    if len(current_heads) == 1 and current_heads[0].isdigit():
        rev_id = f"{int(current_heads[0]) + 1:04d}"
    with tempfile.TemporaryDirectory(prefix="footprint-revision-") as scratch:
        scratch_database = url is None
        url = url or f"sqlite:///{Path(scratch) / 'head.sqlite'}"
        engine = migration_engine(url)
        try:
            with engine.begin() as connection:
                config = alembic_config(connection, script_location=location)
                if autogenerate:
                    if scratch_database:
                        command.upgrade(config, "head")
                    config.attributes["skip_empty_autogenerate"] = True
                script = command.revision(config, message=message, autogenerate=autogenerate,
                                          rev_id=rev_id)
        finally:
            engine.dispose()
    _heads.cache_clear()
    if not script:
        return None
    return Path(script.path)


def safe_url(url: str) -> str:
    """The URL without its password, for messages."""
    return make_url(url).render_as_string(hide_password=True)
