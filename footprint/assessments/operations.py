"""Running, storing and comparing assessments. An Assessment row is never changed once stored."""
from __future__ import annotations

import math
from pathlib import Path
from typing import Callable, Iterable

from sqlalchemy import func
from sqlalchemy.orm import aliased, load_only
from sqlmodel import Session, select

from ..audit.operations import record
from ..canonical import sha256_hex
from ..access import Action, can
from ..errors import IntegrityBroken, NotAllowed
from ..lca import SpecError, assess, get_assessor, parse_spec
from ..lca.whatif import what_if as what_if_of_spec
from ..products.models import Product
from ..products.operations import build_spec, products_of
from . import summary
from .models import Assessment, summary_hash


# What a list of assessments shows, and all it reads: never `spec` or `result`, which hold every
# line (tens of kB a row) and would be parsed for each row listed.
LISTED_COLUMNS = (Assessment.id, Assessment.organisation_id, Assessment.product_id,
                  Assessment.product_version, Assessment.user_id, Assessment.created_dt,
                  Assessment.dataset_version, Assessment.carbon_total,
                  Assessment.water_consumption_m3, Assessment.content_hash,
                  Assessment.summary_hash)
NEWEST_FIRST = (Assessment.created_dt.desc(), Assessment.id.desc())
PAGE_SIZE = 50


def _listed():
    return select(Assessment).options(load_only(*LISTED_COLUMNS))


def assessments_of(session: Session, product_id: int) -> list[Assessment]:
    """All of a product's assessments, newest first, without their content (see
    LISTED_COLUMNS; reading `spec` or `result` of one of them loads it, one query each)."""
    return list(session.exec(_listed().where(Assessment.product_id == product_id)
                             .order_by(*NEWEST_FIRST)))


def assessments_page(session: Session, product_id: int, page: int,
                     per_page: int = PAGE_SIZE) -> tuple[list[Assessment], int, int]:
    """One page of a product's assessments, newest first, without their content; how many
    there are in all; and the page shown (`page` brought within 1 to the last page)."""
    total = session.exec(select(func.count()).select_from(Assessment)
                         .where(Assessment.product_id == product_id)).one()
    page = min(max(page, 1), max(1, -(-total // per_page)))  # -(-a // b): a / b rounded up
    rows = list(session.exec(_listed().where(Assessment.product_id == product_id)
                             .order_by(*NEWEST_FIRST)
                             .offset((page - 1) * per_page).limit(per_page)))
    return rows, total, page


def latest_of(session: Session, product_ids: list[int]) -> dict[int, Assessment]:
    """The newest assessment of each product (without its content), in one query: for each
    product, the first entry of the index by (product_id, created_dt, id) read backwards, so
    the time does not grow with the number of assessments."""
    if not product_ids:
        return {}
    other = aliased(Assessment)
    newest = (select(other.id).where(other.product_id == Product.id)
              .order_by(other.created_dt.desc(), other.id.desc()).limit(1)
              .correlate(Product).scalar_subquery())
    rows = session.exec(_listed().where(Assessment.id.in_(
        select(newest).where(Product.id.in_(product_ids)))))
    return {a.product_id: a for a in rows}


def previous_of(session: Session, assessment: Assessment) -> Assessment | None:
    """The product's assessment just before this one (without its content)."""
    earlier = ((Assessment.created_dt < assessment.created_dt)
               | ((Assessment.created_dt == assessment.created_dt)
                  & (Assessment.id < assessment.id)))
    return session.exec(_listed().where(Assessment.product_id == assessment.product_id,
                                        earlier).order_by(*NEWEST_FIRST).limit(1)).first()


def spec_of(session: Session, assessment_id: int) -> dict:
    """Only the spec of an assessment, without its result."""
    return session.exec(select(Assessment.spec).where(Assessment.id == assessment_id)).one()


def content_hash(spec: dict, result: dict) -> str:
    return sha256_hex({"spec": spec, "result": result})


def is_listed_intact(assessment: Assessment) -> bool:
    """What a list shows of the assessment (LISTED_COLUMNS) is what was stored with it. The
    content itself is checked when the assessment is opened (is_intact)."""
    return assessment.summary_hash == summary_hash(assessment)


def is_intact(assessment: Assessment) -> bool:
    """Its content matches its hash, and the totals stored beside it (shown in lists) match
    the content and their summary hash."""
    result = assessment.result
    try:
        return (content_hash(assessment.spec, result) == assessment.content_hash
                and assessment.carbon_total == result["carbon"]["total"]
                and assessment.water_consumption_m3 == result["water"]["consumption_m3"]
                and is_listed_intact(assessment))
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
    assessment.summary_hash = summary_hash(assessment)
    session.add(assessment)
    session.flush()
    record(session, actor=actor, action="assessment.create", obj=assessment,
           after={"product_id": product.id, "content_hash": assessment.content_hash,
                  "dataset_version": assessment.dataset_version,
                  "carbon_total": assessment.carbon_total})
    return assessment


def reassess_products(session: Session, actor, *, organisation_id: int, bw_dir: Path,
                      on_progress: Callable[[int, int], None] | None = None,
                      product_ids: Iterable[int] | None = None,
                      skip: frozenset[int] = frozenset(),
                      on_product: ProductDone | None = None) -> dict:
    """Assess every active (not archived) product of the organisation on the background as it
    is now, or the listed `product_ids`, one stored assessment and audit event each, as
    run_assessment.

    A product whose newest assessment was made from its data as it is now and on this dataset
    version is left alone ("unchanged"), so a job that is run again after an interruption
    stores nothing twice; `skip` names products an earlier run already finished. A product
    whose spec has problems, or that was archived or deleted since it was listed, is reported
    and stores nothing; the others go on. After each product, `on_product(product_id, product,
    assessment, error)` (the assessment stored, or the newest one when unchanged; the job
    runner stores its item and commits there) and `on_progress(done, total)` are called.
    The caller commits. Returns {"dataset_version", "total", "assessed": [{"product_id",
    "assessment_id", "carbon_total"}], "unchanged": [product_id], "failed": [{"product_id",
    "name", "problems"}]}."""
    version = get_assessor(bw_dir).dataset_version
    if product_ids is None:
        ids = [product.id for product in products_of(session, organisation_id)]
    else:
        ids = list(product_ids)
    listed = [(id_, session.get(Product, id_)) for id_ in ids if id_ not in skip]
    if not all(can(session, actor, Action.EDIT, product)
               for _, product in listed if product is not None):
        raise NotAllowed("only the organisation's own applicants may reassess its products",
                         code="not_own_products")
    outcome = {"dataset_version": version, "total": len(listed), "assessed": [],
               "unchanged": [], "failed": []}
    for done, (product_id, product) in enumerate(listed, start=1):
        assessment, error = _reassess_one(session, actor, product, organisation_id, version,
                                          bw_dir, outcome)
        if assessment is None and error is None:
            assessment = next(iter(assessments_of(session, product_id)), None)
        if error is not None:
            outcome["failed"].append({"product_id": product_id,
                                      "name": product.name if product else "",
                                      "problems": getattr(error, "problems", [str(error)])})
        if on_product is not None:
            on_product(product_id, product, assessment, error)
        if on_progress is not None:
            on_progress(done, len(listed))
    return outcome


# (product_id, product or None, assessment stored or current, error) after each product
ProductDone = Callable[[int, "Product | None", "Assessment | None", "Exception | None"], None]


def _reassess_one(session, actor, product, organisation_id, version, bw_dir, outcome):
    """(stored assessment, None), (None, None) when unchanged, or (None, error)."""
    if product is None or product.organisation_id != organisation_id:
        return None, LookupError("the product no longer exists")
    if product.archived_dt is not None:
        return None, LookupError("the product was archived")
    newest = next(iter(assessments_of(session, product.id)), None)
    if (newest is not None and newest.dataset_version == version
            and is_current(session, product, newest)):
        outcome["unchanged"].append(product.id)
        return None, None
    try:
        assessment = run_assessment(session, actor, product=product, bw_dir=bw_dir)
    except SpecError as exc:
        return None, exc
    outcome["assessed"].append({"product_id": product.id, "assessment_id": assessment.id,
                                "carbon_total": assessment.carbon_total})
    return assessment, None


def is_current(session: Session, product: Product, assessment: Assessment | None) -> bool:
    """Whether the assessment was made from the product's data as it is now (reads its spec,
    not its result)."""
    return (assessment is not None
            and spec_of(session, assessment.id) == build_spec(session, product))


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


def what_if(assessment: Assessment, *, replace: str, by: str, bw_dir: Path) -> dict:
    """The assessment's spec assessed now as it is and with factor `replace` swapped for `by`
    (footprint.lca.whatif): totals, stages and the changed lines, stored nowhere. Raises
    SwapError or SpecError."""
    change = what_if_of_spec(parse_spec(assessment.spec), {replace: by}, bw_dir)
    stages = {line["index"]: line["stage"] for line in assessment.result["lines"]}
    return {"replace": replace, "by": by, "total": change["total"],
            "by_stage": change["by_stage"],
            "lines": [{**line, "index": line["line"], "stage": stages.get(line["line"])}
                      for line in change["lines"]]}
