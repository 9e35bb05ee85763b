"""What ISO 14067 reporting needs to know of each line besides its Brightway scores.

Read from the factor row (or the supplier's factor) the line uses; no numbers are computed here
except a line's biogenic carbon content (kg C per unit of the factor x the line's amount in that
unit). Results are summed in results.py.

- credit: a background row whose net value is negative (recycling or energy-recovery credit);
  check_line allows those at end of life only, so every credit line is an end-of-life line.
- primary: supplier factor, direct emission and water lines (the factory's or supplier's own
  data); lines on background rows are secondary.
- has_water_data: the row states water (even 0), the supplier factor gives water, or it is a water
  line. A direct gas emission line is an elementary flow with no upstream: its water is known to be
  none, so it counts as covered.
- has_land_use_data: the row fills co2e_land_use (even with 0), the supplier factor states it
  (`land_use_assessed` or a non-zero value), or it is an emission line of CO2-land-use.
- biogenic carbon content: lines on the packaging stage count for "packaging"; lines of the other
  stages count for "product" when they are material lines (a material row or a supplier factor).
"""
from __future__ import annotations

from .circular import CREDIT_TERMS
from .dataset import Factor
from .results import LineReporting
from .spec import CustomFactor, ProductSpec, ResolvedLine


def line_reporting(line: ResolvedLine, spec: ProductSpec,
                   factors: dict[str, Factor]) -> LineReporting:
    if line.kind == "factor":
        return _row_line(line, factors[line.reference])
    if line.kind == "custom_factor":
        custom = next(f for f in spec.factors if f.code == line.reference)
        return _supplier_line(line, custom)
    if line.kind == "emission":
        return LineReporting(has_water_data=True, primary=True,
                             has_land_use_data=line.reference == "CO2-land-use")
    return LineReporting(has_water_data=True, primary=True)  # a water line


def _content_part(line: ResolvedLine, material: bool) -> str | None:
    if line.stage == "packaging":
        return "packaging"
    return "product" if material else None


def _row_line(line: ResolvedLine, factor: Factor) -> LineReporting:
    carbon = factor.biogenic_carbon_kg
    credit = factor.is_credit or (line.cff is not None and line.cff["term"] in CREDIT_TERMS)
    return LineReporting(
        credit=credit, has_water_data=factor.has_water_data,
        has_land_use_data=factor.land_use_assessed, primary=False,
        biogenic_carbon_kg=None if carbon is None else carbon * line.flow_amount,
        content_part=_content_part(line, factor.category == "material"),
    )


def _supplier_line(line: ResolvedLine, factor: CustomFactor) -> LineReporting:
    carbon = factor.biogenic_carbon_kg
    return LineReporting(
        credit=False, has_water_data=bool(factor.water_m3),
        has_land_use_data=factor.land_use_assessed or factor.co2e_land_use != 0,
        primary=True,
        biogenic_carbon_kg=None if carbon is None else carbon * line.flow_amount,
        content_part=_content_part(line, True),
    )
