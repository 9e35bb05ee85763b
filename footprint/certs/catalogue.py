"""The criteria catalogue: every criteria version that was used or published, kept in the database.

A criteria version comes from a file under `datasets/criteria/` (loaded at start) or is published
by an admin from the web. Either way, once an application uses it (`keep`) or an admin publishes it
(`publish`), its YAML source is stored as a `CriteriaVersion` row, and from then on that row is
what `get` reads: a file edited or removed later never changes how an application is judged.

A family is one scheme (and, for green design, one product category): the key without its version.
New applications use the latest version of each family (`available`). Versions are ordered
naturally (`version_order`): split into runs of digits and of other characters, digit runs compared
as numbers, so "2025.10" comes after "2025.2". Publishing refuses a version that does not sort
above the family's latest, so that "latest" is never ambiguous.

Functions flush; the caller commits.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Optional

from sqlalchemy import Column, Text, func, text
from sqlmodel import Field, Session, SQLModel, select

from ..accounts.roles import Role
from ..audit.operations import record, snapshot
from ..errors import FootprintError, InputError, Location, NotAllowed
from ..timeutil import utcnow
from .criteria import Criteria, criteria_from_text
from .models import Application

# What an admin may paste or upload: the largest shipped file is about 15 KB.
MAX_SOURCE_BYTES = 256 * 1024
KEY_LENGTH = 120  # as Application.criteria_key
WEB_UPLOAD = "web upload"  # how a published text is named in its error messages
_CATALOGUE_LOCK = 0x46504354  # any constant: serialises keep and publish on PostgreSQL


class Origin(StrEnum):
    FILE = "file"  # a file under datasets/criteria/, stored when an application first used it
    WEB = "web"  # published by an admin from the web


class CriteriaVersion(SQLModel, table=True):
    """One criteria version as it was used or published; rows are never changed."""
    __tablename__ = "criteria_versions"
    id: Optional[int] = Field(default=None, primary_key=True)
    key: str = Field(max_length=KEY_LENGTH, unique=True)  # Criteria.key
    family: str = Field(max_length=120)  # the key without its version
    scheme: str = Field(max_length=30)
    version: str = Field(max_length=40)
    source: str = Field(sa_column=Column(Text, nullable=False))  # the YAML text, exactly
    sha256: str = Field(max_length=64)  # of the source as UTF-8
    origin: str = Field(max_length=10)  # Origin
    published_by_id: Optional[int] = Field(default=None, foreign_key="users.id")
    published_dt: datetime = Field(default_factory=utcnow)


class UnknownCriteria(FootprintError, LookupError):
    """No file and no stored row has this criteria key."""

    default_code = "unknown_criteria"


class CriteriaFileChanged(FootprintError):
    """A criteria file no longer holds what was stored (or loaded at start) under its version."""

    default_code = "criteria_file_changed"


@dataclass(frozen=True)
class CatalogueEntry:
    """One version for the admin list: its criteria and, once kept or published, its row."""
    criteria: Criteria
    row: CriteriaVersion | None

    @property
    def origin(self) -> str:
        return self.row.origin if self.row is not None else Origin.FILE


# --- ordering ----------------------------------------------------------------------------------

def version_order(version: str) -> tuple:
    """The natural sort key of a version: digit runs as numbers, other runs as text, a digit run
    before a text run at the same place ("2025.2" < "2025.10" < "2025.10a" < "2025.x")."""
    return tuple((0, int(run), "") if run.isdigit() else (1, 0, run)
                 for run in re.findall(r"\d+|\D+", version))


def family_of(criteria: Criteria) -> str:
    """The key without the version: the scheme, and the product category if it has one."""
    return criteria.key.removesuffix("/" + criteria.version)


def _latest(candidates) -> Criteria:
    # the raw text breaks ties ("1.0" and "1.00" sort alike), so the choice never depends on order
    return max(candidates, key=lambda c: (version_order(c.version), c.version))


# --- reads -------------------------------------------------------------------------------------

def _row(session: Session, key: str) -> CriteriaVersion | None:
    return session.exec(select(CriteriaVersion).where(CriteriaVersion.key == key)).first()


def _rows(session: Session) -> list[CriteriaVersion]:
    return list(session.exec(select(CriteriaVersion).order_by(CriteriaVersion.id)))


@lru_cache(maxsize=64)
def _parsed(key: str, sha256: str, source: str) -> Criteria:
    """A stored source, parsed once per content (Criteria is immutable, so sharing is safe)."""
    return criteria_from_text(source, f"stored criteria {key}")


def _criteria_of(row: CriteriaVersion) -> Criteria:
    return _parsed(row.key, row.sha256, row.source)


def _every_version(session: Session, files: dict[str, Criteria]) -> dict[str, Criteria]:
    """Files and stored rows together by key; a stored row wins, being what was used."""
    return {**files, **{row.key: _criteria_of(row) for row in _rows(session)}}


def get(session: Session, key: str, files: dict[str, Criteria]) -> Criteria:
    """The criteria of `key`: the stored version if there is one, else the file loaded at start
    (`files`: app.extensions["criteria"])."""
    row = _row(session, key)
    if row is not None:
        return _criteria_of(row)
    if key in files:
        return files[key]
    raise UnknownCriteria(f"no criteria version {key}", location=Location(field="criteria_key"),
                          key=key)


def available(session: Session, files: dict[str, Criteria]) -> list[Criteria]:
    """For a new application: the latest version of each family, by family."""
    by_family: dict[str, list[Criteria]] = {}
    for criteria in _every_version(session, files).values():
        by_family.setdefault(family_of(criteria), []).append(criteria)
    return [_latest(by_family[family]) for family in sorted(by_family)]


def versions(session: Session, files: dict[str, Criteria]) -> list[CatalogueEntry]:
    """Every version, files and stored rows together: by family, the latest first."""
    rows = {row.key: row for row in _rows(session)}
    entries = [CatalogueEntry(criteria, rows.get(key))
               for key, criteria in _every_version(session, files).items()]
    entries.sort(key=lambda e: (version_order(e.criteria.version), e.criteria.version),
                 reverse=True)
    entries.sort(key=lambda e: family_of(e.criteria))  # stable: keeps the versions' order
    return entries


def applications_by_key(session: Session) -> dict[str, int]:
    """How many applications (every version of each) record each criteria key."""
    return dict(session.exec(select(Application.criteria_key, func.count())
                             .group_by(Application.criteria_key)).all())


def source_of(session: Session, key: str, files_dir: Path | str) -> str:
    """The YAML text of a version: as stored, or else of its file as it is now."""
    row = _row(session, key)
    if row is not None:
        return row.source
    on_disk = _files_on_disk(files_dir).get(key)
    if on_disk is None:
        raise UnknownCriteria(f"no criteria version {key}", location=Location(field="key"),
                              key=key)
    return on_disk[1]


def _files_on_disk(files_dir: Path | str) -> dict[str, tuple[Criteria, str]]:
    """Each criteria file as it is now, by key: its criteria and its text (a malformed file is
    refused with its name, item and field, as at start)."""
    found = {}
    for path in sorted(Path(files_dir).glob("*.yaml")):
        source = path.read_text(encoding="utf-8")
        criteria = criteria_from_text(source, str(path))
        found[criteria.key] = (criteria, source)
    return found


# --- writes ------------------------------------------------------------------------------------

def _sha256(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


def _serialise(session: Session) -> None:
    """One keep or publish at a time on PostgreSQL, so that two cannot both find a key free (or
    a version the latest) and both insert. SQLite writers are serialised by its file lock, and
    the unique key refuses a second row."""
    if session.bind.dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CATALOGUE_LOCK})


def _store(session: Session, criteria: Criteria, source: str, origin: str,
           published_by_id: int | None) -> CriteriaVersion:
    row = CriteriaVersion(key=criteria.key, family=family_of(criteria), scheme=criteria.scheme,
                          version=criteria.version, source=source, sha256=_sha256(source),
                          origin=origin, published_by_id=published_by_id)
    session.add(row)
    session.flush()
    return row


def keep(session: Session, criteria: Criteria, files_dir: Path | str) -> CriteriaVersion:
    """Store the version an application is about to use, from its file, unless stored already.

    Refused (CriteriaFileChanged) when the file no longer holds what was stored under this key,
    or what was loaded at start: a changed file needs a new version."""
    _serialise(session)
    row = _row(session, criteria.key)
    if row is not None and row.origin == Origin.WEB:
        return row  # published from the web: there is no file
    on_disk = _files_on_disk(files_dir).get(criteria.key)
    if row is not None:
        if on_disk is not None and _sha256(on_disk[1]) != row.sha256:
            raise _changed(criteria.key, "differs from the version stored when it was first used")
        return row
    if on_disk is None:
        raise UnknownCriteria(f"no criteria file has version {criteria.key}",
                              location=Location(field="criteria_key"), key=criteria.key)
    file_criteria, source = on_disk
    if file_criteria != criteria:
        raise _changed(criteria.key, "differs from the version loaded at start")
    return _store(session, criteria, source, Origin.FILE, None)


def _changed(key: str, how: str) -> CriteriaFileChanged:
    return CriteriaFileChanged(f"criteria file changed without a new version: the file of {key} "
                               f"{how}; give the changed file a new version",
                               location=Location(field="criteria_key"), key=key)


def publish(session: Session, actor, source_text: str,
            files: dict[str, Criteria]) -> CriteriaVersion:
    """Store a new criteria version from its YAML text (admins only), with one audit event.

    The text passes the checks of a file at start (CriteriaError lists every problem, located as
    "web upload: item E-3.benchmark"); its key must be new, and its version must sort above the
    latest of its family (`version_order`)."""
    if actor is None or actor.role != Role.ADMIN or not actor.is_enabled:
        raise NotAllowed("only an admin may publish criteria", code="not_admin")
    if len(source_text.encode("utf-8")) > MAX_SOURCE_BYTES:
        raise InputError(f"is larger than {MAX_SOURCE_BYTES // 1024} KB",
                         code="criteria_too_large", location=_upload_location(""),
                         max_kb=MAX_SOURCE_BYTES // 1024)
    criteria = criteria_from_text(source_text, WEB_UPLOAD)
    if len(criteria.key) > KEY_LENGTH:
        raise InputError(f"scheme, product category and version together are longer than "
                         f"{KEY_LENGTH} characters", code="criteria_key_too_long",
                         location=_upload_location("product_category"), max=KEY_LENGTH)
    _serialise(session)
    every = _every_version(session, files)
    if criteria.key in every:
        raise InputError(f"version {criteria.version} of {family_of(criteria)} exists: give the "
                         "new version another number", code="criteria_version_exists",
                         location=_upload_location("version"), version=criteria.version,
                         family=family_of(criteria))
    same_family = [c for c in every.values() if family_of(c) == family_of(criteria)]
    if same_family:
        latest = _latest(same_family)
        if version_order(criteria.version) <= version_order(latest.version):
            raise InputError(f"version {criteria.version} does not come after the latest, "
                             f"{latest.version}", code="criteria_version_not_newer",
                             location=_upload_location("version"), version=criteria.version,
                             latest=latest.version)
    row = _store(session, criteria, source_text, Origin.WEB, actor.id)
    # The source itself stays out of the log: its sha256 in the event pins it.
    record(session, actor=actor, action="criteria.publish", obj=row,
           after={k: v for k, v in snapshot(row).items() if k != "source"})
    return row


def _upload_location(field: str) -> Location:
    return Location(field=field, path=f"{WEB_UPLOAD}: {field}" if field else WEB_UPLOAD)
