"""What-if: the same product with one factor swapped for another, and the change it makes.

For instance the national life-cycle electricity factor against a regional one: every line on
`from` is assessed on `to` instead, amounts unchanged. The two factors must be in units the lines
can be converted between (a factor per kg may replace one per t, never one per kWh).
"""
from __future__ import annotations

from pathlib import Path

from ..errors import InputError, Location
from .spec import ProductSpec
from .units import UnitError, conversion_factor


class SwapError(InputError):
    """A swap that cannot be made; the message names the codes at fault."""

    default_code = "invalid_swap"


def _units(spec: ProductSpec, catalogue) -> dict[str, str]:
    return {**catalogue.factor_units, **{f.code: f.unit for f in spec.factors}}


def swapped_spec(spec: ProductSpec, swap: dict[str, str], catalogue) -> ProductSpec:
    """`spec` with every line on a `from` code moved to its `to` code."""
    if not swap:
        raise SwapError("give a swap FROM=TO", code="empty_swap", location=Location(field="swap"))
    units = _units(spec, catalogue)
    used = {line.factor for line in spec.lines if line.factor}
    for old, new in swap.items():
        where = Location(field="swap", path=f"swap {old}={new}")
        if old not in used:
            raise SwapError(f"no line uses factor '{old}'", code="swap_from_unused",
                            location=where, reference=old)
        if new not in units:
            raise SwapError(f"unknown factor '{new}'", code="swap_to_unknown", location=where,
                            reference=new)
        try:
            conversion_factor(units[old], units[new])
        except UnitError:
            raise SwapError(f"factor '{old}' is per {units[old]} and factor '{new}' per "
                            f"{units[new]}: the units do not match", code="swap_unit_mismatch",
                            location=where, reference=old, to=new, from_unit=units[old],
                            to_unit=units[new]) from None
    lines = [line.model_copy(update={"factor": swap[line.factor]})
             if line.factor in swap else line for line in spec.lines]
    return spec.model_copy(update={"lines": lines})


def _change(before: float, after: float) -> dict:
    return {"before": before, "after": after, "delta": after - before,
            "relative": (after - before) / before if before else None}


def compare(assessor, spec: ProductSpec, swap: dict[str, str]) -> dict:
    """Assess `spec` as it is and with `swap`; the totals, stages and changed lines."""
    before = assessor.assess(spec, iterations=0)
    after = assessor.assess(swapped_spec(spec, swap, assessor.catalogue), iterations=0)
    by_stage_before, by_stage_after = before.carbon_by_stage(), after.carbon_by_stage()
    return {
        "swap": [{"from": old, "to": new} for old, new in swap.items()],
        "total": _change(before.carbon(), after.carbon()),
        "by_stage": {stage: _change(by_stage_before[stage], by_stage_after[stage])
                     for stage in before.stages},
        "lines": [{"line": old.index, "name": old.name, "from": old.reference,
                   "to": new.reference, **_change(old.carbon["total"], new.carbon["total"])}
                  for old, new in zip(before.lines, after.lines)
                  if old.reference != new.reference],
    }


def what_if(spec: ProductSpec, swap: dict[str, str], bw_dir: Path) -> dict:
    from . import get_assessor

    return compare(get_assessor(bw_dir), spec, swap)
