"""A certificate is issued, signed, when an application is approved, in the same transaction,
with its own audit event after the approval's; what was signed never changes."""
from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import text
from sqlmodel import select

from footprint.audit.models import AuditEvent
from footprint.audit.operations import verify_database
from footprint.canonical import canonical_json
from footprint.certificates import ids, keys, payload, signing
from footprint.certificates.models import Certificate
from footprint.certificates.operations import issue, of_application, status_of
from footprint.certs import operations as ops
from footprint.errors import Immutable, NotAllowed
from tests.certificates.conftest import RESULT
from tests.certs.test_workflow import in_state


def test_approval_issues_a_signed_certificate_of_the_stored_facts(approved, app):
    world, application = approved
    s = world["session"]
    certificate = of_application(s, application.id)
    today = certificate.valid_from
    assert ids.parse(certificate.public_id) == certificate.public_id
    assert certificate.public_id.startswith(f"CQ-CFP-{today.year}-")
    assert (certificate.status, certificate.scheme, certificate.assessment_id) == (
        "valid", "pcf-verification", world["assessments"][0].id)
    facts = certificate.payload
    assert certificate.payload_canonical == canonical_json(facts)
    assert json.loads(certificate.payload_canonical) == facts
    assert facts["type"] == "footprint-certificate" and facts["format"] == 1
    assert facts["id"] == certificate.public_id
    assert facts["footprint"] == {
        "unit": "kg CO2e per functional unit", "total": 5.25, "fossil": 5.0, "biogenic": 0.2,
        "land_use": 0.05, "water_consumption_m3": 1e-05, "water_scarcity_m3_world_eq": 0.0004295,
        "water_region": "GLO"}
    assert facts["methods"] == RESULT["methods"]
    assert facts["assessment_hash"] == world["assessments"][0].content_hash
    assert (facts["evaluated_by"], facts["decided_by"]) == ("evaluator", "decider")
    assert facts["holder"]["name"] == "applicant" and facts["application"] == application.id
    assert facts["product"]["functional_unit"] == "1 piece" and facts["site"]["name"] == "s"
    assert facts["result"] == {"passed": application.score_sheet["passed"],
                               "total": application.score_sheet["total"],
                               "out_of": application.score_sheet["out_of"]}
    assert facts["standard"] == application.score_sheet["standard"]
    # pcf-verification: 2 years, ending the day before the second anniversary
    assert facts["valid_until"] == payload.valid_until(today, 2).isoformat()
    assert certificate.surveillance_due == payload.surveillance_due(today)
    assert "CNCA" in facts["disclaimer"] and "CNCA" in facts["issuer"]["name"]
    published = keys.public_keys(app.config["KEYS_DIR"])
    assert signing.verify(certificate.payload_canonical, certificate.signature,
                          certificate.key_id, published).valid


def test_the_issuance_event_follows_the_approval_and_the_chain_verifies(approved):
    world, application = approved
    s = world["session"]
    last_two = list(s.exec(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(2)))[::-1]
    assert [e.action for e in last_two] == ["application.approve", "certificate.issue"]
    certificate = of_application(s, application.id)
    assert (last_two[1].object_type, last_two[1].object_id) == ("certificate", certificate.id)
    assert last_two[1].after["public_id"] == certificate.public_id
    assert verify_database(s).intact


def test_rejection_issues_nothing_and_issue_refuses_an_unapproved_application(world, app):
    application, _ = in_state(world, "rejected")
    s = world["session"]
    assert of_application(s, application.id) is None
    with pytest.raises(NotAllowed) as refused:
        issue(s, application, world["users"]["decider"], config=app.config)
    assert refused.value.code == "not_approved"


def test_a_failed_issue_leaves_the_application_undecided(world, app):
    application, _ = in_state(world, "decision_pending")
    s = world["session"]
    broken = {**app.config, "CERT_VALIDITY_YEARS": {}}  # no validity for the scheme
    with pytest.raises(KeyError):
        ops.decide(s, world["users"]["decider"], application, approve=True, reason="ok",
                   config=broken)
    s.rollback()
    assert s.get(type(application), application.id).state == "decision_pending"


@pytest.mark.parametrize("issued, years, last_day", [
    (date(2026, 3, 10), 2, date(2028, 3, 9)),   # the day before 2028-03-10
    (date(2026, 1, 1), 3, date(2028, 12, 31)),  # the day before 2029-01-01
    (date(2028, 2, 29), 2, date(2030, 2, 28)),  # anniversary read as 2030-03-01, minus a day
])
def test_validity_ends_the_day_before_the_anniversary(issued, years, last_day):
    assert payload.valid_until(issued, years) == last_day


def test_surveillance_is_due_twelve_months_after_issue():
    assert payload.surveillance_due(date(2026, 3, 10)) == date(2027, 3, 10)


def test_status_expired_is_read_from_the_last_valid_day(approved):
    world, application = approved
    certificate = of_application(world["session"], application.id)
    last = certificate.valid_until
    assert status_of(certificate, last) == "valid"
    assert status_of(certificate, last + timedelta(days=1)) == "expired"
    certificate.status = "suspended"
    assert status_of(certificate, last + timedelta(days=1)) == "suspended"


def test_what_was_signed_never_changes_and_a_certificate_is_never_deleted(approved):
    world, application = approved
    s = world["session"]
    certificate = of_application(s, application.id)
    certificate.status, certificate.status_reason = "suspended", "surveillance overdue"
    assert certificate.pdf_name == f"{certificate.public_id}.pdf"  # written once, at issue
    s.commit()
    for column, value in (("payload_canonical", "{}"), ("signature", "AAAA"),
                          ("valid_until", date(2099, 1, 1)), ("pdf_name", "y.pdf")):
        setattr(certificate, column, value)
        with pytest.raises(Immutable):
            s.flush()
        s.rollback()
    assert certificate.status == "suspended"  # the status is not signed: it changes
    s.delete(s.get(Certificate, certificate.id))
    with pytest.raises(Immutable):
        s.flush()
    s.rollback()


def test_the_database_refuses_changing_what_was_signed_and_deleting(approved):
    world, application = approved
    s = world["session"]
    certificate_id = of_application(s, application.id).id
    s.execute(text("UPDATE certificates SET status = 'withdrawn' WHERE id = :id"),
              {"id": certificate_id})
    s.commit()
    for statement in ("UPDATE certificates SET payload_canonical = '{}' WHERE id = :id",
                      "UPDATE certificates SET key_id = 'ffffffffffffffff' WHERE id = :id",
                      "DELETE FROM certificates WHERE id = :id"):
        with pytest.raises(Exception, match="certificates keep what was signed"):
            s.execute(text(statement), {"id": certificate_id})
        s.rollback()
    assert s.get(Certificate, certificate_id).status == "withdrawn"


def test_the_signed_pdf_is_stored_once_at_issue_and_served_from_storage(approved, app):
    import hashlib
    from pathlib import Path

    from footprint.certificates import pdfsign

    world, application = approved
    certificate = of_application(world["session"], application.id)
    stored = Path(app.config["CERTIFICATES_DIR"]) / certificate.pdf_name
    content = stored.read_bytes()
    assert hashlib.sha256(content).hexdigest() == certificate.pdf_sha256
    assert stored.stat().st_mode & 0o777 == 0o600
    _, signer = pdfsign.issuer_certificate(Path(app.config["PDF_SIGNING_DIR"]),
                                           app.config["ISSUER_NAME"])
    assert pdfsign.check_pdf(content, signer).ok
    served = app.test_client().get(f"/verify/{certificate.public_id}/certificate.pdf")
    assert served.status_code == 200 and served.data == content
    served.close()
