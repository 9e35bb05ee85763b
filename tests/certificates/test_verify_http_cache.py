"""The verify page and JSON remember their answers (web/verify/remembered.py) but never a status:
a change shows at once, also when another process made it, with a new ETag; conditional GETs
get 304; the public answers set no cookie; the PDF and the label are immutable."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from footprint.certificates.operations import of_application
from footprint.timeutil import utcnow
from footprint.web.verify import views
from tests.helpers import login


@pytest.fixture
def certified(approved):
    world, application = approved
    views._answers.clear()  # each test starts with nothing remembered
    return world, of_application(world["session"], application.id)


@pytest.fixture
def renders(monkeypatch):
    """Counts the verify pages actually rendered (not answered from memory)."""
    calls = []
    real = views._render_page

    def counting(*args, **kwargs):
        calls.append(args[0].public_id)
        return real(*args, **kwargs)

    monkeypatch.setattr(views, "_render_page", counting)
    return calls


def suspend_elsewhere(world, app, certificate, seconds_later: int = 2) -> None:
    """The status changed by another process (another worker, a console): plain SQL on its own
    connection, nothing this process's memory could be told about."""
    moment = (certificate.status_dt or certificate.issued_dt) + timedelta(seconds=seconds_later)
    with app.extensions["db_engine"].begin() as connection:
        connection.execute(text("UPDATE certificates SET status = 'suspended', status_dt = :at, "
                                "status_reason = 'audit missed', lock_version = lock_version + 1"
                                " WHERE id = :id"), {"at": moment, "id": certificate.id})
    # Here the requests share the fixture's database session (its app context stays pushed);
    # a real request begins a session of its own: forget what this one has read, as that would.
    world["session"].commit()
    world["session"].expire_all()


@pytest.mark.parametrize("kind", ["page", "json"])
def test_a_status_changed_elsewhere_shows_at_once_with_a_new_etag(certified, client, app, kind,
                                                                  renders):
    world, certificate = certified
    url = (f"/verify/{certificate.public_id}" if kind == "page"
           else f"/api/v1/certificates/{certificate.public_id}")
    first, again = client.get(url), client.get(url)
    assert first.status_code == again.status_code == 200
    assert first.headers["ETag"] == again.headers["ETag"] and first.data == again.data
    assert renders == ([certificate.public_id] if kind == "page" else [])  # rendered once
    suspend_elsewhere(world, app, certificate)
    after = client.get(url)
    assert after.status_code == 200 and after.headers["ETag"] != first.headers["ETag"]
    if kind == "page":
        assert "status-suspended" in after.get_data(as_text=True)
        assert "audit missed" in after.get_data(as_text=True)
    else:
        assert after.json["status"] == "suspended"
    # the old ETag no longer matches, the old date is older than the change
    assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 200
    assert client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]}
                      ).status_code == 200
    assert after.last_modified > first.last_modified  # the 2 s between issue and suspension


@pytest.mark.parametrize("kind", ["page", "json"])
def test_conditional_gets_are_answered_304_without_a_body(certified, client, kind, renders):
    _, certificate = certified
    url = (f"/verify/{certificate.public_id}" if kind == "page"
           else f"/api/v1/certificates/{certificate.public_id}")
    first = client.get(url)
    assert first.cache_control.public and first.cache_control.max_age == 60
    for headers in ({"If-None-Match": first.headers["ETag"]},
                    {"If-Modified-Since": first.headers["Last-Modified"]}):
        answer = client.get(url, headers=headers)
        assert answer.status_code == 304 and answer.data == b""
        assert answer.headers["ETag"] == first.headers["ETag"]
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200
    assert len(renders) == (1 if kind == "page" else 0)  # the 304s rendered nothing


def test_public_answers_set_no_cookie(certified, client):
    _, certificate = certified
    public_id = certificate.public_id
    page = client.get(f"/verify/{public_id}")
    urls = [f"/verify/{public_id}", f"/verify/{public_id}?lang=zh",
            f"/api/v1/certificates/{public_id}", f"/verify/{public_id}/label.svg",
            f"/verify/{public_id}/certificate.pdf", f"/verify/{public_id}/credential.json",
            "/verify", "/verify/CQ-CFP-2026-7K3M-9XQ4-K", "/.well-known/footprint-keys.json"]
    answers = []
    for url, headers in [*((url, {}) for url in urls),
                         (urls[0], {"If-None-Match": page.headers["ETag"]})]:
        with client.get(url, headers=headers) as answer:
            answers.append((url, answer.status_code, "Set-Cookie" in answer.headers))
    assert [status for _, status, _ in answers] == [200] * 7 + [404, 200, 304]
    assert [url for url, _, cookie in answers if cookie] == []
    assert client.get_cookie("session") is None


def test_the_language_is_a_link_and_each_language_is_its_own_answer(certified, client):
    from flask_babel import refresh

    _, certificate = certified
    url = f"/verify/{certificate.public_id}"

    def get(**kwargs):
        refresh()  # the locale is kept in the app context, which these tests share
        return client.get(url, **kwargs)

    english = get()
    chinese = get(query_string={"lang": "zh"})
    assert f'href="{url}?lang=zh"' in english.get_data(as_text=True)
    assert 'lang="zh-CN"' in chinese.get_data(as_text=True)
    assert english.headers["ETag"] != chinese.headers["ETag"]
    assert set(english.vary) >= {"Accept-Language", "Cookie"}
    by_header = get(headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert by_header.headers["ETag"] == chinese.headers["ETag"]


def test_a_logged_in_visitor_gets_a_page_of_their_own_never_remembered(certified, client, app,
                                                                       renders):
    world, certificate = certified
    url = f"/verify/{certificate.public_id}"
    anonymous = app.test_client()
    assert "Log out" not in anonymous.get(url).get_data(as_text=True)
    login(client, "applicant@x.cn")
    mine = client.get(url).get_data(as_text=True)
    assert "Log out" in mine and 'name="csrf_token"' in mine  # their own forms
    again = anonymous.get(url)
    assert "Log out" not in again.get_data(as_text=True) and "Set-Cookie" not in again.headers
    # the anonymous page twice, rendered once; the logged-in one rendered for itself
    assert len(renders) == 2


def test_expiry_moves_the_etag_and_last_modified(certified, client, monkeypatch):
    _, certificate = certified
    url = f"/api/v1/certificates/{certificate.public_id}"
    valid = client.get(url)
    monkeypatch.setattr(views, "_today", lambda: certificate.valid_until + timedelta(days=1))
    expired = client.get(url)
    assert expired.json["status"] == "expired"
    assert expired.headers["ETag"] != valid.headers["ETag"]
    # expired from the first day after the last valid one, 00:00 UTC
    assert expired.last_modified.date() == certificate.valid_until + timedelta(days=1)
    assert client.get(url, headers={"If-Modified-Since": valid.headers["Last-Modified"]}
                      ).status_code == 200


def test_the_pdf_and_the_label_are_immutable(certified, client):
    _, certificate = certified
    for suffix in ("certificate.pdf", "label.svg", "label.png"):
        with client.get(f"/verify/{certificate.public_id}/{suffix}") as answer:
            assert answer.status_code == 200, suffix
            assert answer.cache_control.public and answer.cache_control.immutable, suffix
            assert answer.cache_control.max_age == 365 * 24 * 3600, suffix
            etag = answer.headers["ETag"]
        with client.get(f"/verify/{certificate.public_id}/{suffix}",
                        headers={"If-None-Match": etag}) as again:
            assert again.status_code == 304, suffix
