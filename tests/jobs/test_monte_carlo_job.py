"""A longer Monte Carlo of a stored assessment, run as a job (issue 10): from the results page,
in chunks that move the progress bar, stored once in the job (the certified assessment is not
changed), the organisation's own, and the same numbers however it is chunked."""
import numpy as np
import pytest
from sqlmodel import func, select

from tests.helpers import add_line, login
from tests.jobs.test_jobs import Killed, _run


def calculated(client) -> None:
    assert add_line(client, amount="2.5").status_code == 302  # 2.5 kg steel-bof
    assert add_line(client, stage="manufacturing", name="electricity",
                    factor="elec-cn-lca-2024", amount="12", unit="kWh").status_code == 302
    assert client.post("/products/1/calculate").status_code == 302


def test_a_monte_carlo_of_10000_iterations_from_the_results_page(app, client, applicant):
    from footprint import db
    from footprint.assessments.models import Assessment
    from footprint.audit.models import AuditEvent
    from footprint.jobs.models import Job, JobItem
    from footprint.lca import get_assessor, parse_spec

    calculated(client)
    page = client.get("/assessments/1").get_data(as_text=True)
    assert 'id="monte-carlo-form"' in page and 'value="100000"' in page
    response = client.post("/jobs/monte-carlo/1", data={"iterations": "10000"})
    assert response.status_code == 302 and response.location.endswith("/jobs/1")
    with app.app_context():
        session = db.session()
        job = session.get(Job, 1)
        assert (job.kind, job.state, job.progress_done, job.progress_total) == \
            ("uncertainty", "done", 10, 10)
        assert [i.detail["iterations"] for i in session.exec(
            select(JobItem).order_by(JobItem.id))] == list(range(1000, 10001, 1000))
        assessment = session.get(Assessment, 1)
        stored, spec = assessment.result, parse_spec(assessment.spec)
        # The same draws as the engine's own run of 10,000 iterations with the job's seed,
        # rated against the year the assessment was made in.
        spec = spec.model_copy(update={"product": spec.product.model_copy(
            update={"reference_year": assessment.created_dt.year})})
        expected = get_assessor(app.config["BRIGHTWAY2_DIR"]).monte_carlo(
            spec, iterations=10_000, seed=job.params["seed"])
        assert job.result["total"] == expected["total"]
        assert job.result["total"]["iterations"] == 10_000
        assert job.result["total"]["p2_5"] < stored["carbon"]["total"] < \
            job.result["total"]["p97_5"]
        assert assessment.result == stored  # the assessment itself is not changed
        actions = [e.action for e in session.exec(select(AuditEvent).where(
            AuditEvent.action.startswith("job.")).order_by(AuditEvent.id))]
        assert actions == ["job.submit", "job.finish"]
    page = client.get("/assessments/1").get_data(as_text=True)
    assert 'id="monte-carlo-run-1"' in page and "10,000 iterations" in page
    assert "monte-carlo-table" in page
    assert "p97.5" in client.get("/jobs/1").get_data(as_text=True)


def test_chunks_draw_the_same_numbers_as_one_run():
    from footprint.lca import uncertainty

    sigmas = np.array([0.1, 0.4, 0.25])
    keys = ["factor:a", "factor:b", "line:water:withdrawal:manufacturing:3.0:m3#0"]
    whole = uncertainty.draw_multipliers(keys, sigmas, 1000, seed=7)
    parts = list(uncertainty.multiplier_chunks(keys, sigmas, uncertainty.chunk_sizes(1000, 7),
                                               seed=7))
    assert [len(p) for p in parts] == [143, 143, 143, 143, 143, 143, 142]  # 1000 in 7 parts
    assert np.array_equal(np.vstack(parts), whole)


def test_iterations_outside_the_offer_are_refused_naming_the_field(app, client, applicant):
    from footprint import db
    from footprint.jobs.models import Job

    calculated(client)
    for bad in ("5", "1000000", "", "many"):
        response = client.post("/jobs/monte-carlo/1", data={"iterations": bad},
                               follow_redirects=True)
        assert "Choose the number of iterations: 1,000, 10,000, 100,000." in \
            response.get_data(as_text=True), bad
    with app.app_context():
        assert db.session().exec(select(func.count()).select_from(Job)).one() == 0


def test_another_organisation_can_neither_run_nor_see_it(app, client, applicant, make_user):
    calculated(client)
    assert client.post("/jobs/monte-carlo/1", data={"iterations": "1000"}).status_code == 302
    other = app.test_client()
    login(other, make_user("applicant"))
    assert other.post("/jobs/monte-carlo/1", data={"iterations": "1000"}).status_code == 404
    assert other.get("/jobs/1").status_code == 404
    certifier = app.test_client()
    login(certifier, make_user("certifier"))
    assert certifier.post("/jobs/monte-carlo/1", data={"iterations": "1000"}).status_code == 403


def test_a_run_cut_off_in_the_middle_resumes_and_stores_its_result_once(
        app, client, applicant, monkeypatch):
    from footprint import db
    from footprint.accounts.models import User
    from footprint.audit.models import AuditEvent
    from footprint.jobs import operations, runner
    from footprint.jobs.models import Job, JobItem, JobKind

    calculated(client)
    with app.app_context():
        session = db.session()
        job = operations.submit_job(session, session.get(User, 1), kind=JobKind.UNCERTAINTY,
                                    assessment_id=1, iterations=10_000)
        session.commit()
        job_id = job.id
    real_store, stored = runner._store_item, []

    def store_then_die(session, job, key, **kwargs):
        real_store(session, job, key, **kwargs)
        stored.append(key)
        if len(stored) == 4:
            raise Killed  # the worker dies after the fourth chunk was committed

    monkeypatch.setattr(runner, "_store_item", store_then_die)
    with pytest.raises(Killed):
        _run(app, job_id)
    monkeypatch.setattr(runner, "_store_item", real_store)
    with app.app_context():
        assert db.session().get(Job, job_id).progress_done == 4
    assert _run(app, job_id) is not None
    assert _run(app, job_id) is None  # delivered again after it finished: nothing runs
    with app.app_context():
        session = db.session()
        job = session.get(Job, job_id)
        assert (job.state, job.progress_done, job.attempts) == ("done", 10, 2)
        keys = list(session.exec(select(JobItem.key).where(JobItem.job_id == job_id)))
        assert sorted(keys) == sorted(f"chunk:{n}" for n in range(10))
        assert session.exec(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "job.finish")).one() == 1
        assert job.result["total"]["iterations"] == 10_000


def test_an_assessment_on_another_dataset_version_is_refused(app, client, applicant,
                                                             monkeypatch):
    from footprint import db
    from footprint.jobs.models import Job
    from footprint.lca import get_assessor

    calculated(client)
    # the platform's dataset changed since the assessment (assessments cannot be updated)
    monkeypatch.setattr(get_assessor(app.config["BRIGHTWAY2_DIR"]), "dataset_version",
                        "0000000000000000")
    client.post("/jobs/monte-carlo/1", data={"iterations": "1000"})
    with app.app_context():
        job = db.session().get(Job, 1)
        assert job.state == "failed"
        assert "calculate the product again" in job.error
