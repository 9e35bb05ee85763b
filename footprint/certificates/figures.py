"""Numbers as printed on the certificate documents.

The documents are bilingual by design and rendered outside any request, so they do not use the
web's locale-aware filters: digits are grouped with commas, as both the Chinese and the English
text read them.
"""
from __future__ import annotations

import math

SCIENTIFIC_ABOVE = 1e15
SCIENTIFIC_BELOW = 1e-6


def significant(value, digits: int = 3) -> str:
    """`value` rounded to `digits` significant digits, never hiding integer digits
    (12,346 stays 12,346); "—" for no value or no finite number."""
    if value is None or isinstance(value, bool):
        return "—"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return "—"
    if not math.isfinite(number):
        return "—"
    if number == 0:
        return "0"
    magnitude = abs(number)
    if magnitude >= SCIENTIFIC_ABOVE or magnitude < SCIENTIFIC_BELOW:
        return f"{number:.{digits - 1}e}"
    places = max(0, digits - 1 - math.floor(math.log10(magnitude)))
    text = f"{number:,.{places}f}"
    return "0" if float(text.replace(",", "")) == 0 else text


def share(part, whole) -> str:
    """`part` as a percentage of `whole`, one decimal; empty when there is no whole."""
    try:
        if not whole or not math.isfinite(part / whole):
            return ""
        return f"{100 * part / whole:.1f}%"
    except (TypeError, ZeroDivisionError):
        return ""
