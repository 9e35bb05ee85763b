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
                                      "qsin_qp": 1.0, "qsout_qp": 1.0}
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
     "cff_disposal_is_a_credit", "cff"),
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
