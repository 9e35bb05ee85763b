"""The new-user walk in the browser: factor picker, phone-width header, confirmations, favicon."""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.test_flows import (add_site, create_product, lines_table, open_new_line_form,
                                      save_line, sign_up)


def test_picker_synonyms_factor_details_and_refrigerant_hint(page: Page):
    sign_up(page, company="Picker Test Ltd.")
    add_site(page, "Chongqing plant", "CN-CQ")
    create_product(page, "Boxed fan", site_name="Chongqing plant")
    open_new_line_form(page, "packaging")
    page.get_by_label("Line name").fill("outer box")
    factor = page.get_by_label("Factor code")
    factor.press_sequentially("纸箱")
    result = page.locator('#factor-results button[data-code="paper-containerboard-cn"]')
    expect(result).to_be_visible()
    result.click()
    expect(factor).to_have_value("paper-containerboard-cn")
    info = page.locator("#factor-info")
    expect(info).to_be_visible()
    expect(info).to_contain_text("Containerboard")
    expect(info).to_contain_text("0.4180 kg CO2e / kg")
    expect(info).to_contain_text("Scope: Cradle to gate")
    expect(info).to_contain_text("Confidence: mirror")
    page.get_by_label("Amount per functional unit").fill("0.3")
    save_line(page)
    expect(lines_table(page, "packaging")).to_contain_text("Containerboard")

    open_new_line_form(page, "manufacturing")
    page.get_by_label("Line name").fill("refrigerant top-up")
    expect(page.locator("#electricity-hint")).to_contain_text("elec-cq-co2-2023")
    page.get_by_label("Factor code").press_sequentially("制冷剂")
    hint = page.locator("#factor-hint")
    expect(hint).to_contain_text("Direct emission")
    hint.get_by_role("button", name="HFC-134a").click()
    expect(page.get_by_label("Kind")).to_have_value("emission")
    expect(page.get_by_label("Gas")).to_have_value("HFC-134a")
    page.get_by_label("Amount per functional unit").fill("0.002")
    save_line(page)
    expect(lines_table(page, "manufacturing")).to_contain_text("HFC-134a")


def test_confirmation_before_removing_a_line_or_a_supplier_factor(page: Page):
    sign_up(page, company="Confirm Test Ltd.")
    create_product(page, "Confirmed widget")
    open_new_line_form(page, "manufacturing")
    page.get_by_label("Line name").fill("electricity")
    page.get_by_role("button", name=re.compile(r"Use the site grid electricity")).click()
    page.get_by_label("Amount per functional unit").fill("5")
    save_line(page)
    remove = lines_table(page, "manufacturing").get_by_role("button", name="Remove")

    asked: list[str] = []

    def dismiss(dialog):
        asked.append(dialog.message)
        dialog.dismiss()
    page.once("dialog", dismiss)
    remove.click()
    page.wait_for_timeout(300)
    assert asked == ["Remove the line “electricity”?"]
    expect(lines_table(page, "manufacturing")).to_have_count(1)

    page.once("dialog", lambda dialog: dialog.accept())
    remove.click()
    expect(page.get_by_role("status")).to_have_text("Line removed.")
    expect(lines_table(page, "manufacturing")).to_have_count(0)

    page.get_by_role("link", name="Add a supplier factor").click()
    form = page.locator("#factor-form")
    form.get_by_label("Code").fill("acme-pcb")
    form.get_by_label("Name", exact=True).fill("Acme PCB")
    form.get_by_label("Unit", exact=True).fill("piece")
    form.get_by_label("kg CO2e fossil per unit").fill("3.2")
    form.get_by_label("Source").fill("supplier PCF")
    form.get_by_role("button", name="Save").click()
    rows = page.locator("#supplier-factors tbody tr")
    page.once("dialog", lambda dialog: dialog.dismiss())
    rows.get_by_role("button", name="Remove").click()
    page.wait_for_timeout(300)
    expect(rows).to_have_count(1)
    page.once("dialog", lambda dialog: dialog.accept())
    rows.get_by_role("button", name="Remove").click()
    expect(page.get_by_role("status")).to_have_text("Supplier factor removed.")
    expect(rows).to_have_count(0)


def _check_phone_layout(page: Page, url: str) -> None:
    page.goto(url)
    layout = page.evaluate("""() => {
        const lineHeight = parseFloat(getComputedStyle(document.body).lineHeight);
        const links = [...document.querySelectorAll('header a, header button')].map((el) => ({
            text: el.textContent.trim(), height: el.getBoundingClientRect().height}));
        return {lineHeight, links, scroll: document.documentElement.scrollWidth,
                width: document.documentElement.clientWidth};
    }""")
    tall = [l for l in layout["links"] if l["height"] > 2 * layout["lineHeight"] + 2]
    assert not tall, (url, layout["lineHeight"], tall)
    assert layout["scroll"] <= layout["width"], (url, layout["scroll"], layout["width"])


def set_language(page, code: str) -> None:
    """Switch the interface language with the header's POST button (none shown for the current
    language)."""
    page.goto("/")
    button = page.locator(f'form[action^="/language/{code}"] button')
    if button.count():
        button.first.click()
        page.wait_for_load_state()


def test_phone_width_header_and_pages_fit(browser, live_server):
    for locale, language in (("zh-CN", "zh"), ("en-GB", "en")):
        context = browser.new_context(base_url=live_server, locale=locale,
                                      viewport={"width": 390, "height": 844})
        page = context.new_page()
        try:
            set_language(page, language)
            _check_phone_layout(page, "/")
            _check_phone_layout(page, "/factors/")
            sign_up_page = page
            set_language(sign_up_page, "en")
            sign_up(sign_up_page, company=f"Phone Test {language}")
            add_site(page, "Phone plant", "CN-CQ")
            product_id = create_product(page, "Phone widget", site_name="Phone plant")
            open_new_line_form(page, "manufacturing")
            page.get_by_label("Line name").fill("electricity of the assembly line, all shifts")
            page.get_by_role("button", name=re.compile(r"Use the site grid electricity")).click()
            page.get_by_label("Amount per functional unit").fill("5")
            save_line(page)
            page.get_by_role("button", name="Calculate").click()
            expect(page).to_have_url(re.compile(r"/assessments/\d+$"))
            result = page.url
            set_language(page, language)
            for url in ("/products/", f"/products/{product_id}", "/sites/", "/sites/new",
                        f"/products/{product_id}/lines/new", "/factors/", result):
                _check_phone_layout(page, url)
        finally:
            context.close()


def test_favicon(page: Page):
    page.goto("/")
    icon = page.locator('link[rel="icon"]').get_attribute("href")
    for url in (icon, "/favicon.ico"):
        response = page.request.get(url)
        assert response.status == 200, url
        assert response.headers["content-type"].startswith("image/svg+xml")
        assert response.body().startswith(b"<svg")


def test_factor_library_fits_a_desktop_screen(browser, live_server):
    """Before: one 21,000-pixel page wider than the screen. Now: 50 a page, no sideways scroll."""
    context = browser.new_context(base_url=live_server, locale="en-GB",
                                  viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        for number in (1, 2, 3, 4):
            page.goto(f"/factors/?page={number}")
            size = page.evaluate("""() => ({
                page: document.documentElement.scrollWidth, screen: window.innerWidth,
                height: document.documentElement.scrollHeight})""")
            assert size["page"] <= size["screen"], (number, size)
            assert size["height"] < 8_000, (number, size)
            table = page.locator("table.factors")
            assert table.evaluate("t => t.getBoundingClientRect().right") <= size["screen"]
    finally:
        context.close()
