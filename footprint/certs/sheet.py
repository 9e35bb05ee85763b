"""The score sheet: what scoring returns and an application stores.

Every reason is a code with params; the English message is derived from them here, and the web
translates by code later (as with footprint.errors), so a stored sheet never holds only prose.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

MESSAGES = {
    # items answered yes / no / not applicable
    "met": "met (answered yes)",
    "not_met": "not met (answered no)",
    "not_applicable": "not applicable",
    "na_not_allowed": "'not applicable' is not accepted for this item",
    "unanswered": "not answered",
    # indicators
    "benchmark_met": "{value:g} {unit} meets the benchmark ({direction} {benchmark:g})",
    "benchmark_missed": "{value:g} {unit} misses the benchmark ({direction} {benchmark:g})",
    "no_value": "no value given",
    "no_value_from_assessment": "no value: neither the assessment ({key}) nor the answer "
                                "gives one",
    "missing_annual_data": "cannot be computed: annual data missing ({fields})",
    "zero_denominator": "cannot be computed: {fields} is zero",
    "no_better_than_benchmark": "{value:g} {unit} is no better than the benchmark "
                                "{benchmark:g}: 0 of {max:g} points",
    "leading_reached": "{value:g} {unit} reaches the leading value {leading:g}: "
                       "{max:g} of {max:g} points",
    "interpolated": "{value:g} {unit} lies {fraction:.4g} of the way from the benchmark "
                    "{benchmark:g} to the leading value {leading:g}: {points:.4g} of {max:g} "
                    "points",
    # the whole sheet
    "veto_failed": "basic requirement {item} not met",
    "baseline_failed": "baseline requirement {item} not met",
    "required_failed": "required item {item} not met",
    "benchmark_failed": "indicator {item} does not meet its benchmark",
    "no_assessment": "no LCA assessment: the scheme qualifies a product only with one",
    "below_pass_score": "total {total:.4g} is below the pass score {pass_score:g}",
    # pre-checks on submission (prechecks.py)
    "answer_missing": "item {item}: no answer",
    "value_missing": "item {item}: no value",
    "annual_data_missing": "item {item}: annual site data missing ({fields})",
    "evidence_missing": "item {item}: no evidence attached, and the item asks for it",
    "excluded_share_missing": "item {item}: the excluded share of the result is not given",
    "excluded_share_high": "item {item}: the cut-off leaves out {value:g} % of the result "
                           "(more than {limit:g} %)",
    "functional_unit_missing": "the assessment states no functional unit",
    "boundary_missing": "the assessment states no system boundary",
    "line_zero_amount": "line {line} ({name}) has an amount of zero",
    "line_dominates": "line {line} ({name}) carries {percent:g} % of the total: check its "
                      "amount and unit",
    "supplier_factor_without_source": "supplier factor {code} names no source",
    "factor_old": "factor row {code} (lines {lines}) dates from {year}, more than {max_age} "
                  "years before the assessment",
    "factor_to_recheck": "factor row {code} (lines {lines}) is a transcription ({confidence}): "
                         "re-check it against its source",
    "functional_unit_differs": "the assessment is per '{assessment}', the criteria per "
                               "'{criteria}': check the values are comparable",
}


@dataclass(frozen=True)
class Reason:
    code: str
    params: dict = field(default_factory=dict)

    @property
    def message(self) -> str:
        return MESSAGES[self.code].format(**self.params)

    def to_dict(self) -> dict:
        return {"code": self.code, "params": dict(self.params), "message": self.message}


@dataclass(frozen=True)
class ItemScore:
    item: str
    kind: str
    category: str
    answer: str | None  # yes / no / na, as given
    value: float | None  # the indicator's value, or a checklist item's value as given
    value_source: str | None  # "answer", "assessment", "annual_data"
    met: bool | None  # None: not applicable, or an item that is only scored
    points: float | None  # None where the scheme gives no points
    max_points: float | None
    reason: Reason
    comment: str = ""
    unconfirmed: bool = False


@dataclass(frozen=True)
class CategoryScore:
    category: str
    points: float | None
    max_points: float | None
    weight: float | None
    weighted: float | None  # the category's contribution to a weighted_share total


@dataclass(frozen=True)
class Unconfirmed:
    where: str  # "criteria", "total", "category energy", "item E-1"
    values: dict  # field -> value used
    note: str = ""


@dataclass(frozen=True)
class ScoreSheet:
    criteria: str  # Criteria.key: scheme, product category, version
    scheme: str
    standard: str
    items: tuple[ItemScore, ...]
    categories: tuple[CategoryScore, ...]
    total: float | None
    out_of: float | None
    passed: bool
    failures: tuple[Reason, ...]
    unconfirmed: tuple[Unconfirmed, ...]
    warnings: tuple[Reason, ...] = ()

    def item(self, item_id: str) -> ItemScore:
        return next(i for i in self.items if i.item == item_id)

    def category(self, category_id: str) -> CategoryScore:
        return next(c for c in self.categories if c.category == category_id)

    @property
    def failed_items(self) -> tuple[str, ...]:
        return tuple(r.params["item"] for r in self.failures if "item" in r.params)

    def to_dict(self) -> dict:
        """JSON for storing with the application: reasons carry code, params and message."""
        data = asdict(self)
        for entry, item in zip(data["items"], self.items):
            entry["reason"] = item.reason.to_dict()
        data["failures"] = [r.to_dict() for r in self.failures]
        data["warnings"] = [r.to_dict() for r in self.warnings]
        return data
