"""Applications for certification: the applicant's list and forms, the certifier's queue, and the
one page where both see an application side by side with what it is judged on.

Views parse a form, call one operation of footprint.certs and render. Every application is
loaded for VIEW: what a user may then do to it is the workflow's rule (certs/workflow.py),
refused by the operation itself and shown as a message on the application page.
"""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import select

from ... import db
from ...accounts.models import Site, User
from ...accounts.operations import sites_of
from ...accounts.roles import Role
from ...assessments.operations import assessments_of
from ...audit.models import AuditEvent
from ...certificates.operations import of_application, status_of
from ...certs import annual_data, catalogue, findings as finding_ops, operations
from ...certs.dossier import gather
from ...certs.evidence import evidence_of_finding
from ...certs.models import Application, ApplicationState as S, Finding, Scheme
from ...errors import ChangedMeanwhile, FootprintError, InputError, NotAllowed
from ...products.models import Product
from ...products.operations import products_of
from ...timeutil import utcnow
from ..access import load, role_required
from ..fields import posted_lock_version
from ..labels import error_message, show_on_form
from . import bp
from .forms import (DecisionForm, FindingAnswerForm, FindingForm, LockForm, NewApplicationForm,
                    answers_form, answers_of, form_data)
from .labels import SCHEME_LABELS, STATE_LABELS, WORKFLOW_MESSAGES, context

QUEUE_AGES = (7, 30, 90)  # the queue's "submitted more than N days ago" filter


@bp.app_context_processor
def _labels():
    return context()


# --- criteria ------------------------------------------------------------------------------------

def _files() -> dict:
    return current_app.extensions["criteria"]


def criteria_of(application: Application):
    """The criteria version the application recorded (kept in the catalogue)."""
    return catalogue.get(db.session(), application.criteria_key, _files())


def available_criteria() -> list:
    """The latest version of each scheme's criteria, for a new application."""
    return catalogue.available(db.session(), _files())


# --- lists ---------------------------------------------------------------------------------------

@bp.get("/")
@role_required(Role.APPLICANT, Role.CERTIFIER)
def index():
    session = db.session()
    if current_user.role == Role.APPLICANT:
        applications = [a for a in operations.applications_of(
            session, current_user.organisation_id) if a.state != S.SUPERSEDED]
        return render_template("applications/index.html", applications=applications,
                               names=_names(applications))
    filters = _queue_filters()
    applications = operations.queue(session, current_user, **filters)
    return render_template("applications/queue.html", applications=applications,
                           names=_names(applications), filters=filters, ages=QUEUE_AGES,
                           schemes=SCHEME_LABELS, states=STATE_LABELS)


def _queue_filters() -> dict:
    args = request.args
    scheme = args.get("scheme") if args.get("scheme") in SCHEME_LABELS else None
    state = args.get("state") if args.get("state") in STATE_LABELS else None
    age = args.get("older_than_days", type=int)
    return {"scheme": scheme, "state": state,
            "older_than_days": age if age in QUEUE_AGES else None,
            "mine": args.get("mine") == "1"}


def _names(applications) -> dict:
    """What each application is about ("product name" or "site name"), by application id."""
    session = db.session()
    names = {}
    for application in applications:
        if application.product_id:
            names[application.id] = session.get(Product, application.product_id).name
        elif application.site_id:
            names[application.id] = session.get(Site, application.site_id).name
    return names


# --- a new application ---------------------------------------------------------------------------

@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.APPLICANT)
def new():
    session = db.session()
    form = NewApplicationForm()
    criteria = {c.key: c for c in available_criteria()}
    form.criteria_key.choices = [(key, f"{SCHEME_LABELS[c.scheme]} — {c.title} ({c.version})")
                                 for key, c in criteria.items()]
    products = products_of(session, current_user.organisation_id)
    sites = sites_of(session, current_user.organisation_id)
    form.product_id.choices = [(0, "—")] + [(p.id, f"{p.name} v{p.version}") for p in products]
    form.site_id.choices = [(0, "—")] + [(s.id, s.name) for s in sites]
    if form.validate_on_submit():
        chosen = criteria[form.criteria_key.data]
        product = next((p for p in products if p.id == form.product_id.data), None)
        site = next((s for s in sites if s.id == form.site_id.data), None)
        try:
            application = operations.create_draft(
                session, current_user, criteria=chosen,
                criteria_dir=current_app.config["CRITERIA_DIR"],
                product=product if Scheme(chosen.scheme).is_product_scheme else None,
                site=None if Scheme(chosen.scheme).is_product_scheme else site,
                site_year=form.site_year.data)
        except InputError as error:
            session.rollback()
            show_on_form(form, error, fallback=form.criteria_key)
        else:
            session.commit()
            flash(_("Draft saved: answer the criteria, then submit."), "success")
            return redirect(url_for(".show", application_id=application.id))
    return render_template("applications/new.html", form=form)


# --- the application page ------------------------------------------------------------------------

@bp.get("/<int:application_id>")
@role_required(Role.APPLICANT, Role.CERTIFIER)
def show(application_id: int):
    application = load(Application, application_id)
    return _page(application)


def _editable(application: Application) -> bool:
    """Whether the answers form is shown: the applicant's draft, or a version sent back."""
    return (current_user.role == Role.APPLICANT
            and application.state in (S.DRAFT, S.CHANGES_REQUESTED))


def _answers_form(application: Application, criteria, formdata=None):
    session = db.session()
    assessments = None
    if Scheme(application.scheme).is_product_scheme:
        assessments = [(a.id, _("Assessment %(id)s of %(when)s", id=a.id,
                                when=a.created_dt.strftime("%Y-%m-%d %H:%M")))
                       for a in reversed(assessments_of(session, application.product_id))]
    data = form_data(application.answers)
    data.update(lock_version=application.lock_version,
                assessment_id=application.assessment_id or 0,
                site_year=application.site_year)
    return answers_form(criteria, assessments=assessments,
                        site_year=not Scheme(application.scheme).is_product_scheme,
                        formdata=formdata, data=data)


def _page(application: Application, *, form=None, finding_form=None, status: int = 200):
    session = db.session()
    criteria = criteria_of(application)
    dossier = gather(session, application, criteria)
    if application.score_sheet is not None:  # frozen on submission
        sheet, prechecks, sheet_error = (application.score_sheet, application.prechecks or [],
                                         None)
    else:  # a draft: the preview of what submitting stores
        sheet, prechecks, sheet_error = dossier.evaluated()
    if form is None and _editable(application):
        form = _answers_form(application, criteria)
    evaluator = current_user.id == application.evaluator_id
    if finding_form is None and evaluator:
        finding_form = _finding_form(application, criteria)
    all_findings = operations.findings_of(session, application)
    history = _history(application, all_findings)
    certificate = of_application(session, application.id)
    return render_template(
        "applications/show.html", application=application, criteria=criteria,
        dossier=dossier, sheet=sheet, prechecks=prechecks, sheet_error=sheet_error,
        form=form, finding_form=finding_form, lock_form=LockForm(),
        decision_form=DecisionForm(), answer_form=FindingAnswerForm(),
        findings=all_findings, findings_by_item=_by_item(all_findings),
        finding_evidence={f.id: evidence_of_finding(session, f) for f in all_findings},
        open_majors=operations.open_major_findings(session, application),
        versions=operations.versions(session, application),
        history=history, users=_users(application, all_findings, history),
        is_evaluator=evaluator, may_decide=_may_decide(application),
        certificate=certificate, certificate_status=(status_of(certificate, utcnow().date())
                                                     if certificate else None),
        items={item.id: item for item in criteria.items},
        sheet_items={entry["item"]: entry for entry in (sheet or {}).get("items", [])},
        changed_fields=changed_fields, annual_fields=annual_data.FIELDS), status


# What the history column shows as changed: not the bookkeeping every change moves on.
BOOKKEEPING = frozenset({"updated_dt", "lock_version"})


def changed_fields(event: AuditEvent) -> list[str]:
    before, after = event.before or {}, event.after or {}
    if event.action == "application.resubmit":
        before, after = before.get("previous") or {}, after.get("application") or {}
    return sorted(key for key in set(before) | set(after)
                  if key not in BOOKKEEPING and before.get(key) != after.get(key))


def _finding_form(application: Application, criteria, formdata=None) -> FindingForm:
    form = FindingForm(formdata=formdata, data={"lock_version": application.lock_version})
    form.item_id.choices = [(item.id, f"{item.id} — {item.title}") for item in criteria.items]
    return form


def _may_decide(application: Application) -> bool:
    return (current_user.role == Role.CERTIFIER and application.state == S.DECISION_PENDING
            and current_user.id != application.evaluator_id)


def _by_item(findings: list[Finding]) -> dict:
    grouped: dict[str, list[Finding]] = {}
    for finding in findings:
        grouped.setdefault(finding.item_id, []).append(finding)
    return grouped


def _history(application: Application, findings: list[Finding]) -> list[AuditEvent]:
    """The audit events of every version and of their findings, oldest first."""
    session = db.session()
    ids = [v.id for v in operations.versions(session, application)]
    query = select(AuditEvent).where(
        ((AuditEvent.object_type == "application") & AuditEvent.object_id.in_(ids))
        | ((AuditEvent.object_type == "finding")
           & AuditEvent.object_id.in_([f.id for f in findings] or [-1])))
    return list(session.exec(query.order_by(AuditEvent.id)))


def _users(application: Application, findings: list[Finding],
           history: list[AuditEvent]) -> dict:
    """Names of the people the page mentions (evaluator, decider, authors of findings and of
    history events)."""
    ids = {application.evaluator_id, application.decider_id}
    ids |= {f.raised_by_id for f in findings} | {f.closed_by_id for f in findings}
    ids |= {e.actor_id for e in history}
    ids.discard(None)
    session = db.session()
    return {user.id: user.name for user in
            (session.get(User, user_id) for user_id in ids) if user is not None}


# --- applicant: save, submit, resubmit, withdraw -------------------------------------------------

@bp.post("/<int:application_id>/answers")
@role_required(Role.APPLICANT)
def save(application_id: int):
    """Save the draft's answers; with `submit` (or, when changes were requested, `resubmit`)
    the saved answers are submitted in the same request."""
    session = db.session()
    application = load(Application, application_id)
    if not _editable(application):
        abort(403)
    criteria = criteria_of(application)
    form = _answers_form(application, criteria, formdata=request.form)
    if not form.validate_on_submit():
        return _page(application, form=form, status=422)
    answers = answers_of(form, criteria)
    assessment_id = (form.assessment_id.data or None) if hasattr(form, "assessment_id") else None
    lock_version = posted_lock_version(application.lock_version)
    try:
        if application.state == S.CHANGES_REQUESTED:
            newer = operations.resubmit(session, current_user, application, criteria=criteria,
                                        answers=answers, assessment_id=assessment_id,
                                        lock_version=lock_version)
            message, target = _("Resubmitted as version %(n)s.", n=newer.version), newer
        else:
            operations.save_draft(
                session, current_user, application, criteria=criteria, answers=answers,
                assessment_id=assessment_id, lock_version=lock_version,
                site_year=form.site_year.data if hasattr(form, "site_year") else None)
            message, target = _("Draft saved."), application
            if "submit" in request.form:
                operations.submit(session, current_user, application, criteria=criteria)
                message = _("Submitted. Certifiers can now take it for evaluation.")
    except InputError as error:
        session.rollback()
        _show_answer_error(form, error)
        return _page(session.get(Application, application_id), form=form, status=422)
    except (NotAllowed, ChangedMeanwhile) as error:
        return _refused(error, application_id)
    session.commit()
    flash(message, "success")
    return redirect(url_for(".show", application_id=target.id))


def _show_answer_error(form, error: InputError) -> None:
    """An answer error names its item in the path ("answers.E-3.value"): shown beside that
    item's field; other errors beside the field they name."""
    path = (error.location.path or "") if error.location else ""
    parts = path.split(".")
    if len(parts) == 3 and parts[0] == "answers":
        field = form._fields.get(f"{parts[1]}__{parts[2]}")
        if field is not None:
            field.errors = [*field.errors, error_message(error)]
            return
    show_on_form(form, error, fallback=form.lock_version)


def _refused(error: FootprintError, application_id: int):
    """Back to the application page with why. A refusal of a page loaded before someone else
    acted (the posted lock_version is behind) is told as that: the other action won."""
    session = db.session()
    session.rollback()
    code = error.code
    current = session.get(Application, application_id)
    if code == "wrong_state" and posted_lock_version(current.lock_version) != current.lock_version:
        code = "changed_meanwhile"
    flash(str(WORKFLOW_MESSAGES.get(code) or error_message(error)), "error")
    return redirect(url_for(".show", application_id=application_id))


def _transition(application_id: int, do, done: str):
    """A transition without other input: run it, commit, and say what happened (or why not)."""
    application = load(Application, application_id)
    if not LockForm().validate_on_submit():
        abort(400)
    try:
        result = do(db.session(), application, posted_lock_version(application.lock_version))
    except (NotAllowed, ChangedMeanwhile, InputError) as error:
        return _refused(error, application_id)
    db.session().commit()
    flash(done, "success")
    target = result if isinstance(result, Application) else application
    return redirect(url_for(".show", application_id=target.id))


@bp.post("/<int:application_id>/withdraw")
@role_required(Role.APPLICANT)
def withdraw(application_id: int):
    return _transition(application_id, lambda s, a, lock: operations.withdraw(
        s, current_user, a, lock_version=lock), _("Application withdrawn."))


# --- certifiers: take, request changes, complete, decide -----------------------------------------

@bp.post("/<int:application_id>/take")
@role_required(Role.CERTIFIER)
def take(application_id: int):
    return _transition(application_id, lambda s, a, lock: operations.take(
        s, current_user, a, lock_version=lock), _("You are evaluating this application."))


@bp.post("/<int:application_id>/request-changes")
@role_required(Role.CERTIFIER)
def request_changes(application_id: int):
    return _transition(application_id, lambda s, a, lock: operations.request_changes(
        s, current_user, a, lock_version=lock),
        _("Changes requested: the applicant answers the findings and resubmits."))


@bp.post("/<int:application_id>/complete")
@role_required(Role.CERTIFIER)
def complete(application_id: int):
    return _transition(application_id, lambda s, a, lock: operations.complete_evaluation(
        s, current_user, a, lock_version=lock),
        _("Evaluation completed: another certifier decides."))


@bp.post("/<int:application_id>/decide")
@role_required(Role.CERTIFIER)
def decide(application_id: int):
    application = load(Application, application_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        flash(_("Choose approve or reject and give the reason."), "error")
        return redirect(url_for(".show", application_id=application_id))
    approve = form.decision.data == "approve"
    try:
        operations.decide(db.session(), current_user, application, approve=approve,
                          reason=form.reason.data,
                          lock_version=posted_lock_version(application.lock_version))
    except (NotAllowed, ChangedMeanwhile, InputError) as error:
        return _refused(error, application_id)
    db.session().commit()
    flash(_("Application approved.") if approve else _("Application rejected."), "success")
    return redirect(url_for(".show", application_id=application_id))


# --- findings ------------------------------------------------------------------------------------

@bp.post("/<int:application_id>/findings")
@role_required(Role.CERTIFIER)
def raise_finding(application_id: int):
    session = db.session()
    application = load(Application, application_id)
    criteria = criteria_of(application)
    form = _finding_form(application, criteria, formdata=request.form)
    if not form.validate_on_submit():
        return _page(application, finding_form=form, status=422)
    try:
        finding_ops.raise_finding(
            session, current_user, application, criteria=criteria, item_id=form.item_id.data,
            kind=form.kind.data, text=form.text.data, due_date=form.due_date.data,
            lock_version=posted_lock_version(application.lock_version))
    except InputError as error:
        session.rollback()
        show_on_form(form, error, fallback=form.text)
        return _page(session.get(Application, application_id), finding_form=form, status=422)
    except (NotAllowed, ChangedMeanwhile) as error:
        return _refused(error, application_id)
    session.commit()
    flash(_("Finding raised."), "success")
    return redirect(url_for(".show", application_id=application_id, _anchor="findings"))


def _finding_step(finding_id: int, do, done: str, form_class=LockForm):
    finding = load(Finding, finding_id)
    session = db.session()
    application = operations.latest_version(session,
                                            session.get(Application, finding.application_id))
    form = form_class()
    if not form.validate_on_submit():
        flash(_("Write the answer."), "error")
        return redirect(url_for(".show", application_id=application.id, _anchor="findings"))
    try:
        do(session, finding, form, posted_lock_version(application.lock_version))
    except (NotAllowed, ChangedMeanwhile, InputError) as error:
        return _refused(error, application.id)
    session.commit()
    flash(done, "success")
    return redirect(url_for(".show", application_id=application.id, _anchor="findings"))


@bp.post("/findings/<int:finding_id>/answer")
@role_required(Role.APPLICANT)
def answer_finding(finding_id: int):
    return _finding_step(finding_id, lambda s, f, form, lock: finding_ops.answer_finding(
        s, current_user, f, answer=form.answer.data, lock_version=lock),
        _("Answer saved."), FindingAnswerForm)


@bp.post("/findings/<int:finding_id>/close")
@role_required(Role.CERTIFIER)
def close_finding(finding_id: int):
    return _finding_step(finding_id, lambda s, f, form, lock: finding_ops.close_finding(
        s, current_user, f, lock_version=lock), _("Finding closed."))


@bp.post("/findings/<int:finding_id>/reopen")
@role_required(Role.CERTIFIER)
def reopen_finding(finding_id: int):
    return _finding_step(finding_id, lambda s, f, form, lock: finding_ops.reopen_finding(
        s, current_user, f, lock_version=lock), _("Finding reopened."))

