"""The verify page remembers the verdict of a certificate's signature check in the process (the
signed text, signature and published key never change), but never what may change: a new status
shows at once, and a changed text, signature or published key is checked again."""
from __future__ import annotations

import shutil
from types import SimpleNamespace

import pytest

from footprint.certificates import keys, signing
from footprint.certificates.operations import of_application
from footprint.timeutil import utcnow
from footprint.web.verify import views


@pytest.fixture
def certified(approved):
    world, application = approved
    return world, of_application(world["session"], application.id)


@pytest.fixture
def checks(monkeypatch):
    """Counts the real signature checks made by the verify views."""
    calls = []
    real = signing.verify

    def counting(*args, **kwargs):
        calls.append(args[2])
        return real(*args, **kwargs)

    monkeypatch.setattr(views.signing, "verify", counting)
    return calls


def page(client, certificate) -> str:
    response = client.get(f"/verify/{certificate.public_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_verdict_is_remembered_and_a_new_status_shows_at_once(certified, client, checks):
    world, certificate = certified
    for _ in range(3):
        html = page(client, certificate)
        assert "status-valid" in html and "Signature verified" in html
    assert len(checks) == 1  # checked once, then remembered

    certificate.status, certificate.status_reason = "suspended", "surveillance overdue"
    certificate.status_dt = utcnow()
    world["session"].commit()
    html = page(client, certificate)
    assert "status-suspended" in html and "surveillance overdue" in html
    assert "Signature verified" in html  # the remembered verdict, still true
    api = client.get(f"/api/v1/certificates/{certificate.public_id}")
    assert api.json["status"] == "suspended"

    certificate.status, certificate.status_reason, certificate.status_dt = "valid", "", utcnow()
    world["session"].commit()
    assert "status-valid" in page(client, certificate)
    assert len(checks) == 1


def test_a_changed_signed_text_or_signature_is_checked_again(certified, app, checks):
    """The database refuses to change a signed column (model guard and trigger), so the changed
    rows are copies handed to the check directly, with the certificate's own id."""
    _, certificate = certified

    def as_stored(**changes):
        return SimpleNamespace(**{"id": certificate.id, "key_id": certificate.key_id,
                                  "payload_canonical": certificate.payload_canonical,
                                  "signature": certificate.signature, **changes})

    with app.test_request_context():
        assert views._check_signature(as_stored()).valid
        assert views._check_signature(as_stored()).valid
        assert len(checks) == 1
        assert "5.25" in certificate.payload_canonical
        edited = certificate.payload_canonical.replace("5.25", "4.25", 1)
        check = views._check_signature(as_stored(payload_canonical=edited))
        assert not check.valid and check.error.code == "bad_signature"
        forged = "A" * len(certificate.signature)
        check = views._check_signature(as_stored(signature=forged))
        assert not check.valid and check.error.code == "bad_signature"
        assert views._check_signature(as_stored()).valid
    assert len(checks) == 3  # once per distinct (text, signature); the original was remembered


def test_a_key_no_longer_published_fails_at_once(certified, client, app, checks):
    _, certificate = certified
    assert "Signature verified" in page(client, certificate)
    shutil.rmtree(app.config["KEYS_DIR"])  # the keys folder lost: a new key is made
    html = page(client, certificate)
    assert "Signature check failed" in html and "unknown_key" in html


def test_a_rotated_key_is_read_and_old_certificates_still_verify(certified, client, app, checks):
    _, certificate = certified
    assert "Signature verified" in page(client, certificate)
    newer = keys.rotate(app.config["KEYS_DIR"])
    assert newer.key_id != certificate.key_id
    assert "Signature verified" in page(client, certificate)
    published = views._keys_seen[app.config["KEYS_DIR"]][1]
    assert {k["key_id"] for k in published} == {certificate.key_id, newer.key_id}
