"""The certificate pages: the holder's and the certifiers' lists, the management page with its
history and links, each lifecycle form, and who may see what."""
from __future__ import annotations

from datetime import timedelta

import pytest
from flask.testing import FlaskClient

from footprint.certificates import lifecycle
from footprint.certificates.models import Certificate
from footprint.certificates.operations import of_application
from footprint.timeutil import utcnow
from tests.certs.test_workflow import in_state, world  # noqa: F401 (fixture)
from tests.helpers import login


@pytest.fixture
def certified(world):  # noqa: F811
    """(world, certificate) of an application approved on a plain stored assessment (one the
    application page can show)."""
    application, _ = in_state(world, "approved")
    return world, of_application(world["session"], application.id)


class OwnContextClient(FlaskClient):
    """Each request in an app context of its own, as in production: the fixtures hold one open,
    and a request inside it would share its `g` (and so the user logged in last)."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def client_of(app, email: str):
    client = OwnContextClient(app, app.response_class, use_cookies=True)
    assert login(client, email).status_code == 302
    return client


@pytest.fixture
def clients(app, certified):
    """A logged-in client for each user of the world but the own-organisation certifier."""
    world, _ = certified
    return {name: client_of(app, f"{name}@x.cn")
            for name in ("applicant", "stranger", "evaluator", "decider", "admin")}


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_the_holder_lists_and_opens_their_certificates(certified, clients):
    world, certificate = certified
    html = page(clients["applicant"], "/certificates")
    assert certificate.public_id in html and f'href="/certificates/{certificate.id}"' in html
    assert certificate.valid_until.isoformat() in html
    assert certificate.surveillance_due.isoformat() in html and "state-valid" in html
    html = page(clients["applicant"], f"/certificates/{certificate.id}")
    assert f'href="/verify/{certificate.public_id}"' in html
    assert f'href="/applications/{certificate.application_id}"' in html
    assert "issued the certificate" in html  # the history
    assert 'id="actions"' not in html  # no lifecycle forms for the holder
    assert 'href="/certificates"' in html  # the nav link


def test_the_application_page_links_its_certificate(certified, clients):
    world, certificate = certified
    for name in ("applicant", "decider"):
        html = page(clients[name], f"/applications/{certificate.application_id}")
        assert f'href="/certificates/{certificate.id}"' in html and certificate.public_id in html


def test_the_holder_sees_the_restore_deadline_and_overdue_surveillance(certified, clients):
    world, certificate = certified
    s = world["session"]
    lifecycle.suspend(s, world["users"]["evaluator"], certificate, reason="boundary <wrong>",
                      restore_days=30)
    s.commit()
    html = page(clients["applicant"], f"/certificates/{certificate.id}")
    assert certificate.restore_until.isoformat() in html and 'id="restore-until"' in html
    assert "boundary &lt;wrong&gt;" in html  # escaped
    assert "overdue" not in html


def test_certifiers_list_other_organisations_certificates_due_first(certified, clients, app):
    world, certificate = certified
    s = world["session"]
    renewal, _ = in_state(world, "approved")
    newer = of_application(s, renewal.id)
    html = page(clients["evaluator"], "/certificates")
    assert certificate.public_id in html and newer.public_id in html
    assert page(clients["evaluator"], "/certificates?status=superseded").count("<code>") == 1
    html = page(clients["evaluator"], "/certificates?status=valid")
    assert newer.public_id in html and certificate.public_id not in html
    # due soon first: with today 30 days before the renewal's surveillance, it comes first
    ordered = lifecycle.certificates_for_certifier(
        s, world["users"]["evaluator"], newer.surveillance_due - timedelta(days=30))
    assert ordered[0].id == newer.id
    overdue = lifecycle.certificates_for_certifier(
        s, world["users"]["evaluator"], newer.surveillance_due + timedelta(days=1))
    assert overdue[0].id == newer.id
    assert lifecycle.surveillance_overdue(newer, newer.surveillance_due + timedelta(days=1))


def test_others_get_404_and_admins_403(certified, clients, app):
    world, certificate = certified
    for url in ("/certificates", f"/certificates/{certificate.id}"):
        assert clients["admin"].get(url).status_code == 403
    assert clients["stranger"].get(f"/certificates/{certificate.id}").status_code == 404
    assert certificate.public_id not in page(clients["stranger"], "/certificates")
    assert clients["applicant"].get("/certificates/999").status_code == 404
    for action in ("suspend", "restore", "withdraw", "correct", "surveillance"):
        response = clients["applicant"].post(f"/certificates/{certificate.id}/{action}")
        assert response.status_code == 403


def test_a_certifier_suspends_restores_and_withdraws_through_the_forms(certified, clients):
    world, certificate = certified
    s, client = world["session"], clients["evaluator"]
    url = f"/certificates/{certificate.id}"
    html = page(client, url)
    for form in ("suspend", "withdraw", "correct", "surveillance-form"):
        assert f'id="{form}"' in html
    assert 'id="restore"' not in html
    response = client.post(f"{url}/suspend", data={
        "suspend-reason": "surveillance refused", "suspend-restore_days": "15",
        "lock_version": certificate.lock_version})
    assert response.status_code == 302 and response.location.endswith(url)
    s.expire_all()
    certificate = s.get(Certificate, certificate.id)
    assert certificate.status == "suspended"
    assert certificate.restore_until == utcnow().date() + timedelta(days=15)
    html = page(client, url)
    assert "Certificate suspended." in html and 'id="restore"' in html
    assert 'id="suspend"' not in html
    client.post(f"{url}/restore", data={"restore-reason": "accepted",
                                        "lock_version": certificate.lock_version})
    s.expire_all()
    assert s.get(Certificate, certificate.id).status == "valid"
    client.post(f"{url}/withdraw", data={"withdraw-reason": "misuse of the label",
                                         "lock_version": s.get(Certificate,
                                                               certificate.id).lock_version})
    s.expire_all()
    certificate = s.get(Certificate, certificate.id)
    assert (certificate.status, certificate.status_reason) == ("withdrawn", "misuse of the label")
    html = page(client, url)
    assert 'id="actions"' not in html
    for words in ("suspended the certificate", "restored the certificate",
                  "withdrew the certificate", "misuse of the label"):
        assert words in html


def test_a_form_without_a_reason_or_from_a_stale_page_changes_nothing(certified, clients):
    world, certificate = certified
    s, client = world["session"], clients["evaluator"]
    url = f"/certificates/{certificate.id}"
    client.post(f"{url}/withdraw", data={"withdraw-reason": "",
                                         "lock_version": certificate.lock_version})
    assert "Not done" in page(client, url)
    client.post(f"{url}/withdraw", data={"withdraw-reason": "x",
                                         "lock_version": certificate.lock_version - 1 or 99})
    assert "Someone else changed this certificate meanwhile" in page(client, url)
    s.expire_all()
    assert s.get(Certificate, certificate.id).status == "valid"


def test_a_certifier_corrects_and_records_surveillance_through_the_forms(certified, clients):
    world, certificate = certified
    s, client = world["session"], clients["decider"]
    url = f"/certificates/{certificate.id}"
    response = client.post(f"{url}/surveillance", data={
        "surveillance-outcome_note": "site visit passed", "lock_version": 1})
    assert response.status_code == 302
    s.expire_all()
    assert s.get(Certificate, certificate.id).surveillance_due is None  # a 2-year certificate
    assert "site visit passed" in page(client, url)
    response = client.post(f"{url}/correct", data={
        "correct-reason": "holder renamed", "lock_version": 2})
    s.expire_all()
    old = s.get(Certificate, certificate.id)
    new = s.get(Certificate, old.superseded_by_id)
    assert response.location.endswith(f"/certificates/{new.id}")
    html = page(client, f"/certificates/{new.id}")
    assert f'href="/certificates/{old.id}"' in html  # replaces
    html = page(clients["applicant"], url)
    assert "state-superseded" in html and f'href="/certificates/{new.id}"' in html


def test_a_certifier_of_the_holders_organisation_sees_nothing(certified, app):
    """The own-organisation certifier (made directly: the accounts operations never make one)
    gets 404, as for anything they may not see."""
    world, certificate = certified
    s = world["session"]
    own = world["users"]["own_certifier"]
    own.password_hash = world["users"]["evaluator"].password_hash
    s.add(own)
    s.commit()
    client = client_of(app, "own@x.cn")
    assert client.get(f"/certificates/{certificate.id}").status_code == 404
    assert client.post(f"/certificates/{certificate.id}/suspend").status_code == 404
    assert certificate.public_id not in page(client, "/certificates")
