"""The Celery app of a Flask app, configured from its config (footprint.config.job_settings).

One Celery app per Flask app (app.extensions["celery"]), so tests that make many apps share no
state. No broker configured: `task_always_eager`, a job runs at once in the submitting process
(the embedded default needs no server). A broker (Redis) configured: jobs are queued there and
run by `python -m footprint worker`; results are kept in the result backend (the same Redis by
default), although the `jobs` table is what the web reads.

Losing a worker loses no job: a task is acknowledged only after it ran (`acks_late`), a worker
process that dies while running it hands it back (`task_reject_on_worker_lost`), and a worker
that dies whole leaves its unacknowledged message in Redis, which hands it to another worker
after `visibility_timeout` seconds (FOOTPRINT_JOBS_VISIBILITY_TIMEOUT, one hour by default:
keep it above the longest job, or a job still running is handed out a second time - harmless,
as a second run skips what the first stored, but wasted work). Each worker takes one message at
a time (`worker_prefetch_multiplier=1`), so a lost worker holds no queued job hostage.
"""
from __future__ import annotations

from celery import Celery
from flask import Flask

from . import tasks


def init_app(app: Flask) -> Celery:
    broker = app.config.get("JOBS_BROKER_URL") or ""
    visibility = {"visibility_timeout": int(app.config.get("JOBS_VISIBILITY_TIMEOUT", 3600))}
    celery = Celery(f"footprint-{id(app)}", set_as_current=False)
    celery.conf.update(
        task_always_eager=not broker,
        # eager: a bug in the runner fails the request that ran it, not silently
        task_eager_propagates=True,
        broker_url=broker or "memory://",
        result_backend=(app.config.get("JOBS_RESULT_BACKEND") or broker) or None,
        broker_transport_options=visibility,
        result_backend_transport_options=visibility,
        broker_connection_retry_on_startup=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_serializer="json", result_serializer="json", accept_content=["json"],
        result_expires=7 * 24 * 3600,
        worker_hijack_root_logger=False,
    )
    celery.flask_app = app

    tasks.register(celery)
    app.extensions["celery"] = celery
    return celery
