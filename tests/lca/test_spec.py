"""ProductSpec validation: every bad field or line is named, and nothing partial is accepted."""
import json
import math

import pytest

from footprint.lca.spec import Catalogue, SpecError, load_spec_file, parse_spec, resolve

CATALOGUE = Catalogue(factor_units={"steel-bof": "kg", "elec-cn-lca-2024": "kWh",
                                    "truck-heavy-diesel": "t*km", "recycling-al-credit-cn": "t"},
                      water_regions=frozenset({"GLO", "CN", "CN-CQ"}),
                      credit_factors=frozenset({"recycling-al-credit-cn"}))


def spec(*lines, **product):
    return {"product": {"name": "widget", **product}, "lines": list(lines)}


def line(**fields):
    return {"stage": "materials", "name": "part", "amount": 1.0, "unit": "kg",
            "factor": "steel-bof", **fields}


def problems(data) -> list[str]:
    with pytest.raises(SpecError) as info:
        resolve(parse_spec(data), CATALOGUE)
    return info.value.problems


def test_unit_conversions_reach_the_factor_unit():
    lines = resolve(parse_spec(spec(
        line(amount=2500, unit="g"),                      # 2500 g = 2.5 kg
        line(amount=0.003, unit="t"),                     # 0.003 t = 3 kg
        line(stage="manufacturing", factor="elec-cn-lca-2024", amount=1.5, unit="MWh"),  # 1500 kWh
        line(stage="manufacturing", factor="elec-cn-lca-2024", amount=500, unit="Wh"),   # 0.5 kWh
        line(stage="manufacturing", factor="elec-cn-lca-2024", amount=7, unit="度"),     # 7 kWh
        line(stage="inbound_transport", factor="truck-heavy-diesel", amount=2000,
             unit="kg*km"),                               # 2000 kg·km = 2 t·km
        line(stage="manufacturing", factor=None, water="withdrawal", amount=250, unit="L"),
        line(stage="manufacturing", factor=None, water="discharge", amount=100, unit="L"),
        line(stage="manufacturing", factor=None, emission="SF6", amount=3, unit="g"),
        line(amount=0.5, unit="ton"),                     # metric tonne, not the US short ton
        line(amount=0.5, unit="mt"),                      # metric tonne, not a millitonne
        line(amount=2, unit="吨"),                        # 2 t = 2000 kg
        line(amount=3, unit="公斤"),                      # 3 kg
        line(amount=4, unit="KG"),                        # 4 kg
        line(stage="manufacturing", factor="elec-cn-lca-2024", amount=2, unit="万千瓦时"),
        # 2 x 10,000 kWh = 20,000 kWh
        line(stage="inbound_transport", factor="truck-heavy-diesel", amount=5, unit="吨公里"),
        line(stage="manufacturing", factor=None, water="withdrawal", amount=2, unit="方"),
    )), CATALOGUE)
    assert [round(l.flow_amount, 9) for l in lines] == [2.5, 3.0, 1500.0, 0.5, 7.0, 2.0,
                                                        0.25, -0.1, 0.003, 500.0, 500.0,
                                                        2000.0, 3.0, 4.0, 20000.0, 5.0, 2.0]


@pytest.mark.parametrize("bad, expected", [
    (line(factor="unobtainium"), "lines[0] (part): unknown factor 'unobtainium'"),
    (line(factor=None, emission="CO3"), "lines[0] (part): unknown gas 'CO3'"),
    (line(unit="kWh"), "lines[0] (part): unit 'kWh' cannot be converted to 'kg'"),
    (line(unit="bananas"), "lines[0] (part): unknown unit 'bananas'"),
    (line(stage="assembly"), "lines[0] (part): unknown stage 'assembly'"),
    (line(stage="use"), "lines[0] (part): stage 'use' is outside the cradle-to-gate boundary"),
    (line(emission="CO2"), "lines[0] (part): give exactly one of 'factor', 'emission' or 'water'"),
])
def test_bad_line_is_named(bad, expected):
    assert any(p.startswith(expected) for p in problems(spec(bad))), problems(spec(bad))


@pytest.mark.parametrize("amount", [-1.0, math.nan, math.inf])
def test_negative_or_non_finite_amount_is_refused(amount):
    found = problems(spec(line(), line(name="bad", amount=amount)))
    assert len(found) == 1 and found[0].startswith("lines[1] (bad).amount:")


def test_all_problems_are_reported_together():
    found = problems(spec(line(name="a", factor="nope"), line(name="b", unit="L")))
    assert len(found) == 2
    assert found[0].startswith("lines[0] (a)") and found[1].startswith("lines[1] (b)")


def test_structure_errors_name_the_field():
    assert problems({"product": {"name": ""}, "lines": []}) == [
        "product.name: String should have at least 1 character",
        "lines: List should have at least 1 item after validation, not 0",
    ]
    assert problems({"product": {"name": "x"}, "lines": [line(ammount=3)]})[0].startswith(
        "lines[0] (part).ammount:")


def test_custom_factor_code_may_not_shadow_the_dataset():
    data = spec(line())
    data["factors"] = [{"code": "steel-bof", "name": "mine", "unit": "kg", "co2e_fossil": 1,
                        "source": "supplier"}]
    assert problems(data) == ["factors[0] (steel-bof): code is already a dataset factor; "
                              "choose another code"]


def test_unknown_water_region():
    assert problems(spec(line(), water_region="Atlantis"))[0].startswith(
        "product.water_region: unknown region 'Atlantis'")


def test_cradle_to_grave_accepts_use_and_end_of_life():
    lines = resolve(parse_spec(spec(line(stage="use"), line(stage="end_of_life"),
                                    boundary="cradle-to-grave")), CATALOGUE)
    assert [l.stage for l in lines] == ["use", "end_of_life"]


def test_plant_level_allocation_gives_the_amount_per_unit():
    allocation = {"annual_amount": 1_200_000, "basis": "mass", "product_quantity": 300,
                  "plant_quantity": 1000, "units_per_year": 50_000}
    lines = resolve(parse_spec(spec(line(stage="manufacturing", factor="elec-cn-lca-2024",
                                         amount=None, unit="kWh", allocation=allocation))),
                    CATALOGUE)
    # 1,200,000 kWh a year x 300 t / 1000 t (product's share by mass) / 50,000 units = 7.2 kWh
    assert lines[0].flow_amount == pytest.approx(7.2)


def test_line_needs_amount_or_allocation_not_both():
    allocation = {"annual_amount": 10, "basis": "units", "product_quantity": 1,
                  "plant_quantity": 2, "units_per_year": 1}
    assert problems(spec(line(amount=None)))[0].startswith("lines[0] (part): give either "
                                                           "'amount'")
    assert problems(spec(line(allocation=allocation)))[0].startswith("lines[0] (part): give "
                                                                     "either")
    bad = dict(allocation, plant_quantity=0)
    assert problems(spec(line(amount=None, allocation=bad)))[0].startswith(
        "lines[0] (part).allocation.plant_quantity: must be a finite number above")


def test_credits_only_at_end_of_life():
    credit = line(factor="recycling-al-credit-cn", amount=1, unit="kg")
    assert problems(spec(credit))[0].startswith(
        "lines[0] (part): factor 'recycling-al-credit-cn' is a credit")
    lines = resolve(parse_spec(spec(dict(credit, stage="end_of_life"),
                                    boundary="cradle-to-grave",
                                    end_of_life_method="substitution")), CATALOGUE)
    assert lines[0].flow_amount == pytest.approx(0.001)  # 1 kg = 0.001 t


def test_more_water_discharged_than_withdrawn_is_refused():
    found = problems(spec(
        line(stage="manufacturing", factor=None, water="withdrawal", amount=100, unit="L"),
        line(stage="manufacturing", factor=None, water="discharge", amount=300, unit="L")))
    # 0.1 m3 in, 0.3 m3 out: 0.2 m3 more discharged than withdrawn
    assert found == ["lines: water discharged exceeds water withdrawn by 0.2 m3 per "
                     "functional unit"]


@pytest.mark.parametrize("field", ["co2e_fossil", "water_m3"])
def test_supplier_fossil_carbon_and_water_may_not_be_negative(field):
    data = spec(line(factor="acme", unit="piece"))
    data["factors"] = [{"code": "acme", "name": "A", "unit": "piece", "source": "s", field: -1}]
    assert problems(data)[0].startswith(f"factors[0].{field}: must be a finite")


def test_structural_and_catalogue_problems_come_in_one_report():
    data = spec(line(name="negative", amount=-1),
                line(name="mystery", factor="unobtainium"),
                line(name="wrong unit", unit="kWh"))
    with pytest.raises(SpecError) as info:
        parse_spec(data, CATALOGUE)
    assert info.value.problems == [
        "lines[0] (negative).amount: must be a finite number, zero or more",
        "lines[1] (mystery): unknown factor 'unobtainium'",
        "lines[2] (wrong unit): unit 'kWh' cannot be converted to 'kg'",
    ]


def errors(data, catalogue=None):
    """(code, field, line, line_name, location as written, params) of each problem."""
    with pytest.raises(SpecError) as info:
        if catalogue is None:
            parse_spec(data)
        else:
            resolve(parse_spec(data, catalogue), catalogue)
    return [(e.code, e.field, e.location.line, e.location.line_name, str(e.location), e.params)
            for e in info.value.errors]


def test_structure_errors_carry_code_field_line_and_parameters_for_translation():
    assert errors(spec()) == [("no_lines", "lines", None, "", "lines",
                               {"field_type": "List", "min_length": 1, "actual_length": 0})]
    assert errors(spec(line(), line(name="negative", amount=-1))) == [
        ("negative", "amount", 1, "negative", "lines[1] (negative).amount", {})]
    assert errors({"product": {"name": ""}, "lines": ["junk", line(name=None)]}) == [
        ("string_too_short", "name", None, "", "product.name", {"min_length": 1}),
        ("model_type", "", 0, "", "lines[0]", {"class_name": "Line"}),  # no name to show
        ("string_type", "name", 1, "", "lines[1].name", {})]


def test_catalogue_problems_carry_code_field_line_and_parameters():
    assert errors(spec(line(), line(name="mystery", factor="unobtainium")), CATALOGUE) == [
        ("unknown_factor", "reference", 1, "mystery", "lines[1] (mystery)",
         {"reference": "unobtainium"})]
    data = spec(line(name="negative", amount=-1), line(name="wrong unit", unit="kWh"))
    with pytest.raises(SpecError) as info:
        parse_spec(data, CATALOGUE)
    unit = info.value.errors[1]
    assert (unit.code, unit.field, unit.location.line, unit.location.line_name, unit.params) == (
        "unit_mismatch", "unit", 1, "wrong unit", {"unit": "kWh", "target": "kg"})


def catalogue_problems(data) -> list[str]:
    """The problems parse_spec reports for a spec that also has a structural error (the first
    line, a negative amount)."""
    with pytest.raises(SpecError) as info:
        parse_spec(data, CATALOGUE)
    return [p for p in info.value.problems if "negative" not in p]


BROKEN = line(name="negative", amount=-1)
USE = line(name="power", stage="use", factor="elec-cn-lca-2024", unit="kWh")


def test_catalogue_problems_of_a_broken_spec_use_its_boundary_or_the_widest():
    outside = "lines[1] (power): stage 'use' is outside the cradle-to-gate boundary"
    assert catalogue_problems(spec(BROKEN, USE)) == [outside]  # no boundary: cradle-to-gate
    assert catalogue_problems(spec(BROKEN, USE, boundary="cradle-to-gate")) == [outside]
    assert catalogue_problems(spec(BROKEN, USE, boundary="cradle-to-grave")) == []
    # an unknown boundary is reported by itself; the lines are checked against the widest
    assert catalogue_problems(spec(BROKEN, USE, boundary="moon")) == [
        "product.boundary: Input should be 'cradle-to-gate' or 'cradle-to-grave'"]


def test_catalogue_problems_of_a_broken_spec_know_its_supplier_factors():
    data = spec(BROKEN, line(name="pcb", factor="acme", unit="piece"))
    data["factors"] = [{"code": "acme", "name": "A", "unit": "piece", "source": "s"}]
    assert catalogue_problems(data) == []
    data["factors"] = [{"code": "acme", "name": "A", "unit": "kg", "source": "s"}]
    assert catalogue_problems(data) == [
        "lines[1] (pcb): unit 'piece' cannot be converted to 'kg'"]


@pytest.mark.parametrize("junk", [{"product": "fan"}, {"factors": ["x", {"unit": "kg"}]},
                                  {"lines": 5}])
def test_junk_in_a_broken_spec_is_reported_not_crashed_on(junk):
    data = {**spec(BROKEN), **junk}
    with pytest.raises(SpecError) as info:
        parse_spec(data, CATALOGUE)
    assert info.value.problems


def test_resolved_lines_name_their_kind_reference_and_amounts():
    data = spec(line(name="pcb", factor="acme", amount=3, unit="piece"),
                line(name="gas", stage="manufacturing", factor=None, emission="sf6", amount=2,
                     unit="g"),
                line(name="water", stage="manufacturing", factor=None, water="withdrawal",
                     amount=500, unit="L"))
    data["factors"] = [{"code": "acme", "name": "A", "unit": "piece", "source": "s"}]
    resolved = resolve(parse_spec(data), CATALOGUE)
    assert [(l.index, l.stage, l.name, l.kind, l.reference, l.amount, l.unit,
             round(l.flow_amount, 9)) for l in resolved] == [
        (0, "materials", "pcb", "custom_factor", "acme", 3.0, "piece", 3.0),
        (1, "manufacturing", "gas", "emission", "SF6", 2.0, "g", 0.002),  # 2 g = 0.002 kg
        (2, "manufacturing", "water", "water", "withdrawal", 500.0, "L", 0.5)]  # 500 L = 0.5 m3


def test_supplier_factor_problems_carry_code_path_and_parameters():
    data = spec(line())
    data["factors"] = [
        {"code": "acme", "name": "A", "unit": "kg", "source": "s"},
        {"code": "acme", "name": "B", "unit": "bananas", "water_region": "Atlantis",
         "source": "s"},
        {"code": "steel-bof", "name": "C", "unit": "kg", "source": "s"}]
    with pytest.raises(SpecError) as info:
        resolve(parse_spec(data), CATALOGUE)
    assert [(e.code, e.field, str(e.location), e.params) for e in info.value.errors] == [
        ("duplicate_code", "code", "factors[1] (acme)", {"code_value": "acme"}),
        ("unknown_water_region", "water_region", "factors[1] (acme)",
         {"code_value": "acme", "region": "Atlantis"}),
        ("unknown_unit", "unit", "factors[1] (acme)", {"code_value": "acme", "unit": "bananas"}),
        ("dataset_code", "code", "factors[2] (steel-bof)", {"code_value": "steel-bof"})]
    assert info.value.problems == [
        "factors[1] (acme): duplicate code",
        "factors[1] (acme): unknown water_region 'Atlantis'",
        "factors[1] (acme): unknown unit 'bananas'",
        "factors[2] (steel-bof): code is already a dataset factor; choose another code"]


def test_spec_level_problems_carry_code_and_parameters():
    with pytest.raises(SpecError) as info:
        resolve(parse_spec(spec(
            line(stage="manufacturing", factor=None, water="discharge", amount=100, unit="L"),
            water_region="Atlantis")), CATALOGUE)
    assert [(e.code, e.field, str(e.location), e.params) for e in info.value.errors] == [
        ("unknown_water_region", "water_region", "product.water_region", {"region": "Atlantis"}),
        ("net_water_negative", "", "lines", {"excess": pytest.approx(0.1)})]  # 100 L = 0.1 m3
    assert info.value.problems[0] == ("product.water_region: unknown region 'Atlantis' "
                                      "(known: CN, CN-CQ, GLO)")


@pytest.mark.parametrize("bad, code, field, params", [
    (line(stage="attic"), "unknown_stage", "stage", {"stage": "attic"}),
    (line(stage="use"), "outside_boundary", "stage",
     {"stage": "use", "boundary": "cradle-to-gate"}),
    (line(emission="CO2"), "one_reference", "reference", {}),
    (line(factor=None), "one_reference", "reference", {}),
    (line(factor=None, emission="CO3"), "unknown_gas", "reference", {"reference": "CO3"}),
    (line(factor=None, water="rain"), "unknown_water_kind", "reference", {"reference": "rain"}),
    (line(factor="recycling-al-credit-cn"), "credit_outside_end_of_life", "reference",
     {"reference": "recycling-al-credit-cn"}),
    (line(unit="bananas"), "unknown_unit", "unit", {"unit": "bananas", "target": "kg"}),
])
def test_line_problems_carry_code_field_and_parameters(bad, code, field, params):
    assert errors(spec(bad), CATALOGUE) == [(code, field, 0, "part", "lines[0] (part)", params)]


def test_supplier_biogenic_and_land_use_carbon_may_be_negative_but_not_infinite():
    data = spec(line(factor="acme", unit="piece"))
    factor = {"code": "acme", "name": "A", "unit": "piece", "source": "s"}
    data["factors"] = [dict(factor, co2e_biogenic=-1.5, co2e_land_use=-0.5)]  # removals
    assert resolve(parse_spec(data), CATALOGUE)[0].kind == "custom_factor"
    for field in ("co2e_biogenic", "co2e_land_use"):
        data["factors"] = [dict(factor, **{field: math.inf})]
        assert problems(data) == [f"factors[0].{field}: must be a finite number"]


def test_spec_files_are_read_as_json_or_yaml(tmp_path):
    data = spec(line())
    (tmp_path / "fan.json").write_text(json.dumps(data), encoding="utf-8")
    (tmp_path / "fan.yaml").write_text("product: {name: widget}\nlines:\n"
                                       "  - {stage: materials, name: part, amount: 1.0, "
                                       "unit: kg, factor: steel-bof}\n", encoding="utf-8")
    assert load_spec_file(tmp_path / "fan.json") == load_spec_file(tmp_path / "fan.yaml") \
        == parse_spec(data)
    (tmp_path / "bad.json").write_text("{'product':", encoding="utf-8")
    with pytest.raises(SpecError) as info:
        load_spec_file(tmp_path / "bad.json")
    (error,) = info.value.errors
    assert (error.code, str(error.location), list(error.params)) == (
        "not_json_or_yaml", "bad.json", ["detail"])
    assert "line 1 column 2" in error.params["detail"]  # the JSON parser's own words
    assert error.message == f"not valid JSON/YAML: {error.params['detail']}"
    # a .json file is read by the JSON parser: tab-indented JSON, which YAML refuses, is fine
    (tmp_path / "tabs.json").write_text(json.dumps(data, indent="\t"), encoding="utf-8")
    assert load_spec_file(tmp_path / "tabs.json") == parse_spec(data)
    (tmp_path / "bad.yaml").write_text("lines: [", encoding="utf-8")
    with pytest.raises(SpecError):
        load_spec_file(tmp_path / "bad.yaml")
    (tmp_path / "broken.yaml").write_text("product: {name: widget}\nlines:\n"
                                          "  - {stage: materials, name: part, amount: 1.0, "
                                          "unit: kg, factor: steel-bof, colour: red}\n"
                                          "  - {stage: materials, name: other, amount: 1.0, "
                                          "unit: kg, factor: unobtainium}\n",
                                          encoding="utf-8")
    with pytest.raises(SpecError) as info:  # the catalogue is passed on to parse_spec
        load_spec_file(tmp_path / "broken.yaml", CATALOGUE)
    assert [e.code for e in info.value.errors] == ["extra_forbidden", "unknown_factor"]


@pytest.mark.parametrize("data", ["lines: []", [spec(line())], None])
def test_a_spec_that_is_not_an_object_is_refused_as_a_whole(data):
    assert errors(data) == [("not_an_object", "", None, "", "spec", {})]
    with pytest.raises(SpecError) as info:
        parse_spec(data)
    assert info.value.problems == ["spec: must be an object with 'product' and 'lines'"]


# End of life and recycling (issue 9): one method per product, credits and double counts.
RECYCLING = Catalogue(
    factor_units={"al-recycled-cn": "t", "recycling-al-credit-cn": "t", "steel-bof": "t",
                  "recycling-plastics-mechanical-cn": "t"},
    water_regions=frozenset({"CN"}),
    credit_factors=frozenset({"recycling-al-credit-cn", "recycling-plastics-mechanical-cn"}),
    recycled_content={"al-recycled-cn": "aluminium"},
    credit_materials={"recycling-al-credit-cn": "aluminium",
                      "recycling-plastics-mechanical-cn": "plastics"})
FRAME = line(name="frame", factor="al-recycled-cn", amount=2)
AL_CREDIT = line(name="frame recycled", stage="end_of_life", factor="recycling-al-credit-cn",
                 amount=2)


def grave(*lines, **product):
    return spec(*lines, boundary="cradle-to-grave", **product)


def test_a_credit_under_cut_off_is_refused_naming_the_line_and_the_setting():
    for data in (grave(AL_CREDIT), grave(AL_CREDIT, end_of_life_method="cut-off")):
        assert errors(data, RECYCLING) == [(
            "credit_under_cut_off", "reference", 0, "frame recycled", "lines[0] (frame recycled)",
            {"reference": "recycling-al-credit-cn", "end_of_life_method": "cut-off"})]
    with pytest.raises(SpecError) as info:
        resolve(parse_spec(grave(AL_CREDIT)), RECYCLING)
    assert info.value.problems == [
        "lines[0] (frame recycled): factor 'recycling-al-credit-cn' is a credit (negative "
        "emissions), and the product's end-of-life method (product.end_of_life_method) is "
        "'cut-off', which gives no credit for recycling or energy recovery; remove the line or "
        "choose 'substitution' or 'cff'"]


def test_credits_are_allowed_under_substitution_and_refused_under_cff():
    lines = resolve(parse_spec(grave(AL_CREDIT, end_of_life_method="substitution")), RECYCLING)
    assert lines[0].flow_amount == pytest.approx(0.002)  # 2 kg = 0.002 t
    # under cff, recycling at end of life is the material line's R2 (tests/lca/test_cff.py)
    with pytest.raises(SpecError) as info:
        resolve(parse_spec(grave(AL_CREDIT, end_of_life_method="cff")), RECYCLING)
    assert [e.code for e in info.value.errors] == ["credit_under_cff"]


def test_the_form_check_of_one_line_knows_the_method():
    from footprint.lca.spec import Line, LineProblem, check_line

    credit = Line.model_validate(AL_CREDIT)
    with pytest.raises(LineProblem) as info:
        check_line(credit, "cradle-to-grave", RECYCLING, end_of_life_method="cut-off")
    assert info.value.code == "credit_under_cut_off"
    with pytest.raises(TypeError):  # every caller says which method: no silent cut-off
        check_line(credit, "cradle-to-grave", RECYCLING)
    assert check_line(credit, "cradle-to-grave", RECYCLING,
                      end_of_life_method="substitution")[2] == pytest.approx(0.002)


@pytest.mark.parametrize("method", ["substitution"])
def test_recycled_content_and_its_credit_are_refused_naming_both_lines(method):
    data = grave(FRAME, line(name="steel", factor="steel-bof"), AL_CREDIT,
                 end_of_life_method=method)
    with pytest.raises(SpecError) as info:
        resolve(parse_spec(data), RECYCLING)
    assert info.value.problems == [
        "lines[2] (frame recycled): line 0 (frame) takes recycled aluminium in at the cut-off "
        "value (factor 'al-recycled-cn') and line 2 (frame recycled) claims a credit for "
        "recycling aluminium at end of life (factor 'recycling-al-credit-cn'): the recycling "
        "would be counted twice; remove the credit or enter the material at its primary value"]
    problem = info.value.errors[0]
    assert (problem.code, problem.field, problem.location.line) == (
        "recycled_content_and_credit", "reference", 2)
    assert problem.params == {
        "material": "aluminium", "recycled_line": 0, "recycled_line_name": "frame",
        "recycled_factor": "al-recycled-cn", "credit_line": 2,
        "credit_line_name": "frame recycled", "credit_factor": "recycling-al-credit-cn"}


def test_a_credit_for_another_material_is_no_double_count():
    plastics = dict(AL_CREDIT, name="casing recycled",
                    factor="recycling-plastics-mechanical-cn")
    lines = resolve(parse_spec(grave(FRAME, plastics, end_of_life_method="substitution")),
                    RECYCLING)
    assert [line.reference for line in lines] == ["al-recycled-cn",
                                                  "recycling-plastics-mechanical-cn"]


def test_the_shipped_recycling_map_pairs_aluminium_content_with_its_credit():
    from footprint.lca.dataset import catalogue

    shipped = catalogue()
    data = grave(FRAME, AL_CREDIT, end_of_life_method="substitution")
    with pytest.raises(SpecError) as info:
        resolve(parse_spec(data), shipped)
    assert [e.code for e in info.value.errors] == ["recycled_content_and_credit"]


def test_an_unknown_end_of_life_method_is_named():
    assert errors(spec(line(), end_of_life_method="landfill")) == [(
        "literal_error", "end_of_life_method", None, "", "product.end_of_life_method",
        {"expected": "'cut-off', 'substitution' or 'cff'"})]


@pytest.mark.parametrize("field", ["co2_biogenic_removal", "biogenic_carbon_kg"])
def test_supplier_removal_and_carbon_content_may_not_be_negative(field):
    data = spec(line(factor="acme", unit="piece"))
    data["factors"] = [{"code": "acme", "name": "A", "unit": "piece", "source": "s", field: -1}]
    assert problems(data)[0].startswith(f"factors[0].{field}: must be a finite")


def test_supplier_reporting_fields_default_to_none_stated():
    data = spec(line(factor="acme", unit="piece"))
    data["factors"] = [{"code": "acme", "name": "A", "unit": "piece", "source": "s"}]
    factor = parse_spec(data).factors[0]
    assert (factor.co2_biogenic_removal, factor.biogenic_carbon_kg, factor.land_use_assessed) == (
        0.0, None, False)


def test_a_credit_under_cut_off_comes_with_the_structural_problems():
    with pytest.raises(SpecError) as info:
        parse_spec(grave(line(name="negative", amount=-1), AL_CREDIT), RECYCLING)
    assert [e.code for e in info.value.errors] == ["negative", "credit_under_cut_off"]
    with pytest.raises(SpecError) as info:
        parse_spec(grave(line(name="negative", amount=-1), AL_CREDIT,
                         end_of_life_method="cff"), RECYCLING)
    assert [e.code for e in info.value.errors] == ["negative", "credit_under_cff"]
