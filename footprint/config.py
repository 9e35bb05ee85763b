"""Configuration from the environment, with the instance folder as the home of all local state.

Secrets have no default in code: `ensure_secret` creates them in the instance folder on first run
(file mode 0600), unless the environment provides them.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def instance_path() -> Path:
    return Path(os.environ.get("FOOTPRINT_INSTANCE_PATH", REPO_ROOT / "instance")).resolve()


def brightway_dir(instance: Path | None = None) -> Path:
    default = (instance or instance_path()) / "brightway"
    return Path(os.environ.get("BRIGHTWAY2_DIR", default)).resolve()


def database_url(instance: Path | None = None) -> str:
    default = f"sqlite:///{(instance or instance_path()) / 'footprint.sqlite'}"
    return os.environ.get("DATABASE_URL", default)


def ensure_secret(instance: Path, name: str, env_var: str) -> str:
    """The secret from the environment, else from (or newly created in) the instance folder."""
    if os.environ.get(env_var):
        return os.environ[env_var]
    path = instance / name
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()


def from_environment(instance: Path) -> dict:
    return {
        "SECRET_KEY": ensure_secret(instance, "secret_key", "FOOTPRINT_SECRET_KEY"),
        "DATABASE_URL": database_url(instance),
        "BRIGHTWAY2_DIR": str(brightway_dir(instance)),
        "MAX_CONTENT_LENGTH": int(os.environ.get("FOOTPRINT_MAX_UPLOAD_BYTES", 2 * 1024 * 1024)),
    }
