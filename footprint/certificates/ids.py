"""Public certificate IDs: `<PREFIX>-<SCHEME>-<YEAR>-XXXX-XXXX-C`, e.g. `CQ-CFP-2026-7K3M-9XQ2-R`.

The eight X are drawn with `secrets` from Crockford's base-32 alphabet (no I, L, O, U: nothing to
misread), 32**8 = 2**40 of them per scheme and year, so an ID cannot be guessed or enumerated
(the verify endpoint is rate-limited too). C is an ISO 7064 MOD 37,36 check character over every
alphanumeric of the ID: it detects any single wrong character and any swap of two adjacent ones,
so `parse` tells a mistyped ID from an unknown one without asking the database.
"""
from __future__ import annotations

import re
import secrets

from ..certs.models import Scheme

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# ISO 7064 MOD 37,36 works on 36 values: the digits and the 26 letters.
ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
SCHEME_CODES = {Scheme.PCF_VERIFICATION: "CFP", Scheme.GREEN_DESIGN: "GDP",
                Scheme.GREEN_FACTORY: "GF"}
DEFAULT_PREFIX = "CQ"
RANDOM_LENGTH = 8
_ID = re.compile(r"^([A-Z][A-Z0-9]{0,9})-(CFP|GDP|GF)-(\d{4})-([0-9A-Z]{4})-([0-9A-Z]{4})-"
                 r"([0-9A-Z])$")
# Crockford's reading of characters people type for others: O is zero, I and L are one.
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def check_character(text: str) -> str:
    """The ISO 7064 MOD 37,36 (hybrid system, M = 36) check character of the alphanumerics of
    `text`, case-insensitive."""
    modulus, p = 36, 36
    for char in text.upper():
        if char not in ALPHANUMERIC:
            continue
        p = (p + ALPHANUMERIC.index(char)) % modulus or modulus
        p = (p * 2) % (modulus + 1)
    return ALPHANUMERIC[(modulus + 1 - p) % modulus]


def new_id(scheme: str, year: int, prefix: str = DEFAULT_PREFIX) -> str:
    """A fresh random ID. Drawn again (rarely: 4 in 36) while the check character would be one
    of I, L, O, U, so that every character after the year is one Crockford's reading keeps."""
    code = SCHEME_CODES[Scheme(scheme)]
    while True:
        random_part = "".join(secrets.choice(CROCKFORD) for _ in range(RANDOM_LENGTH))
        body = f"{prefix}-{code}-{year:04d}-{random_part[:4]}-{random_part[4:]}"
        check = check_character(body)
        if check in CROCKFORD:
            return f"{body}-{check}"


def parse(text: str) -> str | None:
    """The ID as printed, from what someone typed or scanned: upper case, spaces removed, O read
    as 0 and I/L as 1 after the year; None unless it has the shape of an ID and its check
    character matches."""
    if not isinstance(text, str) or len(text) > 64:
        return None
    compact = re.sub(r"\s+", "", text).upper()
    parts = compact.split("-")
    if len(parts) != 6:
        return None
    parts[3:] = [part.translate(_READ_AS) for part in parts[3:]]
    candidate = "-".join(parts)
    match = _ID.match(candidate)
    if match is None or any(c not in CROCKFORD for c in "".join(match.groups()[3:])):
        return None
    if check_character(candidate[:-2]) != candidate[-1]:
        return None
    return candidate
