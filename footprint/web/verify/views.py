"""Verify a certificate by its public ID.

An unknown ID and a malformed one get the same 404 (one page, or the same JSON), so the answer
tells nothing but "no such certificate". What a certificate says is read from its signed text,
and the signature is checked against the published keys; the verdict is remembered in the
process per certificate, signed text, signature and published key (none of which ever changes),
while the status is read from the database on every request.
The page and the JSON carry an ETag and Last-Modified (the last change of status) for
conditional GETs, and may be cached for a minute (VERIFY_MAX_AGE): the payload never changes, the
status may. Their bodies are remembered in the process (remembered.py) by everything they are
made of, the status read from the database on this request among it, so a change of status shows
at once in every worker; a 304 is answered without building the body. The page is remembered
only for visitors without a cookie (no session, not logged in: the page is the same for all of
them) and never sets one. The PDF and the label artwork never change: cached for a year,
immutable.
"""
from __future__ import annotations

import hashlib
import json
import os
import threading
from collections import OrderedDict
from datetime import datetime, time, timedelta, timezone
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from sqlalchemy import Row, bindparam, select
from flask import (abort, current_app, jsonify, make_response, redirect, render_template,
                   request, send_from_directory, url_for)
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.http import http_date, quote_etag

from ... import db
from ...certificates import credential, ids, keys, label, pdfsign, signing
from ...certificates.models import Certificate, CertificateStatus
from ...certificates.operations import status_of
from ...timeutil import utcnow
from ..applications.labels import SCHEME_LABELS
from . import bp
from .remembered import Answer, Remembered

CACHE_SECONDS = 60  # the status may change: a client or proxy asks again after a minute
IMMUTABLE_SECONDS = 365 * 24 * 3600  # the PDF and the label never change
ANSWERS_SIZE = 4096
_answers = Remembered(ANSWERS_SIZE)  # page and JSON bodies, see remembered.py


def _keys_dir() -> Path:
    return Path(current_app.config["KEYS_DIR"])


# One query on the unique index of public_id; the payload is read from its signed text
# (payload_canonical), so its JSON copy (`payload`) is left unread. Built once: making the
# statement cost about as much as running it, on every request of the busiest public page.
# A Core query on a connection of its own, not the ORM session: these pages only read, and
# loading an ORM object cost a fifth of the answer.
_COLUMNS = [column for column in Certificate.__table__.columns if column.name != "payload"]
_BY_PUBLIC_ID = (select(*_COLUMNS)
                 .where(Certificate.__table__.c.public_id == bindparam("public_id")))


def _found(public_id: str) -> Row | None:
    """The certificate's row: its columns by name, as a Certificate has them (read-only)."""
    parsed = ids.parse(public_id)
    return None if parsed is None else _row(parsed)


def _row(parsed: str) -> Row | None:
    """_found of an ID already in its printed form (ids.parse)."""
    with current_app.extensions["db_engine"].connect() as connection:
        return connection.execute(_BY_PUBLIC_ID, {"public_id": parsed}).first()


# --- the signature check, remembered --------------------------------------------------------------
# A certificate's signed text, signature and key never change, and a published key file never
# changes once written (keys.py links it into place whole; rotation adds files, removes none).
# So the verdict of one check holds as long as the same text, signature and published key are
# looked at: it is remembered per (certificate, key_id, published key, text, signature), in this
# process, for at most VERIFIED_CACHE_SIZE certificates. The published keys themselves are read
# again whenever the keys folder's listing changes (a file added, removed or replaced). What may
# change - the status, its reason and date - is read from the database on every request and is
# never part of what is remembered.

VERIFIED_CACHE_SIZE = 4096
_cache_lock = threading.Lock()
_keys_seen: dict[str, tuple[tuple, list[dict]]] = {}  # keys dir -> (listing, published keys)
_verified: OrderedDict[tuple, signing.VerifyResult] = OrderedDict()


def _keys_listing(directory: Path) -> tuple:
    """What identifies the key files now: name, inode, size and modification time of each."""
    try:
        entries = sorted((e.name, e.inode(), e.stat().st_size, e.stat().st_mtime_ns)
                         for e in os.scandir(directory)
                         if e.name.startswith("ed25519-") and e.name.endswith(".pem"))
    except FileNotFoundError:
        return ()
    return tuple(entries)


def _published_keys() -> list[dict]:
    """keys.public_keys(KEYS_DIR), read again only when the folder's key files changed. The
    listing is taken before reading, so a key added meanwhile makes the next request read again."""
    directory = _keys_dir()
    listing = _keys_listing(directory)
    seen = _keys_seen.get(str(directory))
    if listing and seen is not None and seen[0] == listing:
        return seen[1]
    published = keys.public_keys(directory)  # creates the first key if there is none
    with _cache_lock:
        _keys_seen[str(directory)] = (listing, published)
    return published


def _check_signature(certificate: Certificate) -> signing.VerifyResult:
    """signing.verify of the certificate against the published keys, remembered (see above)."""
    published = _published_keys()
    entry = next((k for k in published if k.get("key_id") == certificate.key_id), None)
    cache_key = (certificate.id, certificate.key_id,
                 None if entry is None else entry.get("public_key"),
                 hashlib.sha256(certificate.payload_canonical.encode("utf-8")).digest(),
                 certificate.signature)
    with _cache_lock:
        known = _verified.get(cache_key)
        if known is not None:
            _verified.move_to_end(cache_key)
            return known
    check = signing.verify(certificate.payload_canonical, certificate.signature,
                           certificate.key_id, published)
    with _cache_lock:
        _verified[cache_key] = check
        while len(_verified) > VERIFIED_CACHE_SIZE:
            _verified.popitem(last=False)
    return check


def _not_found():
    """One page for every ID that names no certificate, whatever was asked: nothing of the
    request is echoed (the language switch returns to the form, not to the URL asked)."""
    return make_response(render_template("verify/not_found.html"), 404)


def _certificate_or_404(public_id: str) -> Row:
    """The certificate, else the not-found page. An ID that only differs in how it was typed
    (case, spaces, O for 0) is sent to its printed form first."""
    parsed = ids.parse(public_id)
    if parsed is not None and parsed != public_id:
        abort(redirect(url_for(request.endpoint, public_id=parsed), 301))
    certificate = None if parsed is None else _row(parsed)
    if certificate is None:
        abort(_not_found())
    return certificate


def _last_change(certificate: Certificate, status: str | None = None) -> datetime:
    """When the answer last changed: the last status change, or the day after the last valid day
    for a certificate that expired since (its stored status did not change, its shown one did)."""
    moment = certificate.status_dt or certificate.issued_dt
    moment = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    if status == CertificateStatus.EXPIRED:
        expired = datetime.combine(certificate.valid_until + timedelta(days=1), time(),
                                   tzinfo=timezone.utc)
        moment = max(moment, expired)
    return moment


def _state(certificate: Certificate, status: str) -> tuple:
    """What an answer about the certificate is made of, apart from the request: its signed text
    (by hash), signature and key, and what may change, as read from the database just now."""
    return (certificate.id, certificate.public_id,
            hashlib.sha256(certificate.payload_canonical.encode("utf-8")).digest(),
            certificate.signature, certificate.key_id, status, certificate.status,
            certificate.status_reason, certificate.status_dt, certificate.restore_until,
            certificate.superseded_by_id, certificate.pdf_name, certificate.lock_version)


def _answer(body: str | bytes) -> Answer:
    data = body.encode("utf-8") if isinstance(body, str) else body
    return Answer(hashlib.sha256(data).hexdigest(), data)


def _conditional(answer: Answer, mimetype: str, last_modified: datetime | None,
                 max_age: int = CACHE_SECONDS, vary: str | None = None):
    """The remembered answer with its ETag and Last-Modified; 304 when the client has it.
    (Headers given whole: werkzeug's header properties parse and rebuild each one.)"""
    headers = {"ETag": quote_etag(answer.etag),
               "Cache-Control": f"public, max-age={max_age}"}
    if last_modified is not None:
        headers["Last-Modified"] = http_date(last_modified)
    if vary:
        headers["Vary"] = vary
    response = current_app.response_class(answer.body, mimetype=mimetype, headers=headers)
    return response.make_conditional(request)


def _without_cookies() -> bool:
    """The request carries no cookie of this site: no session, no login, no flashed message.
    Every such visitor sees the same page (in their language)."""
    return not request.cookies


def _json_text(body: dict) -> str:
    return json.dumps(body, ensure_ascii=False, sort_keys=True) + "\n"


def _cached_json(body: dict, last_modified: datetime | None):
    """A JSON response with an ETag of its body and Last-Modified; 304 when the client has it."""
    return _conditional(_answer(_json_text(body)), "application/json", last_modified)


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
    check = _check_signature(certificate)
    status = status_of(certificate, _today())
    if not _without_cookies():  # a session or a login: this visitor's own page, not remembered
        return _render_page(certificate, check, status)
    key = ("page", str(get_locale()), _state(certificate, status), check.valid,
           check.error.code if check.error else None)
    answer = _answers.get(key) or _answers.put(key, _answer(_render_page(certificate, check,
                                                                          status)))
    return _conditional(answer, "text/html", _last_change(certificate, status),
                        vary="Accept-Language, Cookie")


def _render_page(certificate: Certificate, check: signing.VerifyResult, status: str) -> str:
    successor = (db.session().get(Certificate, certificate.superseded_by_id)
                 if certificate.superseded_by_id else None)
    return render_template(
        "verify/show.html", certificate=certificate, facts=json.loads(certificate.payload_canonical),
        status=status, Status=CertificateStatus, check=check,
        fingerprint=keys.fingerprint(certificate.key_id), successor=successor,
        scheme_labels=SCHEME_LABELS)


@bp.get("/verify/<public_id>/certificate.pdf")
def pdf(public_id: str):
    certificate = _certificate_or_404(public_id)
    if not certificate.pdf_name:
        abort(404)
    response = send_from_directory(current_app.config["CERTIFICATES_DIR"], certificate.pdf_name,
                                   mimetype="application/pdf", max_age=IMMUTABLE_SECONDS)
    response.cache_control.public = response.cache_control.immutable = True
    return response


@bp.get("/verify/<public_id>/label.<any(svg, png):fmt>")
def label_artwork(public_id: str, fmt: str):
    """The carbon-label artwork for packaging, drawn from the signed facts: it never changes,
    so it is drawn once a process and may be cached for a year."""
    certificate = _certificate_or_404(public_id)
    key = ("label", fmt, certificate.id,
           hashlib.sha256(certificate.payload_canonical.encode("utf-8")).digest())
    answer = _answers.get(key)
    if answer is None:
        facts = json.loads(certificate.payload_canonical)
        answer = _answers.put(key, _answer(label.label_svg(facts) if fmt == "svg"
                                           else label.label_png(facts)))
    response = _conditional(answer, "image/svg+xml" if fmt == "svg" else "image/png",
                            certificate.issued_dt, max_age=IMMUTABLE_SECONDS)
    response.cache_control.immutable = True
    response.headers["Content-Disposition"] = f'attachment; filename="{public_id}-label.{fmt}"'
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
    status = status_of(certificate, _today())
    key = ("json", request.host_url, _state(certificate, status))  # the URLs name the host
    answer = _answers.get(key)
    if answer is None:
        answer = _answers.put(key, _answer(_json_text({
            "status": status,
            "payload": json.loads(certificate.payload_canonical),
            "payload_canonical": certificate.payload_canonical,
            "signature": certificate.signature,
            "key_id": certificate.key_id,
            "pdf_url": (url_for("verify.pdf", public_id=certificate.public_id, _external=True)
                        if certificate.pdf_name else None),
            "superseded_by": _successor_url(certificate),
        })))
    return _conditional(answer, "application/json", _last_change(certificate, status))


def _successor_url(certificate: Certificate) -> str | None:
    """The verify URL of the certificate that replaced this one (a renewal or correction)."""
    if certificate.superseded_by_id is None:
        return None
    successor = db.session().get(Certificate, certificate.superseded_by_id)
    return url_for("verify.show", public_id=successor.public_id, _external=True)


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
