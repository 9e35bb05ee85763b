from __future__ import annotations

import hmac
import secrets
from datetime import datetime
from typing import Optional

from flask_login import UserMixin
from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from ..timeutil import utcnow

from .roles import OrganisationKind, Role
# The largest object ID: keys are INTEGER columns, 32-bit on PostgreSQL ("integer out of range"
# beyond); SQLite would take up to 2**63 - 1 and raises OverflowError above that.
MAX_KEY = 2**31 - 1


def new_session_token() -> str:
    return secrets.token_hex(16)


def parse_session_id(session_id: str) -> tuple[int | None, str]:
    """(user id, session token) of what `User.get_id` returned; (None, "") if malformed."""
    user_id, _, token = (session_id or "").partition(":")
    if not (user_id.isascii() and user_id.isdigit()) or not token or int(user_id) > MAX_KEY:
        return None, ""
    return int(user_id), token


class Organisation(SQLModel, table=True):
    __tablename__ = "organisations"
    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    credit_code: str = Field(max_length=18, unique=True, index=True)
    address: str = Field(default="", max_length=300)
    kind: str = Field(default=OrganisationKind.MANUFACTURER, max_length=30)
    # IANA name; times are stored in UTC and shown in this zone (needs an Alembic migration)
    time_zone: str = Field(default="Asia/Shanghai", max_length=64)
    created_dt: datetime = Field(default_factory=utcnow)


class User(SQLModel, UserMixin, table=True):
    __tablename__ = "users"
    id: Optional[int] = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisations.id", index=True)
    email: str = Field(max_length=254, unique=True, index=True)
    name: str = Field(max_length=120)
    password_hash: str = Field(max_length=300)
    role: str = Field(default=Role.APPLICANT, max_length=20)
    locale: str = Field(default="", max_length=10)
    is_enabled: bool = True
    # Part of every session and remember cookie (see get_id); a new token ends all sessions.
    session_token: str = Field(default_factory=new_session_token, max_length=64)
    created_dt: datetime = Field(default_factory=utcnow)

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.is_enabled

    def get_id(self) -> str:  # Flask-Login: stored in the session and the remember cookie
        return f"{self.id}:{self.session_token}"

    def has_session_token(self, token: str) -> bool:
        return bool(self.session_token) and hmac.compare_digest(
            self.session_token.encode(), token.encode())

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


class Site(SQLModel, table=True):
    __tablename__ = "sites"
    id: Optional[int] = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisations.id", index=True)
    name: str = Field(max_length=200)
    address: str = Field(default="", max_length=300)
    grid_region: str = Field(max_length=20)
    annual_output: float = 0.0
    output_unit: str = Field(default="piece", max_length=30)
    land_area_m2: float = 0.0
    created_dt: datetime = Field(default_factory=utcnow)


class SiteYear(SQLModel, table=True):
    """A site's annual data for one calendar year (certs/annual_data.FIELDS), which green-factory
    indicators are computed from. `data` holds the fields given only: a missing field is "not
    given", never 0, so that an indicator that needs it says so instead of scoring a zero."""
    __tablename__ = "site_years"
    __table_args__ = (UniqueConstraint("site_id", "year"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    site_id: int = Field(foreign_key="sites.id")  # the unique (site_id, year) index serves lookups
    year: int
    data: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # Optimistic locking: a save names the lock_version it started from.
    lock_version: int = 1
    created_dt: datetime = Field(default_factory=utcnow)
    updated_dt: datetime = Field(default_factory=utcnow)
