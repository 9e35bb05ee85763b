"""Issue 9 on the certificate: facts of an assessment computed with the reporting rules add
credits apart, whether land use was assessed, water coverage and the uncertainty range; a
certificate of an older result keeps exactly its keys and still verifies and renders."""
from __future__ import annotations

import copy
import json

import pytest

from footprint.certificates import keys, pdf, signing
from footprint.certificates.operations import of_application
from tests.certificates import conftest

NEW_RESULT = copy.deepcopy(conftest.RESULT)
# 5.05 fossil + 0.2 biogenic + 0 land use = 5.25, the stored total of the fixture
NEW_RESULT["carbon"].update(fossil=5.05, land_use=0.0, land_use_assessed=False,
                            credits=-0.25, emissions_excluding_credits=5.5,
                            biogenic_emissions=0.2, biogenic_removals=0.0)
NEW_RESULT["water"]["coverage"] = 0.38
NEW_RESULT["uncertainty"] = {
    "method": "Monte Carlo, lognormal, pedigree", "iterations": 1000, "seed": 7,
    "total": {"p2_5": 4.5, "p5": 4.7, "p50": 5.2, "p95": 5.9, "p97_5": 6.1, "iterations": 1000},
    "by_stage": {}, "sensitivity": []}


@pytest.fixture
def reporting_result(monkeypatch):
    monkeypatch.setattr(conftest, "RESULT", NEW_RESULT)


@pytest.fixture
def certified_new(reporting_result, approved):
    world, application = approved
    return of_application(world["session"], application.id)


def test_facts_of_a_new_result_add_the_reporting_figures(certified_new, client, app):
    facts = certified_new.payload["footprint"]
    assert facts["land_use_assessed"] is False
    assert (facts["credits"], facts["emissions_excluding_credits"]) == (-0.25, 5.5)
    assert facts["water_coverage"] == 0.38
    assert facts["uncertainty"] == {"p2_5": 4.5, "p5": 4.7, "p95": 5.9, "p97_5": 6.1}
    assert signing.verify(certified_new.payload_canonical, certified_new.signature,
                          certified_new.key_id, keys.public_keys(app.config["KEYS_DIR"])).valid
    html = client.get(f"/verify/{certified_new.public_id}").get_data(as_text=True)
    land_use = html[html.index('id="cf-land-use"'):].split("</dd>")[0]
    assert "not assessed" in land_use and "kg CO2e" not in land_use
    assert "4.5 – 6.1 kg CO2e" in html
    assert html.count("covers 38.0% of lines by carbon contribution") == 2  # beside both
    assert "Emissions excluding credits" in html
    api = json.loads(client.get(f"/api/v1/certificates/{certified_new.public_id}").data)
    assert api["payload"]["footprint"]["land_use_assessed"] is False
    html = pdf.rendering.render("certificate.html", **pdf.certificate_context(
        certified_new.payload, verify_url="https://x/verify", key_fingerprint="abcd", qr_target="https://x"))
    assert "未评估 not assessed" in html and "4.500 – 6.100 kg CO2e" in html
    assert "覆盖率 coverage 38.0%" in html


def test_a_certificate_of_an_older_result_keeps_its_keys_and_renders(approved, client, app):
    world, application = approved
    certificate = of_application(world["session"], application.id)
    facts = certificate.payload["footprint"]
    assert set(facts) == {"unit", "total", "fossil", "biogenic", "land_use",
                          "water_consumption_m3", "water_scarcity_m3_world_eq", "water_region"}
    html = client.get(f"/verify/{certificate.public_id}").get_data(as_text=True)
    assert "Signature verified" in html
    land_use = html[html.index('id="cf-land-use"'):].split("</dd>")[0]
    assert "0.05 kg CO2e" in land_use and "not assessed" not in land_use
    assert "covers" not in html and "Uncertainty range" not in html
    html = pdf.rendering.render("certificate.html", **pdf.certificate_context(
        certificate.payload, verify_url="https://x/verify", key_fingerprint="abcd", qr_target="https://x"))
    assert "not assessed" not in html and "0.05000 kg CO2e" in html
