"""The access policy: may this user do this to that object? One answer for every view.

- Applicants act within their own organisation only, child objects (lines, supplier factors,
  assessments) included; archived products can be viewed but not edited.
- Certifiers see other organisations' work only once it is submitted to them for review (an
  application in any state after draft, with its findings and evidence, and the product, its
  lines and supplier factors, the site with its annual data and the stored assessment it points
  at), and never their own organisation's. What they may do to an application is the
  workflow's (certs/workflow.py); to a certificate, the lifecycle's (certificates/lifecycle.py).
- Certificates are viewed by their holder's organisation and by certifiers of other
  organisations; nobody edits one (its status changes through the lifecycle operations only).
- Admins administer organisations and users; they do not edit applicants' data.
"""
from __future__ import annotations

from enum import StrEnum

from sqlmodel import Session, select

from .accounts.models import Organisation, Site, SiteYear, User
from .accounts.roles import Role
from .assessments.models import Assessment
from .certificates.models import Certificate
from .certs.evidence import Evidence
from .certs.models import Application, ApplicationState, Finding
from .jobs.models import Job
from .products.models import Line, Product, SupplierFactor


class Action(StrEnum):
    VIEW = "view"
    EDIT = "edit"  # change or delete
    ADMINISTER = "administer"


APPLICANT_OBJECTS = (Site, SiteYear, Product, Line, SupplierFactor, Assessment, Application,
                     Finding, Evidence, Certificate, Job)
ADMINISTERED_OBJECTS = (Organisation, User)


def owner_of(session: Session, obj) -> int | None:
    """The id of the organisation an object belongs to (through its product for lines, its
    site for annual data)."""
    if isinstance(obj, (Line, SupplierFactor)):
        product = session.get(Product, obj.product_id)
        return product.organisation_id if product else None
    if isinstance(obj, (Finding, Evidence)):
        application = session.get(Application, obj.application_id)
        return application.organisation_id if application else None
    if isinstance(obj, SiteYear):
        site = session.get(Site, obj.site_id)
        return site.organisation_id if site else None
    if isinstance(obj, Organisation):
        return obj.id
    return getattr(obj, "organisation_id", None)


def _archived(session: Session, obj) -> bool:
    product_id = obj.id if isinstance(obj, Product) else getattr(obj, "product_id", None)
    product = obj if isinstance(obj, Product) else (
        session.get(Product, product_id) if product_id else None)
    return product is not None and product.archived_dt is not None


def submitted_for_review(session: Session, obj) -> bool:
    """Whether the object is part of an application that was submitted (whatever happened to it
    since: a decided or withdrawn application stays part of the record)."""
    if isinstance(obj, (Finding, Evidence, Certificate)):  # a certificate's was approved
        obj = session.get(Application, obj.application_id)
    if isinstance(obj, Application):
        return obj is not None and obj.submitted_dt is not None
    if isinstance(obj, Assessment):
        column, key = Application.assessment_id, obj.id
    elif isinstance(obj, Product):
        column, key = Application.product_id, obj.id
    elif isinstance(obj, (Line, SupplierFactor)):
        column, key = Application.product_id, obj.product_id
    elif isinstance(obj, Site):
        column, key = Application.site_id, obj.id
    elif isinstance(obj, SiteYear):
        column, key = Application.site_id, obj.site_id
    else:
        return False
    return session.exec(select(Application.id).where(
        column == key, Application.submitted_dt.is_not(None)).limit(1)).first() is not None


def can(session: Session, user: User | None, action: Action, obj) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_enabled:
        return False
    if isinstance(obj, ADMINISTERED_OBJECTS):
        return user.role == Role.ADMIN
    if not isinstance(obj, APPLICANT_OBJECTS):
        return False
    owner = owner_of(session, obj)
    if user.role == Role.APPLICANT:
        if owner != user.organisation_id:
            return False
        if action == Action.VIEW:
            return True
        if action == Action.EDIT:  # stored assessments never change; archived products neither
            if isinstance(obj, Application):  # frozen once submitted
                return obj.state == ApplicationState.DRAFT
            if isinstance(obj, Evidence):  # removable from a draft only
                application = session.get(Application, obj.application_id)
                return application.state == ApplicationState.DRAFT
            if isinstance(obj, (Finding, Certificate, Job)):  # changed by their operations only
                return False
            return isinstance(obj, (Site, SiteYear)) or (not isinstance(obj, Assessment)
                                                         and not _archived(session, obj))
        return False
    if user.role == Role.CERTIFIER:
        return (action == Action.VIEW and owner != user.organisation_id
                and submitted_for_review(session, obj))
    return False
