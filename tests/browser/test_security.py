"""The Content-Security-Policy in a real browser: no page breaks (no violation), the confirm
prompts and the line form's script still work, the account page changes the password."""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.test_flows import PASSWORD, add_site, create_product, sign_up


def _watch_csp(page: Page) -> list[str]:
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    return violations


def test_pages_work_under_the_content_security_policy(page: Page):
    violations = _watch_csp(page)
    sign_up(page, company="CSP Test Ltd.")
    add_site(page, "CSP plant", "CN-CQ")
    product_id = create_product(page, "CSP fan", site_name="CSP plant")

    # the line form's script (external file) shows fields and searches factors
    page.goto(f"/products/{product_id}")
    page.locator("#stage-materials").get_by_role("link", name="Add a line").click()
    page.get_by_label("Factor code").fill("steel")
    expect(page.locator("#factor-results li").first).to_be_visible()

    # a confirm prompt from data-confirm (no inline onsubmit): dismissing keeps the site
    page.locator("header nav").get_by_role("link", name="Factory sites").click()
    add_site(page, "Spare plant", "CN-SC")
    row = page.get_by_role("row").filter(has_text="Spare plant")
    prompts: list[str] = []

    def answer(dialog, accept):
        prompts.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, False))
    row.get_by_role("button", name="Delete").click()
    expect(row).to_be_visible()
    page.once("dialog", lambda dialog: answer(dialog, True))
    row.get_by_role("button", name="Delete").click()
    expect(page.get_by_role("status")).to_have_text("Site deleted.")
    assert prompts == ["Delete this site?", "Delete this site?"]

    # the language switch is a small POST form
    page.get_by_role("button", name="简体中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert violations == []


def test_change_password_from_the_header(page: Page):
    violations = _watch_csp(page)
    email = sign_up(page, company="Account Test Ltd.")
    page.locator("header").get_by_role("link", name="Test User").click()
    expect(page).to_have_url(re.compile(r"/account$"))
    form = page.locator("#password-form")
    form.get_by_label("Current password").fill(PASSWORD)
    form.get_by_label("New password", exact=True).fill("Jialing river 42")
    form.get_by_label("Repeat new password").fill("Jialing river 42")
    form.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("status")).to_contain_text("Password changed")
    page.get_by_role("button", name="Log out").click()
    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill("Jialing river 42")
    page.locator("#login-form").get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Products")
    assert violations == []
