"""A job (one long piece of work submitted from the web) and its items (the units it finished)."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Optional

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from ..timeutil import utcnow


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


FINISHED_STATES = (JobState.DONE, JobState.FAILED)


class JobKind(StrEnum):
    REASSESS = "reassess"  # assess every active product of the organisation again
    REPORT_PDFS = "report_pdfs"  # the CFP study report PDFs of a product or organisation
    UNCERTAINTY = "uncertainty"  # a longer Monte Carlo of one stored assessment


class Job(SQLModel, table=True):
    __tablename__ = "jobs"
    id: Optional[int] = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisations.id", index=True)
    user_id: int = Field(foreign_key="users.id")
    kind: str = Field(max_length=30)
    # What the job works on, e.g. {"product_id": 3} for one product's report PDFs.
    params: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    state: str = Field(default=JobState.QUEUED, max_length=10)
    progress_done: int = 0
    progress_total: int = 0
    result: Optional[dict] = Field(default=None, sa_column=Column(JSON))
    error: str = Field(default="", max_length=2000)
    attempts: int = 0  # runs started: more than one after a worker was lost or a retry
    created_dt: datetime = Field(default_factory=utcnow)
    started_dt: Optional[datetime] = None
    finished_dt: Optional[datetime] = None


class JobItem(SQLModel, table=True):
    """One finished unit of a job (a product assessed, a PDF written), stored in the same
    transaction as its effect. Unique per job and key: a job run again (a worker lost, a retry,
    the message delivered twice) cannot store the same unit twice."""
    __tablename__ = "job_items"
    __table_args__ = (UniqueConstraint("job_id", "key"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    job_id: int = Field(foreign_key="jobs.id", index=True)
    key: str = Field(max_length=60)  # "product:12", "assessment:40"
    ok: bool = True
    detail: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_dt: datetime = Field(default_factory=utcnow)
