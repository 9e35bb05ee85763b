"""Applications: reads, and one function per workflow transition, each with its audit event.

Every transition checks its rule (workflow.check: role, organisation, state, which certifier),
moves the row's lock_version on with one conditional UPDATE (so of two simultaneous transitions
from the same state only one succeeds; the other gets ChangedMeanwhile), changes the state and
records one audit event with the state before and after. Functions flush; the caller commits.
Findings are in findings.py.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlmodel import Session, select

from ..accounts.models import Site
from ..accounts.roles import Role
from ..assessments.models import Assessment
from ..audit.operations import record, snapshot
from ..certificates.operations import issue
from ..errors import InputError, Location
from ..products.models import Product
from ..products.operations import _take_lock
from ..timeutil import utcnow
from ..config import CRITERIA_DIR
from . import catalogue, scoring
from .criteria import Criteria
from .dossier import gather
from .models import (Application, ApplicationState as S, Finding, FindingKind, FindingState,
                     Scheme)
from .workflow import check, refuse

FIRST_SITE_YEAR = 2000


# --- reads -------------------------------------------------------------------------------------

def applications_of(session: Session, organisation_id: int) -> list[Application]:
    return list(session.exec(select(Application)
                             .where(Application.organisation_id == organisation_id)
                             .order_by(Application.id)))


OPEN_STATES = (S.SUBMITTED, S.IN_EVALUATION, S.CHANGES_REQUESTED, S.DECISION_PENDING)


def queue(session: Session, certifier, *, scheme: str | None = None, state: str | None = None,
          older_than_days: int | None = None, mine: bool = False) -> list[Application]:
    """The applications a certifier may handle: submitted, of other organisations, the latest
    version of each; open ones unless a state is asked for. Oldest submission first."""
    query = select(Application).where(
        Application.submitted_dt.is_not(None),
        Application.organisation_id != certifier.organisation_id,
        Application.state != S.SUPERSEDED)
    query = query.where(Application.state == state) if state else query.where(
        Application.state.in_(OPEN_STATES))
    if scheme:
        query = query.where(Application.scheme == scheme)
    if older_than_days is not None:
        query = query.where(Application.submitted_dt
                            <= utcnow() - timedelta(days=older_than_days))
    if mine:
        query = query.where((Application.evaluator_id == certifier.id)
                            | (Application.decider_id == certifier.id))
    return list(session.exec(query.order_by(Application.submitted_dt, Application.id)))


def versions(session: Session, application: Application) -> list[Application]:
    """Every version of the application, first to latest (a chain by previous_id)."""
    chain = [application]
    while chain[0].previous_id is not None:
        chain.insert(0, session.get(Application, chain[0].previous_id))
    while (newer := session.exec(select(Application).where(
            Application.previous_id == chain[-1].id)).first()) is not None:
        chain.append(newer)
    return chain


def latest_version(session: Session, application: Application) -> Application:
    return versions(session, application)[-1]


def findings_of(session: Session, application: Application) -> list[Finding]:
    """The findings of every version: a finding raised on one version counts for the later
    ones, until it is closed."""
    ids = [v.id for v in versions(session, application)]
    return list(session.exec(select(Finding).where(Finding.application_id.in_(ids))
                             .order_by(Finding.id)))


def open_major_findings(session: Session, application: Application) -> list[Finding]:
    return [f for f in findings_of(session, application)
            if f.kind == FindingKind.MAJOR and f.state != FindingState.CLOSED]


# --- helpers -----------------------------------------------------------------------------------

def _lock(session: Session, application: Application, lock_version: int | None) -> None:
    _take_lock(session, Application, application,
               application.lock_version if lock_version is None else lock_version)


def _move(session: Session, actor, application: Application, action: str, state: S | None,
          lock_version: int | None, **fields) -> Application:
    """Lock, set the state and fields, flush, and record the one audit event."""
    before = snapshot(application)
    _lock(session, application, lock_version)
    if state is not None:
        application.state = state
    for key, value in fields.items():
        setattr(application, key, value)
    application.updated_dt = utcnow()
    session.add(application)
    session.flush()
    record(session, actor=actor, action=action, obj=application, before=before,
           after=snapshot(application))
    return application


def _checked_assessment(session: Session, application: Application,
                        assessment_id: int | None) -> int | None:
    if assessment_id is None:
        return None
    assessment = session.get(Assessment, assessment_id)
    if assessment is None or assessment.product_id != application.product_id:
        raise InputError("choose an assessment of this application's product",
                         code="assessment_of_other_product",
                         location=Location(field="assessment_id"))
    return assessment.id


def _checked_answers(answers, criteria: Criteria) -> dict:
    """The answers as given, once scoring can read every one (else AnswerError naming the item
    and field): a draft never stores what its score sheet could not be computed from."""
    if not isinstance(answers, dict):
        raise InputError("answers must be a mapping of item id to answer",
                         code="answers_not_a_mapping", location=Location(field="answers"))
    scoring.read_answers(criteria, answers)
    return answers


def _checked_year(year: int | None) -> int | None:
    if year is not None and not FIRST_SITE_YEAR <= year <= utcnow().year:
        raise InputError(f"a year from {FIRST_SITE_YEAR} to this year", code="year_out_of_range",
                         location=Location(field="site_year"), first=FIRST_SITE_YEAR)
    return year


def _evaluate(session: Session, application: Application, criteria: Criteria) -> dict:
    """The score sheet and pre-checks stored with a submission (fields of the application)."""
    if criteria.key != application.criteria_key:
        raise InputError("these are not the criteria of this application",
                         code="other_criteria", location=Location(field="criteria"))
    if not Scheme(application.scheme).is_product_scheme and application.site_year is None:
        raise refuse("site_year_required", "choose the year of site data to be judged on")
    sheet, found, error = gather(session, application, criteria).evaluated()
    if error is not None:
        raise error
    return {"score_sheet": sheet, "prechecks": found}


# --- applicant: draft, submit, resubmit, withdraw ----------------------------------------------

def create_draft(session: Session, actor, *, criteria: Criteria, product: Product | None = None,
                 site: Site | None = None, site_year: int | None = None,
                 answers: dict | None = None,
                 criteria_dir: Path | str = CRITERIA_DIR) -> Application:
    """A draft for the actor's organisation, judged against `criteria`: its key and version are
    recorded, and the version itself is kept in the catalogue (from its file in criteria_dir),
    so the application reads the same criteria for ever. Product schemes need a product of the
    organisation, green factory a site."""
    if actor is None or actor.role != Role.APPLICANT or not actor.is_enabled:
        raise refuse("wrong_role", "only an applicant may apply", transition="create_draft")
    scheme = Scheme(criteria.scheme)
    for name, obj in (("product_id", product), ("site_id", site)):
        if obj is not None and obj.organisation_id != actor.organisation_id:
            raise refuse("other_organisation", "this is another organisation's", field=name)
    if scheme.is_product_scheme and product is None:
        raise InputError("choose the product to certify", code="product_required",
                         location=Location(field="product_id"))
    if not scheme.is_product_scheme and site is None:
        raise InputError("choose the site to certify", code="site_required",
                         location=Location(field="site_id"))
    catalogue.keep(session, criteria, criteria_dir)
    application = Application(
        organisation_id=actor.organisation_id, scheme=scheme, criteria_key=criteria.key,
        criteria_version=criteria.version, product_id=product.id if product else None,
        site_id=site.id if site else (product.site_id if product else None),
        site_year=_checked_year(site_year), answers=_checked_answers(answers or {}, criteria),
        state=S.DRAFT)
    session.add(application)
    session.flush()
    record(session, actor=actor, action="application.create", obj=application,
           after=snapshot(application))
    return application


def save_draft(session: Session, actor, application: Application, *, criteria: Criteria,
               answers: dict, assessment_id: int | None = None, site_year: int | None = None,
               lock_version: int | None = None) -> Application:
    """Change a draft's answers, the stored assessment and the year of site data."""
    check("save_draft", actor, application)
    fields = {"answers": _checked_answers(answers, criteria),
              "assessment_id": _checked_assessment(session, application, assessment_id),
              "site_year": _checked_year(site_year)}
    return _move(session, actor, application, "application.save", S.DRAFT, lock_version,
                 **fields)


def submit(session: Session, actor, application: Application, *, criteria: Criteria,
           lock_version: int | None = None) -> Application:
    """Freeze the draft: from now on its assessment and answers never change. The score sheet
    and the pre-checks are computed now and stored with it."""
    check("submit", actor, application)
    if Scheme(application.scheme).is_product_scheme and application.assessment_id is None:
        raise refuse("assessment_required", "a product scheme needs a stored assessment: "
                     "calculate the product and choose the assessment")
    return _move(session, actor, application, "application.submit", S.SUBMITTED, lock_version,
                 submitted_dt=utcnow(), **_evaluate(session, application, criteria))


def resubmit(session: Session, actor, application: Application, *, criteria: Criteria,
             answers: dict | None = None, assessment_id: int | None = None,
             lock_version: int | None = None) -> Application:
    """After changes were requested: a new version (answers and assessment as given, else as
    before) goes straight back to the same evaluator; the old one is kept, superseded."""
    check("resubmit", actor, application)
    before = snapshot(application)
    new_answers = (application.answers if answers is None
                   else _checked_answers(answers, criteria))
    new_assessment = (application.assessment_id if assessment_id is None
                      else _checked_assessment(session, application, assessment_id))
    _lock(session, application, lock_version)
    now = utcnow()
    application.state, application.updated_dt = S.SUPERSEDED, now
    session.add(application)
    newer = Application(
        organisation_id=application.organisation_id, scheme=application.scheme,
        criteria_key=application.criteria_key, criteria_version=application.criteria_version,
        product_id=application.product_id, site_id=application.site_id,
        site_year=application.site_year,
        assessment_id=new_assessment, answers=new_answers, state=S.IN_EVALUATION,
        version=application.version + 1, previous_id=application.id,
        evaluator_id=application.evaluator_id, created_dt=now, updated_dt=now,
        submitted_dt=now)
    for key, value in _evaluate(session, newer, criteria).items():
        setattr(newer, key, value)
    session.add(newer)
    session.flush()
    # One event for the one transition: the old version before and after, and the new one.
    record(session, actor=actor, action="application.resubmit", obj=newer,
           before={"previous": before},
           after={"previous": snapshot(application), "application": snapshot(newer)})
    return newer


def withdraw(session: Session, actor, application: Application, *,
             lock_version: int | None = None) -> Application:
    check("withdraw", actor, application)
    return _move(session, actor, application, "application.withdraw", S.WITHDRAWN,
                 lock_version)


# --- certifiers: take, request changes, complete, decide ----------------------------------------

def take(session: Session, actor, application: Application, *,
         lock_version: int | None = None) -> Application:
    """The certifier takes a submitted application to evaluate it."""
    check("take", actor, application)
    return _move(session, actor, application, "application.take", S.IN_EVALUATION,
                 lock_version, evaluator_id=actor.id)


def request_changes(session: Session, actor, application: Application, *,
                    lock_version: int | None = None) -> Application:
    check("request_changes", actor, application)
    return _move(session, actor, application, "application.request_changes",
                 S.CHANGES_REQUESTED, lock_version)


def _refuse_open_major(session: Session, application: Application) -> None:
    majors = open_major_findings(session, application)
    if majors:
        raise refuse("open_major_finding", "a major nonconformity is still open",
                     findings=[f.id for f in majors])


def complete_evaluation(session: Session, actor, application: Application, *,
                        lock_version: int | None = None) -> Application:
    check("complete_evaluation", actor, application)
    _refuse_open_major(session, application)
    return _move(session, actor, application, "application.complete_evaluation",
                 S.DECISION_PENDING, lock_version)


def decide(session: Session, actor, application: Application, *, approve: bool, reason: str,
           lock_version: int | None = None, config: Mapping | None = None) -> Application:
    """Approve or reject, with a reason, by a certifier who did not evaluate it. Of two
    certifiers deciding at once, the second gets ChangedMeanwhile (the conditional UPDATE).
    Approval issues the certificate in the same transaction (its event follows the approval's),
    with the certificate settings of `config`, else of the running app."""
    transition = "approve" if approve else "reject"
    rule = check(transition, actor, application)
    _refuse_open_major(session, application)
    reason = (reason or "").strip()
    if not reason:
        raise InputError("give the reason for the decision", code="reason_required",
                         location=Location(field="reason"))
    _move(session, actor, application, f"application.{transition}", rule.to, lock_version,
          decider_id=actor.id, decision_reason=reason, decided_dt=utcnow())
    if approve:
        issue(session, application, actor,
              config=current_app.config if config is None else config)
    return application
