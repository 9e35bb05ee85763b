"""Operations called directly (no HTTP), one behaviour per test: the cases mutation testing
(scripts/mutation) found that no other test would notice if they broke."""
from types import SimpleNamespace

import pytest
from sqlmodel import select
from werkzeug.security import check_password_hash

from footprint.access import Action, can, owner_of
from footprint.accounts import operations as accounts
from footprint.accounts.models import Organisation, Site, User
from footprint.accounts.roles import OrganisationKind, Role
from footprint.assessments import operations as assessments
from footprint.assessments.models import Assessment
from footprint.audit import operations as audit
from footprint.audit.models import AuditEvent
from footprint.errors import (ChangedMeanwhile, InputError, IntegrityBroken, NotAllowed,
                             StillInUse)
from footprint.products import operations as products
from footprint.products.models import Line, Product, SupplierFactor
from tests.helpers import credit_code

PASSWORD = "correct horse 1"
LINE = {"stage": "materials", "name": "housing", "factor": "steel-bof", "amount": 2.5,
        "unit": "kg"}
FACTOR = {"code": "acme", "name": "Acme part", "unit": "kg", "co2e_fossil": 1.0,
          "co2e_biogenic": 0.0, "co2e_land_use": 0.0, "water_m3": 0.0, "water_region": "GLO",
          "source": "supplier"}
PRODUCT = {"name": "Fan", "boundary": "cradle-to-gate", "functional_unit": "1 piece"}


def register(session, n=1, kind=OrganisationKind.MANUFACTURER, **fields):
    data = {"name": f"Org {n}", "credit_code": credit_code(n), "address": "",
            "user_name": f"User {n}", "email": f"user{n}@x.cn", "password": PASSWORD,
            "kind": kind, **fields}
    return accounts.register_organisation(session, **data)


def events(session, **where):
    query = select(AuditEvent).order_by(AuditEvent.id)
    for key, value in where.items():
        query = query.where(getattr(AuditEvent, key) == value)
    return list(session.exec(query))


def last_event(session) -> AuditEvent:
    return events(session)[-1]


def problem(info) -> tuple:
    """(code, field, params) of a raised InputError."""
    return info.value.code, info.value.field, info.value.params


@pytest.fixture
def user(db_session):
    return register(db_session)


@pytest.fixture
def site(db_session, user):
    return accounts.save_site(db_session, user, {"name": "Plant", "grid_region": "CN-CQ"},
                              organisation_id=user.organisation_id)


@pytest.fixture
def product(db_session, user, site):
    return products.create_product(db_session, user, organisation_id=user.organisation_id,
                                   data={**PRODUCT, "site_id": site.id})


# --- accounts ----------------------------------------------------------------------------------

def test_registration_normalises_the_organisation_and_records_the_new_user_as_actor(db_session):
    user = register(db_session, name="  Acme  ", address=" Chongqing ",
                    credit_code=f" {credit_code(1).lower()} ", email=" Boss@X.CN ",
                    user_name=" Boss ")
    organisation = db_session.get(Organisation, user.organisation_id)
    assert (organisation.name, organisation.credit_code, organisation.address) == (
        "Acme", credit_code(1), "Chongqing")
    assert (user.name, user.email, user.role) == ("Boss", "boss@x.cn", Role.APPLICANT)
    assert [(e.action, e.actor_id, e.organisation_id, e.object_id) for e in events(db_session)] == [
        ("user.create", user.id, organisation.id, user.id),
        ("organisation.create", user.id, organisation.id, organisation.id)]
    assert events(db_session)[1].after["name"] == "Acme"
    assert "password_hash" not in events(db_session)[0].after


def test_an_admin_registering_an_organisation_is_its_actor(db_session):
    admin = register(db_session, 1, OrganisationKind.PLATFORM)
    certifier = register(db_session, 2, OrganisationKind.CERTIFICATION_BODY, actor=admin)
    assert certifier.role == Role.CERTIFIER
    assert {e.actor_id for e in events(db_session)[2:]} == {admin.id}


def test_a_credit_code_registers_once_whatever_its_case(db_session):
    register(db_session, 1)
    with pytest.raises(InputError) as info:
        register(db_session, 1, credit_code=f" {credit_code(1).lower()}", email="other@x.cn")
    assert problem(info) == ("credit_code_taken", "credit_code", {})
    assert str(info.value) == "credit_code: an organisation with this credit code is registered"
    assert len(db_session.exec(select(Organisation)).all()) == 1


def test_create_user_refuses_unknown_roles_roles_of_other_kinds_and_taken_emails(db_session,
                                                                                  user):
    organisation = db_session.get(Organisation, user.organisation_id)
    new = {"organisation": organisation, "name": "N", "password": PASSWORD}
    with pytest.raises(InputError) as info:
        accounts.create_user(db_session, email="n@x.cn", role="pilot", **new)
    assert problem(info) == ("unknown_role", "role", {"role": "pilot"})
    with pytest.raises(InputError) as info:
        accounts.create_user(db_session, email="n@x.cn", role=Role.ADMIN, **new)
    assert problem(info) == ("role_of_other_kind", "role",
                             {"role": Role.ADMIN, "kind": "manufacturer"})
    with pytest.raises(InputError) as info:
        accounts.create_user(db_session, email=" USER1@x.cn", role=Role.APPLICANT, **new)
    assert problem(info) == ("email_taken", "email", {})
    assert len(db_session.exec(select(User)).all()) == 1


def test_a_password_needs_ten_characters(db_session, user):
    organisation = db_session.get(Organisation, user.organisation_id)
    with pytest.raises(InputError) as info:
        accounts.create_user(db_session, organisation=organisation, name="N", email="n@x.cn",
                             password="123456789", role=Role.APPLICANT)  # 9 characters
    assert problem(info) == ("password_too_short", "password", {"min": 10})
    new = accounts.create_user(db_session, organisation=organisation, name="N", email="n@x.cn",
                               password="tq7#Lm2pXz", role=Role.APPLICANT)  # 10, not common
    assert check_password_hash(new.password_hash, "tq7#Lm2pXz")
    assert last_event(db_session).actor_id == new.id  # no actor: the new user


def test_authenticate_accepts_only_the_right_password_of_an_enabled_user(db_session, user):
    assert accounts.authenticate(db_session, " USER1@X.cn ", PASSWORD) == user
    assert accounts.authenticate(db_session, "user1@x.cn", PASSWORD + "!") is None
    assert accounts.authenticate(db_session, "nobody@x.cn", PASSWORD) is None
    user.is_enabled = False
    assert accounts.authenticate(db_session, "user1@x.cn", PASSWORD) is None


def test_a_password_reset_replaces_the_password_and_logs_no_secret(db_session, user):
    admin = register(db_session, 2, OrganisationKind.PLATFORM)
    with pytest.raises(InputError):
        accounts.reset_password(db_session, user, "short", actor=admin)
    assert accounts.authenticate(db_session, "user1@x.cn", PASSWORD) == user
    accounts.reset_password(db_session, user, "battery staple 2", actor=admin)
    assert accounts.authenticate(db_session, "user1@x.cn", PASSWORD) is None
    assert accounts.authenticate(db_session, "user1@x.cn", "battery staple 2") == user
    event = last_event(db_session)
    assert (event.action, event.actor_id, event.object_type, event.object_id, event.before,
            event.after) == ("user.reset_password", admin.id, "user", user.id, None, None)


def test_set_locale_stores_the_locale_with_before_and_after(db_session, user):
    accounts.set_locale(db_session, user, "zh")
    assert db_session.get(User, user.id).locale == "zh"
    event = last_event(db_session)
    assert (event.action, event.actor_id, event.object_id) == ("user.set_locale", user.id, user.id)
    assert (event.before["locale"], event.after["locale"]) == ("", "zh")


def test_sites_of_lists_the_organisations_sites_by_name(db_session, user):
    other = register(db_session, 2)
    for name, owner in (("b", user), ("a", user), ("c", other)):
        accounts.save_site(db_session, owner, {"name": name, "grid_region": "CN-CQ"},
                           organisation_id=owner.organisation_id)
    assert [s.name for s in accounts.sites_of(db_session, user.organisation_id)] == ["a", "b"]


def test_save_site_strips_converts_and_fills_defaults(db_session, user):
    site = accounts.save_site(db_session, user, {"name": " Plant ", "grid_region": " CN-CQ ",
                                                 "annual_output": "50000", "address": ""},
                              organisation_id=user.organisation_id)
    assert (site.organisation_id, site.name, site.grid_region, site.annual_output,
            site.land_area_m2, site.output_unit) == (user.organisation_id, "Plant", "CN-CQ",
                                                      50000.0, 0.0, "piece")
    created = last_event(db_session)
    assert (created.action, created.actor_id, created.before) == ("site.create", user.id, None)
    accounts.save_site(db_session, user, {"name": "Plant 2", "grid_region": "CN-SC", "address": "",
                                          "output_unit": "t", "land_area_m2": 80000},
                       organisation_id=user.organisation_id, site=site)
    assert (site.name, site.output_unit, site.land_area_m2) == ("Plant 2", "t", 80000.0)
    assert len(db_session.exec(select(Site)).all()) == 1
    updated = last_event(db_session)
    assert (updated.action, updated.object_id, updated.before["name"], updated.after["name"]) == (
        "site.update", site.id, "Plant", "Plant 2")


def test_a_site_in_use_is_not_deleted_and_a_free_one_is(db_session, user, site, product):
    with pytest.raises(StillInUse) as info:
        accounts.delete_site(db_session, user, site)
    assert info.value.params == {"product": "Fan"}
    assert "Fan" in str(info.value)
    spare = accounts.save_site(db_session, user, {"name": "Spare", "grid_region": "CN-SC"},
                               organisation_id=user.organisation_id)
    accounts.delete_site(db_session, user, spare)
    assert [s.name for s in db_session.exec(select(Site))] == ["Plant"]
    event = last_event(db_session)
    assert (event.action, event.actor_id, event.organisation_id, event.object_type,
            event.object_id, event.before["name"], event.after) == (
        "site.delete", user.id, user.organisation_id, "site", spare.id, "Spare", None)


# --- products ----------------------------------------------------------------------------------

def test_products_of_lists_current_or_archived_products_by_name_then_version(db_session, user,
                                                                             product):
    other = products.create_product(db_session, user, organisation_id=user.organisation_id,
                                    data={**PRODUCT, "name": "Airco"})
    products.copy_as_new_version(db_session, user, product)
    assert [(p.name, p.version) for p in products.products_of(db_session, user.organisation_id)] \
        == [("Airco", 1), ("Fan", 1), ("Fan", 2)]
    products.copy_as_new_version(db_session, user, other)  # Airco 2, stored after Airco 1
    product.version = 3  # Fan 3 now, stored before Fan 2: whatever ties the database breaks,
    # one of the two names comes out in the wrong order unless sorted by version
    assert [(p.name, p.version) for p in products.products_of(db_session, user.organisation_id)] \
        == [("Airco", 1), ("Airco", 2), ("Fan", 2), ("Fan", 3)]
    stranger = register(db_session, 2)
    products.create_product(db_session, stranger, organisation_id=stranger.organisation_id,
                            data={**PRODUCT, "name": "Blender"})
    other.archived_dt = product.created_dt
    assert [p.name for p in products.products_of(db_session, user.organisation_id)] == [
        "Airco", "Fan", "Fan"]  # Airco 2 is current, Airco 1 archived
    assert [(p.name, p.version) for p in products.products_of(
        db_session, user.organisation_id, archived=True)] == [("Airco", 1)]


def test_lines_come_in_stage_order_then_position(db_session, user, product):
    for stage, name in (("packaging", "box"), ("materials", "housing"), ("materials", "motor")):
        products.save_line(db_session, user, product, {**LINE, "stage": stage, "name": name})
    assert [(l.name, l.position) for l in products.lines_of(db_session, product.id)] == [
        ("housing", 1), ("motor", 2), ("box", 0)]


def test_factors_come_in_code_order(db_session, user, product):
    for code in ("b", "a"):
        products.save_factor(db_session, user, product, {**FACTOR, "code": code})
    assert [f.code for f in products.factors_of(db_session, product.id)] == ["a", "b"]


def test_the_water_region_is_the_sites_or_china(db_session, user, site, product):
    assert products.water_region(db_session, product) == "CN-CQ"  # grid_regions.csv: CN-CQ
    site.grid_region = "CN-Central"  # a grid without its own AWARE region
    assert products.water_region(db_session, product) == "CN"
    site.grid_region = "nowhere"
    assert products.water_region(db_session, product) == "CN"
    product.site_id = None
    assert products.water_region(db_session, product) == "CN"


def test_build_spec_is_the_product_its_factors_and_its_lines(db_session, user, product):
    products.save_factor(db_session, user, product, FACTOR)
    products.save_line(db_session, user, product, LINE)
    assert products.build_spec(db_session, product) == {
        "product": {"name": "Fan", "functional_unit": "1 piece", "boundary": "cradle-to-gate",
                    "water_region": "CN-CQ", "end_of_life_method": "cut-off",
                    "reference_year": None, "geography": "Chongqing"},  # the site's grid region
        # the supplier's biogenic and land-use parts as stated (none), no gsd nor ratings given
        "factors": [{**FACTOR, "co2_biogenic_removal": 0.0, "biogenic_carbon_kg": None,
                     "land_use_assessed": False}],
        "lines": [LINE]}


def test_product_data_is_stripped_and_checked(db_session, user, site):
    other = register(db_session, 2)
    foreign = accounts.save_site(db_session, other, {"name": "x", "grid_region": "CN-CQ"},
                                 organisation_id=other.organisation_id)
    create = lambda **data: products.create_product(  # noqa: E731
        db_session, user, organisation_id=user.organisation_id, data={**PRODUCT, **data})
    with pytest.raises(InputError) as info:
        create(site_id=foreign.id)
    assert problem(info) == ("unknown_site", "site_id", {})
    with pytest.raises(InputError) as info:
        create(site_id=99)
    assert problem(info)[0] == "unknown_site"
    with pytest.raises(InputError) as info:
        create(boundary="gate-to-gate")
    assert problem(info) == ("unknown_boundary", "boundary", {"boundary": "gate-to-gate"})
    product = create(name=" Fan ", model=" F1 ", site_id="")
    assert (product.name, product.model, product.site_id, product.category) == ("Fan", "F1", None,
                                                                                "")
    event = last_event(db_session)
    assert (event.action, event.actor_id, event.object_id, event.after["name"]) == (
        "product.create", user.id, product.id, "Fan")
    with pytest.raises(InputError) as info:
        create(name="Fan")
    assert problem(info) == ("product_name_taken", "name", {"name": "Fan"})


def test_a_product_name_may_be_reused_in_another_organisation(db_session, user, product):
    other = register(db_session, 2)
    copy = products.create_product(db_session, other, organisation_id=other.organisation_id,
                                   data=PRODUCT)
    assert copy.name == product.name and copy.organisation_id != product.organisation_id


def test_update_product_checks_the_boundary_name_and_lock(db_session, user, product):
    products.save_line(db_session, user, product, {**LINE, "stage": "packaging", "name": "box"})
    products.save_line(db_session, user, product, LINE)
    grave = {**PRODUCT, "boundary": "cradle-to-grave"}
    products.update_product(db_session, user, product, {**grave, "name": "Fan"}, lock_version=1)
    assert (product.boundary, product.lock_version) == ("cradle-to-grave", 2)  # 1 + 1
    event = last_event(db_session)
    assert (event.action, event.actor_id, event.object_id, event.before["boundary"],
            event.after["boundary"]) == ("product.update", user.id, product.id, "cradle-to-gate",
                                         "cradle-to-grave")
    products.save_line(db_session, user, product, {**LINE, "stage": "use", "name": "power"})
    products.save_line(db_session, user, product,
                       {**LINE, "stage": "end_of_life", "name": "scrap"})
    # the lock is taken before the checks (a refused save is rolled back by its caller, the
    # lock with it; here the session goes on, so each save names the lock as it now is)
    with pytest.raises(InputError) as info:
        products.update_product(db_session, user, product, PRODUCT,
                                lock_version=product.lock_version)
    assert problem(info) == ("lines_outside_boundary", "boundary",
                             {"stages": ["use", "end_of_life"]})  # in STAGES order
    products.create_product(db_session, user, organisation_id=user.organisation_id,
                            data={**PRODUCT, "name": "Airco"})
    with pytest.raises(InputError) as info:
        products.update_product(db_session, user, product, {**grave, "name": "Airco"},
                                lock_version=product.lock_version)
    assert problem(info)[0] == "product_name_taken"
    with pytest.raises(ChangedMeanwhile) as info:
        products.update_product(db_session, user, product, grave, lock_version=1)
    assert (info.value.field, str(info.value)) == (
        "lock_version", "lock_version: products 1 was changed by someone else meanwhile")
    assert product.lock_version == 4  # 2, then + 1 for each of the two refused saves above
    products.update_product(db_session, user, product, {**grave, "model": "F2"}, lock_version=4)
    assert (product.model, product.lock_version) == ("F2", 5)  # 4 + 1


def test_a_copy_is_the_next_version_with_the_lines_and_factors(db_session, user, product):
    airco = products.create_product(db_session, user, organisation_id=user.organisation_id,
                                    data={**PRODUCT, "name": "Airco"})
    for _ in range(3):
        products.copy_as_new_version(db_session, user, airco)  # Airco 2, 3, 4
    other = register(db_session, 2)
    fan = products.create_product(db_session, other, organisation_id=other.organisation_id,
                                  data=PRODUCT)
    for _ in range(3):
        products.copy_as_new_version(db_session, other, fan)  # the other Fan 2, 3, 4
    products.save_factor(db_session, user, product, FACTOR)
    products.save_line(db_session, user, product, LINE)
    second = products.copy_as_new_version(db_session, user, product)
    third = products.copy_as_new_version(db_session, user, product)  # copied from v1 again
    assert [(p.version, p.copied_from_id) for p in (second, third)] == [
        (2, product.id), (3, product.id)]  # the highest version so far + 1
    assert (third.organisation_id, third.name, third.site_id) == (
        product.organisation_id, "Fan", product.site_id)
    assert products.build_spec(db_session, third) == products.build_spec(db_session, product)
    event = last_event(db_session)
    assert (event.action, event.actor_id, event.object_id, event.before, event.after["version"]) \
        == ("product.copy", user.id, third.id, {"copied_from_id": product.id}, 3)


def test_removing_deletes_a_product_without_assessments_and_unlinks_its_copies(db_session, user,
                                                                              product):
    products.save_factor(db_session, user, product, FACTOR)
    products.save_line(db_session, user, product, LINE)
    copy = products.copy_as_new_version(db_session, user, product)
    assert products.remove_product(db_session, user, product) == "deleted"
    assert [p.id for p in db_session.exec(select(Product))] == [copy.id]
    assert copy.copied_from_id is None
    assert len(db_session.exec(select(Line)).all()) == 1  # the copy's
    assert len(db_session.exec(select(SupplierFactor)).all()) == 1
    event = last_event(db_session)
    assert (event.action, event.actor_id, event.organisation_id, event.object_id,
            event.before["name"]) == ("product.delete", user.id, user.organisation_id,
                                      product.id, "Fan")


def test_removing_archives_a_product_with_assessments(db_session, user, product):
    products.save_line(db_session, user, product, LINE)
    db_session.add(Assessment(organisation_id=user.organisation_id, product_id=product.id,
                              user_id=user.id, spec={}, result={}, dataset_version="x",
                              carbon_total=0, water_consumption_m3=0, content_hash=""))
    assert products.has_assessments(db_session, product)
    assert products.remove_product(db_session, user, product) == "archived"
    assert product.archived_dt is not None
    assert len(db_session.exec(select(Line)).all()) == 1
    event = last_event(db_session)
    assert (event.action, event.actor_id, event.object_id, event.before["archived_dt"],
            event.after["archived_dt"] is None) == ("product.archive", user.id, product.id, None,
                                                    False)


def test_lines_are_numbered_changed_under_lock_and_deleted(db_session, user, product):
    first = products.save_line(db_session, user, product, LINE)
    second = products.save_line(db_session, user, product, {**LINE, "name": "motor"})
    assert [first.position, second.position] == [0, 1]  # no lines: 0; then the highest + 1
    created = last_event(db_session)
    assert (created.action, created.organisation_id, created.object_id, created.before,
            created.after["name"]) == ("line.create", user.organisation_id, second.id, None,
                                       "motor")
    with pytest.raises(ChangedMeanwhile):
        products.save_line(db_session, user, product, {**LINE, "amount": 3.0}, line=first,
                           lock_version=0)
    products.save_line(db_session, user, product, {**LINE, "amount": 3.0}, line=first)
    assert (first.amount, first.lock_version) == (3.0, 2)  # 1 + 1
    updated = last_event(db_session)
    assert (updated.action, updated.before["amount"], updated.after["amount"]) == (
        "line.update", 2.5, 3.0)
    with pytest.raises(InputError):
        products.save_line(db_session, user, product, {**LINE, "stage": "use"}, line=first)
    products.delete_line(db_session, user, product, second)
    assert [l.name for l in products.lines_of(db_session, product.id)] == ["housing"]
    deleted = last_event(db_session)
    assert (deleted.action, deleted.actor_id, deleted.organisation_id, deleted.object_id,
            deleted.before["name"], deleted.after) == (
        "line.delete", user.id, user.organisation_id, second.id, "motor", None)


def test_imported_lines_replace_or_follow_the_existing_ones(db_session, user, product):
    products.save_line(db_session, user, product, LINE)
    motor = {**LINE, "name": "motor"}
    assert products.replace_lines(db_session, user, product, [motor, motor], append=True) == 0
    assert [(l.name, l.position) for l in products.lines_of(db_session, product.id)] == [
        ("housing", 0), ("motor", 1), ("motor", 2)]
    event = last_event(db_session)
    assert (event.action, event.actor_id, event.object_id, event.before, event.after) == (
        "product.import_lines", user.id, product.id, None,
        {"append": True, "lines": [motor, motor], "factors": []})
    assert products.replace_lines(db_session, user, product, [LINE], append=False) == 3
    assert [(l.name, l.position) for l in products.lines_of(db_session, product.id)] == [
        ("housing", 0)]
    event = last_event(db_session)
    assert event.before == {"lines": [LINE, motor, motor]}
    assert event.after == {"append": False, "lines": [LINE], "factors": []}


def test_supplier_factor_codes_are_checked_and_renames_follow_into_lines(db_session, user,
                                                                         product):
    with pytest.raises(InputError) as info:
        products.save_factor(db_session, user, product, {**FACTOR, "code": "steel-bof"})
    assert problem(info) == ("dataset_code", "code", {})
    factor = products.save_factor(db_session, user, product,
                                  {**FACTOR, "code": " acme ", "name": " Acme part "})
    assert (factor.code, factor.name) == ("acme", "Acme part")
    created = last_event(db_session)
    assert (created.action, created.actor_id, created.organisation_id, created.object_id,
            created.before) == ("supplier_factor.create", user.id, user.organisation_id,
                                factor.id, None)
    with pytest.raises(InputError) as info:
        products.save_factor(db_session, user, product, FACTOR)
    assert problem(info) == ("duplicate_code", "code", {})
    products.save_factor(db_session, user, product, {**FACTOR, "name": "Acme PCB"},
                         factor=factor)  # its own code is no clash
    assert factor.name == "Acme PCB"
    products.save_line(db_session, user, product, {**LINE, "factor": "acme"})
    products.save_line(db_session, user, product, {**LINE, "name": "steel"})
    products.save_factor(db_session, user, product, {**FACTOR, "code": "acme-2"}, factor=factor)
    assert [l.reference for l in products.lines_of(db_session, product.id)] == [
        "acme-2", "steel-bof"]
    updated = last_event(db_session)
    assert (updated.action, updated.before["code"], updated.after["code"]) == (
        "supplier_factor.update", "acme", "acme-2")


def test_a_supplier_factor_in_use_is_kept_and_a_free_one_deleted(db_session, user, product):
    used = products.save_factor(db_session, user, product, FACTOR)
    free = products.save_factor(db_session, user, product, {**FACTOR, "code": "spare"})
    products.save_line(db_session, user, product, {**LINE, "factor": "acme"})
    products.save_line(db_session, user, product, {**LINE, "name": "lid", "factor": "acme"})
    with pytest.raises(StillInUse) as info:
        products.delete_factor(db_session, user, product, used)
    assert info.value.params == {"lines": ["housing", "lid"]}
    assert str(info.value) == "lines still use this factor: housing, lid"
    products.delete_factor(db_session, user, product, free)
    assert [f.code for f in products.factors_of(db_session, product.id)] == ["acme"]
    event = last_event(db_session)
    assert (event.action, event.actor_id, event.organisation_id, event.object_id,
            event.before["code"]) == ("supplier_factor.delete", user.id, user.organisation_id,
                                      free.id, "spare")


# --- audit -------------------------------------------------------------------------------------

def test_events_chain_by_id_and_hash_and_name_their_object(db_session, user, site):
    first, second = events(db_session)[:2]
    assert (first.id, first.prev_hash) == (1, audit.GENESIS_HASH)
    assert (second.id, second.prev_hash) == (2, first.hash)  # previous id + 1, previous hash
    assert first.hash == audit.sha256_hex(first.hashed_content())
    explicit = audit.record(db_session, actor=None, action="product.import_lines",
                            object_type="spreadsheet", object_id=7,
                            organisation_id=user.organisation_id)
    assert (explicit.object_type, explicit.object_id, explicit.organisation_id,
            explicit.actor_id) == ("spreadsheet", 7, user.organisation_id, None)
    implied = audit.record(db_session, actor=user, action="site.touch", obj=site)
    assert (implied.object_type, implied.object_id, implied.organisation_id,
            implied.actor_id) == ("site", site.id, user.organisation_id, user.id)
    check = audit.verify_database(db_session)
    assert (check.count, check.intact, check.head_hash) == (implied.id, True, implied.hash)


def test_events_of_selects_one_objects_events_in_order(db_session, user, site):
    accounts.save_site(db_session, user, {"name": "Other", "grid_region": "CN-SC"},
                       organisation_id=user.organisation_id)
    accounts.save_site(db_session, user, {**site.model_dump(), "name": "Plant 2"},
                       organisation_id=user.organisation_id, site=site)
    assert [(e.action, e.object_id) for e in audit.events_of(db_session, "site", site.id)] == [
        ("site.create", site.id), ("site.update", site.id)]


def test_a_snapshot_leaves_secrets_out(user):
    assert audit.snapshot(None) is None
    data = audit.snapshot(user)
    assert "password_hash" not in data and data["email"] == "user1@x.cn"


def _rows(session):
    return [AuditEvent(**e.model_dump()) for e in events(session)]  # detached copies


@pytest.mark.parametrize("change, broken_id, good, reason", [
    (lambda rows: rows.pop(1), 3, 1, "expected row 2 before row 3"),  # row 1 good, 2 gone
    (lambda rows: setattr(rows[1], "prev_hash", "0" * 64), 2, 1,
     "does not follow the row before it"),
    (lambda rows: setattr(rows[2], "action", "user.delete"), 3, 2,
     "content does not match its hash"),
])
def test_verify_names_the_first_broken_row_and_counts_the_good_ones(db_session, user, site,
                                                                    change, broken_id, good,
                                                                    reason):
    rows = _rows(db_session)
    assert audit.verify(rows) == audit.ChainCheck(3, head_hash=rows[-1].hash)  # user, org, site
    assert audit.verify(rows).intact
    change(rows)
    check = audit.verify(rows)
    assert (check.broken_id, check.reason, check.count, check.intact) == (
        broken_id, reason, good, False)


# --- assessments -------------------------------------------------------------------------------

def result(total, lines, dataset="d1", **by_stage):
    return SimpleNamespace(dataset_version=dataset, result={
        "carbon": {"total": total, "fossil": total, "biogenic": 0.0, "land_use": 0.0,
                   "by_stage": by_stage},
        "water": {"consumption_m3": 1.0, "scarcity_m3_world_eq": 2.0},
        "lines": [{"stage": s, "name": n, "reference": "steel-bof", "amount": a, "unit": "kg",
                   "carbon": c} for s, n, a, c in lines]})


def test_compare_reports_totals_stages_and_lines_largest_change_first():
    before = result(10.0, [("materials", "part", 1, 4.0), ("materials", "part", 1, 6.0),
                           ("packaging", "box", 1, 0.0)], materials=10.0, packaging=0.0)
    after = result(12.0, [("materials", "part", 1, 4.0), ("materials", "part", 2, 7.0),
                          ("use", "power", 1, 1.0)], dataset="d2", materials=11.0, use=1.0)
    diff = assessments.compare(before, after)
    assert diff["totals"]["carbon.total"] == {"before": 10.0, "after": 12.0, "delta": 2.0,
                                              "relative": 0.2}  # 2 / 10
    assert diff["totals"]["water.scarcity_m3_world_eq"]["delta"] == 0.0
    # results stored before issue 9 get their credits and emissions excluding credits
    # worked out from their lines (assessments/summary.py)
    assert set(diff["totals"]) == {"carbon.total", "carbon.emissions_excluding_credits",
                                   "carbon.credits", "carbon.fossil", "carbon.biogenic",
                                   "carbon.land_use", "water.consumption_m3",
                                   "water.scarcity_m3_world_eq"}
    assert diff["by_stage"] == {
        "materials": {"before": 10.0, "after": 11.0, "delta": 1.0, "relative": 0.1},  # 1 / 10
        "packaging": {"before": 0.0, "after": None, "delta": 0.0, "relative": None},  # 0: none
        "use": {"before": None, "after": 1.0, "delta": 1.0, "relative": None}}
    assert [(l["stage"], l["name"], l["status"], l["delta"]) for l in diff["lines"]] == [
        ("materials", "part", "changed", 1.0),  # the second "part": 7 - 6, amount 1 -> 2
        ("use", "power", "added", 1.0),
        ("materials", "part", "same", 0.0),
        ("packaging", "box", "removed", 0.0)]
    assert diff["lines"][0]["relative"] == pytest.approx(1 / 6)
    assert (diff["lines"][1]["old"], diff["lines"][3]["new"]) == (None, None)
    assert diff["dataset_changed"] is True
    assert assessments.compare(before, before)["dataset_changed"] is False


def test_a_falling_line_sorts_by_the_size_of_its_change():
    before = result(10.0, [("materials", "a", 1, 1.0), ("materials", "b", 1, 9.0)])
    after = result(5.0, [("materials", "a", 1, 3.0), ("materials", "b", 1, 2.0)])
    assert [(l["name"], l["delta"]) for l in assessments.compare(before, after)["lines"]] == [
        ("b", -7.0), ("a", 2.0)]  # |2 - 9| = 7 > |3 - 1| = 2


def test_a_changed_assessment_fails_its_check(db_session, user, product):
    spec = {"lines": []}
    outcome = {"carbon": {"total": 1.0}, "water": {"consumption_m3": 0.0}}
    stored = Assessment(organisation_id=user.organisation_id, product_id=product.id,
                        user_id=user.id, spec=spec, result=outcome, dataset_version="x",
                        carbon_total=1.0, water_consumption_m3=0,
                        content_hash=assessments.content_hash(spec, outcome))
    db_session.add(stored)
    db_session.flush()
    assert assessments.checked(stored) is stored
    stored.result = {"carbon": {"total": 0.5}, "water": {"consumption_m3": 0.0}}
    with pytest.raises(IntegrityBroken) as info:
        assessments.checked(stored)
    assert info.value.params == {"assessment_id": 1}
    assert str(info.value) == "assessment 1: stored content does not match its content hash"
    assert not assessments.is_current(db_session, product, None)


# --- access ------------------------------------------------------------------------------------

def test_the_owner_of_an_object_is_its_organisation(db_session, user, product):
    line = products.save_line(db_session, user, product, LINE)
    organisation = db_session.get(Organisation, user.organisation_id)
    assert owner_of(db_session, line) == owner_of(db_session, product) == organisation.id
    assert owner_of(db_session, organisation) == organisation.id
    assert owner_of(db_session, Line(product_id=999, stage="materials", name="x", kind="factor",
                                     reference="x", unit="kg")) is None


def test_no_one_anonymous_may_do_anything(db_session, user, product):
    assert can(db_session, user, Action.VIEW, product)
    assert not can(db_session, None, Action.VIEW, product)
    assert not can(db_session, SimpleNamespace(is_authenticated=False, is_enabled=True,
                                               role=Role.APPLICANT,
                                               organisation_id=user.organisation_id),
                   Action.VIEW, product)
    assert not can(db_session, user, Action.ADMINISTER, product)
    assert not can(db_session, user, Action.VIEW, "a string")


def test_assessments_are_listed_newest_first(db_session, user, product):
    from datetime import datetime, timezone

    def stored(day):
        assessment = Assessment(organisation_id=user.organisation_id, product_id=product.id,
                                user_id=user.id, spec={}, result={}, dataset_version="x",
                                carbon_total=0, water_consumption_m3=0, content_hash="",
                                created_dt=datetime(2026, 1, day, tzinfo=timezone.utc))
        db_session.add(assessment)
        db_session.flush()
        return assessment.id
    first, second, third = stored(2), stored(1), stored(2)  # ids 1, 2, 3
    assert [a.id for a in assessments.assessments_of(db_session, product.id)] == [
        third, first, second]  # 2 January (the later id first), then 1 January


def test_an_allocated_line_is_stored_column_by_column_and_read_back(db_session, user, product):
    allocation = {"annual_amount": 1000.0, "basis": "mass", "product_quantity": 3.0,
                  "plant_quantity": 10.0, "units_per_year": 100.0}
    data = {"stage": "manufacturing", "name": "power", "emission": "CO2", "unit": "kg",
            "allocation": allocation}
    line = products.save_line(db_session, user, product, data)
    assert (line.kind, line.reference, line.amount, line.annual_amount, line.allocation_basis,
            line.product_quantity, line.plant_quantity, line.units_per_year) == (
        "emission", "CO2", None, 1000.0, "mass", 3.0, 10.0, 100.0)
    assert products.build_spec(db_session, product)["lines"] == [data]
    water = products.save_line(db_session, user, product, {
        "stage": "manufacturing", "name": "cooling", "water": "withdrawal", "unit": "m3",
        "amount": 0.5})
    assert (water.kind, water.reference, water.amount, water.annual_amount) == (
        "water", "withdrawal", 0.5, None)


def test_an_assessment_stores_the_spec_the_result_and_its_hash(db_session, user, product,
                                                                bw_dir):
    products.save_line(db_session, user, product, LINE)
    copy = products.copy_as_new_version(db_session, user, product)
    stored = assessments.run_assessment(db_session, user, product=copy, bw_dir=bw_dir)
    assert (stored.organisation_id, stored.product_id, stored.product_version, stored.user_id) \
        == (user.organisation_id, copy.id, 2, user.id)
    assert stored.spec == products.build_spec(db_session, copy)
    assert stored.carbon_total == stored.result["carbon"]["total"] > 0
    assert stored.water_consumption_m3 == stored.result["water"]["consumption_m3"]
    assert stored.dataset_version == stored.result["dataset_version"]
    assert assessments.checked(stored) is stored
    assert assessments.is_current(db_session, copy, stored)
    event = last_event(db_session)
    assert (event.action, event.actor_id, event.object_type, event.object_id) == (
        "assessment.create", user.id, "assessment", stored.id)
    assert event.after == {"product_id": copy.id, "content_hash": stored.content_hash,
                           "dataset_version": stored.dataset_version,
                           "carbon_total": stored.carbon_total}
    products.save_line(db_session, user, copy, {**LINE, "name": "lid"})
    assert not assessments.is_current(db_session, copy, stored)


def test_reassessing_an_organisation_assesses_each_active_product_once(db_session, user,
                                                                      product, bw_dir):
    products.save_line(db_session, user, product, LINE)
    empty = products.create_product(db_session, user, organisation_id=user.organisation_id,
                                    data={**PRODUCT, "name": "Empty fan"})
    archived = products.create_product(db_session, user, organisation_id=user.organisation_id,
                                       data={**PRODUCT, "name": "Old fan"})
    products.save_line(db_session, user, archived, LINE)
    products.remove_product(db_session, user, archived)
    other = register(db_session, 2)
    theirs = products.create_product(db_session, other, organisation_id=other.organisation_id,
                                     data=PRODUCT)
    products.save_line(db_session, other, theirs, LINE)
    progress = []
    summary = assessments.reassess_products(
        db_session, user, organisation_id=user.organisation_id, bw_dir=bw_dir,
        on_progress=lambda done, total: progress.append((done, total)))
    assert progress == [(1, 2), (2, 2)]  # "Empty fan", "Fan": the active products by name
    stored = assessments.assessments_of(db_session, product.id)
    assert [a["product_id"] for a in summary["assessed"]] == [product.id]
    assert summary["assessed"][0]["assessment_id"] == stored[0].id
    # 2.5 kg = 0.0025 t x 1990 kg CO2e/t (steel-bof)
    assert summary["assessed"][0]["carbon_total"] == pytest.approx(0.0025 * 1990, rel=1e-6)
    assert [(f["product_id"], f["name"]) for f in summary["failed"]] == [(empty.id, "Empty fan")]
    assert summary["failed"][0]["problems"] and summary["unchanged"] == []
    assert (summary["total"], summary["dataset_version"]) == (2, stored[0].dataset_version)
    assert assessments.assessments_of(db_session, archived.id) == []
    assert assessments.assessments_of(db_session, theirs.id) == []
    assert len(events(db_session, action="assessment.create")) == 1
    again = assessments.reassess_products(db_session, user, organisation_id=user.organisation_id,
                                          bw_dir=bw_dir)
    assert (again["assessed"], again["unchanged"]) == ([], [product.id])  # nothing stored twice
    assert len(events(db_session, action="assessment.create")) == 1


def test_only_the_organisations_applicants_reassess_its_products(db_session, user, product,
                                                                 bw_dir):
    products.save_line(db_session, user, product, LINE)
    stranger = register(db_session, 2)
    with pytest.raises(NotAllowed) as info:
        assessments.reassess_products(db_session, stranger,
                                      organisation_id=user.organisation_id, bw_dir=bw_dir)
    assert info.value.code == "not_own_products"
    assert assessments.assessments_of(db_session, product.id) == []


def test_a_line_is_read_only_when_its_own_product_is_archived(db_session, user, product):
    archived = products.create_product(db_session, user, organisation_id=user.organisation_id,
                                       data={**PRODUCT, "name": "Old fan"})
    line = products.save_line(db_session, user, archived, LINE)  # line 1 of product 2
    db_session.add(Assessment(organisation_id=user.organisation_id, product_id=archived.id,
                              user_id=user.id, spec={}, result={}, dataset_version="x",
                              carbon_total=0, water_consumption_m3=0, content_hash=""))
    products.remove_product(db_session, user, archived)
    assert (line.id, line.product_id, product.id) == (1, 2, 1)  # ids that a mix-up would hit
    assert not can(db_session, user, Action.EDIT, line)
    assert can(db_session, user, Action.EDIT, product)


def test_a_site_change_may_name_some_fields_only(db_session, user, site):
    accounts.save_site(db_session, user, {"name": "Renamed"}, organisation_id=user.organisation_id,
                       site=site)
    assert (site.name, site.grid_region) == ("Renamed", "CN-CQ")


def test_the_content_hash_is_the_one_stored_by_earlier_versions():
    """Assessments stored before the canonical-JSON module hashed
    json.dumps({"spec", "result"}, sort_keys, no spaces, UTF-8 unescaped); their hashes must
    still check, so the formula may not change."""
    import hashlib
    import json

    spec = {"product": {"name": "台扇 desk fan"}, "lines": [{"amount": 2.5, "unit": "kg"}]}
    outcome = {"carbon": {"total": 5.25, "fossil": 5.2}, "water": {"consumption_m3": 0.01}}
    earlier = hashlib.sha256(json.dumps({"spec": spec, "result": outcome}, sort_keys=True,
                                        ensure_ascii=False, separators=(",", ":")).encode()
                             ).hexdigest()
    assert assessments.content_hash(spec, outcome) == earlier
