"""Sign-up, login, logout, rate limiting and language choice."""
from footprint import db
from footprint.accounts.models import Organisation, User
from sqlmodel import select

from tests.helpers import credit_code, login

SIGNUP = {"company": "重庆机车 Chongqing Moto", "credit_code": "91350100M000100Y43",
          "address": "重庆", "name": "Li Lei", "email": "li@moto.cn", "password": "Jialing river 42",
          "confirm": "Jialing river 42"}


def test_signup_creates_organisation_and_applicant(client, app):
    response = client.post("/signup", data=SIGNUP)
    assert response.status_code == 302 and response.location == "/products/"
    with app.app_context():
        user = db.session().exec(select(User)).one()
        organisation = db.session().get(Organisation, user.organisation_id)
    assert (user.role, user.email, organisation.credit_code) == ("applicant", "li@moto.cn",
                                                                 "91350100M000100Y43")
    # the configured hash (scrypt in the app, a fast one in tests), never the password itself
    assert user.password_hash.startswith(app.config["PASSWORD_HASH_METHOD"] + "$")
    assert client.get("/products/").status_code == 200


def test_signup_errors_stand_beside_their_fields_and_keep_the_input(client, app):
    response = client.post("/signup", data={**SIGNUP, "credit_code": "91350100M000100Y44",
                                            "confirm": "different-pass"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "check character does not match" in page
    assert "Passwords do not match" in page
    assert 'value="重庆机车 Chongqing Moto"' in page  # nothing entered is lost
    with app.app_context():
        assert db.session().exec(select(Organisation)).first() is None


def test_duplicate_email_and_credit_code(client, make_user):
    email = make_user()
    page = client.post("/signup", data={**SIGNUP, "email": email}).get_data(as_text=True)
    assert "this e-mail address already has an account" in page
    page = client.post("/signup", data={**SIGNUP, "credit_code": credit_code(1)}).get_data(
        as_text=True)
    assert "an organisation with this credit code is registered" in page


def test_login_wrong_password_and_logout(client, make_user):
    email = make_user()
    page = login(client, email, "wrong password").get_data(as_text=True)
    assert "Wrong e-mail address or password" in page
    assert login(client, email).status_code == 302
    assert client.get("/products/").status_code == 200
    assert client.get("/logout").status_code == 405  # logging out changes state: POST only
    client.post("/logout")
    assert client.get("/products/").status_code == 302


def test_login_is_rate_limited(app, make_user):
    app.config.update(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    client = app.test_client()
    email = make_user()
    codes = [login(client, email, "wrong password").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_next_parameter_cannot_leave_the_site(client, make_user):
    email = make_user()
    response = client.post("/login?next=//evil.example/", data={"email": email,
                                                                 "password": "correct horse 1"})
    assert response.location == "/"


def test_language_from_browser_and_switch(client):
    assert "Log in" in client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    chinese = client.get("/", headers={"Accept-Language": "zh-CN,zh;q=0.9"}).get_data(as_text=True)
    assert '<html lang="zh-CN">' in chinese and "登录" in chinese
    client.post("/language/en")
    page = client.get("/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert '<html lang="en">' in page
