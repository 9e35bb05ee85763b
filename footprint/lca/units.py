"""Unit conversion for spec lines, on one pint registry.

Factories write units the way their meters and invoices do ("t·km", "m3", "度" for kWh); the
aliases below map those spellings onto pint expressions before parsing.
"""
from __future__ import annotations

import math
from functools import lru_cache

import pint

from ..errors import InputError, Location

_registry = pint.UnitRegistry()
_registry.define("piece = [count] = pcs = pc = unit_piece")
_registry.define("wan_kWh = 10000 * kWh")  # 万千瓦时, as on Chinese energy statistics

_ALIASES = {
    "m3": "m**3",
    "m³": "m**3",
    # area, for goods bought by the square metre (printed circuit boards, film, sheet)
    "m2": "m**2", "M2": "m**2", "m²": "m**2", "sqm": "m**2", "平方米": "m**2", "平米": "m**2",
    "l": "liter",
    "L": "liter",
    "t·km": "t*km",
    "t.km": "t*km",
    "tkm": "t*km",
    "kg·km": "kg*km",
    "kgkm": "kg*km",
    "pieces": "piece",
    # pint reads "ton" as the US short ton and "mt" as a millitonne; in Chinese factories both
    # mean the metric tonne.
    "ton": "t", "tons": "t", "tonne": "t", "tonnes": "t", "mt": "t", "MT": "t", "吨": "t",
    "千克": "kg", "公斤": "kg", "克": "g",
    "千瓦时": "kWh", "兆瓦时": "MWh",
    "Nm3": "m**3", "Nm³": "m**3", "立方米": "m**3", "方": "m**3", "升": "liter", "毫升": "mL",
    "万千瓦时": "wan_kWh", "吨公里": "t*km", "吨·公里": "t*km",
    "台": "piece", "套": "piece", "只": "piece", "片": "piece", "块": "piece", "PCS": "piece",
    "Pcs": "piece",
    # upper- and mixed-case spellings seen on invoices (pint itself is case-sensitive)
    "KG": "kg", "Kg": "kg", "KWH": "kWh", "kwh": "kWh", "Kwh": "kWh", "KWh": "kWh",
    "MWH": "MWh", "mwh": "MWh", "M3": "m**3", "TKM": "t*km",
    "度": "kWh",
    "件": "piece",
    "个": "piece",
}


class UnitError(InputError):
    """A unit that is unknown (code "unknown_unit") or not convertible ("unit_mismatch")."""

    def __init__(self, code: str, message: str):
        super().__init__(message, code=code, location=Location(field="unit"))


def _expression(unit: str) -> str:
    text = unit.strip()
    return _ALIASES.get(text, text)


@lru_cache(maxsize=512)
def _parse(unit: str) -> pint.Unit:
    try:
        return _registry.parse_units(_expression(unit))
    except (pint.errors.UndefinedUnitError, pint.errors.DefinitionSyntaxError, AttributeError,
            TypeError, ValueError, AssertionError) as exc:
        raise UnitError("unknown_unit", f"unknown unit '{unit}'") from exc


@lru_cache(maxsize=1024)
def conversion_factor(from_unit: str, to_unit: str) -> float:
    """How many `to_unit` one `from_unit` is (e.g. ("g", "kg") -> 0.001).

    Cached per unit pair: a spec has thousands of lines in a handful of units, and a pint
    conversion costs tens of microseconds. An error is raised again each time (not cached)."""
    source, target = _parse(from_unit), _parse(to_unit)
    try:
        factor = _registry.Quantity(1.0, source).to(target).magnitude
    except pint.errors.DimensionalityError as exc:
        raise UnitError("unit_mismatch",
                        f"unit '{from_unit}' cannot be converted to '{to_unit}'") from exc
    if not math.isfinite(factor):
        raise UnitError("unit_mismatch", f"unit '{from_unit}' cannot be converted to '{to_unit}'")
    return float(factor)


def is_known(unit: str) -> bool:
    try:
        _parse(unit)
    except UnitError:
        return False
    return True
