"""A site's annual data: the field names that green-factory formulas may use, and the formula.

The applicant enters these per site and year; criteria files refer to them by name, so a name here
is part of the file format (never rename one). Chinese statistical terms are given because the
applicant copies the numbers from the forms that use them.

A formula is a ratio of sums: (sum of numerator fields) / (sum of denominator fields) x scale.
That one shape covers every indicator of GB/T 36132 read so far (intensities, rates, plot ratio)
and keeps criteria files free of code.
"""
from __future__ import annotations

from ..errors import InputError, Location
from ..lca import numbers

# name -> (unit, meaning)
FIELDS: dict[str, tuple[str, str]] = {
    "output_value_10k_cny": ("10k CNY", "gross industrial output value (工业总产值, 万元)"),
    "energy_tce": ("tce", "comprehensive energy consumption (综合能源消费量, GB/T 2589)"),
    "renewable_energy_tce": ("tce", "renewable energy used on or bought for the site"),
    "carbon_t_co2e": ("t CO2e", "greenhouse-gas emissions, scope 1 and 2 (GB/T 32150)"),
    "water_withdrawal_m3": ("m3", "water withdrawal (取水量)"),
    "water_reused_m3": ("m3", "water reused or recycled on site (重复利用水量)"),
    "solid_waste_generated_t": ("t", "industrial solid waste generated (产生量)"),
    "solid_waste_used_t": ("t", "industrial solid waste used (综合利用量)"),
    "cod_kg": ("kg", "chemical oxygen demand discharged (化学需氧量)"),
    "ammonia_nitrogen_kg": ("kg", "ammonia nitrogen discharged (氨氮)"),
    "so2_kg": ("kg", "sulphur dioxide emitted (二氧化硫)"),
    "nox_kg": ("kg", "nitrogen oxides emitted (氮氧化物)"),
    "particulates_kg": ("kg", "particulate matter emitted (颗粒物)"),
    "vocs_kg": ("kg", "volatile organic compounds emitted (挥发性有机物)"),
    "land_area_m2": ("m2", "land area of the site (用地面积)"),
    "building_footprint_m2": ("m2", "land under buildings, structures and yards (建筑系数)"),
    "total_floor_area_m2": ("m2", "total floor area of all buildings (总建筑面积)"),
    "product_categories": ("count", "product categories the site makes"),
    "product_categories_with_cfp": ("count", "of those, categories with a GB/T 24067 footprint"),
}


class AnnualDataError(InputError):
    default_code = "invalid_annual_data"


def check(site_data: dict) -> dict[str, float]:
    """The site data as checked numbers; an unknown name or a bad number names the field."""
    if not isinstance(site_data, dict):
        raise AnnualDataError("must be a mapping of field name to number", code="not_a_mapping",
                              location=Location(path="site_data"))
    checked = {}
    for name, value in site_data.items():
        where = Location(field=str(name), path=f"site_data.{name}")
        if name not in FIELDS:
            raise AnnualDataError(f"unknown field (known: {', '.join(FIELDS)})",
                                  code="unknown_annual_field", location=where, name=str(name))
        try:
            checked[name] = numbers.check(value, "non_negative")
        except numbers.NumberProblem as problem:
            raise AnnualDataError(str(problem), code=problem.code, location=where,
                                  **problem.params) from None
    return checked


def compute(numerator: list[str], denominator: list[str], scale: float,
            site_data: dict[str, float]) -> tuple[float | None, str, dict]:
    """(value, code, params): the value, or None with why: "missing_annual_data" or
    "zero_denominator"."""
    missing = [name for name in dict.fromkeys((*numerator, *denominator))
               if name not in site_data]
    if missing:
        return None, "missing_annual_data", {"fields": ", ".join(missing)}
    below = sum(site_data[name] for name in denominator)
    if below == 0:
        return None, "zero_denominator", {"fields": " + ".join(denominator)}
    return sum(site_data[name] for name in numerator) / below * scale, "computed", {}
