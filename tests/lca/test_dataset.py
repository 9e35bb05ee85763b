"""The background dataset files and the prepared Brightway project built from them."""
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
