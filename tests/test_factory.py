"""The application factory: configuration from the environment, secrets created on first run."""
import stat

from footprint import create_app


def test_instance_folder_holds_database_and_secret(tmp_path, monkeypatch, bw_dir):
    monkeypatch.delenv("FOOTPRINT_SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
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
    app = create_app({"INSTANCE_PATH": str(tmp_path), "BRIGHTWAY2_DIR": str(bw_dir)})
    assert app.config["SECRET_KEY"] == "from-env"
    assert not (tmp_path / "secret_key").exists()
    assert app.config["DATABASE_URL"].endswith("other.sqlite")
