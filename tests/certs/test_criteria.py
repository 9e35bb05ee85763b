"""Criteria files: every shipped file loads; each kind of malformed file names file, item, field."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from footprint.certs.criteria import CriteriaError, load_all, load_criteria
from footprint.errors import InputError

REPO = Path(__file__).resolve().parents[2]
CRITERIA = REPO / "datasets" / "criteria"


def test_every_shipped_file_loads():
    loaded = load_all(CRITERIA)
    assert sorted(loaded) == [
        "green-design/laptop/2025.1", "green-design/lithium-ion-battery/2025.1",
        "green-factory/2018.1", "green-factory/2025.1", "pcf-verification/2025.1"]
    assert len(list(CRITERIA.glob("*.yaml"))) == len(loaded)


def test_shipped_green_design_marks_every_benchmark_unconfirmed_and_names_assessment_keys():
    for key in ("green-design/laptop/2025.1", "green-design/lithium-ion-battery/2025.1"):
        criteria = load_all(CRITERIA)[key]
        indicators = [i for i in criteria.items if i.kind == "indicator"]
        # No category specification is in the reference files: every benchmark is unconfirmed.
        assert all(i.unconfirmed for i in indicators)
        keys = {i.assessment_key for i in indicators}
        assert {"carbon.total", "water.consumption_m3", "recycled_content_percent"} <= keys
        assert {c.id for c in criteria.categories} == {
            "baseline", "resource", "energy", "environment", "product"}
        assert criteria.requires_assessment and criteria.total.method == "none"


def test_shipped_green_factory_weights_and_points():
    loaded = load_all(CRITERIA)
    old, new = loaded["green-factory/2018.1"], loaded["green-factory/2025.1"]
    # 20 + 15 + 15 + 10 + 10 + 30 = 100 (standards.md 4.1, [U])
    assert [c.weight for c in old.categories] == [None, 20, 15, 15, 10, 10, 30]
    # 30 + 30 + 16 + 16 + 8 = 100 (illustrative split, [U])
    assert [c.weight for c in new.categories] == [None, 30, 30, 16, 16, 8]
    for criteria in (old, new):
        assert all(c.unconfirmed for c in criteria.categories if c.weight is not None)
        assert all(i.unconfirmed for i in criteria.items if i.points is not None)
    assert all(i.formula for i in new.items if i.kind == "indicator")


def test_every_shipped_item_cites_a_clause_and_ids_are_unique():
    for criteria in load_all(CRITERIA).values():
        ids = [i.id for i in criteria.items]
        assert len(ids) == len(set(ids))
        assert all(i.clause.strip() for i in criteria.items)


# --- malformed files -----------------------------------------------------------------------------

FACTORY = {
    "scheme": "green-factory", "version": "9", "title": "t", "standard": "GB/T 36132-2025",
    "source": "test", "total": {"method": "sum_of_points", "out_of": 10},
    "categories": [{"id": "basic", "title": "Basic"},
                   {"id": "energy", "title": "Energy", "weight": 10}],
    "items": [
        {"id": "V-1", "clause": "c", "kind": "veto", "category": "basic", "title": "legal"},
        {"id": "E-3", "clause": "c", "kind": "indicator", "category": "energy", "title": "e",
         "points": 10, "benchmark": 0.3, "leading": 0.1, "unit": "tce/10k CNY",
         "direction": "at_most",
         "formula": {"numerator": ["energy_tce"], "denominator": ["output_value_10k_cny"]}},
    ],
}


def write(tmp_path: Path, data, name: str = "green-factory-2025.yaml") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True),
                    encoding="utf-8")
    return path


def broken(**changes) -> dict:
    """FACTORY with item E-3 (or the top level, for keys in capitals) changed."""
    data = copy.deepcopy(FACTORY)
    for key, value in changes.items():
        target = data if key.isupper() else data["items"][1]
        key = key.lower()
        if value is None:
            target.pop(key)
        else:
            target[key] = value
    return data


def test_the_valid_base_loads(tmp_path):
    assert load_criteria(write(tmp_path, FACTORY)).key == "green-factory/9"


CASES = [
    # (the file, what the message says after "<file>: ", the code)
    (broken(benchmark="abc"), "item E-3.benchmark: must be a number", "float_parsing"),
    (broken(benchmark=float("nan")), "item E-3.benchmark: must be a finite number",
     "finite_number"),
    (broken(clause=None), "item E-3.clause: is required", "missing"),
    (broken(colour="green"), "item E-3.colour: is not a known field", "extra_forbidden"),
    (broken(direction="lower"), "item E-3.direction: Input should be 'at_most' or 'at_least'",
     "literal_error"),
    (broken(category="water"), "item E-3.category: unknown category 'water' (categories: "
     "basic, energy)", "unknown_category"),
    (broken(id="V-1"), "item V-1.id: duplicate item id", "duplicate_id"),
    (broken(kind="checklist"), "item E-3.kind: 'checklist' is not used by green-factory",
     "kind_not_in_scheme"),
    (broken(leading=0.5), "item E-3.leading: must be below the benchmark 0.3 for direction "
     "at_most", "leading_not_better"),
    (broken(leading=None), "item E-3.leading: is required: points are interpolated", "missing"),
    (broken(points=6), "category energy.weight: the points of its items add up to 6, not 10",
     "points_do_not_sum"),
    (broken(formula={"numerator": ["energy_kwh"], "denominator": ["output_value_10k_cny"]}),
     "item E-3.formula.numerator[0]: unknown annual-data field 'energy_kwh'",
     "unknown_annual_field"),
    (broken(formula=None, assessment_key="carbon.net"),
     "item E-3.assessment_key: unknown key 'carbon.net'", "unknown_assessment_key"),
    (broken(unconfirmed=["weight"]), "item E-3.unconfirmed: 'weight' is not a value of this "
     "entry", "unknown_unconfirmed_field"),
    (broken(TOTAL={"method": "sum_of_points", "out_of": 12}),
     "total.out_of: the category weights add up to 10, not 12", "weights_do_not_sum"),
    (broken(VERSION=None), "version: is required", "missing"),
    (broken(EXCLUDED_SHARE_ITEM="X-9"), "excluded_share_item: unknown item 'X-9'",
     "unknown_item"),
    (broken(EXCLUDED_SHARE_ITEM="E-3"), "item E-3.unit: must be % (it is the excluded share)",
     "excluded_share_unit"),
    (broken(SCHEME="green-roof"), "scheme: Input should be", "literal_error"),
]


@pytest.mark.parametrize("data, message, code", CASES, ids=[c[2] + ":" + c[1][:30]
                                                             for c in CASES])
def test_a_malformed_file_names_file_item_and_field(tmp_path, data, message, code):
    path = write(tmp_path, data)
    with pytest.raises(CriteriaError) as caught:
        load_criteria(path)
    error = caught.value
    assert isinstance(error, InputError)
    assert str(error).startswith(f"{path}: {message}")
    assert error.code == code
    assert error.params["file"] == str(path)


def test_the_message_reads_as_the_brief_shows(tmp_path):
    path = Path("datasets/criteria/green-factory-2025.yaml")
    target = tmp_path / path
    target.parent.mkdir(parents=True)
    target.write_text(yaml.safe_dump(broken(benchmark="abc")), encoding="utf-8")
    with pytest.raises(CriteriaError) as caught:
        load_criteria(target)
    assert str(caught.value) == f"{target}: item E-3.benchmark: must be a number"
    assert caught.value.field == "benchmark"


def test_a_veto_item_with_points_and_an_item_without_id_are_located(tmp_path):
    data = copy.deepcopy(FACTORY)
    data["items"][0]["points"] = 5
    data["items"].append({"clause": "c", "kind": "veto", "category": "basic", "title": "x"})
    with pytest.raises(CriteriaError) as caught:
        load_criteria(write(tmp_path, data))
    messages = [str(e) for e in caught.value.errors]
    # the item without an id is named by its position
    assert any(m.endswith("items[2].id: is required") for m in messages)
    with pytest.raises(CriteriaError) as caught:
        load_criteria(write(tmp_path, broken() | {"items": data["items"][:2]}))
    assert str(caught.value).endswith(
        "item V-1.points: must be left out: a veto item earns no points")


def test_not_yaml_and_not_a_mapping(tmp_path):
    with pytest.raises(CriteriaError) as caught:
        load_criteria(write(tmp_path, "scheme: green-factory\nitems: [a, b\n"))
    assert "green-factory-2025.yaml: line 3: not valid YAML" in str(caught.value)
    with pytest.raises(CriteriaError) as caught:
        load_criteria(write(tmp_path, "- a list\n"))
    assert str(caught.value).endswith("must be a mapping with scheme, version, categories "
                                      "and items")


def test_weights_on_a_scheme_without_total_and_leading_without_points(tmp_path):
    data = copy.deepcopy(FACTORY)
    data["total"] = {"method": "none"}
    data["scheme"] = "green-design"
    data["items"][0]["kind"] = "baseline"
    data["items"][1].pop("points")
    with pytest.raises(CriteriaError) as caught:
        load_criteria(write(tmp_path, data))
    messages = [str(e) for e in caught.value.errors]
    assert any(m.endswith("category energy.weight: must be left out: this scheme has no total")
               for m in messages)
    assert any(m.endswith("item E-3.leading: must be left out: this scheme has no points to "
                          "interpolate") for m in messages)


def test_versions_are_unique_per_scheme(tmp_path):
    first = write(tmp_path, FACTORY, "a.yaml")
    second = write(tmp_path, FACTORY, "b.yaml")
    with pytest.raises(CriteriaError) as caught:
        load_all(tmp_path)
    assert str(caught.value) == (f"{second}: version: '9' of green-factory/9 is already "
                                 f"defined in {first}")
    # another version of the same scheme is fine
    second.write_text(yaml.safe_dump(broken(VERSION="10")), encoding="utf-8")
    assert sorted(load_all(tmp_path)) == ["green-factory/10", "green-factory/9"]


def test_load_all_reports_every_bad_file(tmp_path):
    write(tmp_path, broken(benchmark="abc"), "a.yaml")
    write(tmp_path, broken(category="water"), "b.yaml")
    with pytest.raises(CriteriaError) as caught:
        load_all(tmp_path)
    # b.yaml also has its category "energy" left without items, so its points do not sum
    assert sorted({e.params["file"] for e in caught.value.errors}) == [
        str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml")]


def test_the_readme_lists_every_annual_data_field():
    from footprint.certs.annual_data import FIELDS

    readme = (CRITERIA / "README.md").read_text(encoding="utf-8")
    assert [name for name in FIELDS if f"| `{name}` |" not in readme] == []



def test_the_app_loads_every_criteria_file_at_start_and_refuses_a_malformed_one(app, tmp_path,
                                                                                bw_dir):
    import shutil

    from footprint import create_app
    from footprint.certs.criteria import CriteriaError
    from tests.databases import empty_database

    shipped = {path.name for path in Path(app.config["CRITERIA_DIR"]).glob("*.yaml")}
    assert len(app.extensions["criteria"]) == len(shipped) == 5
    broken = tmp_path / "criteria"
    shutil.copytree(app.config["CRITERIA_DIR"], broken)
    factory = broken / "green-factory-2025.yaml"
    first_indicator = next(item.id for item in load_criteria(factory).items
                           if item.benchmark == 0.3)
    factory.write_text(factory.read_text(encoding="utf-8").replace(
        "benchmark: 0.3", "benchmark: lots", 1), encoding="utf-8")  # the first indicator
    config = {"INSTANCE_PATH": str(tmp_path / "instance"), "BRIGHTWAY2_DIR": str(bw_dir),
              "DATABASE_URL": empty_database(tmp_path), "CRITERIA_DIR": str(broken)}
    with pytest.raises(CriteriaError) as error:
        create_app(config)
    assert f"{factory}: item {first_indicator}.benchmark: " in str(error.value)
