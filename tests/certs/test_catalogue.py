"""The criteria catalogue: versions kept once used, published from the web, the latest per family."""
from __future__ import annotations

import hashlib
import shutil

import pytest
from sqlmodel import func, select

from footprint.accounts import operations as accounts
from footprint.accounts.roles import OrganisationKind
from footprint.audit.models import AuditEvent
from footprint.audit.operations import verify_database
from footprint.certs import catalogue, operations as applications
from footprint.certs.catalogue import CriteriaVersion
from footprint.certs.criteria import CriteriaError, load_all, load_criteria
from footprint.config import CRITERIA_DIR
from footprint.errors import FootprintError, InputError, NotAllowed
from footprint.products import operations as products
from tests.helpers import credit_code

FACTORY = "green-factory/2025.1"
PCF = "pcf-verification/2025.1"
FACTORY_FILE = "green-factory-2025.yaml"
PCF_FILE = "pcf-verification.yaml"


@pytest.fixture
def files_dir(tmp_path):
    """A copy of the shipped criteria files, which a test may change."""
    copy = tmp_path / "criteria"
    shutil.copytree(CRITERIA_DIR, copy)
    return copy


@pytest.fixture
def files(files_dir):
    return load_all(files_dir)  # what the app loads at start


@pytest.fixture
def users(db_session):
    made = {}
    for n, (role, kind) in enumerate([("applicant", OrganisationKind.MANUFACTURER),
                                      ("certifier", OrganisationKind.CERTIFICATION_BODY),
                                      ("admin", OrganisationKind.PLATFORM)], start=1):
        made[role] = accounts.register_organisation(
            db_session, name=role, credit_code=credit_code(n), address="", user_name=role,
            email=f"{role}@x.cn", password="correct horse 1", kind=kind)
    db_session.commit()
    return made


def new_version(files_dir, filename: str, old: str, new: str, **replace: str) -> str:
    """The text of a shipped file with another version (and other text replaced)."""
    source = (files_dir / filename).read_text(encoding="utf-8")
    assert f'version: "{old}"' in source
    source = source.replace(f'version: "{old}"', f'version: "{new}"', 1)
    for before, after in replace.items():
        assert before in source
        source = source.replace(before, after, 1)
    return source


def factory_version(files_dir, version: str, **replace: str) -> str:
    return new_version(files_dir, FACTORY_FILE, "2025.1", version, **replace)


def stored(session) -> list[CriteriaVersion]:
    return list(session.exec(select(CriteriaVersion).order_by(CriteriaVersion.id)))


def audit_count(session) -> int:
    return session.exec(select(func.count()).select_from(AuditEvent)).one()


# --- ordering ----------------------------------------------------------------------------------

def test_versions_are_ordered_naturally_not_as_text():
    versions = ["2025.10", "2026", "2025.2", "2025.1a", "2025.1"]
    assert sorted(versions) == ["2025.1", "2025.10", "2025.1a", "2025.2", "2026"]  # as text
    assert sorted(versions, key=catalogue.version_order) == [
        "2025.1", "2025.1a", "2025.2", "2025.10", "2026"]
    assert catalogue.version_order("2025.01") == catalogue.version_order("2025.1")


def test_a_family_is_the_key_without_its_version(files):
    assert catalogue.family_of(files[FACTORY]) == "green-factory"
    assert catalogue.family_of(files["green-design/laptop/2025.1"]) == "green-design/laptop"


# --- get and keep ------------------------------------------------------------------------------

def test_get_reads_the_file_loaded_at_start_and_refuses_an_unknown_key(db_session, files):
    assert catalogue.get(db_session, FACTORY, files) is files[FACTORY]
    with pytest.raises(catalogue.UnknownCriteria) as error:
        catalogue.get(db_session, "green-factory/1999.1", files)
    assert error.value.code == "unknown_criteria"
    assert isinstance(error.value, FootprintError) and isinstance(error.value, LookupError)
    assert "green-factory/1999.1" in str(error.value)


def test_keep_stores_the_file_text_once(db_session, files, files_dir):
    first = catalogue.keep(db_session, files[FACTORY], files_dir)
    again = catalogue.keep(db_session, files[FACTORY], files_dir)
    source = (files_dir / FACTORY_FILE).read_text(encoding="utf-8")
    assert again.id == first.id and len(stored(db_session)) == 1
    assert (first.key, first.family, first.scheme, first.version) == (
        FACTORY, "green-factory", "green-factory", "2025.1")
    assert first.source == source
    assert first.sha256 == hashlib.sha256(source.encode("utf-8")).hexdigest()
    assert (first.origin, first.published_by_id) == ("file", None)


def test_keep_refuses_a_file_changed_without_a_new_version(db_session, files, files_dir):
    catalogue.keep(db_session, files[FACTORY], files_dir)
    path = files_dir / FACTORY_FILE
    path.write_text(path.read_text(encoding="utf-8").replace(
        "title: Green factory evaluation", "title: Green factory assessment", 1),
        encoding="utf-8")
    with pytest.raises(catalogue.CriteriaFileChanged) as error:
        catalogue.keep(db_session, files[FACTORY], files_dir)
    assert error.value.code == "criteria_file_changed"
    assert "criteria file changed without a new version" in str(error.value)
    assert FACTORY in str(error.value)
    assert len(stored(db_session)) == 1


def test_keep_refuses_a_file_changed_since_start_before_it_was_stored(db_session, files,
                                                                      files_dir):
    path = files_dir / FACTORY_FILE
    path.write_text(path.read_text(encoding="utf-8").replace(
        "title: Green factory evaluation", "title: Green factory assessment", 1),
        encoding="utf-8")
    with pytest.raises(catalogue.CriteriaFileChanged, match="loaded at start"):
        catalogue.keep(db_session, files[FACTORY], files_dir)
    assert stored(db_session) == []


def test_a_kept_version_is_read_after_its_file_changed_and_the_app_restarted(db_session, files,
                                                                           files_dir):
    catalogue.keep(db_session, files[FACTORY], files_dir)
    path = files_dir / FACTORY_FILE
    path.write_text(path.read_text(encoding="utf-8").replace(
        "title: Green factory evaluation", "title: Green factory assessment", 1),
        encoding="utf-8")
    restarted = load_all(files_dir)
    assert restarted[FACTORY].title.startswith("Green factory assessment")
    assert catalogue.get(db_session, FACTORY, restarted) == files[FACTORY]
    assert catalogue.source_of(db_session, FACTORY, files_dir) == stored(db_session)[0].source


# --- publish -----------------------------------------------------------------------------------

def test_publish_stores_a_web_version_with_one_audit_event(db_session, users, files, files_dir):
    admin = users["admin"]
    events_before = audit_count(db_session)
    source = factory_version(files_dir, "2025.2")
    row = catalogue.publish(db_session, admin, source, files)
    db_session.commit()
    assert (row.key, row.origin, row.published_by_id, row.source) == (
        "green-factory/2025.2", "web", admin.id, source)
    assert audit_count(db_session) == events_before + 1
    event = db_session.exec(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert (event.action, event.object_type, event.object_id, event.actor_id) == (
        "criteria.publish", "criteria", row.id, admin.id)
    assert event.after["sha256"] == row.sha256 and "source" not in event.after
    check = verify_database(db_session)
    assert check.intact and check.count == events_before + 1
    assert catalogue.get(db_session, row.key, files).version == "2025.2"


def test_only_an_admin_publishes(db_session, users, files, files_dir):
    for role in ("applicant", "certifier"):
        with pytest.raises(NotAllowed):
            catalogue.publish(db_session, users[role], factory_version(files_dir, "2025.2"),
                              files)
    with pytest.raises(NotAllowed):
        catalogue.publish(db_session, None, factory_version(files_dir, "2025.2"), files)
    assert stored(db_session) == []


def test_a_malformed_publication_names_item_and_field_and_stores_nothing(db_session, users,
                                                                       files, files_dir):
    first_indicator = next(item.id for item in files[FACTORY].items if item.benchmark == 0.3)
    events_before = audit_count(db_session)
    source = factory_version(files_dir, "2025.2", **{"benchmark: 0.3": "benchmark: lots"})
    with pytest.raises(CriteriaError) as error:
        catalogue.publish(db_session, users["admin"], source, files)
    (problem,) = error.value.errors
    assert str(problem.location) == f"web upload: item {first_indicator}.benchmark"
    assert (problem.field, problem.message) == ("benchmark", "must be a number")
    assert stored(db_session) == [] and audit_count(db_session) == events_before


@pytest.mark.parametrize("source, code", [
    ("- a list\n", "not_a_mapping"),
    ("scheme: green-factory\nitems: [a, b\n", "not_yaml"),
    ("[" * 20_000, "not_yaml"),  # nested deeper than PyYAML recurses
])
def test_a_publication_that_is_not_a_criteria_mapping_is_refused(db_session, users, files,
                                                                 source, code):
    with pytest.raises(CriteriaError) as error:
        catalogue.publish(db_session, users["admin"], source, files)
    assert error.value.code == code and str(error.value).startswith("web upload")
    assert stored(db_session) == []


def test_a_publication_over_the_size_bound_is_refused_before_parsing(db_session, users, files,
                                                                     files_dir):
    source = factory_version(files_dir, "2025.2")
    padding = "#" * (catalogue.MAX_SOURCE_BYTES - len(source.encode("utf-8")))  # exactly at it
    assert catalogue.publish(db_session, users["admin"], source + padding, files).id
    over = factory_version(files_dir, "2025.3", **{"benchmark: 0.3": "benchmark: lots"})
    with pytest.raises(InputError) as error:  # one byte over: refused, not parsed
        catalogue.publish(db_session, users["admin"], over + padding + "#", files)
    assert error.value.code == "criteria_too_large"
    assert [r.version for r in stored(db_session)] == ["2025.2"]


def test_an_existing_version_is_refused_naming_it(db_session, users, files, files_dir):
    source = (files_dir / FACTORY_FILE).read_text(encoding="utf-8")  # the file's own version
    with pytest.raises(InputError) as error:
        catalogue.publish(db_session, users["admin"], source, files)
    assert (error.value.code, error.value.field) == ("criteria_version_exists", "version")
    assert "version 2025.1 of green-factory exists" in str(error.value)
    catalogue.publish(db_session, users["admin"], factory_version(files_dir, "2025.2"), files)
    with pytest.raises(InputError, match="version 2025.2 of green-factory exists"):
        catalogue.publish(db_session, users["admin"], factory_version(files_dir, "2025.2"),
                          files)
    assert [r.version for r in stored(db_session)] == ["2025.2"]


@pytest.mark.parametrize("version", ["2024.9", "2025.01", "2019.1"])
def test_a_version_not_above_the_latest_is_refused(db_session, users, files, files_dir, version):
    with pytest.raises(InputError) as error:
        catalogue.publish(db_session, users["admin"], factory_version(files_dir, version), files)
    assert error.value.code == "criteria_version_not_newer"
    assert error.value.params == {"version": version, "latest": "2025.1"}
    assert stored(db_session) == []


def test_a_new_family_has_no_latest_to_come_after(db_session, users, files, files_dir):
    source = new_version(files_dir, "green-design-laptop.yaml", "2025.1", "1",
                         **{"product_category: laptop": "product_category: tablet"})
    row = catalogue.publish(db_session, users["admin"], source, files)
    assert (row.key, row.family) == ("green-design/tablet/1", "green-design/tablet")


# --- available and versions ----------------------------------------------------------------------

def test_available_gives_the_latest_version_of_each_family(db_session, users, files, files_dir):
    admin = users["admin"]
    # 5 files, two of them green-factory versions: 4 families
    assert [c.key for c in catalogue.available(db_session, files)] == [
        "green-design/laptop/2025.1", "green-design/lithium-ion-battery/2025.1", FACTORY, PCF]
    catalogue.publish(db_session, admin, factory_version(files_dir, "2025.2"), files)
    catalogue.publish(db_session, admin, factory_version(files_dir, "2025.10"), files)
    with pytest.raises(InputError, match="does not come after the latest, 2025.10"):
        catalogue.publish(db_session, admin, factory_version(files_dir, "2025.9"), files)
    latest = {catalogue.family_of(c): c.version for c in catalogue.available(db_session, files)}
    assert latest == {"green-design/laptop": "2025.1", "green-design/lithium-ion-battery":
                      "2025.1", "green-factory": "2025.10", "pcf-verification": "2025.1"}


def test_versions_lists_files_and_stored_rows_by_family_latest_first(db_session, users, files,
                                                                     files_dir):
    catalogue.keep(db_session, files[PCF], files_dir)
    catalogue.publish(db_session, users["admin"], factory_version(files_dir, "2025.10"), files)
    listed = [(e.criteria.key, e.origin, e.row is not None)
              for e in catalogue.versions(db_session, files)]
    assert listed == [("green-design/laptop/2025.1", "file", False),
                      ("green-design/lithium-ion-battery/2025.1", "file", False),
                      ("green-factory/2025.10", "web", True),
                      (FACTORY, "file", False), ("green-factory/2018.1", "file", False),
                      (PCF, "file", True)]


def test_keep_of_a_web_version_returns_its_row(db_session, users, files, files_dir):
    row = catalogue.publish(db_session, users["admin"], factory_version(files_dir, "2025.2"),
                            files)
    published = catalogue.get(db_session, row.key, files)
    assert catalogue.keep(db_session, published, files_dir).id == row.id
    assert len(stored(db_session)) == 1


# --- an application keeps its version --------------------------------------------------------------

def test_an_application_reads_its_version_after_a_new_one_is_published(db_session, users,
                                                                        files, files_dir):
    applicant, admin = users["applicant"], users["admin"]
    product = products.create_product(db_session, applicant,
                                      organisation_id=applicant.organisation_id,
                                      data={"name": "p", "boundary": "cradle-to-gate",
                                            "functional_unit": "1 piece"})
    (offered,) = [c for c in catalogue.available(db_session, files)
                  if c.scheme == "pcf-verification"]
    catalogue.keep(db_session, offered, files_dir)
    application = applications.create_draft(db_session, applicant, criteria=offered,
                                            product=product)
    db_session.commit()
    title = "title: Product carbon footprint verification"
    catalogue.publish(db_session, admin, new_version(
        files_dir, PCF_FILE, "2025.1", "2025.2", **{title: title + " (revised)"}), files)
    db_session.commit()
    assert application.criteria_key == PCF
    kept = catalogue.get(db_session, application.criteria_key, files)
    assert kept == load_criteria(CRITERIA_DIR / PCF_FILE) and "revised" not in kept.title
    (now_offered,) = [c for c in catalogue.available(db_session, files)
                      if c.scheme == "pcf-verification"]
    assert now_offered.version == "2025.2" and "(revised)" in now_offered.title
    assert catalogue.applications_by_key(db_session) == {PCF: 1}
    assert verify_database(db_session).intact
