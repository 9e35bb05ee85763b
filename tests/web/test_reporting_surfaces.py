"""Issue 9 on the pages and files a person sees: credits apart from emissions, land use "not
assessed", water coverage, data quality, the uncertainty range and sensitivity; the XLSX export;
stored assessments from before issue 9 still render."""
import copy
import csv
import io

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from footprint import db
from footprint.assessments.charts import interval_chart
from footprint.assessments.models import Assessment
from footprint.assessments.operations import content_hash
from tests.helpers import login

SPEC = {"product": {"name": "Desk fan", "functional_unit": "1 piece",
                    "boundary": "cradle-to-grave", "water_region": "CN-CQ"},
        "factors": [],
        "lines": [{"stage": "materials", "name": "<b>housing</b>", "unit": "kg",
                   "factor": "steel-bof", "amount": 2.5},
                  {"stage": "manufacturing", "name": "=HYPERLINK(\"http://evil\")",
                   "unit": "kWh", "factor": "elec-cn-lca-2024", "amount": 12.0},
                  {"stage": "end_of_life", "name": "scrap credit", "unit": "kg",
                   "factor": "recycling-al-credit-cn", "amount": 0.5}]}
# Before issue 9: the keys every stored result has.
OLD_LINES = [
    {"index": 0, "name": "<b>housing</b>", "stage": "materials", "kind": "factor",
     "reference": "steel-bof", "amount": 2.5, "unit": "kg", "carbon": 4.975,
     "carbon_detail": {"total": 4.975, "fossil": 4.975, "biogenic": 0.0, "land_use": 0.0},
     "water": 0.0, "water_scarcity_m3_world_eq": 0.0},
    {"index": 1, "name": "=HYPERLINK(\"http://evil\")", "stage": "manufacturing",
     "kind": "factor", "reference": "elec-cn-lca-2024", "amount": 12.0, "unit": "kWh",
     "carbon": 6.9324,
     "carbon_detail": {"total": 6.9324, "fossil": 6.9324, "biogenic": 0.0, "land_use": 0.0},
     "water": 0.0228, "water_scarcity_m3_world_eq": 0.143412},
    {"index": 2, "name": "scrap credit", "stage": "end_of_life", "kind": "factor",
     "reference": "recycling-al-credit-cn", "amount": 0.5, "unit": "kg", "carbon": -0.5,
     "carbon_detail": {"total": -0.5, "fossil": -0.5, "biogenic": 0.0, "land_use": 0.0},
     "water": 0.0, "water_scarcity_m3_world_eq": 0.0}]
TOTAL = 4.975 + 6.9324 - 0.5  # 11.4074
OLD_RESULT = {
    "product": {"name": "Desk fan", "functional_unit": "1 piece", "boundary": "cradle-to-grave",
                "water_region": "CN-CQ"},
    "carbon": {"unit": "kg CO2e per functional unit", "total": TOTAL, "fossil": TOTAL,
               "biogenic": 0.0, "land_use": 0.0, "credits": -0.5,
               "by_stage": {"materials": 4.975, "manufacturing": 6.9324, "end_of_life": -0.5}},
    "water": {"consumption_m3": 0.0228, "scarcity_m3_world_eq": 0.143412,
              "by_stage": {"materials": 0.0, "manufacturing": 0.0228, "end_of_life": 0.0},
              "scarcity_by_stage": {"materials": 0.0, "manufacturing": 0.143412,
                                    "end_of_life": 0.0},
              "region": "CN-CQ", "region_aware_cf": 1.74},
    "lines": OLD_LINES, "dataset_version": "ds-test",
    "methods": {"carbon.total": ["IPCC 2021", "climate change", "GWP100"]}}


def band(p2_5, p5, p50, p95, p97_5):
    return {"p2_5": p2_5, "p5": p5, "p50": p50, "p95": p95, "p97_5": p97_5, "iterations": 1000}


def new_result() -> dict:
    """OLD_RESULT with the keys of the issue-9 contract (figures chosen, not computed)."""
    result = copy.deepcopy(OLD_RESULT)
    result["product"].update(end_of_life_method="substitution", reference_year=2024,
                             geography="Chongqing")
    result["carbon"].update(
        biogenic_emissions=0.0, biogenic_removals=0.0, land_use_assessed=False,
        biogenic_carbon_content={"product": None, "packaging": 0.125},
        emissions_excluding_credits=TOTAL + 0.5)
    # water on line 1 only: 6.9324 / (4.975 + 6.9324 + 0.5) = 0.5587 of |carbon|
    result["water"]["coverage"] = 6.9324 / (4.975 + 6.9324 + 0.5)
    qualities = [(2, 3, 1, ["outdated"]), (1, 1, 2, []), (2, 2, 2, ["unconfirmed"])]
    for line, (t, tm, g, flags) in zip(result["lines"], qualities):
        line.update(credit=line["carbon"] < 0, has_water_data=line["water"] > 0,
                    has_land_use_data=False, primary=False,
                    data_quality={"technological": t, "temporal": tm, "geographical": g,
                                  "rating": (t + tm + g) / 3, "flags": flags})
    result["data_quality"] = {
        "technological": 1.4, "temporal": 1.8, "geographical": 1.6, "total": 1.6,
        "primary_share": 0.0,
        "flags": [{"line": 0, "name": "<b>housing</b>", "code": "outdated"},
                  {"line": 2, "name": "scrap credit", "code": "unconfirmed"}]}
    result["uncertainty"] = {
        "method": "Monte Carlo, lognormal, pedigree", "iterations": 1000, "seed": 42,
        "total": band(9.1, 9.6, 11.3, 13.4, 14.0),
        "by_stage": {"materials": band(3.5, 3.8, 4.9, 6.2, 6.6),
                     "manufacturing": band(5.2, 5.5, 6.9, 8.1, 8.5),
                     "end_of_life": band(-0.7, -0.66, -0.5, -0.37, -0.35)},
        "sensitivity": [
            {"line": 1, "name": "=HYPERLINK(\"http://evil\")", "reference": "elec-cn-lca-2024",
             "variance_share": 0.62},
            {"line": 0, "name": "<b>housing</b>", "reference": "steel-bof",
             "variance_share": 0.37}]}
    return result


def store(app, result: dict, spec: dict = SPEC) -> int:
    """A stored assessment of product 1 with this result, as run_assessment stores one."""
    with app.app_context():
        session = db.session()
        assessment = Assessment(
            organisation_id=1, product_id=1, product_version=1, user_id=1, spec=spec,
            result=result, dataset_version=result["dataset_version"],
            carbon_total=result["carbon"]["total"],
            water_consumption_m3=result["water"]["consumption_m3"],
            content_hash=content_hash(spec, result))
        session.add(assessment)
        session.commit()
        return assessment.id


def test_results_page_shows_credits_apart_land_use_not_assessed_and_the_range(
        client, applicant, app):
    page = client.get(f"/assessments/{store(app, new_result())}").get_data(as_text=True)
    # emissions 4.975 + 6.9324 = 11.9074, credits -0.5, net 11.4074
    assert '<div class="value">11.907</div>' in page.split('id="emissions-excluding-credits"')[1]
    assert '<div class="value">-0.5000</div>' in page.split('id="credits"')[1]
    land_use = page[page.index('id="land-use"'):page.index('id="water-consumption"')]
    assert "not assessed" in land_use and "kg CO2e" not in land_use
    # 6.9324 / 12.4074 = 55.9 %
    assert "covers 55.9% of lines by carbon contribution" in page
    content = page.split('id="biogenic-carbon-content"')[1].split("</p>")[0]
    assert "packaging 0.1250 kg C" in content and "product " not in content  # product: null
    # lines: T/T/G ratings and flags; the supplier's text escaped everywhere
    assert "2/3/1" in page and "1/1/2" in page and "outdated" in page and "unconfirmed" in page
    assert "<b>housing</b>" not in page and "&lt;b&gt;housing&lt;/b&gt;" in page
    # uncertainty: text, table, chart, sensitivity
    assert "between 9.100 and 14.000 kg CO2e (p2.5–p97.5)" in page
    assert "between 9.600 and 13.400 (p5–p95)" in page and "median 11.300" in page
    assert "1000 iterations, seed 42" in page
    assert 'class="chart interval-chart"' in page
    sensitivity = page[page.index('id="sensitivity"'):]
    assert "62.0%" in sensitivity and "37.0%" in sensitivity
    assert sensitivity.index("elec-cn-lca-2024") < sensitivity.index("steel-bof")
    assert '<div class="value">1.600</div><div>primary data 0.0%</div>' in page
    assert "End-of-life method: Substitution" in page


def test_an_assessment_stored_before_issue_9_still_renders_and_exports(client, applicant, app):
    assessment_id = store(app, copy.deepcopy(OLD_RESULT))
    page = client.get(f"/assessments/{assessment_id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    # its credits (-0.5) apart: emissions 11.4074 + 0.5 = 11.9074
    assert '<div class="value">11.907</div>' in text.split('id="emissions-excluding-credits"')[1]
    # every line's land use is 0: what "not assessed" looked like before
    assert "not assessed" in text[text.index('id="land-use"'):]
    assert 'id="uncertainty"' not in text and "covers" not in text
    for url in (f"/assessments/{assessment_id}.xlsx", f"/assessments/{assessment_id}.csv",
                f"/assessments/{assessment_id}.json"):
        assert client.get(url).status_code == 200, url
    report = client.get(f"/assessments/{assessment_id}/report.pdf")
    assert report.status_code == 200 and report.data.startswith(b"%PDF")
    second = store(app, new_result())
    compare = client.get(f"/products/1/compare?a={assessment_id}&b={second}")
    assert compare.status_code == 200
    compared = compare.get_data(as_text=True)
    land_use = compared[compared.index('id="compare-land-use"'):]
    assert land_use.split("</tr>")[0].count("not assessed") == 2
    assert "Emissions excluding credits" in compared and "Credits (kg CO2e)" in compared
    assert "coverage by carbon contribution: — → 55.9%" in compared


def test_xlsx_export_has_totals_stages_lines_and_uncertainty_escaped(client, applicant, app):
    response = client.get(f"/assessments/{store(app, new_result())}.xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Totals", "Stages", "Lines", "Uncertainty"]
    totals = {row[0]: row[1] for row in book["Totals"].iter_rows(min_row=2, values_only=True)}
    assert totals["carbon footprint, net total"] == pytest.approx(TOTAL)
    assert totals["emissions excluding credits"] == pytest.approx(TOTAL + 0.5)  # 11.9074
    assert totals["credits"] == -0.5
    assert totals["land use change"] == "not assessed"
    assert totals["water coverage (share of lines by carbon contribution)"] == pytest.approx(
        6.9324 / 12.4074)
    assert totals["data quality, weighted rating (1 good .. 3 poor)"] == 1.6
    assert totals["primary data share"] == 0.0
    assert totals["biogenic carbon content, packaging"] == 0.125
    lines = list(book["Lines"].iter_rows(values_only=True))
    header = lines[0]
    grid = dict(zip(header, lines[2]))
    # a line name that a spreadsheet would run as a formula is text
    assert grid["name"] == "'=HYPERLINK(\"http://evil\")"
    assert grid["share_of_total"] == pytest.approx(6.9324 / TOTAL)
    assert (grid["dq_technological"], grid["dq_temporal"], grid["dq_geographical"]) == (1, 1, 2)
    assert grid["dq_rating"] == pytest.approx((1 + 1 + 2) / 3)
    assert dict(zip(header, lines[1]))["flags"] == "outdated"
    assert dict(zip(header, lines[3]))["credit"] is True
    uncertainty = list(book["Uncertainty"].iter_rows(values_only=True))
    assert uncertainty[1] == ("total", pytest.approx(TOTAL), 9.1, 9.6, 11.3, 13.4, 14.0, 1000)
    assert ("seed", 42) == uncertainty[[r[0] for r in uncertainty].index("seed")][:2]
    sensitivity = uncertainty[[r[0] for r in uncertainty].index("sensitivity: line") + 1]
    assert sensitivity[:4] == (1, "'=HYPERLINK(\"http://evil\")", "elec-cn-lca-2024", 0.62)
    stages = list(book["Stages"].iter_rows(values_only=True))
    assert stages[2] == ("manufacturing", 6.9324, 0.0228, 0.143412)


def test_csv_export_adds_the_line_fields_and_keeps_the_old_columns(client, applicant, app):
    rows = list(csv.reader(io.StringIO(client.get(
        f"/assessments/{store(app, new_result())}.csv").get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:12] == ["stage", "name", "kind", "reference", "amount", "unit",
                            "kg_co2e_total", "kg_co2e_fossil", "kg_co2e_biogenic",
                            "kg_co2e_land_use", "water_consumption_m3",
                            "water_scarcity_m3_world_eq"]
    line = dict(zip(rows[0], rows[2]))
    assert line["name"] == "'=HYPERLINK(\"http://evil\")"
    assert (line["dq_technological"], line["dq_temporal"], line["dq_geographical"],
            line["primary"], line["has_water_data"]) == ("1", "1", "2", "False", "True")
    assert dict(zip(rows[0], rows[1]))["flags"] == "outdated"
    assert rows[-1][9] == "not assessed"  # the total's land use


def test_another_organisation_gets_404_for_the_new_routes(app, client, applicant, make_user):
    assessment_id = store(app, new_result())
    other = app.test_client()
    login(other, make_user("applicant"))
    for url in (f"/assessments/{assessment_id}.xlsx", f"/assessments/{assessment_id}/what-if",
                f"/assessments/{assessment_id}/what-if?replace=steel-bof&by=steel-eaf"):
        assert other.get(url).status_code == 404, url


def test_study_report_states_the_range_credits_and_not_assessed(client, applicant, app,
                                                                monkeypatch):
    from footprint.certificates import rendering

    seen = {}
    real = rendering.render_pdf

    def spy(template, **context):
        seen["html"] = rendering.render_html(template, **context) \
            if hasattr(rendering, "render_html") else None
        seen["context"] = context
        return real(template, **context)

    monkeypatch.setattr(rendering, "render_pdf", spy)
    response = client.get(f"/assessments/{store(app, new_result())}/report.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    context = seen["context"]
    assert context["figures"]["land_use_assessed"] is False
    assert context["figures"]["emissions_excluding_credits"] == pytest.approx(TOTAL + 0.5)
    assert context["intervals"][0]["p2_5"] == 9.1 and context["intervals"][0]["p97_5"] == 14.0
    assert context["primary_share"] == 0.0  # the engine's, not recomputed
    assert ("The water footprint is partial: lines with water data make up 56% of the lines "
            "by carbon contribution.") in [en for _, en in context["limitations"]]


def test_the_interval_chart_escapes_labels_and_draws_the_bands():
    svg = interval_chart([("<script>x</script>", band(1.0, 2.0, 3.0, 4.0, 5.0) | {"value": 3})],
                         unit="kg", title="<t>")
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "&lt;t&gt;" in svg
    assert svg.count("<rect") == 2 and "<circle" in svg and "1.000 – 5.000" in svg


def test_what_if_swaps_one_factor_through_the_engine_and_stores_nothing(app, client, applicant):
    spec = {**SPEC, "product": {**SPEC["product"], "end_of_life_method": "substitution"}}
    assessment_id = store(app, new_result(), spec)
    page = client.get(f"/assessments/{assessment_id}/what-if?replace=steel-bof&by=steel-eaf")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    total = html[html.index('id="what-if-total"'):].split("</tr>")[0]
    # 2.5 kg = 0.0025 t: steel-bof 1990 kg CO2e/t -> 4.975, steel-eaf 3030 -> 7.575;
    # the other lines are unchanged, so the total moves by 0.0025 x (3030 - 1990) = 2.6
    assert '<td class="num">2.600</td>' in total, total
    assert "&lt;b&gt;housing&lt;/b&gt;" in html  # the changed line, escaped
    with app.app_context():
        assert len(db.session().exec(select(Assessment)).all()) == 1
    refused = client.get(
        f"/assessments/{assessment_id}/what-if?replace=steel-bof&by=elec-cn-lca-2024")
    assert refused.status_code == 400  # kg against kWh: the units do not match
