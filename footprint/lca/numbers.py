"""One numeric policy for every amount a person types or uploads.

Every amount, allocation quantity and factor value passes through `parse` (what a person typed)
and `check` (any number, typed or not), whatever the entry point: pydantic ProductSpec, web forms,
spreadsheet import.

What is accepted as text
  - ASCII digits with at most one dot as the decimal separator and an optional exponent:
    ``1.5``, ``1500``, ``.5``, ``-2``, ``1e3``, ``2.5E-4``;
  - the same typed with full-width characters (Chinese input methods): ``１．５``, ``１５００``,
    ``－２``; NFKC normalisation turns them into the ASCII forms above.

What is refused, with a message saying what to type
  - a comma, ideographic full stop (``。``), Arabic decimal separator, apostrophe or a space between
    digits (``1,5``, ``1。5``, ``1.234,5``, ``1 500``, ``1'500``): the reading is not certain
    (``1,500`` is 1.5 in most of Europe and 1500 in China), so nothing is guessed: code
    ``ambiguous_number``;
  - anything else that is not a plain number (``abc``, ``1.2.3``, ``0x10``, ``1_000``, ``inf``,
    ``nan``): code ``not_a_number``.

What is accepted as a number
  - finite, and zero or of magnitude between MIN_MAGNITUDE (1e-12) and MAX_MAGNITUDE (1e12).
    1e12 is more than any plant's yearly kWh, kg, pieces or CNY of output, and more than any
    emission factor; 1e-12 is below a microgram expressed in tonnes. The bounds keep every product
    of a few of them (allocation: annual x product / plant / units, at most 1e12 x 1e12 / 1e-12 /
    1e-12 = 1e48) and every sum of them finite, so a stored assessment holds finite floats.
    Outside the bounds: codes ``not_finite``, ``too_large``, ``too_small``.

Errors are NumberProblem (a ValueError) with a `code` and `params`, so that the web translates by
code and names the field where it shows the message.
"""
from __future__ import annotations

import math
import re
import unicodedata

MAX_MAGNITUDE = 1e12
MIN_MAGNITUDE = 1e-12
MAX_TEXT, MIN_TEXT = "1e12", "1e-12"  # as the messages show them

_PLAIN = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
# Characters that people use as decimal or thousands separators besides the dot.
_SEPARATORS = re.compile(r"[,，、。｡٫٬'’\s]")
_MINUS = str.maketrans({"−": "-", "‐": "-", "‑": "-", "–": "-"})

MESSAGES = {
    "not_a_number": "'{value}' is not a number; type digits with a dot for decimals, "
                    "e.g. 1.5 or 1500",
    "ambiguous_number": "'{value}' is ambiguous: type a dot for decimals and no thousands "
                        "separators, e.g. 1.5 or 1500",
    "not_finite": "must be a finite number",
    "too_large": "must be at most {max} in size; use a larger unit",
    "too_small": "must be 0 or at least {min} in size; use a smaller unit",
    "negative": "must be a finite number, zero or more",
    "not_positive": "must be a finite number above zero",
}


def excerpt(text, limit: int = 40) -> str:
    """At most `limit` characters of any text, with an ellipsis when cut."""
    text = str(text)
    return text if len(text) <= limit else text[:limit] + "…"


class NumberProblem(ValueError):
    def __init__(self, code: str, **params):
        self.code, self.params = code, params
        super().__init__(MESSAGES[code].format(**params))


def parse(text) -> float:
    """The number a person typed (str) or a spreadsheet held (int/float), checked with `check`."""
    if isinstance(text, bool):
        raise NumberProblem("not_a_number", value=str(text))
    if isinstance(text, (int, float)):
        return check(text)
    raw = str(text)
    normal = unicodedata.normalize("NFKC", raw).translate(_MINUS).strip()
    if _PLAIN.fullmatch(normal):
        return check(float(normal))
    if re.search(r"\d", normal) and _SEPARATORS.search(normal):
        raise NumberProblem("ambiguous_number", value=excerpt(raw.strip()))
    raise NumberProblem("not_a_number", value=excerpt(raw.strip()))


def check(value: float, sign: str = "any") -> float:
    """`value` if it is finite and within the bounds; sign: "any", "non_negative", "positive"."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise NumberProblem("not_a_number", value=excerpt(value))
    try:
        value = float(value)
    except OverflowError:  # an int beyond any float
        raise NumberProblem("not_finite") from None
    if not math.isfinite(value):
        raise NumberProblem("not_finite")
    if abs(value) > MAX_MAGNITUDE:
        raise NumberProblem("too_large", max=MAX_TEXT)
    if value != 0 and abs(value) < MIN_MAGNITUDE:
        raise NumberProblem("too_small", min=MIN_TEXT)
    if sign == "non_negative" and value < 0:
        raise NumberProblem("negative")
    if sign == "positive" and value <= 0:
        raise NumberProblem("not_positive")
    return value + 0.0  # -0.0 becomes 0.0


def parse_checked(text, sign: str = "any") -> float:
    return check(parse(text), sign)
