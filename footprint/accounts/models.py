from __future__ import annotations

from datetime import datetime
from typing import Optional

from flask_login import UserMixin
from sqlmodel import Field, SQLModel

from ..timeutil import utcnow

ROLES = ("applicant", "certifier", "admin")
ORGANISATION_KINDS = ("manufacturer", "certification_body", "platform")


class Organisation(SQLModel, table=True):
    __tablename__ = "organisations"
    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    credit_code: str = Field(max_length=18, unique=True, index=True)
    address: str = Field(default="", max_length=300)
    kind: str = Field(default="manufacturer", max_length=30)
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
    role: str = Field(default="applicant", max_length=20)
    locale: str = Field(default="", max_length=10)
    is_enabled: bool = True
    created_dt: datetime = Field(default_factory=utcnow)

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.is_enabled

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


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
