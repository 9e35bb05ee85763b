"""The EU Circular Footprint Formula of a material line (footprint/lca/circular.py), computed by
the engine on the shipped rows: al-primary-cn 15947 and al-recycled-cn 845 kg CO2e per t (so
15.947 and 0.845 per kg), landfill-inert-metal-glass-ipcc 0 per kg."""
import pytest

from footprint.lca import parse_spec
from footprint.lca.spec import SpecError

EV, EREC, ED = 15.947, 0.845, 0.0  # kg CO2e per kg: virgin, recycled, disposal
REL = 1e-6  # Brightway keeps its matrices in float32


def frame(**cff):
    parameters = {"a": 0.2, "r1": 0.3, "r2": 0.8, "recycled": "al-recycled-cn",
                  "disposal": "landfill-inert-metal-glass-ipcc", **cff}
    return {"stage": "materials", "name": "frame", "factor": "al-primary-cn", "amount": 2,
            "unit": "kg", "cff": {k: v for k, v in parameters.items() if v is not None}}


def spec(*lines, method="cff", boundary="cradle-to-grave"):
    return parse_spec({"product": {"name": "bike", "boundary": boundary,
                                   "end_of_life_method": method}, "lines": list(lines)})


def test_the_formula_line_by_term(assessor):
    result = assessor.assess(spec(frame()), iterations=0).to_dict()
    terms = {line["cff"]["term"]: line for line in result["lines"]}
    assert {term: line["carbon"] for term, line in terms.items()} == pytest.approx({
        "virgin": 2 * ((1 - 0.3) + 0.3 * (1 - 0.2) * 1.0) * EV,  # 1.88 kg primary -> 29.98036
        "recycled_content": 2 * 0.3 * 0.2 * EREC,  # 0.12 kg recycled -> 0.1014
        "recycling_end_of_life": 2 * (1 - 0.2) * 0.8 * EREC,  # 1.28 kg remelted -> 1.0816
        "recycling_credit": -2 * (1 - 0.2) * 0.8 * 1.0 * EV,  # 1.28 kg primary avoided
        "disposal": 2 * (1 - 0.8) * ED,  # 0.4 kg to landfill -> 0
    }, rel=REL)
    # the same total as the formula written per kg, times 2 kg
    per_kg = ((1 - 0.3) * EV + 0.3 * (0.2 * EREC + (1 - 0.2) * EV * 1.0)
              + (1 - 0.2) * 0.8 * (EREC - EV * 1.0) + (1 - 0.8) * ED)
    assert per_kg == pytest.approx(5.3756, rel=1e-12)
    assert result["carbon"]["total"] == pytest.approx(2 * per_kg, rel=REL)  # 10.7512
    assert result["carbon"]["credits"] == pytest.approx(-2 * 0.8 * 0.8 * EV, rel=REL)
    assert {line["stage"] for line in result["lines"] if line["cff"]["term"] in (
        "recycling_end_of_life", "recycling_credit", "disposal")} == {"end_of_life"}
    assert terms["virgin"]["cff"] == {"term": "virgin", "a": 0.2, "r1": 0.3, "r2": 0.8,
                                      "qsin_qp": 1.0, "qsout_qp": 1.0, "r3": 0.0, "b": 0.0,
                                      "lhv": None, "xer_heat": 0.0, "xer_electricity": 0.0}
    assert all(line["index"] == 0 for line in result["lines"])  # all from spec line 0


def test_a_moves_burdens_and_credits_between_supplier_and_user(assessor):
    half = assessor.assess(spec(frame(a=0.5)), iterations=0).carbon()
    per_kg = ((1 - 0.3) * EV + 0.3 * (0.5 * EREC + 0.5 * EV) + 0.5 * 0.8 * (EREC - EV))
    assert half == pytest.approx(2 * per_kg, rel=REL)  # 15.2818, against 10.7512 at A = 0.2
    assert half != pytest.approx(assessor.assess(spec(frame()), iterations=0).carbon(), rel=0.1)


def test_quality_ratios_scale_the_recycled_input_and_output(assessor):
    total = assessor.assess(spec(frame(qsin_qp=0.9, qsout_qp=0.7)), iterations=0).carbon()
    per_kg = ((1 - 0.3) * EV + 0.3 * (0.2 * EREC + 0.8 * EV * 0.9)
              + 0.8 * 0.8 * (EREC - EV * 0.7))
    assert total == pytest.approx(2 * per_kg, rel=REL)


def test_no_recycling_in_or_out_is_virgin_material_and_disposal(assessor):
    result = assessor.assess(spec(frame(r1=0, r2=0)), iterations=0)
    assert result.carbon() == pytest.approx(2 * EV + 2 * ED, rel=REL)  # 31.894
    assert [line.cff["term"] for line in result.lines] == ["virgin", "disposal"]


def test_cff_and_substitution_differ_on_the_same_material(assessor):
    substitution = assessor.assess(parse_spec({
        "product": {"name": "bike", "boundary": "cradle-to-grave",
                    "end_of_life_method": "substitution"},
        "lines": [{"stage": "materials", "name": "frame", "factor": "al-primary-cn",
                   "amount": 2, "unit": "kg"},
                  {"stage": "end_of_life", "name": "frame recycled",
                   "factor": "recycling-al-credit-cn", "amount": 1.6, "unit": "kg"}]}),
        iterations=0).carbon()
    assert substitution == pytest.approx(2 * EV + 1.6 * -15.102, rel=REL)  # 7.7308
    cff = assessor.assess(spec(frame()), iterations=0).carbon()
    assert cff == pytest.approx(10.7512, rel=REL) and cff - substitution > 3


def test_cradle_to_gate_keeps_the_recycled_content_part_only(assessor):
    lines = frame(r2=0, disposal=None)
    result = assessor.assess(spec(lines, boundary="cradle-to-gate"), iterations=0)
    assert result.carbon() == pytest.approx(2 * 0.94 * EV + 2 * 0.3 * 0.2 * EREC, rel=REL)


@pytest.mark.parametrize(("line", "method", "boundary", "code", "field"), [
    (frame(), "substitution", "cradle-to-grave", "cff_needs_method", "cff"),
    (frame(disposal=None), "cff", "cradle-to-grave", "cff_disposal_missing", "cff"),
    (frame(), "cff", "cradle-to-gate", "cff_end_of_life_outside_boundary", "cff"),
    (frame(recycled="al-rcycled-cn"), "cff", "cradle-to-grave", "cff_unknown_factor", "cff"),
    (frame(disposal="recycling-al-credit-cn"), "cff", "cradle-to-grave",
     "cff_factor_is_a_credit", "cff"),
    ({**frame(), "stage": "manufacturing"}, "cff", "cradle-to-grave", "cff_not_a_material",
     "cff"),
])
def test_refusals_name_the_line_and_the_parameter(assessor, line, method, boundary, code,
                                                   field):
    with pytest.raises(SpecError) as info:
        assessor.assess(spec(line, method=method, boundary=boundary), iterations=0)
    error = info.value.errors[0]
    assert (error.code, error.field, error.location.line, error.location.line_name) == (
        code, field, 0, "frame")


def test_parameters_out_of_range_are_refused_by_name():
    with pytest.raises(SpecError) as info:
        spec(frame(a=0.9, r1=1.2))
    assert [e.location.path for e in info.value.errors] == ["lines[0] (frame).cff.a",
                                                            "lines[0] (frame).cff.r1"]


def test_a_plain_credit_line_under_cff_is_refused(assessor):
    credit = {"stage": "end_of_life", "name": "scrap", "factor": "recycling-al-credit-cn",
              "amount": 1, "unit": "kg"}
    with pytest.raises(SpecError) as info:
        assessor.assess(spec(frame(), credit), iterations=0)
    assert [(e.code, e.location.line) for e in info.value.errors] == [("credit_under_cff", 1)]


# The energy-recovery part, on a PET bottle: pet-filament-virgin-cn 1.493 and
# pet-filament-recycled-cn 1.172 kg CO2e/kg; incineration-msw-grate-gross-cn 398.89 per t
# (0.39889 per kg); ng-combustion-per-gj 56.1 CO2 + 0.001 CH4 x 29.8 + 0.0001 N2O x 273
# = 56.1571 kg CO2e per GJ; elec-cn-lca-2024 0.5777 per kWh; landfill-plastic-packaging-cn
# 74.8 per t (0.0748 per kg).
PET_V, PET_R, EER, HEAT_GJ, ELEC, LANDFILL = 1.493, 1.172, 0.39889, 56.1571, 0.5777, 0.0748


def bottle(**cff):
    parameters = {"a": 0.5, "r2": 0.3, "r3": 0.4, "recycled": "pet-filament-recycled-cn",
                  "energy_recovery": "incineration-msw-grate-gross-cn", "lhv": 22,
                  "xer_heat": 0.1, "xer_electricity": 0.2, "heat": "ng-combustion-per-gj",
                  "electricity": "elec-cn-lca-2024",
                  "disposal": "landfill-plastic-packaging-cn", **cff}
    return {"stage": "packaging", "name": "bottle", "factor": "pet-filament-virgin-cn",
            "amount": 0.5, "unit": "kg",
            "cff": {k: v for k, v in parameters.items() if v is not None}}


def test_energy_recovery_terms(assessor):
    result = assessor.assess(spec(bottle()), iterations=0).to_dict()
    terms = {line["cff"]["term"]: line["carbon"] for line in result["lines"]}
    assert terms == pytest.approx({
        "virgin": 0.5 * PET_V,  # R1 = 0: all virgin
        "recycling_end_of_life": 0.5 * PET_R * (1 - 0.5) * 0.3,
        "recycling_credit": -0.5 * PET_V * (1 - 0.5) * 0.3 * 1.0,
        "energy_recovery": 0.5 * EER * (1 - 0) * 0.4,  # 0.2 kg burnt -> 0.079778
        # 0.5 kg x 0.4 x 22 MJ/kg x 0.1 = 0.44 MJ of heat = 0.00044 GJ
        "energy_credit_heat": -0.5 * 0.4 * 22 * 0.1 / 1000 * HEAT_GJ,
        # 0.5 kg x 0.4 x 22 MJ/kg x 0.2 = 0.88 MJ = 0.88 / 3.6 kWh
        "energy_credit_electricity": -0.5 * 0.4 * 22 * 0.2 / 3.6 * ELEC,
        "disposal": 0.5 * LANDFILL * (1 - 0.3 - 0.4),
    }, rel=REL)
    per_kg = (PET_V + (1 - 0.5) * 0.3 * (PET_R - PET_V)
              + 0.4 * (EER - 22 * 0.1 / 1000 * HEAT_GJ - 22 * 0.2 / 3.6 * ELEC)
              + 0.3 * LANDFILL)
    # the formula per kg, as PEF writes it: 1.493 + 0.15 x (1.172 - 1.493) = 1.44485;
    # 0.4 x (0.39889 - 0.0022 x 56.1571 - 1.22222 x 0.5777) = -0.17229; 0.3 x 0.0748 = 0.02244
    assert per_kg == pytest.approx(1.44485 - 0.17229 + 0.02244, abs=1e-5)  # 1.29500
    assert result["carbon"]["total"] == pytest.approx(0.5 * per_kg, rel=REL)
    # the two energy credits and the recycling credit are credits
    assert result["carbon"]["credits"] == pytest.approx(
        terms["recycling_credit"] + terms["energy_credit_heat"]
        + terms["energy_credit_electricity"], rel=REL)


def test_b_gives_part_of_energy_recovery_to_the_supplier(assessor):
    whole = {line.cff["term"]: line.carbon["total"]
             for line in assessor.assess(spec(bottle()), iterations=0).lines}
    half = {line.cff["term"]: line.carbon["total"]
            for line in assessor.assess(spec(bottle(b=0.5)), iterations=0).lines}
    for term in ("energy_recovery", "energy_credit_heat", "energy_credit_electricity"):
        assert half[term] == pytest.approx(whole[term] * (1 - 0.5), rel=REL)
    assert half["disposal"] == pytest.approx(whole["disposal"], rel=REL)  # (1 - R2 - R3) ED


@pytest.mark.parametrize(("changes", "code"), [
    ({"energy_recovery": None}, "cff_energy_recovery_missing"),
    ({"lhv": None}, "cff_lhv_missing"),
    ({"heat": None}, "cff_factor_missing"),
    ({"heat": "ng-combustion"}, "unit_mismatch"),  # per m3 of gas, not per unit of energy
    ({"energy_recovery": "incineration-msw-wte-cn"}, "cff_factor_is_a_credit"),  # net row
    ({"r2": 0.3, "r3": 0.4, "disposal": None}, "cff_disposal_missing"),
])
def test_energy_recovery_refusals_name_the_line(assessor, changes, code):
    with pytest.raises(SpecError) as info:
        assessor.assess(spec(bottle(**changes)), iterations=0)
    error = info.value.errors[0]
    assert (error.code, error.field, error.location.line_name) == (code, "cff", "bottle")


def test_energy_recovery_on_a_line_not_in_mass_is_refused(assessor):
    with pytest.raises(SpecError) as info:
        assessor.assess(spec({**bottle(), "amount": 2, "unit": "piece"}), iterations=0)
    assert info.value.errors[0].code == "unit_mismatch"  # "piece" is not a mass for cff.lhv


def test_shares_above_the_whole_are_refused_by_name():
    with pytest.raises(SpecError) as info:
        spec(bottle(r2=0.7, r3=0.4))
    assert [(e.code, e.location.path) for e in info.value.errors] == [
        ("cff_r2_r3_above_one", "lines[0] (bottle).cff")]
    with pytest.raises(SpecError) as info:
        spec(bottle(xer_heat=0.7, xer_electricity=0.4))
    assert info.value.errors[0].code == "cff_efficiency_above_one"


def test_no_energy_recovery_leaves_the_formula_as_before(assessor):
    # r3 = 0: the energy fields are not needed and the terms are those of the frame above
    result = assessor.assess(spec(frame()), iterations=0).to_dict()
    assert {line["cff"]["term"] for line in result["lines"]} == {
        "virgin", "recycled_content", "recycling_end_of_life", "recycling_credit", "disposal"}
