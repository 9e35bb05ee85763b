"""A site's annual data per year through the web: entering a year, changing it, stale forms,
bad numbers, deleting, who may see what, and the audit trail."""
from sqlmodel import select

from footprint import db
from footprint.accounts.models import SiteYear
from footprint.audit.models import AuditEvent
from footprint.audit.operations import verify_database
from footprint.timeutil import utcnow
from tests.helpers import login

ENTERED = {"output_value_10k_cny": "3000", "energy_tce": "150", "water_withdrawal_m3": "9000",
           "water_reused_m3": "1000", "total_floor_area_m2": "96000", "land_area_m2": "80000"}


def site_years(app) -> list[SiteYear]:
    with app.app_context():
        return db.session().exec(select(SiteYear).order_by(SiteYear.year)).all()


def actions(app) -> list[str]:
    with app.app_context():
        return [e.action for e in db.session().exec(select(AuditEvent).order_by(AuditEvent.id))]


def page(response) -> str:
    return response.get_data(as_text=True)


def test_a_year_is_chosen_entered_and_listed_with_its_indicators(client, applicant, app):
    assert "/sites/1/years" in page(client.get("/sites/"))
    assert "/sites/1/years" in page(client.get("/sites/1/edit"))
    response = client.post("/sites/1/years/new", data={"year": "2024"})
    assert response.headers["Location"] == "/sites/1/years/2024"
    form = page(client.get("/sites/1/years/2024"))
    assert 'name="lock_version" value="0"' in form
    assert "water withdrawal (m3)" in form and "取水量" in form  # meaning, unit, Chinese term
    assert client.post("/sites/1/years/2024", data={**ENTERED, "cod_kg": "",
                                                     "lock_version": "0"}).status_code == 302
    (stored,) = site_years(app)
    assert (stored.year, stored.lock_version) == (2024, 1)
    assert stored.data == {name: float(value) for name, value in ENTERED.items()}  # cod: empty
    listed = page(client.get("/sites/1/years"))
    assert 'id="year-2024"' in listed
    # energy: 150 tce / 3000 (10k CNY) = 0.05 tce per 10k CNY
    assert '<td class="num" id="year-2024-energy_intensity">0.0500</td>' in listed
    # water reuse: 1000 m3 / (1000 m3 + 9000 m3) x 100 = 10 %
    assert '<td class="num" id="year-2024-water_reuse_rate">10.000</td>' in listed
    # plot ratio: 96000 m2 of floor / 80000 m2 of land = 1.2
    assert '<td class="num" id="year-2024-plot_ratio">1.200</td>' in listed
    assert ("not given: industrial solid waste used, industrial solid waste generated"
            in listed)
    # the year has data now: it is no longer offered
    assert '<option value="2024">' not in page(client.get("/sites/1/years/new"))


def test_a_year_is_changed_and_an_emptied_field_is_no_longer_given(client, applicant, app):
    client.post("/sites/1/years/2024", data={**ENTERED, "lock_version": "0"})
    assert 'name="lock_version" value="1"' in page(client.get("/sites/1/years/2024"))
    assert 'value="9000"' in page(client.get("/sites/1/years/2024"))
    assert client.post("/sites/1/years/2024", data={
        **ENTERED, "energy_tce": "140", "water_withdrawal_m3": "", "lock_version": "1"}
    ).status_code == 302
    (stored,) = site_years(app)
    assert stored.lock_version == 2
    assert stored.data["energy_tce"] == 140.0 and "water_withdrawal_m3" not in stored.data


def test_a_save_from_a_stale_form_is_refused_and_keeps_what_was_typed(client, applicant, app):
    client.post("/sites/1/years/2024", data={**ENTERED, "lock_version": "0"})
    assert client.post("/sites/1/years/2024", data={**ENTERED, "energy_tce": "140",
                                                     "lock_version": "1"}).status_code == 302
    response = client.post("/sites/1/years/2024", data={**ENTERED, "energy_tce": "130",
                                                         "lock_version": "1"})
    assert response.status_code == 200
    assert "Someone else changed this meanwhile" in page(response)
    assert 'value="130"' in page(response) and 'name="lock_version" value="2"' in page(response)
    assert site_years(app)[0].data["energy_tce"] == 140.0
    # a form for a new year, saved after someone else entered that year
    response = client.post("/sites/1/years/2024", data={**ENTERED, "lock_version": "0"})
    assert "Someone else changed this meanwhile" in page(response)
    assert site_years(app)[0].lock_version == 2


def test_a_bad_value_names_its_field_and_nothing_is_saved(client, applicant, app):
    response = client.post("/sites/1/years/2024", data={
        **ENTERED, "energy_tce": "1,5", "so2_kg": "-3", "lock_version": "0"})
    assert response.status_code == 200
    text = page(response)
    assert "Nothing was saved. Correct these fields:" in text
    assert ('<a href="#energy_tce">comprehensive energy consumption (GB/T 2589) (tce)</a>: '
            "&#39;1,5&#39; is ambiguous") in text
    assert '<a href="#so2_kg">sulphur dioxide emitted (kg)</a>: must be a finite number, zero ' \
           'or more' in text
    assert 'value="1,5"' in text  # what was typed stays in the field
    assert site_years(app) == []
    assert "site_year.create" not in actions(app)


def test_a_year_no_data_can_be_entered_for_is_not_found(client, applicant, app):
    for year in (1999, utcnow().year + 1):
        assert client.get(f"/sites/1/years/{year}").status_code == 404
        assert client.post(f"/sites/1/years/{year}", data=ENTERED).status_code == 404
    assert client.post("/sites/1/years/new", data={"year": "1999"}).status_code == 200
    assert site_years(app) == []


def test_a_year_is_deleted(client, applicant, app):
    client.post("/sites/1/years/2024", data={**ENTERED, "lock_version": "0"})
    assert client.post("/sites/1/years/2023/delete").status_code == 404  # no data that year
    response = client.post("/sites/1/years/2024/delete", follow_redirects=True)
    assert "Annual data of 2024 deleted." in page(response)
    assert site_years(app) == []


def test_a_year_of_a_site_in_a_submitted_application_is_kept(client, applicant, app):
    from footprint.accounts.models import Site, User
    from footprint.certs import operations as certs
    from footprint.certs.criteria import load_all
    from footprint.config import CRITERIA_DIR

    client.post("/sites/1/years/2024", data={**ENTERED, "lock_version": "0"})
    with app.app_context():
        session = db.session()
        user, site = session.get(User, 1), session.get(Site, 1)
        criteria = load_all(CRITERIA_DIR)["green-factory/2025.1"]
        certs.submit(session, user, certs.create_draft(session, user, criteria=criteria,
                                                       site=site, site_year=2024),
                     criteria=criteria)
        session.commit()
    response = client.post("/sites/1/years/2024/delete", follow_redirects=True)
    assert "a submitted application is judged on it" in page(response)
    response = client.post("/sites/1/years/2024", data={**ENTERED, "energy_tce": "1"},
                           follow_redirects=True)
    assert "a submitted application is judged on it" in page(response)
    assert [(y.year, y.data["energy_tce"]) for y in site_years(app)] == [
        (2024, float(ENTERED["energy_tce"]))]


def test_another_organisation_sees_nothing_and_changes_nothing(client, applicant, app,
                                                              make_user):
    client.post("/sites/1/years/2024", data={**ENTERED, "lock_version": "0"})
    other = app.test_client()
    login(other, make_user("applicant"))
    assert other.get("/sites/1/years").status_code == 404
    assert other.get("/sites/1/years/new").status_code == 404
    assert other.get("/sites/1/years/2024").status_code == 404
    assert other.post("/sites/1/years/2024", data={**ENTERED, "energy_tce": "1"}
                      ).status_code == 404
    assert other.post("/sites/1/years/2024/delete").status_code == 404
    (stored,) = site_years(app)
    assert (stored.data["energy_tce"], stored.lock_version) == (150.0, 1)


def test_a_certifier_is_refused(client, applicant, app, make_user):
    client.post("/sites/1/years/2024", data={**ENTERED, "lock_version": "0"})
    certifier = app.test_client()
    login(certifier, make_user("certifier"))
    assert certifier.get("/sites/1/years").status_code == 403
    assert certifier.get("/sites/1/years/2024").status_code == 403
    assert certifier.post("/sites/1/years/2024/delete").status_code == 403
    assert len(site_years(app)) == 1


def test_every_change_is_an_audit_event_and_the_chain_verifies(client, applicant, app):
    client.post("/sites/1/years/2024", data={**ENTERED, "lock_version": "0"})
    client.post("/sites/1/years/2024", data={**ENTERED, "energy_tce": "140", "lock_version": "1"})
    client.post("/sites/1/years/2024", data={**ENTERED, "energy_tce": "1", "lock_version": "1"})
    client.post("/sites/1/years/2024/delete")
    assert actions(app)[-3:] == ["site_year.create", "site_year.update", "site_year.delete"]
    with app.app_context():
        session = db.session()
        update = session.exec(select(AuditEvent).where(
            AuditEvent.action == "site_year.update")).one()
        assert (update.before["data"]["energy_tce"], update.after["data"]["energy_tce"]) == (
            150.0, 140.0)
        assert (update.actor_id, update.organisation_id, update.object_type) == (
            1, 1, "site_year")
        check = verify_database(session)
    assert check.intact and check.count == len(actions(app))


def test_changes_need_the_csrf_token(app, client, applicant):
    client.post("/sites/1/years/2024", data={**ENTERED, "lock_version": "0"})
    app.config["WTF_CSRF_ENABLED"] = True
    for url in ("/sites/1/years/2024", "/sites/1/years/2024/delete"):
        assert client.post(url, data={**ENTERED, "energy_tce": "1",
                                      "lock_version": "1"}).status_code == 400
    (stored,) = site_years(app)
    assert (stored.data["energy_tce"], stored.lock_version) == (150.0, 1)
