"""The results page's ISO 14067 reporting parts, as a user meets them in headless Chromium:
credits apart from emissions, biogenic removals and carbon content, land use "not assessed",
water coverage, data quality, the Monte Carlo range with its chart, the sensitivity table, and a
what-if that changes nothing stored."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_flows import (add_site, create_product, lines_table, open_new_line_form,
                                      save_line, sign_up)

# In the order of the stages, as the web lists them in the spec (the Monte Carlo draws the
# factors in the order of the lines).
LINES = [  # stage, line name, factor code, amount, unit
    ("materials", "aluminium housing", "al-primary-cn", "0.5", "kg"),
    ("manufacturing", "assembly electricity", "elec-cn-lca-2024", "10", "kWh"),
    ("packaging", "carton", "corrugated-box-cn", "0.2", "kg"),
    ("end_of_life", "scrap aluminium to recycling", "recycling-al-credit-cn", "0.4", "kg"),
]


def spec_of_the_page() -> dict:
    """The spec the web builds for this product (site in Chongqing, method substitution)."""
    return {"product": {"name": "Fan housing", "functional_unit": "1 piece",
                        "boundary": "cradle-to-grave", "water_region": "CN-CQ",
                        "end_of_life_method": "substitution", "reference_year": None,
                        "geography": "Chongqing"},
            "lines": [{"stage": stage, "name": name, "factor": code, "amount": float(amount),
                       "unit": unit} for stage, name, code, amount, unit in LINES]}


def test_results_show_credits_biogenic_quality_uncertainty_and_what_if(page: Page, app,
                                                                        assessor):
    from footprint.lca import parse_spec
    from footprint.web.formatting import percent, significant

    sign_up(page, company="Shapingba Fans Co., Ltd.")
    add_site(page, "Shapingba plant", "CN-CQ")
    create_product(page, "Fan housing", site_name="Shapingba plant")
    page.get_by_role("link", name="Edit", exact=True).first.click()
    form = page.locator("#product-form")
    form.get_by_label("System boundary").select_option("cradle-to-grave")
    form.get_by_label("End-of-life and recycling method").select_option("substitution")
    form.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Product saved")
    for stage, name, code, amount, unit in LINES:
        open_new_line_form(page, stage)
        page.get_by_label("Line name").fill(name)
        page.get_by_label("Factor code").fill(code)
        page.get_by_label("Unit", exact=True).fill(unit)
        page.get_by_label("Amount per functional unit").fill(amount)
        save_line(page)
    expect(lines_table(page, "end_of_life")).to_contain_text("recycling-al-credit-cn")

    page.get_by_role("button", name="Calculate").click()
    expect(page).to_have_url(re.compile(r"/assessments/\d+$"))
    results_url = page.url

    # Hand arithmetic from datasets/factors (t-based rows take kg / 1000):
    aluminium = 0.5 / 1000 * 15947       # al-primary-cn 15947 per t -> 7.9735
    carton = 0.2 * 1.605                 # corrugated-box-cn fossil 1.605 per kg -> 0.321
    removal = -0.2 * 1.50282             # its biogenic uptake 1.50282 kg CO2 per kg -> -0.300564
    electricity = 10 * 0.5777            # elec-cn-lca-2024 0.5777 per kWh -> 5.777
    credit = 0.4 / 1000 * -15102         # recycling-al-credit-cn -15102 per t -> -6.0408
    total = aluminium + carton + removal + electricity + credit
    assert total == pytest.approx(7.730136, rel=1e-12)
    # water data on the electricity line only; weights are each line's |carbon|
    coverage = electricity / (aluminium + abs(carton + removal) + electricity + abs(credit))
    assert coverage == pytest.approx(5.777 / 19.811736, rel=1e-12)

    result = assessor.assess(parse_spec(spec_of_the_page())).to_dict()
    assert result["carbon"]["total"] == pytest.approx(total, rel=1e-6)  # Brightway float32
    assert result["carbon"]["credits"] == pytest.approx(credit, rel=1e-6)
    assert result["carbon"]["biogenic_removals"] == pytest.approx(removal, rel=1e-6)
    assert result["water"]["coverage"] == pytest.approx(coverage, rel=1e-6)

    with app.test_request_context():  # the page's own number formats, in English
        shown = {"total": significant(result["carbon"]["total"]),
                 "credits": significant(result["carbon"]["credits"]),
                 "excluding": significant(result["carbon"]["total"] - result["carbon"]["credits"]),
                 "removals": significant(result["carbon"]["biogenic_removals"]),
                 "coverage": percent(result["water"]["coverage"]),
                 "quality": significant(result["data_quality"]["total"]),
                 "p2_5": significant(result["uncertainty"]["total"]["p2_5"]),
                 "p97_5": significant(result["uncertainty"]["total"]["p97_5"])}
    assert shown["credits"] == "-6.041" and shown["coverage"] == "29.2%"

    expect(page.locator("#carbon-total .value")).to_have_text(shown["total"])
    expect(page.locator("#credits .value")).to_have_text(shown["credits"])
    expect(page.locator("#emissions-excluding-credits .value")).to_have_text(shown["excluding"])
    expect(page.locator("#biogenic-removals .value")).to_have_text(shown["removals"])
    expect(page.locator("#biogenic-carbon-content")).to_be_visible()
    expect(page.locator("#land-use")).to_contain_text("not assessed")
    expect(page.locator("#water-consumption .coverage")).to_contain_text(shown["coverage"])
    expect(page.locator("#data-quality .value")).to_have_text(shown["quality"])
    expect(page.locator("#result-lines tbody tr td.quality")).to_have_count(len(LINES))

    uncertainty = page.locator("#uncertainty")
    expect(uncertainty.locator("#uncertainty-total")).to_contain_text(
        f"between {shown['p2_5']} and {shown['p97_5']} kg CO2e")
    expect(uncertainty.locator("svg")).to_be_visible()  # the interval chart
    sensitivity = [item["name"] for item in result["uncertainty"]["sensitivity"]]
    rows = page.locator("#sensitivity tbody tr")
    expect(rows).to_have_count(len(sensitivity))
    for position, name in enumerate(sensitivity):
        expect(rows.nth(position).locator("td").first).to_have_text(name)

    # What-if: the Chongqing grid row instead of the national one, nothing stored
    what_if = page.locator("#what-if-form")
    what_if.locator("select[name=replace]").select_option("elec-cn-lca-2024")
    what_if.locator("select[name=by]").select_option("elec-cq-co2-2023")
    what_if.get_by_role("button", name="Show the change").click()
    delta = 10 * (0.5581 - 0.5777)  # elec-cq-co2-2023 0.5581 against 0.5777 per kWh -> -0.196
    with app.test_request_context():
        expected = [significant(result["carbon"]["total"]),
                    significant(result["carbon"]["total"] + delta), significant(delta)]
    cells = page.locator("#what-if-total td.num")
    for position, text in enumerate(expected):
        expect(cells.nth(position)).to_have_text(text)
    page.goto(results_url)
    expect(page.locator("#carbon-total .value")).to_have_text(shown["total"])
