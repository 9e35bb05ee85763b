"""The production server: gunicorn with 2 worker processes on loopback, the app as deployed
(wsgi:app, gunicorn.conf.py). A login session made by one worker holds on the other, and the
login rate limit counts across both (Redis storage)."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
import requests

from tests.conftest import FAST_HASH, REPO
from tests.databases import empty_database
from tests.services import free_port, redis_server, stop, wait_until

PASSWORD = "correct horse 1"
LOG_LINE = re.compile(r'"(?P<method>[A-Z]+) (?P<path>\S+) [^"]*" (?P<status>\d{3}) .* pid=<(?P<pid>\d+)>$')


def make_applicant(url: str, instance: Path, bw_dir: Path) -> str:
    from footprint import create_app, db
    from footprint.accounts import operations
    from tests.helpers import credit_code

    app = create_app({"INSTANCE_PATH": str(instance), "DATABASE_URL": url,
                      "BRIGHTWAY2_DIR": str(bw_dir), "PASSWORD_HASH_METHOD": FAST_HASH})
    with app.app_context():
        operations.register_organisation(
            db.session(), name="Org", credit_code=credit_code(1), address="", user_name="U",
            email="u@example.cn", password=PASSWORD)
        db.session().commit()
    app.extensions["db_engine"].dispose()
    return "u@example.cn"


@pytest.fixture
def gunicorn(tmp_path, bw_dir):
    """A function starting gunicorn (2 workers) on the test's database and Redis; the base URL
    and the access log's path."""
    started, logs = [], []

    def start(redis_url: str) -> tuple[str, Path]:
        url = empty_database(tmp_path)
        email = make_applicant(url, tmp_path, bw_dir)
        port, log = free_port(), tmp_path / "access.log"
        env = {**os.environ, "FOOTPRINT_INSTANCE_PATH": str(tmp_path), "DATABASE_URL": url,
               "BRIGHTWAY2_DIR": str(bw_dir), "FOOTPRINT_REDIS_URL": redis_url,
               "FOOTPRINT_GUNICORN_ACCESSLOG": str(log), "FOOTPRINT_GUNICORN_LOGLEVEL": "warning"}
        logs.append(open(tmp_path / "gunicorn.err", "wb"))
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", str(REPO / "gunicorn.conf.py"),
             "--chdir", str(REPO), "--bind", f"127.0.0.1:{port}", "--workers", "2", "wsgi:app"],
            env=env, stdout=subprocess.DEVNULL, stderr=logs[-1])
        started.append(process)
        base = f"http://127.0.0.1:{port}"

        def up():
            try:
                return requests.get(f"{base}/health", timeout=10).status_code == 200
            except (requests.ConnectionError, requests.Timeout):
                assert process.poll() is None, (tmp_path / "gunicorn.err").read_text()
                return False

        wait_until(up, 60, "gunicorn to answer")
        return base, log, email

    yield start
    for process in started:
        stop(process)
    for handle in logs:
        handle.close()


def answered_by(log: Path) -> dict[tuple, set[str]]:
    """(method, path, status) -> the pids of the workers that answered it."""
    seen = defaultdict(set)
    for line in log.read_text().splitlines():
        match = LOG_LINE.search(line)
        if match:
            seen[(match["method"], match["path"], match["status"])].add(match["pid"])
    return seen


def passes_by_worker(log: Path) -> dict[str, int]:
    """pid -> how many login POSTs it let through (200: wrong password, 302: logged in)."""
    counts = defaultdict(int)
    for line in log.read_text().splitlines():
        match = LOG_LINE.search(line)
        if match and (match["method"], match["path"]) == ("POST", "/login") \
                and match["status"] in ("200", "302"):
            counts[match["pid"]] += 1
    return counts


def csrf_token(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]


def test_sessions_and_rate_limits_hold_across_gunicorn_workers(gunicorn, tmp_path):
    with redis_server(tmp_path / "redis") as redis_url:
        base, log, email = gunicorn(redis_url)
        browser = requests.Session()
        token = csrf_token(browser.get(f"{base}/login").text)
        response = browser.post(f"{base}/login", data={
            "csrf_token": token, "email": email, "password": PASSWORD}, allow_redirects=False)
        assert response.status_code == 302
        # every request a new connection (sync workers close it): the two workers take turns,
        # and the session cookie made by one is good on the other
        statuses = set()

        def both_workers_served_the_account_page():
            response = browser.get(f"{base}/account", allow_redirects=False)
            statuses.add(response.status_code)
            return len(answered_by(log).get(("GET", "/account", "200"), ())) == 2

        wait_until(both_workers_served_the_account_page, 30, "both workers to serve /account")
        assert statuses == {200}  # never sent back to the login page
        # login: 10 per minute per address, counted in Redis by both workers together
        stranger = requests.Session()
        token = csrf_token(stranger.get(f"{base}/login").text)
        codes = [stranger.post(f"{base}/login", data={
            "csrf_token": token, "email": email, "password": "wrong"}).status_code
            for _ in range(14)]
        # the same address (127.0.0.1) logged in once above: 10 - 1 = 9 more, then the limit
        assert codes == [200] * 9 + [429] * 5
        # Shared counting shows when a worker that let fewer than 10 logins through refuses
        # one: counted alone (memory storage) it would still let them through. When the
        # kernel gave every POST so far to one worker, refused attempts go on until the other
        # worker answers one (each of them must be refused as well).
        def a_worker_under_the_limit_refused():
            passed = passes_by_worker(log)
            refusing = answered_by(log).get(("POST", "/login", "429"), set())
            if any(passed.get(pid, 0) < 10 for pid in refusing):
                return True
            assert stranger.post(f"{base}/login", data={
                "csrf_token": token, "email": email, "password": "wrong"}).status_code == 429
            return False

        wait_until(a_worker_under_the_limit_refused, 30, "the other worker to refuse a login")
        assert sum(passes_by_worker(log).values()) == 10  # the owner's login and 9 wrong ones


def test_workers_are_not_restarted_every_few_seconds_under_load():
    """gunicorn.conf.py's worker recycling: at the verify page's measured 700 requests/s on 2
    workers, a worker must live for minutes, not seconds (each restart costs a start-up)."""
    import runpy

    settings = runpy.run_path(str(REPO / "gunicorn.conf.py"))
    seconds_between_restarts = ((settings["max_requests"] - settings["max_requests_jitter"])
                                / (700 / 2))  # requests a worker serves per second
    assert seconds_between_restarts >= 120  # (100,000 - 10,000) / 350 = 257 s
