"""gunicorn settings of the production server: `scripts/serve-production` (or
`.venv/bin/gunicorn -c gunicorn.conf.py wsgi:app`). Each setting can be changed by its
FOOTPRINT_GUNICORN_* variable or on the command line (which wins over this file).

The web tier keeps no state in its processes, so any worker can answer any request:
- sessions are signed cookies (Flask's default) under the SECRET_KEY every worker reads from the
  same instance folder or FOOTPRINT_SECRET_KEY; whether a session is still valid is read from the
  database (the user's session token) on each request;
- rate limits count in Redis when FOOTPRINT_REDIS_URL (or FOOTPRINT_RATELIMIT_STORAGE_URI) is
  set; without it each worker counts alone (memory://), so the limits are multiplied by the
  number of workers: set Redis for more than one worker;
- long jobs are queued in Redis for Celery workers (`python -m footprint worker`) when it is set,
  and their state is in the database; without Redis a job runs in the worker that submits it;
- the in-process caches hold only what never changes: a certificate's signature verdict (keyed by
  its signed text, signature and published key; its status is read from the database on every
  request), criteria parsed from a given text, dataset files by their modification stamps.
"""
import multiprocessing
import os


def _env(name: str, default):
    return type(default)(os.environ.get(f"FOOTPRINT_GUNICORN_{name}", default))


# Loopback by default: put a reverse proxy (nginx) in front, and set FOOTPRINT_PROXY_FIX=1.
bind = _env("BIND", "127.0.0.1:8000")
# (2 x cores) + 1, gunicorn's rule of thumb for sync workers: while one worker waits on the
# database or renders a PDF, another uses the core.
workers = _env("WORKERS", 2 * multiprocessing.cpu_count() + 1)
worker_class = "sync"
# Calculate on a large background and PDF rendering take seconds; a worker silent for longer
# than this is killed and replaced. Long work belongs in a job (footprint/jobs), not a request.
timeout = _env("TIMEOUT", 60)
graceful_timeout = _env("GRACEFUL_TIMEOUT", 30)
keepalive = _env("KEEPALIVE", 5)
# Restart each worker after about this many requests (jittered, so they do not all restart at
# once): memory grown by one large request is given back. Not sooner: a restart costs a worker's
# start-up (about a second of CPU), and at the public verify page's rate (700+ requests/s on 2
# cores, bench/RESULTS.md) a limit of 2,000 restarted each worker every few seconds and took
# 10 to 20 % of the throughput.
max_requests = _env("MAX_REQUESTS", 100_000)
max_requests_jitter = _env("MAX_REQUESTS_JITTER", 10_000)
# preload_app off: each worker builds its own app (its own database engine and connection pool,
# its own Brightway state), nothing is shared through fork, and `kill -HUP` reloads new code.
# The price is each worker's start-up (about a second); preloading would save memory but fork
# open database connections and Brightway's SQLite handles into every worker.
preload_app = False
# One line per request on stdout (common log format, the time taken in microseconds and the
# process id of the worker that answered);
# FOOTPRINT_GUNICORN_ACCESSLOG=- by default, a path to write a file, or "" for none.
accesslog = os.environ.get("FOOTPRINT_GUNICORN_ACCESSLOG", "-") or None
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(D)s pid=%(p)s'
errorlog = "-"
loglevel = _env("LOGLEVEL", "info")
# Behind a proxy on the same machine only; FOOTPRINT_PROXY_FIX decides what the app trusts.
forwarded_allow_ips = _env("FORWARDED_ALLOW_IPS", "127.0.0.1")
