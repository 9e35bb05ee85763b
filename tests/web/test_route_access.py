"""Every route x every role x own / other organisation -> the expected status, from the URL map
(so that a new route without its access rule fails here)."""
import io
import re

from tests.helpers import add_line, login

PUBLIC = {"main.index", "main.health", "main.favicon", "factors.index", "factors.export_csv",
          "factors.search", "auth.login", "auth.signup", "auth.language", "static",
          # certificates are verified by anyone, without an account (tests/certificates)
          "verify.form", "verify.show", "verify.pdf", "verify.credential_json", "verify.api",
          "verify.published_keys", "verify.label_artwork"}
ANY_USER = {"auth.account", "auth.logout", "notifications.index", "notifications.read"}
# Notification 1 is the certifier's (of the owner's submitted application 2): nobody else's.
OWN_NOTIFICATION = {"notifications.follow"}
SESSION_ENDING = {"admin.enable", "admin.disable", "auth.logout"}
ADMIN = {"admin.users", "admin.new_user", "admin.reset_password", "admin.enable",
         "admin.disable", "admin.criteria", "admin.criteria_source", "admin.publish_criteria"}
IDS = {"product_id": 1, "site_id": 1, "line_id": 1, "factor_id": 1, "assessment_id": 1,
       "user_id": 1, "application_id": 1, "finding_id": 1, "notification_id": 1, "evidence_id": 1,
       "certificate_id": 1, "job_id": 1, "fmt": "csv", "year": 2024}
# year: organisation A's site has annual data of that year (made in the test)
# job 1: organisation A's batch of report PDFs, which printed its assessment 1
# Routes that name their object in the query string
QUERIES = {"admin.criteria_source": "?key=pcf-verification/2025.1"}
# Certification: organisation A's application 1 is a draft (certifiers do not see drafts), with
# evidence 1 on one of its items.
APPLICANT_ONLY = {"applications.new", "applications.save", "applications.withdraw",
                  "applications.answer_finding", "evidence.add", "evidence.add_to_finding",
                  "evidence.remove"}
CERTIFIER_ONLY = {"applications.take", "applications.request_changes",
                  "applications.complete", "applications.decide",
                  "applications.raise_finding", "applications.close_finding",
                  "applications.reopen_finding"}
# Applicants' pages certifiers may also open once the object is submitted to them for review
# (organisation A's assessment 1 is in its submitted application 2).
REVIEWABLE = {"assessments.report"}
# Certificate 1 is organisation A's (its application 2 approved by two certifiers of another
# organisation): certifiers see it and post the lifecycle forms (an empty form changes nothing).
CERTIFICATE_CHANGES = {"certificates.suspend", "certificates.restore", "certificates.withdraw",
                       "certificates.correct", "certificates.surveillance"}
OWNED_ARGUMENTS = ("product_id", "site_id", "assessment_id", "application_id", "finding_id",
                   "evidence_id", "certificate_id", "job_id")


def url_of(rule) -> str:
    url = rule.rule
    for name, value in IDS.items():
        url = re.sub(rf"<[^>]*:?{name}>", str(value), url)
    return url.replace("<any(xlsx, csv):fmt>", "csv") + QUERIES.get(rule.endpoint, "")


def expected(endpoint: str, role: str, owned: bool) -> set[int]:
    """The statuses allowed for a role on an endpoint; `owned`: the URL names an object of
    organisation A, whose applicant is the owner."""
    if role == "anonymous":
        return {302}  # to the login page
    if endpoint in ANY_USER:
        return {200, 302}
    if endpoint in OWN_NOTIFICATION:
        return {302} if role == "certifier" else {404}
    if endpoint in ADMIN:
        return {200, 302} if role == "admin" else {403}
    if endpoint.startswith(("applications.", "evidence.")):
        return expected_for_applications(endpoint, role, owned)
    if endpoint.startswith("certificates."):
        return expected_for_certificates(endpoint, role, owned)
    if endpoint in REVIEWABLE and role == "certifier":
        return {200}
    # applicants' pages: other roles are refused by role; another organisation sees nothing
    if role in ("certifier", "admin"):
        return {403}
    return {404} if owned and role == "other applicant" else {200, 302}


def expected_for_applications(endpoint: str, role: str, owned: bool) -> set[int]:
    applicant = role in ("owner", "other applicant")
    if (role == "admin" or (endpoint in APPLICANT_ONLY and not applicant)
            or (endpoint in CERTIFIER_ONLY and applicant)):
        return {403}
    if not owned or role == "owner":
        return {200, 302}
    return {404}  # another organisation's application, or a draft a certifier cannot see


def expected_for_certificates(endpoint: str, role: str, owned: bool) -> set[int]:
    if role == "admin":
        return {403}
    if endpoint in CERTIFICATE_CHANGES:  # back to the page with why nothing was done
        return {302} if role == "certifier" else {403}
    return {404} if owned and role == "other applicant" else {200}


def certify_application(app, certifier_email: str) -> None:
    """Application 2 evaluated by the certifier and approved by a second certifier of their
    organisation: certificate 1."""
    from footprint import db
    from footprint.accounts import operations as accounts
    from footprint.accounts.models import Organisation
    from footprint.accounts.roles import Role
    from footprint.certs import operations as applications
    from footprint.certs.models import Application

    with app.app_context():
        session = db.session()
        evaluator = accounts.find_user_by_email(session, certifier_email)
        decider = accounts.create_user(
            session, organisation=session.get(Organisation, evaluator.organisation_id),
            name="Decider", email="decider@example.cn", password="correct horse 1",
            role=Role.CERTIFIER)
        application = session.get(Application, 2)
        applications.take(session, evaluator, application)
        applications.complete_evaluation(session, evaluator, application)
        applications.decide(session, decider, application, approve=True, reason="meets all")
        session.commit()


def submit_application(app) -> None:
    """Application 2 of the owner's product 1 with its assessment 1, submitted: notification 1
    is the certifier's."""
    from footprint import db
    from footprint.accounts.models import User
    from footprint.certs import operations as applications
    from footprint.certs.criteria import load_all
    from footprint.config import CRITERIA_DIR
    from footprint.products.models import Product

    criteria = load_all(CRITERIA_DIR)["pcf-verification/2025.1"]
    with app.app_context():
        session = db.session()
        owner = session.get(User, 1)
        application = applications.create_draft(session, owner, criteria=criteria,
                                                product=session.get(Product, 1))
        applications.save_draft(session, owner, application, criteria=criteria, answers={},
                                assessment_id=1)
        applications.submit(session, owner, application, criteria=criteria)
        session.commit()


def test_every_route_answers_every_role_as_the_policy_says(app, client, applicant, make_user):
    add_line(client)
    client.post("/products/1/factors/new", data={
        "code": "acme", "name": "A", "unit": "kg", "co2e_fossil": "1", "co2e_biogenic": "0",
        "co2e_land_use": "0", "water_m3": "0", "water_region": "GLO", "source": "s"})
    assert client.post("/products/1/calculate").status_code == 302
    assert client.post("/jobs/report-pdfs").status_code == 302
    assert client.post("/applications/new", data={
        "criteria_key": "pcf-verification/2025.1", "product_id": 1}).status_code == 302
    assert client.post("/sites/1/years/2024", data={"energy_tce": "150"}).status_code == 302
    assert client.post("/applications/1/evidence", data={
        "item_id": "FU-1", "file": (io.BytesIO(b"%PDF-1.4 x"), "a.pdf")},
        content_type="multipart/form-data").status_code == 302
    clients = {"anonymous": app.test_client()}
    emails = {"other applicant": make_user("applicant"), "certifier": make_user("certifier"),
              "admin": make_user("admin")}
    for role, email in emails.items():
        clients[role] = app.test_client()
        assert login(clients[role], email).status_code == 302
    clients["owner"] = client
    wrong = []
    submit_application(app)
    certify_application(app, emails["certifier"])
    # the admin disabling user 1 (the owner) and logging out end sessions: those routes come
    # last, whatever the order the blueprints are registered in
    for rule in sorted(app.url_map.iter_rules(),
                       key=lambda r: (r.endpoint in SESSION_ENDING, r.endpoint == "auth.logout")):
        if rule.endpoint in PUBLIC:
            continue
        url = url_of(rule)
        owned = any(arg in rule.arguments for arg in OWNED_ARGUMENTS)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for role, user_client in clients.items():
                if role == "owner" and method == "POST":
                    continue  # the owner's changes are the functional tests' part
                allowed = expected(rule.endpoint, role, owned)
                response = user_client.open(url, method=method)
                status = response.status_code
                response.close()  # a download streams its file until closed
                if status not in allowed:
                    wrong.append(f"{role} {method} {url}: {status}, expected {sorted(allowed)}")
    assert wrong == [], "\n".join(wrong)
    # nothing of organisation A changed (the admin's enable/disable of user 1 aside): its
    # product still has its line and factor
    from sqlmodel import select

    from footprint import db
    from footprint.accounts.models import SiteYear
    from footprint.certs.evidence import Evidence
    from footprint.products.models import Line, Product, SupplierFactor

    with app.app_context():
        session = db.session()
        assert [p.name for p in session.exec(select(Product))] == ["Desk fan"]
        assert [(l.product_id, l.name) for l in session.exec(select(Line))] == [(1, "housing")]
        assert [f.code for f in session.exec(select(SupplierFactor))] == ["acme"]
        assert [(y.site_id, y.year, y.data) for y in session.exec(select(SiteYear))] == [
            (1, 2024, {"energy_tce": 150.0})]
        assert [e.filename for e in session.exec(select(Evidence))] == ["a.pdf"]
