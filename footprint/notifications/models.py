from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlmodel import Field, SQLModel

from ..timeutil import utcnow


class Notification(SQLModel, table=True):
    """One user told about one audit event. What happened (action, actor, object, time) is the
    event's and is not copied; only the recipient's own state (read or not) is kept here."""
    __tablename__ = "notifications"
    id: Optional[int] = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    audit_event_id: int = Field(foreign_key="audit_events.id")
    # The application to link to (for a finding: its application's latest version).
    application_id: Optional[int] = Field(default=None, foreign_key="applications.id",
                                          index=True)
    created_dt: datetime = Field(default_factory=utcnow)
    read_dt: Optional[datetime] = None
