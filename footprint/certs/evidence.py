"""Evidence: files the applicant attaches to a criterion of a draft, or to a finding's answer.

What a file is, is decided by its content, never by its name: PDF, PNG, JPEG and XLSX are
accepted (recognised by their signatures; XLSX by the content types its zip declares). CSV and
plain text are not: text cannot be told apart from HTML, SVG or a script by its content, so a
table is sent as XLSX or PDF. The stream is read in chunks up to the size cap, never further.

Files live outside the web root in a private folder (0700, files 0600) under a random name. A file
is written to a temporary name and renamed once its content is accepted, so a refused or broken
upload leaves nothing behind. The row and the file agree after the transaction ends: a file
added in a transaction that rolls back is removed, and a removed evidence's file is deleted only
once the removal is committed (see the session events below).
"""
from __future__ import annotations

import hashlib
import logging
import os
import secrets
import tempfile
import unicodedata
import zipfile
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, Optional

from sqlalchemy import event, inspect
from sqlmodel import Field, Session, SQLModel, select

from ..audit.operations import record, snapshot
from ..config import ensure_instance
from ..errors import InputError, Location
from ..timeutil import utcnow
from .criteria import Criteria
from .findings import _current
from .models import Application, Finding, FindingState
from .operations import versions
from .workflow import check

log = logging.getLogger(__name__)

PDF, PNG, JPEG = "application/pdf", "image/png", "image/jpeg"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MEDIA_TYPES = (PDF, PNG, JPEG, XLSX)
DEFAULT_MAX_BYTES = 10 * 2**20
MAX_FILENAME = 120  # characters of the uploaded name kept for display
CHUNK = 64 * 2**10
SNIFF_BYTES = 512  # what the signatures and the "looks like" guesses read
MAX_ZIP_ENTRIES = 10_000  # more parts than any workbook: not read further
MAX_CONTENT_TYPES_BYTES = 2**20  # [Content_Types].xml of a real workbook is a few KB
WORKBOOK_CONTENT_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


class Evidence(SQLModel, table=True):
    __tablename__ = "evidence"
    id: Optional[int] = Field(default=None, primary_key=True)
    application_id: int = Field(foreign_key="applications.id", index=True)  # version uploaded to
    item_id: Optional[str] = Field(default=None, max_length=20)  # criteria Item.id
    finding_id: Optional[int] = Field(default=None, foreign_key="findings.id", index=True)
    filename: str = Field(max_length=MAX_FILENAME)  # the uploaded name, cleaned for display
    media_type: str = Field(max_length=100)  # detected from the content
    size: int
    sha256: str = Field(max_length=64)
    stored_name: str = Field(max_length=64, unique=True)
    uploaded_by_id: int = Field(foreign_key="users.id")
    created_dt: datetime = Field(default_factory=utcnow)


# --- content ------------------------------------------------------------------------------------

def media_type_of(file: BinaryIO) -> str | None:
    """The accepted media type the content is, or None. `file` is seekable, at any position."""
    file.seek(0)
    head = file.read(8)
    if head.startswith(b"%PDF-"):
        return PDF
    if head == b"\x89PNG\r\n\x1a\n":
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04") and _is_workbook(file):
        return XLSX
    return None


def _is_workbook(file: BinaryIO) -> bool:
    """A zip whose [Content_Types].xml declares a spreadsheet workbook (not macro-enabled: that
    one declares another type). Only that one small part is read."""
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            if len(archive.infolist()) > MAX_ZIP_ENTRIES:
                return False
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > MAX_CONTENT_TYPES_BYTES:
                return False
            with archive.open(info) as part:
                declared = part.read(MAX_CONTENT_TYPES_BYTES + 1)
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, NotImplementedError,
            RuntimeError):  # RuntimeError: an encrypted part
        return False
    return len(declared) <= MAX_CONTENT_TYPES_BYTES and WORKBOOK_CONTENT_TYPE in declared


def looks_like(head: bytes) -> str:
    """What refused content appears to be, for the message: a code the web layer words."""
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"MZ") or head.startswith(b"\x7fELF"):
        return "program"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "legacy_office"
    if stripped.startswith((b"<!doctype html", b"<html", b"<script", b"<svg", b"<?xml")):
        return "markup"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return "unknown"
    return "text"


def clean_filename(name: str | None) -> str:
    """The uploaded name for display: the last path part, without control characters, at most
    MAX_FILENAME characters with the extension kept."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip(" .")
    if len(name) > MAX_FILENAME:
        stem, dot, extension = name.rpartition(".")
        extension = extension[:16] if dot and stem else ""
        keep = MAX_FILENAME - len(extension) - (1 if extension else 0)
        name = f"{name[:keep].rstrip()}.{extension}" if extension else name[:MAX_FILENAME]
    return name or "evidence"


# --- storage ------------------------------------------------------------------------------------

def _refuse(code: str, message: str, **params) -> InputError:
    return InputError(message, code=code, location=Location(field="file"), **params)


def _receive(stream: BinaryIO, filename: str, store_dir: Path,
             max_bytes: int) -> tuple[Path, str, int, str]:
    """Copy the stream into a private temporary file in `store_dir`, reading at most
    max_bytes + 1 bytes; check its content. (temporary path, media type, size, sha256), or
    InputError with the temporary file gone."""
    ensure_instance(store_dir)  # the instance folder's rule: private to its owner (0700)
    fd, temporary = tempfile.mkstemp(dir=store_dir, prefix=".upload-")  # mode 0600
    path = Path(temporary)
    try:
        digest, size = hashlib.sha256(), 0
        with os.fdopen(fd, "w+b") as handle:
            while chunk := stream.read(min(CHUNK, max_bytes + 1 - size)):
                size += len(chunk)
                if size > max_bytes:
                    raise _refuse("evidence_too_large", f"{filename} is larger than "
                                  f"{max_bytes} bytes", filename=filename, max_bytes=max_bytes)
                digest.update(chunk)
                handle.write(chunk)
            if size == 0:
                raise _refuse("evidence_empty", f"{filename} is empty", filename=filename)
            handle.flush()
            os.fsync(handle.fileno())
            media_type = media_type_of(handle)
            if media_type is None:
                handle.seek(0)
                kind = looks_like(handle.read(SNIFF_BYTES))
                raise _refuse("evidence_type_refused", f"{filename} is not a PDF, PNG, JPEG or "
                              f"XLSX file: its content looks like {kind}", filename=filename,
                              looks_like=kind)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path, media_type, size, digest.hexdigest()


def _store(session: Session, actor, application: Application, *, item_id: str | None,
           finding: Finding | None, upload_stream: BinaryIO, filename: str | None,
           store_dir: Path | str, max_bytes: int) -> Evidence:
    """Receive the file, move it to its random name, add the row and its audit event."""
    store_dir = Path(store_dir)
    shown_name = clean_filename(filename)
    temporary, media_type, size, sha256 = _receive(upload_stream, shown_name, store_dir,
                                                   max_bytes)
    stored_name = secrets.token_hex(16)
    evidence = Evidence(application_id=application.id, item_id=item_id,
                        finding_id=finding.id if finding else None, filename=shown_name,
                        media_type=media_type, size=size, sha256=sha256,
                        stored_name=stored_name, uploaded_by_id=actor.id)
    final = store_dir / stored_name
    # Listed before the file takes its name: from here on the transaction's end decides.
    _pending(session, "added").append((evidence, final))
    try:
        os.replace(temporary, final)
    except OSError:
        temporary.unlink(missing_ok=True)
        raise
    session.add(evidence)
    session.flush()
    record(session, actor=actor, action="evidence.add", obj=evidence,
           organisation_id=application.organisation_id, after=snapshot(evidence))
    return evidence


# --- the row and the file agree when the transaction ends ---------------------------------------

def _pending(session: Session, kind: str) -> list:
    return session.info.setdefault(f"evidence_files_{kind}", [])


def _row_stays(evidence: Evidence) -> bool:
    return inspect(evidence).persistent


def _unlink(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError as error:  # the row is settled; an orphan file only takes space
        log.warning("could not remove evidence file %s: %s", path, error)


@event.listens_for(Session, "after_commit")
def _remove_files_of_committed_removals(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint released: the outer transaction decides
        return
    for _evidence, path in session.info.pop("evidence_files_removed", []):
        _unlink(path)
    session.info.pop("evidence_files_added", None)  # their rows are stored: the files stay


@event.listens_for(Session, "after_transaction_end")
def _settle_files(session: Session, transaction) -> None:
    """A transaction or savepoint ended without its rows stored (rolled back, or the session
    closed): the files of the rows it added go, and its removals are forgotten. What an outer
    transaction still holds waits for that one's end."""
    added = session.info.get("evidence_files_added", [])
    for evidence, path in added:
        if not _row_stays(evidence):
            _unlink(path)
    outermost = transaction.parent is None
    added[:] = [] if outermost else [(e, p) for e, p in added if _row_stays(e)]
    removed = session.info.get("evidence_files_removed", [])
    removed[:] = [] if outermost else [(e, p) for e, p in removed if inspect(e).deleted]


# --- operations (flush; the caller commits) -----------------------------------------------------

def add_evidence(session: Session, actor, application: Application, *, criteria: Criteria,
                 item_id: str, upload_stream: BinaryIO, filename: str | None,
                 store_dir: Path | str, max_bytes: int = DEFAULT_MAX_BYTES) -> Evidence:
    """A file for one criterion of a draft, by an applicant of its organisation."""
    check("save_draft", actor, application)  # the applicant's own draft: the same rule
    if criteria.key != application.criteria_key:
        raise InputError("these are not the criteria of this application",
                         code="other_criteria", location=Location(field="criteria"))
    if item_id not in {item.id for item in criteria.items}:
        raise InputError(f"no item '{item_id}' in {criteria.key}", code="unknown_item",
                         location=Location(field="item_id"), item_id=item_id)
    return _store(session, actor, application, item_id=item_id, finding=None,
                  upload_stream=upload_stream, filename=filename, store_dir=store_dir,
                  max_bytes=max_bytes)


def add_finding_evidence(session: Session, actor, finding: Finding, *,
                         upload_stream: BinaryIO, filename: str | None, store_dir: Path | str,
                         max_bytes: int = DEFAULT_MAX_BYTES) -> Evidence:
    """A file with the answer to a finding, whenever the applicant may answer it; it belongs to
    the application's latest version (the one the certifiers are looking at)."""
    application = _current(session, actor, finding, "answer_finding",
                           {FindingState.OPEN, FindingState.ANSWERED})
    return _store(session, actor, application, item_id=finding.item_id, finding=finding,
                  upload_stream=upload_stream, filename=filename, store_dir=store_dir,
                  max_bytes=max_bytes)


def remove_evidence(session: Session, actor, evidence: Evidence, *,
                    store_dir: Path | str) -> None:
    """Remove evidence from a draft; the file is deleted once the removal is committed."""
    application = session.get(Application, evidence.application_id)
    check("save_draft", actor, application)
    before = snapshot(evidence)
    session.delete(evidence)
    session.flush()
    _pending(session, "removed").append((evidence, Path(store_dir) / evidence.stored_name))
    record(session, actor=actor, action="evidence.remove", object_type="evidence",
           object_id=before["id"], organisation_id=application.organisation_id, before=before)


# --- reads --------------------------------------------------------------------------------------

def evidence_of(session: Session, application: Application) -> dict[str, list[Evidence]]:
    """The criteria evidence of every version, by item id, oldest first: evidence uploaded to an
    earlier version still counts. Evidence given with findings' answers is not included."""
    ids = [v.id for v in versions(session, application)]
    grouped: dict[str, list[Evidence]] = {}
    for evidence in session.exec(select(Evidence).where(
            Evidence.application_id.in_(ids), Evidence.finding_id.is_(None))
            .order_by(Evidence.id)):
        grouped.setdefault(evidence.item_id, []).append(evidence)
    return grouped


def evidence_of_finding(session: Session, finding: Finding) -> list[Evidence]:
    return list(session.exec(select(Evidence).where(Evidence.finding_id == finding.id)
                             .order_by(Evidence.id)))

