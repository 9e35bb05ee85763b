"""Issue 9 inputs: a product's end-of-life method, reference year and geography; a supplier
factor's biogenic removal and carbon, land-use flag, data-quality ratings and GSD, through the
forms, the spreadsheet (old files still import) and copies."""
import io

import pytest
from openpyxl import Workbook, load_workbook
from sqlmodel import select

from footprint import db
from footprint.products import spreadsheet
from footprint.products.models import Product, SupplierFactor
from footprint.products.operations import build_spec
from tests.helpers import add_line
from tests.web.test_import_bounds import post

PRODUCT = {"name": "Desk fan", "model": "F1", "category": "appliance",
           "functional_unit": "1 piece", "reference_flow": "", "boundary": "cradle-to-gate",
           "site_id": "1"}
FACTOR = {"code": "acme-box", "name": "<i>Box</i>, Acme", "unit": "kg", "co2e_fossil": "0.9",
          "co2e_biogenic": "0.05", "co2e_land_use": "0", "water_m3": "0.01",
          "water_region": "CN-CQ", "source": "supplier PCF 2025"}
NEW_FIELDS = {"co2_biogenic_removal": "1.4", "biogenic_carbon_kg": "0.38",
              "land_use_assessed": "y", "dq_technological": "1", "dq_temporal": "2",
              "dq_geographical": "3", "gsd": "1.2"}


def edit_product(client, **fields):
    return client.post("/products/1/edit", data={**PRODUCT, "lock_version": "1", **fields})


def spec(app):
    with app.app_context():
        return build_spec(db.session(), db.session().get(Product, 1))


def test_the_product_records_its_end_of_life_method_reference_year_and_geography(
        client, applicant, app):
    assert spec(app)["product"] | {} == {
        "name": "Desk fan", "functional_unit": "1 piece", "boundary": "cradle-to-gate",
        "water_region": "CN-CQ", "end_of_life_method": "cut-off", "reference_year": None,
        # the site's grid region CN-CQ is the factor rows' geography "Chongqing"
        "geography": "Chongqing"}
    form = client.get("/products/1/edit").get_data(as_text=True)
    assert "Substitution (avoided burden)" in form and "Circular Footprint Formula" in form
    assert "no credit is given for recycling" in form  # the help text of cut-off
    assert edit_product(client, end_of_life_method="substitution",
                        reference_year="2024").status_code == 302
    product = spec(app)["product"]
    assert (product["end_of_life_method"], product["reference_year"]) == ("substitution", 2024)
    page = client.get("/products/1").get_data(as_text=True)
    assert "Substitution (avoided burden)" in page and "2024" in page
    # refused with the field named, nothing saved
    response = edit_product(client, end_of_life_method="landfill", reference_year="1789",
                            lock_version="2")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "Not a valid choice" in text and "Number must be between 1990 and 2100" in text
    assert spec(app)["product"]["end_of_life_method"] == "substitution"


def test_a_product_without_a_site_has_no_geography(client, applicant, app):
    assert edit_product(client, site_id="0").status_code == 302
    assert spec(app)["product"]["geography"] is None


def test_the_supplier_factor_form_stores_the_new_fields_and_the_spec_carries_them(
        client, applicant, app):
    assert client.post("/products/1/factors/new",
                       data={**FACTOR, **NEW_FIELDS}).status_code == 302
    with app.app_context():
        factor = db.session().exec(select(SupplierFactor)).one()
        assert (factor.co2_biogenic_removal, factor.biogenic_carbon_kg, factor.land_use_assessed,
                factor.dq_technological, factor.dq_temporal, factor.dq_geographical,
                factor.gsd) == (1.4, 0.38, True, 1, 2, 3, 1.2)
    assert spec(app)["factors"] == [{
        "code": "acme-box", "name": "<i>Box</i>, Acme", "unit": "kg", "co2e_fossil": 0.9,
        "co2e_biogenic": 0.05, "co2e_land_use": 0.0, "water_m3": 0.01, "water_region": "CN-CQ",
        "source": "supplier PCF 2025", "co2_biogenic_removal": 1.4, "biogenic_carbon_kg": 0.38,
        "land_use_assessed": True, "gsd": 1.2,
        "data_quality": {"technological": 1, "temporal": 2, "geographical": 3}}]
    page = client.get("/products/1").get_data(as_text=True)
    assert "&lt;i&gt;Box&lt;/i&gt;" in page and "<i>Box</i>" not in page
    assert "1/2/3" in page
    # a copy carries every field
    assert client.post("/products/1/copy").status_code == 302
    with app.app_context():
        copied = db.session().exec(select(SupplierFactor).where(
            SupplierFactor.product_id == 2)).one()
        assert (copied.co2_biogenic_removal, copied.biogenic_carbon_kg, copied.land_use_assessed,
                copied.dq_technological, copied.dq_temporal, copied.dq_geographical,
                copied.gsd) == (1.4, 0.38, True, 1, 2, 3, 1.2)


def test_a_factor_without_the_new_fields_keeps_their_defaults(client, applicant, app):
    assert client.post("/products/1/factors/new", data=FACTOR).status_code == 302
    [factor] = spec(app)["factors"]
    # no removal, content not stated, land use not assessed; no gsd, no ratings: engine defaults
    assert (factor["co2_biogenic_removal"], factor["biogenic_carbon_kg"],
            factor["land_use_assessed"]) == (0.0, None, False)
    assert "gsd" not in factor and "data_quality" not in factor


def test_bad_ratings_and_gsd_are_refused_beside_their_field(client, applicant, app):
    response = client.post("/products/1/factors/new", data={
        **FACTOR, "dq_temporal": "4", "gsd": "0.9", "co2_biogenic_removal": "-1"})
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "Not a valid choice" in text
    assert "a geometric standard deviation is 1 or more" in text
    assert "must be a finite number, zero or more" in text
    with app.app_context():
        assert db.session().exec(select(SupplierFactor)).all() == []


def _workbook(header, row) -> bytes:
    book = Workbook()
    book.active.title = "Lines"
    book.active.append(list(spreadsheet.COLUMNS))
    book.active.append(["materials", "box", "factor", "acme-box", 0.2, "kg"])
    sheet = book.create_sheet("SupplierFactors")
    sheet.append(header)
    sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


OLD_ROW = ["acme-box", "Box, Acme", "kg", 0.9, 0.05, 0.3, 0.01, "CN-CQ", "supplier PCF"]


def test_a_spreadsheet_of_the_old_nine_columns_still_imports(client, applicant, app):
    data = _workbook(list(spreadsheet.FACTOR_COLUMNS[:9]), OLD_ROW)
    assert post(client, data, mode="append").status_code == 302
    with app.app_context():
        factor = db.session().exec(select(SupplierFactor)).one()
        # a non-zero land-use value was stated: assessed
        assert (factor.co2e_land_use, factor.land_use_assessed) == (0.3, True)
        assert (factor.co2_biogenic_removal, factor.biogenic_carbon_kg, factor.gsd,
                factor.dq_technological) == (0.0, None, None, None)


def test_the_new_columns_round_trip_and_are_checked(client, applicant, app):
    header = list(spreadsheet.FACTOR_COLUMNS)
    row = [*OLD_ROW, 1.4, 0.38, "否", 1.2, 1, 2, 3]
    assert post(client, _workbook(header, row), mode="append").status_code == 302
    with app.app_context():
        factor = db.session().exec(select(SupplierFactor)).one()
        assert (factor.co2_biogenic_removal, factor.biogenic_carbon_kg, factor.land_use_assessed,
                factor.gsd, factor.dq_technological, factor.dq_temporal,
                factor.dq_geographical) == (1.4, 0.38, False, 1.2, 1, 2, 3)
    exported = client.get("/products/1/lines.xlsx").data
    rows = list(load_workbook(io.BytesIO(exported))["SupplierFactors"].iter_rows(
        values_only=True))
    assert list(rows[1]) == [*OLD_ROW, 1.4, 0.38, False, 1.2, 1, 2, 3]
    # re-importing the export: the same factor, not a conflict
    assert post(client, exported, mode="append").status_code == 302
    bad = post(client, _workbook(header, [*OLD_ROW[:1], "B", *OLD_ROW[2:], 1.4, -1, "maybe",
                                          0.5, 4, 2, 3]), product_id=1, mode="append")
    assert bad.status_code == 400
    text = bad.get_data(as_text=True)
    for column, message in (("K", "biogenic_carbon_kg"), ("L", "land_use_assessed"),
                            ("M", "gsd"), ("N", "dq_technological")):
        assert f"Row 2, column {column} ({message})" in text, message
    assert "&#39;maybe&#39; is neither yes nor no" in text


def test_the_end_of_life_refusals_have_messages_of_their_own(app):
    from footprint.lca.dataset import catalogue
    from footprint.lca.spec import SpecError, parse_spec, resolve
    from footprint.web.labels import error_message

    credit = {"stage": "end_of_life", "name": "scrap", "unit": "kg",
              "factor": "recycling-al-credit-cn", "amount": 1}
    recycled = {"stage": "materials", "name": "cast wheel", "unit": "kg",
                "factor": "al-recycled-cn", "amount": 1}
    product = {"name": "p", "boundary": "cradle-to-grave"}
    messages = {}
    for method in ("cut-off", "substitution"):
        spec = parse_spec({"product": {**product, "end_of_life_method": method},
                           "lines": [recycled, credit]})
        with pytest.raises(SpecError) as info:
            resolve(spec, catalogue())
        with app.test_request_context():
            messages[method] = [error_message(e) for e in info.value.errors]
    assert messages["cut-off"][0].startswith("'recycling-al-credit-cn' is a credit, and the "
                                             "product's end-of-life method is cut-off")
    assert messages["substitution"] == [
        "the line 'cast wheel' takes recycled aluminium in at the cut-off value and this line "
        "claims a credit for recycling it: the recycling would be counted twice; remove the "
        "credit or enter the material at its primary value"]
