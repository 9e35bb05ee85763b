"""A site's annual data per year, through the operations (no HTTP): what is stored, the year
and number checks, the lock, the audit events, the refusals, and the access policy."""
import pytest
from sqlmodel import select

from footprint.access import Action, can
from footprint.accounts import operations as accounts
from footprint.accounts.models import SiteYear
from footprint.accounts.roles import OrganisationKind
from footprint.audit.models import AuditEvent
from footprint.errors import ChangedMeanwhile, InputError, StillInUse
from footprint.timeutil import utcnow
from tests.helpers import credit_code

THIS_YEAR = utcnow().year
DATA = {"energy_tce": 150, "output_value_10k_cny": 3000.0}


def register(session, n, kind=OrganisationKind.MANUFACTURER):
    return accounts.register_organisation(
        session, name=f"Org {n}", credit_code=credit_code(n), address="", user_name=f"User {n}",
        email=f"user{n}@x.cn", password="correct horse 1", kind=kind)


def site_year_events(session) -> list[AuditEvent]:
    return list(session.exec(select(AuditEvent).where(AuditEvent.object_type == "site_year")
                             .order_by(AuditEvent.id)))


@pytest.fixture
def user(db_session):
    return register(db_session, 1)


@pytest.fixture
def site(db_session, user):
    return accounts.save_site(db_session, user, {"name": "Plant", "grid_region": "CN-CQ"},
                              organisation_id=user.organisation_id)


def submit_green_factory_application(session, user, site):
    from footprint.certs import operations as certs
    from footprint.certs.criteria import load_all
    from footprint.config import CRITERIA_DIR

    criteria = load_all(CRITERIA_DIR)["green-factory/2025.1"]
    application = certs.create_draft(session, user, criteria=criteria, site=site,
                                     site_year=2024)
    return application, lambda: certs.submit(session, user, application, criteria=criteria)


# --- saving ------------------------------------------------------------------------------------

def test_a_new_year_stores_the_given_fields_only_as_numbers(db_session, user, site):
    site_year = accounts.save_site_year(db_session, user, site, 2024,
                                        {**DATA, "so2_kg": None, "cod_kg": ""})
    assert (site_year.site_id, site_year.year, site_year.lock_version) == (site.id, 2024, 1)
    assert site_year.data == {"energy_tce": 150.0, "output_value_10k_cny": 3000.0}
    assert type(site_year.data["energy_tce"]) is float  # 150 typed as an int is stored as 150.0
    (event,) = site_year_events(db_session)
    assert (event.action, event.object_id, event.organisation_id, event.actor_id) == (
        "site_year.create", site_year.id, user.organisation_id, user.id)
    assert event.before is None and event.after["data"] == site_year.data


def test_saving_again_replaces_the_data_moves_the_lock_and_records_before_and_after(
        db_session, user, site):
    accounts.save_site_year(db_session, user, site, 2024, DATA)
    site_year = accounts.save_site_year(db_session, user, site, 2024,
                                        {"energy_tce": 140, "water_withdrawal_m3": 9000},
                                        lock_version=1)
    assert site_year.lock_version == 2
    assert site_year.data == {"energy_tce": 140.0, "water_withdrawal_m3": 9000.0}
    assert len(db_session.exec(select(SiteYear)).all()) == 1
    create, update = site_year_events(db_session)
    assert update.action == "site_year.update"
    assert (update.before["data"], update.after["data"]) == (create.after["data"],
                                                              site_year.data)
    assert (update.before["lock_version"], update.after["lock_version"]) == (1, 2)


def test_a_save_from_a_stale_version_is_refused_and_changes_nothing(db_session, user, site):
    accounts.save_site_year(db_session, user, site, 2024, DATA)
    accounts.save_site_year(db_session, user, site, 2024, {"energy_tce": 140}, lock_version=1)
    with pytest.raises(ChangedMeanwhile) as refused:
        accounts.save_site_year(db_session, user, site, 2024, {"energy_tce": 1},
                                lock_version=1)
    assert refused.value.field == "lock_version"
    assert accounts.site_data(db_session, site.id, 2024) == {"energy_tce": 140.0}
    assert [e.action for e in site_year_events(db_session)] == ["site_year.create",
                                                                "site_year.update"]


def test_lock_version_0_means_no_data_yet_and_none_skips_the_check(db_session, user, site):
    accounts.save_site_year(db_session, user, site, 2024, DATA, lock_version=0)
    with pytest.raises(ChangedMeanwhile):  # a form for a new year, saved after someone else's
        accounts.save_site_year(db_session, user, site, 2024, DATA, lock_version=0)
    with pytest.raises(ChangedMeanwhile):  # a form showing data that was deleted meanwhile
        accounts.save_site_year(db_session, user, site, 2023, DATA, lock_version=4)
    assert accounts.save_site_year(db_session, user, site, 2024, DATA).lock_version == 2


def test_a_year_entered_by_another_request_between_read_and_insert_is_changed_meanwhile(
        db_session, user, site, monkeypatch):
    accounts.save_site_year(db_session, user, site, 2024, DATA)
    db_session.commit()
    # the other request's row is not seen by the read, as when both read before either wrote
    monkeypatch.setattr(accounts, "find_site_year", lambda *args: None)
    with pytest.raises(ChangedMeanwhile):
        accounts.save_site_year(db_session, user, site, 2024, {"energy_tce": 1})
    db_session.rollback()
    monkeypatch.undo()
    assert accounts.site_data(db_session, site.id, 2024) == {"energy_tce": 150.0,
                                                             "output_value_10k_cny": 3000.0}


@pytest.mark.parametrize("year", [1999, THIS_YEAR + 1, True, "2024", 2024.0])
def test_a_year_outside_2000_to_this_year_or_not_an_int_is_refused(db_session, user, site, year):
    with pytest.raises(InputError) as refused:
        accounts.save_site_year(db_session, user, site, year, DATA)
    assert (refused.value.code, refused.value.field, refused.value.params) == (
        "year_out_of_range", "year", {"first": 2000, "last": THIS_YEAR})
    assert db_session.exec(select(SiteYear)).all() == []


@pytest.mark.parametrize("year", [2000, THIS_YEAR])
def test_the_first_and_the_running_year_are_accepted(db_session, user, site, year):
    assert accounts.save_site_year(db_session, user, site, year, DATA).year == year


@pytest.mark.parametrize("data, code, field", [
    ({"energy_tce": -1}, "negative", "energy_tce"),
    ({"energy_tce": 1, "water_reused_m3": 2e12}, "too_large", "water_reused_m3"),
    ({"energy_tce": "150"}, "not_a_number", "energy_tce"),  # text is the form's to parse
    ({"energy_kwh": 5}, "unknown_annual_field", "energy_kwh"),
])
def test_a_bad_value_names_its_field_and_nothing_is_stored(db_session, user, site, data, code,
                                                           field):
    with pytest.raises(InputError) as refused:
        accounts.save_site_year(db_session, user, site, 2024, data)
    assert (refused.value.code, refused.value.field) == (code, field)
    assert db_session.exec(select(SiteYear)).all() == []
    assert site_year_events(db_session) == []


# --- reads -------------------------------------------------------------------------------------

def test_site_data_is_the_years_data_or_none(db_session, user, site):
    accounts.save_site_year(db_session, user, site, 2024, DATA)
    assert accounts.site_data(db_session, site.id, 2024) == {"energy_tce": 150.0,
                                                             "output_value_10k_cny": 3000.0}
    assert accounts.site_data(db_session, site.id, 2023) is None
    assert accounts.site_data(db_session, site.id + 1, 2024) is None


def test_site_data_is_what_scoring_takes(db_session, user, site):
    from footprint.certs.criteria import load_all
    from footprint.certs.scoring import score
    from footprint.config import CRITERIA_DIR

    accounts.save_site_year(db_session, user, site, 2024, DATA)
    criteria = load_all(CRITERIA_DIR)["green-factory/2025.1"]
    sheet = score(criteria, {}, accounts.site_data(db_session, site.id, 2024))
    # energy_tce / output_value_10k_cny: 150 tce / 3000 (10k CNY) = 0.05 tce per 10k CNY
    assert sheet.item("E-1").value == 150 / 3000


def test_years_of_lists_the_sites_years_newest_first(db_session, user, site):
    other = accounts.save_site(db_session, user, {"name": "Other", "grid_region": "CN-CQ"},
                               organisation_id=user.organisation_id)
    for year in (2022, 2024, 2023):
        accounts.save_site_year(db_session, user, site, year, DATA)
    accounts.save_site_year(db_session, user, other, 2021, DATA)
    assert [y.year for y in accounts.years_of(db_session, site)] == [2024, 2023, 2022]


# --- deleting ----------------------------------------------------------------------------------

def test_a_year_is_deleted_with_its_data_in_the_event(db_session, user, site):
    site_year = accounts.save_site_year(db_session, user, site, 2024, DATA)
    accounts.delete_site_year(db_session, user, site, site_year)
    assert db_session.exec(select(SiteYear)).all() == []
    event = site_year_events(db_session)[-1]
    assert (event.action, event.object_id, event.organisation_id) == (
        "site_year.delete", site_year.id, user.organisation_id)
    assert event.before["data"] == {"energy_tce": 150.0, "output_value_10k_cny": 3000.0}
    assert event.after is None


def test_the_year_a_submitted_application_is_judged_on_is_kept(db_session, user, site):
    site_year = accounts.save_site_year(db_session, user, site, 2024, DATA)
    application, submit = submit_green_factory_application(db_session, user, site)
    accounts.save_site_year(db_session, user, site, 2024, {**DATA, "energy_tce": 140})
    submit()  # judged on 2024: from now on that year neither changes nor goes
    with pytest.raises(StillInUse) as refused:
        accounts.delete_site_year(db_session, user, site, site_year)
    assert (refused.value.code, refused.value.params) == (
        "site_year_submitted", {"application": application.id})
    with pytest.raises(StillInUse):
        accounts.save_site_year(db_session, user, site, 2024, DATA)
    assert site_year.data["energy_tce"] == 140
    # another year of the same site is the applicant's to change or delete
    accounts.delete_site_year(db_session, user, site,
                              accounts.save_site_year(db_session, user, site, 2023, DATA))
    assert [y.year for y in accounts.years_of(db_session, site)] == [2024]
    assert site_year_events(db_session)[-1].action == "site_year.delete"  # 2023's, not 2024's


def test_deleting_a_site_deletes_its_years_and_records_them(db_session, user, site):
    accounts.save_site_year(db_session, user, site, 2023, {"energy_tce": 1})
    accounts.save_site_year(db_session, user, site, 2024, {"energy_tce": 2})
    accounts.delete_site(db_session, user, site)
    assert db_session.exec(select(SiteYear)).all() == []
    event = db_session.exec(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event.action == "site.delete"
    assert event.before["years"] == [{"year": 2024, "data": {"energy_tce": 2.0}},
                                     {"year": 2023, "data": {"energy_tce": 1.0}}]


# --- access ------------------------------------------------------------------------------------

def test_annual_data_is_its_sites_organisations_and_certifiers_see_it_once_submitted(
        db_session, user, site):
    other = register(db_session, 2)
    certifier = register(db_session, 3, OrganisationKind.CERTIFICATION_BODY)
    # a second site, so that its id (2) is not the application's (1)
    site = accounts.save_site(db_session, user, {"name": "Second", "grid_region": "CN-CQ"},
                              organisation_id=user.organisation_id)
    site_year = accounts.save_site_year(db_session, user, site, 2024, DATA)
    assert can(db_session, user, Action.VIEW, site_year)
    assert can(db_session, user, Action.EDIT, site_year)
    for outsider in (other, certifier):
        assert not can(db_session, outsider, Action.VIEW, site_year)
    _, submit = submit_green_factory_application(db_session, user, site)
    assert not can(db_session, certifier, Action.VIEW, site_year)  # a draft is not for review
    submit()
    assert can(db_session, certifier, Action.VIEW, site_year)
    assert not can(db_session, certifier, Action.EDIT, site_year)
    assert not can(db_session, other, Action.VIEW, site_year)
