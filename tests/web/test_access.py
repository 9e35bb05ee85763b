"""Tenant isolation and roles: another organisation's objects are 404, other roles 403."""
import pytest

from tests.helpers import add_line, login

OWNED_URLS = [
    ("get", "/sites/1/edit"), ("post", "/sites/1/edit"), ("post", "/sites/1/delete"),
    ("get", "/products/1"), ("get", "/products/1/edit"), ("post", "/products/1/edit"),
    ("post", "/products/1/copy"), ("post", "/products/1/delete"),
    ("get", "/products/1/lines/new"), ("post", "/products/1/lines/new"),
    ("get", "/products/1/lines/1/edit"), ("post", "/products/1/lines/1/edit"),
    ("post", "/products/1/lines/1/delete"),
    ("get", "/products/1/factors/new"), ("post", "/products/1/factors/new"),
    ("get", "/products/1/factors/1/edit"), ("post", "/products/1/factors/1/edit"),
    ("post", "/products/1/factors/1/delete"),
    ("get", "/products/1/import"), ("post", "/products/1/import"),
    ("get", "/products/1/lines.xlsx"), ("get", "/products/1/lines.csv"),
    ("post", "/products/1/calculate"), ("get", "/assessments/1"),
    ("get", "/assessments/1.json"), ("get", "/assessments/1.csv"),
    ("get", "/products/1/compare?a=1&b=1"),
]


@pytest.fixture
def other_organisation(client, applicant, make_user):
    """Organisation A owns site 1, product 1, line 1, factor 1 and assessment 1."""
    add_line(client)
    client.post("/products/1/factors/new", data={
        "code": "acme", "name": "A", "unit": "kg", "co2e_fossil": "1", "co2e_biogenic": "0",
        "co2e_land_use": "0", "water_m3": "0", "water_region": "GLO", "source": "s"})
    assert client.post("/products/1/calculate").status_code == 302
    client.post("/logout")
    login(client, make_user("applicant"))
    return client


@pytest.mark.parametrize("method, url", OWNED_URLS)
def test_user_of_another_organisation_gets_404(other_organisation, method, url):
    assert getattr(other_organisation, method)(url).status_code == 404


def test_lists_show_only_own_objects(other_organisation):
    assert "Desk fan" not in other_organisation.get("/products/").get_data(as_text=True)
    assert "Liangjiang" not in other_organisation.get("/sites/").get_data(as_text=True)


@pytest.mark.parametrize("url", ["/products/", "/products/new", "/sites/", "/admin/users"])
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and response.location.startswith("/login")


@pytest.mark.parametrize("role, url, status", [
    ("certifier", "/products/", 403), ("certifier", "/sites/new", 403),
    ("admin", "/products/new", 403), ("applicant", "/admin/users", 403),
    ("certifier", "/admin/users/new", 403), ("admin", "/admin/users", 200),
])
def test_roles(client, make_user, role, url, status):
    login(client, make_user(role))
    assert client.get(url).status_code == status


def test_csrf_is_enforced_when_enabled(app, make_user):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    email = make_user()
    response = client.post("/login", data={"email": email, "password": "correct horse 1"})
    assert response.status_code == 400  # no token
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post("/login", data={"email": email, "password": "correct horse 1",
                                           "csrf_token": token})
    assert response.status_code == 302
    assert client.post("/products/new", data={"name": "x"}).status_code == 400
