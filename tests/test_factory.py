"""The application factory: configuration from the environment, secrets created on first run, and
a database whose schema is the one the code expects."""
import stat

import pytest
from sqlalchemy import text

from footprint import create_app, db


def test_instance_folder_holds_database_and_secret(tmp_path, monkeypatch, bw_dir):
    monkeypatch.delenv("FOOTPRINT_SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    db.upgrade(f"sqlite:///{tmp_path / 'footprint.sqlite'}")
    app = create_app({"INSTANCE_PATH": str(tmp_path), "BRIGHTWAY2_DIR": str(bw_dir)})
    secret = tmp_path / "secret_key"
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert app.config["SECRET_KEY"] == secret.read_text().strip() and len(app.secret_key) == 64
    assert app.config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'footprint.sqlite'}"
    again = create_app({"INSTANCE_PATH": str(tmp_path), "BRIGHTWAY2_DIR": str(bw_dir)})
    assert again.config["SECRET_KEY"] == app.config["SECRET_KEY"]


def test_environment_overrides(tmp_path, monkeypatch, bw_dir):
    monkeypatch.setenv("FOOTPRINT_SECRET_KEY", "from-env")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'other.sqlite'}")
    db.upgrade(f"sqlite:///{tmp_path / 'other.sqlite'}")
    app = create_app({"INSTANCE_PATH": str(tmp_path), "BRIGHTWAY2_DIR": str(bw_dir)})
    assert app.config["SECRET_KEY"] == "from-env"
    assert not (tmp_path / "secret_key").exists()
    assert app.config["DATABASE_URL"].endswith("other.sqlite")


def test_app_refuses_a_database_that_was_never_migrated(tmp_path, bw_dir):
    url = f"sqlite:///{tmp_path / 'new.sqlite'}"
    with pytest.raises(db.DatabaseNotAtHead) as refused:
        create_app({"INSTANCE_PATH": str(tmp_path), "BRIGHTWAY2_DIR": str(bw_dir),
                    "DATABASE_URL": url})
    assert str(refused.value) == (f"database is at revision (none), code expects {db.head()}: "
                                  "run python -m footprint db upgrade")
    assert db.current(url) is None  # the app made no table


def test_app_refuses_a_database_at_another_revision(tmp_path, bw_dir):
    url = f"sqlite:///{tmp_path / 'newer.sqlite'}"
    db.upgrade(url)
    engine = db.migration_engine(url)
    with engine.begin() as connection:  # as if a newer version of the code had migrated it
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(db.DatabaseNotAtHead, match=r"^database is at revision 9999, code expects "
                       + db.head() + ": run python -m footprint db upgrade$"):
        create_app({"INSTANCE_PATH": str(tmp_path), "BRIGHTWAY2_DIR": str(bw_dir),
                    "DATABASE_URL": url})
