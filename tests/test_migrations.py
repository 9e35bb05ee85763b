"""The schema is made by the Alembic migrations in footprint/migrations, and they match the models.

Every test runs on a new SQLite file, or on the test PostgreSQL when FOOTPRINT_TEST_DATABASE_URL
is set (scripts/test runs this module in its PostgreSQL pass).
`test_models_match_the_head_migration` is what makes every change of a model come with a
migration: after changing a model, run `python -m footprint db revision --autogenerate -m "what
changed"`, then read and tidy the new script.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path
from datetime import datetime, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import JSON, Column, DateTime, MetaData, String, bindparam, inspect, text

from footprint import create_app, db
from tests.databases import TEST_DATABASE_URL, blank_database, drop_everything
from tests.helpers import credit_code

CREATED = datetime(2025, 6, 30, 8, 15, 42, tzinfo=timezone.utc)
SPEC = {"product": {"name": "Desk fan", "functional_unit": "1 piece"},
        "lines": [{"stage": "materials", "factor": "steel-bof", "amount": 2.5, "unit": "kg"}]}
RESULT = {"carbon": {"total": 5.25, "fossil": 5.2}, "water": {"consumption_m3": 0.01}}


@pytest.fixture
def url(tmp_path):
    """A database without any table; on PostgreSQL it is left without tables afterwards too, so
    the next test's fixture migrates it again."""
    database = blank_database(tmp_path)
    yield database
    if TEST_DATABASE_URL:
        drop_everything(database)


def tables(url: str) -> set[str]:
    engine = db.migration_engine(url)
    try:
        with engine.connect() as connection:
            return set(inspect(connection).get_table_names())
    finally:
        engine.dispose()


def differences(url: str, metadata) -> list:
    engine = db.migration_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return compare_metadata(context, metadata)
    finally:
        engine.dispose()


def app_on(url: str, tmp_path):
    return create_app({"INSTANCE_PATH": str(tmp_path / "instance"), "DATABASE_URL": url,
                       "TESTING": True})


def test_an_empty_database_upgraded_to_head_has_every_table_of_the_models(url):
    models = db.metadata()
    assert db.upgrade(url) == db.head()
    assert tables(url) == set(models.tables) | {"alembic_version"}
    engine = db.migration_engine(url)
    with engine.connect() as connection:
        inspector = inspect(connection)
        for name, table in models.tables.items():
            assert {c["name"] for c in inspector.get_columns(name)} == set(table.columns.keys())
    engine.dispose()
    assert db.current(url) == db.head()
    assert db.upgrade(url) == db.head()  # at head, upgrading again changes nothing


def insert_baseline_data(url: str) -> None:
    """An organisation, user, site, product with a supplier factor and two lines, and an
    assessment, written with plain SQL in the columns of revision 0001."""
    statements = [
        "INSERT INTO organisations (id, name, credit_code, address, kind, created_dt) VALUES "
        "(1, '重庆示范有限公司', :code, '重庆', 'manufacturer', :created)",
        "INSERT INTO users (id, organisation_id, email, name, password_hash, role, locale, "
        "is_enabled, created_dt) VALUES (1, 1, 'li@example.cn', 'Li', 'hash', 'applicant', 'zh', "
        ":enabled, :created)",
        "INSERT INTO sites (id, organisation_id, name, address, grid_region, annual_output, "
        "output_unit, land_area_m2, created_dt) VALUES (1, 1, 'Liangjiang plant', 'Chongqing', "
        "'CN-CQ', 50000, 'piece', 80000, :created)",
        "INSERT INTO products (id, organisation_id, site_id, name, model, category, "
        "functional_unit, reference_flow, boundary, version, copied_from_id, created_dt, "
        "updated_dt) VALUES (1, 1, 1, 'Desk fan', 'F1', 'appliance', '1 piece', '', "
        "'cradle-to-gate', 2, NULL, :created, :created)",
        "INSERT INTO supplier_factors (id, product_id, code, name, unit, co2e_fossil, "
        "co2e_biogenic, co2e_land_use, water_m3, water_region, source) VALUES (1, 1, 'motor-a', "
        "'Motor A', 'piece', 3.5, 0.1, 0, 0.02, 'CN', 'supplier PCF 2025')",
        "INSERT INTO lines (id, product_id, position, stage, name, kind, reference, amount, unit,"
        " annual_amount, allocation_basis, product_quantity, plant_quantity, units_per_year) "
        "VALUES (1, 1, 0, 'materials', 'housing', 'factor', 'steel-bof', 2.5, 'kg', NULL, NULL, "
        "NULL, NULL, NULL)",
        "INSERT INTO lines (id, product_id, position, stage, name, kind, reference, amount, unit,"
        " annual_amount, allocation_basis, product_quantity, plant_quantity, units_per_year) "
        "VALUES (2, 1, 1, 'manufacturing', 'electricity', 'factor', 'grid-cq', NULL, 'kWh', "
        "120000, 'units', 1, 1, 50000)",
        "INSERT INTO assessments (id, organisation_id, product_id, product_version, user_id, "
        "created_dt, spec, result, dataset_version, carbon_total, water_consumption_m3, "
        "content_hash) VALUES (1, 1, 1, 2, 1, :created, :spec, :result, 'abc123', 5.25, 0.01, "
        "'f00d')",
    ]
    types = {"created": DateTime(timezone=True), "spec": JSON(), "result": JSON()}
    values = {"created": CREATED, "code": credit_code(7), "enabled": True, "spec": SPEC,
              "result": RESULT}
    engine = db.migration_engine(url)
    with engine.begin() as connection:
        for sql in statements:
            names = set(re.findall(r":(\w+)", sql))
            connection.execute(
                text(sql).bindparams(*[bindparam(n, type_=types[n]) for n in names & set(types)]),
                {name: values[name] for name in names})
        if connection.dialect.name == "postgresql":  # explicit ids: move the sequences on
            for table in ("organisations", "users", "sites", "products", "supplier_factors",
                          "lines", "assessments"):
                connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                                        f" (SELECT max(id) FROM {table}))"))
    engine.dispose()


def check_baseline_data(app) -> None:
    from footprint.accounts.models import Organisation, Site, User
    from footprint.assessments.models import Assessment
    from footprint.products.models import Line, Product, SupplierFactor

    with app.app_context():
        session = db.session()
        organisation = session.get(Organisation, 1)
        assert (organisation.name, organisation.credit_code, organisation.created_dt) == (
            "重庆示范有限公司", credit_code(7), CREATED)
        user = session.get(User, 1)
        assert (user.email, user.organisation_id, user.is_enabled, user.locale) == (
            "li@example.cn", 1, True, "zh")
        assert session.get(Site, 1).land_area_m2 == 80000
        product = session.get(Product, 1)
        assert (product.name, product.site_id, product.version, product.updated_dt) == (
            "Desk fan", 1, 2, CREATED)
        assert session.get(SupplierFactor, 1).co2e_fossil == 3.5
        housing, electricity = session.get(Line, 1), session.get(Line, 2)
        assert housing.amount_per_unit == 2.5
        assert electricity.is_allocated and electricity.amount_per_unit == 2.4
        assessment = session.get(Assessment, 1)
        assert (assessment.spec, assessment.result, assessment.carbon_total) == (
            SPEC, RESULT, 5.25)
        # the database still works: a new row gets the next id
        session.add(Site(organisation_id=1, name="Second plant", grid_region="CN-CQ"))
        session.commit()
        assert session.get(Site, 2).name == "Second plant"
    app.extensions["db_engine"].dispose()


def test_data_at_the_baseline_survives_the_upgrade_to_head(url, tmp_path):
    assert db.upgrade(url, db.BASELINE) == db.BASELINE
    assert tables(url) == db.BASELINE_TABLES | {"alembic_version"}
    insert_baseline_data(url)
    assert db.upgrade(url) == db.head()
    check_baseline_data(app_on(url, tmp_path))


def test_a_database_made_before_migrations_is_adopted_and_keeps_its_data(url, tmp_path):
    # what create_all made before migrations: the baseline schema without alembic_version
    db.upgrade(url, db.BASELINE)
    insert_baseline_data(url)
    engine = db.migration_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE alembic_version"))
    engine.dispose()
    assert db.current(url) is None
    assert db.upgrade(url) == db.head()
    check_baseline_data(app_on(url, tmp_path))


def test_a_database_of_something_else_is_left_alone(url):
    engine = db.migration_engine(url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE organisations (id INTEGER PRIMARY KEY)"))
        connection.execute(text("CREATE TABLE invoices (id INTEGER PRIMARY KEY)"))
    engine.dispose()
    with pytest.raises(db.UnknownDatabase, match="no alembic_version.*not a footprint database"):
        db.upgrade(url)
    assert tables(url) == {"organisations", "invoices"}


def test_models_match_the_head_migration(url):
    db.upgrade(url)
    found = differences(url, db.metadata())
    assert found == [], (
        "the models differ from the schema of the migrations; write a migration with "
        f"`python -m footprint db revision --autogenerate -m ...`: {found}")


def test_the_model_check_sees_a_column_without_migration(url):
    """The check above can fail: a model with a column no migration made is a difference."""
    db.upgrade(url)
    models = MetaData(naming_convention=db.NAMING_CONVENTION)
    for table in db.metadata().sorted_tables:
        table.to_metadata(models)
    models.tables["products"].append_column(Column("notes", String(200), nullable=True))
    found = differences(url, models)
    assert [(d[0], d[2], d[3].name) for d in found] == [("add_column", "products", "notes")]


def test_downgrade_to_base_removes_every_table_and_upgrade_makes_them_again(url):
    db.upgrade(url)
    assert db.downgrade(url, "base") is None
    assert tables(url) <= {"alembic_version"}
    assert db.current(url) is None
    assert db.upgrade(url) == db.head()
    assert differences(url, db.metadata()) == []


def test_every_constraint_is_named_by_the_convention():
    for name, table in db.metadata().tables.items():
        assert table.primary_key.name == f"pk_{name}"
        for key in table.foreign_keys:
            assert key.constraint.name == (f"fk_{name}_{key.parent.name}_"
                                           f"{key.column.table.name}")
        for index in table.indexes:
            assert index.name == f"ix_{name}_{index.columns[0].name}"


def test_the_revision_is_in_the_package_and_there_is_one_head():
    assert (db.MIGRATIONS / "env.py").is_file()
    assert db.MIGRATIONS.parent.name == "footprint"
    assert db.head().isdigit() and "," not in db.head()


# --- the command line ---------------------------------------------------------------------------

def run(cli_args, monkeypatch, tmp_path, database_url):
    from click.testing import CliRunner

    from footprint.cli import cli

    monkeypatch.setenv("FOOTPRINT_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("DATABASE_URL", database_url)
    return CliRunner().invoke(cli, cli_args, catch_exceptions=False)


def test_db_upgrade_and_current_commands(url, monkeypatch, tmp_path):
    before = run(["db", "current"], monkeypatch, tmp_path, url)
    assert before.exit_code == 0
    assert before.output.endswith(f"at revision (none); code expects {db.head()}\n")
    upgraded = run(["db", "upgrade"], monkeypatch, tmp_path, url)
    assert upgraded.exit_code == 0 and upgraded.output.endswith(f"at revision {db.head()}\n")
    assert db.current(url) == db.head()
    after = run(["db", "current"], monkeypatch, tmp_path, url)
    assert after.output.endswith(f"at revision {db.head()}; code expects {db.head()}\n")


def test_db_upgrade_refuses_a_database_of_something_else(url, monkeypatch, tmp_path):
    engine = db.migration_engine(url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE invoices (id INTEGER PRIMARY KEY)"))
    engine.dispose()
    result = run(["db", "upgrade"], monkeypatch, tmp_path, url)
    assert result.exit_code == 1
    assert result.output.startswith("Error: the database has tables (invoices) but no "
                                    "alembic_version")
    assert tables(url) == {"invoices"}


def test_db_commands_hide_the_password():
    assert db.safe_url("postgresql+psycopg://footprint:s3cret@db.example/footprint") == (
        "postgresql+psycopg://footprint:***@db.example/footprint")


def test_serve_migrates_before_serving(monkeypatch, tmp_path, assessor):
    import waitress

    served = []
    monkeypatch.setattr(waitress, "serve", lambda app, **options: served.append((app, options)))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("FOOTPRINT_INSTANCE_PATH", str(tmp_path / "new-instance"))
    from click.testing import CliRunner

    from footprint.cli import cli

    result = CliRunner().invoke(cli, ["serve", "--port", "5099"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert f"database at revision {db.head()}" in result.output
    assert db.current(f"sqlite:///{tmp_path / 'new-instance' / 'footprint.sqlite'}") == db.head()
    (app, options), = served
    assert options["port"] == 5099 and app.config["DATABASE_URL"].endswith("footprint.sqlite")


@pytest.fixture
def migrations(tmp_path, monkeypatch):
    """A copy of footprint/migrations to write revisions into, used by footprint.db."""
    copy = tmp_path / "migrations"
    shutil.copytree(db.MIGRATIONS, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(db, "MIGRATIONS", copy)
    return copy


def test_db_revision_writes_nothing_when_the_models_match(migrations, monkeypatch, tmp_path):
    result = run(["db", "revision", "--autogenerate", "-m", "nothing"], monkeypatch, tmp_path,
                 "sqlite://")
    assert result.exit_code == 0, result.output
    assert "the models match the head revision: no migration written" in result.output
    package_versions = Path(db.__file__).parent / "migrations" / "versions"
    assert sorted(p.name for p in (migrations / "versions").glob("*.py")) == sorted(
        p.name for p in package_versions.glob("*.py"))


def test_db_revision_autogenerates_a_migration_that_keeps_the_data(migrations, monkeypatch,
                                                                   tmp_path, url):
    """A new model column: the autogenerated revision adds it (on SQLite by copying the table,
    which must not cascade-delete the product's lines), keeps every row, and downgrades."""
    head = db.head()
    models = MetaData(naming_convention=db.NAMING_CONVENTION)
    for table in db.metadata().sorted_tables:
        table.to_metadata(models)
    models.tables["products"].append_column(Column("notes", String(200), nullable=True))
    monkeypatch.setattr(db, "metadata", lambda: models)

    result = run(["db", "revision", "--autogenerate", "-m", "Product notes"], monkeypatch,
                 tmp_path, url)
    assert result.exit_code == 0, result.output
    following = f"{int(head) + 1:04d}"
    script = migrations / "versions" / f"{following}_product_notes.py"
    assert f"wrote {script}" in result.output
    source = script.read_text()
    assert f"down_revision = '{head}'" in source and "sqlmodel" not in source
    assert "batch_op.add_column(sa.Column('notes', sa.String(length=200), nullable=True))" in source
    assert tables(url) == set()  # it compared with a temporary database, not this one

    db.upgrade(url, db.BASELINE)  # the data is written in the columns of the baseline
    insert_baseline_data(url)
    assert db.upgrade(url) == following
    engine = db.migration_engine(url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT name, notes FROM products")).all() == [
            ("Desk fan", None)]
        assert connection.execute(text("SELECT count(*) FROM lines")).scalar() == 2
        assert connection.execute(text("SELECT count(*) FROM assessments")).scalar() == 1
    assert differences(url, models) == []
    assert db.downgrade(url, head) == head
    with engine.connect() as connection:
        assert "notes" not in {c["name"] for c in inspect(connection).get_columns("products")}
        assert connection.execute(text("SELECT count(*) FROM lines")).scalar() == 2
    engine.dispose()


def test_db_revision_without_autogenerate_writes_an_empty_revision(migrations, monkeypatch,
                                                                   tmp_path):
    head = db.head()
    result = run(["db", "revision", "-m", "Backfill site regions"], monkeypatch, tmp_path,
                 "sqlite://")
    assert result.exit_code == 0, result.output
    script = migrations / "versions" / f"{int(head) + 1:04d}_backfill_site_regions.py"
    assert f"wrote {script}" in result.output
    source = script.read_text()
    assert f"down_revision = '{head}'" in source and "def upgrade() -> None:\n    pass" in source
    assert db.head() == f"{int(head) + 1:04d}"


def test_revision_0002_makes_numbers_given_twice_distinct_and_guards_the_new_tables(url,
                                                                                   tmp_path):
    """Before the unique constraints, simultaneous requests could give two lines one position
    and two copies one version; 0002 renumbers them, then the database refuses both again."""
    db.upgrade(url, db.BASELINE)
    insert_baseline_data(url)
    engine = db.migration_engine(url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE lines SET position = 0"))  # lines 1 and 2 both at 0
        for product_id in (2, 3):  # two more copies of "Desk fan", both made version 2
            connection.execute(text(
                "INSERT INTO products (id, organisation_id, site_id, name, model, category, "
                "functional_unit, reference_flow, boundary, version, copied_from_id, created_dt,"
                " updated_dt) SELECT :id, organisation_id, site_id, name, model, category, "
                "functional_unit, reference_flow, boundary, version, 1, created_dt, updated_dt "
                "FROM products WHERE id = 1"), {"id": product_id})
    db.upgrade(url, "0002")
    with engine.begin() as connection:
        positions = connection.execute(text("SELECT id, position FROM lines ORDER BY id")).all()
        versions = connection.execute(text("SELECT id, version FROM products ORDER BY id")).all()
        locks = connection.execute(text("SELECT DISTINCT lock_version FROM products")).all()
    assert [tuple(r) for r in positions] == [(1, 0), (2, 1)]  # ordered by (position, id)
    assert [tuple(r) for r in versions] == [(1, 2), (2, 3), (3, 4)]  # the latest was 2
    assert [tuple(r) for r in locks] == [(1,)]
    with pytest.raises(Exception, match="append-only"):
        with engine.begin() as connection:
            connection.execute(text("DELETE FROM assessments WHERE id = 1"))
    engine.dispose()


def test_revision_0003_gives_every_existing_user_a_session_token_of_their_own(url):
    db.upgrade(url, db.BASELINE)
    insert_baseline_data(url)
    engine = db.migration_engine(url)
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO users (id, organisation_id, email, name, password_hash, role, locale, "
            "is_enabled, created_dt) SELECT 2, 1, 'wang@example.cn', 'Wang', 'hash', role, "
            "locale, is_enabled, created_dt FROM users WHERE id = 1"))
    db.upgrade(url, "0003")
    with engine.begin() as connection:
        tokens = [r[0] for r in connection.execute(text("SELECT session_token FROM users"))]
    engine.dispose()
    assert len(tokens) == 2 and len(set(tokens)) == 2
    assert all(len(token) == 32 for token in tokens)  # 16 random bytes as hex


def certificate_triggers(url: str) -> set[str]:
    query = ("SELECT tgname FROM pg_trigger WHERE tgrelid = 'certificates'::regclass "
             "AND NOT tgisinternal" if url.startswith("postgresql") else
             "SELECT name FROM sqlite_master WHERE type = 'trigger' "
             "AND tbl_name = 'certificates'")
    engine = db.migration_engine(url)
    try:
        with engine.connect() as connection:
            return set(connection.execute(text(query)).scalars())
    finally:
        engine.dispose()


def application_id_is_unique(url: str) -> bool:
    engine = db.migration_engine(url)
    try:
        with engine.connect() as connection:
            unique = inspect(connection).get_unique_constraints("certificates")
    finally:
        engine.dispose()
    return ["application_id"] in [c["column_names"] for c in unique]


def test_revision_0013_keeps_the_certificate_guard_both_ways(url):
    """0013 alters the certificates table (SQLite copies it, dropping its triggers): the guard
    is there after the upgrade and after the downgrade. That it still refuses is tested on
    the migrated test databases (tests/certificates)."""
    db.upgrade(url, "0012")
    installed = certificate_triggers(url)
    assert installed in ({"certificates_no_delete", "certificates_signed_fixed"},
                         {"certificates_guard", "certificates_no_truncate"})
    assert application_id_is_unique(url)
    db.upgrade(url, "0013")
    assert certificate_triggers(url) == installed
    assert not application_id_is_unique(url)  # a correction is another certificate of it
    db.downgrade(url, "0012")
    assert certificate_triggers(url) == installed and application_id_is_unique(url)


def test_revision_0014_gives_intact_assessments_a_summary_hash_and_keeps_the_guard(url):
    """Rows whose content matches their hash get the summary hash lists check; an altered row
    (assessment 1 of the baseline data, whose content hash 'f00d' is not its content's) keeps
    an empty one and is listed as altered. The append-only guard is there afterwards."""
    from footprint.assessments.models import summary_hash
    from footprint.canonical import sha256_hex

    db.upgrade(url, db.BASELINE)
    insert_baseline_data(url)
    engine = db.migration_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO assessments (id, organisation_id, product_id, product_version, "
                 "user_id, created_dt, spec, result, dataset_version, carbon_total, "
                 "water_consumption_m3, content_hash) VALUES (2, 1, 1, 2, 1, :created, :spec, "
                 ":result, 'abc123', 5.25, 0.01, :hash)").bindparams(
                bindparam("created", type_=DateTime(timezone=True)),
                bindparam("spec", type_=JSON()), bindparam("result", type_=JSON())),
            {"created": CREATED, "spec": SPEC, "result": RESULT,
             "hash": sha256_hex({"spec": SPEC, "result": RESULT})})
    db.upgrade(url, "0013")
    db.upgrade(url, "0014")
    with engine.begin() as connection:
        rows = connection.execute(text(
            "SELECT id, organisation_id, product_id, product_version, dataset_version, "
            "carbon_total, water_consumption_m3, content_hash, summary_hash FROM assessments "
            "ORDER BY id")).all()
    assert rows[0].summary_hash == ""
    assert rows[1].summary_hash == summary_hash(rows[1]) and len(rows[1].summary_hash) == 64
    with pytest.raises(Exception, match="append-only"):
        with engine.begin() as connection:
            connection.execute(text("UPDATE assessments SET carbon_total = 1 WHERE id = 2"))
    db.downgrade(url, "0013")
    with pytest.raises(Exception, match="append-only"):
        with engine.begin() as connection:
            connection.execute(text("DELETE FROM assessments WHERE id = 2"))
    engine.dispose()
