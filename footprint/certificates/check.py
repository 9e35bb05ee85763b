"""Checking a downloaded certificate offline against the published keys: the JSON of
/api/v1/certificates/<id>, the Verifiable Credential of /verify/<id>/credential.json, or the
PAdES-signed PDF (against the published PDF signer). What the file is, is read from its first
bytes."""
from __future__ import annotations

import json
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from cryptography import x509

from . import credential, pdfsign, signing
from .errors import MalformedDocument, PdfNotVerified, VerificationError

KEYS_TIMEOUT_SECONDS = 10
MAX_KEYS_BYTES = 1024 * 1024


@dataclass(frozen=True)
class FileCheck:
    result: signing.VerifyResult
    certificate_id: str | None


def load_published(source: str) -> dict:
    """The published keys document ({"keys": [...], "pdf_signers": [...]}), from a file or an
    http(s) URL (no other scheme: a URL given on the command line must not read local files or
    other services by accident)."""
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
        published = json.loads(data)
        keys = published["keys"]
    except (ValueError, KeyError, TypeError):
        raise MalformedDocument("the keys file is not {\"keys\": [...]} JSON") from None
    if not isinstance(keys, list) or not isinstance(published.get("pdf_signers", []), list):
        raise MalformedDocument("the keys file is not {\"keys\": [...]} JSON")
    return published


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


def _check_pdf(data: bytes, pdf_signers: list[dict]) -> FileCheck:
    """A certificate PDF: one PAdES signature, intact, over the whole file, by a published
    signer certificate."""
    problems = []
    for signer in pdf_signers:
        try:
            trusted = x509.load_pem_x509_certificate(str(signer["certificate"]).encode())
        except (KeyError, TypeError, ValueError):
            raise MalformedDocument("a published PDF signer is not a PEM certificate") from None
        checked = pdfsign.check_pdf(data, trusted)
        if checked.ok:
            return FileCheck(signing.VerifyResult(f"pdf:{signer.get('sha256', '')[:16]}"),
                             None)
        problems += checked.problems
    if not pdf_signers:
        raise MalformedDocument("the keys file publishes no PDF signer")
    raise PdfNotVerified("; ".join(dict.fromkeys(problems)))


def check_file(data: bytes, public_keys: list[dict],
               pdf_signers: list[dict] = ()) -> FileCheck:
    """Verify a downloaded file (certificate JSON, Verifiable Credential or certificate PDF);
    the result names what fails."""
    try:
        if data.startswith(b"%PDF"):
            return _check_pdf(data, list(pdf_signers))
        return _check_json(_json_document(data.lstrip(b"\xef\xbb\xbf")), public_keys)
    except VerificationError as error:
        return FileCheck(signing.VerifyResult("", error), None)
