"""Scoring worked examples, with the arithmetic beside every asserted number.

The criteria are small and written here (not the shipped files), so that confirming a shipped
placeholder value later does not change these sums.
"""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from footprint.certs.annual_data import AnnualDataError
from footprint.certs.criteria import load_all, parse_criteria
from footprint.certs.scoring import AnswerError, score

approx = pytest.approx
CRITERIA = Path(__file__).resolve().parents[2] / "datasets" / "criteria"
YES, NO, NA = {"answer": "yes"}, {"answer": "no"}, {"answer": "na"}


def criteria(data: dict):
    return parse_criteria(data, "test.yaml")


def item(id, kind, category, **more) -> dict:
    return {"id": id, "clause": "test clause", "kind": kind, "category": category,
            "title": id, **more}


# --- green factory, 2025 style: points interpolated between benchmark and leading value ----------

FACTORY_2025 = criteria({
    "scheme": "green-factory", "version": "t2025", "title": "t", "standard": "GB/T 36132-2025",
    "source": "test", "total": {"method": "sum_of_points", "out_of": 40},
    "categories": [{"id": "basic", "title": "Basic"},
                   {"id": "energy", "title": "Energy", "weight": 30, "unconfirmed": True},
                   {"id": "land", "title": "Land", "weight": 10}],
    "items": [
        item("V-1", "veto", "basic"),
        # lower is better: 10 points from 0 at 0.3 to full at 0.1 tce per 10k CNY
        item("E-1", "indicator", "energy", points=10, benchmark=0.3, leading=0.1,
             unit="tce/10k CNY", direction="at_most", unconfirmed=["benchmark", "leading"],
             formula={"numerator": ["energy_tce"], "denominator": ["output_value_10k_cny"]}),
        # higher is better: 6 points from 0 at 5 % to full at 30 % renewable energy
        item("E-2", "indicator", "energy", points=6, benchmark=5, leading=30, unit="%",
             direction="at_least", formula={"numerator": ["renewable_energy_tce"],
                                            "denominator": ["energy_tce"], "scale": 100}),
        item("E-3", "optional", "energy", points=14),
        item("L-1", "indicator", "land", points=10, benchmark=0.8, leading=2.0, unit="m2/m2",
             direction="at_least", formula={"numerator": ["total_floor_area_m2"],
                                            "denominator": ["land_area_m2"]}),
    ],
})
SITE = {"output_value_10k_cny": 10000, "energy_tce": 2000, "renewable_energy_tce": 300,
        "land_area_m2": 20000, "total_floor_area_m2": 30000}


def test_factory_2025_worked_example():
    sheet = score(FACTORY_2025, {"V-1": YES, "E-3": YES}, site_data=SITE)
    e1, e2, l1 = sheet.item("E-1"), sheet.item("E-2"), sheet.item("L-1")
    # E-1: 2000 tce / 10000 (10k CNY) = 0.2; (0.2 - 0.3) / (0.1 - 0.3) = 0.5 of the way;
    # 0.5 x 10 = 5 points
    assert e1.value == approx(0.2) and e1.value_source == "annual_data"
    assert e1.points == approx(5.0) and e1.reason.code == "interpolated"
    assert e1.reason.params["fraction"] == approx(0.5)
    # E-2: 300 / 2000 x 100 = 15 %; (15 - 5) / (30 - 5) = 0.4; 0.4 x 6 = 2.4 points
    assert e2.value == approx(15.0) and e2.points == approx(2.4)
    # L-1: 30000 / 20000 = 1.5; (1.5 - 0.8) / (2.0 - 0.8) = 0.7 / 1.2 = 0.58333; x 10 = 5.8333
    assert l1.value == approx(1.5) and l1.points == approx(5.833333, abs=1e-6)
    # energy: 5 + 2.4 + 14 (E-3 answered yes) = 21.4 of 30; land: 5.8333 of 10
    assert sheet.category("energy").points == approx(21.4)
    assert sheet.category("energy").max_points == 30
    assert sheet.category("land").points == approx(5.833333, abs=1e-6)
    assert sheet.category("basic").points is None  # a veto category is not scored
    # total: 21.4 + 5.8333 = 27.2333 of 40
    assert sheet.total == approx(27.233333, abs=1e-6) and sheet.out_of == 40
    assert sheet.passed and sheet.failures == ()
    assert "lies 0.5 of the way from the benchmark 0.3 to the leading value 0.1: 5 of 10" \
        in e1.reason.message


@pytest.mark.parametrize("energy_tce, expected, code", [
    # lower is better (E-1: benchmark 0.3, leading 0.1, 10 points), output 10000:
    (4000, 0.0, "no_better_than_benchmark"),  # 0.4: (0.4-0.3)/(0.1-0.3) = -0.5 -> clamped to 0
    (3000, 0.0, "no_better_than_benchmark"),  # 0.3 = benchmark: fraction 0 -> 0 points
    (2500, 2.5, "interpolated"),  # 0.25: (0.25-0.3)/(0.1-0.3) = 0.25 -> 2.5 points
    (1000, 10.0, "leading_reached"),  # 0.1 = leading value: fraction 1 -> 10 points
    (500, 10.0, "leading_reached"),  # 0.05: (0.05-0.3)/(0.1-0.3) = 1.25 -> clamped to 10
])
def test_interpolation_lower_is_better_clamped_at_both_ends(energy_tce, expected, code):
    site = dict(SITE, energy_tce=energy_tce, renewable_energy_tce=0)
    e1 = score(FACTORY_2025, {}, site_data=site).item("E-1")
    assert e1.points == approx(expected) and e1.reason.code == code


@pytest.mark.parametrize("renewable_tce, expected, code", [
    # higher is better (E-2: benchmark 5 %, leading 30 %, 6 points), energy 2000 tce:
    (40, 0.0, "no_better_than_benchmark"),  # 40/2000 = 2 %: (2-5)/(30-5) = -0.12 -> 0
    (100, 0.0, "no_better_than_benchmark"),  # 5 % = benchmark -> 0
    (350, 3.0, "interpolated"),  # 17.5 %: (17.5-5)/(30-5) = 0.5 -> 3 points
    (600, 6.0, "leading_reached"),  # 30 % = leading value -> 6
    (800, 6.0, "leading_reached"),  # 40 %: (40-5)/(30-5) = 1.4 -> clamped to 6
])
def test_interpolation_higher_is_better_clamped_at_both_ends(renewable_tce, expected, code):
    site = dict(SITE, renewable_energy_tce=renewable_tce)
    e2 = score(FACTORY_2025, {}, site_data=site).item("E-2")
    assert e2.points == approx(expected) and e2.reason.code == code


def test_a_failed_veto_fails_the_factory_whatever_it_scores():
    sheet = score(FACTORY_2025, {"V-1": {"answer": "no", "comment": "permit lapsed"},
                                 "E-3": YES}, site_data=SITE)
    assert not sheet.passed
    assert sheet.failed_items == ("V-1",)
    assert sheet.failures[0].code == "veto_failed"
    assert sheet.failures[0].message == "basic requirement V-1 not met"
    assert sheet.item("V-1").comment == "permit lapsed"
    assert sheet.total == approx(27.233333, abs=1e-6)  # still shown: 21.4 + 5.8333


def test_an_unanswered_veto_fails_too_and_missing_annual_data_scores_zero():
    sheet = score(FACTORY_2025, {}, site_data={"output_value_10k_cny": 10000})
    assert sheet.failed_items == ("V-1",) and sheet.item("V-1").reason.code == "unanswered"
    e1 = sheet.item("E-1")
    assert e1.points == 0 and e1.value is None
    assert e1.reason.code == "missing_annual_data"
    assert e1.reason.params == {"fields": "energy_tce"}
    assert sheet.item("L-1").reason.params == {"fields": "total_floor_area_m2, land_area_m2"}
    assert sheet.total == 0  # nothing computable, E-3 unanswered


def test_a_zero_denominator_is_a_reason_not_a_crash():
    e2 = score(FACTORY_2025, {}, site_data=dict(SITE, energy_tce=0)).item("E-2")
    assert e2.points == 0 and e2.reason.code == "zero_denominator"


def test_unconfirmed_values_are_listed_on_the_sheet():
    sheet = score(FACTORY_2025, {"V-1": YES}, site_data=SITE)
    listed = {u.where: u.values for u in sheet.unconfirmed}
    assert listed == {"category energy": {"weight": 30},
                      "item E-1": {"benchmark": 0.3, "leading": 0.1}}
    assert sheet.item("E-1").unconfirmed and not sheet.item("E-2").unconfirmed


# --- green factory, 2018 style: weighted share of points per category ----------------------------

FACTORY_2018 = criteria({
    "scheme": "green-factory", "version": "t2018", "title": "t", "standard": "GB/T 36132-2018",
    "source": "test", "total": {"method": "weighted_share", "out_of": 100},
    "categories": [{"id": "basic", "title": "Basic"},
                   {"id": "infrastructure", "title": "Infrastructure", "weight": 60},
                   {"id": "performance", "title": "Performance", "weight": 40}],
    "items": [
        item("V-1", "veto", "basic"),
        item("I-1", "required", "infrastructure", points=10),
        item("I-2", "optional", "infrastructure", points=5),
        item("X-1", "required", "performance", points=10, unit="tce/10k CNY",
             formula={"numerator": ["energy_tce"], "denominator": ["output_value_10k_cny"]}),
        item("X-2", "optional", "performance", points=10, na_allowed=True),
    ],
})


def test_factory_2018_worked_example():
    sheet = score(FACTORY_2018, {"V-1": YES, "I-1": YES, "I-2": NO, "X-1": YES, "X-2": YES},
                  site_data={"energy_tce": 2000, "output_value_10k_cny": 10000})
    infra, perf = sheet.category("infrastructure"), sheet.category("performance")
    # infrastructure: 10 (I-1) + 0 (I-2 no) = 10 of 15; 60 x 10/15 = 40
    assert (infra.points, infra.max_points, infra.weighted) == (10, 15, approx(40.0))
    # performance: 10 + 10 = 20 of 20; 40 x 20/20 = 40
    assert (perf.points, perf.max_points, perf.weighted) == (20, 20, approx(40.0))
    assert sheet.total == approx(80.0)  # 40 + 40
    assert sheet.passed
    # X-1's value is shown beside the answer: 2000 / 10000 = 0.2 tce per 10k CNY
    assert sheet.item("X-1").value == approx(0.2)
    assert sheet.item("X-1").value_source == "annual_data"


def test_factory_2018_allowed_na_leaves_the_item_out_and_a_required_no_fails():
    sheet = score(FACTORY_2018, {"V-1": YES, "I-1": NO, "I-2": YES, "X-1": YES, "X-2": NA})
    # infrastructure: 0 (I-1 no) + 5 = 5 of 15; 60 x 5/15 = 20
    assert sheet.category("infrastructure").weighted == approx(20.0)
    # performance: X-2 not applicable, out of the available points: 10 of 10; 40 x 10/10 = 40
    assert sheet.category("performance").max_points == 10
    assert sheet.category("performance").weighted == approx(40.0)
    assert sheet.total == approx(60.0)  # 20 + 40
    assert not sheet.passed and sheet.failed_items == ("I-1",)
    assert sheet.failures[0].code == "required_failed"


def test_factory_2018_na_where_not_allowed_is_not_met():
    sheet = score(FACTORY_2018, {"V-1": YES, "I-1": NA, "X-1": YES})
    assert sheet.item("I-1").reason.code == "na_not_allowed"
    assert sheet.item("I-1").points == 0 and sheet.failed_items == ("I-1",)


def test_a_pass_score_is_checked_after_the_gates():
    data = FACTORY_2018.model_dump()
    data["total"]["pass_score"] = 85
    strict = criteria(data)
    sheet = score(strict, {"V-1": YES, "I-1": YES, "I-2": NO, "X-1": YES, "X-2": YES})
    # total 80 (as above) < 85
    assert not sheet.passed and sheet.failures[0].code == "below_pass_score"
    assert sheet.failures[0].message == "total 80 is below the pass score 85"


# --- green-design product: every baseline and every benchmark, and an LCA -----------------------

DESIGN = criteria({
    "scheme": "green-design", "version": "t1", "title": "t", "standard": "GB/T 32161-2015",
    "source": "test", "product_category": "lithium-ion-battery", "functional_unit": "1 kWh",
    "requires_assessment": True, "total": {"method": "none"},
    "categories": [{"id": "baseline", "title": "Baseline"},
                   {"id": "resource", "title": "Resource"},
                   {"id": "environment", "title": "Environment"},
                   {"id": "product", "title": "Product"}],
    "items": [
        item("B-1", "baseline", "baseline"),
        item("B-2", "baseline", "baseline"),
        item("R-1", "indicator", "resource", benchmark=1.0, unit="m3/kWh", direction="at_most",
             assessment_key="water.consumption_m3"),
        item("R-2", "indicator", "resource", benchmark=5, unit="%", direction="at_least",
             assessment_key="recycled_content_percent"),
        item("N-1", "indicator", "environment", benchmark=100, unit="kg CO2e/kWh",
             direction="at_most", assessment_key="carbon.total", unconfirmed=True,
             note="placeholder"),
        item("P-1", "indicator", "product", benchmark=1000, unit="cycles",
             direction="at_least"),
    ],
})
# The shape of footprint/lca/results.py AssessmentResult.to_dict, trimmed to what is read.
ASSESSMENT = {"product": {"name": "LFP pack", "functional_unit": "1 kWh"},
              "carbon": {"unit": "kg CO2e per functional unit", "total": 85.0},
              "water": {"consumption_m3": 0.8}}
DESIGN_ANSWERS = {"B-1": YES, "B-2": YES, "R-2": {"answer": "yes", "value": "12"},
                  "P-1": {"value": 2000}}


def test_green_design_qualifies_when_everything_holds():
    sheet = score(DESIGN, DESIGN_ANSWERS, assessment=ASSESSMENT)
    assert sheet.passed and sheet.total is None  # no weighted total
    # 0.8 m3 <= 1.0 (from the assessment)
    assert sheet.item("R-1").value == 0.8 and sheet.item("R-1").value_source == "assessment"
    # the assessment has no recycled content, so the answer's 12 % >= 5 %
    assert sheet.item("R-2").value == 12 and sheet.item("R-2").value_source == "answer"
    # N-1: 85 <= 100 kg CO2e/kWh; P-1: 2000 >= 1000 cycles
    assert sheet.item("N-1").met and sheet.item("P-1").met
    assert sheet.item("N-1").reason.message == (
        "85 kg CO2e/kWh meets the benchmark (at most 100)")
    assert sheet.warnings == ()
    assert [c.points for c in sheet.categories] == [None, None, None, None]


def test_green_design_fails_on_one_missed_benchmark():
    assessment = copy.deepcopy(ASSESSMENT)
    assessment["carbon"]["total"] = 120.0
    sheet = score(DESIGN, DESIGN_ANSWERS, assessment=assessment)
    # N-1: 120 > 100 kg CO2e/kWh: the only failure
    assert not sheet.passed and sheet.failed_items == ("N-1",)
    assert sheet.failures[0].code == "benchmark_failed"
    assert sheet.item("N-1").reason.message == (
        "120 kg CO2e/kWh misses the benchmark (at most 100)")


def test_green_design_without_an_assessment_does_not_qualify():
    answers = dict(DESIGN_ANSWERS, **{"N-1": {"value": 90}, "R-1": {"value": 0.5}})
    sheet = score(DESIGN, answers)
    # every value is met from the answers, but there is no LCA
    assert [r.code for r in sheet.failures] == ["no_assessment"]


def test_green_design_lists_its_unconfirmed_benchmark_and_warns_on_another_unit():
    assessment = dict(ASSESSMENT, product={"functional_unit": "1 pack"})
    sheet = score(DESIGN, DESIGN_ANSWERS, assessment=assessment)
    assert [(u.where, u.values, u.note) for u in sheet.unconfirmed] == [
        ("item N-1", {"benchmark": 100}, "placeholder")]
    assert sheet.item("N-1").unconfirmed
    assert [w.code for w in sheet.warnings] == ["functional_unit_differs"]


def test_green_design_a_baseline_no_and_a_missing_value_fail():
    answers = dict(DESIGN_ANSWERS, **{"B-2": NO, "P-1": {"answer": "yes"}})
    sheet = score(DESIGN, answers, assessment=ASSESSMENT)
    assert sheet.failed_items == ("B-2", "P-1")
    assert [r.code for r in sheet.failures] == ["baseline_failed", "benchmark_failed"]
    assert sheet.item("P-1").reason.message == "no value given"
    no_carbon = score(DESIGN, DESIGN_ANSWERS, assessment={"water": {"consumption_m3": 0.8}})
    assert no_carbon.item("N-1").reason.message == (
        "no value: neither the assessment (carbon.total) nor the answer gives one")


# --- product carbon footprint verification checklist ---------------------------------------------

PCF = criteria({
    "scheme": "pcf-verification", "version": "t1", "title": "t", "standard": "ISO 14067:2018",
    "source": "test", "total": {"method": "none"},
    "categories": [{"id": "fu", "title": "FU"}, {"id": "data", "title": "Data"}],
    "items": [
        item("FU-1", "checklist", "fu", required=True),
        item("BD-2", "checklist", "fu", required=True, na_allowed=True),
        item("CO-2", "checklist", "data", required=True, unit="%"),
        item("DQ-2", "checklist", "data", unit="%"),
    ],
})


def test_pcf_checklist_passes_with_yes_and_allowed_na():
    sheet = score(PCF, {"FU-1": YES, "BD-2": NA, "CO-2": {"answer": "yes", "value": "0.8",
                                                        "comment": "packaging film"},
                        "DQ-2": NO})
    assert sheet.passed  # DQ-2 "no" is not required
    assert sheet.item("BD-2").met is None and sheet.item("BD-2").reason.code == "not_applicable"
    assert sheet.item("CO-2").value == 0.8 and sheet.item("CO-2").comment == "packaging film"
    assert sheet.item("DQ-2").met is False
    assert sheet.total is None and sheet.unconfirmed == ()


def test_pcf_checklist_a_required_no_fails():
    sheet = score(PCF, {"FU-1": {"answer": "no", "comment": "declared unit missing"},
                        "BD-2": YES, "CO-2": YES})
    assert not sheet.passed and sheet.failed_items == ("FU-1",)
    assert sheet.failures[0].code == "required_failed"
    assert sheet.failures[0].params == {"item": "FU-1", "why": "not_met"}


def test_pcf_checklist_unanswered_required_fails():
    sheet = score(PCF, {"FU-1": YES, "BD-2": YES})
    assert sheet.failed_items == ("CO-2",)
    assert sheet.failures[0].params["why"] == "unanswered"


# --- bad answers and annual data are located errors ---------------------------------------------

@pytest.mark.parametrize("answers, path, code", [
    ({"ZZ-9": YES}, "answers.ZZ-9", "unknown_item"),
    ({"FU-1": {"answer": "maybe"}}, "answers.FU-1.answer", "unknown_answer"),
    ({"CO-2": {"answer": "yes", "value": "1,5"}}, "answers.CO-2.value", "ambiguous_number"),
    ({"CO-2": "yes"}, "answers.CO-2", "not_a_mapping"),
])
def test_an_unreadable_answer_names_item_and_field(answers, path, code):
    with pytest.raises(AnswerError) as caught:
        score(PCF, answers)
    assert str(caught.value).startswith(path + ": ") and caught.value.code == code


@pytest.mark.parametrize("site, path, code", [
    ({"energy_kwh": 1}, "site_data.energy_kwh", "unknown_annual_field"),
    ({"energy_tce": -1}, "site_data.energy_tce", "negative"),
    ({"energy_tce": "12"}, "site_data.energy_tce", "not_a_number"),
])
def test_bad_annual_data_names_the_field(site, path, code):
    with pytest.raises(AnnualDataError) as caught:
        score(FACTORY_2025, {}, site_data=site)
    assert str(caught.value).startswith(path + ": ") and caught.value.code == code


# --- purity --------------------------------------------------------------------------------------

def test_scoring_is_pure_same_inputs_same_sheet_inputs_untouched():
    answers = {"V-1": YES, "E-3": {"answer": "YES ", "value": "3", "comment": "c"}}
    site = dict(SITE)
    before = (copy.deepcopy(answers), copy.deepcopy(site), FACTORY_2025.model_dump())
    first = score(FACTORY_2025, answers, site_data=site)
    second = score(FACTORY_2025, answers, site_data=site)
    assert first == second and first.to_dict() == second.to_dict()
    assert (answers, site, FACTORY_2025.model_dump()) == before
    assessment = copy.deepcopy(ASSESSMENT)
    score(DESIGN, DESIGN_ANSWERS, assessment=assessment)
    assert assessment == ASSESSMENT


def test_every_shipped_file_scores_and_lists_its_unconfirmed_values():
    full_site = {name: 100.0 for name in
                 ("output_value_10k_cny", "energy_tce", "renewable_energy_tce", "carbon_t_co2e",
                  "water_withdrawal_m3", "water_reused_m3", "solid_waste_generated_t",
                  "solid_waste_used_t", "cod_kg", "ammonia_nitrogen_kg", "so2_kg", "nox_kg",
                  "particulates_kg", "vocs_kg", "land_area_m2", "building_footprint_m2",
                  "total_floor_area_m2", "product_categories", "product_categories_with_cfp")}
    for key, shipped in load_all(CRITERIA).items():
        answers = {i.id: YES for i in shipped.items if i.kind != "indicator"}
        sheet = score(shipped, answers, site_data=full_site, assessment=ASSESSMENT)
        assert sheet.criteria == key
        if shipped.scheme == "pcf-verification":
            assert sheet.passed and sheet.unconfirmed == ()
        else:
            # every unconfirmed value of the file is on the sheet, with its item or category
            flagged = ({f"item {i.id}" for i in shipped.items if i.unconfirmed}
                       | {f"category {c.id}" for c in shipped.categories if c.unconfirmed})
            assert flagged and flagged <= {u.where for u in sheet.unconfirmed}
        if shipped.total.method != "none":
            assert 0 <= sheet.total <= sheet.out_of
        json.dumps(sheet.to_dict())  # storable as JSON, every reason renders
        for entry in sheet.items:
            assert entry.reason.message
