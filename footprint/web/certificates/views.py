"""Certificates after issue: the holder's and the certifiers' lists, and the management page
(status, history, links; for certifiers of other organisations the lifecycle forms).

Every certificate is loaded for VIEW through the access policy (holders: their organisation's;
certifiers: other organisations'). What a certifier may then do is the lifecycle's rule
(footprint.certificates.lifecycle), refused by the operation itself and shown as a message.
"""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import select

from ... import db
from ...accounts.models import Site, User
from ...accounts.roles import Role
from ...audit.operations import events_of
from ...certificates import lifecycle
from ...certificates.lifecycle import CURRENT
from ...certificates.models import Certificate, CertificateStatus
from ...certificates.operations import status_of
from ...errors import ChangedMeanwhile, InputError, NotAllowed
from ...products.models import Product
from ...timeutil import utcnow
from ..access import load, role_required
from ..fields import posted_lock_version
from . import bp
from .forms import ReasonForm, SurveillanceForm, SuspendForm
from .labels import CERTIFICATE_STATUS_LABELS, context, lifecycle_message


@bp.app_context_processor
def _labels():
    return context()


# The page's forms, by the operation they post to; each has its prefix (several ask a reason).
FORMS = {"suspend": SuspendForm, "restore": ReasonForm, "withdraw": ReasonForm,
         "correct": ReasonForm, "surveillance": SurveillanceForm}


def _form(name: str):
    return FORMS[name](prefix=name)


def _today():
    return utcnow().date()


def _subjects(certificates) -> dict:
    """What each certificate is about (the product's name, or the site's), by certificate id."""
    session = db.session()
    names = {}
    for certificate in certificates:
        subject = (session.get(Product, certificate.product_id) if certificate.product_id
                   else session.get(Site, certificate.site_id))
        names[certificate.id] = subject.name if subject else ""
    return names


# --- lists ---------------------------------------------------------------------------------------

@bp.get("/certificates")
@role_required(Role.APPLICANT, Role.CERTIFIER)
def index():
    session, today = db.session(), _today()
    status = request.args.get("status")
    status = status if status in CERTIFICATE_STATUS_LABELS else None
    if current_user.role == Role.APPLICANT:
        certificates = lifecycle.certificates_of(session, current_user.organisation_id)
    else:
        certificates = lifecycle.certificates_for_certifier(session, current_user, today,
                                                            status=status)
    return render_template(
        "certificates/index.html", certificates=certificates, subjects=_subjects(certificates),
        statuses={c.id: status_of(c, today) for c in certificates}, status=status,
        overdue={c.id for c in certificates if lifecycle.surveillance_overdue(c, today)},
        soon={c.id for c in certificates if lifecycle.surveillance_soon(c, today)})


# --- the management page -------------------------------------------------------------------------

@bp.get("/certificates/<int:certificate_id>")
@role_required(Role.APPLICANT, Role.CERTIFIER)
def show(certificate_id: int):
    return _page(load(Certificate, certificate_id))


def _page(certificate: Certificate):
    session, today = db.session(), _today()
    status = status_of(certificate, today)
    history = events_of(session, "certificate", certificate.id)
    actors = {e.actor_id for e in history if e.actor_id is not None}
    certifier = current_user.role == Role.CERTIFIER
    return render_template(
        "certificates/show.html", certificate=certificate, status=status, Status=CertificateStatus,
        subject=_subjects([certificate])[certificate.id], history=history,
        users={u.id: u.name for u in (session.get(User, i) for i in actors) if u is not None},
        successor=(session.get(Certificate, certificate.superseded_by_id)
                   if certificate.superseded_by_id else None),
        replaced=list(session.exec(select(Certificate).where(
            Certificate.superseded_by_id == certificate.id).order_by(Certificate.id))),
        overdue=lifecycle.surveillance_overdue(certificate, today), today=today,
        restorable=(status == CertificateStatus.SUSPENDED and certificate.restore_until is not None
                    and today <= certificate.restore_until),
        current=status in CURRENT, certifier=certifier,
        restore_days=current_app.config["CERT_RESTORE_DAYS"],
        forms={name: _form(name) for name in FORMS})


# --- certifiers: the lifecycle -------------------------------------------------------------------

def _act(certificate_id: int, name: str, do, done: str):
    """Validate the form, run the operation, commit, and say what happened (or why not); back
    to the page of the certificate the operation returns (a correction's is the new one)."""
    certificate = load(Certificate, certificate_id)
    session = db.session()
    form = _form(name)
    if not form.validate_on_submit():
        problems = [f"{form[name].label.text}: {error}"
                    for name, errors in form.errors.items() for error in errors]
        flash(_("Not done: %(problems)s", problems="; ".join(problems)), "error")
        return redirect(url_for(".show", certificate_id=certificate_id))
    try:
        result = do(session, certificate, form, posted_lock_version(certificate.lock_version))
    except (NotAllowed, ChangedMeanwhile, InputError) as error:
        session.rollback()
        flash(lifecycle_message(error), "error")
        return redirect(url_for(".show", certificate_id=certificate_id))
    session.commit()
    flash(done, "success")
    return redirect(url_for(".show", certificate_id=result.id))


@bp.post("/certificates/<int:certificate_id>/suspend")
@role_required(Role.CERTIFIER)
def suspend(certificate_id: int):
    return _act(certificate_id, "suspend", lambda s, c, form, lock: lifecycle.suspend(
        s, current_user, c, reason=form.reason.data, restore_days=form.restore_days.data,
        lock_version=lock), _("Certificate suspended."))


@bp.post("/certificates/<int:certificate_id>/restore")
@role_required(Role.CERTIFIER)
def restore(certificate_id: int):
    return _act(certificate_id, "restore", lambda s, c, form, lock: lifecycle.restore(
        s, current_user, c, reason=form.reason.data, lock_version=lock),
        _("Certificate restored."))


@bp.post("/certificates/<int:certificate_id>/withdraw")
@role_required(Role.CERTIFIER)
def withdraw(certificate_id: int):
    return _act(certificate_id, "withdraw", lambda s, c, form, lock: lifecycle.withdraw(
        s, current_user, c, reason=form.reason.data, lock_version=lock),
        _("Certificate withdrawn."))


@bp.post("/certificates/<int:certificate_id>/correct")
@role_required(Role.CERTIFIER)
def correct(certificate_id: int):
    return _act(certificate_id, "correct", lambda s, c, form, lock: lifecycle.correct(
        s, current_user, c, reason=form.reason.data, config=current_app.config,
        lock_version=lock), _("Corrected certificate issued; the old one is superseded."))


@bp.post("/certificates/<int:certificate_id>/surveillance")
@role_required(Role.CERTIFIER)
def surveillance(certificate_id: int):
    return _act(certificate_id, "surveillance", lambda s, c, form, lock:
                lifecycle.record_surveillance(s, current_user, c,
                                              outcome_note=form.outcome_note.data,
                                              lock_version=lock),
                _("Surveillance recorded."))
