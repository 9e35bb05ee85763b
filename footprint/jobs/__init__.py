"""Long jobs (reassessing an organisation's products, batches of report PDFs) run by Celery.

Eager by default: with no broker configured a job runs at once in the process that submits it,
so the embedded default needs no server. With FOOTPRINT_REDIS_URL (or CELERY_BROKER_URL) set,
jobs go to Redis and Celery workers run them (`python -m footprint worker`). Either way the
`jobs` table holds each job's state, progress and result, and `job_items` one row per finished
unit of work, so a job run again after a worker died skips what is done and stores each result
once.
"""
