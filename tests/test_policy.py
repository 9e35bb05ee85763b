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


# --- applications --------------------------------------------------------------------------------

@pytest.fixture
def applied(world):
    """Organisation a has submitted an application for its product (pointing at its assessment),
    with a finding; organisation b has a draft."""
    from datetime import date

    from footprint.certs import findings, operations as certs
    from footprint.certs.criteria import load_all
    from footprint.config import CRITERIA_DIR

    session, users, objects = world
    criteria = load_all(CRITERIA_DIR)["pcf-verification/2025.1"]
    applications = {}
    for name in ("a", "b"):
        application = certs.create_draft(session, users[name], criteria=criteria,
                                         product=objects[name]["product"])
        certs.save_draft(session, users[name], application, criteria=criteria, answers={},
                         assessment_id=objects[name]["assessment"].id)
        applications[name] = application
    certs.submit(session, users["a"], applications["a"], criteria=criteria)
    certs.take(session, users["cert"], applications["a"])
    finding = findings.raise_finding(session, users["cert"], applications["a"],
                                     criteria=criteria, item_id=criteria.items[0].id,
                                     kind="minor", text="t", due_date=date(2030, 1, 1))
    return session, users, objects, applications, finding


@pytest.mark.parametrize("kind", KINDS)
def test_certifiers_see_the_work_of_a_submitted_application_read_only(applied, kind):
    session, users, objects, _, _ = applied
    assert can(session, users["cert"], Action.VIEW, objects["a"][kind])
    assert not can(session, users["cert"], Action.EDIT, objects["a"][kind])
    assert not can(session, users["cert"], Action.VIEW, objects["b"][kind])  # only a draft


def test_certifiers_see_submitted_applications_and_their_findings_never_drafts(applied):
    session, users, _, applications, finding = applied
    assert can(session, users["cert"], Action.VIEW, applications["a"])
    assert can(session, users["cert"], Action.VIEW, finding)
    assert not can(session, users["cert"], Action.VIEW, applications["b"])
    for obj in (applications["a"], finding):
        assert not can(session, users["cert"], Action.EDIT, obj)
        assert not can(session, users["admin"], Action.VIEW, obj)


def test_a_draft_withdrawn_before_submission_stays_hidden_from_certifiers(applied):
    from footprint.certs import operations as certs

    session, users, objects, applications, _ = applied
    certs.withdraw(session, users["b"], applications["b"])
    assert not can(session, users["cert"], Action.VIEW, applications["b"])
    assert not can(session, users["cert"], Action.VIEW, objects["b"]["product"])


@pytest.mark.parametrize("kind", [*KINDS, "application"])
def test_a_certifier_never_sees_their_own_organisations_work(applied, kind):
    from footprint.accounts.models import User
    from footprint.accounts.roles import Role

    session, users, objects, applications, _ = applied
    own = User(organisation_id=users["a"].organisation_id, email="own@x.cn", name="own",
               password_hash="x", role=Role.CERTIFIER)
    session.add(own)
    session.flush()
    obj = applications["a"] if kind == "application" else objects["a"][kind]
    assert not can(session, own, Action.VIEW, obj)


def test_applicants_see_their_own_applications_and_edit_only_drafts(applied):
    session, users, _, applications, finding = applied
    assert can(session, users["a"], Action.VIEW, applications["a"])
    assert can(session, users["a"], Action.VIEW, finding)
    assert not can(session, users["a"], Action.EDIT, applications["a"])  # submitted: frozen
    assert not can(session, users["a"], Action.EDIT, finding)  # answered by the operation
    assert can(session, users["b"], Action.EDIT, applications["b"])
    assert not can(session, users["b"], Action.VIEW, applications["a"])
    assert not can(session, users["b"], Action.VIEW, finding)
    assert not can(session, users["a"], Action.VIEW, applications["b"])
