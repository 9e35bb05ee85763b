"""ISO 14067 reporting keys of an assessment: biogenic emissions and removals apart, biogenic
carbon content, land use assessed or not, credits apart from emissions, water coverage, and each
line's credit / water / land-use / primary flags.

Factor values come from datasets/factors/*.csv (row code beside each) or from the supplier
factors written below; Brightway stores matrix values in float32, hence rel=1e-6.
"""
import pytest

from footprint.lca import parse_spec

REL = 1e-6


def line(stage, name, amount, unit, **kind):
    return {"stage": stage, "name": name, "amount": amount, "unit": unit, **kind}


# A supplier's wooden part: fossil 0.5, biogenic emissions 0.3 and 1.2 kg CO2 taken up per kg,
# holding 0.45 kg biogenic carbon per kg: net negative, yet no credit.
WOOD = {"code": "acme-wood", "name": "Wooden case, supplier Acme", "unit": "kg",
        "co2e_fossil": 0.5, "co2e_biogenic": 0.3, "co2_biogenic_removal": 1.2,
        "biogenic_carbon_kg": 0.45, "source": "supplier PCF 2025"}
# A supplier's carton that states its land-use change as a documented zero.
CARTON = {"code": "acme-carton", "name": "Carton, supplier Acme", "unit": "kg",
          "co2e_fossil": 0.8, "co2e_land_use": 0.0, "land_use_assessed": True,
          "biogenic_carbon_kg": 0.4, "source": "supplier PCF 2025"}

SPEC = {
    "product": {"name": "speaker", "boundary": "cradle-to-grave",
                "end_of_life_method": "substitution"},
    "factors": [WOOD, CARTON],
    "lines": [
        line("materials", "wooden case", 2, "kg", factor="acme-wood"),
        line("materials", "aluminium frame", 0.5, "kg", factor="al-recycled-cn"),
        line("manufacturing", "electricity", 10, "kWh", factor="elec-cn-lca-2024"),
        line("manufacturing", "digester vent", 10, "g", emission="CH4-biogenic"),
        line("packaging", "carton", 0.3, "kg", factor="acme-carton"),
        line("end_of_life", "plastics recycled", 0.2, "kg",
             factor="recycling-plastics-mechanical-cn"),
    ],
}

# kg CO2e per line, by hand:
WOOD_CASE = 2 * (0.5 + 0.3 - 1.2)             # = -0.8 (removal counted -1 per kg CO2)
FRAME = 0.0005 * 845                          # 0.5 kg = 0.0005 t x 845 (al-recycled-cn) = 0.4225
ELECTRICITY = 10 * 0.5777                     # elec-cn-lca-2024 = 5.777
VENT = 0.01 * 27.0                            # 10 g CH4 non-fossil x GWP100 27.0 = 0.27
CARTON_LINE = 0.3 * 0.8                       # = 0.24
CREDIT = 0.0002 * -451.31                     # 0.2 kg = 0.0002 t (plastics recycling) = -0.090262
TOTAL = WOOD_CASE + FRAME + ELECTRICITY + VENT + CARTON_LINE + CREDIT  # = 5.819238


@pytest.fixture(scope="module")
def result(assessor):
    return assessor.assess(parse_spec(SPEC)).to_dict()


def test_biogenic_emissions_and_removals_are_reported_apart(result):
    carbon = result["carbon"]
    assert carbon["total"] == pytest.approx(TOTAL, rel=REL)
    # 2 kg x 0.3 (wood) + 0.01 kg CH4 x 27.0 (vent) = 0.6 + 0.27 = 0.87
    assert carbon["biogenic_emissions"] == pytest.approx(2 * 0.3 + 0.01 * 27.0, rel=REL)
    assert carbon["biogenic_removals"] == pytest.approx(-2 * 1.2, rel=REL)  # = -2.4
    assert carbon["biogenic"] == pytest.approx(0.87 - 2.4, rel=REL)  # = -1.53
    assert carbon["biogenic"] == pytest.approx(
        carbon["biogenic_emissions"] + carbon["biogenic_removals"], rel=REL)
    # fossil: 2 x 0.5 + 0.4225 + 5.777 + 0.24 - 0.090262 = 7.349238; biogenic methane is not fossil
    assert carbon["fossil"] == pytest.approx(2 * 0.5 + FRAME + ELECTRICITY + CARTON_LINE + CREDIT,
                                             rel=REL)
    wood = result["lines"][0]
    assert wood["carbon_detail"]["biogenic_removals"] == pytest.approx(-2.4, rel=REL)
    assert wood["carbon"] == pytest.approx(WOOD_CASE, rel=REL)


def test_biogenic_carbon_content_of_product_and_packaging(result):
    content = result["carbon"]["biogenic_carbon_content"]
    # the aluminium frame's row has no carbon content: the product's is the wood alone
    assert content["product"] == pytest.approx(2 * 0.45)  # = 0.9 kg C
    assert content["packaging"] == pytest.approx(0.3 * 0.4)  # = 0.12 kg C
    assert result["lines"][0]["biogenic_carbon_kg"] == pytest.approx(0.9)
    assert result["lines"][1]["biogenic_carbon_kg"] is None


def test_credits_are_shown_apart_from_the_emissions(result):
    carbon = result["carbon"]
    assert carbon["credits"] == pytest.approx(CREDIT, rel=REL)  # = -0.090262
    # 5.819238 + 0.090262 = 5.9095; the wood line is net negative (-0.8) but no credit
    assert carbon["emissions_excluding_credits"] == pytest.approx(TOTAL - CREDIT, rel=REL)
    assert [item["credit"] for item in result["lines"]] == [False] * 5 + [True]
    assert result["product"]["end_of_life_method"] == "substitution"


def test_line_flags_and_land_use_assessed(result):
    flags = [(item["name"], item["primary"], item["has_water_data"], item["has_land_use_data"])
             for item in result["lines"]]
    assert flags == [
        ("wooden case", True, False, False),        # supplier factor: primary, no water stated
        ("aluminium frame", False, False, False),   # background row without water
        ("electricity", False, True, False),        # elec-cn-lca-2024 carries 0.0019 m3/kWh
        ("digester vent", True, True, False),       # direct emission: no upstream, no water
        ("carton", True, False, True),              # supplier states land use (as 0)
        ("plastics recycled", False, False, False),
    ]
    assert result["carbon"]["land_use_assessed"] is True
    assert result["carbon"]["land_use"] == 0.0


def test_water_coverage_is_weighted_by_carbon(result):
    # lines with water data: electricity 5.777 and vent 0.27, over the sum of |carbon| of all
    # lines: 0.8 + 0.4225 + 5.777 + 0.27 + 0.24 + 0.090262 = 7.599762 -> 6.047 / 7.599762
    weights = [abs(WOOD_CASE), FRAME, ELECTRICITY, VENT, CARTON_LINE, abs(CREDIT)]
    assert result["water"]["coverage"] == pytest.approx((ELECTRICITY + VENT) / sum(weights),
                                                        rel=REL)


def test_no_land_use_data_is_not_assessed_and_full_water_data_is_covered(assessor):
    spec = {"product": {"name": "x"}, "lines": [
        line("manufacturing", "electricity", 10, "kWh", factor="elec-cn-lca-2024"),
        line("manufacturing", "water", 1, "m3", water="withdrawal")]}
    result = assessor.assess(parse_spec(spec)).to_dict()
    assert result["carbon"]["land_use_assessed"] is False
    assert result["carbon"]["land_use"] == 0.0
    assert result["carbon"]["biogenic_carbon_content"] == {"product": None, "packaging": None}
    assert result["carbon"]["credits"] == 0.0
    assert result["water"]["coverage"] == 1.0
    assert result["product"]["end_of_life_method"] == "cut-off"  # the default, recorded


def test_water_coverage_by_count_when_no_line_has_carbon(assessor):
    nothing = {"code": "nil", "name": "part without data", "unit": "kg", "source": "none"}
    spec = {"product": {"name": "x"}, "factors": [nothing], "lines": [
        line("materials", "part", 1, "kg", factor="nil"),
        line("manufacturing", "water", 1, "m3", water="withdrawal")]}
    result = assessor.assess(parse_spec(spec)).to_dict()
    assert result["carbon"]["total"] == 0.0
    assert result["water"]["coverage"] == pytest.approx(1 / 2)  # the water line of two lines


def test_a_land_use_emission_line_is_land_use_data(assessor):
    spec = {"product": {"name": "x"}, "lines": [
        line("materials", "cleared land", 2, "kg", emission="CO2-land-use")]}
    result = assessor.assess(parse_spec(spec)).to_dict()
    assert result["carbon"]["land_use_assessed"] is True
    assert result["carbon"]["land_use"] == pytest.approx(2.0, rel=REL)  # 2 kg x CF 1


def test_biogenic_methane_counts_in_biogenic_not_fossil(assessor):
    """The bundled IPCC 2021 biogenic method characterises "Methane, non-fossil" (AR6 27.0)."""
    spec = {"product": {"name": "x", "boundary": "cradle-to-grave"}, "lines": [
        line("end_of_life", "landfill gas", 1, "kg", emission="ch4-biogenic")]}
    carbon = assessor.assess(parse_spec(spec)).to_dict()["carbon"]
    assert carbon["biogenic"] == pytest.approx(27.0, rel=REL)  # 1 kg x 27.0
    assert carbon["biogenic_emissions"] == pytest.approx(27.0, rel=REL)
    assert carbon["biogenic_removals"] == 0.0
    assert carbon["fossil"] == 0.0
    assert carbon["total"] == pytest.approx(27.0, rel=REL)


def test_a_row_with_a_removal_becomes_an_uptake_exchange():
    from footprint.lca import flows, project
    from footprint.lca.dataset import Factor, load_aware

    row = Factor(code="wood", name_zh="木材", name_en="wood", category="material", unit="kg",
                 year="2024", geography="China", scope="cradle-to-gate", source="test",
                 confidence="paper", gases={"co2e_fossil": 0.2, "co2e_biogenic": 0.05},
                 co2_biogenic_removal=1.6, biogenic_carbon_kg=0.44)
    exchanges = {e["input"]: e["amount"] for e in project._activity(row, load_aware())[
        "exchanges"] if e["type"] == "biosphere"}
    assert exchanges == {flows.CO2_FOSSIL: 0.2, flows.BIOGENIC_CO2E: 0.05,
                         flows.BIOGENIC_CO2_REMOVAL: 1.6}
    assert not row.is_credit  # a removal is no recycling credit
