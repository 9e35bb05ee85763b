"""Sites, products, lines and supplier factors through the forms."""

import pytest
from sqlmodel import select

from footprint import db
from footprint.products.models import Line, Product, SupplierFactor
from tests.helpers import add_line


def lines(app, product_id=1):
    with app.app_context():
        return db.session().exec(select(Line).where(Line.product_id == product_id)).all()


def test_site_validation_and_edit(client, applicant):
    page = client.post("/sites/new", data={"name": "", "grid_region": "CN-CQ",
                                           "annual_output": "-5", "address": "kept"})
    text = page.get_data(as_text=True)
    assert "This field is required." in text and "must be a finite number, zero or more" in text
    assert 'value="kept"' in text
    response = client.post("/sites/1/edit", data={"name": "Renamed", "grid_region": "CN-SC",
                                                  "annual_output": "10", "land_area_m2": "5"})
    assert response.status_code == 302
    assert "Renamed" in client.get("/sites/").get_data(as_text=True)


def test_site_in_use_cannot_be_deleted(client, applicant):
    client.post("/sites/1/delete")
    assert "Liangjiang plant" in client.get("/sites/").get_data(as_text=True)


def test_product_page_groups_lines_by_stage(client, applicant, app):
    assert add_line(client).status_code == 302
    assert add_line(client, stage="manufacturing", name="grid", factor="elec-cn-lca-2024",
                    amount="12", unit="kWh").status_code == 302
    assert add_line(client, stage="manufacturing", name="leak", kind="emission", gas="HFC-134a",
                    amount="3", unit="g").status_code == 302
    page = client.get("/products/1").get_data(as_text=True)
    materials = page.index('id="stage-materials"')
    manufacturing = page.index('id="stage-manufacturing"')
    assert materials < page.index("housing") < manufacturing < page.index("leak")
    assert [(l.kind, l.reference) for l in lines(app)] == [
        ("factor", "steel-bof"), ("factor", "elec-cn-lca-2024"), ("emission", "HFC-134a")]


@pytest.mark.parametrize("fields, field_id, message", [
    ({"factor": "unobtainium"}, "factor", "unknown factor code &#39;unobtainium&#39;"),
    ({"unit": "kWh"}, "unit", "unit &#39;kWh&#39; cannot be converted to &#39;t&#39;"),
    ({"unit": "parsecs2"}, "unit", "unknown unit &#39;parsecs2&#39;"),
    ({"amount": "-1"}, "amount", "must be a finite number, zero or more"),
    ({"amount": "nan"}, "amount", "&#39;nan&#39; is not a number"),
    ({"amount": "inf"}, "amount", "&#39;inf&#39; is not a number"),
    ({"amount": "abc"}, "amount", "&#39;abc&#39; is not a number; type digits with a dot"),
    ({"amount": ""}, "amount", "This field is required."),
    ({"stage": "use"}, "stage", "outside the product&#39;s cradle-to-gate boundary"),
    ({"allocated": "y", "annual_amount": "100", "product_quantity": "5",
      "plant_quantity": "2", "units_per_year": "1"}, "plant_quantity", "exceeds the plant"),
])
def test_bad_line_is_refused_with_the_message_beside_its_field(client, applicant, app, fields,
                                                               field_id, message):
    response = add_line(client, name="kept name", **fields)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    field_html = page[page.index(f'id="{field_id}"'):]
    field_html = field_html[:field_html.index("</div>")]
    assert message in field_html
    assert 'value="kept name"' in page
    assert lines(app) == []


def test_allocated_plant_level_line(client, applicant, app):
    response = add_line(client, stage="manufacturing", name="plant electricity",
                        factor="elec-cn-lca-2024", unit="kWh", amount="", allocated="y",
                        annual_amount="1200000", allocation_basis="mass",
                        product_quantity="300", plant_quantity="1000", units_per_year="50000")
    assert response.status_code == 302
    (line,) = lines(app)
    assert (line.amount, line.annual_amount, line.allocation_basis) == (None, 1200000, "mass")


def test_edit_and_remove_line(client, applicant, app):
    add_line(client)
    assert client.post("/products/1/lines/1/edit", data={
        "stage": "materials", "name": "housing", "kind": "factor", "factor": "steel-bof",
        "gas": "CO2", "water": "withdrawal", "amount": "3", "unit": "kg",
        "allocation_basis": "units"}).status_code == 302
    assert lines(app)[0].amount == 3
    client.post("/products/1/lines/1/delete")
    assert lines(app) == []


def test_supplier_factor_is_usable_by_code_and_may_not_shadow_the_dataset(client, applicant,
                                                                          app):
    form = {"code": "acme-pcb", "name": "PCB, supplier Acme", "unit": "piece",
            "co2e_fossil": "3.2", "co2e_biogenic": "0", "co2e_land_use": "0", "water_m3": "0.01",
            "water_region": "CN-CQ",
            "source": "supplier PCF"}
    assert client.post("/products/1/factors/new", data=form).status_code == 302
    page = client.post("/products/1/factors/new", data={**form, "code": "steel-bof"}).get_data(
        as_text=True)
    assert "this code is a dataset factor; choose another" in page
    page = client.post("/products/1/factors/new", data={**form, "co2e_fossil": "nan"}).get_data(
        as_text=True)
    assert "&#39;nan&#39; is not a number" in page
    assert add_line(client, factor="acme-pcb", amount="2", unit="piece").status_code == 302
    client.post("/products/1/factors/1/delete")  # still used by a line: refused
    with app.app_context():
        assert db.session().exec(select(SupplierFactor)).one().code == "acme-pcb"


def test_copy_as_new_version_copies_lines_and_factors(client, applicant, app):
    add_line(client)
    response = client.post("/products/1/copy")
    assert response.location == "/products/2"
    with app.app_context():
        copy = db.session().get(Product, 2)
        assert (copy.name, copy.version, copy.copied_from_id) == ("Desk fan", 2, 1)
    assert [(l.name, l.amount) for l in lines(app, 2)] == [("housing", 2.5)]


def test_delete_needs_the_name_typed(client, applicant, app):
    add_line(client)
    client.post("/products/1/delete", data={"confirm_name": "wrong"})
    with app.app_context():
        assert db.session().get(Product, 1) is not None
    client.post("/products/1/delete", data={"confirm_name": "Desk fan"})
    with app.app_context():
        assert db.session().get(Product, 1) is None
    assert lines(app) == []


def test_boundary_change_is_refused_while_lines_lie_outside(client, applicant, app):
    client.post("/products/1/edit", data={"name": "Desk fan", "functional_unit": "1 piece",
                                          "boundary": "cradle-to-grave", "site_id": "1"})
    add_line(client, stage="use", name="use electricity", factor="elec-cn-lca-2024",
             amount="50", unit="kWh")
    page = client.post("/products/1/edit", data={
        "name": "Desk fan", "functional_unit": "1 piece", "boundary": "cradle-to-gate",
        "site_id": "1"}).get_data(as_text=True)
    assert "Lines in these stages are outside this boundary: Use" in page


def test_html_in_names_is_escaped(client, applicant):
    client.post("/products/1/edit", data={"name": "<script>alert(1)</script>",
                                          "functional_unit": "1 piece",
                                          "boundary": "cradle-to-gate", "site_id": "1"})
    add_line(client, name="<img src=x onerror=alert(1)>")
    for url in ("/products/", "/products/1"):
        page = client.get(url).get_data(as_text=True)
        assert "<script>alert(1)</script>" not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_allocated_line_is_listed_per_functional_unit(client, applicant):
    add_line(client, stage="manufacturing", name="plant electricity", factor="elec-cn-lca-2024",
             unit="kWh", amount="", allocated="y", annual_amount="1200000",
             allocation_basis="mass", product_quantity="300", plant_quantity="1000",
             units_per_year="50000")
    page = client.get("/products/1").get_data(as_text=True)
    # 1,200,000 x 300 / 1000 / 50,000 = 7.2 kWh per unit
    assert "7.200" in page and "allocated from 1,200,000.00 per year, By mass" in page
