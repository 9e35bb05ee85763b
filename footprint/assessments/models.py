from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import JSON, Column, Index, event
from sqlmodel import Field, SQLModel

from ..canonical import sha256_hex
from ..timeutil import utcnow


class Assessment(SQLModel, table=True):
    """Never updated after insert: inputs, results and the versions they rest on."""
    __tablename__ = "assessments"
    # The lists (a product's history, its latest result) filter on the product and sort newest
    # first: one index serves both, without reading the rows it skips (and every other lookup by
    # product, as its first column).
    __table_args__ = (Index("ix_assessments_product_id", "product_id", "created_dt", "id"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisations.id", index=True)
    product_id: int = Field(foreign_key="products.id")  # indexed with created_dt, id: above
    product_version: int = 1
    user_id: int = Field(foreign_key="users.id")
    created_dt: datetime = Field(default_factory=utcnow)
    spec: dict = Field(sa_column=Column(JSON, nullable=False))
    result: dict = Field(sa_column=Column(JSON, nullable=False))
    dataset_version: str = Field(max_length=32)
    carbon_total: float
    water_consumption_m3: float
    content_hash: str = Field(max_length=64)
    # SHA-256 of what lists show beside the content hash (operations.summary_hash): lists check
    # it instead of hashing the whole content, so they never read `spec` or `result`.
    summary_hash: str = Field(default="", max_length=64)


class AssessmentImmutable(RuntimeError):
    """An Assessment is a snapshot: it is stored once and never changed."""


@event.listens_for(Assessment, "before_update")
def _refuse_update(_mapper, _connection, target: Assessment) -> None:
    raise AssessmentImmutable(f"assessment {target.id} is immutable")


def summary_hash(assessment: Assessment) -> str:
    """SHA-256 of what lists show or filter on, bound to the content hash: a total changed in
    the database without the content is seen in a list without reading the content."""
    return sha256_hex({"content_hash": assessment.content_hash,
                       "organisation_id": assessment.organisation_id,
                       "product_id": assessment.product_id,
                       "product_version": assessment.product_version,
                       "dataset_version": assessment.dataset_version,
                       # float(): a total of 0 and its stored form 0.0 are one number
                       "carbon_total": float(assessment.carbon_total),
                       "water_consumption_m3": float(assessment.water_consumption_m3)})


@event.listens_for(Assessment, "before_insert")
def _summarise(_mapper, _connection, target: Assessment) -> None:
    """Every row gets its summary hash when it is stored (operations.run_assessment sets it
    itself; rows built elsewhere, as by the demo or tests, get it here)."""
    if not target.summary_hash:
        target.summary_hash = summary_hash(target)
