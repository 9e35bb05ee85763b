"""Findings: raised by the evaluator on one criterion, answered by the applicant, closed or
reopened by the evaluator; an overdue minor nonconformity becomes major.

A finding stays on the version it was raised on and counts for the later versions, so each
operation works on the application's latest version: its state and evaluator decide what is
allowed. Every change moves the application's lock_version on too: a decision taken from a page
loaded before a finding changed is refused (ChangedMeanwhile) instead of overlooking it.
"""
from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from ..audit.operations import record, snapshot
from ..errors import InputError, Location
from ..timeutil import utcnow
from .criteria import Criteria
from .models import (FINAL_STATES, Application, Finding, FindingKind, FindingState as F)
from .operations import _lock, latest_version
from .workflow import check, refuse


def _change(session: Session, actor, finding: Finding, application: Application, action: str,
            lock_version: int | None, **fields) -> Finding:
    before = snapshot(finding)
    _lock(session, application, lock_version)
    now = utcnow()
    application.updated_dt = now
    session.add(application)
    for key, value in fields.items():
        setattr(finding, key, value)
    finding.updated_dt = now
    session.add(finding)
    session.flush()
    record(session, actor=actor, action=action, obj=finding,
           organisation_id=application.organisation_id, before=before,
           after=snapshot(finding))
    return finding


def _current(session: Session, actor, finding: Finding, transition: str,
             states: set[F]) -> Application:
    """The latest version of the finding's application, after checking the rule."""
    application = latest_version(session, session.get(Application, finding.application_id))
    check(transition, actor, application)
    if finding.state not in states:
        raise refuse("wrong_finding_state", f"not possible while the finding is "
                     f"{finding.state}", state=str(finding.state), transition=transition)
    return application


def raise_finding(session: Session, actor, application: Application, *, criteria: Criteria,
                  item_id: str, kind: str, text: str, due_date: date | None = None,
                  lock_version: int | None = None) -> Finding:
    """A finding on one item of the application's criteria; nonconformities need a due date."""
    check("raise_finding", actor, application)
    if criteria.key != application.criteria_key:
        raise InputError("these are not the criteria of this application",
                         code="other_criteria", location=Location(field="criteria"))
    if item_id not in {item.id for item in criteria.items}:
        raise InputError(f"no item '{item_id}' in {criteria.key}", code="unknown_item",
                         location=Location(field="item_id"), item_id=item_id)
    if kind not in set(FindingKind):
        raise InputError(f"unknown kind '{kind}'", code="unknown_finding_kind",
                         location=Location(field="kind"), kind=kind)
    if kind != FindingKind.OBSERVATION and due_date is None:
        raise InputError("a nonconformity needs a due date", code="due_date_required",
                         location=Location(field="due_date"))
    text = (text or "").strip()
    if not text:
        raise InputError("describe the finding", code="text_required",
                         location=Location(field="text"))
    finding = Finding(application_id=application.id, item_id=item_id, kind=FindingKind(kind),
                      text=text, due_date=None if kind == FindingKind.OBSERVATION else due_date,
                      state=F.OPEN, raised_by_id=actor.id)
    _lock(session, application, lock_version)
    application.updated_dt = utcnow()
    session.add_all([application, finding])
    session.flush()
    record(session, actor=actor, action="finding.raise", obj=finding,
           organisation_id=application.organisation_id, after=snapshot(finding))
    return finding


def answer_finding(session: Session, actor, finding: Finding, *, answer: str,
                   lock_version: int | None = None) -> Finding:
    """The applicant's answer; an answered finding may be answered again until it is closed."""
    application = _current(session, actor, finding, "answer_finding", {F.OPEN, F.ANSWERED})
    answer = (answer or "").strip()
    if not answer:
        raise InputError("write the answer", code="answer_required",
                         location=Location(field="answer"))
    return _change(session, actor, finding, application, "finding.answer", lock_version,
                   answer=answer, state=F.ANSWERED, answered_dt=utcnow())


def close_finding(session: Session, actor, finding: Finding, *,
                  lock_version: int | None = None) -> Finding:
    application = _current(session, actor, finding, "close_finding", {F.OPEN, F.ANSWERED})
    return _change(session, actor, finding, application, "finding.close", lock_version,
                   state=F.CLOSED, closed_by_id=actor.id, closed_dt=utcnow())


def reopen_finding(session: Session, actor, finding: Finding, *,
                   lock_version: int | None = None) -> Finding:
    """Back to open: the answer does not settle it, or a closed finding needs another look."""
    application = _current(session, actor, finding, "reopen_finding", {F.ANSWERED, F.CLOSED})
    return _change(session, actor, finding, application, "finding.reopen", lock_version,
                   state=F.OPEN, closed_by_id=None, closed_dt=None)


def escalate_overdue(session: Session, today: date) -> list[Finding]:
    """Every minor nonconformity still open (not answered) after its due date becomes major,
    unless the application (its latest version) is decided or withdrawn. An answered one waits
    for the evaluator, not for the applicant, so it is left alone. One audit event per finding,
    without an actor (the platform did it). Returns the escalated findings."""
    escalated = []
    candidates = session.exec(select(Finding).where(
        Finding.kind == FindingKind.MINOR, Finding.state == F.OPEN,
        Finding.due_date < today).order_by(Finding.id)).all()
    for finding in candidates:
        application = latest_version(session, session.get(Application, finding.application_id))
        if application.state in FINAL_STATES:
            continue
        escalated.append(_change(session, None, finding, application, "finding.escalate",
                                 None, kind=FindingKind.MAJOR))
    return escalated
