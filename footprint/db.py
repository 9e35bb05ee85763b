"""The SQL database: one engine per app, one session per request (closed at teardown)."""
from __future__ import annotations

import os

from flask import Flask, current_app, g
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlmodel import Session, SQLModel, create_engine


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
    from .products import models as _products  # noqa: F401

    return SQLModel.metadata


def create_all(app: Flask) -> None:
    """Create the tables that are missing (a new instance); existing ones are left alone."""
    metadata().create_all(app.extensions["db_engine"])


def session() -> Session:
    if "db_session" not in g:
        g.db_session = Session(current_app.extensions["db_engine"], expire_on_commit=False)
    return g.db_session


def _close_session(_exc) -> None:
    db_session = g.pop("db_session", None)
    if db_session is not None:
        db_session.close()
