"""Issuing certificates, and reading their status. Functions flush; the caller commits; each
change records one audit event.

`issue` is called by footprint.certs.operations.decide when it approves, in the same
transaction, so an approved application always has its certificate (and its issuance event
follows the approval event); a renewal's certificate supersedes the one it renews there too.
The rest of the lifecycle (suspend, restore, withdraw, correct, surveillance) is in
lifecycle.py; `status_of` is how every reader tells the status.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import NamedTuple

from sqlmodel import Session, select

from ..accounts.models import Organisation, Site, User
from ..assessments.models import Assessment
from ..audit.operations import record, snapshot
from ..certs import catalogue
from ..certs.models import Application, ApplicationState
from ..certs.workflow import refuse
from ..products.models import Product
from ..timeutil import utcnow
from . import documents, ids, lifecycle, payload, signing
from .models import Certificate, CertificateStatus


class Correction(NamedTuple):
    """What a correction re-issues: the application's current certificate, and why."""
    of: Certificate
    reason: str


def issuer_of(config: Mapping) -> dict:
    return {"name": config["ISSUER_NAME"], "accreditation": config["ISSUER_ACCREDITATION"],
            "contact": config["ISSUER_CONTACT"]}


def _new_public_id(session: Session, scheme: str, year: int, prefix: str) -> str:
    """A random ID no certificate has (with 2**40 per scheme and year, a repeat is rare)."""
    while True:
        public_id = ids.new_id(scheme, year, prefix)
        if by_public_id(session, public_id) is None:
            return public_id


def issue(session: Session, application: Application, actor, *, config: Mapping,
          today: date | None = None, correction: Correction | None = None) -> Certificate:
    """The signed certificate of an approved application, valid from `today` (UTC date) for
    the scheme's CERT_VALIDITY_YEARS. A correction (lifecycle.correct) signs the application's
    facts as they read now, valid to the last day of the certificate it replaces and under its
    surveillance date. Either supersedes the certificate of the same product (or site) and
    scheme that was current (lifecycle.supersede_previous)."""
    if application.state != ApplicationState.APPROVED:
        raise refuse("not_approved", "only an approved application gets a certificate",
                     state=application.state)
    today = today or utcnow().date()
    get = session.get
    assessment = get(Assessment, application.assessment_id) if application.assessment_id else None
    product = get(Product, application.product_id) if application.product_id else None
    site = get(Site, application.site_id) if application.site_id else None
    years = config["CERT_VALIDITY_YEARS"][application.scheme]
    last_day = correction.of.valid_until if correction else payload.valid_until(today, years)
    public_id = _new_public_id(session, application.scheme, today.year, config["CERT_PREFIX"])
    facts = payload.build(
        application, assessment, product, site, get(Organisation, application.organisation_id),
        get(User, application.evaluator_id) if application.evaluator_id else None,
        get(User, application.decider_id) if application.decider_id else None,
        issuer_of(config), catalogue.get(session, application.criteria_key, {}), today,
        public_id=public_id, last_day=last_day, disclaimer=config["CERT_DISCLAIMER"])
    text, signature, key_id = signing.sign(facts, Path(config["KEYS_DIR"]))
    certificate = Certificate(
        public_id=public_id, application_id=application.id,
        organisation_id=application.organisation_id, product_id=application.product_id,
        site_id=application.site_id, assessment_id=application.assessment_id,
        scheme=application.scheme, status=CertificateStatus.VALID, issued_dt=utcnow(),
        valid_from=today, valid_until=last_day,
        # The stored payload is read back from the signed text: exactly what was signed.
        payload=json.loads(text), payload_canonical=text, signature=signature, key_id=key_id,
        surveillance_due=(correction.of.surveillance_due if correction
                          else payload.surveillance_due(today)))
    documents.store_pdf(certificate, config)
    session.add(certificate)
    session.flush()
    record(session, actor=actor, action="certificate.correct" if correction
           else "certificate.issue", obj=certificate, after=snapshot(certificate))
    lifecycle.supersede_previous(session, certificate, actor,
                                 reason=correction.reason if correction else "")
    return certificate


def status_of(certificate: Certificate, today: date) -> str:
    """The status as of `today`: a valid certificate past its last day is expired."""
    if certificate.status == CertificateStatus.VALID and certificate.valid_until < today:
        return CertificateStatus.EXPIRED
    return certificate.status


def by_public_id(session: Session, public_id: str) -> Certificate | None:
    return session.exec(select(Certificate).where(Certificate.public_id == public_id)).first()


def of_application(session: Session, application_id: int) -> Certificate | None:
    """The application's current certificate: the latest, as a correction supersedes the one
    before it."""
    return session.exec(select(Certificate)
                        .where(Certificate.application_id == application_id)
                        .order_by(Certificate.id.desc())).first()
