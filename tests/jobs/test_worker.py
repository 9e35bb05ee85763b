"""Jobs through a real Redis and real Celery workers, both started by the test: a job submitted
on the web is queued in Redis and run by the worker process; a worker killed (SIGKILL) in the
middle of a job loses nothing: a new worker finishes it, and each result is stored once."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import func, select

from tests.conftest import FAST_HASH, REPO
from tests.databases import empty_database
from tests.helpers import add_line, login
from tests.services import redis_server, stop, wait_until

# Seconds after which Redis hands a dead worker's job to another: short for the test (the
# default is an hour, above the longest job).
VISIBILITY_TIMEOUT = 2


@pytest.fixture
def queued(tmp_path, bw_dir, pdf_signing_dir):
    """An app whose jobs go to a Redis started for the test, and a function starting a Celery
    worker process on the same database and Redis."""
    from footprint import create_app

    workers, logs = [], []
    with redis_server(tmp_path / "redis") as redis_url:
        url = empty_database(tmp_path)
        app = create_app({"INSTANCE_PATH": str(tmp_path), "BRIGHTWAY2_DIR": str(bw_dir),
                          "DATABASE_URL": url, "TESTING": True, "WTF_CSRF_ENABLED": False,
                          "RATELIMIT_ENABLED": False, "PASSWORD_HASH_METHOD": FAST_HASH,
                          "PDF_SIGNING_DIR": str(pdf_signing_dir),
                          "JOBS_BROKER_URL": redis_url, "JOBS_RESULT_BACKEND": redis_url,
                          "JOBS_VISIBILITY_TIMEOUT": VISIBILITY_TIMEOUT})
        env = {**os.environ, "FOOTPRINT_INSTANCE_PATH": str(tmp_path), "DATABASE_URL": url,
               "BRIGHTWAY2_DIR": str(bw_dir), "FOOTPRINT_REDIS_URL": redis_url,
               "FOOTPRINT_JOBS_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
               "FOOTPRINT_JOBS_DIR": app.config["JOBS_DIR"]}

        def start_worker() -> subprocess.Popen:
            logs.append(open(tmp_path / f"worker-{len(logs) + 1}.log", "wb"))
            # solo pool: the worker is one process, which SIGKILL ends at once with its job
            workers.append(subprocess.Popen(
                [sys.executable, "-m", "footprint", "worker", "--pool", "solo",
                 "--without-gossip", "--without-mingle", "--without-heartbeat"],
                cwd=REPO, env=env, stdout=logs[-1], stderr=subprocess.STDOUT))
            return workers[-1]

        try:
            yield app, start_worker
        finally:
            for worker in workers:
                stop(worker)
            for handle in logs:
                handle.close()
            app.extensions["celery"].close()


def job_row(app, job_id: int):
    from footprint import db
    from footprint.jobs.models import Job

    with app.app_context():
        return db.session().get(Job, job_id)


def test_a_worker_runs_the_job_queued_in_redis(queued):
    from footprint import db
    from footprint.accounts import operations as accounts
    from footprint.assessments.models import Assessment
    from tests.helpers import credit_code

    app, start_worker = queued
    with app.app_context():
        accounts.register_organisation(
            db.session(), name="Org", credit_code=credit_code(1), address="", user_name="U",
            email="u@example.cn", password="correct horse 1")
        db.session().commit()
    client = app.test_client()
    login(client, "u@example.cn")
    _products(client, 2)
    assert client.post("/jobs/reassess").status_code == 302
    assert job_row(app, 1).state == "queued"  # no worker yet: it waits in Redis
    start_worker()
    job = wait_until(lambda: (j := job_row(app, 1)).state == "done" and j, 120, "the job")
    assert (job.progress_done, job.progress_total, job.attempts) == (2, 2, 1)
    with app.app_context():
        totals = [a.carbon_total for a in db.session().exec(select(Assessment)
                                                             .order_by(Assessment.id))]
    assert totals == pytest.approx([1 * 1.99, 2 * 1.99], rel=1e-6)  # 1 and 2 kg of steel-bof


def _products(client, n: int) -> None:
    """n products, the i-th (from 1) with i kg of steel."""
    from tests.jobs.test_jobs import add_product

    client.post("/sites/new", data={"name": "Plant", "address": "Chongqing",
                                    "grid_region": "CN-CQ", "annual_output": "1",
                                    "output_unit": "piece", "land_area_m2": "1"})
    for i in range(1, n + 1):
        add_product(client, f"Product {i}")
        assert add_line(client, product_id=i, amount=str(i)).status_code == 302


def test_a_worker_killed_in_the_middle_loses_nothing(queued):
    from footprint import db
    from footprint.accounts import operations as accounts
    from footprint.audit.models import AuditEvent
    from footprint.audit.operations import verify_database
    from footprint.jobs.models import JobItem
    from footprint.jobs.runner import report_path
    from tests.helpers import credit_code

    app, start_worker = queued
    with app.app_context():
        accounts.register_organisation(
            db.session(), name="Org", credit_code=credit_code(1), address="", user_name="U",
            email="u@example.cn", password="correct horse 1")
        db.session().commit()
    client = app.test_client()
    login(client, "u@example.cn")
    products = 4
    _products(client, products)
    with app.app_context():  # the assessments whose reports the job prints (eagerly is fine)
        from footprint.accounts.models import User
        from footprint.assessments.operations import run_assessment
        from footprint.products.models import Product

        session = db.session()
        for product_id in range(1, products + 1):
            run_assessment(session, session.get(User, 1), product=session.get(Product, product_id),
                           bw_dir=Path(app.config["BRIGHTWAY2_DIR"]))
        session.commit()
    assert client.post("/jobs/report-pdfs").status_code == 302
    first = start_worker()
    # a PDF takes the worker about a second: kill it once it stored the first and went on
    wait_until(lambda: job_row(app, 1).progress_done >= 1, 60, "the first PDF")
    os.kill(first.pid, signal.SIGKILL)
    first.wait(10)
    killed_at = job_row(app, 1)
    assert killed_at.state == "running" and killed_at.progress_done < products, \
        "the job finished before the worker was killed: nothing was tested"
    start_worker()
    job = wait_until(lambda: (j := job_row(app, 1)).state == "done" and j, 90,
                     "the job to finish on the new worker")
    assert (job.progress_done, job.progress_total, job.attempts) == (products, products, 2)
    with app.app_context():
        session = db.session()
        keys = list(session.exec(select(JobItem.key).where(JobItem.job_id == 1)))
        assert sorted(keys) == sorted(f"assessment:{i}" for i in range(1, products + 1))
        assert session.exec(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "job.finish")).one() == 1
        assert verify_database(session).intact
    for assessment_id in range(1, products + 1):
        assert report_path(app.config["JOBS_DIR"], 1, assessment_id).read_bytes()[:5] == b"%PDF-"
    leftovers = [p.name for p in Path(app.config["JOBS_DIR"], "1").iterdir()
                 if p.name.startswith(".partial-")]
    assert leftovers == [] or len(leftovers) == 1  # at most the one the kill cut short
