"""Who is told about which audit event, and each user's own notifications.

`notify` is called by footprint.audit.operations.record for every event, in the same
transaction: an event the table below does not name notifies nobody (and costs no query).
Every other function is scoped to one user: nobody reads or marks another user's notifications.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from sqlalchemy import update
from sqlmodel import Session, func, select

from ..accounts.models import MAX_KEY, User
from ..accounts.roles import Role
from ..audit.models import AuditEvent
from ..certificates.models import Certificate
from ..certs.models import Application, Finding
from ..certs.operations import latest_version
from ..timeutil import utcnow
from .models import Notification

PAGE_SIZE = 30
# No page after this one can hold a row (ids are keys): a larger page number is this one.
LAST_POSSIBLE_PAGE = MAX_KEY // PAGE_SIZE + 1
ALL: Literal["all"] = "all"  # mark_read: every unread notification of the user


class Audience(StrEnum):
    APPLICANTS = "applicants"  # the applying organisation's enabled applicants
    CERTIFIERS = "certifiers"  # every enabled certifier of another organisation (the queue)
    DECIDERS = "deciders"  # those certifiers but the evaluator: they may decide
    EVALUATOR = "evaluator"  # the certifier who took the application


# action -> who is told. The actor never is: they know what they did.
AUDIENCES: dict[str, tuple[Audience, ...]] = {
    "application.submit": (Audience.CERTIFIERS,),
    "application.take": (Audience.APPLICANTS,),
    "application.request_changes": (Audience.APPLICANTS,),
    "application.resubmit": (Audience.EVALUATOR,),
    "application.complete_evaluation": (Audience.DECIDERS,),
    "application.approve": (Audience.APPLICANTS, Audience.EVALUATOR),
    "application.reject": (Audience.APPLICANTS, Audience.EVALUATOR),
    "application.withdraw": (Audience.EVALUATOR,),
    "finding.raise": (Audience.APPLICANTS,),
    "finding.answer": (Audience.EVALUATOR,),
    "finding.close": (Audience.APPLICANTS,),
    "finding.reopen": (Audience.APPLICANTS,),
    "finding.escalate": (Audience.APPLICANTS,),
    # a certificate's status changed: its holder is told (through the application it certifies)
    "certificate.suspend": (Audience.APPLICANTS,),
    "certificate.restore": (Audience.APPLICANTS,),
    "certificate.withdraw": (Audience.APPLICANTS,),
    "certificate.supersede": (Audience.APPLICANTS,),
    "certificate.lapse": (Audience.APPLICANTS,),
}


# --- who is told -------------------------------------------------------------------------------

def application_of(session: Session, event: AuditEvent) -> Application:
    """The application an event is about; for a finding, the latest version of its application
    (the one the applicant and the evaluator work on now); for a certificate, the application
    it certifies."""
    if event.object_type == "certificate":
        return session.get(Application, session.get(Certificate, event.object_id).application_id)
    if event.object_type == "finding":
        finding = session.get(Finding, event.object_id)
        return latest_version(session, session.get(Application, finding.application_id))
    return session.get(Application, event.object_id)


def _audience_ids(session: Session, audience: Audience, application: Application) -> set[int]:
    enabled = select(User.id).where(User.is_enabled)
    if audience == Audience.APPLICANTS:
        query = enabled.where(User.organisation_id == application.organisation_id,
                              User.role == Role.APPLICANT)
    elif audience == Audience.EVALUATOR:
        if application.evaluator_id is None:  # withdrawn before anyone took it
            return set()
        query = enabled.where(User.id == application.evaluator_id)
    else:
        query = enabled.where(User.organisation_id != application.organisation_id,
                              User.role == Role.CERTIFIER)
        if audience == Audience.DECIDERS and application.evaluator_id is not None:
            query = query.where(User.id != application.evaluator_id)
    return set(session.exec(query))


def recipient_ids(session: Session, audiences: Iterable[Audience], application: Application,
                  actor_id: int | None) -> list[int]:
    """The ids of the users of these audiences, in id order, the actor left out."""
    ids = set().union(*(_audience_ids(session, a, application) for a in audiences))
    ids.discard(actor_id)
    return sorted(ids)


def notify(session: Session, event: AuditEvent) -> list[Notification]:
    """One notification per recipient of a flushed event, in the caller's transaction."""
    audiences = AUDIENCES.get(event.action)
    if not audiences:
        return []
    application = application_of(session, event)
    notifications = [Notification(user_id=user_id, audit_event_id=event.id,
                                  application_id=application.id, created_dt=event.created_dt)
                     for user_id in recipient_ids(session, audiences, application,
                                                  event.actor_id)]
    if notifications:
        session.add_all(notifications)
        session.flush()
    return notifications


# --- one user's notifications ------------------------------------------------------------------

def _own(user: User):
    return Notification.user_id == user.id


def unread_count(session: Session, user: User) -> int:
    return session.exec(select(func.count()).select_from(Notification).where(
        _own(user), Notification.read_dt.is_(None))).one()


@dataclass(frozen=True)
class NotificationPage:
    items: list[tuple[Notification, AuditEvent]]  # newest first
    page: int  # from 1
    has_next: bool


def notifications_of(session: Session, user: User, page: int = 1) -> NotificationPage:
    """The user's notifications, newest first, PAGE_SIZE a page, each with its event."""
    page = min(max(1, page), LAST_POSSIBLE_PAGE)
    rows = list(session.exec(
        select(Notification, AuditEvent).join(AuditEvent,
                                              AuditEvent.id == Notification.audit_event_id)
        .where(_own(user)).order_by(Notification.id.desc())
        .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)))  # one more: is there a next page?
    return NotificationPage(rows[:PAGE_SIZE], page, len(rows) > PAGE_SIZE)


def notification_of(session: Session, user: User, notification_id: int) -> Notification | None:
    """The user's notification of that id; None when there is none or it is someone else's."""
    return session.exec(select(Notification).where(
        _own(user), Notification.id == notification_id)).first()


def mark_read(session: Session, user: User, ids: Iterable[int] | Literal["all"]) -> int:
    """Mark the user's unread notifications of these ids (or ALL of them) read; another user's
    id is ignored. Returns how many were marked."""
    statement = update(Notification).where(_own(user), Notification.read_dt.is_(None))
    if ids != ALL:
        statement = statement.where(Notification.id.in_(list(ids)))
    return session.execute(statement.values(read_dt=utcnow())).rowcount
