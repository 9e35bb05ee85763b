"""Certificates issued on approval: the signed facts, and a status that may change.

What was signed (the payload, its canonical text, the signature, the key) and what it is about
never change after insert, and a certificate is never deleted: `_refuse_signed_changes` refuses
it in the ORM. The status columns change through the lifecycle (suspend, withdraw, supersede);
"expired" is not stored but read from valid_until (`operations.status_of`). The lifecycle is
footprint.certificates.lifecycle.
"""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Optional

from sqlalchemy import JSON, Column, Text, event, inspect
from sqlmodel import Field, SQLModel

from ..errors import Immutable
from ..timeutil import utcnow


class CertificateStatus(StrEnum):
    VALID = "valid"
    SUSPENDED = "suspended"
    WITHDRAWN = "withdrawn"
    SUPERSEDED = "superseded"
    EXPIRED = "expired"  # computed at read time from valid_until, never stored


class Certificate(SQLModel, table=True):
    __tablename__ = "certificates"
    id: Optional[int] = Field(default=None, primary_key=True)
    public_id: str = Field(max_length=40, unique=True, index=True)
    # The approved application version it certifies. A correction is a new certificate of the
    # same application, so several may name it; one at most is current (valid or suspended):
    # issuing supersedes the one before (lifecycle.supersede_previous).
    application_id: int = Field(foreign_key="applications.id", index=True)
    organisation_id: int = Field(foreign_key="organisations.id", index=True)
    product_id: Optional[int] = Field(default=None, foreign_key="products.id")
    site_id: Optional[int] = Field(default=None, foreign_key="sites.id")
    assessment_id: Optional[int] = Field(default=None, foreign_key="assessments.id")
    scheme: str = Field(max_length=30)
    status: str = Field(default=CertificateStatus.VALID, max_length=20)
    issued_dt: datetime = Field(default_factory=utcnow)
    valid_from: date
    valid_until: date  # the last day it is valid
    payload: dict = Field(sa_column=Column(JSON, nullable=False))
    payload_canonical: str = Field(sa_column=Column(Text, nullable=False))  # the signed text
    signature: str = Field(max_length=120)  # base64 Ed25519 signature of payload_canonical
    key_id: str = Field(max_length=16)
    pdf_sha256: Optional[str] = Field(default=None, max_length=64)
    pdf_name: Optional[str] = Field(default=None, max_length=200)  # file in CERTIFICATES_DIR
    superseded_by_id: Optional[int] = Field(default=None, foreign_key="certificates.id")
    status_reason: str = Field(default="", max_length=4000)
    status_dt: Optional[datetime] = None  # the last status change; None: as issued
    restore_until: Optional[date] = None  # a suspension: the date by which it must be lifted
    surveillance_due: Optional[date] = None
    lock_version: int = 1


# Fixed at issue: what was signed and what it is about.
SIGNED_COLUMNS = ("public_id", "application_id", "organisation_id", "product_id", "site_id",
                  "assessment_id", "scheme", "issued_dt", "valid_from", "valid_until", "payload",
                  "payload_canonical", "signature", "key_id")
# Written once, by the PDF step after issue: from empty to a value, never after.
WRITE_ONCE_COLUMNS = ("pdf_sha256", "pdf_name")


def _load_before_set(_target, value, _old, _initiator):
    return value


# active_history: setting a write-once column loads its stored value first (even when the
# object was expired), so the check below sees what it replaces.
for _name in WRITE_ONCE_COLUMNS:
    event.listen(getattr(Certificate, _name), "set", _load_before_set, active_history=True,
                 retval=True)


@event.listens_for(Certificate, "before_update")
def _refuse_signed_changes(_mapper, _connection, target: Certificate) -> None:
    state = inspect(target)
    for name in SIGNED_COLUMNS:
        if state.attrs[name].history.has_changes():
            raise Immutable(f"certificate {target.public_id}: {name} is signed and never "
                            "changes", field=name)
    for name in WRITE_ONCE_COLUMNS:
        history = state.attrs[name].history
        if history.has_changes() and any(old is not None for old in history.deleted):
            raise Immutable(f"certificate {target.public_id}: {name} is set once", field=name)


@event.listens_for(Certificate, "before_delete")
def _refuse_delete(_mapper, _connection, target: Certificate) -> None:
    raise Immutable(f"certificate {target.public_id} is never deleted: withdraw it")
