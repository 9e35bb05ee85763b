"""Evidence routes: attach a file to a criterion of a draft or to a finding's answer, remove it
from a draft, and download it.

Every object is loaded through the access policy (footprint.access: the applicant's organisation,
and certifiers of other organisations once the application is submitted); what may be attached
when is the operations' rule, refused with a message on the application page. Files are served
as attachments only, with the type detected on upload, never sniffed or run by the browser.
"""
from __future__ import annotations

from flask import current_app, flash, redirect, request, send_from_directory, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ... import db
from ...access import Action
from ...accounts.roles import Role
from ...certs import evidence as evidence_ops
from ...certs.evidence import Evidence
from ...certs.models import Application, Finding
from ...certs.operations import latest_version
from ...errors import FootprintError, InputError, NotAllowed
from ..access import load, role_required
from ..applications.views import criteria_of
from . import bp
from .forms import EvidenceForm, FindingEvidenceForm, RemoveEvidenceForm
from .labels import evidence_message

# Room for the multipart framing and the other fields around the file: a file just over the cap
# still reaches the operation, which says so in words; much more is a 413.
FORM_OVERHEAD = 64 * 1024


@bp.url_value_preprocessor
def _allow_evidence_sized_requests(_endpoint, _values):
    """The app's request cap is for forms and spreadsheets; evidence routes take files up to
    EVIDENCE_MAX_BYTES. Set here because URL value preprocessors run before every
    before_request function, and the app's (CSRF, NUL check) already read the form."""
    request.max_content_length = current_app.config["EVIDENCE_MAX_BYTES"] + FORM_OVERHEAD


def _store_options() -> dict:
    return {"store_dir": current_app.config["EVIDENCE_DIR"],
            "max_bytes": current_app.config["EVIDENCE_MAX_BYTES"]}


def _back(application_id: int, anchor: str):
    return redirect(url_for("applications.show", application_id=application_id,
                            _anchor=anchor))


def _attach(attach, form, application_id: int, anchor: str, done: str):
    """Run one attaching operation on the posted file; commit, or roll back and say why."""
    if not form.validate_on_submit():
        flash(_("Choose a file to attach."), "error")
        return _back(application_id, anchor)
    upload = form.file.data
    session = db.session()
    try:
        attach(session, upload.stream, upload.filename)
    except (InputError, NotAllowed) as error:
        session.rollback()
        flash(evidence_message(error), "error")
        return _back(application_id, anchor)
    session.commit()
    flash(done, "success")
    return _back(application_id, anchor)


@bp.post("/applications/<int:application_id>/evidence")
@role_required(Role.APPLICANT)
def add(application_id: int):
    application = load(Application, application_id)
    form = EvidenceForm()
    item_id = form.item_id.data or ""
    return _attach(
        lambda session, stream, filename: evidence_ops.add_evidence(
            session, current_user, application, criteria=criteria_of(application),
            item_id=item_id, upload_stream=stream, filename=filename, **_store_options()),
        form, application.id, f"item-{item_id}", _("Evidence attached."))


@bp.post("/findings/<int:finding_id>/evidence")
@role_required(Role.APPLICANT)
def add_to_finding(finding_id: int):
    finding = load(Finding, finding_id)
    session = db.session()
    application = latest_version(session, session.get(Application, finding.application_id))
    return _attach(
        lambda session, stream, filename: evidence_ops.add_finding_evidence(
            session, current_user, finding, upload_stream=stream, filename=filename,
            **_store_options()),
        FindingEvidenceForm(), application.id, f"finding-{finding.id}",
        _("Evidence attached to the answer."))


@bp.post("/evidence/<int:evidence_id>/delete")
@role_required(Role.APPLICANT)
def remove(evidence_id: int):
    evidence = load(Evidence, evidence_id, Action.EDIT)
    application_id, anchor = evidence.application_id, f"item-{evidence.item_id}"
    if not RemoveEvidenceForm().validate_on_submit():
        flash(_("The form expired: try again."), "error")
        return _back(application_id, anchor)
    session = db.session()
    try:
        evidence_ops.remove_evidence(session, current_user, evidence,
                                     store_dir=current_app.config["EVIDENCE_DIR"])
    except FootprintError as error:
        session.rollback()
        flash(evidence_message(error), "error")
        return _back(application_id, anchor)
    session.commit()
    flash(_("Evidence removed."), "success")
    return _back(application_id, anchor)


@bp.get("/evidence/<int:evidence_id>")
@role_required(Role.APPLICANT, Role.CERTIFIER)
def download(evidence_id: int):
    evidence = load(Evidence, evidence_id)
    # as_attachment with a non-ASCII name gives filename*=UTF-8''... (RFC 5987) and an ASCII
    # fallback; the stored name is ours (hex), so the folder join cannot leave the folder.
    response = send_from_directory(
        current_app.config["EVIDENCE_DIR"], evidence.stored_name, mimetype=evidence.media_type,
        as_attachment=True, download_name=evidence.filename, etag=evidence.sha256)
    response.headers["X-Content-Type-Options"] = "nosniff"
    # Opened in a tab anyway (a PDF viewer): no scripts, no same-origin rights.
    response.headers["Content-Security-Policy"] = "sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response
