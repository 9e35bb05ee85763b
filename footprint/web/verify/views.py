"""Verify a certificate by its public ID.

An unknown ID and a malformed one get the same 404 (one page, or the same JSON), so the answer tells nothing but "no such certificate". What a certificate says is read
from its signed text, and the signature is checked on every request with the published keys.
The JSON answers carry an ETag and Last-Modified (the last status change) for conditional GETs,
and may be cached for a minute: the payload never changes, the status may.
"""
from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from flask import (abort, current_app, jsonify, make_response, redirect, render_template,
                   request, send_from_directory, url_for)
from flask_babel import gettext as _

from ... import db
from ...certificates import credential, ids, keys, label, pdfsign, signing
from ...certificates.models import Certificate, CertificateStatus
from ...certificates.operations import by_public_id, status_of
from ...timeutil import utcnow
from ..applications.labels import SCHEME_LABELS
from . import bp

CACHE_SECONDS = 60


def _keys_dir() -> Path:
    return Path(current_app.config["KEYS_DIR"])


def _found(public_id: str) -> Certificate | None:
    parsed = ids.parse(public_id)
    return None if parsed is None else by_public_id(db.session(), parsed)


def _not_found():
    """One page for every ID that names no certificate, whatever was asked: nothing of the
    request is echoed (the language switch returns to the form, not to the URL asked)."""
    return make_response(render_template("verify/not_found.html"), 404)


def _certificate_or_404(public_id: str) -> Certificate:
    """The certificate, else the not-found page. An ID that only differs in how it was typed
    (case, spaces, O for 0) is sent to its printed form first."""
    parsed = ids.parse(public_id)
    if parsed is not None and parsed != public_id:
        abort(redirect(url_for(request.endpoint, public_id=parsed), 301))
    certificate = _found(public_id)
    if certificate is None:
        abort(_not_found())
    return certificate


def _last_change(certificate: Certificate) -> datetime:
    moment = certificate.status_dt or certificate.issued_dt
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _cached_json(body: dict, last_modified: datetime | None):
    """A JSON response with an ETag of its body and Last-Modified; 304 when the client has it."""
    response = current_app.response_class(
        json.dumps(body, ensure_ascii=False, sort_keys=True) + "\n", mimetype="application/json")
    response.set_etag(hashlib.sha256(response.get_data()).hexdigest())
    if last_modified is not None:
        response.last_modified = last_modified
    response.cache_control.public = True
    response.cache_control.max_age = CACHE_SECONDS
    return response.make_conditional(request)


def _not_found_json():
    return jsonify(error="not_found", message="no certificate with this ID"), 404


def _today():
    return utcnow().date()


def _issuer_id() -> str:
    """The VC issuer: FOOTPRINT_ISSUER_ID, else this site's URL (set it in production: the
    URL comes from the Host the request names)."""
    return current_app.config["ISSUER_ID"] or request.url_root.rstrip("/")


# --- the page ----------------------------------------------------------------------------------

@bp.get("/verify")
def form():
    """The form to type an ID, and the QR code's landing page: /verify?id=<ID>."""
    typed = request.args.get("id", "").strip()
    if not typed:
        return render_template("verify/form.html", typed="", problem=None)
    parsed = ids.parse(typed)
    if parsed is None:
        problem = _("This is not a certificate ID: check it for a typing error. An ID looks "
                    "like CQ-CFP-2026-7K3M-9XQ2-R.")
        return render_template("verify/form.html", typed=typed, problem=problem), 400
    return redirect(url_for("verify.show", public_id=parsed))


@bp.get("/verify/<public_id>")
def show(public_id: str):
    certificate = _certificate_or_404(public_id)
    session = db.session()
    check = signing.verify(certificate.payload_canonical, certificate.signature,
                           certificate.key_id, keys.public_keys(_keys_dir()))
    successor = (session.get(Certificate, certificate.superseded_by_id)
                 if certificate.superseded_by_id else None)
    return render_template(
        "verify/show.html", certificate=certificate, facts=json.loads(certificate.payload_canonical),
        status=status_of(certificate, _today()), Status=CertificateStatus, check=check,
        fingerprint=keys.fingerprint(certificate.key_id), successor=successor,
        scheme_labels=SCHEME_LABELS)


@bp.get("/verify/<public_id>/certificate.pdf")
def pdf(public_id: str):
    certificate = _certificate_or_404(public_id)
    if not certificate.pdf_name:
        abort(404)
    return send_from_directory(current_app.config["CERTIFICATES_DIR"], certificate.pdf_name,
                               mimetype="application/pdf", max_age=CACHE_SECONDS)


@bp.get("/verify/<public_id>/label.<any(svg, png):fmt>")
def label_artwork(public_id: str, fmt: str):
    """The carbon-label artwork for packaging, drawn from the signed facts."""
    facts = json.loads(_certificate_or_404(public_id).payload_canonical)
    if fmt == "svg":
        body, mimetype = label.label_svg(facts), "image/svg+xml"
    else:
        body, mimetype = label.label_png(facts), "image/png"
    response = make_response(body)
    response.mimetype = mimetype
    response.headers["Content-Disposition"] = f'attachment; filename="{public_id}-label.{fmt}"'
    response.cache_control.public, response.cache_control.max_age = True, CACHE_SECONDS
    return response


@bp.get("/verify/<public_id>/credential.json")
def credential_json(public_id: str):
    certificate = _certificate_or_404(public_id)
    unsecured = credential.document(
        json.loads(certificate.payload_canonical), issuer_id=_issuer_id(),
        credential_id=url_for("verify.show", public_id=certificate.public_id, _external=True))
    secured = credential.secure(unsecured, keys.current(_keys_dir()), _issuer_id())
    return _cached_json(secured, _last_change(certificate))


# --- JSON --------------------------------------------------------------------------------------

@bp.get("/api/v1/certificates/<public_id>")
def api(public_id: str):
    certificate = _found(public_id)
    if certificate is None:
        return _not_found_json()
    body = {
        "status": status_of(certificate, _today()),
        "payload": json.loads(certificate.payload_canonical),
        "payload_canonical": certificate.payload_canonical,
        "signature": certificate.signature,
        "key_id": certificate.key_id,
        "pdf_url": (url_for("verify.pdf", public_id=certificate.public_id, _external=True)
                    if certificate.pdf_name else None),
    }
    return _cached_json(body, _last_change(certificate))


@bp.get("/.well-known/footprint-keys.json")
def published_keys():
    every = keys.all_keys(_keys_dir())
    changed = max(key.retired or key.created for key in every)
    return _cached_json({"keys": [key.published() for key in every],
                         "pdf_signers": [_pdf_signer()]}, changed)


def _pdf_signer() -> dict:
    """The certificate that PAdES-signs the certificate PDFs, so a PDF checks offline too."""
    _, cert = pdfsign.issuer_certificate(Path(current_app.config["PDF_SIGNING_DIR"]),
                                         current_app.config["ISSUER_NAME"])
    return {"certificate": cert.public_bytes(serialization.Encoding.PEM).decode("ascii"),
            "sha256": cert.fingerprint(hashes.SHA256()).hex()}
