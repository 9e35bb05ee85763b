"""What a notification says, in the user's language: one message per action that notifies
(footprint.notifications.operations.AUDIENCES), about the application it links to."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlmodel import Session

from ...accounts.models import Site, User
from ...audit.models import AuditEvent
from ...certificates.models import Certificate
from ...certs.models import Application, Finding
from ...notifications.models import Notification
from ...products.models import Product
from ..applications.labels import SCHEME_LABELS
from ..labels import label

# "Application 12 (Green factory, Liangjiang plant)": the %(application)s of every message.
APPLICATION = _l("Application %(id)s (%(scheme)s, %(subject)s)")

ACTION_MESSAGES = {
    "application.submit": _l("%(application)s submitted by %(actor)s"),
    "application.take": _l("%(application)s taken for evaluation by %(actor)s"),
    "application.request_changes": _l("%(application)s: changes requested by %(actor)s"),
    "application.resubmit": _l("%(application)s resubmitted with changes by %(actor)s"),
    "application.complete_evaluation": _l("%(application)s evaluated by %(actor)s, ready for "
                                          "a decision"),
    "application.approve": _l("%(application)s approved by %(actor)s"),
    "application.reject": _l("%(application)s rejected by %(actor)s"),
    "application.withdraw": _l("%(application)s withdrawn by %(actor)s"),
    "finding.raise": _l("%(application)s: finding on item %(item)s raised by %(actor)s"),
    "finding.answer": _l("%(application)s: finding on item %(item)s answered by %(actor)s"),
    "finding.close": _l("%(application)s: finding on item %(item)s closed by %(actor)s"),
    "finding.reopen": _l("%(application)s: finding on item %(item)s reopened by %(actor)s"),
    "finding.escalate": _l("%(application)s: the finding on item %(item)s is overdue and "
                           "became a major nonconformity"),
    "certificate.suspend": _l("%(application)s: certificate %(certificate)s suspended by "
                              "%(actor)s"),
    "certificate.restore": _l("%(application)s: certificate %(certificate)s restored by "
                              "%(actor)s"),
    "certificate.withdraw": _l("%(application)s: certificate %(certificate)s withdrawn by "
                               "%(actor)s"),
    "certificate.supersede": _l("%(application)s: certificate %(certificate)s superseded by a "
                                "renewal or correction"),
    "certificate.lapse": _l("%(application)s: certificate %(certificate)s withdrawn: its "
                            "suspension was not lifted in time"),
}


def _subject(session: Session, application: Application) -> str:
    """What is certified: the product, or for a green factory the site."""
    subject = (session.get(Product, application.product_id) if application.product_id
               else session.get(Site, application.site_id))
    return subject.name if subject else ""


def _actor(session: Session, event: AuditEvent) -> str:
    actor = session.get(User, event.actor_id) if event.actor_id is not None else None
    return actor.name if actor else _("the platform")


def _item(session: Session, event: AuditEvent) -> str:
    finding = session.get(Finding, event.object_id) if event.object_type == "finding" else None
    return finding.item_id if finding else ""


def _certificate(session: Session, event: AuditEvent) -> str:
    certificate = (session.get(Certificate, event.object_id)
                   if event.object_type == "certificate" else None)
    return certificate.public_id if certificate else ""


def describe(session: Session, notification: Notification, event: AuditEvent) -> str:
    """The sentence for the list (plain text: the template escapes it)."""
    application = session.get(Application, notification.application_id) \
        if notification.application_id is not None else None
    params = {"actor": _actor(session, event), "item": _item(session, event),
              "certificate": _certificate(session, event),
              "application": str(APPLICATION % {
                  "id": application.id, "scheme": label(SCHEME_LABELS, application.scheme),
                  "subject": _subject(session, application)}) if application else ""}
    message = ACTION_MESSAGES.get(event.action)
    return str(message) % params if message is not None else event.action
