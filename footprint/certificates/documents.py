"""The certificate PDF: rendered and PAdES-signed once, at issuance, then served from storage.

The file is named after the public ID in CERTIFICATES_DIR (0700, file 0600) and its SHA-256 is
kept with the certificate, so what a holder downloads years later is byte for byte what was
issued. It is written before the transaction commits: if the commit fails the file stays
behind with no certificate naming it, and nothing ever serves it.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from . import keys, pdf, pdfsign
from .models import Certificate


def verify_url(config: Mapping, public_id: str) -> str:
    return f"{config['PUBLIC_URL'].rstrip('/')}/verify/{public_id}"


def signed_certificate_pdf(certificate: Certificate, config: Mapping) -> bytes:
    url = verify_url(config, certificate.public_id)
    document = pdf.certificate_pdf(certificate.payload, verify_url=url, qr_target=url,
                                   key_fingerprint=keys.fingerprint(certificate.key_id))
    key, cert = pdfsign.issuer_certificate(Path(config["PDF_SIGNING_DIR"]),
                                           config["ISSUER_NAME"])
    return pdfsign.sign_pdf(document, key, cert, reason=f"Certificate {certificate.public_id}",
                            location=config["ISSUER_NAME"])


def store_pdf(certificate: Certificate, config: Mapping) -> None:
    """Render, sign and store the PDF; set pdf_name and pdf_sha256 (written once)."""
    content = signed_certificate_pdf(certificate, config)
    folder = Path(config["CERTIFICATES_DIR"])
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    name = f"{certificate.public_id}.pdf"
    fd, temporary = tempfile.mkstemp(dir=folder, prefix=".pdf-")  # mode 0600
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)
    os.replace(temporary, folder / name)
    certificate.pdf_name = name
    certificate.pdf_sha256 = hashlib.sha256(content).hexdigest()
