from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel


class AuditEvent(SQLModel, table=True):
    """One state change: who did what to which object, before and after.

    Rows are only ever inserted (the database refuses UPDATE and DELETE). `hash` is the SHA-256
    of the canonical JSON of the row's other fields, `prev_hash` the hash of the row before, so
    that a changed, removed or reordered row breaks the chain at that point.
    """
    __tablename__ = "audit_events"
    id: int = Field(primary_key=True)  # assigned as previous + 1, so a gap shows a deletion
    created_dt: datetime
    actor_id: Optional[int] = Field(default=None, foreign_key="users.id")
    organisation_id: Optional[int] = Field(default=None, foreign_key="organisations.id",
                                           index=True)
    action: str = Field(max_length=60)  # "<object type>.<verb>", e.g. "product.update"
    object_type: str = Field(max_length=40)
    object_id: Optional[int] = None
    before: Optional[dict] = Field(default=None, sa_column=Column(JSON))
    after: Optional[dict] = Field(default=None, sa_column=Column(JSON))
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64, unique=True)

    def hashed_content(self) -> dict:
        return {"id": self.id, "created_dt": self.created_dt, "actor_id": self.actor_id,
                "organisation_id": self.organisation_id, "action": self.action,
                "object_type": self.object_type, "object_id": self.object_id,
                "before": self.before, "after": self.after, "prev_hash": self.prev_hash}
