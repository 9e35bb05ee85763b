"""The SQL database: one engine per app, one session per request (closed at teardown)."""
from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy import event
from sqlmodel import Session, SQLModel, create_engine


def init_app(app: Flask) -> None:
    url = app.config["DATABASE_URL"]
    options = {"connect_args": {"check_same_thread": False}} if url.startswith("sqlite") else {}
    engine = create_engine(url, **options)
    if url.startswith("sqlite"):
        event.listen(engine, "connect", _sqlite_foreign_keys)
    app.extensions["db_engine"] = engine
    app.teardown_appcontext(_close_session)


def _sqlite_foreign_keys(connection, _record) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def metadata():
    """The tables of every domain, after importing each models module."""
    from .accounts import models as _accounts  # noqa: F401
    from .assessments import models as _assessments  # noqa: F401
    from .audit import models as _audit  # noqa: F401
    from .products import models as _products  # noqa: F401

    return SQLModel.metadata


def create_all(app: Flask) -> None:
    """Create the tables that are missing (a new instance); existing ones are left alone."""
    from sqlalchemy import inspect

    from .audit import triggers

    engine = app.extensions["db_engine"]
    new = "audit_events" not in inspect(engine).get_table_names()
    metadata().create_all(engine)
    if new:
        with engine.begin() as connection:
            triggers.install(connection)


def session() -> Session:
    if "db_session" not in g:
        g.db_session = Session(current_app.extensions["db_engine"], expire_on_commit=False)
    return g.db_session


def _close_session(_exc) -> None:
    db_session = g.pop("db_session", None)
    if db_session is not None:
        db_session.close()
