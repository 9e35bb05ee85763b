"""Canonical JSON: one text for one value, so that hashes and signatures are reproducible.

Used for the audit chain, the assessment content hash and (later) certificate signing. Keys are
sorted, there is no insignificant whitespace, text is UTF-8 (not \\u-escaped), and floats are
written by Python's shortest round-trip repr. Non-finite floats, which JSON cannot hold, are
written as Python writes them (NaN, Infinity): assessments stored by earlier versions were hashed
that way, and their hashes must still check.
"""
from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, timezone


def _default(value):
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(timezone.utc).replace(tzinfo=None)
        return value.isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"{type(value).__name__} has no canonical JSON form")


def canonical_json(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      default=_default)


def sha256_hex(value) -> str:
    """SHA-256 of the canonical JSON of `value`, as 64 hex digits."""
    return hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()
