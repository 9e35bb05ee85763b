"""Signing keys (private files, rotation keeps old keys) and signatures (what fails is named)."""
from __future__ import annotations

import base64
import hashlib
import stat

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from footprint.canonical import canonical_json
from footprint.certificates import keys, signing
from footprint.certificates.errors import BadSignature, NotCanonical, UnknownKey

PAYLOAD = {"id": "CQ-CFP-2026-7K3M-9XQ4-K", "footprint": {"total": 5.25}, "holder": "重庆"}


def test_the_first_key_is_created_private_on_first_use(tmp_path):
    directory = tmp_path / "instance" / "keys"
    key = keys.current(directory)
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    (path,) = directory.glob("ed25519-*.pem")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")  # PKCS8
    assert serialization.load_pem_private_key(path.read_bytes(), None).public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw) == key.public_raw
    assert key.key_id == hashlib.sha256(key.public_raw).hexdigest()[:16]
    assert keys.current(directory).key_id == key.key_id  # then the same key, not a new one
    assert key.fingerprint == " ".join(key.key_id[i:i + 4] for i in (0, 4, 8, 12))


def test_rotation_makes_a_new_signing_key_and_old_signatures_still_verify(tmp_path):
    old_text, old_signature, old_id = signing.sign(PAYLOAD, tmp_path)
    new = keys.rotate(tmp_path)
    assert new.key_id != old_id and keys.current(tmp_path).key_id == new.key_id
    published = keys.public_keys(tmp_path)
    assert [k["key_id"] for k in published] == [old_id, new.key_id]
    assert published[0]["retired"] == published[1]["created"] and published[1]["retired"] is None
    assert {k["algorithm"] for k in published} == {"Ed25519"}
    assert len(base64.b64decode(published[1]["public_key"])) == 32
    assert len(list(tmp_path.glob("ed25519-*.pem"))) == 2  # the old private key is kept
    assert signing.verify(old_text, old_signature, old_id, published).valid
    _, new_signature, new_id = signing.sign(PAYLOAD, tmp_path)
    assert new_id == new.key_id and new_signature != old_signature


def test_a_signature_is_ed25519_over_the_canonical_utf8(tmp_path):
    text, signature, key_id = signing.sign(PAYLOAD, tmp_path)
    assert text == canonical_json(PAYLOAD)
    (entry,) = keys.public_keys(tmp_path)
    public = Ed25519PublicKey.from_public_bytes(base64.b64decode(entry["public_key"]))
    public.verify(base64.b64decode(signature), text.encode("utf-8"))  # raises if not


def test_a_changed_byte_an_unknown_key_and_a_rewritten_text_are_named(tmp_path):
    text, signature, key_id = signing.sign(PAYLOAD, tmp_path)
    published = keys.public_keys(tmp_path)
    assert signing.verify(text, signature, key_id, published).valid
    changed = text.replace("5.25", "5.15")
    assert changed != text
    assert isinstance(signing.verify(changed, signature, key_id, published).error, BadSignature)
    assert isinstance(signing.verify(text, signature, "0" * 16, published).error, UnknownKey)
    other = tmp_path / "other"
    assert isinstance(signing.verify(text, signature, key_id, keys.public_keys(other)).error,
                      UnknownKey)
    pretty = text.replace(",", ", ")
    assert isinstance(signing.verify(pretty, signature, key_id, published).error, NotCanonical)
    flipped = base64.b64encode(bytes([base64.b64decode(signature)[0] ^ 1])
                               + base64.b64decode(signature)[1:]).decode()
    assert isinstance(signing.verify(text, flipped, key_id, published).error, BadSignature)
    assert isinstance(signing.verify(text, "not base64!", key_id, published).error, BadSignature)


@pytest.mark.parametrize("value, expected", [
    (5.0, "5"), (1e-05, "0.00001"), (1e-7, "1e-7"), (1e21, "1e+21"), (1e16, "10000000000000000"),
    (333333333.33333329, "333333333.3333333"), (-0.0, "0"), (0.1, "0.1"), (12, "12")])
def test_jcs_writes_numbers_as_ecmascript_does(value, expected):
    from footprint.certificates.jcs import canonicalize

    # RFC 8785 appendix B examples and the cases where Python's repr differs
    assert canonicalize(value) == expected


def test_jcs_sorts_keys_by_utf16_code_units():
    from footprint.certificates.jcs import canonicalize

    # U+1F600 (surrogates D83D DE00) sorts before U+FFFD in UTF-16, after it by code point
    assert canonicalize({"\ufffd": 1, "\U0001f600": 2, "a": [True, None, "é"]}) == (
        '{"a":[true,null,"é"],"\U0001f600":2,"\ufffd":1}')
