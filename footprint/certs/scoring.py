"""Scoring: a pure function of (criteria, answers, annual site data, assessment) -> ScoreSheet.

No I/O and no clock, so that a stored sheet can be recomputed from what the application froze and
compared. The rules per kind of item:

- checklist (product carbon footprint verification): yes meets, no does not, na only where the
  item allows it; a required item not met fails the verification. No points.
- baseline (green-design) and veto (green factory): must be met; otherwise the scheme fails,
  whatever else scores. No points.
- required / optional (green factory 2018): yes earns the item's points; a required item not met
  fails. An allowed "na" leaves the item out of its category's available points, so a site is not
  marked down for what it does not have.
- indicator: the value comes from the annual data (a formula), from the assessment (an
  assessment key; the answer's value where the assessment lacks the key) or from the answer.
  Without a total (green-design) it must meet its benchmark or the scheme fails. With points
  (green factory 2025) it earns points linearly from 0 at the benchmark to full at the leading
  value, clamped at both ends; the direction is carried by the sign of (leading - benchmark).

Totals: weighted_share sums weight x (earned / available) per category; sum_of_points sums the
points. A pass score, where the file gives one, is checked after the gates.
"""
from __future__ import annotations

from ..errors import InputError, Location
from ..lca import numbers
from . import annual_data
from .criteria import GATE_KINDS, Criteria, Item
from .sheet import CategoryScore, ItemScore, Reason, ScoreSheet, Unconfirmed

ANSWERS = ("yes", "no", "na")


class AnswerError(InputError):
    """An answer that scoring cannot read; the location names the item and field."""

    default_code = "invalid_answer"


def score(criteria: Criteria, answers: dict, site_data: dict | None = None,
          assessment: dict | None = None) -> ScoreSheet:
    given = read_answers(criteria, answers or {})
    site = annual_data.check(site_data) if site_data is not None else {}
    items = tuple(_score_item(item, criteria, given.get(item.id, {}), site, assessment)
                  for item in criteria.items)
    categories = _categories(criteria, items)
    method = criteria.total.method
    total = (None if method == "none" else
             round(sum(c.weighted if method == "weighted_share" else c.points or 0.0
                       for c in categories if c.points is not None), 6))
    failures = [_failure(scored) for scored, item in zip(items, criteria.items)
                if _fails(scored, item, criteria.total.method)]
    if criteria.requires_assessment and assessment is None:
        failures.append(Reason("no_assessment"))
    pass_score = criteria.total.pass_score
    if total is not None and pass_score is not None and total < pass_score:
        failures.append(Reason("below_pass_score", {"total": total, "pass_score": pass_score}))
    return ScoreSheet(
        criteria=criteria.key, scheme=criteria.scheme, standard=criteria.standard, items=items,
        categories=categories, total=total, out_of=criteria.total.out_of,
        passed=not failures, failures=tuple(failures), unconfirmed=_unconfirmed(criteria),
        warnings=_warnings(criteria, assessment))


# --- answers -------------------------------------------------------------------------------------

def read_answers(criteria: Criteria, answers: dict) -> dict[str, dict]:
    """A checked copy of the answers: {item id: {answer, value, comment}}."""
    if not isinstance(answers, dict):
        raise AnswerError("must be a mapping of item id to answer", code="not_a_mapping",
                          location=Location(path="answers"))
    known = {item.id for item in criteria.items}
    read = {}
    for item_id, entry in answers.items():
        where = f"answers.{item_id}"
        if item_id not in known:
            raise AnswerError(f"no item '{item_id}' in {criteria.key}", code="unknown_item",
                              location=Location(path=where), item=str(item_id))
        if not isinstance(entry, dict):
            raise AnswerError("must be a mapping with answer, value and comment",
                              code="not_a_mapping", location=Location(path=where))
        answer = entry.get("answer")
        if answer is not None:
            answer = str(answer).strip().lower()
            if answer not in ANSWERS:
                raise AnswerError("must be yes, no or na", code="unknown_answer",
                                  location=Location(field="answer", path=f"{where}.answer"),
                                  item=item_id, answer=numbers.excerpt(entry.get("answer")))
        value = entry.get("value")
        if value is not None and value != "":
            try:
                value = numbers.parse(value)
            except numbers.NumberProblem as problem:
                raise AnswerError(str(problem), code=problem.code, location=Location(
                    field="value", path=f"{where}.value"), item=item_id,
                    **problem.params) from None
        else:
            value = None
        read[item_id] = {"answer": answer, "value": value,
                         "comment": str(entry.get("comment") or "")}
    return read


# --- items ---------------------------------------------------------------------------------------

def _score_item(item: Item, criteria: Criteria, given: dict, site: dict,
                assessment: dict | None) -> ItemScore:
    answer, comment = given.get("answer"), given.get("comment", "")
    base = dict(item=item.id, kind=item.kind, category=item.category, answer=answer,
                comment=comment, unconfirmed=bool(item.unconfirmed_fields()))
    if item.kind == "indicator":
        return _score_indicator(item, criteria, given, site, assessment, base)
    met, reason = _answered(item, answer)
    value, source = given.get("value"), "answer" if given.get("value") is not None else None
    if item.formula is not None:  # shown beside the answer; the answer decides
        computed, _, _ = annual_data.compute(item.formula.numerator, item.formula.denominator,
                                             item.formula.scale, site)
        value, source = (None, None) if computed is None else (round(computed, 9),
                                                               "annual_data")
    if item.kind in ("required", "optional"):
        if met is None:  # allowed "na": out of the available points
            return ItemScore(**base, value=value, value_source=source, met=None, points=None,
                             max_points=None, reason=reason)
        return ItemScore(**base, value=value, value_source=source, met=met,
                         points=item.points if met else 0.0, max_points=item.points,
                         reason=reason)
    return ItemScore(**base, value=value, value_source=source, met=met, points=None,
                     max_points=None, reason=reason)


def _answered(item: Item, answer: str | None) -> tuple[bool | None, Reason]:
    if answer == "yes":
        return True, Reason("met")
    if answer == "no":
        return False, Reason("not_met")
    if answer == "na":
        return (None, Reason("not_applicable")) if item.na_allowed else (
            False, Reason("na_not_allowed"))
    return False, Reason("unanswered")


def _score_indicator(item: Item, criteria: Criteria, given: dict, site: dict,
                     assessment: dict | None, base: dict) -> ItemScore:
    scored = criteria.total.method == "sum_of_points"
    max_points = item.points if scored else None
    if given.get("answer") == "na" and item.na_allowed:
        return ItemScore(**base, value=None, value_source=None, met=None,
                         points=0.0 if scored else None, max_points=max_points,
                         reason=Reason("not_applicable"))
    value, source, missing = _indicator_value(item, given, site, assessment)
    if value is None:
        return ItemScore(**base, value=None, value_source=None, met=False,
                         points=0.0 if scored else None, max_points=max_points,
                         reason=missing)
    value = round(value, 9)  # a ratio of typed numbers: no float noise in the sheet
    better = value <= item.benchmark if item.direction == "at_most" else value >= item.benchmark
    params = {"value": value, "unit": item.unit, "benchmark": item.benchmark,
              "direction": item.direction.replace("_", " ")}
    if not scored:
        return ItemScore(**base, value=value, value_source=source, met=better, points=None,
                         max_points=None, reason=Reason(
                             "benchmark_met" if better else "benchmark_missed", params))
    points, reason = _interpolated(item, value)
    return ItemScore(**base, value=value, value_source=source, met=better, points=points,
                     max_points=max_points, reason=reason)


def _indicator_value(item: Item, given: dict, site: dict,
                     assessment: dict | None) -> tuple[float | None, str | None, Reason]:
    if item.formula is not None:
        # Computed from the annual data only: a typed value must not stand in for the data.
        formula = item.formula
        value, code, params = annual_data.compute(formula.numerator, formula.denominator,
                                                  formula.scale, site)
        return value, "annual_data", Reason(code, params)
    if item.assessment_key is not None:
        found = _lookup(assessment, item.assessment_key)
        if found is not None:
            return found, "assessment", Reason("computed")
    value = given.get("value")
    missing = (Reason("no_value_from_assessment", {"key": item.assessment_key})
               if item.assessment_key else Reason("no_value"))
    return value, "answer" if value is not None else None, missing


def _lookup(assessment: dict | None, key: str) -> float | None:
    """The number at a dotted key of the stored assessment result, or None."""
    node = assessment
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    if isinstance(node, bool) or not isinstance(node, (int, float)):
        return None
    return float(node)


def _interpolated(item: Item, value: float) -> tuple[float, Reason]:
    full, benchmark, leading = item.points, item.benchmark, item.leading
    fraction = (value - benchmark) / (leading - benchmark)
    params = {"value": value, "unit": item.unit, "benchmark": benchmark, "leading": leading,
              "max": full}
    if fraction <= 0:
        return 0.0, Reason("no_better_than_benchmark", params)
    if fraction >= 1:
        return full, Reason("leading_reached", params)
    points = round(full * fraction, 6)
    return points, Reason("interpolated", {**params, "fraction": round(fraction, 6),
                                           "points": points})


# --- categories, failures, unconfirmed values ----------------------------------------------------

def _categories(criteria: Criteria, items: tuple[ItemScore, ...]) -> tuple[CategoryScore, ...]:
    method = criteria.total.method
    result = []
    for category in criteria.categories:
        own = [i for i in items if i.category == category.id and i.max_points is not None]
        if method == "none" or not own and all(
                i.kind in GATE_KINDS for i in items if i.category == category.id):
            result.append(CategoryScore(category.id, None, None, category.weight, None))
            continue
        points = round(sum(i.points or 0.0 for i in own), 6)
        if method == "sum_of_points":
            result.append(CategoryScore(category.id, points, category.weight, category.weight,
                                        None))
            continue
        available = sum(i.max_points for i in own)
        share = points / available if available else 0.0
        result.append(CategoryScore(category.id, points, available, category.weight,
                                    round(category.weight * share, 6)))
    return tuple(result)


_FAILURE_CODES = {"veto": "veto_failed", "baseline": "baseline_failed",
                  "required": "required_failed", "checklist": "required_failed",
                  "indicator": "benchmark_failed"}


def _fails(scored: ItemScore, item: Item, method: str) -> bool:
    if scored.met is not False:
        return False
    if item.kind == "checklist":
        return item.required
    if item.kind == "indicator":
        return method == "none"  # with points, a missed benchmark only scores 0
    return item.kind in ("veto", "baseline", "required")


def _failure(item: ItemScore) -> Reason:
    return Reason(_FAILURE_CODES[item.kind], {"item": item.item, "why": item.reason.code})


def _unconfirmed(criteria: Criteria) -> tuple[Unconfirmed, ...]:
    found = []
    if criteria.unconfirmed:
        found.append(Unconfirmed("criteria", {}, criteria.note))
    if criteria.total.unconfirmed:
        fields = (criteria.total.unconfirmed if isinstance(criteria.total.unconfirmed, list)
                  else [f for f in ("out_of", "pass_score")
                        if getattr(criteria.total, f) is not None])
        found.append(Unconfirmed("total", {f: getattr(criteria.total, f) for f in fields},
                                 criteria.total.note))
    for category in criteria.categories:
        if category.unconfirmed:
            found.append(Unconfirmed(f"category {category.id}", {"weight": category.weight},
                                     category.note))
    for item in criteria.items:
        values = item.unconfirmed_fields()
        if values:
            found.append(Unconfirmed(f"item {item.id}", values, item.note))
    return tuple(found)


def _warnings(criteria: Criteria, assessment: dict | None) -> tuple[Reason, ...]:
    uses_assessment = any(i.assessment_key for i in criteria.items)
    if not (criteria.functional_unit and uses_assessment and isinstance(assessment, dict)):
        return ()
    product = assessment.get("product") if isinstance(assessment.get("product"), dict) else {}
    theirs = str(product.get("functional_unit") or "")
    if theirs and " ".join(theirs.lower().split()) != " ".join(
            criteria.functional_unit.lower().split()):
        return (Reason("functional_unit_differs",
                       {"assessment": theirs, "criteria": criteria.functional_unit}),)
    return ()
