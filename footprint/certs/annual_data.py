"""A site's annual data: the field names that green-factory formulas may use, and the formula.

The applicant enters these per site and year; criteria files refer to them by name, so a name here
is part of the file format (never rename one). Chinese statistical terms are given because the
applicant copies the numbers from the forms that use them.

A formula is a ratio of sums: (sum of numerator fields) / (sum of denominator fields) x scale.
That one shape covers every indicator of GB/T 36132 read so far (intensities, rates, plot ratio)
and keeps criteria files free of code.
"""
from __future__ import annotations

from typing import NamedTuple

from ..errors import InputError, Location
from ..lca import numbers


def N_(message: str) -> str:
    """Marks an English text for the translation catalogue (babel extracts N_) without making
    this module depend on Flask; the web layer translates it where it shows it."""
    return message


class AnnualField(NamedTuple):
    unit: str
    meaning: str  # English, marked with N_
    term: str  # the Chinese statistical term of the forms the applicant copies from; "" if none


FIELDS: dict[str, AnnualField] = {
    "output_value_10k_cny": AnnualField("10k CNY", N_("gross industrial output value"),
                                        "工业总产值"),
    "energy_tce": AnnualField("tce", N_("comprehensive energy consumption (GB/T 2589)"),
                              "综合能源消费量"),
    "renewable_energy_tce": AnnualField("tce", N_("renewable energy used on or bought for the "
                                                  "site"), ""),
    "carbon_t_co2e": AnnualField("t CO2e", N_("greenhouse-gas emissions, scope 1 and 2 "
                                              "(GB/T 32150)"), ""),
    "water_withdrawal_m3": AnnualField("m3", N_("water withdrawal"), "取水量"),
    "water_reused_m3": AnnualField("m3", N_("water reused or recycled on site"),
                                   "重复利用水量"),
    "solid_waste_generated_t": AnnualField("t", N_("industrial solid waste generated"),
                                           "工业固体废物产生量"),
    "solid_waste_used_t": AnnualField("t", N_("industrial solid waste used"),
                                      "工业固体废物综合利用量"),
    "cod_kg": AnnualField("kg", N_("chemical oxygen demand discharged"), "化学需氧量"),
    "ammonia_nitrogen_kg": AnnualField("kg", N_("ammonia nitrogen discharged"), "氨氮"),
    "so2_kg": AnnualField("kg", N_("sulphur dioxide emitted"), "二氧化硫"),
    "nox_kg": AnnualField("kg", N_("nitrogen oxides emitted"), "氮氧化物"),
    "particulates_kg": AnnualField("kg", N_("particulate matter emitted"), "颗粒物"),
    "vocs_kg": AnnualField("kg", N_("volatile organic compounds emitted"), "挥发性有机物"),
    "land_area_m2": AnnualField("m2", N_("land area of the site"), "用地面积"),
    # the numerator of the building coverage ratio (建筑系数)
    "building_footprint_m2": AnnualField("m2", N_("land under buildings, structures and yards"),
                                         "建筑物、构筑物及堆场占地面积"),
    "total_floor_area_m2": AnnualField("m2", N_("total floor area of all buildings"),
                                       "总建筑面积"),
    "product_categories": AnnualField("count", N_("product categories the site makes"), ""),
    "product_categories_with_cfp": AnnualField("count", N_("of those, categories with a "
                                                           "GB/T 24067 footprint"), ""),
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
