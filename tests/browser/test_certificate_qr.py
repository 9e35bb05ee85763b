"""The QR code on a certificate PDF leads to its verify page: a certificate issued with the live
server as PUBLIC_URL, its stored PDF downloaded, page 1 rendered (pdftoppm) and the QR decoded
(pyzbar); the URL opened in Chromium on a 390 px wide phone screen, in English and in Chinese,
shows the ID, "Valid" and the verified signature without scrolling sideways."""
from __future__ import annotations

import subprocess
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.test_flows import PASSWORD

PHONE = {"width": 390, "height": 844}
LANGUAGES = {
    "en-GB": ("Valid", "Signature verified"),
    "zh-CN": ("有效", "签名验证通过"),
}


@pytest.fixture(scope="module")
def browser():
    """Chromium for this module only: Playwright's sync API keeps an event loop running in this
    thread while it is started, and later tests of the same run (tests/certificates) call
    asyncio.run, which a running loop refuses. Stopped at the end of the module, it leaves none."""
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def certificate_id(app, live_server, assessor) -> str:
    """An application taken through evaluation and an independent approval by the operations;
    approving issues the certificate and stores its PDF, with the QR code to PUBLIC_URL."""
    from footprint import db
    from footprint.accounts import operations as accounts
    from footprint.accounts.models import Organisation
    from footprint.accounts.roles import OrganisationKind, Role
    from footprint.assessments.operations import assessments_of, run_assessment
    from footprint.certificates.operations import of_application
    from footprint.certs import operations as applications
    from footprint.demo import PCF_CRITERIA, _latest
    from footprint.products import operations as products
    from tests.helpers import credit_code

    app.config["PUBLIC_URL"] = live_server  # before issuing: the PDF is made at issuance
    with app.app_context():
        session = db.session()
        users = {}
        for n, (name, kind) in enumerate([
                ("applicant", OrganisationKind.MANUFACTURER),
                ("evaluator", OrganisationKind.CERTIFICATION_BODY)], start=801):
            users[name] = accounts.register_organisation(
                session, name=f"QR {name.title()} Org", credit_code=credit_code(n), address="",
                user_name=name.title(), email=f"{name}@cert-qr.cn", password=PASSWORD,
                kind=kind)
        # the decider: a second certifier of the same body (the evaluator may not decide)
        body = session.get(Organisation, users["evaluator"].organisation_id)
        accounts.create_user(session, organisation=body, name="Decider",
                             email="decider@cert-qr.cn", password=PASSWORD, role=Role.CERTIFIER)
        users["decider"] = accounts.find_user_by_email(session, "decider@cert-qr.cn")
        applicant = users["applicant"]
        product = products.create_product(session, applicant,
                                          organisation_id=applicant.organisation_id,
                                          data={"name": "QR pack", "boundary": "cradle-to-gate",
                                                "functional_unit": "1 pack"})
        products.save_line(session, applicant, product, {
            "stage": "materials", "name": "cells", "factor": "steel-bof", "amount": 2.5,
            "unit": "kg"})
        session.commit()
        run_assessment(session, applicant, product=product, bw_dir=app.config["BRIGHTWAY2_DIR"])
        session.commit()

        criteria = _latest(app.extensions["criteria"], PCF_CRITERIA)
        criteria_dir = Path(app.config["CRITERIA_DIR"])
        answers = {item.id: {"answer": "yes"} for item in criteria.items if item.required}
        if criteria.excluded_share_item:
            answers[criteria.excluded_share_item] = {"answer": "yes", "value": 0.5}
        application = applications.create_draft(session, applicant, criteria=criteria,
                                                product=product, criteria_dir=criteria_dir)
        applications.save_draft(session, applicant, application, criteria=criteria,
                                answers=answers,
                                assessment_id=assessments_of(session, product.id)[0].id)
        applications.submit(session, applicant, application, criteria=criteria)
        applications.take(session, users["evaluator"], application)
        applications.complete_evaluation(session, users["evaluator"], application)
        applications.decide(session, users["decider"], application, approve=True,
                            reason="Every required item is met.")
        session.commit()
        certificate = of_application(session, application.id)
        assert certificate is not None and certificate.pdf_name
        return certificate.public_id


def qr_codes(pdf: Path, folder: Path) -> list[str]:
    """The QR codes on page 1 of the PDF, rendered at 150 dpi."""
    from PIL import Image
    from pyzbar.pyzbar import ZBarSymbol, decode

    subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", str(pdf),
                    str(folder / "page")], check=True, timeout=60)
    (image,) = folder.glob("page*.png")
    with Image.open(image) as picture:
        return [symbol.data.decode("utf-8")
                for symbol in decode(picture, symbols=[ZBarSymbol.QRCODE])]


def test_the_qr_code_opens_the_verify_page_on_a_phone_in_english_and_chinese(
        browser: Browser, live_server: str, certificate_id: str, tmp_path: Path):
    pdf = tmp_path / "certificate.pdf"
    with urllib.request.urlopen(f"{live_server}/verify/{certificate_id}/certificate.pdf",
                                timeout=30) as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == "application/pdf"
        pdf.write_bytes(response.read())
    assert pdf.read_bytes().startswith(b"%PDF")

    url = f"{live_server}/verify/{certificate_id}"
    assert qr_codes(pdf, tmp_path) == [url]

    for locale, (valid, verified) in LANGUAGES.items():
        context = browser.new_context(locale=locale, viewport=PHONE, is_mobile=True,
                                      has_touch=True, device_scale_factor=2)
        context.set_default_timeout(15_000)
        try:
            page = context.new_page()
            js_errors: list[str] = []
            page.on("pageerror", lambda error: js_errors.append(str(error)))
            response = page.goto(url)
            assert response is not None and response.status == 200
            expect(page.locator("html")).to_have_attribute(
                "lang", "zh-CN" if locale == "zh-CN" else "en")
            expect(page.locator("h1")).to_contain_text(certificate_id)
            expect(page.locator(".cert-status")).to_have_text(valid)
            expect(page.locator(".signature-check")).to_contain_text(verified)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], f"{locale}: the page is {width} px wide"
            assert not js_errors, f"JavaScript errors on the page: {js_errors}"
        finally:
            context.close()
