"""Footprints computed in Brightway against the same numbers worked out by hand.

Factor values come from datasets/factors/*.csv (row code given beside each), GWP100 values from
the bundled IPCC 2021 method, AWARE CFs from datasets/water/aware.csv. Brightway stores matrix
values in float32, so comparisons allow a relative error of 1e-6.
"""
import pytest

from footprint.lca import SpecError, parse_spec

REL = 1e-6


def line(stage, name, amount, unit, **kind):
    return {"stage": stage, "name": name, "amount": amount, "unit": unit, **kind}


SUPPLIER_PCB = {"code": "acme-pcb", "name": "PCB, supplier Acme", "unit": "piece",
                "co2e_fossil": 3.2, "co2e_biogenic": 0.4, "co2e_land_use": 0.1, "water_m3": 0.01,
                "source": "supplier PCF 2025"}

EVERY_STAGE = {
    "product": {"name": "desk fan", "functional_unit": "1 piece", "boundary": "cradle-to-grave",
                "water_region": "CN-CQ"},
    "factors": [SUPPLIER_PCB],
    "lines": [
        line("materials", "steel housing", 2.5, "kg", factor="steel-bof"),
        line("materials", "PP blades", 1500, "g", factor="pp-eu"),
        line("materials", "controller board", 2, "piece", factor="acme-pcb"),
        line("inbound_transport", "steel by truck", 750, "kg*km", factor="truck-heavy-diesel"),
        line("manufacturing", "grid electricity", 12, "kWh", factor="elec-cn-lca-2024"),
        line("manufacturing", "natural gas oven", 0.5, "m3", factor="ng-combustion"),
        line("manufacturing", "process water in", 300, "L", water="withdrawal"),
        line("manufacturing", "process water out", 120, "L", water="discharge"),
        line("packaging", "carton", 0.2, "kg", factor="paper-corrugating-medium-cn"),
        line("distribution", "rail to Shanghai", 1200, "kg*km", factor="rail-freight"),
        line("use", "electricity in use", 0.05, "MWh", factor="elec-cn-lca-2024"),
        line("end_of_life", "landfill", 2.5, "kg", factor="landfill-msw-cn"),
    ],
}

# kg CO2e per line, by hand:
EXPECTED_CARBON = {
    "steel housing": 0.0025 * 1990,           # 2.5 kg = 0.0025 t x 1990 kg/t (steel-bof) = 4.975
    "PP blades": 1.5 * 2.0,                   # 1500 g = 1.5 kg x 2.0 (pp-eu) = 3.0
    "controller board": 2 * (3.2 + 0.4 + 0.1),  # 2 pieces x (fossil + biogenic + land use) = 7.4
    "steel by truck": 0.75 * 0.0978,          # 750 kg*km = 0.75 t*km x 0.0978 = 0.07335
    "grid electricity": 12 * 0.5777,          # elec-cn-lca-2024 = 6.9324
    # ng-combustion per m3: CO2 2.1840291 x 1 + CH4 3.8931e-5 x 29.8 + N2O 3.8931e-6 x 273
    "natural gas oven": 0.5 * (2.1840291 + 3.8931e-5 * 29.8 + 3.8931e-6 * 273),  # = 1.0931260
    "process water in": 0.0,
    "process water out": 0.0,
    # paper-corrugating-medium-cn: 1.227 fossil less the uptake of its biogenic carbon,
    # 1.50282 kg CO2/kg (co2_biogenic_removal) = 0.2 x -0.27582 = -0.055164
    "carton": 0.2 * (1.227 - 1.50282),
    "rail to Shanghai": 1.2 * 0.006502,       # 1200 kg*km = 1.2 t*km (rail-freight) = 0.0078024
    "electricity in use": 50 * 0.5777,        # 0.05 MWh = 50 kWh = 28.885
    "landfill": 0.0025 * 583.87,              # landfill-msw-cn per t = 1.459675
}

# m3 of consumed water per line, and its AWARE region CF:
EXPECTED_WATER = {
    # "PP blades": none: pp-eu carries no water (its eco-profile figure is gross use)
    "controller board": (2 * 0.01, 17.9),      # supplier water, region GLO by default
    "grid electricity": (12 * 0.0019, 6.29),   # elec-cn-lca-2024, China -> CN 6.29
    "process water in": (0.3, 1.74),           # 300 L withdrawn in Chongqing (CN-CQ 1.74)
    "process water out": (-0.12, 1.74),        # 120 L discharged back
    "electricity in use": (50 * 0.0019, 6.29),
}


@pytest.fixture(scope="module")
def result(assessor):
    return assessor.assess(parse_spec(EVERY_STAGE)).to_dict()


def test_every_line_matches_hand_arithmetic(result):
    for item in result["lines"]:
        assert item["carbon"] == pytest.approx(EXPECTED_CARBON[item["name"]], rel=REL, abs=1e-9)
        volume, cf = EXPECTED_WATER.get(item["name"], (0.0, 0.0))
        assert item["water"] == pytest.approx(volume, rel=REL, abs=1e-9), item["name"]
        assert item["water_scarcity_m3_world_eq"] == pytest.approx(volume * cf, rel=REL, abs=1e-9)


def test_totals_and_stages(result):
    carbon = result["carbon"]
    assert carbon["total"] == pytest.approx(sum(EXPECTED_CARBON.values()), rel=REL)
    # supplier biogenic emissions 2 x 0.4, less the carton's uptake 0.2 kg x 1.50282 kg CO2/kg
    assert carbon["biogenic"] == pytest.approx(2 * 0.4 - 0.2 * 1.50282, rel=REL)
    assert carbon["land_use"] == pytest.approx(2 * 0.1, rel=REL)   # supplier land use only
    assert carbon["fossil"] == pytest.approx(
        sum(EXPECTED_CARBON.values()) - (2 * 0.4 - 0.2 * 1.50282) - 0.2, rel=REL)
    by_stage = carbon["by_stage"]
    assert by_stage["materials"] == pytest.approx(4.975 + 3.0 + 7.4, rel=REL)
    assert by_stage["inbound_transport"] == pytest.approx(0.07335, rel=REL)
    assert by_stage["manufacturing"] == pytest.approx(6.9324 + 1.0931260, rel=REL)
    assert by_stage["packaging"] == pytest.approx(0.2 * (1.227 - 1.50282), rel=REL)
    assert by_stage["distribution"] == pytest.approx(0.0078024, rel=REL)
    assert by_stage["use"] == pytest.approx(28.885, rel=REL)
    assert by_stage["end_of_life"] == pytest.approx(1.459675, rel=REL)
    water = result["water"]
    # 0.02 + 0.0228 + 0.3 - 0.12 + 0.095 = 0.3178 m3
    assert water["consumption_m3"] == pytest.approx(0.3178, rel=REL)
    # 0.02 x 17.9 + 0.1178 x 6.29 + 0.18 x 1.74 = 0.358 + 0.740962 + 0.3132 = 1.412162
    assert water["scarcity_m3_world_eq"] == pytest.approx(1.412162, rel=REL)
    # manufacturing: 0.0228 + 0.3 - 0.12 = 0.2028 m3
    assert water["by_stage"]["manufacturing"] == pytest.approx(0.2028, rel=REL)


def test_result_names_versions_and_methods(result, assessor):
    assert result["dataset_version"] == assessor.dataset_version
    assert result["methods"]["carbon.total"][1:] == ["IPCC 2021", "climate change", "GWP100"]
    assert set(result["methods"]) == {"carbon.total", "carbon.fossil", "carbon.biogenic",
                                      "carbon.land_use", "carbon.biogenic_removals",
                                      "water.consumption_m3", "water.scarcity_m3_world_eq"}


# IPCC AR6 GWP100 of each gas, as in the bundled IPCC 2021 method; 1 kg emitted of each.
GWP100 = [
    ("CO2", 1, "fossil"), ("CH4", 29.8, "fossil"), ("CH4-fossil", 29.8, "fossil"),
    ("CH4-biogenic", 27.0, "biogenic"), ("N2O", 273, "fossil"), ("HFC-134a", 1530, "fossil"),
    ("HFC-32", 771, "fossil"), ("HFC-125", 3740, "fossil"), ("HFC-23", 14600, "fossil"),
    ("CF4", 7380, "fossil"), ("C2F6", 12400, "fossil"), ("SF6", 25200, "fossil"),
    ("NF3", 17400, "fossil"), ("CO2-land-use", 1, "land_use"),
]


@pytest.mark.parametrize("gas, gwp, part", GWP100)
def test_each_kyoto_gas(assessor, gas, gwp, part):
    spec = {"product": {"name": "leak"}, "lines": [
        line("manufacturing", "leak", 250, "g", emission=gas)]}
    carbon = assessor.assess(parse_spec(spec)).to_dict()["carbon"]
    assert carbon["total"] == pytest.approx(0.25 * gwp, rel=REL)   # 250 g = 0.25 kg x GWP100
    assert carbon[part] == pytest.approx(0.25 * gwp, rel=REL)


def test_green_electricity_certificate_versus_grid(assessor):
    spec = {"product": {"name": "x"}, "lines": [
        line("manufacturing", "grid", 100, "kWh", factor="elec-cn-lca-2024"),
        line("manufacturing", "certified solar", 100, "kWh", factor="elec-green-pv")]}
    lines = assessor.assess(parse_spec(spec)).to_dict()["lines"]
    assert lines[0]["carbon"] == pytest.approx(100 * 0.5777, rel=REL)  # 57.77
    assert lines[1]["carbon"] == pytest.approx(100 * 0.052, rel=REL)   # 5.2


def test_allocated_plant_electricity(assessor):
    allocation = {"annual_amount": 1_200_000, "basis": "mass", "product_quantity": 300,
                  "plant_quantity": 1000, "units_per_year": 50_000}
    spec = {"product": {"name": "x"}, "lines": [
        line("manufacturing", "plant electricity", None, "kWh", factor="elec-cn-lca-2024",
             allocation=allocation)]}
    result = assessor.assess(parse_spec(spec)).to_dict()
    # 1,200,000 kWh x 300/1000 / 50,000 = 7.2 kWh per unit; x 0.5777 kg CO2e/kWh = 4.15944
    assert result["carbon"]["total"] == pytest.approx(7.2 * 0.5777, rel=REL)
    assert result["lines"][0]["amount"] == pytest.approx(7.2)


def test_invalid_spec_computes_nothing(assessor):
    spec = {"product": {"name": "x"}, "lines": [
        line("materials", "ok", 1, "kg", factor="steel-bof"),
        line("materials", "bad", 1, "kWh", factor="steel-bof")]}
    with pytest.raises(SpecError) as info:
        assessor.assess(parse_spec(spec))
    assert info.value.problems == ["lines[1] (bad): unit 'kWh' cannot be converted to 't'"]


def test_line_contributions_add_up_to_a_plain_brightway_lca(assessor):
    """The per-line scores against bw2calc's own LCI + LCIA of the whole product, per method."""
    import bw2data

    from footprint.lca import methods, reference

    bw2calc = reference.bw2calc()  # imported without its warning about the optional PARDISO
    from footprint.lca.spec import resolve

    spec = parse_spec(EVERY_STAGE)
    result = assessor.assess(spec).to_dict()
    foreground = reference.build_foreground(assessor, spec, resolve(spec, assessor.catalogue))
    expected = {"carbon.total": result["carbon"]["total"],
                "carbon.biogenic": result["carbon"]["biogenic"],
                "water.scarcity_m3_world_eq": result["water"]["scarcity_m3_world_eq"]}
    for method in methods.ALL:
        if method.key not in expected:
            continue
        lca = bw2calc.LCA({foreground.root: 1.0}, data_objs=[
            bw2data.Database(assessor.background.database).datapackage(),
            reference.datapackage(foreground), bw2data.Method(method.name).datapackage()])
        lca.lci()
        lca.lcia()
        assert lca.score == pytest.approx(expected[method.key], rel=REL)
