"""Shared fixtures. The prepared Brightway project is built once (checked by dataset hash) and
shared by every test of the run; the SQL database is made by the migrations and is empty at the
start of every test (a copy of a SQLite file migrated once, or the test PostgreSQL emptied: see
tests/databases.py)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.databases import TEST_DATABASE_URL, empty_database  # noqa: F401 (tests import them here)
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


@pytest.fixture(scope="session")
def pdf_signing_dir(tmp_path_factory) -> Path:
    """One PDF-signing key for the run: each RSA-3072 key takes about a second to make, and a
    fresh instance folder per test would make one per certificate-issuing test."""
    return tmp_path_factory.mktemp("pdf-signing")


@pytest.fixture
def app(tmp_path, bw_dir, pdf_signing_dir):
    """A fresh app on an empty database; CSRF and rate limits off unless a test turns them on."""
    from footprint import create_app

    return create_app({"INSTANCE_PATH": str(tmp_path), "BRIGHTWAY2_DIR": str(bw_dir),
                       "DATABASE_URL": empty_database(tmp_path), "TESTING": True,
                       "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
                       "PASSWORD_HASH_METHOD": FAST_HASH,
                       "PDF_SIGNING_DIR": str(pdf_signing_dir)})


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
    from footprint.accounts.roles import OrganisationKind, Role

    counter = iter(range(1, 10_000))

    def make(role: str = "applicant", email: str | None = None) -> str:
        n = next(counter)
        email = email or f"{role}{n}@example.cn"
        with app.app_context():
            operations.register_organisation(
                db.session(), name=f"Org {n}", credit_code=credit_code(n), address="",
                user_name=f"User {n}", email=email, password="correct horse 1",
                kind=OrganisationKind.for_role(Role(role)))
            db.session().commit()
        return email
    return make


@pytest.fixture
def applicant(app, client, make_user):
    """A logged-in applicant (factory staff) with a Chongqing site (id 1) and an empty product
    (id 1), made through the operations."""
    from footprint import db
    from footprint.accounts import operations as accounts
    from footprint.products import operations as products

    email = make_user("applicant")
    with app.app_context():
        session = db.session()
        user = accounts.find_user_by_email(session, email)
        site = accounts.save_site(session, user, {
            "name": "Liangjiang plant", "address": "Chongqing", "grid_region": "CN-CQ",
            "annual_output": 50000, "output_unit": "piece", "land_area_m2": 80000},
            organisation_id=user.organisation_id)
        products.create_product(session, user, organisation_id=user.organisation_id, data={
            "name": "Desk fan", "model": "F1", "category": "appliance",
            "functional_unit": "1 piece", "reference_flow": "", "boundary": "cradle-to-gate",
            "site_id": site.id})
        session.commit()
    login(client, email)
    return email
