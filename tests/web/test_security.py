"""Findings of an outside probe of every route: clean 4xx instead of 500s, revocable sessions,
security headers and cookies, password strength, private files, POST-only state changes."""
from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from urllib.parse import unquote

import pytest
from sqlalchemy.exc import IntegrityError

from tests.conftest import FAST_HASH, empty_database
from tests.helpers import credit_code, login

HUGE_IDS = (2**31, 2**63, 2**64 + 7, 10**30)
PASSWORD = "correct horse 1"
TEMPLATES = Path(__file__).resolve().parents[2] / "footprint" / "web"


def _new_app(tmp_path, bw_dir, **config):
    from footprint import create_app

    return create_app({"INSTANCE_PATH": str(tmp_path), "BRIGHTWAY2_DIR": str(bw_dir),
                       "DATABASE_URL": empty_database(tmp_path), "TESTING": True,
                       "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
                       "PASSWORD_HASH_METHOD": FAST_HASH, **config})


def _user(app, email):
    from sqlmodel import select

    from footprint import db
    from footprint.accounts.models import User

    with app.app_context():
        return db.session().exec(select(User).where(User.email == email)).one()


def _second_client(app, client):
    """Another browser holding a copy of the client's session cookie."""
    other = app.test_client()
    cookie = client.get_cookie("session")
    other.set_cookie(cookie.key, cookie.value)
    return other


# 1. Clean 4xx instead of 500s ---------------------------------------------------------------

def _int_routes(app):
    for rule in app.url_map.iter_rules():
        ints = [name for name, conv in rule._converters.items()
                if type(conv).__name__ in ("IntegerConverter", "BoundedIntConverter")]
        if ints:
            yield rule, ints


@pytest.mark.parametrize("role", ["applicant", "admin"])
def test_huge_object_ids_are_404_on_every_route(app, client, make_user, role):
    login(client, make_user(role))
    if role == "applicant":
        client.post("/sites/new", data={"name": "Plant", "grid_region": "CN-CQ"})
    routes = list(_int_routes(app))
    assert len(routes) >= 10
    for rule, ints in routes:
        for huge in HUGE_IDS:
            args = {name: (huge if name in ints else "x") for name in rule.arguments}
            path = rule.rule
            for name, value in args.items():
                path = re.sub(rf"<(?:[^:<>]+:)?{name}>", str(value), path)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                response = client.open(path, method=method)
                assert response.status_code == 404, (method, path, response.status_code)


def test_large_ids_in_query_strings_are_404(client, applicant):
    assert client.get(f"/products/{2**31 - 1}").status_code == 404  # the largest key: no object
    for huge in (2**31, 2**63, -(2**63), 10**30):
        assert client.get(f"/products/1/compare?a={huge}&b=1").status_code == 404


@pytest.mark.parametrize("target", ["/%0d%0aX", "/%0aSet-Cookie:%20a=b", "/%0d%0a%0d%0a<h1>x",
                                    "/\\evil.example", "/%5C%5Cevil.example/", "/%09/evil.example"])
def test_next_with_control_characters_or_backslash_falls_back(client, make_user, target):
    email = make_user()
    response = client.post(f"/login?next={target}", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302 and response.location == "/"
    response = client.post("/language/zh", data={"next": unquote(target)})
    assert response.status_code == 302 and response.location == "/"


def test_next_keeps_ordinary_paths(client, make_user):
    email = make_user()
    response = client.post("/login?next=/sites/%3Fa%3D1", data={"email": email,
                                                                "password": PASSWORD})
    assert response.location == "/sites/?a=1"


@pytest.mark.parametrize("value", ["sNaN", "NaN", "nan", "-sNaN", "Infinity", "-Infinity", "inf"])
@pytest.mark.parametrize("field", ["annual_output", "land_area_m2"])
def test_site_decimal_fields_reject_non_finite_numbers(client, make_user, db_session, field,
                                                       value):
    from sqlmodel import select

    from footprint.accounts.models import Site

    login(client, make_user())
    data = {"name": "Plant", "grid_region": "CN-CQ", "annual_output": "1",
            "land_area_m2": "1", field: value}
    response = client.post("/sites/new", data=data)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    field_html = page[page.index(f'id="{field}"'):]
    field_html = field_html[:field_html.index("</div>")]
    assert f"&#39;{value}&#39; is not a number" in field_html  # the numeric policy's message
    assert db_session.exec(select(Site)).first() is None


NUL_POSTS = [
    ("/signup", {"company": "A\x00B Ltd.", "credit_code": credit_code(90), "address": "",
                 "name": "Li", "email": "li@example.cn", "password": "Jialing river 42",
                 "confirm": "Jialing river 42"}, "company"),
    ("/login", {"email": "a@example.cn", "password": "x\x00y"}, "password"),
    ("/sites/new", {"name": "Plant\x00", "grid_region": "CN-CQ"}, "name"),
    ("/sites/new", {"name": "Plant", "grid_region": "CN-CQ", "output_unit": "\x00"},
     "output_unit"),
    ("/products/new", {"name": "Fan\x00", "functional_unit": "1 piece",
                       "boundary": "cradle-to-gate", "site_id": "1"}, "name"),
    ("/account", {"current_password": PASSWORD, "new_password": "Jialing\x00 river 42",
                  "confirm": "Jialing\x00 river 42"}, "new_password"),
]


@pytest.mark.parametrize("path,data,field", NUL_POSTS)
def test_nul_characters_in_any_field_are_a_clear_400(client, make_user, path, data, field):
    login(client, make_user())
    client.post("/sites/new", data={"name": "Plant", "grid_region": "CN-CQ"})
    response = client.post(path, data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f"The field {field} contains a NUL character" in page


def test_nul_characters_in_query_and_admin_forms(client, make_user):
    assert client.get("/factors/?q=steel%00").status_code == 400
    login(client, make_user("admin"))
    response = client.post("/admin/users/new", data={
        "role": "certifier", "name": "Wang\x00", "email": "wang@cert.cn",
        "password": "certifier-pass-1", "organisation_id": "0",
        "new_organisation": "Cert body", "new_credit_code": credit_code(91)})
    assert response.status_code == 400 and "The field name contains" in response.get_data(
        as_text=True)


def test_nothing_with_nul_was_stored(client, make_user, db_session):
    from sqlmodel import select

    from footprint.accounts.models import Site

    login(client, make_user())
    client.post("/sites/new", data={"name": "Plant\x00", "grid_region": "CN-CQ"})
    assert db_session.exec(select(Site)).first() is None


def test_error_page_renders_after_a_database_error(tmp_path, bw_dir):
    """A failed flush leaves the session needing a rollback; the 500 page (whose header loads
    the user) must still render."""
    from footprint import db
    from footprint.accounts import operations
    from footprint.accounts.models import User

    app = _new_app(tmp_path, bw_dir, PROPAGATE_EXCEPTIONS=False)

    @app.get("/test-db-error")
    def db_error():
        session = db.session()
        session.add(User(organisation_id=1, email="li@example.cn", name="Copy", password_hash="x"))
        try:
            session.flush()  # duplicate e-mail: IntegrityError
        except IntegrityError:
            raise RuntimeError("a bug after a failed flush") from None
        return "unreachable"

    with app.app_context():
        operations.register_organisation(
            db.session(), name="Org", credit_code=credit_code(1), address="", user_name="Li Lei",
            email="li@example.cn", password=PASSWORD)
        db.session().commit()
    client = app.test_client()
    login(client, "li@example.cn")
    response = client.get("/test-db-error")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Something went wrong on our side" in page
    assert "Li Lei" in page  # the header rendered with the user loaded again


# 2. Sessions can be ended --------------------------------------------------------------------

def test_logout_ends_copies_of_the_session_cookie(app, client, make_user):
    login(client, make_user())
    stolen = _second_client(app, client)
    assert stolen.get("/sites/").status_code == 200
    client.post("/logout")
    assert stolen.get("/sites/").status_code == 302


def test_remember_cookie_from_before_logout_no_longer_works(app, client, make_user):
    from flask_login.utils import encode_cookie

    email = make_user()
    with app.test_request_context():
        remember = encode_cookie(_user(app, email).get_id())
    browser = app.test_client()
    browser.set_cookie("remember_token", remember)
    assert browser.get("/sites/").status_code == 200  # the remember cookie logs in
    login(client, email)
    client.post("/logout")
    later = app.test_client()
    later.set_cookie("remember_token", remember)
    assert later.get("/sites/").status_code == 302


def test_admin_password_reset_ends_the_users_sessions(app, client, make_user):
    email = make_user()
    user_client = app.test_client()
    login(user_client, email)
    assert user_client.get("/sites/").status_code == 200
    login(client, make_user("admin"))
    user = _user(app, email)
    assert client.post(f"/admin/users/{user.id}/password",
                       data={"password": "a-new-password-2"}).status_code == 302
    assert user_client.get("/sites/").status_code == 302
    assert login(app.test_client(), email, "a-new-password-2").status_code == 302


def test_change_own_password(app, client, make_user):
    email = make_user()
    login(client, email)
    page = client.get("/sites/").get_data(as_text=True)
    assert 'href="/account"' in page  # reachable from the header
    other_device = app.test_client()
    login(other_device, email)
    assert client.get("/account").status_code == 200

    wrong = client.post("/account", data={"current_password": "not it at all",
                                          "new_password": "Jialing river 42",
                                          "confirm": "Jialing river 42"})
    assert wrong.status_code == 200 and "wrong password" in wrong.get_data(as_text=True)
    weak = client.post("/account", data={"current_password": PASSWORD,
                                         "new_password": "password123",
                                         "confirm": "password123"})
    assert "too easy to guess" in weak.get_data(as_text=True)
    assert other_device.get("/sites/").status_code == 200  # nothing changed yet

    done = client.post("/account", data={"current_password": PASSWORD,
                                         "new_password": "Jialing river 42",
                                         "confirm": "Jialing river 42"})
    assert done.status_code == 302
    assert client.get("/sites/").status_code == 200  # this session goes on
    assert other_device.get("/sites/").status_code == 302  # every other one ended
    assert login(app.test_client(), email, PASSWORD).status_code == 200  # old one refused
    assert login(app.test_client(), email, "Jialing river 42").status_code == 302


def test_change_password_operation(app, make_user):
    from footprint import db
    from footprint.accounts import operations
    from footprint.accounts.models import User

    email = make_user()
    user_id = _user(app, email).id
    with app.app_context():
        session = db.session()
        user = session.get(User, user_id)
        token = user.session_token
        with pytest.raises(operations.AccountError) as wrong:
            operations.change_password(session, user, "nope nope nope", "Jialing river 42")
        assert wrong.value.field == "current_password"
        with pytest.raises(operations.AccountError) as weak:
            operations.change_password(session, user, PASSWORD, "qwertyuiop")
        assert weak.value.field == "new_password"
        assert user.session_token == token
        operations.change_password(session, user, PASSWORD, "Jialing river 42")
        assert user.session_token != token
        assert operations.authenticate(session, email, "Jialing river 42") is user


def test_admin_disables_and_enables_a_user(app, client, make_user):
    email = make_user()
    user_client = app.test_client()
    login(user_client, email)
    admin = make_user("admin")
    login(client, admin)
    user = _user(app, email)
    page = client.get("/admin/users").get_data(as_text=True)
    assert f'action="/admin/users/{user.id}/disable"' in page
    assert f'action="/admin/users/{_user(app, admin).id}/disable"' not in page  # not oneself

    assert client.get(f"/admin/users/{user.id}/disable").status_code == 405  # POST only
    assert client.post(f"/admin/users/{user.id}/disable").status_code == 302
    assert user_client.get("/sites/").status_code == 302  # the session ended
    assert login(app.test_client(), email).status_code == 200  # and no new one
    assert not _user(app, email).is_enabled
    assert f'action="/admin/users/{user.id}/enable"' in client.get("/admin/users").get_data(
        as_text=True)

    assert client.post(f"/admin/users/{user.id}/enable").status_code == 302
    assert _user(app, email).is_enabled
    assert login(app.test_client(), email).status_code == 302


def test_an_admin_cannot_disable_themselves(app, client, make_user):
    admin = make_user("admin")
    login(client, admin)
    me = _user(app, admin)
    response = client.post(f"/admin/users/{me.id}/disable", follow_redirects=True)
    assert "you cannot disable your own account" in response.get_data(as_text=True)
    assert _user(app, admin).is_enabled
    assert client.get("/admin/users").status_code == 200


def test_disable_needs_the_csrf_token(app, client, make_user):
    email = make_user()
    login(client, make_user("admin"))
    app.config["WTF_CSRF_ENABLED"] = True
    user = _user(app, email)
    assert client.post(f"/admin/users/{user.id}/disable").status_code == 400
    assert _user(app, email).is_enabled


def test_set_enabled_and_end_sessions_operations(app, make_user):
    from footprint import db
    from footprint.accounts import operations
    from footprint.accounts.models import User

    email, admin_email = make_user(), make_user("admin")
    with app.app_context():
        session = db.session()
        user, admin = _user(app, email), _user(app, admin_email)
        user, admin = session.get(User, user.id), session.get(User, admin.id)
        with pytest.raises(operations.AccountError):
            operations.set_enabled(session, admin, False, actor=admin)
        token = user.session_token
        operations.set_enabled(session, user, False, actor=admin)
        assert not user.is_enabled and user.session_token != token
        assert operations.authenticate(session, email, PASSWORD) is None
        token = user.session_token
        operations.end_sessions(user)
        assert user.session_token != token and len(user.session_token) >= 32


def test_malformed_session_ids_are_anonymous(app, client, make_user):
    from footprint.web.extensions import _load_user

    make_user()
    with app.test_request_context():
        user = _user(app, "applicant1@example.cn")
        for session_id in ("1", f"{user.id}", f"{user.id}:", f"{user.id}:wrong", "x:y",
                           f"{2**64}:{user.session_token}", ""):
            assert _load_user(session_id) is None, session_id
        assert _load_user(user.get_id()).id == user.id


# 3. Headers and cookies ----------------------------------------------------------------------

def test_security_headers_on_every_response(client, make_user):
    responses = [client.get("/"), client.get("/login"), client.get("/factors/"),
                 client.get("/static/style.css"), client.get("/no-such-page"),
                 client.post("/login", data={})]
    for response in responses:
        response.close()
        csp = response.headers.get("Content-Security-Policy", "")
        directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
        assert directives["default-src"] == "'self'"
        assert directives["script-src"] == "'self'"  # no 'unsafe-inline'
        assert directives["frame-ancestors"] == "'none'"
        assert directives["object-src"] == "'none'"
        assert directives["base-uri"] == "'self'"
        assert directives["form-action"] == "'self'"
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] in ("same-origin",
                                                       "strict-origin-when-cross-origin")


def test_templates_have_no_inline_script_handlers_or_styles():
    problems = []
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        for pattern in (r"<script(?![^>]*\bsrc=)[^>]*>", r"(?<![\w-])on[a-z]+\s*=\s*[\"'{]",
                        r"\sstyle\s*=", r"<style\b", r"javascript:"):
            problems += [f"{template.name}: {m.group(0)}" for m in re.finditer(pattern, text)]
    assert problems == []


def test_confirm_prompts_come_from_a_static_script(client, applicant):
    page = client.get("/sites/").get_data(as_text=True)
    assert "data-confirm=" in page and "onsubmit" not in page
    assert '<script src="/static/confirm.js" defer></script>' in page
    with client.get("/static/confirm.js") as script:
        assert script.status_code == 200


def _cookie_attributes(response, name):
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(name + "="))
    return {part.strip().split("=")[0].lower(): part for part in header.split(";")[1:]}


def test_session_and_remember_cookies_are_lax_and_http_only(app, client, make_user):
    response = login(client, make_user())
    attributes = _cookie_attributes(response, "session")
    assert "httponly" in attributes and attributes["samesite"].strip() == "SameSite=Lax"
    assert "secure" not in attributes
    assert app.config["REMEMBER_COOKIE_SAMESITE"] == "Lax"
    assert app.config["REMEMBER_COOKIE_HTTPONLY"] is True


def test_secure_cookies_when_configured(tmp_path, bw_dir, monkeypatch, make_user):
    monkeypatch.setenv("FOOTPRINT_SECURE_COOKIES", "1")
    app = _new_app(tmp_path / "secure", bw_dir)
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    client = app.test_client()
    response = client.get("/login", base_url="https://localhost")
    assert "secure" in _cookie_attributes(response, "session")


def test_proxy_fix_when_configured(tmp_path, bw_dir, monkeypatch):
    from flask import request

    def build(name):
        app = _new_app(tmp_path / name, bw_dir)

        @app.get("/test-remote")
        def remote():
            return f"{request.remote_addr} {request.scheme}"
        return app.test_client()

    headers = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    plain = build("plain").get("/test-remote", headers=headers,
                               environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert plain.get_data(as_text=True) == "10.0.0.1 http"  # not trusted by default
    monkeypatch.setenv("FOOTPRINT_PROXY_FIX", "1")
    proxied = build("proxied").get("/test-remote", headers=headers,
                                   environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert proxied.get_data(as_text=True) == "203.0.113.9 https"


# 4. Smaller findings -------------------------------------------------------------------------

def test_signup_is_rate_limited(app):
    app.config.update(RATELIMIT_ENABLED=True, SIGNUP_RATE_LIMIT="2 per minute")
    client = app.test_client()
    codes = [client.post("/signup", data={"company": "X"}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert client.get("/signup").status_code == 200  # the form itself is not limited


def test_rate_limit_storage_is_configurable(tmp_path, bw_dir, monkeypatch):
    import footprint.web.ratelimits as extension

    seen = []
    real = extension.storage_from_string

    def spy(uri, **options):
        seen.append(uri)
        return real("memory://", **options)

    monkeypatch.setattr(extension, "storage_from_string", spy)
    monkeypatch.setenv("FOOTPRINT_RATELIMIT_STORAGE_URI", "redis://cache.internal:6379/3")
    app = _new_app(tmp_path, bw_dir, RATELIMIT_ENABLED=True)
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://cache.internal:6379/3"
    assert seen[-1] == "redis://cache.internal:6379/3"
    monkeypatch.delenv("FOOTPRINT_RATELIMIT_STORAGE_URI")
    _new_app(tmp_path / "default", bw_dir, RATELIMIT_ENABLED=True)
    assert seen[-1] == "memory://"


WEAK = ["1234567890", "password123", "qwertyuiop", "1q2w3e4r5t", "aaaaaaaaaaaa",
        "iloveyou123"]


@pytest.mark.parametrize("password", WEAK)
def test_weak_passwords_are_refused_at_signup(client, password):
    response = client.post("/signup", data={
        "company": "Moto Ltd.", "credit_code": credit_code(7), "address": "", "name": "Li",
        "email": "li@moto.cn", "password": password, "confirm": password})
    assert response.status_code == 200
    assert re.search(r'id="password".*?too easy to guess', response.get_data(as_text=True),
                     re.S)


def test_weak_passwords_are_refused_by_admin_create_and_reset(app, client, make_user):
    email = make_user()
    login(client, make_user("admin"))
    created = client.post("/admin/users/new", data={
        "role": "certifier", "name": "Wang", "email": "wang@cert.cn", "password": "password123",
        "organisation_id": "0", "new_organisation": "Cert body",
        "new_credit_code": credit_code(91)})
    assert created.status_code == 200 and "too easy to guess" in created.get_data(as_text=True)
    user = _user(app, email)
    reset = client.post(f"/admin/users/{user.id}/password", data={"password": "qwertyuiop"})
    assert reset.status_code == 200 and "too easy to guess" in reset.get_data(as_text=True)
    assert login(app.test_client(), email).status_code == 302  # the old password still works


def test_check_password_names_the_field_and_uses_the_users_details():
    from footprint.accounts import operations

    for weak in WEAK:
        with pytest.raises(operations.AccountError) as error:
            operations.check_password(weak)
        assert error.value.field == "password"
    with pytest.raises(operations.AccountError) as error:
        operations.check_password("lilei@moto.cn", field="new_password",
                                  user_inputs=["Li Lei", "lilei@moto.cn"])
    assert error.value.field == "new_password"
    operations.check_password("correct horse 1")
    operations.check_password("x" * 50 + "Jialing river 42" * 10)  # long ones are fine too


def test_instance_folder_and_database_are_private(tmp_path, bw_dir, monkeypatch):
    from footprint import create_app, db

    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("FOOTPRINT_SECRET_KEY", raising=False)
    old = os.umask(0o022)
    try:
        instance = tmp_path / "new-instance"
        db.upgrade(f"sqlite:///{instance / 'footprint.sqlite'}")  # what setup and serve run
        create_app({"INSTANCE_PATH": str(instance), "BRIGHTWAY2_DIR": str(bw_dir)})
    finally:
        os.umask(old)
    assert stat.S_IMODE(instance.stat().st_mode) == 0o700
    assert stat.S_IMODE((instance / "footprint.sqlite").stat().st_mode) == 0o600
    assert stat.S_IMODE((instance / "secret_key").stat().st_mode) == 0o600


def test_language_changes_only_by_post(app, client, make_user):
    email = make_user()
    login(client, email)
    assert client.get("/language/zh").status_code == 405
    assert _user(app, email).locale == ""
    page = client.get("/sites/").get_data(as_text=True)
    assert re.search(r'<form method="post" action="/language/zh"[^>]*>\s*'
                     r'<input type="hidden" name="csrf_token"', page)
    response = client.post("/language/zh", data={"next": "/sites/"})
    assert response.status_code == 302 and response.location == "/sites/"
    assert _user(app, email).locale == "zh"
    assert '<html lang="zh-CN">' in client.get("/sites/").get_data(as_text=True)


def test_language_post_needs_the_csrf_token(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post("/language/zh").status_code == 400


# 5. Cheaper tests ----------------------------------------------------------------------------

def test_password_hash_method_is_configurable(app, make_user, tmp_path, bw_dir):
    from footprint import create_app

    email = make_user()
    assert _user(app, email).password_hash.startswith("pbkdf2:sha256:1000$")
    default = create_app({"INSTANCE_PATH": str(tmp_path / "default"),
                          "BRIGHTWAY2_DIR": str(bw_dir),
                          "DATABASE_URL": empty_database(tmp_path / "default")})
    assert default.config["PASSWORD_HASH_METHOD"] == "scrypt"
    from footprint.accounts.operations import hash_password

    assert hash_password("Jialing river 42").startswith("scrypt:")  # outside an app: scrypt
    with default.app_context():
        assert hash_password("Jialing river 42").startswith("scrypt:")
