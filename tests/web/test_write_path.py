"""Operations seen through the web: archiving, editing supplier factors, coded messages,
concurrent saves, and the changes the acceptance check found untested."""
import threading

import pytest

from sqlmodel import select

from footprint import db
from footprint.accounts.models import Site, User
from footprint.products.models import Line, Product, SupplierFactor
from tests.helpers import add_line, login

FACTOR = {"code": "acme-pcb", "name": "PCB, supplier Acme", "unit": "piece",
          "co2e_fossil": "3.2", "co2e_biogenic": "0", "co2e_land_use": "0", "water_m3": "0.01",
          "water_region": "CN-CQ", "source": "supplier PCF"}
PRODUCT = {"name": "Desk fan", "functional_unit": "1 piece", "boundary": "cradle-to-gate",
           "site_id": "1"}


def rows(app, model, **where):
    with app.app_context():
        query = select(model)
        for key, value in where.items():
            query = query.where(getattr(model, key) == value)
        return db.session().exec(query).all()


def test_a_product_with_assessments_is_archived_not_deleted(client, applicant, app):
    add_line(client)
    client.post("/products/1/calculate")
    client.post("/products/1/delete", data={"confirm_name": "Desk fan"})
    (product,) = rows(app, Product)
    assert product.archived_dt is not None
    assert len(rows(app, Line)) == 1
    assert "Desk fan" not in client.get("/products/").get_data(as_text=True)
    assert "Desk fan" in client.get("/products/?archived=1").get_data(as_text=True)
    assert client.get("/assessments/1").status_code == 200
    assert client.post("/products/1/lines/new", data={}).status_code == 403
    assert client.post("/products/1/edit", data=PRODUCT).status_code == 403


def test_a_product_without_assessments_is_deleted_with_its_lines(client, applicant, app):
    add_line(client)
    client.post("/products/1/factors/new", data=FACTOR)
    client.post("/products/1/delete", data={"confirm_name": "Desk fan"})
    assert rows(app, Product) == [] and rows(app, Line) == [] and rows(app, SupplierFactor) == []


def test_site_delete_removes_the_site(client, applicant, app):
    client.post("/sites/new", data={"name": "Spare", "grid_region": "CN-SC"})
    assert [s.name for s in rows(app, Site)] == ["Liangjiang plant", "Spare"]
    assert client.post("/sites/2/delete").status_code == 302
    assert [s.name for s in rows(app, Site)] == ["Liangjiang plant"]
    client.post("/sites/1/delete")  # product 1 uses it: refused
    assert [s.name for s in rows(app, Site)] == ["Liangjiang plant"]


def test_an_unused_supplier_factor_is_removed(client, applicant, app):
    client.post("/products/1/factors/new", data=FACTOR)
    assert len(rows(app, SupplierFactor)) == 1
    page = client.post("/products/1/factors/1/delete", follow_redirects=True)
    assert "Supplier factor removed." in page.get_data(as_text=True)
    assert rows(app, SupplierFactor) == []


def test_a_supplier_factor_can_be_edited_and_a_new_code_follows_into_lines(client, applicant,
                                                                           app):
    client.post("/products/1/factors/new", data=FACTOR)
    add_line(client, factor="acme-pcb", amount="2", unit="piece")
    assert 'value="acme-pcb"' in client.get("/products/1/factors/1/edit").get_data(as_text=True)
    response = client.post("/products/1/factors/1/edit",
                           data={**FACTOR, "code": "acme-pcb-2026", "co2e_fossil": "2.9"})
    assert response.status_code == 302
    (factor,) = rows(app, SupplierFactor)
    assert (factor.code, factor.co2e_fossil) == ("acme-pcb-2026", 2.9)
    assert rows(app, Line)[0].reference == "acme-pcb-2026"


def test_water_discharge_alone_is_explained_not_called_empty(client, applicant):
    add_line(client, stage="manufacturing", name="drain", kind="water", water="discharge",
             amount="10", unit="L")
    page = client.post("/products/1/calculate", follow_redirects=True).get_data(as_text=True)
    assert "Add at least one line" not in page
    # 10 L discharged, nothing withdrawn: 0.01 m3 more out than in
    assert "water discharged exceeds water withdrawn by 0.01 m³" in page


def test_a_product_name_is_unique_within_an_organisation(client, applicant, app):
    page = client.post("/products/new", data=PRODUCT).get_data(as_text=True)
    assert "a product with this name exists" in page
    assert len(rows(app, Product)) == 1


def test_a_save_from_a_stale_form_is_refused_and_keeps_what_was_typed(client, applicant, app,
                                                                      make_user):
    page = client.get("/products/1/edit").get_data(as_text=True)
    assert 'name="lock_version" value="1"' in page
    assert client.post("/products/1/edit", data={**PRODUCT, "name": "Fan A",
                                                 "lock_version": "1"}).status_code == 302
    response = client.post("/products/1/edit", data={**PRODUCT, "name": "Fan B",
                                                     "lock_version": "1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Someone else changed this meanwhile" in page
    assert 'value="Fan B"' in page and 'name="lock_version" value="2"' in page
    assert rows(app, Product)[0].name == "Fan A"
    assert client.post("/products/1/edit", data={**PRODUCT, "name": "Fan B",
                                                 "lock_version": "2"}).status_code == 302
    assert rows(app, Product)[0].name == "Fan B"


def test_a_line_saved_from_a_stale_form_is_refused(client, applicant, app):
    add_line(client)
    assert add_line(client, amount="3").status_code == 302
    data = {"stage": "materials", "name": "housing", "kind": "factor", "factor": "steel-bof",
            "gas": "CO2", "water": "withdrawal", "unit": "kg", "allocation_basis": "units"}
    assert client.post("/products/1/lines/1/edit",
                       data={**data, "amount": "4", "lock_version": "1"}).status_code == 302
    page = client.post("/products/1/lines/1/edit",
                       data={**data, "amount": "5", "lock_version": "1"}).get_data(as_text=True)
    assert "Someone else changed this meanwhile" in page and 'value="5"' in page
    assert rows(app, Line, id=1)[0].amount == 4


def _in_parallel(app, email, count, request):
    """`count` clients of the same user each send `request(client)` at the same moment."""
    clients = []
    for _ in range(count):
        client = app.test_client()
        login(client, email)
        clients.append(client)
    start = threading.Barrier(count)
    statuses = []

    def run(client):
        start.wait()
        statuses.append(request(client).status_code)

    threads = [threading.Thread(target=run, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def test_parallel_copies_get_distinct_versions(client, applicant, app):
    statuses = _in_parallel(app, applicant, 10, lambda c: c.post("/products/1/copy"))
    assert statuses == [302] * 10
    assert sorted(p.version for p in rows(app, Product)) == list(range(1, 12))


def test_parallel_line_adds_get_distinct_positions(client, applicant, app):
    statuses = _in_parallel(app, applicant, 10, lambda c: add_line(c))
    assert statuses == [302] * 10
    assert sorted(l.position for l in rows(app, Line)) == list(range(10))


def test_create_user_command_commits(app, monkeypatch):
    from footprint.cli import cli
    from tests.helpers import credit_code

    monkeypatch.setenv("FOOTPRINT_INSTANCE_PATH", app.instance_path)
    monkeypatch.setenv("DATABASE_URL", app.config["DATABASE_URL"])
    result = app.test_cli_runner().invoke(cli, [
        "create-user", "--role", "certifier", "--email", "cert@x.cn", "--name", "Cert",
        "--organisation", "Body", "--credit-code", credit_code(901), "--password",
        "a long and unusual passphrase"])
    assert result.exit_code == 0, result.output
    # a new connection sees the user: the command committed
    assert [u.email for u in rows(app, User)] == ["cert@x.cn"]
    client = app.test_client()
    assert login(client, "cert@x.cn", "a long and unusual passphrase").status_code == 302


def test_results_older_than_the_lines_are_marked_out_of_date(client, applicant):
    add_line(client)
    client.post("/products/1/calculate")
    assert 'id="outdated"' not in client.get("/products/1").get_data(as_text=True)
    add_line(client, name="second")
    assert 'id="outdated"' in client.get("/products/1").get_data(as_text=True)
    client.post("/products/1/calculate")
    assert 'id="outdated"' not in client.get("/products/1").get_data(as_text=True)


def test_a_line_is_checked_against_the_boundary_committed_meanwhile(client, applicant, app):
    """Request B loaded the product while it was cradle-to-grave; request A narrowed it to
    cradle-to-gate and committed; B's use-stage line must then be refused, not stored."""
    from footprint.accounts.models import User
    from footprint.errors import InputError
    from footprint.products import operations

    client.post("/products/1/edit", data={**PRODUCT, "boundary": "cradle-to-grave"})
    with app.app_context():
        session_b = db.session()
        stale = session_b.get(Product, 1)
        actor = session_b.get(User, 1)
        assert stale.boundary == "cradle-to-grave"
        assert client.post("/products/1/edit", data={**PRODUCT, "lock_version": "2"}
                           ).status_code == 302  # A, committed in its own request
        with pytest.raises(InputError) as refused:
            operations.save_line(session_b, actor, stale, {
                "stage": "use", "name": "power", "factor": "elec-cn-lca-2024", "amount": 1.0,
                "unit": "kWh"})
        session_b.rollback()
    assert refused.value.code == "outside_boundary"
    assert rows(app, Line) == []


def test_a_lock_version_no_row_can_have_is_a_stale_form_not_an_error(client, applicant, app):
    add_line(client)
    for value in ("2147483648", str(2**63), "-1", "x"):
        response = client.post("/products/1/edit", data={**PRODUCT, "name": "Renamed",
                                                         "lock_version": value})
        assert response.status_code == 200, value
        assert "Someone else changed this meanwhile" in response.get_data(as_text=True)
    assert rows(app, Product)[0].name == "Desk fan"


def test_supplier_factor_edits_from_a_stale_form_are_refused(client, applicant, app):
    client.post("/products/1/factors/new", data=FACTOR)
    assert 'name="lock_version" value="1"' in client.get("/products/1/factors/1/edit").get_data(
        as_text=True)
    assert client.post("/products/1/factors/1/edit", data={
        **FACTOR, "co2e_fossil": "5", "lock_version": "1"}).status_code == 302
    page = client.post("/products/1/factors/1/edit", data={
        **FACTOR, "source": "supplier PCF 2026", "lock_version": "1"}).get_data(as_text=True)
    assert "Someone else changed this meanwhile" in page
    (factor,) = rows(app, SupplierFactor)
    assert (factor.co2e_fossil, factor.source) == (5.0, "supplier PCF")


def test_the_unit_of_a_supplier_factor_in_use_must_fit_its_lines(client, applicant, app):
    client.post("/products/1/factors/new", data=FACTOR)
    add_line(client, factor="acme-pcb", amount="2", unit="piece")
    page = client.post("/products/1/factors/1/edit", data={**FACTOR, "unit": "kWh"}).get_data(
        as_text=True)
    assert "uses this factor in piece, which cannot be converted to kWh" in page
    assert rows(app, SupplierFactor)[0].unit == "piece"
    assert client.post("/products/1/factors/1/edit", data={**FACTOR, "unit": "pcs"}
                       ).status_code == 302  # another spelling of the same unit fits


def test_renaming_a_factor_records_the_lines_it_changes(client, applicant, app):
    from footprint.audit.models import AuditEvent

    client.post("/products/1/factors/new", data=FACTOR)
    add_line(client, factor="acme-pcb", amount="2", unit="piece")
    client.post("/products/1/factors/1/edit", data={**FACTOR, "code": "acme-pcb-2"})
    events = rows(app, AuditEvent)
    assert [e.action for e in events[-2:]] == ["line.update", "supplier_factor.update"]
    assert (events[-2].before["reference"], events[-2].after["reference"]) == (
        "acme-pcb", "acme-pcb-2")


def test_deleting_a_product_records_its_lines_and_factors(client, applicant, app):
    from footprint.audit.models import AuditEvent

    client.post("/products/1/factors/new", data=FACTOR)
    add_line(client, factor="acme-pcb", amount="2", unit="piece")
    client.post("/products/1/delete", data={"confirm_name": "Desk fan"})
    event = rows(app, AuditEvent)[-1]
    assert event.action == "product.delete"
    assert [l["name"] for l in event.before["lines"]] == ["housing"]
    assert [f["code"] for f in event.before["factors"]] == ["acme-pcb"]


def test_copying_an_archived_product_leaves_it_unchanged(client, applicant, app):
    add_line(client)
    client.post("/products/1/calculate")
    client.post("/products/1/delete", data={"confirm_name": "Desk fan"})
    before = rows(app, Product)[0]
    assert client.post("/products/1/copy").status_code == 302
    after = rows(app, Product, id=1)[0]
    assert (after.updated_dt, after.lock_version) == (before.updated_dt, before.lock_version)
