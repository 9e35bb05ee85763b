"""Reliability under load: 50 applicants submitting and 5 certifiers deciding at once, on
PostgreSQL, through the production server (gunicorn) on loopback.

    scripts/with-postgres .venv/bin/python bench/bench_concurrency.py
    scripts/with-postgres .venv/bin/python bench/bench_concurrency.py --applicants 50 --certifiers 5 --workers 5

What it does, all on this machine:

1. the database at FOOTPRINT_TEST_DATABASE_URL (scripts/with-postgres starts a throwaway
   PostgreSQL) is migrated to head and seeded through the operations: N applicant organisations,
   each with a site, one product with one line and its assessment; one certification body with
   C certifiers;
2. gunicorn with --workers W (gunicorn.conf.py, app bench/concurrency_app.py: wsgi:app with the
   login limit raised, since every user logs in from 127.0.0.1), Redis not needed;
3. N + C client threads start together, each with its own cookie session and CSRF token:
   every applicant creates a carbon-footprint application of its product and submits it (two
   POSTs); every certifier loops over the queue (`/applications/?state=submitted` and
   `?state=decision_pending`), takes what is submitted, completes its evaluation, and approves
   what another certifier evaluated, until every application is approved or --time-cap passes.
   Certifiers race for the same applications on purpose: the loser of a race is told that the
   application changed meanwhile, and goes on;
4. checks, in the database: every applicant has exactly one application, approved, with exactly
   one certificate; public IDs unique; per action, exactly one audit event per application
   (application.create, .submit, .take, .complete_evaluation, .approve; certificate.issue);
   audit event ids 1..E without gap or repeat; and `python -m footprint audit verify` passes.

It prints one Markdown table and exits 1 if any check fails.
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
PASSWORD = "correct horse 1"
PCF_KEY = "pcf-verification/2025.1"
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def seed(url: str, instance: Path, bw_dir: str, applicants: int, certifiers: int) -> None:
    from footprint import create_app, db
    from footprint.accounts import operations as accounts
    from footprint.accounts.roles import OrganisationKind, Role
    from footprint.assessments.operations import run_assessment
    from footprint.products import operations as products
    from tests.helpers import credit_code

    db.upgrade(url)
    app = create_app({"INSTANCE_PATH": str(instance), "DATABASE_URL": url,
                      "BRIGHTWAY2_DIR": bw_dir, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        session = db.session()
        for n in range(1, applicants + 1):
            user = accounts.register_organisation(
                session, name=f"Factory {n}", credit_code=credit_code(n), address="",
                user_name=f"Applicant {n}", email=f"applicant{n}@example.cn", password=PASSWORD)
            site = accounts.save_site(session, user, {
                "name": "Plant", "address": "Chongqing", "grid_region": "CN-CQ",
                "annual_output": 1000, "output_unit": "piece", "land_area_m2": 100},
                organisation_id=user.organisation_id)
            product = products.create_product(
                session, user, organisation_id=user.organisation_id, data={
                    "name": f"Fan {n}", "model": "", "category": "", "functional_unit": "1 piece",
                    "reference_flow": "", "boundary": "cradle-to-gate", "site_id": site.id})
            products.save_line(session, user, product, {
                "stage": "materials", "name": "housing", "factor": "steel-bof",
                "amount": 2.5, "unit": "kg"})
            run_assessment(session, user, product=product, bw_dir=Path(bw_dir))
        body = None
        for n in range(1, certifiers + 1):
            email = f"certifier{n}@example.cn"
            if body is None:
                first = accounts.register_organisation(
                    session, name="Certification body", credit_code=credit_code(9000),
                    address="", user_name="Certifier 1", email=email, password=PASSWORD,
                    kind=OrganisationKind.for_role(Role.CERTIFIER))
                from footprint.accounts.models import Organisation

                body = session.get(Organisation, first.organisation_id)
            else:
                accounts.create_user(session, organisation=body, name=f"Certifier {n}",
                                     email=email, password=PASSWORD, role=Role.CERTIFIER)
        session.commit()
    app.extensions["db_engine"].dispose()


class Client:
    """One user's browser: a cookie session and its CSRF token."""

    def __init__(self, base: str, email: str):
        self.base, self.http = base, requests.Session()
        self.token = TOKEN.search(self.http.get(f"{base}/login").text)[1]
        response = self.post("/login", {"email": email, "password": PASSWORD})
        assert response.status_code == 302, f"{email} could not log in: {response.status_code}"

    def post(self, path: str, data: dict) -> requests.Response:
        return self.http.post(self.base + path, data={"csrf_token": self.token, **data},
                              allow_redirects=False, timeout=60)

    def get(self, path: str) -> requests.Response:
        return self.http.get(self.base + path, allow_redirects=False, timeout=60)


def applicant(base: str, n: int, start: threading.Barrier, stats: Counter, errors: list):
    try:
        client = Client(base, f"applicant{n}@example.cn")
        start.wait()
        created = client.post("/applications/new", {"criteria_key": PCF_KEY, "product_id": n,
                                                     "site_id": 0})
        assert created.status_code == 302, f"applicant {n} new: {created.status_code}"
        application_id = int(created.headers["Location"].rstrip("/").rsplit("/", 1)[1])
        submitted = client.post(f"/applications/{application_id}/answers", {
            "assessment_id": n, "submit": "1", "FU-1__answer": "yes"})
        assert submitted.status_code == 302, f"applicant {n} submit: {submitted.status_code}"
        stats["submitted"] += 1
    except Exception as exc:  # noqa: BLE001 - counted and printed
        errors.append(f"applicant {n}: {exc!r}")


def queue(client: Client, state: str) -> list[int]:
    page = client.get(f"/applications/?state={state}").text
    return sorted({int(i) for i in re.findall(r'href="/applications/(\d+)"', page)})


def expect_302(response: requests.Response, n: int, errors: list) -> None:
    """A transition answers with a redirect to the application, done or refused with why."""
    if response.status_code != 302:
        errors.append(f"certifier {n} {response.request.path_url}: {response.status_code}")


def certifier(base: str, n: int, start: threading.Barrier, deadline: float, done: threading.Event,
              stats: Counter, errors: list):
    try:
        client = Client(base, f"certifier{n}@example.cn")
        start.wait()
        evaluated = set()  # this certifier's own evaluations: another certifier decides them
        while not done.is_set() and time.monotonic() < deadline:
            worked = False
            # take what is submitted (another certifier may win the race: refused, told so),
            # then complete the evaluation of what this certifier evaluates
            for application_id in queue(client, "submitted"):
                expect_302(client.post(f"/applications/{application_id}/take", {}), n, errors)
                stats["take attempts"] += 1
                worked = True
            for application_id in queue(client, "in_evaluation&mine=1"):
                expect_302(client.post(f"/applications/{application_id}/complete", {}), n,
                           errors)
                evaluated.add(application_id)
                stats["complete attempts"] += 1
                worked = True
            # approve what is pending (refused for the evaluator, and for the loser of a race)
            for application_id in set(queue(client, "decision_pending")) - evaluated:
                expect_302(client.post(f"/applications/{application_id}/decide", {
                    "decision": "approve", "reason": "meets the criteria"}), n, errors)
                stats["decide attempts"] += 1
                worked = True
            if not worked:
                time.sleep(0.2)
    except Exception as exc:  # noqa: BLE001
        errors.append(f"certifier {n}: {exc!r}")


def check(url: str, applicants: int) -> list[tuple[str, object, object]]:
    """(what, expected, found) for each check."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    rows = []
    try:
        with engine.connect() as c:
            def one(sql):
                return c.execute(text(sql)).scalar()

            rows.append(("applications", applicants, one("SELECT count(*) FROM applications")))
            rows.append(("organisations with exactly one application", applicants, one(
                "SELECT count(*) FROM (SELECT organisation_id FROM applications "
                "GROUP BY organisation_id HAVING count(*) = 1) t")))
            rows.append(("applications approved", applicants, one(
                "SELECT count(*) FROM applications WHERE state = 'approved'")))
            rows.append(("certificates", applicants, one("SELECT count(*) FROM certificates")))
            rows.append(("applications with exactly one certificate", applicants, one(
                "SELECT count(*) FROM (SELECT application_id FROM certificates "
                "GROUP BY application_id HAVING count(*) = 1) t")))
            rows.append(("distinct certificate public IDs", applicants,
                         one("SELECT count(DISTINCT public_id) FROM certificates")))
            for action in ("application.create", "application.submit", "application.take",
                           "application.complete_evaluation", "application.approve",
                           "certificate.issue"):
                rows.append((f"audit events {action} (one per application)", applicants, one(
                    f"SELECT count(DISTINCT object_id) FROM audit_events WHERE action = '{action}'"
                    f" HAVING count(*) = count(DISTINCT object_id)") or 0))
            events, first, last, hashes = c.execute(text(
                "SELECT count(*), min(id), max(id), count(DISTINCT hash) FROM audit_events")).one()
            rows.append(("audit event ids 1..E, no gap or repeat", (1, events), (first, last)))
            rows.append(("distinct audit hashes", events, hashes))
    finally:
        engine.dispose()
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--applicants", type=int, default=50)
    parser.add_argument("--certifiers", type=int, default=5)
    parser.add_argument("--workers", type=int, default=5, help="gunicorn worker processes")
    parser.add_argument("--time-cap", type=float, default=300.0)
    args = parser.parse_args()
    url = os.environ.get("FOOTPRINT_TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        sys.exit("run it under scripts/with-postgres (FOOTPRINT_TEST_DATABASE_URL)")
    bw_dir = os.environ.get("BRIGHTWAY2_DIR") or str(REPO / "instance" / "brightway-test")
    instance = Path(tempfile.mkdtemp(prefix="footprint-bench-concurrency-"))
    os.environ.update(FOOTPRINT_INSTANCE_PATH=str(instance), DATABASE_URL=url,
                      BRIGHTWAY2_DIR=bw_dir)
    started = time.monotonic()
    seed(url, instance, bw_dir, args.applicants, args.certifiers)
    seeded = time.monotonic() - started
    port = free_port()
    log = open(instance / "gunicorn.log", "wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", str(REPO / "gunicorn.conf.py"),
         "--chdir", str(REPO), "--pythonpath", str(REPO / "bench"), "--bind",
         f"127.0.0.1:{port}", "--workers", str(args.workers), "concurrency_app:app"],
        env={**os.environ, "FOOTPRINT_GUNICORN_ACCESSLOG": str(instance / "access.log")},
        stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if requests.get(f"{base}/health", timeout=10).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.1)
        stats, errors = Counter(), []
        start = threading.Barrier(args.applicants + args.certifiers + 1)
        done = threading.Event()
        deadline = time.monotonic() + args.time_cap
        threads = [threading.Thread(target=applicant, args=(base, n, start, stats, errors))
                   for n in range(1, args.applicants + 1)]
        threads += [threading.Thread(target=certifier,
                                     args=(base, n, start, deadline, done, stats, errors))
                    for n in range(1, args.certifiers + 1)]
        for thread in threads:
            thread.start()
        start.wait()
        load_started = time.monotonic()
        from sqlalchemy import create_engine, text

        engine = create_engine(url)
        while time.monotonic() < deadline:
            with engine.connect() as c:
                if c.execute(text("SELECT count(*) FROM certificates")).scalar() \
                        >= args.applicants and stats["submitted"] + len(errors) >= args.applicants:
                    break
            time.sleep(0.25)
        done.set()
        load_seconds = time.monotonic() - load_started
        engine.dispose()
        for thread in threads:
            thread.join()
    finally:
        server.terminate()
        server.wait(30)
        log.close()
    requests_served = sum(1 for _ in open(instance / "access.log"))
    statuses = Counter(line.split('"')[2].split()[0] for line in open(instance / "access.log"))
    rows = check(url, args.applicants)
    audit = subprocess.run([sys.executable, "-m", "footprint", "audit", "verify"], cwd=REPO,
                           capture_output=True, text=True, env=os.environ)
    failed = [r for r in rows if r[1] != r[2]] + ([] if audit.returncode == 0 else ["audit"])
    print(f"| measurement | expected | found |\n| --- | --- | --- |")
    for what, expected, found in rows:
        print(f"| {what} | {expected} | {found} |")
    print(f"| `python -m footprint audit verify` | exit 0 | exit {audit.returncode}: "
          f"{audit.stdout.strip() or audit.stderr.strip()} |")
    print(f"\nseeding {seeded:.1f} s; load {load_seconds:.1f} s from the start signal to the "
          f"last certificate; {requests_served} requests served by {args.workers} gunicorn "
          f"workers, statuses {dict(sorted(statuses.items()))}; client errors {len(errors)}; "
          f"certifiers' attempts {dict(stats)}")
    for error in errors[:20]:
        print("  error:", error)
    return 1 if failed or errors else 0


if __name__ == "__main__":
    sys.exit(main())
