"""The numeric policy in the web forms, and number formatting that never raises."""
import math

import pytest
from sqlmodel import select

from footprint import db
from footprint.accounts.models import Site
from footprint.assessments.models import Assessment
from footprint.assessments.operations import content_hash
from footprint.products.models import Line, SupplierFactor
from footprint.web import formatting
from tests.helpers import add_line


def stored_amounts(app):
    with app.app_context():
        return [l.amount for l in db.session().exec(select(Line))]


def field_html(page: str, field_id: str) -> str:
    html = page[page.index(f'id="{field_id}"'):]
    return html[:html.index("</div>")]


@pytest.mark.parametrize("typed", ["1,5", "1。5", "1.234,5", "1 500"])
def test_ambiguous_amount_is_refused_and_kept_as_typed(client, applicant, app, typed):
    # before: <input type=number> dropped the character in the browser and 1,5 was stored as 15
    response = add_line(client, amount=typed)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    html = field_html(page, "amount")
    assert "is ambiguous: type a dot for decimals and no thousands separators" in html
    assert f'value="{typed}"' in html and 'inputmode="decimal"' in html and 'type="text"' in html
    assert stored_amounts(app) == []


@pytest.mark.parametrize("typed, stored", [("1.5", 1.5), ("1500", 1500.0), ("1e3", 1000.0),
                                           ("１．５", 1.5)])
def test_plain_amounts_are_stored(client, applicant, app, typed, stored):
    assert add_line(client, amount=typed).status_code == 302
    assert stored_amounts(app) == [stored]


def test_huge_amount_is_refused_at_entry(client, applicant, app):
    # the acceptance finding: 1e26 was stored and the product list then answered 500
    html = field_html(add_line(client, amount="1e26").get_data(as_text=True), "amount")
    assert "must be at most 1e12 in size; use a larger unit" in html
    html = field_html(add_line(client, allocated="y", annual_amount="1e13",
                               product_quantity="1", plant_quantity="2",
                               units_per_year="1").get_data(as_text=True), "annual_amount")
    assert "must be at most 1e12 in size" in html
    assert stored_amounts(app) == []


def test_edit_form_shows_stored_amount_plainly(client, applicant):
    add_line(client, amount="1500")
    page = client.get("/products/1/lines/1/edit").get_data(as_text=True)
    assert 'value="1500"' in field_html(page, "amount")


FACTOR = {"code": "acme-pcb", "name": "PCB", "unit": "piece", "co2e_fossil": "3.2",
          "co2e_biogenic": "0", "co2e_land_use": "0", "water_m3": "0", "water_region": "CN-CQ",
          "source": "supplier PCF"}


@pytest.mark.parametrize("changes, field, message", [
    ({"co2e_fossil": "3,2"}, "co2e_fossil", "is ambiguous"),
    ({"co2e_biogenic": "-1e13"}, "co2e_biogenic", "must be at most 1e12 in size"),
    ({"water_m3": "-1"}, "water_m3", "must be a finite number, zero or more"),
    ({"code": "=HYPERLINK(1)"}, "code", "must not start with = + - @, a tab or a line break"),
    ({"code": "@sum"}, "code", "must not start with = + - @"),
])
def test_supplier_factor_form_applies_the_policy(client, applicant, app, changes, field, message):
    response = client.post("/products/1/factors/new", data={**FACTOR, **changes})
    assert response.status_code == 200
    assert message in field_html(response.get_data(as_text=True), field)
    with app.app_context():
        assert db.session().exec(select(SupplierFactor)).all() == []


def test_site_form_applies_the_policy(client, applicant, app):
    page = client.post("/sites/1/edit", data={"name": "Liangjiang plant", "grid_region": "CN-CQ",
                                              "annual_output": "50,000", "land_area_m2": "1e13"}
                       ).get_data(as_text=True)
    assert "is ambiguous" in field_html(page, "annual_output")
    assert 'value="50,000"' in field_html(page, "annual_output")
    assert "must be at most 1e12" in field_html(page, "land_area_m2")
    client.post("/sites/1/edit", data={"name": "Liangjiang plant", "grid_region": "CN-CQ",
                                       "annual_output": "６００００", "land_area_m2": "8e4"})
    with app.app_context():
        site = db.session().get(Site, 1)
        assert (site.annual_output, site.land_area_m2) == (60000.0, 80000.0)


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, 1e308, -1e308, 1e26, -0.0,
                                   5e-324, 1e-300, -1e-9, 123456789012345.6, "text", None])
def test_formatting_never_raises(app, value):
    with app.test_request_context():
        for show in (formatting.number, formatting.significant, formatting.percent):
            assert isinstance(show(value), str)


def test_formatting_of_special_values(app):
    with app.test_request_context():
        assert formatting.significant(math.nan) == "—"
        assert formatting.significant(math.inf) == "∞"
        assert formatting.significant(-math.inf) == "-∞"
        assert formatting.significant(-0.0) == "0"
        assert formatting.number(-0.0) == "0.000"
        assert formatting.significant(1e26) == "1E26"
        assert formatting.significant(1.23456e-9) == "1.235E-9"
        assert formatting.significant(1234.5678) == "1,234.57"  # unchanged: 2 decimals from 100
        assert formatting.percent(0.582) == "58.2%"


WEIRD = [math.nan, math.inf, -math.inf, 1e308, -1e308, 1e26, -0.0, 5e-324]


def test_stored_assessment_with_extreme_values_renders(client, applicant, app):
    """Rows inserted directly, as an older version (or a bug) may have stored them."""
    add_line(client)
    assert client.post("/products/1/calculate").status_code == 302
    with app.app_context():
        session = db.session()
        # PostgreSQL's json type cannot hold NaN or infinity at all; SQLite's text can.
        finite_only = session.bind.dialect.name == "postgresql"
        weird = [v for v in WEIRD if math.isfinite(v) or not finite_only]
        good = session.get(Assessment, 1)
        result = dict(good.result)
        line = result["lines"][0]
        result["lines"] = [{**line, "name": f"line {i}", "amount": value, "carbon": value,
                           "water": value, "carbon_detail": {k: value for k in
                                                             line["carbon_detail"]}}
                           for i, value in enumerate(weird)]
        nan, inf = (1e-300, 1e300) if finite_only else (math.nan, math.inf)
        result["carbon"] = {**result["carbon"], "total": 1e26, "fossil": nan,
                            "biogenic": inf, "land_use": -0.0,
                            "by_stage": {"materials": 1e308, "manufacturing": nan}}
        result["water"] = {**result["water"], "consumption_m3": 1e308,
                           "scarcity_m3_world_eq": 1e26}
        fields = {k: getattr(good, k) for k in ("organisation_id", "product_id", "user_id",
                                                "spec", "dataset_version")}
        session.add(Assessment(**fields, result=result, carbon_total=1e26,
                               water_consumption_m3=1e308,
                               content_hash=content_hash(good.spec, result)))
        session.commit()
    products = client.get("/products/")
    assert products.status_code == 200 and "1E26" in products.get_data(as_text=True)
    page = client.get("/assessments/2")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "1E308" in text and "nan" not in text.lower()
    assert finite_only or ("∞" in text and "—" in text)
    assert client.get("/products/1").status_code == 200
    assert client.get("/assessments/2.csv").status_code == 200
