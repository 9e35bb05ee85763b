"""Evidence: what a file is (by content, never by name), the size cap, the private folder, the
rules of who may attach and remove what when, and the file following its row's transaction."""
from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlmodel import select

from footprint.audit.operations import events_of, verify_database
from footprint.certs import evidence as ev
from footprint.certs.evidence import Evidence
from footprint.errors import InputError, NotAllowed
from tests.certs.test_workflow import ITEM, PCF, in_state, world  # noqa: F401 (fixture)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 100
HTML = b"\n<!DOCTYPE html><html><script>alert(1)</script></html>"


def xlsx_bytes() -> bytes:
    workbook = Workbook()
    workbook.active.append(["electricity", 1200, "kWh"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx_like() -> bytes:
    return zip_bytes({"[Content_Types].xml": b'<Types><Override ContentType="application/'
                      b'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
                      b"</Types>"})


@pytest.mark.parametrize("content, media_type", [
    (PDF, "application/pdf"), (PNG, "image/png"), (JPEG, "image/jpeg"),
    (xlsx_bytes(), ev.XLSX),
    (EXE, None), (HTML, None), (b"a,b\n1,2\n", None), (zip_bytes({"a.txt": b"x"}), None),
    (docx_like(), None), (b"PK\x03\x04 not really a zip", None), (b" %PDF-1.4", None),
    (b"\x89PNG\r\n\x1a", None),  # a PNG signature cut short
])
def test_the_content_decides_the_type(content, media_type):
    assert ev.media_type_of(io.BytesIO(content)) == media_type


def test_a_macro_enabled_workbook_is_not_a_spreadsheet():
    declared = (b'<Types><Override ContentType="application/vnd.ms-excel.sheet.macroEnabled.main'
                b'+xml"/></Types>')
    assert ev.media_type_of(io.BytesIO(zip_bytes({"[Content_Types].xml": declared}))) is None


def test_an_oversized_content_types_part_is_not_read():
    padding = b" " * (ev.MAX_CONTENT_TYPES_BYTES + 1)
    content = zip_bytes({"[Content_Types].xml": ev.WORKBOOK_CONTENT_TYPE + padding})
    assert ev.media_type_of(io.BytesIO(content)) is None


@pytest.mark.parametrize("head, kind", [
    (EXE, "program"), (b"\x7fELF\x02\x01", "program"), (HTML, "markup"),
    (b"\xef\xbb\xbf<svg onload=x>", "markup"), (zip_bytes({"a": b"x"}), "zip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00", "legacy_office"), (b"a,b\n1,2", "text"),
    (b"\x00\xff\xfe\x80", "unknown"),
])
def test_refused_content_is_described(head, kind):
    assert ev.looks_like(head) == kind


@pytest.mark.parametrize("name, shown", [
    ("report.pdf", "report.pdf"), ("C:\\Users\\li\\审核报告.pdf", "审核报告.pdf"),
    ("../../etc/passwd", "passwd"), ("a\x07b\u202e.pdf", "ab.pdf"), ("", "evidence"),
    (None, "evidence"), ("...", "evidence"),
    ("x" * 300 + ".xlsx", "x" * (ev.MAX_FILENAME - 5) + ".xlsx"),
    ("y" * 300, "y" * ev.MAX_FILENAME),
])
def test_the_uploaded_name_is_cleaned_for_display(name, shown):
    assert ev.clean_filename(name) == shown
    assert len(ev.clean_filename(name)) <= ev.MAX_FILENAME


class CountingStream(io.RawIOBase):
    """An endless stream of PDF-looking bytes that counts what was read."""

    def __init__(self):
        self.read_bytes = 0

    def readable(self):
        return True

    def read(self, size=-1):
        assert size is not None and size >= 0, "an unbounded read"
        self.read_bytes += size
        return (b"%PDF-" + b"0" * size)[:size]


def test_an_oversized_upload_is_refused_after_reading_just_past_the_cap(tmp_path):
    stream = CountingStream()
    with pytest.raises(InputError) as refused:
        ev._receive(stream, "big.pdf", tmp_path, max_bytes=100_000)
    assert refused.value.code == "evidence_too_large"
    assert refused.value.params == {"filename": "big.pdf", "max_bytes": 100_000}
    assert stream.read_bytes == 100_001
    assert list(tmp_path.iterdir()) == []  # no half file left


def test_a_file_of_exactly_the_cap_is_accepted(tmp_path):
    content = PDF + b"0" * (1000 - len(PDF))
    path, media_type, size, sha256 = ev._receive(io.BytesIO(content), "a.pdf", tmp_path, 1000)
    assert (media_type, size, path.read_bytes()) == ("application/pdf", 1000, content)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(tmp_path.stat().st_mode) == 0o700


@pytest.mark.parametrize("content, code", [(b"", "evidence_empty"),
                                           (EXE, "evidence_type_refused"),
                                           (HTML, "evidence_type_refused")])
def test_empty_and_refused_content_leaves_nothing(tmp_path, content, code):
    with pytest.raises(InputError) as refused:
        ev._receive(io.BytesIO(content), "scan.pdf", tmp_path, 1000)
    assert refused.value.code == code
    assert refused.value.params["filename"] == "scan.pdf"
    assert "scan.pdf" in str(refused.value)
    assert list(tmp_path.iterdir()) == []


# --- operations ---------------------------------------------------------------------------------

def attach(w, application, content=PDF, name="report.pdf", item_id=ITEM, actor="applicant",
           **options):
    return ev.add_evidence(w["session"], w["users"][actor], application, criteria=PCF,
                           item_id=item_id, upload_stream=io.BytesIO(content), filename=name,
                           **{"store_dir": w["store"], "max_bytes": 10_000, **options})


@pytest.fixture
def w(world, tmp_path):
    return {**world, "store": tmp_path / "evidence"}


def stored_files(w) -> list[Path]:
    return sorted(w["store"].iterdir()) if w["store"].exists() else []


def test_evidence_is_added_to_a_draft_item_with_its_audit_event(w):
    application, _ = in_state(w, "draft")
    evidence = attach(w, application, content=PNG, name="../照片.png.exe")
    w["session"].commit()
    assert (evidence.media_type, evidence.size, evidence.filename) == (
        "image/png", len(PNG), "照片.png.exe")
    assert stored_files(w) == [w["store"] / evidence.stored_name]
    assert (w["store"] / evidence.stored_name).read_bytes() == PNG
    assert stat.S_IMODE(w["store"].stat().st_mode) == 0o700
    [event] = events_of(w["session"], "evidence", evidence.id)
    assert (event.action, event.after["sha256"]) == ("evidence.add", evidence.sha256)
    assert event.organisation_id == application.organisation_id
    assert verify_database(w["session"]).intact
    assert ev.evidence_of(w["session"], application) == {ITEM: [evidence]}


@pytest.mark.parametrize("actor, state, code", [
    ("stranger", "draft", "other_organisation"), ("evaluator", "draft", "wrong_role"),
    ("admin", "draft", "wrong_role"), ("applicant", "submitted", "wrong_state"),
    ("applicant", "in_evaluation", "wrong_state"),
])
def test_only_the_applicant_adds_to_their_own_draft(w, actor, state, code):
    application, _ = in_state(w, state)
    with pytest.raises(NotAllowed) as refused:
        attach(w, application, actor=actor)
    assert refused.value.code == code
    assert stored_files(w) == []


def test_the_item_must_be_one_of_the_criteria(w):
    application, _ = in_state(w, "draft")
    with pytest.raises(InputError) as refused:
        attach(w, application, item_id="Z-99")
    assert (refused.value.code, refused.value.field) == ("unknown_item", "item_id")
    assert stored_files(w) == []


def test_a_refused_file_names_itself_and_stores_nothing(w):
    application, _ = in_state(w, "draft")
    with pytest.raises(InputError) as refused:
        attach(w, application, content=EXE, name="invoice.pdf")
    assert refused.value.params == {"filename": "invoice.pdf", "looks_like": "program"}
    assert stored_files(w) == []
    assert w["session"].exec(select(Evidence)).all() == []


def test_a_rolled_back_upload_leaves_no_file(w):
    application, _ = in_state(w, "draft")
    attach(w, application)
    assert len(stored_files(w)) == 1
    w["session"].rollback()
    assert stored_files(w) == []


def test_a_savepoint_rolled_back_removes_its_file_only(w):
    session = w["session"]
    application, _ = in_state(w, "draft")
    kept = attach(w, application, name="kept.pdf")
    savepoint = session.begin_nested()
    attach(w, application, name="dropped.pdf")
    savepoint.rollback()
    assert stored_files(w) == [w["store"] / kept.stored_name]
    session.commit()
    assert stored_files(w) == [w["store"] / kept.stored_name]


def test_a_removed_file_goes_only_once_the_removal_is_committed(w):
    session = w["session"]
    application, _ = in_state(w, "draft")
    evidence = attach(w, application)
    session.commit()
    path = w["store"] / evidence.stored_name
    ev.remove_evidence(session, w["users"]["applicant"], evidence, store_dir=w["store"])
    assert path.exists()
    session.rollback()  # the removal failed: the row and its file stay
    assert path.exists() and session.get(Evidence, evidence.id) is not None
    ev.remove_evidence(session, w["users"]["applicant"], evidence, store_dir=w["store"])
    session.commit()
    assert not path.exists()
    assert session.get(Evidence, evidence.id) is None
    assert [e.action for e in events_of(session, "evidence", evidence.id)] == [
        "evidence.add", "evidence.remove"]
    assert verify_database(session).intact


def test_evidence_is_not_removed_once_submitted(w):
    session = w["session"]
    application, _ = in_state(w, "draft")
    evidence = attach(w, application)
    session.commit()
    from footprint.certs import operations as ops

    ops.submit(session, w["users"]["applicant"], application, criteria=PCF)
    session.commit()
    with pytest.raises(NotAllowed) as refused:
        ev.remove_evidence(session, w["users"]["applicant"], evidence, store_dir=w["store"])
    assert refused.value.code == "wrong_state"
    assert (w["store"] / evidence.stored_name).exists()


def test_a_finding_answer_takes_evidence_while_it_may_be_answered(w):
    session = w["session"]
    application, finding = in_state(w, "in_evaluation")
    evidence = ev.add_finding_evidence(
        session, w["users"]["applicant"], finding, upload_stream=io.BytesIO(JPEG),
        filename="meter.jpg", store_dir=w["store"], max_bytes=10_000)
    session.commit()
    assert (evidence.finding_id, evidence.item_id, evidence.application_id) == (
        finding.id, finding.item_id, application.id)
    assert ev.evidence_of_finding(session, finding) == [evidence]
    assert ev.evidence_of(session, application) == {}  # criteria evidence only
    with pytest.raises(NotAllowed) as refused:
        ev.add_finding_evidence(session, w["users"]["evaluator"], finding,
                                upload_stream=io.BytesIO(JPEG), filename="x.jpg",
                                store_dir=w["store"], max_bytes=10_000)
    assert refused.value.code == "wrong_role"


@pytest.mark.parametrize("state", ["approved", "withdrawn"])
def test_no_finding_evidence_after_the_decision_or_withdrawal(w, state):
    _, finding = in_state(w, state) if state == "approved" else (None, None)
    if finding is None:
        application, finding = in_state(w, "in_evaluation")
        from footprint.certs import operations as ops

        ops.withdraw(w["session"], w["users"]["applicant"], application)
    with pytest.raises(NotAllowed) as refused:
        ev.add_finding_evidence(w["session"], w["users"]["applicant"], finding,
                                upload_stream=io.BytesIO(PDF), filename="late.pdf",
                                store_dir=w["store"], max_bytes=10_000)
    assert refused.value.code == "wrong_state"
    assert stored_files(w) == []


def test_earlier_versions_evidence_still_counts(w):
    session = w["session"]
    from footprint.certs import operations as ops

    application, _ = in_state(w, "draft")
    evidence = attach(w, application)
    ops.submit(session, w["users"]["applicant"], application, criteria=PCF)
    ops.take(session, w["users"]["evaluator"], application)
    ops.request_changes(session, w["users"]["evaluator"], application)
    newer = ops.resubmit(session, w["users"]["applicant"], application, criteria=PCF)
    session.commit()
    assert ev.evidence_of(session, newer) == {ITEM: [evidence]}
    assert ev.evidence_of(session, application) == {ITEM: [evidence]}


def test_the_dossier_sees_the_evidence_for_the_precheck(w):
    from footprint.certs.dossier import gather

    application, _ = in_state(w, "draft")
    assert gather(w["session"], application, PCF).evidence == {}
    evidence = attach(w, application)
    assert gather(w["session"], application, PCF).evidence == {ITEM: [evidence]}


def test_a_session_closed_without_commit_leaves_no_file(w):
    application, _ = in_state(w, "draft")
    attach(w, application)
    w["session"].close()  # a request that ended on an error without committing
    assert stored_files(w) == []


def test_a_removal_in_a_released_savepoint_waits_for_the_outer_commit(w):
    session = w["session"]
    application, _ = in_state(w, "draft")
    evidence_id = attach(w, application).id
    session.commit()
    path = w["store"] / session.get(Evidence, evidence_id).stored_name
    for end in (session.rollback, session.commit):
        # a write first: SQLite's driver begins the transaction only at a write, and a
        # savepoint released outside a transaction would commit
        attach(w, application, name="other.pdf")
        with session.begin_nested():
            ev.remove_evidence(session, w["users"]["applicant"],
                               session.get(Evidence, evidence_id), store_dir=w["store"])
        assert path.exists()  # released, not committed
        end()
    assert not path.exists()
    assert session.get(Evidence, evidence_id) is None
    assert [e.filename for e in session.exec(select(Evidence))] == ["other.pdf"]
    assert len(stored_files(w)) == 1
