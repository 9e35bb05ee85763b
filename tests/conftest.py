"""Shared fixtures. The prepared Brightway project is built once (checked by dataset hash) and
shared by every test of the run; the SQL database is a fresh SQLite file per test."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.helpers import credit_code, login

REPO = Path(__file__).resolve().parents[1]
BW_DIR = Path(os.environ.get("FOOTPRINT_TEST_BW_DIR", REPO / "instance" / "brightway-test"))
os.environ["BRIGHTWAY2_DIR"] = str(BW_DIR)  # before anything imports bw2data
BW_DIR.mkdir(parents=True, exist_ok=True)


@pytest.fixture(scope="session")
def bw_dir() -> Path:
    return BW_DIR


@pytest.fixture(scope="session")
def assessor(bw_dir):
    from footprint.lca import get_assessor

    return get_assessor(bw_dir)


# Set to a PostgreSQL URL (postgresql+psycopg://...) to run the same tests on PostgreSQL.
TEST_DATABASE_URL = os.environ.get("FOOTPRINT_TEST_DATABASE_URL")


def empty_database(tmp_path: Path) -> str:
    """A URL of an empty database: a new SQLite file, or the test PostgreSQL with no tables."""
    if not TEST_DATABASE_URL:
        return f"sqlite:///{tmp_path / 'footprint.sqlite'}"
    from sqlmodel import create_engine

    from footprint.db import metadata

    engine = create_engine(TEST_DATABASE_URL)
    assert engine.dialect.name == "postgresql", TEST_DATABASE_URL
    metadata().drop_all(engine)
    engine.dispose()
    return TEST_DATABASE_URL


@pytest.fixture(autouse=True)
def _dispose_engines(monkeypatch):
    """Close the pooled connections of every app a test creates: a PostgreSQL connection left
    to the garbage collector is a ResourceWarning, which fails the run (filterwarnings=error)."""
    from footprint import db

    engines = []
    real = db.create_engine

    def create_engine(*args, **kwargs):
        engines.append(real(*args, **kwargs))
        return engines[-1]

    monkeypatch.setattr(db, "create_engine", create_engine)
    yield
    for engine in engines:
        engine.dispose()


# A fast password hash for tests (the app's default is scrypt).
FAST_HASH = "pbkdf2:sha256:1000"


@pytest.fixture
def app(tmp_path, bw_dir):
    """A fresh app on an empty database; CSRF and rate limits off unless a test turns them on."""
    from footprint import create_app

    return create_app({"INSTANCE_PATH": str(tmp_path), "BRIGHTWAY2_DIR": str(bw_dir),
                       "DATABASE_URL": empty_database(tmp_path), "TESTING": True,
                       "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
                       "PASSWORD_HASH_METHOD": FAST_HASH})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def db_session(app):
    from footprint import db

    with app.app_context():
        yield db.session()


@pytest.fixture
def make_user(app):
    """Factory: an organisation with one user of the given role; returns the user's e-mail."""
    from footprint import db
    from footprint.accounts import operations

    counter = iter(range(1, 10_000))

    def make(role: str = "applicant", email: str | None = None) -> str:
        n = next(counter)
        email = email or f"{role}{n}@example.cn"
        kind = {"applicant": "manufacturer", "certifier": "certification_body",
                "admin": "platform"}[role]
        with app.app_context():
            operations.register_organisation(
                db.session(), name=f"Org {n}", credit_code=credit_code(n), address="",
                user_name=f"User {n}", email=email, password="correct horse 1", kind=kind)
            db.session().commit()
        return email
    return make


@pytest.fixture
def applicant(client, make_user):
    """A logged-in applicant (factory staff) with a Chongqing site and an empty product."""
    email = make_user("applicant")
    login(client, email)
    client.post("/sites/new", data={"name": "Liangjiang plant", "address": "Chongqing",
                                    "grid_region": "CN-CQ", "annual_output": "50000",
                                    "output_unit": "piece", "land_area_m2": "80000"})
    client.post("/products/new", data={"name": "Desk fan", "model": "F1", "category": "appliance",
                                       "functional_unit": "1 piece", "reference_flow": "",
                                       "boundary": "cradle-to-gate", "site_id": "1"})
    return email
