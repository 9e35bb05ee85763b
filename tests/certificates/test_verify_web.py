"""The public verify page, the certificate JSON, the published keys and the Verifiable
Credential: no login, the same 404 for unknown and malformed IDs, conditional GETs, a proof
anyone can check with SHA-256 and Ed25519 alone, and the offline verify-cert command."""
from __future__ import annotations

import base64
import hashlib
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from click.testing import CliRunner
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from footprint.certificates import credential, ids
from footprint.certificates.operations import of_application
from footprint.cli import cli
from footprint.timeutil import utcnow
from tests.certs.test_workflow import in_state

UNKNOWN = "CQ-CFP-2026-7K3M-9XQ4-K"  # a well-formed ID (its check character matches)


@pytest.fixture
def certified(approved, client):
    world, application = approved
    certificate = of_application(world["session"], application.id)
    return world, certificate


def test_the_page_shows_a_valid_certificate_its_facts_and_the_checked_signature(certified,
                                                                               client):
    _, certificate = certified
    page = client.get(f"/verify/{certificate.public_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert certificate.public_id in html and "status-valid" in html
    assert "Signature verified" in html
    fingerprint = " ".join(certificate.key_id[i:i + 4] for i in (0, 4, 8, 12))
    assert fingerprint in html
    assert "5.25 kg CO2e per functional unit" in html
    assert certificate.payload["valid_until"] in html
    assert "CNCA" in html  # the disclaimer
    assert f"/verify/{certificate.public_id}/certificate.pdf" in html  # stored at issue


def test_the_page_says_when_the_signature_does_not_check(certified, client, app):
    _, certificate = certified
    # the published keys no longer hold the certificate's key (keys folder lost)
    import shutil

    shutil.rmtree(app.config["KEYS_DIR"])
    html = client.get(f"/verify/{certificate.public_id}").get_data(as_text=True)
    assert "Signature check failed" in html and "unknown_key" in html


def test_a_certificate_past_its_last_day_is_expired(certified, client, monkeypatch):
    _, certificate = certified
    from footprint.web.verify import views

    monkeypatch.setattr(views, "_today", lambda: certificate.valid_until + timedelta(days=1))
    html = client.get(f"/verify/{certificate.public_id}").get_data(as_text=True)
    assert "status-expired" in html and "no longer valid" in html
    assert client.get(f"/api/v1/certificates/{certificate.public_id}").json["status"] == "expired"
    monkeypatch.setattr(views, "_today", lambda: certificate.valid_until)
    assert client.get(f"/api/v1/certificates/{certificate.public_id}").json["status"] == "valid"


@pytest.mark.parametrize("status", ["suspended", "withdrawn"])
def test_a_suspended_or_withdrawn_certificate_shows_reason_and_date(certified, client, status):
    world, certificate = certified
    s = world["session"]
    certificate.status, certificate.status_reason = status, "surveillance <b>overdue</b>"
    certificate.status_dt = utcnow()
    s.commit()
    html = client.get(f"/verify/{certificate.public_id}").get_data(as_text=True)
    assert f"status-{status}" in html
    assert "surveillance &lt;b&gt;overdue&lt;/b&gt;" in html  # escaped
    assert certificate.status_dt.date().isoformat() in html
    assert client.get(f"/api/v1/certificates/{certificate.public_id}").json["status"] == status


def test_a_superseded_certificate_links_to_its_successor(certified, client):
    world, certificate = certified
    s = world["session"]
    newer_application, _ = in_state(world, "approved")
    successor = of_application(s, newer_application.id)
    certificate.status, certificate.superseded_by_id = "superseded", successor.id
    certificate.status_dt, certificate.status_reason = utcnow(), "footprint corrected"
    s.commit()
    html = client.get(f"/verify/{certificate.public_id}").get_data(as_text=True)
    assert "status-superseded" in html and f'href="/verify/{successor.public_id}"' in html
    assert "footprint corrected" in html


def test_unknown_and_malformed_ids_get_the_same_404(certified, client):
    _, certificate = certified
    typo = certificate.public_id[:-1] + ("A" if certificate.public_id[-1] != "A" else "B")
    pages = [client.get(f"/verify/{text}") for text in (UNKNOWN, "garbage", typo, "x" * 300)]
    assert {page.status_code for page in pages} == {404}
    assert len({page.get_data() for page in pages}) == 1
    assert "No certificate has this ID" in pages[0].get_data(as_text=True)
    answers = [client.get(f"/api/v1/certificates/{text}") for text in (UNKNOWN, "garbage", typo)]
    assert {a.status_code for a in answers} == {404} and len({a.get_data() for a in answers}) == 1
    assert answers[0].json == {"error": "not_found", "message": "no certificate with this ID"}
    for suffix in ("certificate.pdf", "credential.json"):
        assert client.get(f"/verify/{UNKNOWN}/{suffix}").get_data() == pages[0].get_data()
    assert UNKNOWN not in pages[0].get_data(as_text=True)  # nothing asked is echoed


def test_the_form_and_the_qr_landing(certified, client):
    _, certificate = certified
    assert client.get("/verify").status_code == 200
    typed = certificate.public_id.lower().replace("-", " - ")
    landing = client.get("/verify", query_string={"id": typed})
    assert landing.status_code == 302
    assert landing.headers["Location"] == f"/verify/{certificate.public_id}"
    mistyped = client.get("/verify", query_string={"id": "CQ-CFP-2026-7K3M-9XQ5-K"})
    assert mistyped.status_code == 400 and "typing error" in mistyped.get_data(as_text=True)
    lower = client.get(f"/verify/{certificate.public_id.lower()}")
    assert lower.status_code == 301 and lower.headers["Location"].endswith(certificate.public_id)


def test_the_pdf_is_served_from_storage(certified, client, app):
    world, certificate = certified
    from pathlib import Path

    stored = (Path(app.config["CERTIFICATES_DIR"]) / certificate.pdf_name).read_bytes()
    with client.get(f"/verify/{certificate.public_id}/certificate.pdf") as answer:
        assert (answer.status_code, answer.mimetype, answer.data) == (
            200, "application/pdf", stored)
    assert client.get(f"/api/v1/certificates/{certificate.public_id}").json["pdf_url"] == (
        f"http://localhost/verify/{certificate.public_id}/certificate.pdf")


def test_the_api_gives_the_signed_text_and_answers_conditional_gets(certified, client):
    _, certificate = certified
    url = f"/api/v1/certificates/{certificate.public_id}"
    answer = client.get(url)
    body = answer.json
    assert set(body) == {"status", "payload", "payload_canonical", "signature", "key_id",
                         "pdf_url", "superseded_by"}
    assert body["superseded_by"] is None
    assert body["payload_canonical"] == certificate.payload_canonical
    assert body["payload"] == json.loads(certificate.payload_canonical)
    assert (body["status"], body["pdf_url"]) == (
        "valid", f"http://localhost/verify/{certificate.public_id}/certificate.pdf")
    assert answer.headers["ETag"] == f'"{hashlib.sha256(answer.data).hexdigest()}"'
    assert answer.cache_control.public and answer.cache_control.max_age == 60
    assert answer.last_modified is not None
    assert client.get(url, headers={"If-None-Match": answer.headers["ETag"]}).status_code == 304
    assert client.get(url, headers={"If-Modified-Since": answer.headers["Last-Modified"]}
                      ).status_code == 304
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200


def test_the_published_keys(certified, client):
    _, certificate = certified
    answer = client.get("/.well-known/footprint-keys.json")
    (key,) = answer.json["keys"]
    assert (key["key_id"], key["algorithm"], key["retired"]) == (
        certificate.key_id, "Ed25519", None)
    assert client.get("/.well-known/footprint-keys.json",
                      headers={"If-None-Match": answer.headers["ETag"]}).status_code == 304


# --- the Verifiable Credential, checked without the platform's code -----------------------------

def _es_number(value) -> str:
    """ECMAScript number text for the values of these certificates (integral floats without
    ".0"; no exponent down to 1e-6), as RFC 8785 writes them."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return format(Decimal(repr(value)), "f") if isinstance(value, float) else str(value)


def _jcs(value) -> str:
    if isinstance(value, dict):  # the keys here are ASCII: code point order is UTF-16 order
        return "{" + ",".join(f"{json.dumps(k)}:{_jcs(value[k])}" for k in sorted(value)) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_jcs(v) for v in value) + "]"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _es_number(value)
    return json.dumps(value, ensure_ascii=False)


def _base58_decode(text: str) -> bytes:
    alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
    number = 0
    for char in text:
        number = number * 58 + alphabet.index(char)
    return number.to_bytes(64, "big")  # an Ed25519 signature is 64 bytes


def _check_independently(vc: dict, keys: list[dict]) -> None:
    proof = vc["proof"]
    assert (proof["type"], proof["cryptosuite"], proof["proofPurpose"]) == (
        "DataIntegrityProof", "eddsa-jcs-2022", "assertionMethod")
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    config["@context"] = vc["@context"]
    unsecured = {k: v for k, v in vc.items() if k != "proof"}
    data = (hashlib.sha256(_jcs(config).encode()).digest()
            + hashlib.sha256(_jcs(unsecured).encode()).digest())
    key_id = proof["verificationMethod"].rsplit("#", 1)[1]
    (key,) = [k for k in keys if k["key_id"] == key_id]
    public = Ed25519PublicKey.from_public_bytes(base64.b64decode(key["public_key"]))
    assert proof["proofValue"][0] == "z"
    public.verify(_base58_decode(proof["proofValue"][1:]), data)


def test_the_credential_proof_verifies_with_sha256_and_ed25519_alone(certified, client, app):
    _, certificate = certified
    answer = client.get(f"/verify/{certificate.public_id}/credential.json")
    vc = answer.json
    keys = client.get("/.well-known/footprint-keys.json").json["keys"]
    assert vc["@context"] == ["https://www.w3.org/ns/credentials/v2"]
    assert vc["type"] == ["VerifiableCredential", "ProductFootprintCredential"]
    assert vc["issuer"] == "http://localhost"
    assert vc["proof"]["verificationMethod"] == f"http://localhost#{certificate.key_id}"
    assert vc["credentialSubject"] == certificate.payload
    assert vc["validFrom"] == f"{certificate.payload['valid_from']}T00:00:00Z"
    assert vc["validUntil"] == f"{certificate.payload['valid_until']}T23:59:59Z"
    # JCS writes 5.0 as 5 and 1e-05 as 0.00001: the canonical text is not Python's
    assert '"fossil":5,' in _jcs(vc) and '"water_consumption_m3":0.00001' in _jcs(vc)
    _check_independently(vc, keys)
    assert credential.verify(vc, keys).valid
    vc["credentialSubject"]["footprint"]["total"] = 4.25
    with pytest.raises(InvalidSignature):
        _check_independently(vc, keys)
    assert credential.verify(vc, keys).error.code == "bad_signature"
    assert client.get(f"/verify/{certificate.public_id}/credential.json",
                      headers={"If-None-Match": answer.headers["ETag"]}).status_code == 304


def test_the_credential_names_the_configured_issuer(certified, client, app):
    _, certificate = certified
    app.config["ISSUER_ID"] = "did:web:verify.example.cn"
    vc = client.get(f"/verify/{certificate.public_id}/credential.json").json
    assert vc["issuer"] == "did:web:verify.example.cn"
    assert vc["proof"]["verificationMethod"] == f"did:web:verify.example.cn#{certificate.key_id}"


# --- offline check -------------------------------------------------------------------------------

def test_verify_cert_passes_a_downloaded_certificate_and_names_a_changed_byte(certified, client,
                                                                             tmp_path):
    _, certificate = certified
    keys_file = tmp_path / "keys.json"
    keys_file.write_bytes(client.get("/.well-known/footprint-keys.json").data)
    document = client.get(f"/api/v1/certificates/{certificate.public_id}").json
    good = tmp_path / "cert.json"
    good.write_text(json.dumps(document))
    vc_file = tmp_path / "vc.json"
    vc_file.write_bytes(client.get(f"/verify/{certificate.public_id}/credential.json").data)
    runner = CliRunner()
    for path in (good, vc_file):
        result = runner.invoke(cli, ["verify-cert", str(path), "--keys", str(keys_file)])
        assert result.exit_code == 0, result.output
        assert result.output == (f"valid signature, key {certificate.key_id}, "
                                 f"certificate {certificate.public_id}\n")
    document["payload_canonical"] = document["payload_canonical"].replace("5.25", "5.26", 1)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(document))
    result = runner.invoke(cli, ["verify-cert", str(bad), "--keys", str(keys_file)])
    assert result.exit_code == 1 and "bad_signature" in result.output
    pdf = tmp_path / "c.pdf"
    with client.get(f"/verify/{certificate.public_id}/certificate.pdf") as download:
        pdf.write_bytes(download.data)
    result = runner.invoke(cli, ["verify-cert", str(pdf), "--keys", str(keys_file)])
    assert result.exit_code == 0, result.output
    signer = json.loads(keys_file.read_text())["pdf_signers"][0]["sha256"]
    assert result.output == f"valid PDF signature, signer {signer[:16]}\n"
    changed = bytearray(pdf.read_bytes())
    changed[len(changed) // 3] ^= 0x01  # inside the signed byte range
    pdf.write_bytes(bytes(changed))
    result = runner.invoke(cli, ["verify-cert", str(pdf), "--keys", str(keys_file)])
    assert result.exit_code == 1 and "pdf_not_verified" in result.output
    pdf.write_bytes(b"%PDF-1.7 unsigned")
    result = runner.invoke(cli, ["verify-cert", str(pdf), "--keys", str(keys_file)])
    assert result.exit_code == 1 and "pdf_not_verified" in result.output
    for source in ("file:///etc/passwd", "ftp://example.cn/keys.json"):
        result = runner.invoke(cli, ["verify-cert", str(good), "--keys", source])
        assert result.exit_code == 1 and "http(s)" in result.output


def test_verify_cert_names_an_unknown_key(certified, client, tmp_path):
    _, certificate = certified
    (tmp_path / "keys.json").write_text(json.dumps({"keys": []}))  # and no PDF signer
    (tmp_path / "cert.json").write_bytes(client.get(
        f"/api/v1/certificates/{certificate.public_id}").data)
    result = CliRunner().invoke(cli, ["verify-cert", str(tmp_path / "cert.json"), "--keys",
                                      str(tmp_path / "keys.json")])
    assert result.exit_code == 1 and "unknown_key" in result.output


def test_the_keys_commands(tmp_path, monkeypatch):
    monkeypatch.setenv("FOOTPRINT_KEYS_DIR", str(tmp_path / "keys"))
    runner = CliRunner()
    listed = runner.invoke(cli, ["keys", "list"])
    assert listed.exit_code == 0 and listed.output.count("current") == 1
    rotated = runner.invoke(cli, ["keys", "rotate"])
    assert rotated.exit_code == 0
    assert rotated.output.count("current") == 1 and rotated.output.count("retired") == 1
    assert len(list((tmp_path / "keys").glob("ed25519-*.pem"))) == 2


# --- rate limit ------------------------------------------------------------------------------------

def test_verification_is_rate_limited_per_client(certified, client, app):
    _, certificate = certified
    app.config.update(RATELIMIT_ENABLED=True, VERIFY_RATE_LIMIT="3 per minute")
    urls = [f"/verify/{certificate.public_id}", f"/api/v1/certificates/{certificate.public_id}",
            "/.well-known/footprint-keys.json"]
    assert [client.get(url).status_code for url in urls] == [200, 200, 200]
    assert client.get(f"/verify/{UNKNOWN}").status_code == 429  # one limit shared by all
    other = app.test_client()
    other_answer = other.get(urls[0], environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert other_answer.status_code == 200


def test_the_label_artwork_is_downloadable(certified, client):
    _, certificate = certified
    svg = client.get(f"/verify/{certificate.public_id}/label.svg")
    assert svg.mimetype == "image/svg+xml" and certificate.public_id in svg.get_data(as_text=True)
    png = client.get(f"/verify/{certificate.public_id}/label.png")
    assert png.mimetype == "image/png" and png.data.startswith(b"\x89PNG\r\n\x1a\n")
    assert client.get("/verify/CQ-CFP-2026-AAAA-AAAA-A/label.svg").status_code == 404
