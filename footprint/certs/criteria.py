"""Certification criteria as data: the model of a file under `datasets/criteria/` and its loader.

A criteria file is one version of one scheme (for green-design products, of one product
category). Files are validated when loaded, at start: a malformed file raises CriteriaError whose
message names the file, the item (or category) and the field, so whoever edits the YAML sees
where it is wrong without reading code. Scoring (`scoring.py`) trusts what passes here.
"""
from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path
from typing import Literal, Optional, Union

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import InputError, Location
from . import annual_data

Scheme = Literal["pcf-verification", "green-design", "green-factory"]
Kind = Literal["baseline", "veto", "required", "optional", "indicator", "checklist"]
Direction = Literal["at_most", "at_least"]

# Which kinds each scheme uses: the scoring rules of a scheme are written for these only.
KINDS_BY_SCHEME: dict[str, frozenset[str]] = {
    "pcf-verification": frozenset({"checklist"}),
    "green-design": frozenset({"baseline", "indicator"}),
    "green-factory": frozenset({"veto", "required", "optional", "indicator"}),
}
# Kinds that must hold for the scheme to pass, and earn no points.
GATE_KINDS = frozenset({"baseline", "veto"})

# Keys of the stored assessment result (footprint/lca/results.py to_dict) an indicator may be
# filled from, with the unit per functional unit. "recycled_content_percent" is not computed by
# the assessment yet: until it is, scoring takes the value from the answer.
ASSESSMENT_KEYS: dict[str, str] = {
    "carbon.total": "kg CO2e",
    "carbon.fossil": "kg CO2e",
    "water.consumption_m3": "m3",
    "recycled_content_percent": "%",
}
NUMERIC_FIELDS = ("benchmark", "leading", "points", "weight", "pass_score")


class CriteriaError(InputError):
    """A criteria file that cannot be used; `errors` holds one located InputError per problem."""

    default_code = "invalid_criteria"

    def __init__(self, errors: list[InputError]):
        self.errors = list(errors)
        first = self.errors[0]
        super().__init__("; ".join(e.message if i == 0 else str(e)
                                   for i, e in enumerate(self.errors)),
                         code=first.code, location=first.location, **first.params)


class _Strict(BaseModel):
    # allow_inf_nan: YAML spells infinity and NaN (.inf, .nan); no criterion uses them.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True,
                              allow_inf_nan=False)


class Formula(_Strict):
    """(sum of numerator fields) / (sum of denominator fields) x scale, over annual_data.FIELDS."""
    numerator: list[str] = Field(min_length=1)
    denominator: list[str] = Field(min_length=1)
    scale: float = 1.0


class Category(_Strict):
    id: str = Field(min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_]*$")
    title: str = Field(min_length=1)
    title_zh: str = ""
    # weighted_share: the category's share of the total; sum_of_points: its maximum points.
    weight: Optional[float] = None
    unconfirmed: Union[bool, list[str]] = False
    note: str = ""


class Item(_Strict):
    id: str = Field(min_length=1, max_length=20, pattern=r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$")
    clause: str = Field(min_length=1)
    kind: Kind
    category: str
    title: str = Field(min_length=1)
    title_zh: str = ""
    required: bool = False  # checklist items only: a "no" fails the verification
    na_allowed: bool = False
    points: Optional[float] = None
    benchmark: Optional[float] = None
    leading: Optional[float] = None
    unit: str = ""
    direction: Optional[Direction] = None
    assessment_key: Optional[str] = None
    formula: Optional[Formula] = None
    unconfirmed: Union[bool, list[str]] = False
    note: str = ""
    # The applicant must attach a document (a permit, a report): a pre-check on submission.
    evidence_required: bool = False

    def unconfirmed_fields(self) -> dict[str, object]:
        """The unconfirmed values of this item, by field ("requirement" for a non-numeric one)."""
        if self.unconfirmed is False:
            return {}
        names = (self.unconfirmed if isinstance(self.unconfirmed, list)
                 else [f for f in NUMERIC_FIELDS if getattr(self, f, None) is not None])
        return {name: getattr(self, name, None) for name in names} or {"requirement": None}


class Total(_Strict):
    # none: pass/fail only; weighted_share: sum of weight x (points earned / points available)
    # per category; sum_of_points: sum of the points, each category's weight its maximum.
    method: Literal["none", "weighted_share", "sum_of_points"]
    out_of: Optional[float] = None
    pass_score: Optional[float] = None
    unconfirmed: Union[bool, list[str]] = False
    note: str = ""


class Criteria(_Strict):
    scheme: Scheme
    version: str = Field(min_length=1, max_length=40)
    title: str = Field(min_length=1)
    title_zh: str = ""
    standard: str = Field(min_length=1)  # the edition scored, e.g. "GB/T 36132-2025"
    source: str = Field(min_length=1)  # where the items come from, and how sure that is
    product_category: str = ""  # green-design: the category specification's product
    functional_unit: str = ""  # green-design: what assessment-filled values are per
    requires_assessment: bool = False  # green-design: no qualification without an LCA
    # The item whose value is the share of the result left out by the cut-off, in %: a
    # pre-check on submission looks at it.
    excluded_share_item: Optional[str] = None
    unconfirmed: Union[bool, list[str]] = False
    note: str = ""
    total: Total
    categories: list[Category] = Field(min_length=1)
    items: list[Item] = Field(min_length=1)

    @property
    def key(self) -> str:
        """Scheme, product category and version: what an application records."""
        return "/".join(p for p in (self.scheme, self.product_category, self.version) if p)

    def category(self, category_id: str) -> Category:
        return next(c for c in self.categories if c.id == category_id)


# --- loading -------------------------------------------------------------------------------------

_FRIENDLY = {
    "float_parsing": "must be a number", "float_type": "must be a number",
    "missing": "is required", "extra_forbidden": "is not a known field",
    "string_type": "must be text", "bool_type": "must be true or false",
    "bool_parsing": "must be true or false", "list_type": "must be a list",
    "model_type": "must be a mapping", "model_attributes_type": "must be a mapping",
    "dict_type": "must be a mapping", "finite_number": "must be a finite number",
    "string_pattern_mismatch": "has characters not allowed (item ids like E-3, category ids "
    "like energy_low_carbon)",
}


def _where(display: str, loc: tuple, data: object) -> tuple[str, str]:
    """("file: item E-3.benchmark", "benchmark") for a pydantic location."""
    parts, field = [], ""
    if len(loc) >= 2 and loc[0] in ("items", "categories") and isinstance(loc[1], int):
        raw = data.get(loc[0]) if isinstance(data, dict) else None
        entry = raw[loc[1]] if isinstance(raw, list) and loc[1] < len(raw) else None
        ident = entry.get("id") if isinstance(entry, dict) else None
        noun = "item" if loc[0] == "items" else "category"
        parts.append(f"{noun} {ident}" if isinstance(ident, str) and ident
                     else f"{loc[0]}[{loc[1]}]")
        loc = loc[2:]
    for part in loc:
        if isinstance(part, int):
            field += f"[{part}]"
        else:
            field += ("." if field else "") + str(part)
    where = " ".join(parts) + ("." if parts and field else "") + field
    return f"{display}: {where}" if where else display, field


def _problem(display: str, where: str, field: str, message: str, code: str,
             **params) -> InputError:
    path = f"{display}: {where}" if where else display
    return InputError(message, code=code, location=Location(field=field, path=path),
                      file=display, **params)


def load_criteria(path: Path | str) -> Criteria:
    """One criteria file, validated; CriteriaError names the file, item and field at fault."""
    path = Path(path)
    display = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CriteriaError([_problem(display, "", "", f"cannot be read: {exc}",
                                      "unreadable", detail=str(exc))]) from None
    return criteria_from_text(text, display)


@lru_cache(maxsize=128)
def criteria_from_text(text: str, display: str) -> Criteria:
    """Criteria from the YAML text of a file (or of a web upload, the same checks);
    `display` names where the text comes from in every message. Cached: the same text always
    gives the same criteria, and reading one (YAML, then pydantic) takes about 0.15 s, which
    every app start, every new application and every page reading stored criteria would pay.
    Callers never change a Criteria."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else ""
        why = getattr(exc, "problem", None) or "cannot be parsed"
        raise CriteriaError([_problem(display, where, "", f"not valid YAML: {why}",
                                      "not_yaml", detail=str(exc))]) from None
    except RecursionError:  # PyYAML composes nested collections recursively
        raise CriteriaError([_problem(display, "", "", "not valid YAML: nested too deeply",
                                      "not_yaml", detail="nested too deeply")]) from None
    return parse_criteria(data, display)


def parse_criteria(data: object, display: str) -> Criteria:
    """Criteria from already-parsed YAML; `display` names the file in every message."""
    if not isinstance(data, dict):
        raise CriteriaError([_problem(display, "", "", "must be a mapping with scheme, "
                                      "version, categories and items", "not_a_mapping")])
    try:
        criteria = Criteria.model_validate(data)
    except ValidationError as exc:
        errors = []
        for error in exc.errors():
            path_text, field = _where(display, tuple(error["loc"]), data)
            message = _FRIENDLY.get(error["type"], error["msg"])
            # pydantic's context (max_length, expected...) fills the translated message
            context = {k: v for k, v in (error.get("ctx") or {}).items()
                       if isinstance(v, (str, int, float))}
            errors.append(InputError(message, code=error["type"],
                                     location=Location(field=field, path=path_text),
                                     **context, file=display))
        raise CriteriaError(errors) from None
    errors = check(criteria, display)
    if errors:
        raise CriteriaError(errors)
    return criteria


def load_all(directory: Path | str) -> dict[str, Criteria]:
    """Every *.yaml file of the directory by Criteria.key; versions are unique per scheme
    (and product category)."""
    loaded: dict[str, Criteria] = {}
    files: dict[str, str] = {}
    errors: list[InputError] = []
    for path in sorted(Path(directory).glob("*.yaml")):
        try:
            criteria = load_criteria(path)
        except CriteriaError as exc:
            errors.extend(exc.errors)
            continue
        if criteria.key in loaded:
            errors.append(_problem(str(path), "version", "version",
                                   f"'{criteria.version}' of {criteria.key} is already "
                                   f"defined in {files[criteria.key]}", "duplicate_version",
                                   version=criteria.version, other=files[criteria.key]))
            continue
        loaded[criteria.key], files[criteria.key] = criteria, str(path)
    if errors:
        raise CriteriaError(errors)
    return loaded


# --- the checks pydantic cannot express ----------------------------------------------------------

def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def check(criteria: Criteria, display: str) -> list[InputError]:
    """Problems of a structurally valid file, each located by item or category and field."""
    errors: list[InputError] = []

    def problem(where: str, field: str, message: str, code: str, **params):
        target = f"{where}.{field}" if where and field else where or field
        errors.append(_problem(display, target, field, message, code, **params))

    method = criteria.total.method
    categories: dict[str, Category] = {}
    for category in criteria.categories:
        where = f"category {category.id}"
        if category.id in categories:
            problem(where, "id", "duplicate category id", "duplicate_id", id=category.id)
        categories[category.id] = category
        if method == "none" and category.weight is not None:
            problem(where, "weight", "must be left out: this scheme has no total",
                    "weight_without_total")
        _check_unconfirmed(category, where, problem)
    seen: set[str] = set()
    for item in criteria.items:
        where = f"item {item.id}"
        if item.id in seen:
            problem(where, "id", "duplicate item id", "duplicate_id", id=item.id)
        seen.add(item.id)
        if item.category not in categories:
            problem(where, "category", f"unknown category '{item.category}' (categories: "
                    f"{', '.join(categories)})", "unknown_category", category=item.category)
        if item.kind not in KINDS_BY_SCHEME[criteria.scheme]:
            problem(where, "kind", f"'{item.kind}' is not used by {criteria.scheme} (kinds: "
                    f"{', '.join(sorted(KINDS_BY_SCHEME[criteria.scheme]))})",
                    "kind_not_in_scheme", kind=item.kind)
        _check_item(item, method, where, problem)
        _check_unconfirmed(item, where, problem)
    _check_total(criteria, categories, problem)
    _check_excluded_share(criteria, problem)
    return errors


def _check_excluded_share(criteria: Criteria, problem) -> None:
    key = criteria.excluded_share_item
    if key is None:
        return
    item = next((i for i in criteria.items if i.id == key), None)
    if item is None:
        problem("", "excluded_share_item", f"unknown item '{key}'", "unknown_item", item=key)
    elif item.unit != "%":
        problem(f"item {key}", "unit", "must be % (it is the excluded share)",
                "excluded_share_unit")


def _check_item(item: Item, method: str, where: str, problem) -> None:
    scored = method != "none" and item.kind in ("required", "optional", "indicator")
    if scored and (item.points is None or item.points <= 0):
        problem(where, "points", "must be a number above zero", "points_missing")
    if not scored and item.points is not None:
        problem(where, "points", f"must be left out: a {item.kind} item earns no points",
                "points_not_scored")
    if item.required and item.kind != "checklist":
        problem(where, "required", "only checklist items take 'required'; use kind "
                "'required', 'veto' or 'baseline'", "required_outside_checklist")
    # A formula may also sit on a yes/no item: its value is shown beside the answer.
    if item.formula is not None:
        for side in ("numerator", "denominator"):
            for index, name in enumerate(getattr(item.formula, side)):
                if name not in annual_data.FIELDS:
                    problem(where, f"formula.{side}[{index}]", f"unknown annual-data field "
                            f"'{name}'", "unknown_annual_field", name=name)
    if item.kind != "indicator":
        for field in ("benchmark", "leading", "direction", "assessment_key"):
            if getattr(item, field) is not None:
                problem(where, field, "must be left out: only indicators have one",
                        "not_an_indicator")
        return
    for field in ("benchmark", "direction"):
        if getattr(item, field) is None:
            problem(where, field, "is required for an indicator", "missing")
    if not item.unit:
        problem(where, "unit", "is required for an indicator", "missing")
    if item.assessment_key is not None and item.formula is not None:
        problem(where, "formula", "give either an assessment_key or a formula, not both",
                "two_sources")
    if item.assessment_key is not None and item.assessment_key not in ASSESSMENT_KEYS:
        problem(where, "assessment_key", f"unknown key '{item.assessment_key}' (known: "
                f"{', '.join(ASSESSMENT_KEYS)})", "unknown_assessment_key",
                key=item.assessment_key)
    if method == "none" and item.leading is not None:
        problem(where, "leading", "must be left out: this scheme has no points to "
                "interpolate", "leading_without_points")
    if method == "sum_of_points":
        if item.leading is None:
            problem(where, "leading", "is required: points are interpolated between the "
                    "benchmark and the leading value", "missing")
        elif item.benchmark is not None and item.direction is not None:
            better = (item.leading < item.benchmark if item.direction == "at_most"
                      else item.leading > item.benchmark)
            if not better:
                side = "below" if item.direction == "at_most" else "above"
                problem(where, "leading", f"must be {side} the benchmark "
                        f"{item.benchmark:g} for direction {item.direction}",
                        "leading_not_better", benchmark=item.benchmark, leading=item.leading)


def _check_unconfirmed(entry, where: str, problem) -> None:
    if isinstance(entry.unconfirmed, list):
        for name in entry.unconfirmed:
            if name not in NUMERIC_FIELDS or getattr(entry, name, None) is None:
                problem(where, "unconfirmed", f"'{name}' is not a value of this entry",
                        "unknown_unconfirmed_field", name=name)


def _check_total(criteria: Criteria, categories: dict[str, Category], problem) -> None:
    total = criteria.total
    if total.method == "none":
        if total.out_of is not None or total.pass_score is not None:
            problem("total", "out_of", "must be left out when method is none", "no_total")
        return
    if total.out_of is None:
        problem("total", "out_of", "is required for a scheme with a total", "missing")
        return
    gates_only = {c for c in categories
                  if all(i.kind in GATE_KINDS for i in criteria.items if i.category == c)}
    weights = 0.0
    for category in categories.values():
        where = f"category {category.id}"
        if category.id in gates_only:
            if category.weight is not None:
                problem(where, "weight", "must be left out: its items are not scored",
                        "weight_without_points")
            continue
        if category.weight is None or category.weight <= 0:
            problem(where, "weight", "must be a number above zero", "missing")
            continue
        weights += category.weight
        if total.method == "sum_of_points":
            points = sum(i.points or 0.0 for i in criteria.items if i.category == category.id)
            if not _close(points, category.weight):
                problem(where, "weight", f"the points of its items add up to {points:g}, "
                        f"not {category.weight:g}", "points_do_not_sum",
                        points=points, weight=category.weight)
    if not _close(weights, total.out_of):
        problem("total", "out_of", f"the category weights add up to {weights:g}, not "
                f"{total.out_of:g}", "weights_do_not_sum", weights=weights,
                out_of=total.out_of)
