"""Demo accounts for a first look: created once by `serve`, printed at every start."""
from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

from sqlmodel import Session

from . import operations
from .roles import OrganisationKind

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
DEMO_SITE = {"name": "两江新区工厂 Liangjiang plant", "address": "重庆两江新区",
             "grid_region": "CN-CQ", "annual_output": 50000, "output_unit": "piece",
             "land_area_m2": 80000}


def ensure_demo_accounts(session: Session, instance: Path) -> list[dict]:
    path = instance / DEMO_FILE
    if path.exists():
        accounts = json.loads(path.read_text())
        if all(operations.find_user_by_email(session, a["email"]) for a in accounts):
            return accounts
    accounts = []
    for kind, organisation, code, name, email in DEMO:
        password = secrets.token_urlsafe(12)
        user = operations.find_user_by_email(session, email)
        if user is None:
            user = operations.register_organisation(
                session, name=organisation, credit_code=code, address="重庆 Chongqing",
                user_name=name, email=email, password=password, kind=kind)
            if kind == OrganisationKind.MANUFACTURER:
                operations.save_site(session, user, DEMO_SITE,
                                     organisation_id=user.organisation_id)
        else:
            operations.reset_password(session, user, password)
        accounts.append({"role": str(kind.role), "email": email, "password": password})
    session.commit()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(accounts, handle)
    return accounts
