"""The Celery task that runs a job (footprint.jobs.runner.run_job), and enqueueing it."""
from __future__ import annotations

from pathlib import Path

from celery import Celery
from flask import current_app
from sqlalchemy.exc import OperationalError

from .. import db
from . import operations
from .models import Job

RUN_JOB = "footprint.jobs.run"
MAX_RETRIES = 3


def register(celery: Celery) -> None:
    # shared=False: the task belongs to this Celery app only (each Flask app has its own).
    @celery.task(name=RUN_JOB, bind=True, shared=False, acks_late=True, reject_on_worker_lost=True,
                 max_retries=MAX_RETRIES)
    def run_job(self, job_id: int) -> str:
        from .runner import JobLost, run_job as run

        app = celery.flask_app
        # A context of its own (and so a database session of its own), also when run eagerly
        # inside the request that submitted the job.
        with app.app_context():
            session = db.session()
            try:
                job = run(session, job_id, bw_dir=Path(app.config["BRIGHTWAY2_DIR"]),
                          jobs_dir=Path(app.config["JOBS_DIR"]))
            except JobLost:
                return "lost"
            except OperationalError as exc:  # the database went away: it may come back
                session.rollback()
                if self.request.retries < MAX_RETRIES:
                    raise self.retry(exc=exc, countdown=2 ** self.request.retries)
                _fail(session, job_id, exc)
                return "failed"
            except Exception as exc:  # noqa: BLE001 - any other error fails the job, named
                session.rollback()
                _fail(session, job_id, exc)
                return "failed"
            return "skipped" if job is None else "done"


def _fail(session, job_id: int, exc: Exception) -> None:
    job = session.get(Job, job_id)
    if job is not None:
        operations.fail_job(session, job, f"{type(exc).__name__}: {exc}")
        session.commit()


def enqueue(job: Job) -> None:
    """Send the (committed) job to the workers, or run it now when no broker is configured."""
    current_app.extensions["celery"].tasks[RUN_JOB].apply_async(args=[job.id])
