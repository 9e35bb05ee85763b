"""The certified facts: the payload that is signed, rendered on the PDF and the verify page,
and offered as a Verifiable Credential. Its shape is the contract of all of them: keep the keys.

Everything is read from what was stored when the application was judged (its score sheet, the
stored assessment's result), never recomputed.
"""
from __future__ import annotations

from datetime import date, timedelta

FORMAT = 1
FOOTPRINT_UNIT = "kg CO2e per functional unit"


def _anniversary(day: date, years: int) -> date:
    """The same day `years` later; 29 February's is 1 March in a year without one."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


def valid_until(issued: date, years: int) -> date:
    """The last day of validity: the day before the anniversary (2 years from 2026-03-10: valid
    up to and including 2028-03-09)."""
    return _anniversary(issued, years) - timedelta(days=1)


def surveillance_due(issued: date) -> date:
    """Twelve months after issue: the yearly surveillance of the certified product or site."""
    return _anniversary(issued, 1)


def _number(value) -> float | None:
    return None if value is None else float(value)


def _result(application) -> dict:
    sheet = application.score_sheet or {}
    return {"passed": bool(sheet.get("passed", False)), "total": _number(sheet.get("total")),
            "out_of": _number(sheet.get("out_of"))}


# Percentiles of the uncertainty range a certificate states (p50 and iterations stay in the
# assessment).
RANGE_KEYS = ("p2_5", "p5", "p95", "p97_5")


def _reporting(result: dict) -> dict:
    """The ISO 14067 reporting figures of a result computed with them (issue 9), added to the
    footprint facts: credits apart, whether land use was assessed, water coverage and the
    uncertainty range. A result without them adds nothing, so the facts of such an assessment
    (and every certificate issued before) keep exactly their keys."""
    carbon, water = result.get("carbon", {}), result.get("water", {})
    facts = {}
    if "emissions_excluding_credits" in carbon:
        facts["emissions_excluding_credits"] = _number(carbon["emissions_excluding_credits"])
        facts["credits"] = _number(carbon.get("credits"))
    if "land_use_assessed" in carbon:
        facts["land_use_assessed"] = bool(carbon["land_use_assessed"])
    if "coverage" in water:
        facts["water_coverage"] = _number(water["coverage"])
    total = (result.get("uncertainty") or {}).get("total")
    if total:
        facts["uncertainty"] = {key: _number(total.get(key)) for key in RANGE_KEYS}
    return facts


def _footprint(assessment) -> dict | None:
    if assessment is None:
        return None
    carbon = assessment.result.get("carbon", {})
    water = assessment.result.get("water", {})
    return {"unit": FOOTPRINT_UNIT,
            **{key: _number(carbon.get(key)) for key in ("total", "fossil", "biogenic",
                                                          "land_use")},
            "water_consumption_m3": _number(water.get("consumption_m3")),
            "water_scarcity_m3_world_eq": _number(water.get("scarcity_m3_world_eq")),
            "water_region": water.get("region"),
            **_reporting(assessment.result)}


def build(application, assessment, product, site, organisation, evaluator, decider,
          issuer: dict, criteria, today: date, *, public_id: str, last_day: date,
          disclaimer: str) -> dict:
    """The payload of the certificate `public_id` issued `today` for the approved application,
    valid up to and including `last_day` (`valid_until`; a correction keeps the last day of the
    certificate it replaces). `assessment` and `product` are None for a site scheme (green
    factory); `issuer` holds name, accreditation and contact."""
    return {
        "type": "footprint-certificate",
        "format": FORMAT,
        "id": public_id,
        "scheme": application.scheme,
        "criteria": application.criteria_key,
        "standard": criteria.standard,
        "result": _result(application),
        "issued": today.isoformat(),
        "valid_from": today.isoformat(),
        "valid_until": last_day.isoformat(),
        "holder": {"name": organisation.name, "credit_code": organisation.credit_code,
                   "address": organisation.address},
        "site": None if site is None else {"name": site.name, "address": site.address,
                                           "grid_region": site.grid_region},
        "product": None if product is None else {
            "name": product.name, "model": product.model,
            "functional_unit": product.functional_unit,
            "reference_flow": product.reference_flow, "boundary": product.boundary},
        "footprint": _footprint(assessment),
        "methods": dict(assessment.result.get("methods", {})) if assessment else {},
        "dataset_version": assessment.dataset_version if assessment else None,
        "assessment_hash": assessment.content_hash if assessment else None,
        "issuer": {"name": issuer["name"], "accreditation": issuer["accreditation"],
                   "contact": issuer["contact"]},
        "evaluated_by": evaluator.name if evaluator else None,
        "decided_by": decider.name if decider else None,
        "application": application.id,
        "disclaimer": disclaimer,
    }
