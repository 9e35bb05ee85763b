"""What happens to a certificate after issue: suspension (restorable until a deadline),
restoration, withdrawal, lapse of an unrestored suspension into withdrawal, supersession by a
renewal or a correction, and the yearly surveillance.

Each operation is a certifier's, never of the holder's own organisation (the impartiality rule
of the applications), checks in a fixed order (role, organisation, status, then its input),
moves the row's lock_version on with one conditional UPDATE (two simultaneous changes: the
second gets ChangedMeanwhile), changes the status columns only (what was signed never changes:
models._refuse_signed_changes) and records one audit event. Functions flush; the caller commits.

Overdue surveillance is shown to the holder and the certifiers, not acted on: suspending is a
certifier's judgement (standards.md 5.1: certificates "can be suspended or withdrawn"), so no
certificate is suspended automatically. An unrestored suspension does lapse automatically: its
deadline was set, and told to the holder, when it was suspended.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from flask import current_app
from sqlmodel import Session, select

from ..accounts.roles import Role
from ..audit.operations import record, snapshot
from ..certs.models import Application, Scheme
from ..certs.workflow import refuse
from ..errors import InputError, Location
from ..products.operations import _take_lock
from ..timeutil import utcnow
from . import operations, payload
from .models import Certificate, CertificateStatus as Status

# The statuses in which a certificate still counts (a renewal or correction replaces it).
CURRENT = frozenset({Status.VALID, Status.SUSPENDED})
MAX_RESTORE_DAYS = 365
REASON_MAX = 4000  # the status_reason column
SURVEILLANCE_SOON_DAYS = 30  # the certifiers' list shows these first, with the overdue ones


# --- rules ---------------------------------------------------------------------------------------

def _check_certifier(actor, certificate: Certificate, operation: str) -> None:
    if actor is None or not actor.is_enabled:
        raise refuse("disabled", "no enabled user")
    if actor.role != Role.CERTIFIER:
        raise refuse("wrong_role", f"only a certifier may {operation} a certificate",
                     role=str(Role.CERTIFIER), transition=operation)
    if actor.organisation_id == certificate.organisation_id:
        raise refuse("own_organisation", "a certifier never handles a certificate of their own "
                     "organisation")


def _check_status(certificate: Certificate, today: date, allowed: frozenset, operation: str):
    status = operations.status_of(certificate, today)
    if status not in allowed:
        raise refuse("wrong_state", f"not possible while the certificate is {status}",
                     state=str(status), transition=operation)


def _text(value: str | None, field: str, code: str, what: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InputError(f"give the {what}", code=code, location=Location(field=field))
    if len(value) > REASON_MAX:
        raise InputError(f"at most {REASON_MAX} characters", code="text_too_long",
                         location=Location(field=field), max=REASON_MAX)
    return value


def _reason(reason: str | None) -> str:
    return _text(reason, "reason", "reason_required", "reason")


def _restore_days(days: int | None) -> int:
    days = current_app.config["CERT_RESTORE_DAYS"] if days is None else days
    if not 1 <= days <= MAX_RESTORE_DAYS:
        raise InputError(f"from 1 to {MAX_RESTORE_DAYS} days", code="restore_days_out_of_range",
                         location=Location(field="restore_days"), max=MAX_RESTORE_DAYS)
    return days


# --- the one way a certificate changes -----------------------------------------------------------

def _change(session: Session, actor, certificate: Certificate, action: str,
            lock_version: int | None, *, noted: dict | None = None, **fields) -> Certificate:
    """Lock, set the status columns, flush, and record the one audit event (`noted`: what the
    event keeps beside the certificate's fields, e.g. a surveillance's outcome)."""
    before = snapshot(certificate)
    _take_lock(session, Certificate, certificate,
               certificate.lock_version if lock_version is None else lock_version)
    for key, value in fields.items():
        setattr(certificate, key, value)
    session.add(certificate)
    session.flush()
    record(session, actor=actor, action=action, obj=certificate, before=before,
           after={**snapshot(certificate), **(noted or {})})
    return certificate


def _status_change(session: Session, actor, certificate: Certificate, action: str,
                   lock_version: int | None, status: Status, reason: str,
                   restore_until: date | None = None, **fields) -> Certificate:
    return _change(session, actor, certificate, action, lock_version, status=status,
                   status_reason=reason, status_dt=utcnow(), restore_until=restore_until,
                   **fields)


# --- certifiers: suspend, restore, withdraw, correct, surveillance -------------------------------

def suspend(session: Session, actor, certificate: Certificate, *, reason: str,
            restore_days: int | None = None, today: date | None = None,
            lock_version: int | None = None) -> Certificate:
    """Suspend a valid certificate: it may be restored up to and including today +
    restore_days (CERT_RESTORE_DAYS when not given), after which it lapses (is withdrawn)."""
    today = today or utcnow().date()
    _check_certifier(actor, certificate, "suspend")
    _check_status(certificate, today, frozenset({Status.VALID}), "suspend")
    reason, days = _reason(reason), _restore_days(restore_days)
    return _status_change(session, actor, certificate, "certificate.suspend", lock_version,
                          Status.SUSPENDED, reason, restore_until=today + timedelta(days=days))


def restore(session: Session, actor, certificate: Certificate, *, reason: str,
            today: date | None = None, lock_version: int | None = None) -> Certificate:
    """Lift a suspension, on or before its restore_until date."""
    today = today or utcnow().date()
    _check_certifier(actor, certificate, "restore")
    _check_status(certificate, today, frozenset({Status.SUSPENDED}), "restore")
    if certificate.restore_until is not None and today > certificate.restore_until:
        raise refuse("restore_deadline_passed", "the suspension could be lifted up to "
                     f"{certificate.restore_until.isoformat()} only",
                     restore_until=certificate.restore_until.isoformat())
    return _status_change(session, actor, certificate, "certificate.restore", lock_version,
                          Status.VALID, _reason(reason))


def withdraw(session: Session, actor, certificate: Certificate, *, reason: str,
             today: date | None = None, lock_version: int | None = None) -> Certificate:
    """Withdraw a valid or suspended certificate, for good."""
    today = today or utcnow().date()
    _check_certifier(actor, certificate, "withdraw")
    _check_status(certificate, today, CURRENT, "withdraw")
    return _status_change(session, actor, certificate, "certificate.withdraw", lock_version,
                          Status.WITHDRAWN, _reason(reason))


def correct(session: Session, actor, certificate: Certificate, *, reason: str,
            config: Mapping, today: date | None = None,
            lock_version: int | None = None) -> Certificate:
    """Re-issue a valid certificate's application with the data as it reads now (the holder's
    new name, say): a new certificate (new public ID, new signature) valid to the same last day,
    under the same surveillance date, which supersedes this one. Returns the new certificate.
    A suspended certificate is restored or withdrawn first: a correction never lifts a
    suspension."""
    today = today or utcnow().date()
    _check_certifier(actor, certificate, "correct")
    _check_status(certificate, today, frozenset({Status.VALID}), "correct")
    reason = _reason(reason)
    # The posted version is checked here; supersession then takes the lock as it stands.
    _take_lock(session, Certificate, certificate,
               certificate.lock_version if lock_version is None else lock_version)
    application = session.get(Application, certificate.application_id)
    return operations.issue(session, application, actor, config=config, today=today,
                            correction=operations.Correction(certificate, reason))


def record_surveillance(session: Session, actor, certificate: Certificate, *,
                        outcome_note: str, today: date | None = None,
                        lock_version: int | None = None) -> Certificate:
    """Record the yearly surveillance: the next is due 12 months after the one recorded; none
    when that falls after the last valid day (renewal, not surveillance, comes next)."""
    today = today or utcnow().date()
    _check_certifier(actor, certificate, "record surveillance of")
    _check_status(certificate, today, CURRENT, "record_surveillance")
    if certificate.surveillance_due is None:
        raise refuse("no_surveillance_due", "no surveillance is due before this certificate "
                     "ends")
    note = _text(outcome_note, "outcome_note", "outcome_note_required", "outcome")
    following = payload.surveillance_due(certificate.surveillance_due)
    return _change(session, actor, certificate, "certificate.surveillance", lock_version,
                   noted={"surveillance_note": note, "surveillance_done": today.isoformat()},
                   surveillance_due=following if following <= certificate.valid_until else None)


# --- the platform: supersession on issue, lapse of suspensions -----------------------------------

def _current_of_subject(session: Session, certificate: Certificate) -> list[Certificate]:
    """The other certificates of the same product (site, for a site scheme) and scheme that
    still count on the day `certificate` starts."""
    subject = (Certificate.product_id == certificate.product_id
               if Scheme(certificate.scheme).is_product_scheme
               else Certificate.site_id == certificate.site_id)
    candidates = session.exec(select(Certificate).where(
        subject, Certificate.scheme == certificate.scheme, Certificate.id != certificate.id,
        Certificate.status.in_(CURRENT)).order_by(Certificate.id))
    return [c for c in candidates
            if operations.status_of(c, certificate.valid_from) in CURRENT]


def supersede_previous(session: Session, new_certificate: Certificate, actor, *,
                       reason: str = "") -> list[Certificate]:
    """Called by operations.issue once the new certificate is flushed: the certificate it
    renews or corrects (valid or suspended, of the same product or site and scheme) is
    superseded by it, so one certificate at most counts for a subject and scheme. `reason`: a
    correction's; a renewal says which certificate renewed it."""
    superseded = []
    for old in _current_of_subject(session, new_certificate):
        superseded.append(_status_change(
            session, actor, old, "certificate.supersede", None, Status.SUPERSEDED,
            reason or f"renewed by {new_certificate.public_id}",
            superseded_by_id=new_certificate.id))
    return superseded


def lapse_suspensions(session: Session, today: date) -> list[Certificate]:
    """Withdraw every suspension not restored by its restore_until date (run daily: `python -m
    footprint certificates lapse`). The platform acts: the events have no actor."""
    lapsed = session.exec(select(Certificate).where(
        Certificate.status == Status.SUSPENDED, Certificate.restore_until < today)
        .order_by(Certificate.id)).all()
    return [_status_change(session, None, certificate, "certificate.lapse", None,
                           Status.WITHDRAWN,
                           f"not restored by {certificate.restore_until.isoformat()}")
            for certificate in lapsed]


# --- reads ---------------------------------------------------------------------------------------

def surveillance_overdue(certificate: Certificate, today: date) -> bool:
    return (certificate.surveillance_due is not None and certificate.surveillance_due < today
            and operations.status_of(certificate, today) in CURRENT)


def surveillance_soon(certificate: Certificate, today: date) -> bool:
    """Overdue, or due within SURVEILLANCE_SOON_DAYS."""
    return (certificate.surveillance_due is not None
            and certificate.surveillance_due <= today + timedelta(days=SURVEILLANCE_SOON_DAYS)
            and operations.status_of(certificate, today) in CURRENT)


def _with_status(query, status: str | None, today: date):
    """Only the certificates with that status as of today (expired is read from valid_until)."""
    if status == Status.EXPIRED:
        return query.where(Certificate.status == Status.VALID, Certificate.valid_until < today)
    if status == Status.VALID:
        return query.where(Certificate.status == Status.VALID, Certificate.valid_until >= today)
    return query.where(Certificate.status == status) if status else query


def certificates_of(session: Session, organisation_id: int) -> list[Certificate]:
    """The holder's certificates, newest first."""
    return list(session.exec(select(Certificate)
                             .where(Certificate.organisation_id == organisation_id)
                             .order_by(Certificate.id.desc())))


def certificates_for_certifier(session: Session, certifier, today: date, *,
                               status: str | None = None) -> list[Certificate]:
    """Other organisations' certificates (with that status as of today, if given): those whose
    surveillance is overdue or due soon first, soonest due first; then the rest, newest first."""
    query = _with_status(select(Certificate).where(
        Certificate.organisation_id != certifier.organisation_id), status, today)
    found = list(session.exec(query.order_by(Certificate.id.desc())))
    soon = sorted((c for c in found if surveillance_soon(c, today)),
                  key=lambda c: (c.surveillance_due, c.id))
    return soon + [c for c in found if not surveillance_soon(c, today)]
