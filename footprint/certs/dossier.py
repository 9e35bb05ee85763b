"""Everything an application is judged on, gathered in one place.

The score sheet and the pre-checks are computed from the same dossier on submission (and then
stored with the application) and for a draft's preview, so the applicant sees before submitting
exactly what the certifiers will see after.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session

from ..accounts.models import Site
from ..accounts.operations import site_data
from ..assessments.models import Assessment
from ..errors import InputError
from ..lca.dataset import load_factors
from ..products.models import Product
from . import prechecks, scoring
from .criteria import Criteria
from .models import Application
from .sheet import Reason, ScoreSheet


@dataclass
class Dossier:
    application: Application
    criteria: Criteria
    product: Product | None
    site: Site | None
    assessment: Assessment | None
    site_data: dict | None
    evidence: dict = field(default_factory=dict)  # item id -> [Evidence]

    @property
    def result(self) -> dict | None:
        return self.assessment.result if self.assessment else None

    def score(self) -> ScoreSheet:
        """The score sheet; AnswerError (an InputError naming the item) for unreadable answers."""
        return scoring.score(self.criteria, self.application.answers, self.site_data,
                             self.result)

    def prechecks(self) -> tuple[Reason, ...]:
        assessment = self.assessment
        return prechecks.run(
            self.criteria, self.application.answers, evidence_items=set(self.evidence),
            spec=assessment.spec if assessment else None, result=self.result,
            site_data=self.site_data, factors=load_factors() if assessment else None,
            reference_year=assessment.created_dt.year if assessment else None)

    def evaluated(self) -> tuple[dict | None, list[dict], InputError | None]:
        """(score sheet, pre-checks) as stored with a submission, and the error, if any, that
        kept the sheet from being computed."""
        try:
            sheet = self.score().to_dict()
            error = None
        except InputError as problem:
            sheet, error = None, problem
        return sheet, [reason.to_dict() for reason in self.prechecks()], error


def gather(session: Session, application: Application, criteria: Criteria) -> Dossier:
    def get(model, key):
        return session.get(model, key) if key is not None else None

    return Dossier(
        application=application, criteria=criteria,
        product=get(Product, application.product_id), site=get(Site, application.site_id),
        assessment=get(Assessment, application.assessment_id),
        site_data=_site_data(session, application),
        evidence=_evidence(session, application))


def _site_data(session: Session, application: Application) -> dict | None:
    if application.site_id is None or application.site_year is None:
        return None
    return site_data(session, application.site_id, application.site_year)


def _evidence(session: Session, application: Application) -> dict:
    from .evidence import evidence_of  # evidence.py imports the operations, which import this

    return evidence_of(session, application)
