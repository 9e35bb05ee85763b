"""Calculate, results, history, comparison and exports."""
import csv
import io
import json
from pathlib import Path

import pytest
from sqlmodel import select

from footprint import db
from footprint.assessments.models import Assessment
from tests.helpers import add_line
from tests.lca.test_examples_and_cli import run_cli

REL = 1e-6
REPO = Path(__file__).resolve().parents[2]


def setup_lines(client):
    add_line(client)                                            # steel-bof 2.5 kg
    add_line(client, stage="manufacturing", name="grid", factor="elec-cn-lca-2024",
             amount="12", unit="kWh")
    add_line(client, stage="manufacturing", name="process water", kind="water",
             water="withdrawal", amount="300", unit="L")


def calculate(client):
    response = client.post("/products/1/calculate")
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


def test_calculate_stores_an_immutable_snapshot(client, applicant, app):
    setup_lines(client)
    response = calculate(client)
    assert response.location == "/assessments/1"
    with app.app_context():
        assessment = db.session().exec(select(Assessment)).one()
    # 0.0025 t x 1990 (steel-bof) + 12 kWh x 0.5777 (elec-cn-lca-2024) = 4.975 + 6.9324 = 11.9074
    assert assessment.carbon_total == pytest.approx(11.9074, rel=REL)
    # 12 x 0.0019 (grid water) + 0.3 m3 process water = 0.3228 m3
    assert assessment.water_consumption_m3 == pytest.approx(0.3228, rel=REL)
    # the site is in Chongqing: process water at AWARE CN-CQ 1.74, grid water at CN 6.29
    assert assessment.result["water"]["scarcity_m3_world_eq"] == pytest.approx(
        0.3 * 1.74 + 0.0228 * 6.29, rel=REL)
    assert assessment.spec["product"]["water_region"] == "CN-CQ"
    assert len(assessment.content_hash) == 64 and assessment.dataset_version
    page = client.get("/assessments/1").get_data(as_text=True)
    assert 'data-value="11.907' in page and "<svg" in page and "Top contributors" in page
    assert "58.2%" in page  # grid share: 6.9324 / 11.9074 = 58.2 %


def test_the_form_builds_the_spec_the_cli_reads(client, applicant, app, bw_dir, tmp_path):
    setup_lines(client)
    calculate(client)
    with app.app_context():
        stored = db.session().get(Assessment, 1).spec
    assert stored == {
        "product": {"name": "Desk fan", "functional_unit": "1 piece",
                    "boundary": "cradle-to-gate", "water_region": "CN-CQ",
                    "end_of_life_method": "cut-off", "reference_year": None,
                    "geography": "Chongqing"},  # the site's grid region CN-CQ
        "factors": [],
        "lines": [
            {"stage": "materials", "name": "housing", "unit": "kg", "factor": "steel-bof",
             "amount": 2.5},
            {"stage": "manufacturing", "name": "grid", "unit": "kWh",
             "factor": "elec-cn-lca-2024", "amount": 12.0},
            {"stage": "manufacturing", "name": "process water", "unit": "L",
             "water": "withdrawal", "amount": 300.0}]}
    spec_file = tmp_path / "spec.json"
    spec_file.write_text(json.dumps(stored))
    done = run_cli("compute", str(spec_file), "--json", bw_dir=bw_dir)
    assert done.returncode == 0, done.stderr
    assert client.get("/assessments/1.json").get_json() == json.loads(done.stdout)


def test_csv_export_has_lines_and_total(client, applicant):
    setup_lines(client)
    calculate(client)
    rows = list(csv.reader(io.StringIO(client.get("/assessments/1.csv").get_data(
        as_text=True).lstrip("\ufeff"))))
    assert rows[0][:2] == ["stage", "name"] and len(rows) == 1 + 3 + 1
    assert rows[-1][0] == "total"
    assert float(rows[-1][6]) == pytest.approx(11.9074, rel=REL)


def test_history_and_comparison(client, applicant):
    setup_lines(client)
    calculate(client)
    client.post("/products/1/lines/2/edit", data={
        "stage": "manufacturing", "name": "grid", "kind": "factor", "factor": "elec-cn-lca-2024",
        "gas": "CO2", "water": "withdrawal", "amount": "20", "unit": "kWh",
        "allocation_basis": "units"})
    calculate(client)
    page = client.get("/products/1").get_data(as_text=True)
    assert page.count('name="a"') == 2
    compare = client.get("/products/1/compare?a=1&b=2").get_data(as_text=True)
    # grid line: 12 -> 20 kWh, change 8 x 0.5777 = 4.6216 kg CO2e; total 11.9074 -> 16.529
    assert "4.622" in compare and "16.529" in compare and "changed" in compare
    assert "38.8%" in compare  # 4.6216 / 11.9074


def test_calculate_without_lines_stores_nothing(client, applicant, app):
    response = client.post("/products/1/calculate", follow_redirects=True)
    assert "Add at least one line before calculating." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session().exec(select(Assessment)).all() == []


def test_comparison_keeps_lines_of_the_same_name_apart(client, applicant, app):
    add_line(client, name="screws", amount="1")    # 0.001 t x 1990 = 1.99
    add_line(client, name="screws", amount="2")    # 0.002 t x 1990 = 3.98
    calculate(client)
    client.post("/products/1/lines/2/edit", data={
        "stage": "materials", "name": "screws", "kind": "factor", "factor": "steel-bof",
        "gas": "CO2", "water": "withdrawal", "amount": "3", "unit": "kg",
        "allocation_basis": "units"})                # second: 0.003 t x 1990 = 5.97
    calculate(client)
    with app.app_context():
        from footprint.assessments.operations import compare
        diff = compare(db.session().get(Assessment, 1), db.session().get(Assessment, 2))
    assert [(l["status"], round(l["delta"], 6)) for l in diff["lines"]] == [
        ("changed", 1.99), ("same", 0.0)]             # 5.97 - 3.98 = 1.99
    assert sum(l["delta"] for l in diff["lines"]) == pytest.approx(
        diff["totals"]["carbon.total"]["delta"], rel=REL)


def test_an_assessment_cannot_be_changed(client, applicant, app):
    from footprint.assessments.models import AssessmentImmutable

    setup_lines(client)
    calculate(client)
    with app.app_context():
        session = db.session()
        assessment = session.get(Assessment, 1)
        assessment.carbon_total = 0.0
        with pytest.raises(AssessmentImmutable):
            session.commit()


def test_results_show_the_snapshot_and_escape_names(client, applicant):
    add_line(client, name="<img src=x onerror=alert(1)>")
    calculate(client)
    client.post("/products/1/lines/1/edit", data={
        "stage": "materials", "name": "<img src=x onerror=alert(1)>", "kind": "factor",
        "factor": "steel-bof", "gas": "CO2", "water": "withdrawal", "amount": "3", "unit": "kg",
        "allocation_basis": "units"})
    client.post("/products/1/edit", data={"name": "Renamed <b>fan</b>", "functional_unit":
                                          "1 piece", "boundary": "cradle-to-gate",
                                          "site_id": "1"})
    calculate(client)
    first = client.get("/assessments/1").get_data(as_text=True)
    assert "Footprint of Desk fan" in first  # the name when it was calculated
    for page in (first, client.get("/products/1/compare?a=1&b=2").get_data(as_text=True)):
        assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<b>fan</b>" not in client.get("/assessments/2").get_data(as_text=True)
