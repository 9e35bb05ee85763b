"""The admin's criteria pages: the versions, a version's YAML, publishing a new version."""
from __future__ import annotations

import io
from html import unescape

import pytest
from sqlmodel import func, select

from footprint import db
from footprint.accounts.operations import find_user_by_email
from footprint.audit.models import AuditEvent
from footprint.audit.operations import verify_database
from footprint.certs.catalogue import CriteriaVersion
from footprint.config import CRITERIA_DIR
from tests.helpers import login

FACTORY_FILE = CRITERIA_DIR / "green-factory-2025.yaml"
SOURCE = FACTORY_FILE.read_text(encoding="utf-8")


def factory_version(version: str, **replace: str) -> str:
    source = SOURCE.replace('version: "2025.1"', f'version: "{version}"', 1)
    for before, after in replace.items():
        assert before in source
        source = source.replace(before, after, 1)
    return source


@pytest.fixture
def admin(app, client, make_user):
    email = make_user("admin")
    login(client, email)
    return email


def rows(app) -> list[CriteriaVersion]:
    with app.app_context():
        return db.session().exec(select(CriteriaVersion).order_by(CriteriaVersion.id)).all()


def audit_count(app) -> int:
    with app.app_context():
        return db.session().exec(select(func.count()).select_from(AuditEvent)).one()


def test_the_list_shows_every_family_and_version(client, admin):
    page = client.get("/admin/criteria").get_data(as_text=True)
    for key in ("green-design/laptop/2025.1", "green-design/lithium-ion-battery/2025.1",
                "green-factory/2025.1", "green-factory/2018.1", "pcf-verification/2025.1"):
        assert f"<code>{key}</code>" in page
    assert "GB/T 36132-2025" in page and "Green factory evaluation (GB/T 36132-2025)" in page
    assert page.index("green-factory/2025.1") < page.index("green-factory/2018.1")  # latest first
    assert 'href="/admin/criteria"' in client.get("/admin/users").get_data(as_text=True)


def test_a_version_source_is_served_as_text_for_known_keys_only(client, admin):
    response = client.get("/admin/criteria/source?key=green-factory/2025.1")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == SOURCE
    assert response.mimetype == "text/plain"
    assert 'filename=green-factory-2025.1.yaml' in response.headers["Content-Disposition"]
    for key in ("green-factory/1999.1", "../../etc/passwd", "green-factory-2025.yaml", ""):
        assert client.get("/admin/criteria/source", query_string={"key": key}).status_code == 404


def test_publish_is_prefilled_from_a_version(client, admin):
    page = client.get("/admin/criteria/publish?from=green-factory/2025.1").get_data(as_text=True)
    assert 'version: &#34;2025.1&#34;' in page or 'version: &quot;2025.1&quot;' in page
    textarea = page[page.index("<textarea"):page.index("</textarea>")]
    assert unescape(textarea.split(">", 1)[1]).strip() == SOURCE.strip()
    assert client.get("/admin/criteria/publish?from=nope/1").status_code == 404


def test_publishing_from_the_textarea_stores_the_version_and_lists_it(app, client, admin):
    events_before = audit_count(app)
    typed = factory_version("2025.2").replace("\n", "\r\n")  # as a browser sends a textarea
    response = client.post("/admin/criteria/publish", data={"source": typed})
    assert response.status_code == 302 and response.headers["Location"] == "/admin/criteria"
    (row,) = rows(app)
    assert (row.key, row.origin, row.source) == ("green-factory/2025.2", "web",
                                                 factory_version("2025.2"))
    with app.app_context():
        session = db.session()
        assert row.published_by_id == find_user_by_email(session, admin).id
        assert verify_database(session).intact
    assert audit_count(app) == events_before + 1
    page = client.get("/admin/criteria").get_data(as_text=True)
    assert "Criteria green-factory/2025.2 published" in page
    assert page.index("green-factory/2025.2") < page.index("green-factory/2025.1")
    assert "published from the web" in page and "User 1" in page  # the admin's name
    assert client.get("/admin/criteria/source?key=green-factory/2025.2").get_data(
        as_text=True) == factory_version("2025.2")


def test_publishing_an_uploaded_file_keeps_its_text_exactly(app, client, admin):
    text = factory_version("2025.3").replace("\n", "\r\n")
    response = client.post("/admin/criteria/publish", content_type="multipart/form-data",
                           data={"source": "", "upload": (io.BytesIO(text.encode("utf-8")),
                                                          "factory.yaml")})
    assert response.status_code == 302
    (row,) = rows(app)
    assert (row.key, row.source) == ("green-factory/2025.3", text)


def test_a_malformed_publication_lists_every_problem_with_item_and_field(app, client, admin):
    events_before = audit_count(app)
    source = factory_version("2025.2", **{"benchmark: 0.3": "benchmark: lots",
                                          "kind: veto": "kind: vetoed"})
    page = client.post("/admin/criteria/publish", data={"source": source}).get_data(
        as_text=True)
    assert "Nothing was published: 2 problems." in page
    # pydantic's context fills the translated message
    assert ("<code>web upload: item V-1.kind</code>: must be one of &#39;baseline&#39;, "
            "&#39;veto&#39;") in page
    assert "<code>web upload: item E-1.benchmark</code>: must be a number" in page
    assert rows(app) == [] and audit_count(app) == events_before
    assert "benchmark: lots" in unescape(page)  # what was typed stays, to be corrected


def test_refusals_of_the_version_are_shown_with_their_message(app, client, admin):
    page = client.post("/admin/criteria/publish", data={"source": SOURCE}).get_data(as_text=True)
    assert "version 2025.1 of green-factory exists" in page
    page = client.post("/admin/criteria/publish",
                       data={"source": factory_version("2024.9")}).get_data(as_text=True)
    assert "version 2024.9 does not come after the latest, 2025.1" in page
    page = client.post("/admin/criteria/publish", data={"source": " "}).get_data(as_text=True)
    assert "Paste the criteria or choose a file." in page
    page = client.post("/admin/criteria/publish", content_type="multipart/form-data", data={
        "upload": (io.BytesIO(b"title: \xff"), "latin.yaml")}).get_data(as_text=True)
    assert "must be UTF-8 text" in page
    assert rows(app) == []


def test_published_text_is_escaped_everywhere(app, client, admin):
    source = factory_version("2025.2", **{
        "title: Green factory evaluation": "title: <script>alert(1)</script> Green factory"})
    assert client.post("/admin/criteria/publish", data={"source": source}).status_code == 302
    page = client.get("/admin/criteria").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Green factory" in page
    broken = source.replace("benchmark: 0.3", "benchmark: <b>x</b>", 1).replace(
        'version: "2025.2"', 'version: "2025.3"')
    page = client.post("/admin/criteria/publish", data={"source": broken}).get_data(as_text=True)
    assert "<b>x</b>" not in page


@pytest.mark.parametrize("role", ["applicant", "certifier"])
def test_other_roles_are_refused(app, client, make_user, role):
    login(client, make_user(role))
    for url in ("/admin/criteria", "/admin/criteria/source?key=green-factory/2025.1",
                "/admin/criteria/publish"):
        assert client.get(url).status_code == 403
    response = client.post("/admin/criteria/publish",
                           data={"source": factory_version("2025.2")})
    assert response.status_code == 403 and rows(app) == []


def test_the_list_counts_the_applications_of_each_version(app, client, admin, make_user):
    from footprint.certs import catalogue, operations as applications
    from footprint.products import operations as products

    email = make_user("applicant")
    with app.app_context():
        session = db.session()
        applicant = find_user_by_email(session, email)
        product = products.create_product(session, applicant,
                                          organisation_id=applicant.organisation_id,
                                          data={"name": "p", "boundary": "cradle-to-gate",
                                                "functional_unit": "1 piece"})
        criteria = app.extensions["criteria"]["pcf-verification/2025.1"]
        catalogue.keep(session, criteria, app.config["CRITERIA_DIR"])
        for _ in range(2):
            applications.create_draft(session, applicant, criteria=criteria, product=product)
        session.commit()
    page = client.get("/admin/criteria").get_data(as_text=True)
    row = page[page.index("<code>pcf-verification/2025.1</code>"):]
    row = row[:row.index("</tr>")]
    assert "<td>2</td>" in row  # the two drafts
    assert "stored when first used" in row
