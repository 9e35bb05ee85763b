"""The background dataset files and the prepared Brightway project built from them."""
import math
import shutil

import pytest

from footprint.lca import dataset
from footprint.lca.dataset import DatasetError, load_factors


def test_dataset_has_the_required_coverage():
    factors = load_factors()
    assert len(factors) >= 80
    by_category = {}
    for factor in factors.values():
        by_category.setdefault(factor.category, []).append(factor)
    assert len(by_category["material"]) >= 25
    assert {"electricity", "electricity_green", "fuel", "transport", "waste"} <= set(by_category)
    years = {f.year for f in by_category["electricity"] if f.code.startswith("elec-cq-")}
    assert len(years) >= 2  # Chongqing provincial factor for at least two years
    assert all(f.source and f.confidence in dataset.CONFIDENCE_TAGS for f in factors.values())


def test_unconfirmed_values_are_not_shipped():
    # factors.md marks the 0.5703 t/MWh grid default and 2.75 kg/kg plastics incineration unconfirmed
    values = {v for f in load_factors().values() for v in f.gases.values()}
    assert 0.5703 not in values and 570.3 not in values and 2.75 not in values


@pytest.fixture
def datasets_copy(tmp_path):
    shutil.copytree(dataset.DATASETS_DIR / "factors", tmp_path / "factors")
    shutil.copytree(dataset.DATASETS_DIR / "water", tmp_path / "water")
    shutil.copy(dataset.recycling_file(), dataset.recycling_file(tmp_path))
    return tmp_path


def test_version_is_a_hash_of_the_files(datasets_copy):
    before = dataset.dataset_version(datasets_copy)
    assert before == dataset.dataset_version()
    path = datasets_copy / "factors" / "waste.csv"
    path.write_text(path.read_text().replace("583.87", "583.88"))
    assert dataset.dataset_version(datasets_copy) != before


def test_bad_row_is_named(datasets_copy):
    path = datasets_copy / "factors" / "waste.csv"
    lines = path.read_text().splitlines()
    lines[1] = lines[1].replace(",t,", ",tonnes,", 1)
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(DatasetError, match=r"waste.csv row 2: unit 'tonnes'"):
        load_factors(datasets_copy)


def test_duplicate_code_is_refused(datasets_copy):
    path = datasets_copy / "factors" / "waste.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join(lines + [lines[1]]) + "\n")
    with pytest.raises(DatasetError, match="duplicate code"):
        load_factors(datasets_copy)


def test_prepared_project_is_reused_while_the_hash_matches(assessor, bw_dir, monkeypatch):
    from footprint.lca import project

    monkeypatch.setattr(project, "_build", lambda *_: pytest.fail("rebuilt an unchanged project"))
    assert project.prepare(bw_dir) == assessor.dataset_version
    assert project.built_version() == assessor.dataset_version


def test_seven_regional_grids_and_site_regions():
    from footprint.lca.dataset import load_aware, load_grid_regions

    factors = load_factors()
    years: dict[str, set] = {}
    for f in factors.values():
        if f.category == "electricity" and f.geography.startswith("CN-"):
            years.setdefault(f.geography, set()).add(f.year)
    assert years == {region: {"2021", "2022", "2023"} for region in (
        "CN-North", "CN-Northeast", "CN-East", "CN-Central", "CN-Northwest", "CN-South",
        "CN-Southwest")}
    aware = load_aware()
    for region in load_grid_regions().values():
        assert factors[region.pcf_electricity_factor].scope.startswith("life-cycle")
        assert factors[region.inventory_electricity_factor].gases.keys() == {"co2_fossil"}
        assert region.water_region in aware


def test_changed_dataset_triggers_one_rebuild(assessor, bw_dir, monkeypatch):
    from footprint.lca import project

    stamp = project._stamp_path()
    kept = stamp.read_text()
    builds = []
    monkeypatch.setattr(project.dataset, "dataset_version", lambda *_: "changed-version")
    monkeypatch.setattr(project, "_build", lambda *_: builds.append(1))
    try:
        assert project.prepare(bw_dir) == "changed-version"
        assert project.prepare(bw_dir) == "changed-version"  # now built: no second build
        assert builds == [1] and project.built_version() == "changed-version"
    finally:
        stamp.write_text(kept)


def test_reading_is_cached_until_a_file_changes(datasets_copy):
    first = load_factors(datasets_copy)
    assert load_factors(datasets_copy) is first  # no second read of unchanged files
    path = datasets_copy / "factors" / "waste.csv"
    path.write_text(path.read_text().replace("583.87", "583.875"))  # size changes too
    assert load_factors(datasets_copy)["landfill-msw-cn"].gases["co2e_fossil"] == 583.875


# Issue 9 columns: biogenic removal, biogenic carbon content, gsd, land use stated or not.
def rewrite_row(datasets_copy, code: str, **values) -> str:
    """Set columns of one row of materials.csv; returns where the loader names it."""
    import csv

    path = datasets_copy / "factors" / "materials.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        header, rows = reader.fieldnames, list(reader)
    number = next(n for n, row in enumerate(rows, start=2) if row["code"] == code)
    rows[number - 2].update(values)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return f"materials.csv row {number}"


def test_new_columns_are_read_and_an_empty_land_use_differs_from_a_written_zero(datasets_copy):
    rewrite_row(datasets_copy, "steel-bof", co2e_land_use="0", gsd="1.05",
                biogenic_carbon_kg="0", co2_biogenic_removal="")
    rewrite_row(datasets_copy, "al-recycled-cn", co2_biogenic_removal="1.5",
                biogenic_carbon_kg="0.4", confidence="unconfirmed")
    factors = load_factors(datasets_copy)
    steel, aluminium = factors["steel-bof"], factors["al-recycled-cn"]
    assert (steel.land_use_assessed, steel.gsd, steel.biogenic_carbon_kg,
            steel.co2_biogenic_removal) == (True, 1.05, 0.0, 0.0)
    assert (aluminium.land_use_assessed, aluminium.gsd, aluminium.biogenic_carbon_kg,
            aluminium.co2_biogenic_removal, aluminium.confidence) == (
        False, None, 0.4, 1.5, "unconfirmed")
    assert not aluminium.is_credit  # 845 kg CO2e/t: a removal does not make a credit
    assert factors["recycling-al-credit-cn"].is_credit
    assert aluminium.public()["co2_biogenic_removal"] == 1.5


@pytest.mark.parametrize("column, value, expected", [
    ("co2_biogenic_removal", "-0.1",
     "column co2_biogenic_removal (removal) must be >= 0, not -0.1"),
    ("biogenic_carbon_kg", "-2", "column biogenic_carbon_kg (carbon content) must be >= 0, not -2"),
    ("gsd", "0.9", "column gsd (geometric standard deviation) must be >= 1, not 0.9"),
    ("gsd", "wide", "column gsd is not a number: 'wide'"),
    ("co2e_biogenic", "-1", "column co2e_biogenic holds emissions and must be >= 0"),
    ("confidence", "guess", "confidence 'guess' is not one of"),
])
def test_bad_new_column_values_name_file_row_and_column(datasets_copy, column, value, expected):
    where = rewrite_row(datasets_copy, "steel-bof", **{column: value})
    with pytest.raises(DatasetError) as info:
        load_factors(datasets_copy)
    assert str(info.value).startswith(f"{where}: {expected}")


@pytest.mark.parametrize("row, expected", [
    ("steel,no-such-row,recycled_content,", "recycling.csv row 8: column code: unknown factor "
                                            "'no-such-row'"),
    ("steel,steel-bof,scrap,", "recycling.csv row 8: column role: 'scrap' is not one of"),
    ("steel,steel-bof,credit,", "recycling.csv row 8: column role: 'steel-bof' is not a credit "
                                "row, so its role cannot be 'credit'"),
    ("aluminium,al-recycled-cn,recycled_content,", "recycling.csv row 8: column code: "
                                                   "'al-recycled-cn' is listed twice"),
])
def test_bad_recycling_map_rows_are_named(datasets_copy, row, expected):
    path = dataset.recycling_file(datasets_copy)
    path.write_text(path.read_text() + row + "\n")
    with pytest.raises(DatasetError) as info:
        dataset.load_recycling(datasets_copy)
    assert str(info.value).startswith(expected)


def test_the_recycling_map_is_part_of_the_dataset_version(datasets_copy):
    before = dataset.dataset_version(datasets_copy)
    path = dataset.recycling_file(datasets_copy)
    path.write_text(path.read_text().replace("plastics,pet-filament", "polyester,pet-filament"))
    assert dataset.dataset_version(datasets_copy) != before


# ---- issue 9: factor data -------------------------------------------------------------------

def csv_rows():
    """Rows as written in the files, for the columns the loader does not read yet."""
    import csv

    rows = {}
    for path in dataset.factor_files():
        with path.open(newline="", encoding="utf-8") as handle:
            rows.update({row["code"]: row for row in csv.DictReader(handle)})
    return rows


# code, unit, start of its source citation: every row added for issue 9
ISSUE_9_ROWS = [
    ("pp-cn-naphtha", "kg", "CPCD-lit 34740F0022021A"),
    ("pp-cn-mto", "kg", "CPCD-lit 34740F0032021A"),
    ("pp-cn-coal-to-olefin", "kg", "Derived from CPCD-core 34170R0152022C"),
    ("ps-cn", "kg", "CPCD-lit 34720X0032021A"),
    ("eps-cn", "kg", "CPCD-lit 36950X0022010A"),
    ("pc-cn", "kg", "CPCD-lit 34740D0012019A"),
    ("paint-cn", "kg", "CPCD-lit 54750X0022002A"),
    ("paint-waterborne-cn", "kg", "CPCD-lit 54750X0012013A"),
    ("polyester-fabric-dyed-cn", "kg", "CPCD-core 27997X0042021C"),
    ("polyester-filament-fabric-cn", "kg", "CPCD-lit 35550X0012012A"),
    ("polyester-cotton-fabric-dyed-cn", "kg", "CPCD-lit 26690X0012011A"),
    ("cotton-yarn-cn", "kg", "CPCD-core 26360X0012021C"),
    ("cotton-fibre-cn", "kg", "CPCD-lit 01921X0052016A"),
    ("corrugated-box-cn", "kg", "CPCD-lit 32151X0012011A"),
    ("glass-fibre-cn", "t", "CPCD-core 37129X0022023C"),
    ("ndfeb-sintered-cn", "t", "CPCD-lit 41601X0052021A"),
    ("lead-cn", "kg", "CPCD-lit 41542X0022021A"),
    ("lead-acid-battery-cn", "piece", "CPCD-lit 46420X0162022B"),
    ("ic-chip-cn", "piece", "CPCD-lit 47920X0072020B"),
    ("lubricant-cn", "kg", "CPCD-lit 33380X0012021A"),
    ("lubricant-oil-whole-life-cn", "kg", "CPCD-lit 33380X0012015A"),
    ("landfill-paper-no-gas-recovery-ipcc", "kg", "Derived from IPCC 2006"),
    ("incineration-paper-ipcc", "kg", "IPCC 2006"),
    ("incineration-wood-waste-cn", "t", "CPCD-core 39283X0012025C"),
    ("landfill-plastic-packaging-cn", "t", "CPCD-lit 94313X0012020A"),
    ("landfill-inert-metal-glass-ipcc", "kg", "IPCC 2006"),
]


@pytest.mark.parametrize("code, unit, source", ISSUE_9_ROWS)
def test_issue_9_row_has_its_unit_source_and_metadata(code, unit, source):
    factor = load_factors()[code]
    assert factor.unit == unit
    assert factor.source.startswith(source)
    assert factor.year and factor.geography and factor.scope and factor.notes
    assert factor.confidence in dataset.CONFIDENCE_TAGS - {"primary"}  # none is an issuer's own


def test_pp_routes_are_rows_and_the_default_names_them():
    factors = load_factors()
    value = {code: factors[code].gases["co2e_fossil"] for code in (
        "pp-cn-naphtha", "pp-cn", "pp-cn-mto", "pp-cn-coal-to-olefin")}
    # 968.54 kg/t, 5979.42 kg/t and the geometric mean of the two CTO entries 7.4 and 7.95
    assert value == pytest.approx({"pp-cn-naphtha": 0.96854, "pp-cn": 1.587,
                                   "pp-cn-mto": 5.97942,
                                   "pp-cn-coal-to-olefin": (7.4 * 7.95) ** 0.5})
    default = factors["pp-cn"]
    assert "Documented default" in default.notes
    assert all(code in default.notes for code in (
        "pp-cn-naphtha", "pp-cn-mto", "pp-cn-coal-to-olefin"))
    rows = csv_rows()
    # farthest route (CTO 7.95) at the edge of the 95 % interval: exp(ln(7.95 / 1.587) / 1.96)
    assert float(rows["pp-cn"]["gsd"]) == pytest.approx(
        math.exp(math.log(7.95 / 1.587) / 1.96), abs=1e-4)
    # the CTO range 7.4-7.95 read as a 95 % interval: (7.95 / 7.4) ** (1 / 3.92)
    assert float(rows["pp-cn-coal-to-olefin"]["gsd"]) == pytest.approx(
        (7.95 / 7.4) ** (1 / 3.92), abs=1e-5)


# Rows read from ICE v2.0 (Hammond & Jones, University of Bath, 2011), Plastics, kg CO2e per kg
ICE_ROWS = {"pa6-ice": ("Nylon (Polyamide) 6 Polymer", 9.14),
            "pa66-ice": ("Nylon (polyamide) 6,6 Polymer", 7.92),
            "pu-foam-flexible-ice": ("Polyurethane Flexible Foam", 4.84),
            "pu-foam-rigid-ice": ("Polyurethane Rigid Foam", 4.26),
            "abs-ice": ("ABS", 3.76),
            "pc-ice": ("Polycarbonate", 7.62)}


@pytest.mark.parametrize("code", ICE_ROWS)
def test_ice_rows_name_their_table_row_and_value(code):
    factor = load_factors()[code]
    row_name, value = ICE_ROWS[code]
    assert factor.gases == {"co2e_fossil": value} and factor.unit == "kg"
    assert factor.source.startswith("Hammond & Jones, Inventory of Carbon and Energy (ICE) v2.0")
    assert f"'{row_name}' {value} kgCO2e/kg" in factor.source
    assert (factor.year, factor.geography, factor.scope, factor.confidence) == (
        "2011", "UK", "cradle-to-gate", "mirror")


def test_abs_default_is_the_ice_value_and_the_chinese_outlier_says_so():
    factors = load_factors()
    assert factors["abs-cn"].gases == {"co2e_fossil": 16.6} and factors["abs-cn"].year == "2005"
    assert "abs-ice" in factors["abs-cn"].notes and "outlier" in factors["abs-cn"].notes
    assert "Documented default for ABS" in factors["abs-ice"].notes
    # 16.6 / 3.76 = 4.41: the ratio the notes give
    assert "16.6 / 3.76 = 4.4" in factors["abs-cn"].notes
    examples = (dataset.DATASETS_DIR / "examples").glob("*.yaml")
    assert not [path.name for path in examples if "factor: abs-cn" in path.read_text("utf-8")]


def test_every_gsd_is_at_least_one_and_explained():
    for code, row in csv_rows().items():
        if row["gsd"]:
            assert float(row["gsd"]) >= 1, code
            assert "gsd" in row["notes"], code


def test_paper_and_wood_carry_biogenic_carbon_from_ipcc_defaults():
    rows = csv_rows()
    paper_c = 0.90 * 0.46 * (1 - 0.01)   # dry matter x carbon x non-fossil share = 0.40986
    for code in ("corrugated-box-cn", "paper-corrugating-medium-cn", "paper-containerboard-cn",
                 "paper-kraft-cn"):
        assert float(rows[code]["biogenic_carbon_kg"]) == pytest.approx(paper_c)
        assert float(rows[code]["co2_biogenic_removal"]) == pytest.approx(paper_c * 44 / 12)
    wood_c = 0.85 * 0.50                  # = 0.425 kg C per kg air-dry wood
    assert float(rows["roundwood-cn"]["biogenic_carbon_kg"]) == pytest.approx(wood_c)
    assert float(rows["roundwood-cn"]["co2_biogenic_removal"]) == pytest.approx(
        wood_c * 44 / 12, abs=1e-5)


def test_waste_by_material_splits_biogenic_from_fossil():
    factors = load_factors()
    # CH4 0.40 x 0.5 x 1.0 x 0.5 x 16/12 x 0.9 = 0.12 kg x 27.0 + CO2 0.11 kg C x 44/12
    assert factors["landfill-paper-no-gas-recovery-ipcc"].gases == pytest.approx(
        {"co2e_biogenic": 0.12 * 27.0 + 0.11 * 44 / 12}, abs=1e-5)
    # 0.414 kg C per kg paper: 1 % fossil, 99 % biogenic, x 44/12
    assert factors["incineration-paper-ipcc"].gases == pytest.approx(
        {"co2_fossil": 0.414 * 0.01 * 44 / 12, "co2e_biogenic": 0.414 * 0.99 * 44 / 12},
        abs=1e-5)
    assert factors["incineration-wood-waste-cn"].gases == {"co2e_biogenic": 1740.0}
    # a documented zero is a value, not a missing one
    assert factors["landfill-inert-metal-glass-ipcc"].gases == {"co2e_fossil": 0.0}


def test_eu_plastics_carry_no_gross_water_use():
    factors = load_factors()
    for code in ("pp-eu", "pe-hd-eu", "pe-ld-eu", "pvc-eu", "pet-eu"):
        assert factors[code].water_m3 == 0.0 and not factors[code].water_source
        assert "gross use" in factors[code].notes


def test_items_without_a_source_are_listed_as_not_shipped():
    readme = (dataset.DATASETS_DIR / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Sources and choices of issue 9"):]
    assert "powder coatings per kg of powder: not shipped: no source found" in section
    codes = load_factors()
    for item, code in (("PA6 polymer", "pa6-ice"), ("PU foam", "pu-foam-flexible-ice"),
                       ("printed circuit boards by area", "pcb-4-layer-m2"),
                       ("copper wire and cable", "cu-wire-cn")):
        assert code in codes and f"{item}: not shipped" not in section


# (7.81 x layers + 57.97) kg CO2e per m2 (PCBnCO, second-hand)
PCB_BY_AREA = {"pcb-2-layer-m2": 7.81 * 2 + 57.97, "pcb-4-layer-m2": 7.81 * 4 + 57.97,
               "pcb-6-layer-m2": 7.81 * 6 + 57.97, "pcb-8-layer-m2": 7.81 * 8 + 57.97}


def test_third_round_rows_carry_their_source_unit_and_tag():
    factors = load_factors()
    for code, value in PCB_BY_AREA.items():
        row = factors[code]
        assert row.unit == "m2" and row.confidence == "unconfirmed"
        assert row.gases["co2e_fossil"] == pytest.approx(value, abs=0.005)
        assert row.source.startswith("PCBnCO") and "7.81 x layers + 57.97" in row.source
    assert factors["pu-foam-rigid-cn"].unit == "t"
    assert factors["pu-foam-rigid-cn"].gases == {"co2e_fossil": 5220.0}
    assert factors["pu-foam-rigid-cn"].source.startswith("GB/T 51366-2019")
    coating = factors["powder-coating-al-m2"]
    assert (coating.unit, coating.gases, coating.confidence) == ("m2", {"co2e_fossil": 3.78},
                                                                  "unconfirmed")


# Yu et al. 2021 (Table 1, via NREL PV_ICE): rod upcasting, breakdown and fine drawing, kWh/kg
WIRE_DRAWING_KWH_PER_KG = 2.16079536


def test_copper_wire_is_copper_plus_its_drawing_electricity():
    factors = load_factors()
    wire, copper, grid = (factors[code] for code in ("cu-wire-cn", "cu-cn", "elec-cn-lca-2024"))
    # 4.23 + 2.16079536 x 0.5777 = 5.47829
    expected = (copper.gases["co2e_fossil"]
                + WIRE_DRAWING_KWH_PER_KG * grid.gases["co2e_fossil"])
    assert wire.gases == {"co2e_fossil": pytest.approx(expected, abs=5e-5)}
    assert (wire.unit, wire.confidence, wire.geography) == ("kg", "unconfirmed", "China")
    assert not wire.has_water_data  # the copper row has no water: none claimed for the wire
    assert "2.16079536 x 0.5777" in wire.notes and "NREL PV_ICE" in wire.source


def test_a_board_bought_by_area_meets_the_area_row_and_is_flagged(assessor):
    from footprint.lca import parse_spec

    spec = parse_spec({"product": {"name": "controller"}, "lines": [
        {"stage": "materials", "name": "main board", "factor": "pcb-4-layer-m2",
         "amount": 120, "unit": "cm**2"}]})  # 120 cm2 = 0.012 m2
    [line] = assessor.assess(spec, iterations=0).lines
    assert line.carbon["total"] == pytest.approx(0.012 * (7.81 * 4 + 57.97), rel=1e-6)  # 1.07052
    assert "unconfirmed" in line.data_quality["flags"]
