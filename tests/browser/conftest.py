"""Browser fixtures: the real app served on a free localhost port, driven by headless Chromium.

The server runs in a daemon thread of the test process (so the Brightway assessor it uses is the
same object as the `assessor` fixture); each module gets a fresh instance folder and database.
Every test gets its own browser context, i.e. its own cookies and session.
"""
from __future__ import annotations

import threading

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


@pytest.fixture(scope="module")
def app(tmp_path_factory, bw_dir, assessor):
    # `assessor` is requested so that the Brightway project is prepared before the first
    # "Calculate" click; the app's get_assessor(bw_dir) then returns this same object. This order
    # (assessor first, app second) also guards against the old shadowing of the function
    # footprint.lca.assess by a submodule of the same name, which broke "Calculate" with
    # "TypeError: 'module' object is not callable".
    from footprint import create_app
    from tests.databases import sqlite_database

    instance = tmp_path_factory.mktemp("browser-instance")
    return create_app({
        "INSTANCE_PATH": str(instance),
        "DATABASE_URL": sqlite_database(instance),
        "BRIGHTWAY2_DIR": str(bw_dir),
        "RATELIMIT_ENABLED": False,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        # CSRF stays on: the browser submits the real tokens of the rendered forms.
    })


@pytest.fixture(scope="module")
def live_server(app):
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="browser-test-server",
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser, live_server):
    """A page in a fresh context (no cookies), English UI; fails the test on any JS error."""
    context = browser.new_context(base_url=live_server, locale="en-GB", accept_downloads=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    js_errors: list[str] = []
    page.on("pageerror", lambda error: js_errors.append(str(error)))
    try:
        yield page
    finally:
        context.close()
    assert not js_errors, f"JavaScript errors on the page: {js_errors}"
