"""The audit log: one event per change, a chain that `audit verify` checks, and tables the
database itself keeps append-only."""
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from footprint import db
from footprint.audit import triggers
from footprint.audit.models import AuditEvent
from footprint.audit.operations import GENESIS_HASH, verify_database
from footprint.canonical import sha256_hex
from tests.helpers import add_line


def events(app):
    with app.app_context():
        return db.session().exec(select(AuditEvent).order_by(AuditEvent.id)).all()


def run_verify(app):
    from footprint.cli import cli

    return app.test_cli_runner().invoke(cli, ["audit", "verify"])


@pytest.fixture
def cli_env(app, monkeypatch):
    monkeypatch.setenv("FOOTPRINT_INSTANCE_PATH", app.instance_path)
    monkeypatch.setenv("DATABASE_URL", app.config["DATABASE_URL"])


@pytest.fixture
def history(client, applicant, app):
    """Sign-up, site, product, three lines, an edit, a delete, a calculation."""
    add_line(client)
    add_line(client, name="second")
    add_line(client, name="third")
    client.post("/products/1/lines/2/edit", data={
        "stage": "materials", "name": "second", "kind": "factor", "factor": "steel-bof",
        "gas": "CO2", "water": "withdrawal", "amount": "4", "unit": "kg",
        "allocation_basis": "units"})
    client.post("/products/1/lines/3/delete")
    assert client.post("/products/1/calculate").status_code == 302
    return events(app)


def test_every_change_is_one_event_with_actor_and_before_after(history):
    assert [e.action for e in history] == [
        "user.create", "organisation.create", "site.create", "product.create",
        "line.create", "line.create", "line.create", "line.update", "line.delete",
        "assessment.create"]
    update = history[7]
    assert (update.before["amount"], update.after["amount"]) == (2.5, 4.0)
    assert update.actor_id == 1 and update.organisation_id == 1
    assert (update.object_type, update.object_id) == ("line", 2)
    deleted = history[8]
    assert deleted.before["name"] == "third" and deleted.after is None
    assert "password_hash" not in history[0].after


def test_each_row_hashes_its_content_and_links_to_the_previous(history):
    assert history[0].prev_hash == GENESIS_HASH
    for before, row in zip(history, history[1:]):
        assert row.prev_hash == before.hash
        assert row.hash == sha256_hex(row.hashed_content())
    assert [e.id for e in history] == list(range(1, len(history) + 1))


def test_audit_verify_reports_an_intact_chain(history, app, cli_env):
    result = run_verify(app)
    assert result.exit_code == 0, result.output
    assert f"intact: {len(history)} events" in result.output


def _tamper(app, *statements):
    """Run SQL on the audit table with its append-only triggers lifted for the moment."""
    engine = app.extensions["db_engine"]
    with engine.begin() as connection:
        triggers.remove(connection)
        for statement in statements:
            connection.execute(text(statement) if isinstance(statement, str) else statement)
        triggers.install_all(connection)


@pytest.mark.parametrize("statements, broken_id", [
    # changed: the amount recorded for the line edit
    (["UPDATE audit_events SET after = '{\"amount\": 400}' WHERE id = 8"], 8),
    # deleted from the middle: the gap shows at the next row
    (["DELETE FROM audit_events WHERE id = 5"], 6),
    # reordered: rows 6 and 7 swap places (ids exchanged through a free id)
    (["UPDATE audit_events SET id = 1000 WHERE id = 6",
      "UPDATE audit_events SET id = 6 WHERE id = 7",
      "UPDATE audit_events SET id = 7 WHERE id = 1000"], 6),
])
def test_audit_verify_names_the_first_broken_row(history, app, cli_env, statements,
                                                 broken_id):
    _tamper(app, *statements)
    result = run_verify(app)
    assert result.exit_code == 1
    assert f"broken at event {broken_id}" in result.output


@pytest.mark.parametrize("table", ["audit_events", "assessments"])
@pytest.mark.parametrize("statement", ["UPDATE {table} SET id = id WHERE id = 1",
                                       "DELETE FROM {table} WHERE id = 1"])
def test_the_database_refuses_to_change_append_only_rows(history, app, table, statement):
    engine = app.extensions["db_engine"]
    with pytest.raises(DBAPIError, match="append-only"):
        with engine.begin() as connection:
            connection.execute(text(statement.format(table=table)))
    with app.app_context():
        assert verify_database(db.session()).count == len(history)


def test_a_tampered_assessment_is_neither_shown_nor_exported(history, client, app):
    from sqlalchemy import update

    from footprint.assessments.models import Assessment

    with app.app_context():
        result = db.session().get(Assessment, 1).result
    result["carbon"]["total"] /= 2  # a halved footprint, the hash left as it was
    _tamper(app, update(Assessment.__table__).where(Assessment.__table__.c.id == 1)
            .values(result=result))
    for url in ("/assessments/1", "/assessments/1.json", "/assessments/1.csv"):
        response = client.get(url)
        assert response.status_code == 409, url
        assert "no longer matches its content hash" in response.get_data(as_text=True)


def test_deleting_the_newest_events_is_found_by_the_assessments_or_the_head(history, app,
                                                                            cli_env):
    result = run_verify(app)
    head = result.output.split("head ")[1].strip()
    assert len(head) == 64
    # the newest event, the assessment's creation, removed with the guard lifted
    _tamper(app, f"DELETE FROM audit_events WHERE id = {len(history)}")
    result = run_verify(app)
    assert result.exit_code == 1
    assert "assessment 1 has no creation event" in result.output
    # a tail without assessment events: only the head recorded earlier tells
    _tamper(app, f"DELETE FROM audit_events WHERE id = {len(history) - 1}",
            "DELETE FROM assessments WHERE id = 1")
    assert run_verify(app).exit_code == 0
    from footprint.cli import cli

    result = app.test_cli_runner().invoke(cli, ["audit", "verify", "--expect-head", head])
    assert result.exit_code == 1 and "not at the expected head" in result.output


def test_postgresql_refuses_truncate_of_append_only_tables(history, app):
    engine = app.extensions["db_engine"]
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    for table in ("audit_events", "assessments"):
        with pytest.raises(DBAPIError, match="append-only"):
            with engine.begin() as connection:
                connection.execute(text(f"TRUNCATE {table} CASCADE"))


def test_a_stored_total_that_differs_from_the_content_is_shown_as_altered(history, client, app):
    _tamper(app, "UPDATE assessments SET carbon_total = 0.001234 WHERE id = 1")
    page = client.get("/products/1").get_data(as_text=True)
    assert "altered: does not match its content hash" in page and "0.001234" not in page
    assert "altered" in client.get("/products/").get_data(as_text=True)
    assert client.get("/assessments/1").status_code == 409
