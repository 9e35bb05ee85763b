"""Long jobs of the applicant's organisation: submit (reassess every product, print the report
PDFs), follow one job's progress (a page that refreshes, and a JSON endpoint its script polls),
list them. Another organisation's job is a 404, like every object."""
from __future__ import annotations

from pathlib import Path

from flask import (abort, current_app, flash, jsonify, redirect, render_template, request,
                   send_file, url_for)
from flask_babel import gettext as _
from flask_login import current_user

from ... import db
from ...accounts.roles import Role
from ...jobs import operations
from ...errors import InputError
from ...jobs.models import FINISHED_STATES, Job, JobKind
from ...jobs.runner import report_path
from ...jobs.tasks import enqueue
from ..access import load, role_required
from ..labels import error_message
from . import bp


def _submit(kind: JobKind, **what):
    session = db.session()
    try:
        job = operations.submit_job(session, current_user, kind=kind, **what)
    except InputError as error:  # nothing to do, or a bad parameter (named in the message)
        session.rollback()
        flash(error_message(error), "error")
        return redirect(request.referrer or url_for("products.index"))
    session.commit()  # before enqueueing: the worker must find the row
    enqueue(job)
    return redirect(url_for(".show", job_id=job.id))


@bp.post("/reassess")
@role_required(Role.APPLICANT)
def reassess():
    return _submit(JobKind.REASSESS)


@bp.post("/report-pdfs")
@role_required(Role.APPLICANT)
def report_pdfs():
    raw = request.form.get("product_id", "")
    if raw and not (raw.isascii() and raw.isdigit()):
        abort(400)
    product_id = int(raw) if raw else None
    if product_id is not None:
        from ...products.models import Product

        load(Product, product_id)  # another organisation's product: 404
    return _submit(JobKind.REPORT_PDFS, product_id=product_id)


@bp.post("/monte-carlo/<int:assessment_id>")
@role_required(Role.APPLICANT)
def monte_carlo(assessment_id: int):
    """A longer Monte Carlo of one of the organisation's assessments."""
    from ...assessments.models import Assessment

    assessment = load(Assessment, assessment_id)
    iterations = request.form.get("iterations", type=int)
    return _submit(JobKind.UNCERTAINTY, assessment_id=assessment.id, iterations=iterations)


@bp.get("/")
@role_required(Role.APPLICANT)
def index():
    jobs = operations.jobs_of(db.session(), current_user.organisation_id,
                              max(1, request.args.get("page", 1, type=int)))
    return render_template("jobs/index.html", jobs=jobs)


def _progress(job: Job) -> dict:
    return {"id": job.id, "kind": job.kind, "state": job.state, "done": job.progress_done,
            "total": job.progress_total, "finished": job.state in FINISHED_STATES,
            "attempts": job.attempts, "error": job.error or None,
            "url": url_for(".show", job_id=job.id)}


@bp.get("/<int:job_id>")
@role_required(Role.APPLICANT)
def show(job_id: int):
    job = load(Job, job_id)
    items = operations.items_of(db.session(), job.id)
    return render_template("jobs/show.html", job=job, items=items, progress=_progress(job),
                           finished=job.state in FINISHED_STATES)


@bp.get("/<int:job_id>/progress.json")
@role_required(Role.APPLICANT)
def progress(job_id: int):
    response = jsonify(_progress(load(Job, job_id)))
    response.cache_control.no_store = True
    return response


@bp.get("/<int:job_id>/reports/<int:assessment_id>.pdf")
@role_required(Role.APPLICANT)
def report(job_id: int, assessment_id: int):
    """A report PDF the job wrote (only assessments of its own work list)."""
    job = load(Job, job_id)
    if job.kind != JobKind.REPORT_PDFS or assessment_id not in job.params["assessment_ids"]:
        abort(404)
    path = report_path(Path(current_app.config["JOBS_DIR"]), job.id, assessment_id)
    if not path.is_file():
        abort(404)
    return send_file(path, mimetype="application/pdf", as_attachment=True,
                     download_name=path.name)
