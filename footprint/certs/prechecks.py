"""Pre-checks: what a certifier would look at first, run on submission and listed for review.

A pure function of what the application froze (criteria, answers, the stored assessment's spec
and result, the site's annual data, which items have evidence) and the background factor rows.
Each finding is a Reason (code and params, as on the score sheet); none blocks the submission:
they point the evaluator at what to check, and the applicant sees them before submitting.

Thresholds, and why:
- FACTOR_MAX_AGE_YEARS: a background row whose reference year is more than 10 years before the
  assessment is flagged as old (ISO 14067 asks for the age of secondary data to be stated and
  judged; it sets no limit, so this is a flag, not a rule).
- RECHECK_CONFIDENCE: rows read from a third-party transcription (`mirror`, see
  datasets/README.md) must be re-checked against the source before a formal claim.
- EXCLUDED_SHARE_FLAG_PERCENT: 5 %, from PAS 2050's at least 95 % coverage (standards.md 1.3
  [C]); ISO 14067 sets no threshold, so this too is only a flag.
- DOMINANT_LINE_SHARE: one line carrying over 90 % of the total among three or more lines is
  the usual sign of a unit slip (t entered as kg, Wh as kWh).
"""
from __future__ import annotations

from ..lca import numbers
from ..lca.dataset import Factor
from . import annual_data
from .criteria import Criteria
from .sheet import Reason

FACTOR_MAX_AGE_YEARS = 10
RECHECK_CONFIDENCE = frozenset({"mirror"})
EXCLUDED_SHARE_FLAG_PERCENT = 5.0
DOMINANT_LINE_SHARE = 0.9
MIN_LINES_FOR_DOMINANCE = 3
# What people type when they have no source.
PLACEHOLDER_SOURCES = frozenset({"", "-", "--", "?", "n/a", "na", "none", "unknown", "tbd",
                                 "todo", "无", "未知"})
ANSWERED_KINDS = frozenset({"checklist", "baseline", "veto", "required"})


def run(criteria: Criteria, answers: dict, *, evidence_items: set[str] | frozenset = frozenset(),
        spec: dict | None = None, result: dict | None = None,
        site_data: dict | None = None, factors: dict[str, Factor] | None = None,
        reference_year: int | None = None) -> tuple[Reason, ...]:
    found: list[Reason] = []
    found += _answers(criteria, answers or {}, site_data)
    found += _evidence(criteria, evidence_items)
    found += _excluded_share(criteria, answers or {})
    if result is not None:
        found += _scope(result)
        found += _lines(result)
    if spec is not None:
        found += _supplier_sources(spec)
        if factors is not None and reference_year is not None:
            found += _factor_rows(spec, factors, reference_year)
    return tuple(found)


def _value(answers: dict, item_id: str) -> float | None:
    entry = answers.get(item_id) or {}
    value = entry.get("value") if isinstance(entry, dict) else None
    if value is None or value == "":
        return None
    try:
        return numbers.parse(value)
    except numbers.NumberProblem:
        return None


def _answers(criteria: Criteria, answers: dict, site_data: dict | None) -> list[Reason]:
    found = []
    for item in criteria.items:
        entry = answers.get(item.id) or {}
        if item.kind in ANSWERED_KINDS and (item.kind != "checklist" or item.required):
            if not (isinstance(entry, dict) and entry.get("answer")):
                found.append(Reason("answer_missing", {"item": item.id}))
        elif item.kind == "indicator" and item.formula is not None:
            fields = [name for name in dict.fromkeys(
                (*item.formula.numerator, *item.formula.denominator))
                if name not in (site_data or {})]
            if fields:
                found.append(Reason("annual_data_missing",
                                    {"item": item.id, "fields": ", ".join(fields)}))
        elif item.kind == "indicator" and item.assessment_key is None:
            if _value(answers, item.id) is None:
                found.append(Reason("value_missing", {"item": item.id}))
    return found


def _evidence(criteria: Criteria, evidence_items) -> list[Reason]:
    return [Reason("evidence_missing", {"item": item.id}) for item in criteria.items
            if item.evidence_required and item.id not in evidence_items]


def _excluded_share(criteria: Criteria, answers: dict) -> list[Reason]:
    key = criteria.excluded_share_item
    if key is None:
        return []
    share = _value(answers, key)
    if share is None:
        return [Reason("excluded_share_missing", {"item": key})]
    if share > EXCLUDED_SHARE_FLAG_PERCENT:
        return [Reason("excluded_share_high", {"item": key, "value": share,
                                               "limit": EXCLUDED_SHARE_FLAG_PERCENT})]
    return []


def _scope(result: dict) -> list[Reason]:
    product = result.get("product") or {}
    found = []
    if not str(product.get("functional_unit") or "").strip():
        found.append(Reason("functional_unit_missing"))
    if not str(product.get("boundary") or "").strip():
        found.append(Reason("boundary_missing"))
    return found


def _lines(result: dict) -> list[Reason]:
    lines = result.get("lines") or []
    found = [Reason("line_zero_amount", {"line": line["index"] + 1, "name": line["name"]})
             for line in lines if line.get("amount") == 0]
    total = sum(abs(line.get("carbon") or 0.0) for line in lines)
    if len(lines) >= MIN_LINES_FOR_DOMINANCE and total > 0:
        for line in lines:
            share = abs(line.get("carbon") or 0.0) / total
            if share > DOMINANT_LINE_SHARE:
                found.append(Reason("line_dominates", {
                    "line": line["index"] + 1, "name": line["name"],
                    "percent": round(share * 100, 1)}))
    return found


def _supplier_sources(spec: dict) -> list[Reason]:
    return [Reason("supplier_factor_without_source", {"code": factor.get("code", "")})
            for factor in spec.get("factors") or []
            if str(factor.get("source") or "").strip().lower() in PLACEHOLDER_SOURCES]


def _factor_rows(spec: dict, factors: dict[str, Factor], reference_year: int) -> list[Reason]:
    """One reason per background row (not per line), naming the lines that use it."""
    used: dict[str, list[int]] = {}
    for index, line in enumerate(spec.get("lines") or []):
        code = line.get("factor")
        if code in factors:
            used.setdefault(code, []).append(index + 1)
    found = []
    for code, line_numbers in used.items():
        factor = factors[code]
        lines = ", ".join(map(str, line_numbers))
        year = _year(factor.year)
        if year is not None and reference_year - year > FACTOR_MAX_AGE_YEARS:
            found.append(Reason("factor_old", {"code": code, "year": year, "lines": lines,
                                               "max_age": FACTOR_MAX_AGE_YEARS}))
        if factor.confidence in RECHECK_CONFIDENCE:
            found.append(Reason("factor_to_recheck", {"code": code, "lines": lines,
                                                      "confidence": factor.confidence}))
    return found


def _year(text: str) -> int | None:
    digits = "".join(ch for ch in str(text) if ch.isdigit())[:4]
    return int(digits) if len(digits) == 4 else None
