"""Pre-checks on submission: each rule on a small made-up application, and the real factor rows."""
from __future__ import annotations

from footprint.certs import prechecks
from footprint.certs.criteria import load_all
from footprint.config import CRITERIA_DIR
from footprint.lca.dataset import load_factors

CRITERIA = load_all(CRITERIA_DIR)
PCF = CRITERIA["pcf-verification/2025.1"]
FACTORY = CRITERIA["green-factory/2025.1"]
REQUIRED = [item.id for item in PCF.items if item.required]


def codes(reasons) -> list[tuple]:
    return [(r.code, r.params.get("item") or r.params.get("code") or r.params.get("line"))
            for r in reasons]


def all_yes(**extra) -> dict:
    answers = {item_id: {"answer": "yes"} for item_id in REQUIRED}
    answers.update(extra)
    return answers


def test_every_required_item_without_an_answer_is_listed():
    found = prechecks.run(PCF, {"FU-1": {"answer": "yes"}})
    missing = [item for code, item in codes(found) if code == "answer_missing"]
    assert missing == [i for i in REQUIRED if i != "FU-1"]


def test_evidence_asked_for_and_not_attached():
    answers = all_yes(**{"CO-2": {"answer": "yes", "value": 1}})
    assert codes(prechecks.run(PCF, answers)) == [("evidence_missing", "DS-1")]
    assert codes(prechecks.run(PCF, answers, evidence_items={"DS-1"})) == []


def test_the_excluded_share_missing_or_above_five_percent():
    def excluded(value):
        answers = all_yes(**{"CO-2": {"answer": "yes", "value": value}})
        return codes(prechecks.run(PCF, answers, evidence_items={"DS-1"}))

    assert excluded(None) == [("excluded_share_missing", "CO-2")]
    assert excluded(5) == []  # 5 % is not more than the 5 % flag
    assert excluded("5.5") == [("excluded_share_high", "CO-2")]


def test_annual_data_missing_for_a_factory_indicator():
    item = next(i for i in FACTORY.items if i.formula is not None)
    fields = list(dict.fromkeys((*item.formula.numerator, *item.formula.denominator)))
    found = {r.params["item"]: r.params["fields"] for r in prechecks.run(FACTORY, {})
             if r.code == "annual_data_missing"}
    assert found[item.id] == ", ".join(fields)
    given = {name: 1.0 for name in fields}
    found = [r for r in prechecks.run(FACTORY, {}, site_data=given)
             if r.code == "annual_data_missing" and r.params["item"] == item.id]
    assert found == []


def result_of(lines: list[tuple[str, float, float]], functional_unit="1 piece",
              boundary="cradle-to-gate") -> dict:
    """A stored result with (name, amount, kg CO2e) lines."""
    return {"product": {"functional_unit": functional_unit, "boundary": boundary},
            "lines": [{"index": n, "name": name, "amount": amount, "carbon": carbon}
                      for n, (name, amount, carbon) in enumerate(lines)]}


def test_scope_and_lines():
    answers = all_yes(**{"CO-2": {"answer": "yes", "value": 1}})
    found = prechecks.run(PCF, answers, evidence_items={"DS-1"}, result=result_of(
        [("steel", 2.0, 1.0), ("paint", 0.0, 0.0), ("power", 3.0, 0.5)], functional_unit=" "))
    # total 1.0 + 0.0 + 0.5 = 1.5; the largest line is 1.0 / 1.5 = 67 %, under the 90 % flag
    assert codes(found) == [("functional_unit_missing", None), ("line_zero_amount", 2)]
    found = prechecks.run(PCF, answers, evidence_items={"DS-1"}, result=result_of(
        [("steel", 2000.0, 95.0), ("paint", 0.1, 3.0), ("power", 3.0, 2.0)]))
    # 95 / (95 + 3 + 2) = 95 % > 90 %: a unit slip is likely
    assert [(r.code, r.params["percent"]) for r in found] == [("line_dominates", 95.0)]


def test_supplier_factors_without_a_source_and_old_or_transcribed_rows():
    factors = load_factors()
    old = next(code for code, f in factors.items()
               if f.year[:4].isdigit() and int(f.year[:4]) < 2014 and f.confidence != "mirror")
    mirrored = next(code for code, f in factors.items()
                    if f.confidence == "mirror" and f.year[:4].isdigit()
                    and int(f.year[:4]) >= 2020)
    spec = {"factors": [{"code": "acme-steel", "source": "n/a"},
                        {"code": "acme-paint", "source": "Supplier EPD 2024-118"}],
            "lines": [{"factor": old}, {"factor": mirrored}, {"factor": old},
                      {"custom_factor": "acme-steel"}]}
    found = prechecks.run(PCF, all_yes(**{"CO-2": {"answer": "yes", "value": 1}}),
                          evidence_items={"DS-1"}, spec=spec, factors=factors,
                          reference_year=2026)
    year = int(factors[old].year[:4])
    assert [(r.code, r.params) for r in found] == [
        ("supplier_factor_without_source", {"code": "acme-steel"}),
        # 2026 - year > 10, one reason for the row, naming both lines that use it
        ("factor_old", {"code": old, "year": year, "lines": "1, 3", "max_age": 10}),
        ("factor_to_recheck", {"code": mirrored, "lines": "2", "confidence": "mirror"}),
    ]
