"""End-to-end user flows through the real UI in headless Chromium.

Each test registers its own organisation (unique e-mail and credit code), so the tests do not
depend on one another or on their order.
"""
from __future__ import annotations

import itertools
import random
import re
import uuid
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from footprint.accounts.credit_code import check_character

PASSWORD = "correct-horse-battery"  # at least 10 characters
PO_FILE = (Path(__file__).resolve().parents[2] / "footprint" / "translations" / "zh"
           / "LC_MESSAGES" / "messages.po")

_serial = itertools.count(random.randrange(10_000, 90_000))


def new_credit_code() -> str:
    first17 = f"91500000MA5U{next(_serial):05d}"
    return first17 + check_character(first17)


def sign_up(page: Page, *, company: str, credit_code: str | None = None) -> str:
    """Register an organisation through /signup; returns the new user's e-mail."""
    email = f"{uuid.uuid4().hex[:12]}@example.com"
    page.goto("/signup")
    form = page.locator("#signup-form")
    form.get_by_label("Company name").fill(company)
    form.get_by_label("Unified social credit code").fill(credit_code or new_credit_code())
    form.get_by_label("Address").fill("1 Test Road, Chongqing")
    form.get_by_label("Your name").fill("Test User")
    form.get_by_label("E-mail").fill(email)
    form.get_by_label("Password", exact=True).fill(PASSWORD)
    form.get_by_label("Repeat password").fill(PASSWORD)
    form.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("status")).to_contain_text("Your organisation is registered")
    expect(page.get_by_role("heading", level=1)).to_have_text("Products")
    return email


def add_site(page: Page, name: str, region_code: str) -> None:
    page.locator("header nav").get_by_role("link", name="Factory sites").click()
    page.get_by_role("link", name="Add a site").click()
    form = page.locator("#site-form")
    form.get_by_label("Site name").fill(name)
    form.get_by_label("Grid region").select_option(region_code)
    form.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_have_text("Site saved.")
    expect(page.get_by_role("row").filter(has_text=name)).to_be_visible()


def create_product(page: Page, name: str, site_name: str | None = None) -> int:
    """Create a product from the products page; returns its id (from the product page URL)."""
    page.locator("header nav").get_by_role("link", name="Products").click()
    page.get_by_role("link", name="New product").click()
    form = page.locator("#product-form")
    form.get_by_label("Product name").fill(name)
    form.get_by_label("Model").fill("T-1")
    if site_name:
        form.get_by_label("Factory site").select_option(label=site_name)
    form.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Product saved")
    expect(page).to_have_url(re.compile(r"/products/\d+$"))
    return int(page.url.rstrip("/").rsplit("/", 1)[1])


def open_new_line_form(page: Page, stage: str) -> None:
    """From the product page, follow "Add a line" in the section of `stage`."""
    page.locator(f"#stage-{stage}").get_by_role("link", name="Add a line").click()
    expect(page.locator("#line-form")).to_be_visible()
    expect(page.get_by_label("Life-cycle stage")).to_have_value(stage)


def save_line(page: Page) -> None:
    page.get_by_role("button", name="Save line").click()
    expect(page.get_by_role("status")).to_have_text("Line saved.")


def lines_table(page: Page, stage: str):
    return page.locator(f"#stage-{stage} table.lines tbody tr")


def test_signup_create_product_three_lines_and_calculate(page: Page, assessor):
    from footprint.lca import parse_spec

    sign_up(page, company="Acme Motors (Chongqing) Co., Ltd.", credit_code="91350100M000100Y43")
    add_site(page, "Chongqing plant", "CN-CQ")
    expect(page.get_by_role("row").filter(has_text="Chongqing plant")).to_contain_text("Chongqing")
    create_product(page, "Controller box", site_name="Chongqing plant")
    expect(page.locator("table.facts")).to_contain_text("Chongqing plant (Chongqing)")

    # (b, first part) the supplier-specific factor, from the "Add a supplier factor" page
    page.get_by_role("link", name="Add a supplier factor").click()
    form = page.locator("#factor-form")
    form.get_by_label("Code").fill("acme-pcb")
    form.get_by_label("Name", exact=True).fill("Assembled PCB from Acme Electronics")
    form.get_by_label("Unit", exact=True).fill("piece")
    form.get_by_label("kg CO2e fossil per unit").fill("3.2")
    form.get_by_label("Source").fill("supplier PCF")
    form.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_have_text("Supplier factor saved.")
    expect(page.locator("#supplier-factors tbody tr")).to_have_count(1)
    expect(page.locator("#supplier-factors tbody tr")).to_contain_text("acme-pcb")

    # (a) materials line, factor picked from the dataset search by its Chinese name
    open_new_line_form(page, "materials")
    page.get_by_label("Line name").fill("steel housing")
    factor = page.get_by_label("Factor code")
    factor.press_sequentially("冷轧")
    result = page.locator('#factor-results button[data-code="steel-cold-rolled"]')
    expect(result).to_contain_text("Cold-rolled steel sheet and strip")
    result.click()
    expect(factor).to_have_value("steel-cold-rolled")
    expect(page.locator("#factor-results li")).to_have_count(0)
    expect(page.get_by_label("Unit", exact=True)).to_have_value("t")  # the factor's unit
    page.get_by_label("Unit", exact=True).fill("kg")
    page.get_by_label("Amount per functional unit").fill("2.5")
    save_line(page)

    # (b) materials line using the supplier factor (picked with its button on the line form)
    open_new_line_form(page, "materials")
    page.get_by_label("Line name").fill("main PCB")
    page.get_by_role("button", name="Assembled PCB from Acme Electronics (acme-pcb)").click()
    expect(page.get_by_label("Factor code")).to_have_value("acme-pcb")
    expect(page.get_by_label("Unit", exact=True)).to_have_value("piece")
    page.get_by_label("Amount per functional unit").fill("2")
    save_line(page)

    # (c) manufacturing electricity with the site's grid factor
    open_new_line_form(page, "manufacturing")
    page.get_by_label("Line name").fill("assembly electricity")
    page.get_by_role("button", name="Use the site grid electricity (elec-cn-lca-2024)").click()
    expect(page.get_by_label("Factor code")).to_have_value("elec-cn-lca-2024")
    expect(page.get_by_label("Unit", exact=True)).to_have_value("kWh")
    page.get_by_label("Amount per functional unit").fill("12")
    save_line(page)

    expect(lines_table(page, "materials")).to_have_count(2)
    expect(lines_table(page, "manufacturing")).to_have_count(1)
    expect(lines_table(page, "materials").filter(has_text="steel housing")).to_contain_text(
        "steel-cold-rolled")
    expect(lines_table(page, "materials").filter(has_text="main PCB")).to_contain_text("acme-pcb")

    page.get_by_role("button", name="Calculate").click()
    expect(page).to_have_url(re.compile(r"/assessments/\d+$"))
    total = page.locator("#carbon-total .value")
    expect(total).to_have_text("19.832")  # en locale, about four significant digits
    shown = float(total.get_attribute("data-value"))

    # Hand arithmetic from datasets/factors/*.csv and the supplier factor above:
    steel = 2.5 / 1000 * 2600   # steel-cold-rolled: 2600 kg CO2e per t; 2.5 kg = 0.0025 t -> 6.5
    pcb = 2 * 3.2               # acme-pcb: 3.2 kg CO2e per piece -> 6.4
    electricity = 12 * 0.5777   # elec-cn-lca-2024: 0.5777 kg CO2e per kWh -> 6.9324
    expected = steel + pcb + electricity
    assert expected == pytest.approx(19.8324, rel=1e-12)
    assert shown == pytest.approx(expected, rel=1e-6)  # Brightway stores float32

    result_lines = page.locator("#result-lines tbody tr")
    expect(result_lines).to_have_count(3)
    expect(result_lines.filter(has_text="steel housing")).to_contain_text("6.500")
    expect(result_lines.filter(has_text="main PCB")).to_contain_text("6.400")
    expect(result_lines.filter(has_text="assembly electricity")).to_contain_text("6.932")

    # The same spec computed in-process gives the same number as the web page.
    spec = {
        "product": {"name": "Controller box", "functional_unit": "1 piece",
                    "boundary": "cradle-to-gate", "water_region": "CN-CQ"},
        "factors": [{"code": "acme-pcb", "name": "Assembled PCB from Acme Electronics",
                     "unit": "piece", "co2e_fossil": 3.2, "source": "supplier PCF"}],
        "lines": [
            {"stage": "materials", "name": "steel housing", "factor": "steel-cold-rolled",
             "amount": 2.5, "unit": "kg"},
            {"stage": "materials", "name": "main PCB", "factor": "acme-pcb", "amount": 2,
             "unit": "piece"},
            {"stage": "manufacturing", "name": "assembly electricity",
             "factor": "elec-cn-lca-2024", "amount": 12, "unit": "kWh"},
        ],
    }
    in_process = assessor.assess(parse_spec(spec)).to_dict()["carbon"]["total"]
    assert in_process == pytest.approx(expected, rel=1e-6)
    assert shown == pytest.approx(in_process, rel=1e-9)


def _po_translation(msgid: str) -> str:
    from babel.messages.pofile import read_po

    with PO_FILE.open("rb") as handle:
        message = read_po(handle).get(msgid)
    return (message.string or "") if message is not None else ""


def test_switch_language(page: Page):
    sign_up(page, company="Language Test Ltd.")
    nav = page.locator("header nav")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(nav.get_by_role("link", name="Products", exact=True)).to_be_visible()

    page.get_by_role("button", name="简体中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page).to_have_url(re.compile(r"/products/?$"))  # back on the page we came from
    products_zh = _po_translation("Products")
    if products_zh:
        expect(nav.get_by_role("link", name=products_zh, exact=True)).to_be_visible()
        expect(nav.get_by_role("link", name="Products", exact=True)).to_have_count(0)
    # else: the Chinese catalogue is not translated yet; only <html lang> can be checked.

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(nav.get_by_role("link", name="Products", exact=True)).to_be_visible()
    # the choice is remembered across pages
    nav.get_by_role("link", name="Factory sites").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def _write_rows(template: Path, target: Path, rows: list[list]) -> None:
    workbook = load_workbook(template)
    sheet = workbook["Lines"]
    header = [cell.value for cell in sheet[1]]
    assert header[:11] == ["stage", "name", "kind", "reference", "amount", "unit",
                           "annual_amount", "allocation_basis", "product_quantity",
                           "plant_quantity", "units_per_year"]
    if sheet.max_row > 1:
        sheet.delete_rows(2, sheet.max_row - 1)  # drop the template's example rows
    for row in rows:
        sheet.append(row)
    workbook.save(target)


def _upload(page: Page, path: Path) -> None:
    form = page.locator("#import-form")
    form.get_by_label("File (.xlsx or .csv, at most 2 MB)").set_input_files(path)
    form.get_by_role("button", name="Import", exact=True).click()


def test_import_template_with_one_bad_row(page: Page, tmp_path: Path):
    sign_up(page, company="Import Test Ltd.")
    product_id = create_product(page, "Importer widget")

    # one existing line, entered through the line form
    open_new_line_form(page, "manufacturing")
    page.get_by_label("Line name").fill("old electricity")
    page.get_by_role("button", name=re.compile(r"Use the site grid electricity")).click()
    page.get_by_label("Amount per functional unit").fill("5")
    save_line(page)
    expect(lines_table(page, "manufacturing")).to_have_count(1)

    page.get_by_role("link", name="Import from Excel/CSV").click()
    expect(page).to_have_url(re.compile(rf"/products/{product_id}/import$"))
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the .xlsx template").click()
    download = download_info.value
    assert download.suggested_filename == "lines-template.xlsx"
    template = tmp_path / "template.xlsx"
    download.save_as(template)

    good = [
        ["materials", "steel bracket", "factor", "steel-cold-rolled", 2.5, "kg"],
        ["manufacturing", "press electricity", "factor", "elec-cn-lca-2024", 12, "kWh"],
    ]
    bad = ["materials", "steel cover", "factor", "steel-cold-rolled", 1.5, "kWh"]  # row 4
    bad_file = tmp_path / "lines-bad.xlsx"
    _write_rows(template, bad_file, good + [bad])

    _upload(page, bad_file)
    errors = page.locator("#import-errors")
    expect(errors).to_contain_text("Nothing was imported")
    expect(errors.locator("li")).to_have_count(1)
    expect(errors.locator("li")).to_have_text(
        "Row 4, column F (unit): unit 'kWh' cannot be converted to 't'")

    # nothing was saved: the product still has exactly its previous line
    page.get_by_role("link", name="Cancel").click()
    expect(page).to_have_url(re.compile(rf"/products/{product_id}$"))
    expect(lines_table(page, "manufacturing")).to_have_count(1)
    expect(lines_table(page, "manufacturing")).to_contain_text("old electricity")
    expect(lines_table(page, "materials")).to_have_count(0)
    expect(page.get_by_text("steel bracket")).to_have_count(0)

    fixed_file = tmp_path / "lines-fixed.xlsx"
    _write_rows(template, fixed_file, good + [bad[:5] + ["kg"]])
    page.get_by_role("link", name="Import from Excel/CSV").click()
    form = page.locator("#import-form")
    expect(form.get_by_label("Keep them and add the file’s lines")).to_be_checked()  # default
    form.get_by_label("Replace them: the 1 existing lines are removed").check()
    _upload(page, fixed_file)  # replacing without the confirmation: refused, mode kept
    expect(page.locator("#import-errors")).to_contain_text(
        "Tick the box to confirm that the 1 existing lines are removed")
    expect(form.get_by_label("Replace them: the 1 existing lines are removed")).to_be_checked()
    form.get_by_label("Yes, remove the 1 existing lines when I choose to replace them").check()
    _upload(page, fixed_file)
    expect(page.get_by_role("status")).to_have_text("3 lines imported.")
    expect(page).to_have_url(re.compile(rf"/products/{product_id}$"))
    materials, manufacturing = lines_table(page, "materials"), lines_table(page, "manufacturing")
    expect(materials).to_have_count(2)
    expect(materials.filter(has_text="steel bracket")).to_contain_text("2.500")
    expect(materials.filter(has_text="steel cover")).to_contain_text("kg")
    expect(manufacturing).to_have_count(1)
    expect(manufacturing).to_contain_text("press electricity")
    expect(page.get_by_text("old electricity")).to_have_count(0)
