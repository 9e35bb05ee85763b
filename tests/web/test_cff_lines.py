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
    ({"cff_disposal": ""}, "neither recycled nor burnt for energy at end of life: give the "
                           "factor of its disposal"),
    ({"cff_recycled": "al-rcycled"}, "unknown factor code &#39;al-rcycled&#39; (recycled)"),
])
def test_wrong_parameters_are_refused_beside_their_field(client, applicant, app, change,
                                                         message):
    assert_refused_on_the_form(client, app, {**FRAME, **change}, message)


def assert_refused_on_the_form(client, app, line, message, **product):
    """On a cff product, the line form answers 200 with `message` and stores nothing."""
    assert edit_product(client, 1, end_of_life_method="cff", **product).status_code == 302
    response = add_line(client, **line)
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
    assert header[-15:] == list(spreadsheet.CFF_COLUMNS)
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


# A PET bottle with the energy-recovery part (the rows and arithmetic of tests/lca/test_cff.py:
# pet-filament-virgin-cn 1.493, pet-filament-recycled-cn 1.172, incineration-msw-grate-gross-cn
# 0.39889, ng-combustion-per-gj 56.1571 per GJ, elec-cn-lca-2024 0.5777, landfill-plastic-
# packaging-cn 0.0748 kg CO2e per kg or unit).
BOTTLE = {"stage": "packaging", "name": "bottle", "factor": "pet-filament-virgin-cn",
          "amount": "0.5", "unit": "kg", "cff_used": "y", "cff_a": "0.5", "cff_r2": "0.3",
          "cff_recycled": "pet-filament-recycled-cn", "cff_r3": "0.4",
          "cff_energy_recovery": "incineration-msw-grate-gross-cn", "cff_lhv": "22",
          "cff_xer_heat": "0.1", "cff_xer_electricity": "0.2",
          "cff_heat": "ng-combustion-per-gj", "cff_electricity": "elec-cn-lca-2024",
          "cff_disposal": "landfill-plastic-packaging-cn"}
BOTTLE_CFF = {"a": 0.5, "r2": 0.3, "recycled": "pet-filament-recycled-cn", "r3": 0.4,
              "energy_recovery": "incineration-msw-grate-gross-cn", "lhv": 22.0,
              "xer_heat": 0.1, "xer_electricity": 0.2, "heat": "ng-combustion-per-gj",
              "electricity": "elec-cn-lca-2024", "disposal": "landfill-plastic-packaging-cn"}


def test_energy_recovery_through_the_line_form(client, applicant, app):
    assert edit_product(client, 1, boundary="cradle-to-grave",
                        end_of_life_method="cff").status_code == 302
    assert add_line(client, **BOTTLE).status_code == 302
    assert stored_cff(app) == [BOTTLE_CFF]
    again = client.get("/products/1/lines/1/edit").get_data(as_text=True)
    assert 'value="incineration-msw-grate-gross-cn"' in again and 'value="22' in again
    assert client.post("/products/1/calculate").status_code == 302
    with app.app_context():
        result = db.session().get(Assessment, 1).result
    per_kg = (1.493 + 0.5 * 0.3 * (1.172 - 1.493)
              + 0.4 * (0.39889 - 22 * 0.1 / 1000 * 56.1571 - 22 * 0.2 / 3.6 * 0.5777)
              + 0.3 * 0.0748)  # 1.29500, as in tests/lca/test_cff.py
    assert result["carbon"]["total"] == pytest.approx(0.5 * per_kg, rel=1e-6)
    page = client.get("/assessments/1").get_data(as_text=True)
    assert "CFF: electricity replaced (credit)" in page and "CFF: energy recovery" in page


@pytest.mark.parametrize(("change", "message"), [
    ({"cff_lhv": ""}, "give the material&#39;s lower heating value in MJ/kg"),
    ({"cff_r3": "0.8"}, "R2 + R3 is 1.1"),
    ({"cff_energy_recovery": "incineration-msw-wte-cn"},
     "is a credit (energy_recovery): the formula gives the credits itself"),
])
def test_wrong_energy_recovery_is_refused_on_the_form(client, applicant, app, change, message):
    assert_refused_on_the_form(client, app, {**BOTTLE, **change}, message,
                               boundary="cradle-to-grave")


def test_energy_recovery_columns_round_trip_and_older_files_import(client, applicant, app):
    import io

    from openpyxl import load_workbook

    assert edit_product(client, 1, boundary="cradle-to-grave",
                        end_of_life_method="cff").status_code == 302
    assert add_line(client, **BOTTLE).status_code == 302
    exported = client.get("/products/1/lines.xlsx").data
    back = client.post("/products/1/import", data={
        "mode": "replace", "confirm_replace": "y",
        "file": (io.BytesIO(exported), "lines.xlsx")}, content_type="multipart/form-data")
    assert back.status_code == 302
    assert stored_cff(app) == [BOTTLE_CFF]
    # a file of the earlier layout, ending at cff_disposal, still imports
    book = load_workbook(io.BytesIO(exported))
    sheet = book["Lines"]
    header = [cell.value for cell in sheet[1]]
    sheet.delete_cols(header.index("cff_r3") + 1, 8)  # without R3, 70 % goes to disposal
    buffer = io.BytesIO()
    book.save(buffer)
    older = client.post("/products/1/import", data={
        "mode": "replace", "confirm_replace": "y",
        "file": (io.BytesIO(buffer.getvalue()), "lines.xlsx")},
        content_type="multipart/form-data")
    assert older.status_code == 302
    assert stored_cff(app) == [{"a": 0.5, "r2": 0.3, "recycled": "pet-filament-recycled-cn",
                                "disposal": "landfill-plastic-packaging-cn"}]
