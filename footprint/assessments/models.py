from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import JSON, Column, event
from sqlmodel import Field, SQLModel

from ..timeutil import utcnow


class Assessment(SQLModel, table=True):
    """Never updated after insert: inputs, results and the versions they rest on."""
    __tablename__ = "assessments"
    id: Optional[int] = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisations.id", index=True)
    product_id: int = Field(foreign_key="products.id", index=True)
    product_version: int = 1
    user_id: int = Field(foreign_key="users.id")
    created_dt: datetime = Field(default_factory=utcnow)
    spec: dict = Field(sa_column=Column(JSON, nullable=False))
    result: dict = Field(sa_column=Column(JSON, nullable=False))
    dataset_version: str = Field(max_length=32)
    carbon_total: float
    water_consumption_m3: float
    content_hash: str = Field(max_length=64)


class AssessmentImmutable(RuntimeError):
    """An Assessment is a snapshot: it is stored once and never changed."""


@event.listens_for(Assessment, "before_update")
def _refuse_update(_mapper, _connection, target: Assessment) -> None:
    raise AssessmentImmutable(f"assessment {target.id} is immutable")
