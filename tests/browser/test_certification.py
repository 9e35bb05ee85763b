"""Certification through the real UI in headless Chromium: an applicant submits, a certifier
raises a major finding on one criterion, the applicant answers it with evidence and resubmits,
the finding is closed, a second certifier approves, and the first certifier cannot."""
from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.test_flows import PASSWORD

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture(scope="module")
def people(app, assessor):
    """An applicant whose product has a stored assessment, and two certifiers of two bodies,
    made through the operations (signing up and calculating are the other browser tests')."""
    from footprint import db
    from footprint.accounts import operations as accounts
    from footprint.accounts.roles import OrganisationKind
    from footprint.assessments.operations import run_assessment
    from footprint.products import operations as products
    from tests.helpers import credit_code

    emails = {}
    with app.app_context():
        session = db.session()
        for n, (name, kind) in enumerate([
                ("applicant", OrganisationKind.MANUFACTURER),
                ("evaluator", OrganisationKind.CERTIFICATION_BODY),
                ("decider", OrganisationKind.CERTIFICATION_BODY)], start=701):
            emails[name] = f"{name}@cert-flow.cn"
            user = accounts.register_organisation(
                session, name=f"{name.title()} Org", credit_code=credit_code(n), address="",
                user_name=name.title(), email=emails[name], password=PASSWORD, kind=kind)
            if name == "applicant":
                applicant = user
        product = products.create_product(session, applicant,
                                          organisation_id=applicant.organisation_id,
                                          data={"name": "Battery pack", "boundary":
                                                "cradle-to-gate", "functional_unit": "1 pack"})
        products.save_line(session, applicant, product, {
            "stage": "materials", "name": "cells", "factor": "steel-bof", "amount": 2.5,
            "unit": "kg"})
        session.commit()
        run_assessment(session, applicant, product=product, bw_dir=app.config["BRIGHTWAY2_DIR"])
        session.commit()
    return emails


def log_in(browser: Browser, live_server: str, email: str) -> Page:
    context = browser.new_context(base_url=live_server, locale="en-GB")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("a.who")).to_be_visible()
    return page


def item_row(page: Page, item_id: str):
    return page.locator(f"#item-{item_id}")


def test_submit_finding_answer_resubmit_close_and_independent_approval(
        browser: Browser, live_server: str, people, tmp_path: Path):
    applicant = log_in(browser, live_server, people["applicant"])
    applicant.locator("header nav").get_by_role("link", name="Certification").click()
    applicant.get_by_role("link", name="Apply for certification").click()
    applicant.get_by_label("Scheme and criteria").select_option("pcf-verification/2025.1")
    applicant.get_by_label("Product", exact=True).select_option(label="Battery pack v1")
    applicant.get_by_role("button", name="Create the draft").click()
    expect(applicant.get_by_role("status")).to_contain_text("Draft saved")
    applicant.get_by_label("Assessment judged").select_option(index=1)
    for item_id in ("FU-1", "FU-2", "DS-1"):
        item_row(applicant, item_id).get_by_label("Answer").select_option("yes")
    item_row(applicant, "CO-2").get_by_label("Value").fill("0.5")
    applicant.get_by_role("button", name="Save and submit").click()
    expect(applicant.get_by_role("status")).to_contain_text("Submitted")
    expect(applicant.locator("#state")).to_have_text("Submitted")
    application_url = applicant.url

    evaluator = log_in(browser, live_server, people["evaluator"])
    # told by a notification: the applicant's submission
    expect(evaluator.locator("header .unread-count")).to_have_text("1")
    evaluator.locator("header nav").get_by_role("link", name="Applications to review").click()
    evaluator.get_by_role("link", name=re.compile(r"^\d+$")).first.click()
    evaluator.get_by_role("button", name="Take for evaluation").click()
    expect(evaluator.locator("#state")).to_have_text("In evaluation")
    # side by side: the lines and results of the assessment beside the score sheet
    expect(evaluator.locator("#lines")).to_contain_text("cells")
    expect(evaluator.locator("#verdict")).to_be_visible()
    form = evaluator.locator("#raise-finding")
    form.get_by_label("Criterion").select_option("DS-1")
    form.get_by_label("Kind").select_option("major")
    form.get_by_label("Finding").fill("No metered data for the cell line")
    form.get_by_label("Answer due by").fill((date.today() + timedelta(days=14)).isoformat())
    form.get_by_role("button", name="Raise the finding").click()
    expect(evaluator.get_by_role("status")).to_have_text("Finding raised.")
    evaluator.get_by_role("button", name="Complete the evaluation").click()
    expect(evaluator.get_by_role("status")).to_contain_text("major nonconformity is still open")
    evaluator.get_by_role("button", name="Request changes").click()
    expect(evaluator.locator("#state")).to_have_text("Changes requested")

    expect(applicant.locator("header .unread-count")).to_have_count(0)  # page loaded before
    applicant.goto(application_url)
    expect(applicant.locator("#state")).to_have_text("Changes requested")
    # taken, finding raised, changes requested: three notifications
    expect(applicant.locator("header .unread-count")).to_have_text("3")
    card = applicant.locator(".finding-card").first
    expect(card).to_contain_text("No metered data")
    evidence = tmp_path / "metering.pdf"
    evidence.write_bytes(PDF)
    card.locator("input[type=file]").set_input_files(str(evidence))
    card.get_by_role("button", name="Attach").click()
    expect(applicant.get_by_role("status")).to_contain_text("attached")
    card = applicant.locator(".finding-card").first
    card.get_by_label("Your answer").fill("Metered data of 2025 attached")
    card.get_by_role("button", name="Send the answer").click()
    expect(applicant.get_by_role("status")).to_have_text("Answer saved.")
    applicant.get_by_role("button", name="Resubmit as a new version").click()
    expect(applicant.get_by_role("status")).to_contain_text("Resubmitted as version 2")

    evaluator.reload()
    evaluator.get_by_role("link", name="2", exact=True).click()
    expect(evaluator.locator("#state")).to_have_text("In evaluation")
    card = evaluator.locator(".finding-card").first
    expect(card).to_contain_text("Metered data of 2025 attached")
    expect(card.get_by_role("link", name="metering.pdf")).to_be_visible()
    card.get_by_role("button", name="Close the finding").click()
    expect(evaluator.get_by_role("status")).to_have_text("Finding closed.")
    evaluator.get_by_role("button", name="Complete the evaluation").click()
    expect(evaluator.locator("#state")).to_have_text("Decision pending")
    # the first certifier cannot decide: no decision form, and told why
    expect(evaluator.locator("#decision")).to_have_count(0)
    expect(evaluator.locator("#actions")).to_contain_text("another certifier decides")
    second_version_url = evaluator.url

    decider = log_in(browser, live_server, people["decider"])
    decider.goto(second_version_url)
    decision = decider.locator("#decision")
    decision.get_by_label("Approve").check()
    decision.get_by_label("Reason").fill("All required items met; the finding is closed")
    decision.get_by_role("button", name="Record the decision").click()
    expect(decider.locator("#state")).to_have_text("Approved")
    expect(decider.locator("#history")).to_contain_text("approved")
    expect(decider.locator("#history")).to_contain_text("closed a finding")
