"""Why a certificate does not verify: one base error, one subclass per reason, each with a
stable code for the web and the command line."""
from __future__ import annotations

from ..errors import FootprintError


class VerificationError(FootprintError):
    """The certificate, its signature or its proof does not verify."""

    default_code = "not_verified"


class UnknownKey(VerificationError):
    """The key_id is not among the published keys."""

    default_code = "unknown_key"


class BadSignature(VerificationError):
    """The signature does not match the signed text under the named key (or cannot be read)."""

    default_code = "bad_signature"


class NotCanonical(VerificationError):
    """The signed text is not the canonical JSON of what it holds: it was rewritten."""

    default_code = "not_canonical"


class MalformedDocument(VerificationError):
    """The file is not a certificate in a form this platform publishes."""

    default_code = "malformed_document"


class PdfNotVerified(VerificationError):
    """The PDF's signature is missing, broken, does not cover the whole file, or is not by a
    published signer."""

    default_code = "pdf_not_verified"
