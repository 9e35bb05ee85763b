"""The JSON Canonicalization Scheme (RFC 8785), which the Verifiable Credential proof
(eddsa-jcs-2022) hashes.

Not footprint.canonical.canonical_json, which signs the certificate payload: that writes floats
as Python does (5.0, 1e-05), JCS as ECMAScript does (5, 0.00001), and sorts keys by code point
where JCS sorts by UTF-16 code unit. Both are kept: stored hashes and signatures rest on the
first, other people's VC verifiers on this one.
"""
from __future__ import annotations

import json
import math
from decimal import Decimal


def number(value: float | int) -> str:
    """ECMAScript's Number::toString of a finite number (RFC 8785 section 3.2.2.3)."""
    if isinstance(value, bool):
        raise TypeError("a bool is not a number")
    if isinstance(value, int):
        if abs(value) > 2 ** 53:
            raise ValueError(f"{value} is beyond the integers JSON numbers hold exactly")
        return str(value)
    if not math.isfinite(value):
        raise ValueError(f"{value} has no JSON form")
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    # repr gives the shortest digits that read back as the same double, as ECMAScript asks
    digits_tuple, exponent = Decimal(repr(abs(value))).normalize().as_tuple()[1:]
    digits = "".join(map(str, digits_tuple))
    k, n = len(digits), len(digits) + exponent  # value = 0.digits * 10**n
    if k <= n <= 21:
        text = digits + "0" * (n - k)
    elif 0 < n <= 21:
        text = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        text = "0." + "0" * -n + digits
    else:
        e = n - 1
        mantissa = digits if k == 1 else digits[0] + "." + digits[1:]
        text = f"{mantissa}e{'+' if e > 0 else '-'}{abs(e)}"
    return sign + text


def canonicalize(value) -> str:
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, (int, float)):
        return number(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(canonicalize(item) for item in value) + "]"
    if isinstance(value, dict):
        keys = sorted(value, key=lambda k: k.encode("utf-16-be"))
        return "{" + ",".join(f"{canonicalize(k)}:{canonicalize(value[k])}" for k in keys) + "}"
    raise TypeError(f"{type(value).__name__} has no JSON form")
