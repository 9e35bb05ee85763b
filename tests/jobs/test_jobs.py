"""Long jobs in the embedded default (Celery eager: the job runs in the request that submits it):
reassessing every product, report PDF batches, the job pages, and a job run again after it was
cut off in the middle storing each result once."""
import io

import pytest
from pypdf import PdfReader
from sqlalchemy.exc import IntegrityError
from sqlmodel import func, select

from tests.helpers import add_line, login

STEEL = 1990 / 1000  # steel-bof: 1990 kg CO2e per t


def add_product(client, name: str) -> None:
    response = client.post("/products/new", data={
        "name": name, "model": "", "category": "", "functional_unit": "1 piece",
        "reference_flow": "", "boundary": "cradle-to-gate", "site_id": 1})
    assert response.status_code == 302, response.get_data(as_text=True)


def three_products(client) -> None:
    """Product 1 with 2.5 kg of steel, product 2 with 4 kg, product 3 without lines (its spec
    is refused: no line)."""
    assert add_line(client, product_id=1, amount="2.5").status_code == 302
    add_product(client, "Lamp")
    assert add_line(client, product_id=2, amount="4").status_code == 302
    add_product(client, "Empty box")


def count(session, model, *where) -> int:
    return session.exec(select(func.count()).select_from(model).where(*where)).one()


def test_reassess_all_products_from_the_products_list(app, client, applicant):
    from footprint import db
    from footprint.assessments.models import Assessment
    from footprint.audit.models import AuditEvent
    from footprint.audit.operations import verify_database
    from footprint.jobs.models import Job

    three_products(client)
    page = client.get("/products/").get_data(as_text=True)
    assert 'action="/jobs/reassess"' in page
    response = client.post("/jobs/reassess")
    assert response.status_code == 302 and response.location.endswith("/jobs/1")
    with app.app_context():
        session = db.session()
        job = session.get(Job, 1)
        assert (job.state, job.progress_done, job.progress_total, job.attempts) == \
            ("done", 3, 3, 1)
        assert job.result["succeeded"] == 2  # products 1 and 2; product 3 has no line
        assert [f["product_id"] for f in job.result["failed"]] == [3]
        totals = {a.product_id: a.carbon_total for a in session.exec(select(Assessment))}
        assert totals == pytest.approx({1: 2.5 * STEEL, 2: 4 * STEEL}, rel=1e-6)
        actions = [e.action for e in session.exec(select(AuditEvent).where(
            AuditEvent.action.startswith("job.") | (AuditEvent.action == "assessment.create"))
            .order_by(AuditEvent.id))]
        assert actions == ["job.submit", "assessment.create", "assessment.create", "job.finish"]
        assert verify_database(session).intact
    page = client.get("/jobs/1").get_data(as_text=True)
    assert "<progress" in page and 'value="3"' in page and "Lamp" in page
    assert "http-equiv=\"refresh\"" not in page  # finished: no more refreshing
    assert client.get("/jobs/1/progress.json").get_json() == {
        "id": 1, "kind": "reassess", "state": "done", "done": 3, "total": 3, "finished": True,
        "attempts": 1, "error": None, "url": "/jobs/1"}
    assert "/jobs/1" in client.get("/jobs/").get_data(as_text=True)


def test_a_running_job_page_refreshes_without_script_and_polls_with_it(app, client, applicant):
    from footprint import db
    from footprint.accounts.models import User
    from footprint.jobs import operations
    from footprint.jobs.models import JobKind

    add_line(client)
    with app.app_context():  # submitted but not run: what a page shows while a worker has it
        session = db.session()
        operations.submit_job(session, session.get(User, 1), kind=JobKind.REASSESS)
        session.commit()
    page = client.get("/jobs/1").get_data(as_text=True)
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page
    assert 'data-progress-url="/jobs/1/progress.json"' in page and "job_progress.js" in page
    assert client.get("/jobs/1/progress.json").get_json()["state"] == "queued"


def test_report_pdfs_of_all_products(app, client, applicant):
    from footprint.jobs.runner import report_path

    three_products(client)
    for product_id in (1, 2):
        assert client.post(f"/products/{product_id}/calculate").status_code == 302
    assert client.post(f"/products/1/calculate").status_code == 302  # assessment 3: newest of 1
    response = client.post("/jobs/report-pdfs")
    assert response.status_code == 302
    job = client.get("/jobs/1/progress.json").get_json()
    assert (job["state"], job["done"], job["total"]) == ("done", 2, 2)  # assessments 3 and 2
    page = client.get("/jobs/1").get_data(as_text=True)
    assert "/jobs/1/reports/2.pdf" in page and "/jobs/1/reports/3.pdf" in page
    pdf = client.get("/jobs/1/reports/3.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    data = pdf.data
    pdf.close()  # a file response streams until closed
    assert "Desk fan" in PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert client.get("/jobs/1/reports/1.pdf").status_code == 404  # not in the job's list
    assert report_path(app.config["JOBS_DIR"], 1, 3).read_bytes() == data
    # one product's reports: every assessment of it
    assert client.post("/jobs/report-pdfs", data={"product_id": "1"}).status_code == 302
    assert client.get("/jobs/2/progress.json").get_json()["total"] == 2  # assessments 1 and 3


def test_nothing_to_do_is_said_and_stores_no_job(app, client, make_user):
    from footprint import db
    from footprint.jobs.models import Job

    login(client, make_user("applicant"))
    response = client.post("/jobs/reassess", follow_redirects=True)
    assert "nothing for this job to do" in response.get_data(as_text=True)
    with app.app_context():
        assert count(db.session(), Job) == 0


def test_jobs_are_the_organisation_s_own(app, client, applicant, make_user):
    add_line(client)
    client.post("/products/1/calculate")
    assert client.post("/jobs/report-pdfs").status_code == 302
    other = app.test_client()
    login(other, make_user("applicant"))
    for url in ("/jobs/1", "/jobs/1/progress.json", "/jobs/1/reports/1.pdf"):
        assert other.get(url).status_code == 404, url
    assert "/jobs/1" not in other.get("/jobs/").get_data(as_text=True)
    # another organisation's product cannot be named in a PDF batch
    assert other.post("/jobs/report-pdfs", data={"product_id": "1"}).status_code == 404
    certifier = app.test_client()
    login(certifier, make_user("certifier"))
    assert certifier.get("/jobs/1").status_code == 403
    assert certifier.post("/jobs/reassess").status_code == 403


class Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs, not even an except Exception."""


def _submitted(app, client):
    from footprint import db
    from footprint.accounts.models import User
    from footprint.jobs import operations
    from footprint.jobs.models import JobKind

    three_products(client)
    with app.app_context():
        session = db.session()
        job = operations.submit_job(session, session.get(User, 1), kind=JobKind.REASSESS)
        session.commit()
        return job.id


def _run(app, job_id):
    from footprint import db
    from footprint.jobs.runner import run_job

    with app.app_context():
        return run_job(db.session(), job_id, bw_dir=app.config["BRIGHTWAY2_DIR"],
                       jobs_dir=app.config["JOBS_DIR"])


def test_a_job_cut_off_in_the_middle_resumes_and_stores_each_result_once(
        app, client, applicant, monkeypatch):
    from footprint import db
    from footprint.assessments.models import Assessment
    from footprint.audit.models import AuditEvent
    from footprint.audit.operations import verify_database
    from footprint.jobs import runner
    from footprint.jobs.models import Job, JobItem

    job_id = _submitted(app, client)
    real_store = runner._store_item
    stored = []

    def store_then_die(session, job, key, **kwargs):
        real_store(session, job, key, **kwargs)
        stored.append(key)
        if len(stored) == 1:
            raise Killed  # the worker dies after the first product was committed

    monkeypatch.setattr(runner, "_store_item", store_then_die)
    with pytest.raises(Killed):
        _run(app, job_id)
    monkeypatch.setattr(runner, "_store_item", real_store)
    with app.app_context():
        job = db.session().get(Job, job_id)
        assert (job.state, job.progress_done, job.attempts) == ("running", 1, 1)
    assert _run(app, job_id) is not None  # the message handed to a new worker
    assert _run(app, job_id) is None  # delivered once more after it finished: nothing runs
    with app.app_context():
        session = db.session()
        job = session.get(Job, job_id)
        assert (job.state, job.progress_done, job.attempts) == ("done", 3, 2)
        per_product = dict(session.exec(select(Assessment.product_id, func.count())
                                        .group_by(Assessment.product_id)).all())
        assert per_product == {1: 1, 2: 1}  # product 3 has no line: no assessment
        assert count(session, JobItem, JobItem.job_id == job_id) == 3
        assert count(session, AuditEvent, AuditEvent.action == "job.finish") == 1
        assert verify_database(session).intact


def test_two_runs_at_once_store_a_product_s_assessment_once(app, client, applicant, monkeypatch):
    """A run that did not see the other's items (both started before either stored one): its
    duplicate item is refused by the unique constraint, and its assessment rolled back."""
    from footprint import db
    from footprint.assessments.models import Assessment
    from footprint.audit.operations import verify_database
    from footprint.jobs import operations

    job_id = _submitted(app, client)
    _run(app, job_id)
    with app.app_context():
        db.session().execute(
            operations.update(operations.Job).where(operations.Job.id == job_id)
            .values(state="running"))
        db.session().commit()
    monkeypatch.setattr(operations, "done_keys", lambda session, job_id: set())
    _run(app, job_id)
    with app.app_context():
        session = db.session()
        assert count(session, Assessment) == 2  # products 1 and 2, once each
        assert verify_database(session).intact


def test_an_item_is_stored_once_per_job_and_key(app, client, applicant):
    from footprint import db
    from footprint.jobs import operations
    from footprint.jobs.models import Job

    job_id = _submitted(app, client)
    with app.app_context():
        session = db.session()
        job = session.get(Job, job_id)
        operations.record_item(session, job, "product:1")
        session.commit()
        with pytest.raises(IntegrityError):
            operations.record_item(session, job, "product:1")
        session.rollback()


def test_an_unexpected_error_fails_the_job_with_its_message(app, client, applicant, monkeypatch):
    from footprint import db
    from footprint.audit.models import AuditEvent
    from footprint.jobs import runner
    from footprint.jobs.models import Job, JobKind

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setitem(runner.RUNNERS, JobKind.REASSESS, broken)
    add_line(client)
    assert client.post("/jobs/reassess").status_code == 302
    assert client.get("/jobs/1/progress.json").get_json()["error"] == "RuntimeError: disk full"
    assert "disk full" in client.get("/jobs/1").get_data(as_text=True)
    with app.app_context():
        session = db.session()
        assert session.get(Job, 1).state == "failed"
        finish = session.exec(select(AuditEvent).where(AuditEvent.action == "job.finish")).one()
        assert finish.after["state"] == "failed"


def test_redis_configures_the_queue_and_the_rate_limits_else_eager_and_memory(
        tmp_path, monkeypatch):
    from footprint import config

    for name in ("FOOTPRINT_REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND",
                 "FOOTPRINT_RATELIMIT_STORAGE_URI", "RATELIMIT_STORAGE_URI"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("FOOTPRINT_SECRET_KEY", "x")
    plain = config.from_environment(tmp_path)
    assert (plain["JOBS_BROKER_URL"], plain["RATELIMIT_STORAGE_URI"]) == ("", "memory://")
    monkeypatch.setenv("FOOTPRINT_REDIS_URL", "redis://cache:6379/1")
    shared = config.from_environment(tmp_path)
    assert (shared["JOBS_BROKER_URL"], shared["JOBS_RESULT_BACKEND"],
            shared["RATELIMIT_STORAGE_URI"]) == ("redis://cache:6379/1",) * 3
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://queue:6379/2")
    assert config.from_environment(tmp_path)["JOBS_BROKER_URL"] == "redis://queue:6379/2"


def test_the_celery_app_is_eager_without_a_broker_and_acks_late_with_one(app):
    from footprint.jobs.celery_app import init_app

    eager = app.extensions["celery"].conf
    assert eager.task_always_eager is True
    app.config["JOBS_BROKER_URL"] = "redis://cache:6379/1"
    queued = init_app(app).conf
    assert (queued.task_always_eager, queued.broker_url, queued.task_acks_late,
            queued.task_reject_on_worker_lost, queued.worker_prefetch_multiplier) == \
        (False, "redis://cache:6379/1", True, True, 1)
    assert queued.broker_transport_options == {"visibility_timeout": 3600}
