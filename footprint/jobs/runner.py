"""Running one job: the same code in a Celery worker and in the eager default.

`run_job` may be called any number of times for the same job (a worker lost in the middle, a
retry, a message delivered twice): it skips the items stored by earlier runs, stores each item in
the transaction of its effect (committed one by one, so a run killed in the middle keeps what it
finished) and writes the job's result once.
"""
from __future__ import annotations

import os
import tempfile
import time
from datetime import date
from pathlib import Path

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from ..accounts.models import User
from ..assessments.models import Assessment
from ..assessments.operations import is_intact, reassess_products
from ..certificates.report import assessment_report_pdf
from . import operations
from .errors import MonteCarloRefused
from .models import Job, JobKind


def report_path(jobs_dir: Path, job_id: int, assessment_id: int) -> Path:
    return Path(jobs_dir) / str(job_id) / f"cfp-report-assessment-{assessment_id}.pdf"


def _store_item(session: Session, job: Job, key: str, *, ok: bool, detail: dict) -> bool:
    """Store the item with its effect and commit; False when another run stored it first (the
    effect is rolled back with it, so it exists once)."""
    try:
        operations.record_item(session, job, key, ok=ok, detail=detail)
        session.commit()
    except IntegrityError:
        session.rollback()
        return False
    return True


def _reassess(session: Session, job: Job, *, bw_dir: Path, **_) -> dict:
    actor = session.get(User, job.user_id)
    done = operations.done_keys(session, job.id)
    skip = frozenset(int(key.split(":")[1]) for key in done)

    def on_product(product_id, product, assessment, error):
        detail = {"product_id": product_id, "name": product.name if product else ""}
        if assessment is not None:
            detail.update(assessment_id=assessment.id, carbon_total=assessment.carbon_total)
        else:
            detail["error"] = str(error)
        _store_item(session, job, f"product:{product_id}", ok=assessment is not None,
                    detail=detail)

    reassess_products(session, actor, organisation_id=job.organisation_id, bw_dir=bw_dir,
                      on_product=on_product, product_ids=job.params["product_ids"], skip=skip)
    return _summary(session, job)


def _write_atomically(path: Path, data: bytes) -> None:
    """The whole file or none: a worker killed while writing leaves no half PDF."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".partial-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def _report_pdfs(session: Session, job: Job, *, jobs_dir: Path, **_) -> dict:
    done = operations.done_keys(session, job.id)
    for assessment_id in job.params["assessment_ids"]:
        key = f"assessment:{assessment_id}"
        if key in done:
            continue
        assessment = session.get(Assessment, assessment_id)
        detail = {"assessment_id": assessment_id}
        if assessment is None or assessment.organisation_id != job.organisation_id:
            detail["error"] = "assessment not found"
        elif not is_intact(assessment):
            detail["error"] = "stored content does not match its content hash"
        else:
            path = report_path(jobs_dir, job.id, assessment_id)
            _write_atomically(path, assessment_report_pdf(session, assessment,
                                                          generated=date.today()))
            detail.update(product_id=assessment.product_id, file=path.name,
                          bytes=path.stat().st_size)
        _store_item(session, job, key, ok="error" not in detail, detail=detail)
    return _summary(session, job)


def _monte_carlo(session: Session, job: Job, *, bw_dir: Path, **_) -> dict:
    """The Monte Carlo of a stored assessment with more iterations, chunk by chunk. A run again
    after a lost worker draws the same numbers (one seed), stores only the chunks not stored yet
    and writes the result once (finish_job)."""
    from ..lca import get_assessor, parse_spec

    params = job.params
    assessment = session.get(Assessment, params["assessment_id"])
    if assessment is None or assessment.organisation_id != job.organisation_id:
        raise MonteCarloRefused("the assessment is gone")
    if not is_intact(assessment):
        raise MonteCarloRefused("the stored assessment does not match its content hash")
    assessor = get_assessor(bw_dir)
    if assessment.dataset_version != assessor.dataset_version:
        raise MonteCarloRefused(
            f"the assessment used dataset {assessment.dataset_version} and the platform now has "
            f"{assessor.dataset_version}: calculate the product again and run the Monte Carlo "
            f"of the new assessment")
    spec = parse_spec(assessment.spec)
    # Data quality is rated against the year the assessment was made in, unless the spec says.
    year = spec.product.reference_year or assessment.created_dt.year
    spec = spec.model_copy(update={"product": spec.product.model_copy(
        update={"reference_year": year})})
    done = operations.done_keys(session, job.id)

    def on_chunk(number: int, iterations_done: int) -> None:
        key = f"chunk:{number}"
        if key not in done:
            _store_item(session, job, key, ok=True, detail={"iterations": iterations_done})

    started = time.perf_counter()
    block = assessor.monte_carlo(spec, iterations=params["iterations"], seed=params["seed"],
                                 chunks=params["chunks"], on_chunk=on_chunk)
    return {**block, "assessment_id": assessment.id, "reference_year": year,
            "seconds": round(time.perf_counter() - started, 3)}


def _summary(session: Session, job: Job) -> dict:
    items = operations.items_of(session, job.id)
    return {"succeeded": sum(item.ok for item in items),
            "failed": [item.detail for item in items if not item.ok]}


RUNNERS = {JobKind.REASSESS: _reassess, JobKind.REPORT_PDFS: _report_pdfs,
           JobKind.UNCERTAINTY: _monte_carlo}


class JobLost(RuntimeError):
    """The job row is gone (its organisation deleted?): nothing to run."""


def run_job(session: Session, job_id: int, *, bw_dir: Path, jobs_dir: Path) -> Job | None:
    """Run (or resume) the job and finish it; None when it was finished already. An unexpected
    error fails the job with its message; a database error that may pass (the connection lost)
    propagates, for the task to retry."""
    job = operations.start_job(session, job_id)
    session.commit()
    if job is None:
        if session.get(Job, job_id) is None:
            raise JobLost(f"job {job_id} does not exist")
        return None
    result = RUNNERS[JobKind(job.kind)](session, job, bw_dir=bw_dir, jobs_dir=jobs_dir)
    operations.finish_job(session, job, result)
    session.commit()
    return job
