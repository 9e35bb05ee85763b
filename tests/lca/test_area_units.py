"""Area units: goods bought by the square metre (printed circuit boards) reach an m2 factor,
and an area line against a mass factor is refused with the line named."""
import pytest

from footprint.lca.spec import Catalogue, SpecError, parse_spec, resolve
from footprint.lca.units import UnitError, conversion_factor, is_known

# A catalogue of its own: which factor carries m2 is a dataset question, the conversion is not.
CATALOGUE = Catalogue(factor_units={"board-area": "m2", "steel-bof": "kg"},
                      water_regions=frozenset({"GLO", "CN"}), credit_factors=frozenset())


def spec(*lines):
    return {"product": {"name": "controller"}, "lines": list(lines)}


def line(**fields):
    return {"stage": "materials", "name": "board", "amount": 1.0, "unit": "m2",
            "factor": "board-area", **fields}


@pytest.mark.parametrize("unit", ["m2", "m²", "平方米", "M2"])
def test_area_spellings_are_known_and_are_square_metres(unit):
    assert is_known(unit)
    assert conversion_factor(unit, "m2") == pytest.approx(1.0)


def test_an_area_line_converts_to_the_m2_factor_unit():
    lines = resolve(parse_spec(spec(
        line(amount=0.5, unit="m2"),                  # 0.5 m2
        line(amount=0.25, unit="平方米"),             # 0.25 m2
        line(amount=2500, unit="cm**2"),              # 2500 cm2 = 2500 / 10,000 = 0.25 m2
    )), CATALOGUE)
    assert [round(l.flow_amount, 9) for l in lines] == [0.5, 0.25, 0.25]


def test_an_area_line_against_a_mass_factor_is_refused_naming_the_line():
    with pytest.raises(SpecError) as info:
        resolve(parse_spec(spec(line(), line(name="laminate", factor="steel-bof"))), CATALOGUE)
    assert info.value.problems == ["lines[1] (laminate): unit 'm2' cannot be converted to 'kg'"]


def test_an_area_cannot_be_converted_to_a_mass():
    with pytest.raises(UnitError) as info:
        conversion_factor("m2", "kg")
    assert info.value.code == "unit_mismatch"
