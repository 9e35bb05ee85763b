"""The access policy, object by object and role by role."""
import pytest

from footprint.access import Action, can
from footprint.accounts import operations as accounts
from footprint.accounts.roles import OrganisationKind
from footprint.assessments.models import Assessment
from footprint.products import operations as products
from tests.helpers import credit_code

LINE = {"stage": "materials", "name": "housing", "factor": "steel-bof", "amount": 2.5,
        "unit": "kg"}
FACTOR = {"code": "acme", "name": "A", "unit": "kg", "co2e_fossil": 1.0, "co2e_biogenic": 0.0,
          "co2e_land_use": 0.0, "water_m3": 0.0, "water_region": "GLO", "source": "s"}


@pytest.fixture
def world(db_session):
    """Two manufacturers (each with a site, product, line, factor, assessment), a certifier and
    an admin."""
    users = {}
    for n, (name, kind) in enumerate([("a", OrganisationKind.MANUFACTURER),
                                      ("b", OrganisationKind.MANUFACTURER),
                                      ("cert", OrganisationKind.CERTIFICATION_BODY),
                                      ("admin", OrganisationKind.PLATFORM)], start=1):
        users[name] = accounts.register_organisation(
            db_session, name=name, credit_code=credit_code(n), address="", user_name=name,
            email=f"{name}@x.cn", password="correct horse 1", kind=kind)
    objects = {}
    for name in ("a", "b"):
        user = users[name]
        site = accounts.save_site(db_session, user, {"name": "s", "grid_region": "CN-CQ"},
                                  organisation_id=user.organisation_id)
        product = products.create_product(db_session, user, organisation_id=user.organisation_id,
                                          data={"name": "p", "boundary": "cradle-to-gate",
                                                "functional_unit": "1 piece",
                                                "site_id": site.id})
        line = products.save_line(db_session, user, product, LINE)
        factor = products.save_factor(db_session, user, product, FACTOR)
        assessment = Assessment(organisation_id=user.organisation_id, product_id=product.id,
                                user_id=user.id, spec={}, result={}, dataset_version="x",
                                carbon_total=0, water_consumption_m3=0, content_hash="")
        db_session.add(assessment)
        db_session.flush()
        objects[name] = {"site": site, "product": product, "line": line, "factor": factor,
                         "assessment": assessment}
    return db_session, users, objects


KINDS = ["site", "product", "line", "factor", "assessment"]


@pytest.mark.parametrize("kind", KINDS)
def test_applicants_see_and_edit_only_their_own_organisations_objects(world, kind):
    session, users, objects = world
    own, other = objects["a"][kind], objects["b"][kind]
    assert can(session, users["a"], Action.VIEW, own)
    assert can(session, users["a"], Action.EDIT, own) == (kind != "assessment")
    assert not can(session, users["a"], Action.VIEW, other)
    assert not can(session, users["a"], Action.EDIT, other)


@pytest.mark.parametrize("kind", KINDS)
def test_certifiers_and_admins_see_no_unsubmitted_applicant_work(world, kind):
    session, users, objects = world
    for role in ("cert", "admin"):
        for action in Action:
            assert not can(session, users[role], action, objects["a"][kind])


def test_an_archived_product_and_its_lines_are_read_only(world):
    session, users, objects = world
    products.remove_product(session, users["a"], objects["a"]["product"])
    for kind in ("product", "line", "factor"):
        assert can(session, users["a"], Action.VIEW, objects["a"][kind])
        assert not can(session, users["a"], Action.EDIT, objects["a"][kind])
    assert can(session, users["a"], Action.EDIT, objects["a"]["site"])


def test_only_admins_administer_users_and_organisations(world):
    session, users, _ = world
    for target in (users["a"], users["cert"]):
        assert can(session, users["admin"], Action.ADMINISTER, target)
        for role in ("a", "b", "cert"):
            assert not can(session, users[role], Action.ADMINISTER, target)


def test_a_disabled_user_may_do_nothing(world):
    session, users, objects = world
    users["a"].is_enabled = False
    assert not can(session, users["a"], Action.VIEW, objects["a"]["product"])
