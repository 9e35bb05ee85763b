"""What every surface shows of a stored result: the results page, the exports, the comparison,
the study report and the certificate read their figures here.

A stored result is never recomputed, and results stored before issue 9 lack its keys
(`carbon.land_use_assessed`, `water.coverage`, `data_quality`, `uncertainty` ...): each figure
is read if present and otherwise derived from the keys every result has, or given as None
("not stated"), never invented.
"""
from __future__ import annotations

PERCENTILES = ("p2_5", "p5", "p50", "p95", "p97_5")
DATA_QUALITY_ASPECTS = ("technological", "temporal", "geographical")


def land_use_assessed(result: dict) -> bool:
    """Whether any line carries land-use data. Results before issue 9 do not say: there, a
    line with a non-zero land-use value had data, and all zero is what "not assessed" looked
    like (the study report said so in its limitations)."""
    carbon = result.get("carbon", {})
    if "land_use_assessed" in carbon:
        return bool(carbon["land_use_assessed"])
    return any((l.get("carbon_detail") or {}).get("land_use") for l in result.get("lines", []))


def credits(result: dict) -> float:
    """The credits (<= 0) within the total. Older results stored the sum of negative lines."""
    carbon = result.get("carbon", {})
    if "credits" in carbon:
        return carbon["credits"]
    return sum((min(l["carbon"], 0.0) for l in result.get("lines", [])), 0.0)


def totals(result: dict) -> dict:
    """The headline figures, credits apart from the emissions."""
    carbon, water = result.get("carbon", {}), result.get("water", {})
    credit = credits(result)
    total = carbon.get("total")
    return {
        "total": total,
        "emissions_excluding_credits": carbon.get(
            "emissions_excluding_credits", None if total is None else total - credit),
        "credits": credit,
        "fossil": carbon.get("fossil"),
        "biogenic": carbon.get("biogenic"),
        "biogenic_emissions": carbon.get("biogenic_emissions"),
        "biogenic_removals": carbon.get("biogenic_removals"),
        "biogenic_carbon_content": {"product": None, "packaging": None,
                                    **(carbon.get("biogenic_carbon_content") or {})},
        "land_use_assessed": land_use_assessed(result),
        "land_use": carbon.get("land_use"),
        "water_consumption_m3": water.get("consumption_m3"),
        "water_scarcity_m3_world_eq": water.get("scarcity_m3_world_eq"),
        "water_region": water.get("region"),
        "water_coverage": water.get("coverage"),
        "data_quality": result.get("data_quality"),
        "uncertainty": result.get("uncertainty"),
    }


def line_quality(line: dict) -> dict | None:
    """A line's data quality (ratings and flags), or None for a result without it."""
    return line.get("data_quality")


def rating_text(quality: dict | None) -> str:
    """"1/2/3": technological / temporal / geographical."""
    if not quality:
        return ""
    return "/".join(_rating(quality.get(aspect)) for aspect in DATA_QUALITY_ASPECTS)


def _rating(value) -> str:
    if value is None:
        return "–"
    return f"{value:g}" if isinstance(value, (int, float)) else str(value)


def flags_by_line(result: dict) -> dict[int, list[str]]:
    """Flag codes by line index, from the lines or from `data_quality.flags`."""
    flags: dict[int, list[str]] = {}
    for position, line in enumerate(result.get("lines", [])):
        codes = (line.get("data_quality") or {}).get("flags") or []
        if codes:
            flags[line.get("index", position)] = list(codes)
    for flag in (result.get("data_quality") or {}).get("flags") or []:
        codes = flags.setdefault(flag.get("line"), [])
        if flag.get("code") not in codes:
            codes.append(flag.get("code"))
    return flags


def interval_rows(result: dict, stage_label=lambda stage: stage) -> list[dict]:
    """The uncertainty ranges of the total and of each stage (with the stored central value),
    for the interval chart and the tables; [] for a result without uncertainty."""
    uncertainty = result.get("uncertainty")
    if not uncertainty or not uncertainty.get("total"):
        return []
    rows = [{"key": "total", "label": None, "value": result["carbon"]["total"],
             **{p: uncertainty["total"].get(p) for p in (*PERCENTILES, "iterations")}}]
    for stage, band in (uncertainty.get("by_stage") or {}).items():
        rows.append({"key": stage, "label": stage_label(stage),
                     "value": result["carbon"].get("by_stage", {}).get(stage),
                     **{p: band.get(p) for p in (*PERCENTILES, "iterations")}})
    return rows
