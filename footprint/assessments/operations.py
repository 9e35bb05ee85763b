"""Running, storing and comparing assessments. An Assessment row is never changed once stored."""
from __future__ import annotations

import math
from pathlib import Path

from sqlmodel import Session, select

from ..audit.operations import record
from ..canonical import sha256_hex
from ..errors import IntegrityBroken
from ..lca import assess, parse_spec
from ..products.models import Product
from ..products.operations import build_spec
from . import summary
from .models import Assessment


def assessments_of(session: Session, product_id: int) -> list[Assessment]:
    """Newest first."""
    return list(session.exec(select(Assessment).where(Assessment.product_id == product_id)
                             .order_by(Assessment.created_dt.desc(), Assessment.id.desc())))


def content_hash(spec: dict, result: dict) -> str:
    return sha256_hex({"spec": spec, "result": result})


def is_intact(assessment: Assessment) -> bool:
    """Its content matches its hash, and the totals stored beside it (shown in lists) match
    the content."""
    result = assessment.result
    try:
        return (content_hash(assessment.spec, result) == assessment.content_hash
                and assessment.carbon_total == result["carbon"]["total"]
                and assessment.water_consumption_m3 == result["water"]["consumption_m3"])
    except (KeyError, TypeError):
        return False


def checked(assessment: Assessment) -> Assessment:
    """The assessment, after checking that it is intact."""
    if not is_intact(assessment):
        raise IntegrityBroken(f"assessment {assessment.id}: stored content does not match its "
                              "content hash", assessment_id=assessment.id)
    return assessment


def run_assessment(session: Session, actor, *, product: Product, bw_dir: Path) -> Assessment:
    """Assess the product as it is now and store the snapshot. Raises SpecError, storing nothing."""
    spec = build_spec(session, product)
    result = assess(parse_spec(spec), bw_dir).to_dict()
    assessment = Assessment(
        organisation_id=product.organisation_id, product_id=product.id,
        product_version=product.version, user_id=actor.id,
        spec=spec, result=result, dataset_version=result["dataset_version"],
        carbon_total=result["carbon"]["total"],
        water_consumption_m3=result["water"]["consumption_m3"],
        content_hash=content_hash(spec, result))
    session.add(assessment)
    session.flush()
    record(session, actor=actor, action="assessment.create", obj=assessment,
           after={"product_id": product.id, "content_hash": assessment.content_hash,
                  "dataset_version": assessment.dataset_version,
                  "carbon_total": assessment.carbon_total})
    return assessment


def is_current(session: Session, product: Product, assessment: Assessment | None) -> bool:
    """Whether the assessment was made from the product's data as it is now."""
    return assessment is not None and assessment.spec == build_spec(session, product)


TOTAL_KEYS = (("carbon", "total"), ("carbon", "emissions_excluding_credits"),
              ("carbon", "credits"), ("carbon", "fossil"), ("carbon", "biogenic"),
              ("carbon", "land_use"), ("water", "consumption_m3"),
              ("water", "scarcity_m3_world_eq"))
# summary.totals names of TOTAL_KEYS (results stored before issue 9 lack some keys).
SUMMARY_KEYS = {"water.consumption_m3": "water_consumption_m3",
                "water.scarcity_m3_world_eq": "water_scarcity_m3_world_eq"}


def _change(before: float | None, after: float | None) -> dict:
    delta = 0.0 if close(before, after) else (after or 0.0) - (before or 0.0)
    relative = delta / before if before else None
    return {"before": before, "after": after, "delta": delta, "relative": relative}


# Results pass through floating-point sums whose order may differ between runs and versions:
# values this close are the same number.
REL_TOL, ABS_TOL = 1e-9, 1e-12


def close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=ABS_TOL)


def _same_line(a: dict, b: dict) -> bool:
    return ((a["reference"], a["unit"]) == (b["reference"], b["unit"])
            and close(a["amount"], b["amount"]) and close(a["carbon"], b["carbon"]))


def _keyed(lines: list[dict]) -> dict[tuple, dict]:
    """Lines by (stage, name, n-th line of that name), so that repeated names stay apart."""
    seen: dict[tuple, int] = {}
    keyed = {}
    for line in lines:
        base = (line["stage"], line["name"])
        seen[base] = seen.get(base, 0) + 1
        keyed[(*base, seen[base])] = line
    return keyed


def compare(before: Assessment, after: Assessment) -> dict:
    """What changed from `before` to `after`: totals, stages and lines (matched by stage+name)."""
    figures = summary.totals(before.result), summary.totals(after.result)
    totals = {}
    for group, key in TOTAL_KEYS:
        name = SUMMARY_KEYS.get(f"{group}.{key}", key)
        totals[f"{group}.{key}"] = _change(figures[0][name], figures[1][name])
    # Land use without data is "not assessed" on either side, not 0.
    totals["carbon.land_use"]["assessed"] = (figures[0]["land_use_assessed"],
                                             figures[1]["land_use_assessed"])
    for key in ("water.consumption_m3", "water.scarcity_m3_world_eq"):
        totals[key]["coverage"] = (figures[0]["water_coverage"], figures[1]["water_coverage"])
    stages = list(dict.fromkeys([*before.result["carbon"]["by_stage"],
                                 *after.result["carbon"]["by_stage"]]))
    by_stage = {s: _change(before.result["carbon"]["by_stage"].get(s),
                           after.result["carbon"]["by_stage"].get(s)) for s in stages}
    old, new = _keyed(before.result["lines"]), _keyed(after.result["lines"])
    lines = []
    for key in list(dict.fromkeys([*old, *new])):
        a, b = old.get(key), new.get(key)
        status = ("added" if a is None else "removed" if b is None else
                  "same" if _same_line(a, b) else "changed")
        lines.append({"stage": key[0], "name": key[1], "status": status, "old": a, "new": b,
                      **_change(a["carbon"] if a else None, b["carbon"] if b else None)})
    lines.sort(key=lambda l: -abs(l["delta"]))
    return {"totals": totals, "by_stage": by_stage, "lines": lines,
            "dataset_changed": before.dataset_version != after.dataset_version}


def what_if_choices(assessment: Assessment, factors: dict) -> dict[str, list]:
    """For each factor code the assessment's lines use, the dataset factors of the same unit it
    may be swapped for (credits only for credits, so the swapped spec stays valid)."""
    custom = {f["code"]: f for f in assessment.spec.get("factors", [])}
    used = list(dict.fromkeys(l["factor"] for l in assessment.spec.get("lines", [])
                              if l.get("factor")))
    choices = {}
    for code in used:
        unit = custom[code]["unit"] if code in custom else getattr(factors.get(code), "unit", None)
        credit = code in factors and factors[code].is_credit
        choices[code] = [f for f in factors.values() if f.unit == unit and f.code != code
                         and f.is_credit == credit]
    return choices


class NotSwappable(ValueError):
    """A what-if names a factor the assessment does not use, or a replacement of another
    unit."""


def swapped_spec(spec: dict, replace: str, by: str, factors: dict) -> dict:
    """The spec with every line on factor `replace` using dataset factor `by` instead."""
    custom = {f["code"]: f for f in spec.get("factors", [])}
    unit = custom[replace]["unit"] if replace in custom else getattr(factors.get(replace),
                                                                     "unit", None)
    if by not in factors or unit is None or factors[by].unit != unit or not any(
            l.get("factor") == replace for l in spec.get("lines", [])):
        raise NotSwappable(f"cannot swap '{replace}' for '{by}'")
    return {**spec, "lines": [{**l, "factor": by} if l.get("factor") == replace else l
                              for l in spec["lines"]]}


def what_if(assessment: Assessment, *, replace: str, by: str, factors: dict,
            bw_dir: Path) -> dict:
    """The assessment's total and lines again with one factor swapped for another: before,
    after and the change, computed by the engine and stored nowhere. Raises NotSwappable or
    SpecError."""
    spec = swapped_spec(assessment.spec, replace, by, factors)
    after = assess(parse_spec(spec), bw_dir).to_dict()
    before = assessment.result
    changed = [{"index": index, "name": old["name"], "stage": old["stage"],
                **_change(old["carbon"], new["carbon"])}
               for index, (old, new, line) in enumerate(zip(before["lines"], after["lines"],
                                                            assessment.spec["lines"]))
               if line.get("factor") == replace]
    return {"replace": replace, "by": by,
            "total": _change(before["carbon"]["total"], after["carbon"]["total"]),
            "by_stage": {s: _change(before["carbon"]["by_stage"].get(s), v)
                         for s, v in after["carbon"]["by_stage"].items()},
            "lines": changed}
