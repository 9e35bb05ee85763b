"""The one numeric policy: what typed text is read as, and which numbers are accepted."""
import math

import pytest

from footprint.lca import numbers, parse_spec
from footprint.lca.spec import SpecError


@pytest.mark.parametrize("text, value", [
    ("1.5", 1.5), ("1500", 1500.0), ("1e3", 1000.0), (" 2.5E-4 ", 0.00025), (".5", 0.5),
    ("-2", -2.0), ("１．５", 1.5), ("１５００", 1500.0), ("－２", -2.0), ("-0", 0.0),
    (3, 3.0), (2.5, 2.5), ("1e12", 1e12), ("1e-12", 1e-12),
])
def test_plain_forms_are_read(text, value):
    assert numbers.parse(text) == value


@pytest.mark.parametrize("text, code", [
    ("1,5", "ambiguous_number"), ("1。5", "ambiguous_number"), ("1.234,5", "ambiguous_number"),
    ("1,500", "ambiguous_number"), ("1 500", "ambiguous_number"), ("1'500", "ambiguous_number"),
    ("１，５", "ambiguous_number"),
    ("abc", "not_a_number"), ("1.2.3", "not_a_number"), ("0x10", "not_a_number"),
    ("1_000", "not_a_number"), ("inf", "not_a_number"), ("nan", "not_a_number"),
    ("1e400", "not_finite"), (math.nan, "not_finite"), (math.inf, "not_finite"),
    ("1e26", "too_large"), (1e26, "too_large"), (10**400, "not_finite"),
    ("1.000001e12", "too_large"), ("1e-13", "too_small"), (True, "not_a_number"),
])
def test_ambiguous_or_out_of_bounds_input_is_refused_with_a_code(text, code):
    with pytest.raises(numbers.NumberProblem) as info:
        numbers.parse(text)
    assert info.value.code == code


def test_signs_and_excerpt():
    assert numbers.check(0.0, "non_negative") == 0.0
    assert math.copysign(1, numbers.check(-0.0)) == 1  # -0.0 is stored as 0.0
    for value, sign, code in ((-1, "non_negative", "negative"), (0, "positive", "not_positive")):
        with pytest.raises(numbers.NumberProblem) as info:
            numbers.check(value, sign)
        assert info.value.code == code
    with pytest.raises(numbers.NumberProblem) as info:
        numbers.parse("x" * 100_000)
    assert info.value.params["value"] == "x" * 40 + "…" and len(str(info.value)) < 200


SPEC = {"product": {"name": "p"}, "lines": [
    {"stage": "materials", "name": "steel", "factor": "steel-bof", "amount": 1, "unit": "kg"}]}


def problems_of(**changes) -> list[str]:
    data = {"product": SPEC["product"], "lines": [{**SPEC["lines"][0], **changes.pop("line", {})}],
            **changes}
    with pytest.raises(SpecError) as info:
        parse_spec(data)
    return info.value.problems


def test_spec_applies_the_bounds_to_amounts_allocations_and_factor_values():
    # the acceptance finding: a line amount of 1e26 was accepted
    assert problems_of(line={"amount": 1e26}) == [
        "lines[0] (steel).amount: must be at most 1e12 in size; use a larger unit"]
    alloc = {"annual_amount": 1e13, "basis": "units", "product_quantity": 1,
             "plant_quantity": 2, "units_per_year": 1}
    assert problems_of(line={"amount": None, "allocation": alloc}) == [
        "lines[0] (steel).allocation.annual_amount: must be at most 1e12 in size; "
        "use a larger unit"]
    # each within the bounds, the quotient not: 1e12 x 1 / 1 / 1e-6 = 1e18 per unit
    alloc = {**alloc, "annual_amount": 1e12, "plant_quantity": 1, "units_per_year": 1e-6}
    assert problems_of(line={"amount": None, "allocation": alloc}) == [
        "lines[0] (steel): allocation: the amount per functional unit comes to more than 1e12"]
    factor = {"code": "acme", "name": "a", "unit": "kg", "source": "s", "co2e_biogenic": -1e13}
    assert problems_of(factors=[factor]) == [
        "factors[0].co2e_biogenic: must be at most 1e12 in size; use a larger unit"]


# A leading tab or CR is stripped with the other whitespace; what follows is checked.
@pytest.mark.parametrize("code", ["=cmd", "+1", "-x", "@sum", "\t=x", "\r@x"])
def test_spec_refuses_formula_like_factor_codes(code):
    factor = {"code": code, "name": "a", "unit": "kg", "source": "s"}
    problems = problems_of(factors=[factor])
    assert problems == ["factors[0].code: must not start with = + - @, a tab or a line break"]
