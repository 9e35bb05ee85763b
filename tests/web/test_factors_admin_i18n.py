"""Factor library, admin pages and commands, languages and locale formatting, charts."""
import csv
import io
from datetime import datetime, timezone

from footprint.accounts.operations import authenticate
from footprint.assessments.charts import bar_chart
from footprint.lca.dataset import load_factors
from tests.helpers import add_line, credit_code, login


def test_factor_library_search_in_both_languages(client):
    english = client.get("/factors/?q=cold-rolled").get_data(as_text=True)
    chinese = client.get("/factors/?q=冷轧").get_data(as_text=True)
    for page in (english, chinese):
        assert 'id="factor-steel-cold-rolled"' in page and 'id="factor-steel-bof"' not in page
    assert "CPCD" in english and "mirror" in english


def test_factor_library_csv_and_search_json(client):
    rows = list(csv.DictReader(io.StringIO(client.get("/factors/factors.csv").get_data(
        as_text=True).lstrip("\ufeff"))))
    assert len(rows) == len(load_factors())
    bof = next(r for r in rows if r["code"] == "steel-bof")
    assert (bof["unit"], float(bof["co2e_fossil"]), bof["confidence"]) == ("t", 1990.0, "mirror")
    found = client.get("/factors/search.json?q=electricity 2024").get_json()["factors"]
    assert "elec-cn-lca-2024" in [f["code"] for f in found]
    assert {"unit", "year", "geography", "source"} <= set(found[0])


def test_admin_creates_certifier_and_resets_password(client, app, make_user, db_session):
    login(client, make_user("admin"))
    response = client.post("/admin/users/new", data={
        "role": "certifier", "name": "Wang", "email": "wang@cert.cn",
        "password": "certifier-pass-1", "organisation_id": "0",
        "new_organisation": "Chongqing Cert Centre", "new_credit_code": credit_code(500)})
    assert response.status_code == 302
    user = authenticate(db_session, "wang@cert.cn", "certifier-pass-1")
    assert user is not None and user.role == "certifier"
    page = client.post("/admin/users/new", data={
        "role": "certifier", "name": "X", "email": "wang@cert.cn", "password": "certifier-pass-1",
        "organisation_id": str(user.organisation_id)}).get_data(as_text=True)
    assert "this e-mail address already has an account" in page
    assert client.post(f"/admin/users/{user.id}/password",
                       data={"password": "short"}).status_code == 200
    client.post(f"/admin/users/{user.id}/password", data={"password": "a-new-password-2"})
    db_session.expire_all()
    assert authenticate(db_session, "wang@cert.cn", "a-new-password-2") is not None


def test_create_user_command(app, db_session, monkeypatch, tmp_path):
    from footprint.cli import cli

    monkeypatch.setenv("FOOTPRINT_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", app.config["DATABASE_URL"])
    runner = app.test_cli_runner()
    result = runner.invoke(cli, ["create-user", "--role", "admin", "--email", "ops@x.cn",
                                 "--name", "Ops", "--organisation", "Platform",
                                 "--credit-code", credit_code(900), "--password",
                                 "admin-pass-123"])
    assert result.exit_code == 0, result.output
    bad = runner.invoke(cli, ["create-user", "--role", "admin", "--email", "b@x.cn",
                              "--name", "B", "--organisation", "P", "--credit-code",
                              "123", "--password", "admin-pass-123"])
    assert bad.exit_code != 0 and "must be 18 characters" in bad.output


def test_every_page_is_translated(client, applicant):
    add_line(client)
    client.post("/products/1/calculate")
    client.post("/language/zh")
    for url, chinese in [("/products/", "产品"), ("/products/1", "原材料"), ("/sites/", "工厂"),
                         ("/factors/", "因子库"), ("/products/1/lines/new", "生命周期阶段"),
                         ("/products/1/import", "导入"), ("/assessments/1", "碳足迹")]:
        page = client.get(url).get_data(as_text=True)
        assert '<html lang="zh-CN">' in page and chinese in page, url


def test_dates_follow_the_locale(app):
    from footprint.web.formatting import number

    moment = datetime(2026, 3, 5, 8, 30, tzinfo=timezone.utc)
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        chinese = app.jinja_env.filters["datetime"](moment)
        assert number(1234.5, 1) == "1,234.5"
    with app.test_request_context(headers={"Accept-Language": "en"}):
        english = app.jinja_env.filters["datetime"](moment)
    assert "2026年3月5日" in chinese and "Mar 5, 2026" in english


def test_chart_escapes_labels_and_draws_credits_left():
    svg = str(bar_chart([("<b>steel</b>", 10.0), ("recycling credit", -5.0)], unit="kg CO2e",
                        title="t"))
    assert "<b>" not in svg and "&lt;b&gt;steel&lt;/b&gt;" in svg
    # zero sits at 230 + 380 x 5/15 = 356.7; the credit's bar ends there, 380 x 5/15 = 126.7 long
    assert 'x="356.7"' in svg and 'x="230.0" y="34" width="126.7"' in svg


def test_create_user_refuses_staff_in_a_manufacturer(app, make_user, monkeypatch, tmp_path):
    from footprint.cli import cli

    make_user("applicant")  # organisation 1 is a manufacturer with credit_code(1)
    monkeypatch.setenv("FOOTPRINT_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", app.config["DATABASE_URL"])
    result = app.test_cli_runner().invoke(cli, [
        "create-user", "--role", "certifier", "--email", "c@x.cn", "--name", "C",
        "--organisation", "Org 1", "--credit-code", credit_code(1), "--password",
        "certifier-pass-1"])
    assert result.exit_code != 0
    assert "a manufacturer has no certifier users" in result.output
