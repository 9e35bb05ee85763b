"""Checking a downloaded certificate offline against the published keys: the JSON of
/api/v1/certificates/<id>, or the Verifiable Credential of /verify/<id>/credential.json.
What the file is, is read from its first bytes, so that other forms (the signed PDF) can be
added beside these."""
from __future__ import annotations

import json
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from . import credential, signing
from .errors import MalformedDocument, VerificationError

KEYS_TIMEOUT_SECONDS = 10
MAX_KEYS_BYTES = 1024 * 1024


@dataclass(frozen=True)
class FileCheck:
    result: signing.VerifyResult
    certificate_id: str | None


def load_keys(source: str) -> list[dict]:
    """The published keys, from a file or an http(s) URL (no other scheme: a URL given on the
    command line must not read local files or other services by accident)."""
    scheme = urlsplit(source).scheme.lower()
    if scheme in ("http", "https"):
        with urllib.request.urlopen(source, timeout=KEYS_TIMEOUT_SECONDS) as response:  # noqa: S310
            data = response.read(MAX_KEYS_BYTES + 1)
    elif scheme and len(scheme) > 1:  # "C:\..." is a path, "file:" or "ftp:" is not allowed
        raise MalformedDocument(f"keys can be read from a file or an http(s) URL, not {scheme}:")
    else:
        with open(source, "rb") as handle:
            data = handle.read(MAX_KEYS_BYTES + 1)
    if len(data) > MAX_KEYS_BYTES:
        raise MalformedDocument("the keys file is larger than any published one")
    try:
        keys = json.loads(data)["keys"]
    except (ValueError, KeyError, TypeError):
        raise MalformedDocument("the keys file is not {\"keys\": [...]} JSON") from None
    if not isinstance(keys, list):
        raise MalformedDocument("the keys file is not {\"keys\": [...]} JSON")
    return keys


def _json_document(data: bytes) -> dict:
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise MalformedDocument("the file is not JSON") from None
    if not isinstance(document, dict):
        raise MalformedDocument("the file is not a certificate's JSON")
    return document


def _check_json(document: dict, public_keys: list[dict]) -> FileCheck:
    if "proof" in document:
        subject = document.get("credentialSubject")
        return FileCheck(credential.verify(document, public_keys),
                         subject.get("id") if isinstance(subject, dict) else None)
    fields = ("payload_canonical", "signature", "key_id")
    if not all(isinstance(document.get(name), str) for name in fields):
        raise MalformedDocument("the JSON is neither a certificate (payload_canonical, "
                                "signature, key_id) nor a Verifiable Credential")
    result = signing.verify(document["payload_canonical"], document["signature"],
                            document["key_id"], public_keys)
    try:
        certificate_id = json.loads(document["payload_canonical"]).get("id")
    except (ValueError, AttributeError):
        certificate_id = None
    return FileCheck(result, certificate_id)


def check_file(data: bytes, public_keys: list[dict]) -> FileCheck:
    """Verify a downloaded file; the result names what fails."""
    try:
        if data.startswith(b"%PDF"):
            raise MalformedDocument("PDF checking is not available: check the certificate's "
                                    "JSON or Verifiable Credential instead")
        return _check_json(_json_document(data.lstrip(b"\xef\xbb\xbf")), public_keys)
    except VerificationError as error:
        return FileCheck(signing.VerifyResult("", error), None)
