"""Applications for certification and the findings raised on them.

An application is for one scheme and records the criteria file (key and version) it is judged
against, so a later criteria version never changes how it is read. What is submitted is frozen:
the stored assessment it points at and its answers change only in a draft; a resubmission is a
new row (version + 1, previous_id) and the old one stays as it was, superseded.
"""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Optional

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from ..timeutil import utcnow


class Scheme(StrEnum):  # the values of criteria.Scheme, the `scheme` of a criteria file
    PCF_VERIFICATION = "pcf-verification"
    GREEN_DESIGN = "green-design"
    GREEN_FACTORY = "green-factory"

    @property
    def is_product_scheme(self) -> bool:
        """Judged on one product's stored assessment (green factory: on a site)."""
        return self != Scheme.GREEN_FACTORY


class ApplicationState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_EVALUATION = "in_evaluation"
    CHANGES_REQUESTED = "changes_requested"
    DECISION_PENDING = "decision_pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    SUPERSEDED = "superseded"  # changes were requested and a newer version was resubmitted


# No transition leaves these.
FINAL_STATES = frozenset({ApplicationState.APPROVED, ApplicationState.REJECTED,
                          ApplicationState.WITHDRAWN, ApplicationState.SUPERSEDED})


class FindingKind(StrEnum):
    OBSERVATION = "observation"
    MINOR = "minor"  # minor nonconformity
    MAJOR = "major"  # major nonconformity: blocks completing the evaluation and the decision


class FindingState(StrEnum):
    OPEN = "open"
    ANSWERED = "answered"  # the applicant answered; still open until the evaluator closes it
    CLOSED = "closed"


class Application(SQLModel, table=True):
    __tablename__ = "applications"
    id: Optional[int] = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisations.id", index=True)
    scheme: str = Field(max_length=30)  # Scheme
    criteria_key: str = Field(max_length=120)  # Criteria.key, e.g. "green-factory/2025-1"
    criteria_version: str = Field(max_length=40)
    product_id: Optional[int] = Field(default=None, foreign_key="products.id", index=True)
    site_id: Optional[int] = Field(default=None, foreign_key="sites.id", index=True)
    assessment_id: Optional[int] = Field(default=None, foreign_key="assessments.id",
                                         index=True)
    answers: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    site_year: Optional[int] = None  # green factory: the year of annual site data judged
    # Stored on submission (ScoreSheet.to_dict() and the pre-check reasons), so that what the
    # certifiers judged stays what the applicant saw, whatever changes in the code later.
    score_sheet: Optional[dict] = Field(default=None, sa_column=Column(JSON, nullable=True))
    prechecks: Optional[list] = Field(default=None, sa_column=Column(JSON, nullable=True))
    state: str = Field(default=ApplicationState.DRAFT, max_length=30, index=True)
    version: int = 1
    # Unique: a version is resubmitted at most once, so the versions form one chain.
    previous_id: Optional[int] = Field(default=None, foreign_key="applications.id",
                                       unique=True)
    evaluator_id: Optional[int] = Field(default=None, foreign_key="users.id")
    decider_id: Optional[int] = Field(default=None, foreign_key="users.id")
    decision_reason: str = Field(default="", max_length=4000)
    created_dt: datetime = Field(default_factory=utcnow)
    updated_dt: datetime = Field(default_factory=utcnow)
    submitted_dt: Optional[datetime] = None  # set once: certifiers see it from then on
    decided_dt: Optional[datetime] = None
    # Optimistic locking: every transition names the lock_version it started from.
    lock_version: int = 1


class Finding(SQLModel, table=True):
    """A finding on one criterion of an application version; it stays with that version and
    counts for every later version of the same application."""
    __tablename__ = "findings"
    id: Optional[int] = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="applications.id", index=True)
    item_id: str = Field(max_length=20)  # criteria Item.id
    kind: str = Field(max_length=20)  # FindingKind
    text: str = Field(max_length=4000)
    due_date: Optional[date] = None  # nonconformities only
    state: str = Field(default=FindingState.OPEN, max_length=20)
    answer: str = Field(default="", max_length=4000)
    raised_by_id: int = Field(foreign_key="users.id")
    closed_by_id: Optional[int] = Field(default=None, foreign_key="users.id")
    created_dt: datetime = Field(default_factory=utcnow)
    updated_dt: datetime = Field(default_factory=utcnow)
    answered_dt: Optional[datetime] = None
    closed_dt: Optional[datetime] = None
