"""Recording audit events (the one hook every operation calls) and checking the chain."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Iterable

from sqlalchemy import exists, text
from sqlmodel import Session, SQLModel, select

from ..canonical import canonical_json, sha256_hex
from ..timeutil import utcnow
from ..assessments.models import Assessment
from .models import AuditEvent

GENESIS_HASH = "0" * 64
# Never copied into the log: secrets stay in their own table.
SECRET_FIELDS = frozenset({"password_hash", "session_token"})
_CHAIN_LOCK = 0x46505243  # any constant: one advisory lock serialises the chain on PostgreSQL


def snapshot(obj: SQLModel | None) -> dict | None:
    """The object's stored fields as JSON-ready values, secrets left out."""
    if obj is None:
        return None
    fields = {k: v for k, v in obj.model_dump().items() if k not in SECRET_FIELDS}
    return json.loads(canonical_json(fields))


def record(session: Session, *, actor, action: str, obj: SQLModel | None = None,
           organisation_id: int | None = None, before: dict | None = None,
           after: dict | None = None, object_type: str | None = None,
           object_id: int | None = None) -> AuditEvent:
    """Append one event to the chain, in the caller's transaction, and notify the users it
    concerns (footprint.notifications).

    `obj` gives the object type and id (and its organisation if it has one) unless they are
    passed. Call after the change is flushed: the transaction then holds the write lock, so no
    other writer can append between reading the last row and inserting this one.
    """
    if session.bind.dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CHAIN_LOCK})
    last = session.exec(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).first()
    if organisation_id is None and obj is not None:
        organisation_id = getattr(obj, "organisation_id", None)
    event = AuditEvent(
        id=(last.id + 1) if last else 1,
        created_dt=utcnow(),
        actor_id=getattr(actor, "id", None), organisation_id=organisation_id,
        action=action, object_type=object_type or action.split(".", 1)[0],
        object_id=object_id if object_id is not None else getattr(obj, "id", None),
        before=before, after=after,
        prev_hash=last.hash if last else GENESIS_HASH, hash="")
    event.hash = sha256_hex(event.hashed_content())
    session.add(event)
    session.flush()
    # Who is told is the notifications' business, not the log's. A direct call rather than a
    # registry of listeners: nothing has to be registered first, so no path (a CLI command, a
    # script, a test without the app) records an event that silently tells nobody. Imported
    # here: notifications read applications, whose operations import this module.
    from ..notifications.operations import notify

    notify(session, event)
    return event


def events_of(session: Session, object_type: str, object_id: int) -> list[AuditEvent]:
    return list(session.exec(select(AuditEvent).where(AuditEvent.object_type == object_type,
                                                      AuditEvent.object_id == object_id)
                             .order_by(AuditEvent.id)))


@dataclass(frozen=True)
class ChainCheck:
    count: int  # rows checked
    broken_id: int | None = None  # first row at which the chain breaks
    reason: str = ""
    head_hash: str = GENESIS_HASH  # hash of the last row checked

    @property
    def intact(self) -> bool:
        return self.broken_id is None


def verify(rows: Iterable[AuditEvent]) -> ChainCheck:
    """Walk the rows in id order: each must follow its predecessor and hash to its `hash`."""
    expected_id, prev_hash, count = 1, GENESIS_HASH, 0
    for row in rows:
        if row.id != expected_id:
            return ChainCheck(count, row.id, f"expected row {expected_id} before row {row.id}")
        if row.prev_hash != prev_hash:
            return ChainCheck(count, row.id, "does not follow the row before it")
        if sha256_hex(row.hashed_content()) != row.hash:
            return ChainCheck(count, row.id, "content does not match its hash")
        expected_id, prev_hash, count = row.id + 1, row.hash, count + 1
    return ChainCheck(count, head_hash=prev_hash)


def verify_database(session: Session, expect_head: str | None = None) -> ChainCheck:
    """The chain, then what anchors its end: every stored assessment (append-only) must have
    its creation event, and the head must be the one recorded earlier, if given (newest
    events deleted leave an intact but shorter chain)."""
    rows = session.exec(select(AuditEvent).order_by(AuditEvent.id)
                        .execution_options(yield_per=1000))
    try:
        check = verify(rows)
    finally:
        rows.close()  # a broken chain stops early: close the (server-side) cursor
    if not check.intact:
        return check
    unrecorded = session.exec(
        select(Assessment.id).where(~exists().where(
            AuditEvent.action == "assessment.create", AuditEvent.object_id == Assessment.id))
        .order_by(Assessment.id)).first()
    if unrecorded is not None:
        return ChainCheck(check.count, check.count + 1, f"assessment {unrecorded} has no "
                          "creation event: events after it were removed", check.head_hash)
    if expect_head and expect_head != check.head_hash:
        return ChainCheck(check.count, check.count + 1, f"the chain ends at {check.head_hash}, "
                          f"not at the expected head {expect_head}", check.head_hash)
    return check
