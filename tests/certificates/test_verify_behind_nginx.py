"""The nginx site in front of the production server (footprint/deploy/nginx-site.conf, as
`python -m footprint nginx-config` writes it), run for real: the public verify answers are cached
for a second with the app's own headers, conditional GETs are answered from the cache, a status
change shows through within about a second, and visitors with a cookie and unknown IDs always
reach the app."""
from __future__ import annotations

import shutil
import subprocess
import threading
import time
from datetime import timedelta

import pytest
import requests
from sqlalchemy import text
from werkzeug.serving import WSGIRequestHandler, make_server

from footprint.certificates.operations import of_application
from footprint.deploy import nginx_main, nginx_site
from footprint.web.verify import views
from tests.services import free_port, stop, wait_until


@pytest.fixture
def behind_nginx(approved, app, tmp_path):
    """(world, certificate, base URL through nginx, paths the app was asked for)."""
    executable = shutil.which("nginx") or shutil.which("/usr/sbin/nginx")
    assert executable, "nginx is not installed (Debian package nginx, scripts/setup --test)"
    world, application = approved
    certificate = of_application(world["session"], application.id)
    world["session"].commit()  # the server's own connections must see it
    views._answers.clear()
    reached = []

    def counting(environ, start_response):
        reached.append(environ["PATH_INFO"])
        return app.wsgi_app(environ, start_response)

    app_port, nginx_port = free_port(), free_port()
    server = make_server("127.0.0.1", app_port, counting, threaded=True,
                         request_handler=_Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    folder = tmp_path / "nginx"
    folder.mkdir()
    site = nginx_site(listen=f"127.0.0.1:{nginx_port}", upstream=f"127.0.0.1:{app_port}",
                      cache_dir=str(folder / "cache"))
    (folder / "nginx.conf").write_text(nginx_main(site, folder))
    log = (folder / "stderr.log").open("wb")
    process = subprocess.Popen([executable, "-c", str(folder / "nginx.conf"), "-p", str(folder),
                                "-g", "daemon off;"], stderr=subprocess.STDOUT, stdout=log)
    base = f"http://127.0.0.1:{nginx_port}"

    def up():
        assert process.poll() is None, (folder / "stderr.log").read_text()
        try:
            return requests.get(f"{base}/health", timeout=5).status_code == 200
        except requests.ConnectionError:
            return False

    wait_until(up, 20, "nginx to answer")
    yield world, certificate, base, reached
    stop(process)
    log.close()
    server.shutdown()
    server.server_close()


class _Quiet(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):
        pass


def test_the_verify_answers_are_cached_with_the_apps_headers(behind_nginx):
    _, certificate, base, reached = behind_nginx
    for path in (f"/verify/{certificate.public_id}",
                 f"/api/v1/certificates/{certificate.public_id}"):
        first, again = requests.get(base + path), requests.get(base + path)
        assert (first.status_code, again.status_code) == (200, 200)
        assert (first.headers["X-Cache-Status"], again.headers["X-Cache-Status"]) == (
            "MISS", "HIT")
        assert again.content == first.content and again.headers["ETag"] == first.headers["ETag"]
        for header in ("ETag", "Last-Modified", "Cache-Control"):
            assert again.headers[header] == first.headers[header]
        assert "max-age=60" in again.headers["Cache-Control"] and "Set-Cookie" not in again.headers
        assert reached.count(path) == 1  # the second answer came from nginx
        revalidated = requests.get(base + path, headers={"If-None-Match": first.headers["ETag"]})
        assert revalidated.status_code == 304 and reached.count(path) == 1


def test_a_status_change_shows_through_within_about_a_second(behind_nginx, app):
    world, certificate, base, _ = behind_nginx
    url = f"{base}/api/v1/certificates/{certificate.public_id}"
    before = requests.get(url)
    assert before.json()["status"] == "valid"
    moment = (certificate.status_dt or certificate.issued_dt) + timedelta(seconds=2)
    with app.extensions["db_engine"].begin() as connection:  # as another worker would
        connection.execute(text("UPDATE certificates SET status = 'suspended', status_dt = :at, "
                                "status_reason = 'audit missed', lock_version = lock_version + 1"
                                " WHERE id = :id"), {"at": moment, "id": certificate.id})
    changed = time.monotonic()
    wait_until(lambda: requests.get(url).json()["status"] == "suspended", 5,
               "the suspension to show through nginx", interval=0.1)
    # 1 s of cache, and the one request that refreshes it may still get the entry before
    assert time.monotonic() - changed < 3
    assert requests.get(url).headers["ETag"] != before.headers["ETag"]


def test_cookies_and_unknown_ids_always_reach_the_app(behind_nginx):
    _, certificate, base, reached = behind_nginx
    page = f"/verify/{certificate.public_id}"
    for _ in range(2):
        answer = requests.get(base + page, cookies={"session": "x"})
        assert answer.status_code == 200 and answer.headers["X-Cache-Status"] == "BYPASS"
    unknown = "/api/v1/certificates/CQ-CFP-2026-AAAA-AAAA-A"
    assert [requests.get(base + unknown).status_code for _ in range(2)] == [404, 404]
    assert reached.count(page) == 2 and reached.count(unknown) == 2


@pytest.mark.parametrize("upstream", ["127.0.0.1:8000; include /etc/passwd", "a b", ""])
def test_the_site_takes_only_plain_values(upstream):
    with pytest.raises(ValueError, match="upstream"):
        nginx_site(listen="80", upstream=upstream, cache_dir="/var/cache/nginx/footprint")
