"""What the Assessor and the spec checks remember between products (issue 10: a batch meets the
same rows, units and lines again) must never carry one product's facts into another's."""
import pytest

from footprint.lca import parse_spec, units
from footprint.lca.dataset import catalogue

BOX = {"stage": "packaging", "name": "box", "factor": "corrugated-box-cn", "unit": "kg"}


def spec(lines, **product):
    return parse_spec({"product": {"name": "p", "boundary": "cradle-to-grave", **product},
                       "lines": lines})


def test_a_rows_quality_follows_each_products_reference_year_and_geography(assessor):
    # corrugated-box-cn is a 2011 China row: 4 years before 2015 rates 2; 14 before 2025 rates 3
    early = assessor.assess(spec([{**BOX, "amount": 1}], reference_year=2015), iterations=0)
    late = assessor.assess(spec([{**BOX, "amount": 1}], reference_year=2025), iterations=0)
    assert early.lines[0].data_quality["temporal"] == 2
    assert late.lines[0].data_quality["temporal"] == 3
    assert "outdated" in late.lines[0].data_quality["flags"]  # 14 years > 10 of a material
    assert "outdated" not in early.lines[0].data_quality["flags"]
    # a China row is the product's own geography (1), or the parent of Chongqing (2)
    here = assessor.assess(spec([{**BOX, "amount": 1}], reference_year=2015), iterations=0)
    there = assessor.assess(spec([{**BOX, "amount": 1}], reference_year=2015,
                                 geography="Chongqing"), iterations=0)
    assert (here.lines[0].data_quality["geographical"],
            there.lines[0].data_quality["geographical"]) == (1, 2)


def test_a_rows_carbon_content_follows_each_lines_amount(assessor):
    result = assessor.assess(spec([{**BOX, "amount": 2}, {**BOX, "name": "lid", "amount": 0.5}]),
                             iterations=0)
    contents = [line.reporting.biogenic_carbon_kg for line in result.lines]
    assert contents == pytest.approx([2 * 0.40986, 0.5 * 0.40986])  # kg C per kg of box


def test_a_direct_emission_line_keeps_a_draw_of_its_own(assessor):
    # Two measured CO2 lines are two measurements: their draws are independent, so the
    # spread of their sum is narrower than one line of twice the amount would have.
    two = assessor.assess(spec([
        {"stage": "manufacturing", "name": "kiln", "emission": "CO2", "amount": 1, "unit": "kg"},
        {"stage": "manufacturing", "name": "dryer", "emission": "CO2", "amount": 1,
         "unit": "kg"}]))
    one = assessor.assess(spec([
        {"stage": "manufacturing", "name": "kiln", "emission": "CO2", "amount": 2,
         "unit": "kg"}]))
    spread = {name: r.uncertainty["total"]["p97_5"] - r.uncertainty["total"]["p2_5"]
              for name, r in (("two", two), ("one", one))}
    assert spread["two"] < spread["one"]


def test_a_supplier_factor_is_checked_against_its_own_unit():
    from footprint.lca.spec import Line, LineProblem, check_line

    rows = catalogue()
    line = Line.model_validate({"stage": "materials", "name": "frame", "factor": "al-primary-cn",
                                "amount": 250, "unit": "kg"})
    assert check_line(line, "cradle-to-gate", rows, end_of_life_method="cut-off")[2] == \
        pytest.approx(0.25)  # 250 kg = 0.25 t of the dataset row
    # A supplier factor of the same code in another spec is checked against its own unit.
    with pytest.raises(LineProblem):
        check_line(line, "cradle-to-gate", rows, {"al-primary-cn": "piece"},
                   end_of_life_method="cut-off")


def test_unit_conversions_are_cached_per_pair_and_errors_are_not():
    units.conversion_factor.cache_clear()
    for _ in range(1000):
        assert units.conversion_factor("g", "kg") == pytest.approx(0.001)
    info = units.conversion_factor.cache_info()
    assert (info.misses, info.hits) == (1, 999)  # pint was asked once for the pair
    for _ in range(2):
        with pytest.raises(units.UnitError):
            units.conversion_factor("kWh", "kg")
    assert units.conversion_factor.cache_info().currsize == 1  # the error is not remembered


def test_rows_with_one_metadata_profile_share_facts_but_not_their_draws(assessor):
    from footprint.lca.assessor import _draws
    from footprint.lca.spec import resolve

    # cu-cn and ps-cn: material, cradle-to-gate, 2021, China, mirror, no gsd: one profile.
    # pc-cn differs only in its year (2019): against 2027, ages 6 and 8 rate 2 and 3.
    lines = [{"stage": "materials", "name": code, "factor": code, "amount": 1, "unit": "kg"}
             for code in ("cu-cn", "ps-cn", "pc-cn")]
    product = spec(lines, reference_year=2027)
    result = assessor.assess(product, iterations=0)
    cu, ps, pc = (line.data_quality for line in result.lines)
    assert cu is ps  # the same facts object, shared and never changed
    assert (cu["temporal"], pc["temporal"]) == (2, 3)
    resolved = resolve(product, assessor.catalogue)
    keys = [draw.key for draw in _draws(resolved, assessor._facts_of(product, resolved))]
    assert keys == ["factor:cu-cn", "factor:ps-cn", "factor:pc-cn"]  # a draw per row


def test_supplier_factors_share_facts_only_with_equal_ratings(assessor):
    def product(rating):
        factor = {"code": "acme", "name": "acme", "unit": "kg", "co2e_fossil": 2.0,
                  "source": "supplier", "data_quality": rating}
        return parse_spec({"product": {"name": "p"}, "factors": [factor], "lines": [
            {"stage": "materials", "name": "part", "factor": "acme", "amount": 1,
             "unit": "kg"}]})

    good = {"technological": 1, "temporal": 1, "geographical": 1}
    elsewhere = {**good, "geographical": 3}  # differs in one rating only
    first, again, other = (assessor.assess(product(r), iterations=0).lines[0].data_quality
                           for r in (good, good, elsewhere))
    assert first is again  # one profile: found once
    # the mean of the three ratings: 1, and (1 + 1 + 3) / 3
    assert (first["rating"], other["rating"]) == pytest.approx((1, 5 / 3))
