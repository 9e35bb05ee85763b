"""The demo: what a first look needs to see the whole path, seeded once and printed at every start.

Organisations and accounts (an applicant with a Chongqing site, a certification body with two
certifiers, a platform admin), the applicant's 125 cc motorcycle with its lines and a stored
assessment, and a carbon-footprint application taken through evaluation and an independent
approval, which issues a certificate. Running it again finds what exists and adds nothing; the
accounts' random passwords are kept in the instance folder (0600) and reset only if a demo
account was deleted meanwhile.
"""
from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

import yaml
from sqlmodel import Session, select

from .accounts import operations as accounts
from .accounts.models import Organisation
from .accounts.roles import OrganisationKind, Role
from .assessments.operations import assessments_of, run_assessment
from .certs import operations as applications
from .certs.criteria import Criteria
from .certs.models import Application, ApplicationState
from .products import operations as products
from .products.models import Product

DEMO_FILE = "demo-accounts.json"
DEMO = (
    # (kind, organisation, credit code, name, e-mail)
    (OrganisationKind.MANUFACTURER, "重庆示范摩托车有限公司 Chongqing Demo Motorcycle Co.",
     "91500000MA5U0000AU", "Demo applicant", "applicant@demo.example"),
    (OrganisationKind.CERTIFICATION_BODY, "示范认证中心 Demo Certification Centre",
     "12500000MB0000000F", "Demo certifier", "certifier@demo.example"),
    (OrganisationKind.PLATFORM, "平台运营 Platform operator", "91500000MA5U0000BY",
     "Demo admin", "admin@demo.example"),
)
# The second certifier of the same body: the one who decides (ISO/IEC 17065 impartiality).
DECIDER = ("Demo decider", "decider@demo.example")
DEMO_SITE = {"name": "两江新区工厂 Liangjiang plant", "address": "重庆两江新区",
             "grid_region": "CN-CQ", "annual_output": 50000, "output_unit": "piece",
             "land_area_m2": 80000}
EXAMPLE = Path(__file__).resolve().parents[1] / "datasets" / "examples" / "motorcycle-125cc.yaml"
PCF_CRITERIA = "pcf-verification"
# The answers of the demo application: every required checklist item met, 0.5 % cut off.
EXCLUDED_SHARE_PERCENT = 0.5


def ensure_demo_accounts(session: Session, instance: Path) -> list[dict]:
    """The demo accounts with their passwords (created once, stored in the instance folder)."""
    path = instance / DEMO_FILE
    wanted = {email for *_, email in DEMO} | {DECIDER[1]}
    if path.exists():
        stored = json.loads(path.read_text())
        if ({a["email"] for a in stored} == wanted
                and all(accounts.find_user_by_email(session, a["email"]) for a in stored)):
            return stored
    made = []
    certification_body = None
    for kind, organisation, code, name, email in DEMO:
        password = secrets.token_urlsafe(12)
        user = accounts.find_user_by_email(session, email)
        if user is None:
            user = accounts.register_organisation(
                session, name=organisation, credit_code=code, address="重庆 Chongqing",
                user_name=name, email=email, password=password, kind=kind)
            if kind == OrganisationKind.MANUFACTURER:
                accounts.save_site(session, user, DEMO_SITE,
                                   organisation_id=user.organisation_id)
        else:
            accounts.reset_password(session, user, password)
        if kind == OrganisationKind.CERTIFICATION_BODY:
            certification_body = session.get(Organisation, user.organisation_id)
        made.append({"role": str(kind.role), "email": email, "password": password})
    made.append(_decider(session, certification_body))
    session.commit()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(made, handle)
    return made


def _decider(session: Session, body: Organisation) -> dict:
    name, email = DECIDER
    password = secrets.token_urlsafe(12)
    user = accounts.find_user_by_email(session, email)
    if user is None:
        accounts.create_user(session, organisation=body, name=name, email=email,
                             password=password, role=Role.CERTIFIER)
    else:
        accounts.reset_password(session, user, password)
    return {"role": str(Role.CERTIFIER), "email": email, "password": password}


def seed(session: Session, instance: Path, bw_dir: Path, criteria: dict[str, Criteria],
         criteria_dir: Path) -> dict:
    """Everything of the demo; returns {"accounts": [...], "certificate_id": ...}."""
    made = ensure_demo_accounts(session, instance)
    users = {entry["email"]: accounts.find_user_by_email(session, entry["email"])
             for entry in made}
    applicant = users[DEMO[0][4]]
    product = _product(session, applicant, bw_dir)
    application = _approved_application(
        session, applicant, users[DEMO[1][4]], users[DECIDER[1]], product,
        _latest(criteria, PCF_CRITERIA), criteria_dir)
    session.commit()
    return {"accounts": made, "certificate_id": _certificate_id(session, application)}


def _latest(criteria: dict[str, Criteria], scheme: str) -> Criteria:
    from .certs.catalogue import version_order

    return max((c for c in criteria.values() if c.scheme == scheme and not c.product_category),
               key=lambda c: version_order(c.version))


def _product(session: Session, applicant, bw_dir: Path) -> Product:
    """The demo motorcycle with the example's lines and one stored assessment."""
    spec = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    name = "示范摩托车 Demo " + spec["product"]["name"]
    product = session.exec(select(Product).where(
        Product.organisation_id == applicant.organisation_id, Product.name == name)).first()
    if product is None:
        site = accounts.sites_of(session, applicant.organisation_id)[0]
        product = products.create_product(
            session, applicant, organisation_id=applicant.organisation_id, data={
                "name": name, "model": "CQ125", "category": "motorcycle",
                "functional_unit": spec["product"]["functional_unit"],
                "reference_flow": "1 motorcycle, about 110 kg kerb mass",
                "boundary": spec["product"]["boundary"], "site_id": site.id})
        products.replace_lines(session, applicant, product, spec["lines"], append=False)
        session.commit()
    if not assessments_of(session, product.id):
        run_assessment(session, applicant, product=product, bw_dir=bw_dir)
        session.commit()
    return product


def _approved_application(session: Session, applicant, evaluator, decider, product: Product,
                          criteria: Criteria, criteria_dir: Path) -> Application:
    existing = session.exec(select(Application).where(
        Application.product_id == product.id,
        Application.state == ApplicationState.APPROVED)).first()
    if existing is not None:
        return existing
    answers = {item.id: {"answer": "yes"} for item in criteria.items if item.required}
    if criteria.excluded_share_item:
        answers[criteria.excluded_share_item] = {"answer": "yes",
                                                 "value": EXCLUDED_SHARE_PERCENT}
    assessment = assessments_of(session, product.id)[0]  # the newest
    application = applications.create_draft(session, applicant, criteria=criteria,
                                            product=product, criteria_dir=criteria_dir)
    applications.save_draft(session, applicant, application, criteria=criteria, answers=answers,
                            assessment_id=assessment.id)
    applications.submit(session, applicant, application, criteria=criteria)
    applications.take(session, evaluator, application)
    applications.complete_evaluation(session, evaluator, application)
    applications.decide(session, decider, application, approve=True,
                        reason="Demo: every required item of the checklist is met.")
    return application


def _certificate_id(session: Session, application: Application) -> str | None:
    from .certificates.models import Certificate

    certificate = session.exec(select(Certificate).where(
        Certificate.application_id == application.id)).first()
    return certificate.public_id if certificate else None
