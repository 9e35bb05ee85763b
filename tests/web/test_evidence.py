"""Evidence through the web: attach to a draft's criterion or a finding's answer, remove, and
download only as the access policy says, as a sandboxed attachment of the detected type."""
from __future__ import annotations

import io
import stat
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from flask import render_template
from sqlmodel import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from footprint import db
from footprint.accounts import operations as accounts
from footprint.audit.operations import events_of, verify_database
from footprint.certs import findings, operations as ops
from footprint.certs.evidence import Evidence
from footprint.certs.models import Application, Finding
from tests.certs.test_evidence import EXE, JPEG, PDF, PNG
from tests.certs.test_workflow import ITEM, PCF
from tests.helpers import add_line, login

CHINESE_NAME = "能源审计报告.pdf"


@pytest.fixture
def draft(app, client, applicant):
    """Organisation A's draft application 1 (PCF criteria), with assessment 1 of product 1."""
    add_line(client)
    assert client.post("/products/1/calculate").status_code == 302
    assert client.post("/applications/new", data={
        "criteria_key": PCF.key, "product_id": 1}).status_code == 302
    return 1


def user(app, email):
    with app.app_context():
        return accounts.find_user_by_email(db.session(), email)


def move(app, email, step):
    """Run one workflow step as the user (through the operations) and commit."""
    with app.app_context():
        session = db.session()
        actor = accounts.find_user_by_email(session, email)
        result = step(session, actor, session.get(Application, 1))
        session.commit()
        return result.id


def submit(app, applicant):
    def step(session, actor, application):
        ops.save_draft(session, actor, application, criteria=PCF,
                       answers={ITEM: {"answer": "yes"}}, assessment_id=1)
        return ops.submit(session, actor, application, criteria=PCF)
    move(app, applicant, step)


def raise_finding(app, certifier):
    """The certifier takes application 1 and raises a minor finding on ITEM."""
    def step(session, actor, application):
        ops.take(session, actor, application)
        return findings.raise_finding(session, actor, application, criteria=PCF, item_id=ITEM,
                                      kind="minor", text="show the meter readings",
                                      due_date=date.today() + timedelta(days=30))
    return move(app, certifier, step)


def upload(client, content=PDF, name="report.pdf", item_id=ITEM, application_id=1, **kwargs):
    # Encoded here, in memory: the test client would spool a large body to a temporary file
    # that it never closes (a ResourceWarning, which fails the run).
    boundary, body = encode_multipart({"item_id": item_id, "file": FileStorage(
        io.BytesIO(content), filename=name, content_type="application/octet-stream")})
    return client.post(f"/applications/{application_id}/evidence", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}", **kwargs)


def download(user_client, evidence_id: int):
    """The response, its body read and the file closed (a streamed response holds it open)."""
    response = user_client.get(f"/evidence/{evidence_id}")
    response.get_data()
    response.close()
    return response


def logged_in(app, email):
    other = app.test_client()
    assert login(other, email).status_code == 302
    return other


def rows(app) -> list[Evidence]:
    with app.app_context():
        return list(db.session().exec(select(Evidence).order_by(Evidence.id)))


def test_upload_to_a_draft_item_is_stored_privately_outside_the_web_root(app, client, draft):
    response = upload(client, content=PNG, name=CHINESE_NAME)
    assert response.status_code == 302
    assert response.location.endswith(f"/applications/1#item-{ITEM}")
    [evidence] = rows(app)
    assert (evidence.application_id, evidence.item_id, evidence.finding_id) == (1, ITEM, None)
    assert (evidence.media_type, evidence.filename) == ("image/png", CHINESE_NAME)
    folder = Path(app.config["EVIDENCE_DIR"])
    assert folder == Path(app.instance_path) / "evidence"
    path = folder / evidence.stored_name
    assert path.read_bytes() == PNG
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert list(folder.iterdir()) == [path]  # no temporary file left
    static = Path(app.static_folder).resolve()
    assert static not in path.resolve().parents
    assert not list(static.rglob(evidence.stored_name))
    with app.app_context():
        session = db.session()
        assert [e.action for e in events_of(session, "evidence", evidence.id)] == ["evidence.add"]
        assert verify_database(session).intact


def test_the_owner_downloads_a_sandboxed_attachment_of_the_detected_type(app, client, draft):
    upload(client, content=PNG, name=CHINESE_NAME)  # a PNG named .pdf: served as a PNG
    response = download(client, 1)
    assert response.status_code == 200
    assert response.data == PNG
    assert response.mimetype == "image/png"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote(CHINESE_NAME)}" in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "sandbox"
    assert "private" in response.headers["Cache-Control"]
    assert "no-store" in response.headers["Cache-Control"]


def test_an_ascii_name_is_given_as_is(app, client, draft):
    upload(client, name="energy audit 2025.pdf")
    disposition = download(client, 1).headers["Content-Disposition"]
    assert disposition == 'attachment; filename="energy audit 2025.pdf"'


def test_another_organisation_sees_nothing(app, client, draft, make_user):
    upload(client)
    stranger = logged_in(app, make_user("applicant"))
    assert download(stranger, 1).status_code == 404
    assert upload(stranger).status_code == 404
    assert stranger.post("/evidence/1/delete").status_code == 404
    assert len(rows(app)) == 1


def test_certifiers_see_evidence_once_submitted(app, client, applicant, draft, make_user):
    upload(client)
    certifier = logged_in(app, make_user("certifier"))
    assert download(certifier, 1).status_code == 404  # a draft is not theirs to see
    submit(app, applicant)
    response = download(certifier, 1)
    assert (response.status_code, response.data) == (200, PDF)
    assert upload(certifier).status_code == 403  # only applicants attach


def test_a_certifier_of_the_same_organisation_never_sees_it(app, client, applicant, draft):
    from werkzeug.security import generate_password_hash

    from footprint.accounts.models import User
    from footprint.accounts.roles import Role

    upload(client)
    submit(app, applicant)
    with app.app_context():  # never made by the accounts operations: the rule is checked anyway
        session = db.session()
        session.add(User(organisation_id=user(app, applicant).organisation_id,
                         email="inside@example.cn", name="inside", role=Role.CERTIFIER,
                         password_hash=generate_password_hash("correct horse 1")))
        session.commit()
    assert download(logged_in(app, "inside@example.cn"), 1).status_code == 404


def test_refused_content_is_named_in_the_message_and_nothing_is_kept(app, client, draft):
    response = upload(client, content=EXE, name="invoice.pdf", follow_redirects=True)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "“invoice.pdf” is not a PDF, PNG, JPEG or Excel (.xlsx) file" in page
    assert "a program" in page
    assert rows(app) == []
    assert list(Path(app.config["EVIDENCE_DIR"]).iterdir()) == []


def test_a_file_name_with_markup_is_shown_as_text(app, client, draft):
    response = upload(client, content=EXE, name="<img src=x onerror=alert(1)>.pdf",
                      follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "&lt;img src=x onerror=alert(1)&gt;.pdf" in page
    assert "<img src=x" not in page


def test_files_above_the_form_cap_and_up_to_the_evidence_cap_are_taken(app, client, draft):
    assert app.config["MAX_CONTENT_LENGTH"] < 3 * 2**20 < app.config["EVIDENCE_MAX_BYTES"]
    big = PDF + b"0" * (3 * 2**20)
    assert upload(client, content=big).status_code == 302
    assert [e.size for e in rows(app)] == [len(big)]


def test_a_file_over_the_evidence_cap_is_refused_in_words(app, client, draft):
    app.config["EVIDENCE_MAX_BYTES"] = 2**20
    response = upload(client, content=PDF + b"0" * 2**20, follow_redirects=True)
    assert "“report.pdf” is too large: at most 1 MB." in response.get_data(as_text=True)
    assert rows(app) == []
    far_too_large = upload(client, content=PDF + b"0" * 2 * 2**20)
    assert far_too_large.status_code == 413


@pytest.mark.parametrize("data, message", [
    ({"item_id": ITEM}, "Choose a file to attach."),
    ({"item_id": "Z-99", "file": (io.BytesIO(PDF), "a.pdf")}, "These criteria have no item Z-99."),
    ({"item_id": ITEM, "file": (io.BytesIO(b""), "empty.pdf")}, "“empty.pdf” is empty."),
])
def test_incomplete_uploads_say_what_is_missing(app, client, draft, data, message):
    response = client.post("/applications/1/evidence", data=data,
                           content_type="multipart/form-data", follow_redirects=True)
    assert message in response.get_data(as_text=True)
    assert rows(app) == []


def test_after_submission_only_a_finding_answer_takes_evidence(app, client, applicant, draft,
                                                                 make_user):
    submit(app, applicant)
    response = upload(client, follow_redirects=True)
    assert "Not possible while the application is in this state." in response.get_data(
        as_text=True)
    assert rows(app) == []
    certifier_email = make_user("certifier")
    finding_id = raise_finding(app, certifier_email)
    response = client.post(f"/findings/{finding_id}/evidence", data={
        "file": (io.BytesIO(JPEG), "meter.jpg")}, content_type="multipart/form-data")
    assert response.status_code == 302
    assert response.location.endswith(f"/applications/1#finding-{finding_id}")
    [evidence] = rows(app)
    assert (evidence.finding_id, evidence.item_id, evidence.media_type) == (
        finding_id, ITEM, "image/jpeg")
    certifier = logged_in(app, certifier_email)
    assert download(certifier, evidence.id).data == JPEG
    # a certifier does not answer findings
    assert certifier.post(f"/findings/{finding_id}/evidence", data={
        "file": (io.BytesIO(JPEG), "x.jpg")}, content_type="multipart/form-data"
    ).status_code == 403
    # answer evidence is part of the record: not removable
    assert client.post(f"/evidence/{evidence.id}/delete").status_code == 403
    with app.app_context():
        assert verify_database(db.session()).intact


def test_evidence_is_removed_from_a_draft_and_kept_once_submitted(app, client, applicant, draft):
    upload(client, name="old.pdf")
    upload(client, name="kept.pdf")
    first, second = rows(app)
    folder = Path(app.config["EVIDENCE_DIR"])
    response = client.post(f"/evidence/{first.id}/delete")
    assert response.status_code == 302
    assert response.location.endswith(f"/applications/1#item-{ITEM}")
    assert [e.filename for e in rows(app)] == ["kept.pdf"]
    assert sorted(folder.iterdir()) == [folder / second.stored_name]
    submit(app, applicant)
    assert client.post(f"/evidence/{second.id}/delete").status_code == 403
    assert (folder / second.stored_name).exists()
    with app.app_context():
        session = db.session()
        assert [e.action for e in events_of(session, "evidence", first.id)] == [
            "evidence.add", "evidence.remove"]
        assert verify_database(session).intact


def test_the_partials_list_files_and_post_a_multipart_form(app, client, draft):
    upload(client, name="<b>bold<i>.pdf")
    [evidence] = rows(app)
    with app.test_request_context():
        listed = render_template("evidence/_list.html", evidence=[evidence], can_remove=True)
        read_only = render_template("evidence/_list.html", evidence=[evidence],
                                    can_remove=False)
        empty = render_template("evidence/_list.html", evidence=[], can_remove=True)
        form = render_template("evidence/_upload.html", action_url="/applications/1/evidence",
                               item_id=ITEM)
        answer_form = render_template("evidence/_upload.html",
                                      action_url="/findings/1/evidence", item_id=None)
    assert 'href="/evidence/1"' in listed and "&lt;b&gt;bold&lt;i&gt;.pdf" in listed
    assert 'action="/evidence/1/delete"' in listed and 'name="csrf_token"' in listed
    assert 'href="/evidence/1"' in read_only and "/delete" not in read_only
    assert "No evidence attached." in empty
    assert 'enctype="multipart/form-data"' in form and 'name="csrf_token"' in form
    assert f'name="item_id" value="{ITEM}"' in form and 'name="file"' in form
    assert "item_id" not in answer_form


def test_uploads_need_the_csrf_token(app, client, draft):
    app.config["WTF_CSRF_ENABLED"] = True
    assert upload(client).status_code == 400
    assert rows(app) == []
