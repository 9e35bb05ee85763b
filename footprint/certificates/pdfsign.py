"""The PAdES signature of the certificate PDF, which PDF readers show and check.

The issuer's PDF-signing key and a self-signed X.509 certificate for it are made on first use,
outside the repository: <instance>/keys/pdf-signing/ (or FOOTPRINT_PDF_SIGNING_DIR), the key
file private to its owner (0600). RSA 3072: every PDF reader verifies RSA signatures, not every
one ECDSA, and none Ed25519 (the payload's own signature is Ed25519, separately).
Signing is PAdES baseline B: no timestamp server, because rendering must not reach the network.
"""
from __future__ import annotations

import asyncio
import io
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

KEY_FILE, CERT_FILE = "key.pem", "cert.pem"
KEY_BITS = 3072
VALIDITY = timedelta(days=20 * 365)  # the key outlives every certificate it signs
FIELD_NAME = "Signature1"


def outside_event_loop(function, *args, **kwargs):
    """Call one of pyHanko's synchronous functions. They run their coroutine with asyncio.run,
    which fails in a thread whose event loop is running (a caller inside an async server, or
    Playwright's sync API in the tests): there the call runs in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()


def _write_private(path: Path, data: bytes) -> None:
    """Write `data` to `path` with mode 0600, unless another process got there first: write a
    private temporary file, then link it into place (the link either wins or finds the file)."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.link(temporary, path)
    except FileExistsError:
        pass
    finally:
        os.unlink(temporary)


X509_NAME_MAX = 64  # ub-common-name and ub-organization-name (RFC 5280)


def x509_name_of(issuer_name: str) -> str:
    """The issuer's name as X.509 allows it: a bilingual name "English · 中文" gives its first
    part, and anything longer than 64 characters is cut."""
    return issuer_name.split(" · ")[0].strip()[:X509_NAME_MAX]


def _self_signed(key: rsa.RSAPrivateKey, issuer_name: str) -> x509.Certificate:
    short = x509_name_of(issuer_name)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, short),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, short)])
    now = datetime.now(timezone.utc)
    return (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(minutes=5)).not_valid_after(now + VALIDITY)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(
                digital_signature=True, content_commitment=True, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=False,
                crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                           critical=False)
            .sign(key, hashes.SHA256()))


def issuer_certificate(folder: Path, issuer_name: str):
    """(private key, certificate) of the issuer's PDF signature, made on first use.

    An existing pair is kept as it is, even if the configured name has changed since: PDFs
    already issued name that certificate, and replacing a key is an administrator's decision.
    """
    folder = Path(folder)  # config PDF_SIGNING_DIR
    key_path, cert_path = folder / KEY_FILE, folder / CERT_FILE
    if not key_path.exists():
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
        _write_private(key_path, key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()))
    key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    if not cert_path.exists():
        _write_private(cert_path, _self_signed(key, issuer_name).public_bytes(
            serialization.Encoding.PEM))
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    if cert.public_key().public_numbers() != key.public_key().public_numbers():
        raise ValueError(f"{cert_path} does not belong to the key in {key_path}")
    return key, cert


def _asn1_cert(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def sign_pdf(pdf_bytes: bytes, key, cert: x509.Certificate, *, reason: str,
             location: str) -> bytes:
    """`pdf_bytes` with a PAdES baseline-B signature of the whole file by `key`."""
    signing_key = asn1_keys.PrivateKeyInfo.load(key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    signer = signers.SimpleSigner(signing_cert=_asn1_cert(cert), signing_key=signing_key,
                                  cert_registry=SimpleCertificateStore())
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME, reason=reason, location=location,
        subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256")
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes))
    return outside_event_loop(signers.sign_pdf, writer, metadata, signer=signer).getvalue()


@dataclass
class PdfSignatureCheck:
    intact: bool = False  # the signed bytes hash to the signed digest, the signature is sound
    whole_file: bool = False  # the signature covers every byte of the file
    signer_matches: bool = False  # signed by the trusted certificate (and chains to it)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.intact and self.whole_file and self.signer_matches and not self.problems


def _validation_context(trusted: asn1_x509.Certificate) -> ValidationContext:
    # Offline: the trusted certificate is the only root, nothing is fetched, and a self-signed
    # certificate has no revocation information to look for.
    return ValidationContext(trust_roots=[trusted], allow_fetching=False,
                             revocation_mode="soft-fail")


def check_pdf(pdf_bytes: bytes, trusted_cert: x509.Certificate) -> PdfSignatureCheck:
    """Whether the PDF carries exactly one signature, intact, over the whole file, by
    `trusted_cert`; what is wrong otherwise."""
    check = PdfSignatureCheck()
    try:
        signatures = PdfFileReader(io.BytesIO(pdf_bytes), strict=False).embedded_signatures
    except Exception as error:  # noqa: BLE001  any unreadable file is one problem to report
        check.problems.append(f"not a readable PDF: {error}")
        return check
    if len(signatures) != 1:
        check.problems.append(f"expected one signature, found {len(signatures)}")
        return check
    trusted = _asn1_cert(trusted_cert)
    try:
        status = outside_event_loop(validate_pdf_signature, signatures[0],
                                    _validation_context(trusted))
    except (SignatureValidationError, SigningError, ValueError) as error:
        check.problems.append(f"the signature cannot be validated: {error}")
        return check
    check.intact = bool(status.intact and status.valid)
    check.whole_file = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    check.signer_matches = bool(status.trusted and status.signing_cert.dump() == trusted.dump())
    for ok, problem in ((check.intact, "the signed content was changed or the signature is "
                                       "broken"),
                        (check.whole_file, "the signature does not cover the whole file "
                                           "(something was added after signing)"),
                        (check.signer_matches, "not signed by the trusted certificate")):
        if not ok:
            check.problems.append(problem)
    return check


def verify_pdf_file(path, trusted_cert_pem: bytes) -> tuple[bool, list[str]]:
    """For the offline checker (python -m footprint verify-cert FILE.pdf): (ok, problems)."""
    try:
        pdf_bytes = Path(path).read_bytes()
    except OSError as error:
        return False, [f"cannot read {path}: {error.strerror or error}"]
    check = check_pdf(pdf_bytes, x509.load_pem_x509_certificate(trusted_cert_pem))
    return check.ok, check.problems
