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


def keys_dir(instance: Path | None = None) -> Path:
    """The certificate signing keys (footprint.certificates.keys): private, outside the repo."""
    default = (instance or instance_path()) / "keys"
    return Path(os.environ.get("FOOTPRINT_KEYS_DIR", default)).resolve()


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


# Years a certificate is valid, by scheme. [C]: CNCA general rules for the product
# carbon-footprint label (2025-03-17): 2 years (reference/standards.md 5.3, 5.6). [U]: green
# design and green factory have no fixed validity in GB/T 32161 / GB/T 36132 or the MIIT lists
# (those are kept by annual dynamic management); 3 years follows the 2013 low-carbon product
# certificates [C] until a scheme rule is found.
CERT_VALIDITY_YEARS = {"pcf-verification": 2, "green-design": 3, "green-factory": 3}
# Until an accredited issuer is configured, every certificate says what it is.
UNCONFIGURED_ISSUER = {
    "ISSUER_NAME": "Platform verification, not a CNCA certification body · "
                   "平台核验，非国家认监委（CNCA）认证机构",
    "ISSUER_ACCREDITATION": "None: not a national (CNCA) product carbon-footprint label "
                            "certificate · 无：非国家（CNCA）产品碳足迹标识认证证书",
    "ISSUER_CONTACT": "not configured · 未配置",
}
CERT_DISCLAIMER = (
    "This certificate records a verification on this platform of the holder's own assessment. "
    "It is not a national product carbon-footprint label certificate (CNCA). · "
    "本证书记录本平台对持证方自我评价的核验结果，不是国家产品碳足迹标识认证（CNCA）证书。")

DEFAULT_RESTORE_DAYS = 90


def _validity_years() -> dict[str, int]:
    """CERT_VALIDITY_YEARS, with FOOTPRINT_CERT_VALIDITY_YEARS="scheme=years,..." over it."""
    years = dict(CERT_VALIDITY_YEARS)
    for entry in filter(None, os.environ.get("FOOTPRINT_CERT_VALIDITY_YEARS", "").split(",")):
        scheme, _, value = entry.partition("=")
        if scheme.strip() not in years or not value.strip().isdigit() or int(value) < 1:
            raise ValueError(f"FOOTPRINT_CERT_VALIDITY_YEARS: {entry!r} is not scheme=years "
                             f"with a scheme of {sorted(years)}")
        years[scheme.strip()] = int(value)
    return years


def certificate_settings(instance: Path) -> dict:
    """Issuing and verifying certificates (footprint.certificates, the verify pages)."""
    return {
        "KEYS_DIR": str(keys_dir(instance)),
        # Stored certificate PDFs (written by the PDF step; served by /verify/<id>/certificate.pdf).
        "CERTIFICATES_DIR": os.environ.get("FOOTPRINT_CERTIFICATES_DIR",
                                           str(instance / "certificates")),
        "CERT_PREFIX": os.environ.get("FOOTPRINT_CERT_PREFIX", "CQ"),
        "CERT_VALIDITY_YEARS": _validity_years(),
        # Days a suspended certificate may be restored in before it lapses into withdrawal: a
        # platform choice (the standards name no period), FOOTPRINT_CERT_RESTORE_DAYS over it.
        "CERT_RESTORE_DAYS": int(os.environ.get("FOOTPRINT_CERT_RESTORE_DAYS",
                                                DEFAULT_RESTORE_DAYS)),
        "CERT_DISCLAIMER": os.environ.get("FOOTPRINT_CERT_DISCLAIMER", CERT_DISCLAIMER),
        **{name: os.environ.get(f"FOOTPRINT_{name}", default)
           for name, default in UNCONFIGURED_ISSUER.items()},
        # The issuer of the Verifiable Credentials (a did:web or https URL); empty: the site's URL.
        "ISSUER_ID": os.environ.get("FOOTPRINT_ISSUER_ID", ""),
        "VERIFY_RATE_LIMIT": os.environ.get("FOOTPRINT_VERIFY_RATE_LIMIT", "60/minute"),
        # The self-signed certificate and key that PAdES-sign the certificate PDFs.
        "PDF_SIGNING_DIR": os.environ.get("FOOTPRINT_PDF_SIGNING_DIR",
                                          str(instance / "keys" / "pdf-signing")),
        # The platform's public address, printed on certificates and in their QR code.
        "PUBLIC_URL": os.environ.get("FOOTPRINT_PUBLIC_URL", "http://127.0.0.1:5000"),
    }


def redis_url() -> str:
    """FOOTPRINT_REDIS_URL: one Redis shared by the web workers (rate limits) and the job
    queue, unless each is configured apart."""
    return os.environ.get("FOOTPRINT_REDIS_URL", "").strip()


def job_settings(instance: Path) -> dict:
    """Long jobs (footprint.jobs): eager (run in the submitting process) without a broker."""
    broker = os.environ.get("CELERY_BROKER_URL", "").strip() or redis_url()
    return {
        "JOBS_BROKER_URL": broker,
        "JOBS_RESULT_BACKEND": os.environ.get("CELERY_RESULT_BACKEND", "").strip() or broker,
        # Seconds after which Redis hands an unacknowledged job (its worker died) to another
        # worker: above the longest job (footprint/jobs/celery_app.py).
        "JOBS_VISIBILITY_TIMEOUT": int(os.environ.get("FOOTPRINT_JOBS_VISIBILITY_TIMEOUT",
                                                      3600)),
        # What jobs write (report PDFs), one folder per job: shared by the web and the workers.
        "JOBS_DIR": os.environ.get("FOOTPRINT_JOBS_DIR", str(instance / "jobs")),
    }


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
        # memory:// is one process's own: with several gunicorn workers use Redis.
        "RATELIMIT_STORAGE_URI": (os.environ.get("FOOTPRINT_RATELIMIT_STORAGE_URI")
                                  or os.environ.get("RATELIMIT_STORAGE_URI")
                                  or redis_url() or "memory://"),
        # werkzeug's generate_password_hash method (a slow hash); tests set a fast one.
        "PASSWORD_HASH_METHOD": "scrypt",
        # Certification criteria files, validated when the app starts.
        "CRITERIA_DIR": os.environ.get("FOOTPRINT_CRITERIA_DIR", str(CRITERIA_DIR)),
        # Uploaded evidence: a private folder (0700, files 0600) outside the web root.
        "EVIDENCE_DIR": os.environ.get("FOOTPRINT_EVIDENCE_DIR", str(instance / "evidence")),
        "EVIDENCE_MAX_BYTES": int(os.environ.get("FOOTPRINT_EVIDENCE_MAX_BYTES",
                                                 10 * 1024 * 1024)),
        **certificate_settings(instance),
        **job_settings(instance),
    }
