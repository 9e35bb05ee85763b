"""Submitting a job, recording its progress item by item, and finishing it.

Submitting and finishing are audit events (`job.submit`, `job.finish`). Progress is not: each
item's own effect records its event (an assessment's `assessment.create`), and the job's
counters are bookkeeping derived from its items.

The work list is fixed at submission (`params["product_ids"]` or `params["assessment_ids"]`), so
a job run a second time (a worker lost in the middle, a retry, a message delivered twice) works
on the same list, skips the items already stored and stores each result once: `job_items` is
unique per (job, key), and an item is stored in the transaction of its effect.
"""
from __future__ import annotations

from sqlalchemy import func, update
from sqlmodel import Session, select

from ..accounts.models import MAX_KEY
from ..accounts.roles import Role
from ..assessments.models import Assessment
from ..audit.operations import record
from ..errors import InputError, Location, NotAllowed
from ..products.models import Product
from ..timeutil import utcnow
from .errors import NothingToDo
from .models import FINISHED_STATES, Job, JobItem, JobKind, JobState

PAGE_SIZE = 50
ERROR_LENGTH = 2000


def active_product_ids(session: Session, organisation_id: int) -> list[int]:
    return list(session.exec(select(Product.id).where(
        Product.organisation_id == organisation_id, Product.archived_dt.is_(None))
        .order_by(Product.id)))


def report_assessment_ids(session: Session, organisation_id: int,
                          product_id: int | None = None) -> list[int]:
    """The assessments whose report a PDF batch prints: every assessment of one product, or the
    latest of each active product of the organisation."""
    if product_id is not None:
        return list(session.exec(select(Assessment.id).where(
            Assessment.organisation_id == organisation_id, Assessment.product_id == product_id)
            .order_by(Assessment.id)))
    latest = (select(Assessment.product_id, func.max(Assessment.id).label("id"))
              .where(Assessment.organisation_id == organisation_id)
              .group_by(Assessment.product_id).subquery())
    return list(session.exec(select(latest.c.id).join(Product, Product.id == latest.c.product_id)
                             .where(Product.archived_dt.is_(None)).order_by(latest.c.id)))


# The Monte Carlo runs a user may ask of an assessment (the Calculate runs 1,000), and the
# chunks one is done in (the progress bar moves once a chunk).
MONTE_CARLO_ITERATIONS = (1_000, 10_000, 100_000)
MONTE_CARLO_CHUNKS = 10


def submit_job(session: Session, actor, *, kind: JobKind, product_id: int | None = None,
               assessment_id: int | None = None, iterations: int | None = None) -> Job:
    """A new queued job of the actor's organisation, its work list fixed now. The caller commits,
    then enqueues it (footprint.jobs.tasks.enqueue): a worker must find the committed row."""
    if actor.role != Role.APPLICANT:
        raise NotAllowed("only an organisation's applicants submit its jobs", code="wrong_role")
    organisation_id = actor.organisation_id
    if kind == JobKind.UNCERTAINTY:
        params = _monte_carlo_params(session, organisation_id, assessment_id, iterations)
        return _queue(session, actor, kind, params,
                      [f"chunk:{n}" for n in range(params["chunks"])])
    if kind == JobKind.REASSESS:
        params = {"product_ids": active_product_ids(session, organisation_id)}
        work = params["product_ids"]
    elif kind == JobKind.REPORT_PDFS:
        if product_id is not None:
            product = session.get(Product, product_id) if 0 < product_id <= MAX_KEY else None
            if product is None or product.organisation_id != organisation_id:
                raise NotAllowed("the product is not the organisation's",
                                 code="other_organisation")
        params = {"product_id": product_id,
                  "assessment_ids": report_assessment_ids(session, organisation_id, product_id)}
        work = params["assessment_ids"]
    else:
        raise ValueError(f"unknown job kind {kind!r}")
    if not work:
        raise NothingToDo("there is nothing for this job to do", kind=str(kind))
    return _queue(session, actor, kind, params, work)


def _monte_carlo_params(session: Session, organisation_id: int, assessment_id: int | None,
                        iterations: int | None) -> dict:
    from ..lca.uncertainty import SEED

    assessment = (session.get(Assessment, assessment_id)
                  if assessment_id is not None and 0 < assessment_id <= MAX_KEY else None)
    if assessment is None or assessment.organisation_id != organisation_id:
        raise NotAllowed("the assessment is not the organisation's", code="other_organisation")
    if iterations not in MONTE_CARLO_ITERATIONS:
        raise InputError(f"iterations must be one of "
                         f"{', '.join(map(str, MONTE_CARLO_ITERATIONS))}",
                         code="monte_carlo_iterations", location=Location(field="iterations"),
                         allowed=", ".join(f"{n:,}" for n in MONTE_CARLO_ITERATIONS))
    return {"assessment_id": assessment.id, "iterations": iterations, "seed": SEED,
            "chunks": MONTE_CARLO_CHUNKS}


def _queue(session: Session, actor, kind: JobKind, params: dict, work: list) -> Job:
    job = Job(organisation_id=actor.organisation_id, user_id=actor.id, kind=kind, params=params,
              state=JobState.QUEUED, progress_total=len(work))
    session.add(job)
    session.flush()
    record(session, actor=actor, action="job.submit", obj=job,
           after={"kind": str(kind), "params": params, "progress_total": len(work)})
    return job


def start_job(session: Session, job_id: int) -> Job | None:
    """Mark the job running and count the attempt; None when it is finished already (a message
    delivered again after the job completed: its result is not written a second time)."""
    now = utcnow()
    changed = session.execute(
        update(Job).where(Job.id == job_id, Job.state.not_in(FINISHED_STATES))
        .values(state=JobState.RUNNING, attempts=Job.attempts + 1,
                started_dt=func.coalesce(Job.started_dt, now))
        .execution_options(synchronize_session=False)).rowcount
    if not changed:
        return None
    job = session.get(Job, job_id)
    session.refresh(job)
    return job


def done_keys(session: Session, job_id: int) -> set[str]:
    return set(session.exec(select(JobItem.key).where(JobItem.job_id == job_id)))


def record_item(session: Session, job: Job, key: str, *, ok: bool = True,
                detail: dict | None = None) -> JobItem:
    """Store one finished item and move the job's progress on, in the caller's transaction (the
    one that holds the item's effect). A second item of the same key fails at flush with an
    IntegrityError (the unique constraint): the caller rolls back, and the effect with it."""
    item = JobItem(job_id=job.id, key=key, ok=ok, detail=detail or {})
    session.add(item)
    session.flush()
    count = select(func.count(JobItem.id)).where(JobItem.job_id == job.id).scalar_subquery()
    session.execute(update(Job).where(Job.id == job.id).values(progress_done=count)
                    .execution_options(synchronize_session=False))
    return item


def items_of(session: Session, job_id: int) -> list[JobItem]:
    return list(session.exec(select(JobItem).where(JobItem.job_id == job_id)
                             .order_by(JobItem.id)))


def _finish(session: Session, job: Job, state: JobState, *, result: dict | None,
            error: str) -> bool:
    changed = session.execute(
        update(Job).where(Job.id == job.id, Job.state.not_in(FINISHED_STATES))
        .values(state=state, result=result, error=error[:ERROR_LENGTH], finished_dt=utcnow())
        .execution_options(synchronize_session=False)).rowcount
    if not changed:  # finished by another run meanwhile: its result stands
        return False
    session.refresh(job)
    record(session, actor=None, action="job.finish", obj=job,
           before={"state": JobState.RUNNING},
           after={"state": str(state), "progress_done": job.progress_done,
                  "progress_total": job.progress_total, "attempts": job.attempts,
                  "result": result, "error": job.error})
    return True


def finish_job(session: Session, job: Job, result: dict) -> bool:
    """Done, with its result, once: False (and nothing written) when it was finished already."""
    return _finish(session, job, JobState.DONE, result=result, error="")


def fail_job(session: Session, job: Job, error: str) -> bool:
    return _finish(session, job, JobState.FAILED, result=None, error=error)


def monte_carlo_runs(session: Session, assessment: Assessment, limit: int = 20) -> list[Job]:
    """The Monte Carlo jobs asked of this assessment, newest first (they are few: the
    organisation's latest jobs of that kind are read and filtered on their parameters, which
    are JSON)."""
    jobs = session.exec(select(Job).where(
        Job.organisation_id == assessment.organisation_id, Job.kind == JobKind.UNCERTAINTY)
        .order_by(Job.id.desc()).limit(200))
    return [job for job in jobs if job.params.get("assessment_id") == assessment.id][:limit]


def jobs_of(session: Session, organisation_id: int, page: int = 1) -> list[Job]:
    """Newest first, one page."""
    return list(session.exec(select(Job).where(Job.organisation_id == organisation_id)
                             .order_by(Job.id.desc()).offset((page - 1) * PAGE_SIZE)
                             .limit(PAGE_SIZE)))
