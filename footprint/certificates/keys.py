"""The platform's Ed25519 signing keys, in `<instance>/keys/` (KEYS_DIR): created on first use,
never in the repository.

One file per key, `ed25519-<created UTC>-<key_id>.pem`, the private key as PEM PKCS8, mode 0600,
in a folder of mode 0700. The newest is the signing key; `rotate` adds a newer one and removes
nothing, so every certificate signed with an older key still verifies. A key's creation time is
in its file name and a key is retired when the next one was created: nothing else is stored, so
there is no index to get out of step with the files.

key_id: the first 16 hex digits of SHA-256 of the raw 32-byte public key.
"""
from __future__ import annotations

import base64
import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ..config import ensure_instance
from ..timeutil import utcnow

ALGORITHM = "Ed25519"
_STAMP = "%Y%m%dT%H%M%S%fZ"
_FILE = re.compile(r"^ed25519-(\d{8}T\d{12}Z)-([0-9a-f]{16})\.pem$")


def key_id_of(public_raw: bytes) -> str:
    return hashlib.sha256(public_raw).hexdigest()[:16]


def fingerprint(key_id: str) -> str:
    """The key_id in groups of four, for people comparing it by eye: `3f2a 9c01 77be 4d10`."""
    return " ".join(key_id[i:i + 4] for i in range(0, len(key_id), 4))


@dataclass(frozen=True)
class SigningKey:
    key_id: str
    private_key: Ed25519PrivateKey
    created: datetime
    retired: datetime | None  # when the next key was created; None: the current key

    @property
    def public_raw(self) -> bytes:
        return self.private_key.public_key().public_bytes(serialization.Encoding.Raw,
                                                          serialization.PublicFormat.Raw)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.key_id)

    def sign(self, data: bytes) -> bytes:
        return self.private_key.sign(data)

    def published(self) -> dict:
        """The public half as published in /.well-known/footprint-keys.json."""
        return {"key_id": self.key_id, "algorithm": ALGORITHM,
                "public_key": base64.b64encode(self.public_raw).decode("ascii"),
                "created": _iso(self.created),
                "retired": _iso(self.retired) if self.retired else None}


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _ensure_directory(directory: Path) -> Path:
    directory = Path(directory)
    ensure_instance(directory)  # the same private folder rule: 0700, tightened if looser
    return directory


def _load(directory: Path) -> list[SigningKey]:
    """Every key, oldest first, each with its retirement time."""
    found = []
    for path in sorted(Path(directory).glob("ed25519-*.pem")):
        match = _FILE.match(path.name)
        if match is None:
            continue
        private_key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(private_key, Ed25519PrivateKey):
            raise ValueError(f"{path} does not hold an Ed25519 key")
        created = datetime.strptime(match.group(1), _STAMP).replace(tzinfo=timezone.utc)
        found.append((created, match.group(2), private_key))
    found.sort(key=lambda entry: (entry[0], entry[1]))
    return [SigningKey(key_id, private_key, created,
                       found[i + 1][0] if i + 1 < len(found) else None)
            for i, (created, key_id, private_key) in enumerate(found)]


def _create(directory: Path) -> SigningKey:
    """A new key file, written privately (mkstemp: 0600) and linked into place whole, so no
    process ever reads half a key."""
    directory = _ensure_directory(directory)
    private_key = Ed25519PrivateKey.generate()
    public_raw = private_key.public_key().public_bytes(serialization.Encoding.Raw,
                                                       serialization.PublicFormat.Raw)
    created = utcnow()
    path = directory / f"ed25519-{created.strftime(_STAMP)}-{key_id_of(public_raw)}.pem"
    fd, temporary = tempfile.mkstemp(dir=directory, prefix=".key.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(private_key.private_bytes(serialization.Encoding.PEM,
                                                   serialization.PrivateFormat.PKCS8,
                                                   serialization.NoEncryption()))
        os.link(temporary, path)
    finally:
        os.unlink(temporary)
    return next(key for key in _load(directory) if key.key_id == key_id_of(public_raw))


def all_keys(directory: Path) -> list[SigningKey]:
    """Every key, oldest first; the first one is created if there is none."""
    keys = _load(directory)
    if not keys:
        _create(directory)
        keys = _load(directory)
    return keys


def current(directory: Path) -> SigningKey:
    """The signing key: the newest. Two processes starting at once may each create one; the
    newer is then current and the other stays valid for what it signed."""
    return all_keys(directory)[-1]


def rotate(directory: Path) -> SigningKey:
    """A new current key; the old ones are kept (public and private) so that what they signed
    still verifies, and are never used to sign again."""
    all_keys(directory)
    return _create(directory)


def public_keys(directory: Path) -> list[dict]:
    return [key.published() for key in all_keys(directory)]
