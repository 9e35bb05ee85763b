"""Data quality: PACT-style ratings per line from the factor row against the product, primary
data, flags, and the |carbon|-weighted summary (footprint/lca/quality.py).

Factor rows named beside each case are in datasets/factors/*.csv (year, geography, scope).
"""
from types import SimpleNamespace

import pytest

from footprint.lca import SpecError, parse_spec
from footprint.lca import quality
from footprint.lca.quality import (geographical_rating, is_outdated, row_year, technological_rating,
                                   temporal_rating)

REL = 1e-6


@pytest.mark.parametrize("age, expected", [
    (0, 1), (3, 1),   # up to 3 years: good
    (4, 2), (6, 2),   # up to 6: fair
    (7, 3), (19, 3),  # older: poor
    (None, 3),        # year unreadable: poor
])
def test_temporal_rating_steps(age, expected):
    assert temporal_rating(age) == expected


def test_row_year_reads_the_last_year_of_a_range():
    assert row_year("2022") == 2022
    assert row_year("2019-2021") == 2021
    assert row_year("n/a") is None


@pytest.mark.parametrize("row, site, expected", [
    ("Chongqing", "Chongqing", (1, False)),       # the same region
    ("Chongqing", "CN-CQ", (1, False)),           # the AWARE code of the same region
    ("CN-Southwest", "Chongqing", (2, False)),    # its grid region
    ("China", "Chongqing", (2, False)),           # national data for a Chongqing site
    ("China", None, (1, False)),                  # no product geography means China
    ("Chongqing", None, (2, False)),              # a region inside the product's (China)
    ("Qingdao, China", "Shandong", (2, False)),   # a city inside the province
    ("Sichuan", "Chongqing", (3, True)),          # a neighbour: outside the site's geography
    ("CN-East", "Chongqing", (3, True)),          # another grid region
    ("Europe", None, (3, True)),                  # another part of the world
    ("USA", "Chongqing", (3, True)),
    ("Global", "Chongqing", (3, False)),          # a superset of every site: poor, not outside
    ("China", "Wuhan", (2, False)),               # a site we do not know lies in China
])
def test_geographical_rating(row, site, expected):
    assert geographical_rating(row, site) == expected


@pytest.mark.parametrize("category, scope, stage, expected", [
    ("material", "cradle-to-gate", "materials", 1),                      # steel-bof
    ("material", "cradle-to-gate", "packaging", 1),
    ("electricity", "life-cycle CO2e (PCF)", "manufacturing", 1),        # elec-cn-lca-2024
    ("fuel", "combustion only", "manufacturing", 2),  # ng-combustion: no upstream
    ("transport", "gate-to-grave operation", "inbound_transport", 2),    # operation only
    ("material", "cradle-to-gate CO2 only (worldsteel indicator)", "materials", 2),  # CO2 only
    ("electricity", "location-based CO2 only (inventory)", "manufacturing", 3),  # both
    ("waste", "cradle-to-grave treatment", "materials", 2),              # a waste row as material
    ("fuel", "combustion only, CO2 only", "materials", 3),               # capped at 3
])
def test_technological_rating(category, scope, stage, expected):
    assert technological_rating(category, scope, stage) == expected


@pytest.mark.parametrize("category, year, expected", [
    ("electricity", 2019, False),  # 2024 - 2019 = 5 years: within the 5 of electricity
    ("electricity", 2018, True),   # 6 years > 5
    ("material", 2014, False),     # 10 years: within the 10 of other categories
    ("material", 2013, True),      # 11 > 10
    ("material", None, False),     # an unreadable year rates poor but is not called outdated
])
def test_outdated_by_category_validity(category, year, expected):
    assert is_outdated(category, year, 2024) is expected


def test_unconfirmed_row_is_flagged():
    row = SimpleNamespace(category="material", scope="cradle-to-gate", year="2023",
                          geography="China", confidence="unconfirmed")
    rated = quality.rate_background_line("materials", row, 2024, None)
    assert rated.flags == ("unconfirmed",)
    assert (rated.technological, rated.temporal, rated.geographical) == (1, 1, 1)
    assert rated.primary is False


SPEC = {
    "product": {"name": "pump", "geography": "Chongqing", "reference_year": 2024},
    "factors": [{"code": "acme-motor", "name": "motor, supplier Acme", "unit": "piece",
                 "co2e_fossil": 10.0, "source": "supplier PCF 2024",
                 "data_quality": {"technological": 1, "temporal": 1, "geographical": 2}}],
    "lines": [
        {"stage": "materials", "name": "steel", "amount": 2, "unit": "kg", "factor": "steel-bof"},
        {"stage": "materials", "name": "motor", "amount": 1, "unit": "piece",
         "factor": "acme-motor"},
        {"stage": "manufacturing", "name": "electricity", "amount": 10, "unit": "kWh",
         "factor": "elec-sc-co2-2023"},
        {"stage": "materials", "name": "ABS", "amount": 0.5, "unit": "kg", "factor": "abs-cn"},
        {"stage": "manufacturing", "name": "refrigerant leak", "amount": 1, "unit": "g",
         "emission": "HFC-134a"},
    ],
}
CARBON = [
    0.002 * 1990,  # 2 kg = 0.002 t x 1990 (steel-bof) = 3.98
    10.0,          # 1 piece x 10.0 (supplier)
    10 * 0.1564,   # 10 kWh x 0.1564 (elec-sc-co2-2023) = 1.564
    0.5 * 16.6,    # 0.5 kg x 16.6 (abs-cn) = 8.3
    0.001 * 1530,  # 1 g HFC-134a x GWP100 1530 = 1.53
]
# (technological, temporal, geographical, primary) per line, reference year 2024, Chongqing:
EXPECTED = [
    (1, 1, 2, False),  # steel-bof: cradle-to-gate material; 2022 (2 y); China for Chongqing
    (1, 1, 2, True),   # supplier factor: the user's rating
    (3, 1, 3, False),  # elec-sc-co2-2023: CO2-only inventory factor; 2023; Sichuan, not Chongqing
    (1, 3, 2, False),  # abs-cn: 2005, 19 years; China
    (1, 1, 1, True),   # direct emission measured by the factory
]


@pytest.fixture(scope="module")
def result(assessor):
    return assessor.assess(parse_spec(SPEC), iterations=0).to_dict()


def test_each_line_has_its_rating_primary_and_flags(result):
    for line, carbon, (tech, temporal, geo, primary) in zip(result["lines"], CARBON, EXPECTED):
        assert line["carbon"] == pytest.approx(carbon, rel=REL)
        assert line["primary"] is primary, line["name"]
        rated = line["data_quality"]
        assert (rated["technological"], rated["temporal"], rated["geographical"]) == (
            tech, temporal, geo), line["name"]
        assert rated["rating"] == pytest.approx((tech + temporal + geo) / 3)
    assert [line["data_quality"]["flags"] for line in result["lines"]] == [
        [], [], ["outside_geography"], ["outdated"], []]


def test_summary_is_weighted_by_carbon(result):
    whole = sum(CARBON)  # 3.98 + 10 + 1.564 + 8.3 + 1.53 = 25.374
    summary = result["data_quality"]
    for position, key in enumerate(("technological", "temporal", "geographical")):
        expected = sum(c * e[position] for c, e in zip(CARBON, EXPECTED)) / whole
        assert summary[key] == pytest.approx(expected, rel=REL), key
    # technological: (3.98 + 10 + 3 x 1.564 + 8.3 + 1.53) / 25.374 = 1.12327
    assert summary["technological"] == pytest.approx(
        (3.98 + 10 + 3 * 1.564 + 8.3 + 1.53) / 25.374, rel=REL)
    assert summary["total"] == pytest.approx(
        sum(c * sum(e[:3]) / 3 for c, e in zip(CARBON, EXPECTED)) / whole, rel=REL)
    # primary: the supplier motor and the measured leak, (10 + 1.53) / 25.374 = 0.45440
    assert summary["primary_share"] == pytest.approx((10 + 1.53) / whole, rel=REL)
    assert summary["flags"] == [
        {"line": 2, "name": "electricity", "code": "outside_geography"},
        {"line": 3, "name": "ABS", "code": "outdated"}]


def test_reference_year_moves_the_temporal_rating(assessor):
    spec = {**SPEC, "product": {**SPEC["product"], "reference_year": 2031}}
    lines = assessor.assess(parse_spec(spec), iterations=0).to_dict()["lines"]
    # steel-bof 2022: 9 years before 2031 -> poor (3), not yet outdated (10-year validity)
    assert lines[0]["data_quality"]["temporal"] == 3 and lines[0]["data_quality"]["flags"] == []
    # elec-sc-co2-2023: 8 years > 5 of electricity -> outdated as well as outside
    assert lines[2]["data_quality"]["flags"] == ["outdated", "outside_geography"]


def test_unrated_supplier_factor_is_two_two_two(assessor):
    factor = {k: v for k, v in SPEC["factors"][0].items() if k != "data_quality"}
    spec = {**SPEC, "factors": [factor]}
    line = assessor.assess(parse_spec(spec), iterations=0).to_dict()["lines"][1]
    assert (line["data_quality"]["technological"], line["data_quality"]["temporal"],
            line["data_quality"]["geographical"]) == (2, 2, 2)


def test_summary_of_zero_carbon_lines_weighs_by_count():
    measured = quality.rate_measured_line()
    row = SimpleNamespace(category="material", scope="cradle-to-gate", year="2010",
                          geography="China", confidence="mirror")
    background = quality.rate_background_line("materials", row, 2024, None)  # temporal 3
    summary = quality.summary([measured, background], [0.0, 0.0], ["water in", "pp"])
    assert summary["temporal"] == pytest.approx((1 + 3) / 2)  # by count, each line weighs 1
    assert summary["primary_share"] == pytest.approx(1 / 2)


@pytest.mark.parametrize("change, field", [
    ({"data_quality": {"technological": 4}}, "technological"),
    ({"data_quality": {"temporal": 0}}, "temporal"),
    ({"gsd": 0.9}, "gsd"),
])
def test_supplier_rating_and_gsd_are_checked(change, field):
    spec = {**SPEC, "factors": [{**SPEC["factors"][0], **change}]}
    with pytest.raises(SpecError) as caught:
        parse_spec(spec)
    assert [error.field for error in caught.value.errors] == [field]


def test_reference_year_is_checked():
    with pytest.raises(SpecError) as caught:
        parse_spec({**SPEC, "product": {**SPEC["product"], "reference_year": 1850}})
    assert [error.field for error in caught.value.errors] == ["reference_year"]
