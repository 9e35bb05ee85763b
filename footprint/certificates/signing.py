"""Signing a certificate's payload and checking a signature against the published keys.

What is signed is the UTF-8 of `canonical_json(payload)` (sorted keys, no whitespace): that text
is stored with the certificate (payload_canonical) and published, so anyone can check the
signature over exactly those bytes and read the facts from the same text.
"""
from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from ..canonical import canonical_json
from . import keys
from .errors import BadSignature, NotCanonical, UnknownKey, VerificationError


def sign(payload: dict, keys_dir: Path) -> tuple[str, str, str]:
    """(canonical text, base64 Ed25519 signature of its UTF-8, key_id) with the current key."""
    text = canonical_json(payload)
    key = keys.current(keys_dir)
    return text, base64.b64encode(key.sign(text.encode("utf-8"))).decode("ascii"), key.key_id


@dataclass(frozen=True)
class VerifyResult:
    key_id: str
    error: VerificationError | None = None

    @property
    def valid(self) -> bool:
        return self.error is None


def public_key_of(key_id: str, public_keys: list[dict]) -> Ed25519PublicKey:
    """The published key with that id (UnknownKey if none, BadSignature if unreadable)."""
    for entry in public_keys:
        if entry.get("key_id") == key_id:
            try:
                raw = base64.b64decode(entry["public_key"], validate=True)
                return Ed25519PublicKey.from_public_bytes(raw)
            except (KeyError, TypeError, ValueError, binascii.Error):
                raise BadSignature(f"the published key {key_id} cannot be read",
                                   key_id=key_id) from None
    raise UnknownKey(f"key {key_id} is not among the published keys", key_id=key_id)


def _check_canonical(text: str) -> None:
    try:
        value = json.loads(text)
    except (TypeError, ValueError):
        raise NotCanonical("the signed text is not JSON") from None
    if canonical_json(value) != text:
        raise NotCanonical("the signed text is not in canonical form (sorted keys, no "
                           "whitespace): it was rewritten after signing")


def verify(canonical_text: str, signature_b64: str, key_id: str,
           public_keys: list[dict]) -> VerifyResult:
    """Check that the key is published, that the text is canonical (a reformatted text, e.g.
    pretty-printed by a tool, is named as such rather than as a bad signature), then the
    signature over the text. The result names the first thing that fails."""
    try:
        public_key = public_key_of(key_id, public_keys)
        _check_canonical(canonical_text)
        try:
            signature = base64.b64decode(signature_b64, validate=True)
            public_key.verify(signature, canonical_text.encode("utf-8"))
        except (TypeError, ValueError, binascii.Error, InvalidSignature, AttributeError):
            raise BadSignature(f"the signature does not match the certificate under key "
                               f"{key_id}", key_id=key_id) from None
    except VerificationError as error:
        return VerifyResult(key_id, error)
    return VerifyResult(key_id)
