"""A material line's Circular Footprint Formula parameters through the line form: stored, shown
again, computed, refused by field when wrong, and copied with the product."""
import pytest
from sqlmodel import select

from footprint import db
from footprint.assessments.models import Assessment
from footprint.products.models import Line
from tests.helpers import add_line
from tests.web.test_end_of_life_lines import edit_product

EV, EREC = 15.947, 0.845  # al-primary-cn and al-recycled-cn, kg CO2e per kg
FRAME = {"stage": "materials", "name": "frame", "factor": "al-primary-cn", "amount": "2",
         "unit": "kg", "cff_used": "y", "cff_a": "0.2", "cff_r1": "0.3", "cff_r2": "0.8",
         "cff_recycled": "al-recycled-cn", "cff_disposal": "landfill-inert-metal-glass-ipcc"}


def stored_cff(app):
    with app.app_context():
        return [line.cff for line in db.session().exec(select(Line).order_by(Line.id))]


def test_a_cff_line_is_stored_shown_and_computed(client, applicant, app):
    assert edit_product(client, 1, end_of_life_method="cff").status_code == 302
    form = client.get("/products/1/lines/new").get_data(as_text=True)
    assert 'id="cff-parameters"' in form
    assert add_line(client, **FRAME).status_code == 302
    assert stored_cff(app) == [{"a": 0.2, "r1": 0.3, "r2": 0.8,
                                "recycled": "al-recycled-cn",
                                "disposal": "landfill-inert-metal-glass-ipcc"}]
    again = client.get("/products/1/lines/1/edit").get_data(as_text=True)
    assert 'value="al-recycled-cn"' in again and 'value="0.8"' in again
    assert client.post("/products/1/calculate").status_code == 302
    with app.app_context():
        result = db.session().get(Assessment, 1).result
    per_kg = ((1 - 0.3) * EV + 0.3 * (0.2 * EREC + 0.8 * EV) + 0.8 * 0.8 * (EREC - EV))
    assert result["carbon"]["total"] == pytest.approx(2 * per_kg, rel=1e-6)  # 10.7512
    assert result["carbon"]["credits"] == pytest.approx(-2 * 0.8 * 0.8 * EV, rel=1e-6)
    page = client.get("/assessments/1").get_data(as_text=True)
    assert "CFF: recycling credit" in page and "CFF: virgin material" in page


@pytest.mark.parametrize(("change", "message"), [
    ({"cff_a": "0.9"}, "Input should be less than or equal to 0.8"),
    ({"cff_disposal": ""}, "not recycled at end of life: give the factor of its disposal"),
    ({"cff_recycled": "al-rcycled"}, "unknown factor code &#39;al-rcycled&#39; (recycled)"),
])
def test_wrong_parameters_are_refused_beside_their_field(client, applicant, app, change,
                                                         message):
    assert edit_product(client, 1, end_of_life_method="cff").status_code == 302
    response = add_line(client, **{**FRAME, **change})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert stored_cff(app) == []


def test_parameters_on_a_product_without_cff_are_refused(client, applicant, app):
    assert edit_product(client, 1, boundary="cradle-to-grave",
                        end_of_life_method="substitution").status_code == 302
    response = add_line(client, **FRAME)
    assert response.status_code == 200
    assert "choose it on the product, or untick the parameters" in response.get_data(as_text=True)


def test_a_copy_keeps_the_parameters(client, applicant, app):
    assert edit_product(client, 1, end_of_life_method="cff").status_code == 302
    assert add_line(client, **FRAME).status_code == 302
    assert client.post("/products/1/copy").status_code == 302
    first, copied = stored_cff(app)
    assert copied == first and copied["a"] == 0.2


def test_cff_parameters_round_trip_through_the_spreadsheet(client, applicant, app):
    import io

    from openpyxl import load_workbook

    from footprint.products import spreadsheet

    assert edit_product(client, 1, end_of_life_method="cff").status_code == 302
    assert add_line(client, **FRAME).status_code == 302
    exported = client.get("/products/1/lines.xlsx")
    sheet = load_workbook(io.BytesIO(exported.data))["Lines"]
    header = [cell.value for cell in sheet[1]]
    row = dict(zip(header, [cell.value for cell in sheet[2]]))
    assert header[-7:] == list(spreadsheet.CFF_COLUMNS)
    assert (row["cff_a"], row["cff_r1"], row["cff_recycled"]) == (0.2, 0.3, "al-recycled-cn")
    back = client.post("/products/1/import", data={
        "mode": "replace", "confirm_replace": "y",
        "file": (io.BytesIO(exported.data), "lines.xlsx")}, content_type="multipart/form-data")
    assert back.status_code == 302
    assert stored_cff(app) == [{"a": 0.2, "r1": 0.3, "r2": 0.8, "recycled": "al-recycled-cn",
                                "disposal": "landfill-inert-metal-glass-ipcc"}]  # replaced
    # a wrong A is named by its column
    sheet.cell(row=2, column=header.index("cff_a") + 1, value=0.95)
    buffer = io.BytesIO()
    sheet.parent.save(buffer)
    refused = client.post("/products/1/import", data={
        "mode": "replace", "confirm_replace": "y",
        "file": (io.BytesIO(buffer.getvalue()), "lines.xlsx")},
        content_type="multipart/form-data")
    assert refused.status_code == 400
    column = spreadsheet.column_letter("cff_a")
    assert f"Row 2, column {column} (cff_a)" in refused.get_data(as_text=True)
