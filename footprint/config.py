"""Configuration from the environment, with the instance folder as the home of all local state.

Secrets have no default in code: `ensure_secret` creates them in the instance folder on first run
(file mode 0600), unless the environment provides them.
"""
from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path

CRITERIA_DIR = Path(__file__).resolve().parents[1] / "datasets" / "criteria"


def instance_path() -> Path:
    """FOOTPRINT_INSTANCE_PATH, else a data folder of the user's, outside the repository."""
    data_home = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share"))
    return Path(os.environ.get("FOOTPRINT_INSTANCE_PATH", data_home / "footprint")).resolve()


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
        ensure_instance(instance)
        # Write a private temporary file, then link it into place: a process starting at the
        # same moment either wins the link or reads the complete secret of the one that did.
        fd, temporary = tempfile.mkstemp(dir=instance, prefix=f".{name}.")
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(temporary)
    return path.read_text().strip()


def ensure_instance(instance: Path) -> None:
    """The instance folder, private to its owner (0700): it holds the database and the secrets."""
    instance.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        if instance.stat().st_mode & 0o077:
            instance.chmod(0o700)
    except PermissionError:  # a folder someone else owns: leave its mode to them
        pass


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def from_environment(instance: Path) -> dict:
    secure_cookies = _flag("FOOTPRINT_SECURE_COOKIES")  # set behind HTTPS
    return {
        "SECRET_KEY": ensure_secret(instance, "secret_key", "FOOTPRINT_SECRET_KEY"),
        "DATABASE_URL": database_url(instance),
        "BRIGHTWAY2_DIR": str(brightway_dir(instance)),
        "MAX_CONTENT_LENGTH": int(os.environ.get("FOOTPRINT_MAX_UPLOAD_BYTES", 2 * 1024 * 1024)),
        # Cookies: never readable by scripts, not sent on cross-site POSTs, HTTPS-only if asked.
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure_cookies,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": secure_cookies,
        # Number of reverse proxies in front of the app whose X-Forwarded-* headers are trusted.
        "PROXY_FIX": int(os.environ.get("FOOTPRINT_PROXY_FIX", 0) or 0),
        # Rate-limit counters: per process by default; a shared store (redis://...) for workers.
        "RATELIMIT_STORAGE_URI": os.environ.get("FOOTPRINT_RATELIMIT_STORAGE_URI", "memory://"),
        # werkzeug's generate_password_hash method (a slow hash); tests set a fast one.
        "PASSWORD_HASH_METHOD": "scrypt",
        # Certification criteria files, validated when the app starts.
        "CRITERIA_DIR": os.environ.get("FOOTPRINT_CRITERIA_DIR", str(CRITERIA_DIR)),
        # Uploaded evidence: a private folder (0700, files 0600) outside the web root.
        "EVIDENCE_DIR": os.environ.get("FOOTPRINT_EVIDENCE_DIR", str(instance / "evidence")),
        "EVIDENCE_MAX_BYTES": int(os.environ.get("FOOTPRINT_EVIDENCE_MAX_BYTES",
                                                 10 * 1024 * 1024)),
    }
