"""`python -m footprint demo`: the whole path seeded once, printed, and not duplicated."""
from __future__ import annotations

import json

from sqlmodel import func, select

from footprint import db
from footprint.accounts.models import Organisation, User
from footprint.audit.operations import verify_database
from footprint.certs.models import Application
from footprint.products.models import Product


def counts(session) -> dict:
    return {model.__name__: session.exec(select(func.count()).select_from(model)).one()
            for model in (Organisation, User, Product, Application)}


def test_the_demo_command_seeds_once_and_prints_json(app, assessor, monkeypatch, tmp_path):
    from click.testing import CliRunner

    from footprint.certificates.ids import parse
    from footprint.cli import cli

    monkeypatch.setenv("DATABASE_URL", app.config["DATABASE_URL"])
    monkeypatch.setenv("FOOTPRINT_INSTANCE_PATH", app.instance_path)
    monkeypatch.setenv("BRIGHTWAY2_DIR", app.config["BRIGHTWAY2_DIR"])
    first = CliRunner().invoke(cli, ["demo", "--json"], catch_exceptions=False)
    assert first.exit_code == 0, first.output
    demo = json.loads(first.output.strip().splitlines()[-1])
    # applicant, certifier, admin and the second certifier who decides
    assert sorted(a["role"] for a in demo["accounts"]) == [
        "admin", "applicant", "certifier", "certifier"]
    assert parse(demo["certificate_id"]) == demo["certificate_id"]
    with app.app_context():
        session = db.session()
        before = counts(session)
        # 3 organisations (manufacturer, certification body, platform), 4 users, 1 product,
        # 1 application
        assert before == {"Organisation": 3, "User": 4, "Product": 1, "Application": 1}
        (application,) = session.exec(select(Application)).all()
        assert application.state == "approved"
        assert application.evaluator_id != application.decider_id
    again = CliRunner().invoke(cli, ["demo", "--json"], catch_exceptions=False)
    assert json.loads(again.output.strip().splitlines()[-1]) == demo  # same passwords too
    with app.app_context():
        session = db.session()
        assert counts(session) == before
        assert verify_database(session).intact
