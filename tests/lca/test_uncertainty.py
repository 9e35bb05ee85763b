"""Monte Carlo uncertainty, sensitivity and what-if (footprint/lca/uncertainty.py, whatif.py).

Pedigree and basic variances are those of the ecoinvent v3 guideline quoted in the module's
docstring; factor values come from datasets/factors/*.csv (codes beside each number).
"""
import json
import math

import numpy as np
import pytest
from scipy.stats import norm

from footprint.lca import parse_spec, quality, uncertainty
from footprint.lca.spec import resolve
from footprint.lca.whatif import SwapError, compare
from tests.lca.test_examples_and_cli import run_cli

REL = 1e-6


def supplier(code, co2e, gsd=None, unit="kg"):
    factor = {"code": code, "name": code, "unit": unit, "co2e_fossil": co2e, "source": "test"}
    return factor if gsd is None else {**factor, "gsd": gsd}


def line(stage, name, amount, unit, factor):
    return {"stage": stage, "name": name, "amount": amount, "unit": unit, "factor": factor}


def lognormal_variance(sigma):
    """Variance of a lognormal multiplier with median 1."""
    return (math.exp(sigma ** 2) - 1) * math.exp(sigma ** 2)


def test_sigma_adds_basic_and_pedigree_variances():
    scores = {"reliability": 2, "completeness": 1, "temporal": 3, "geographical": 2,
              "technological": 3}
    # 0.0006 (reliability 2) + 0 + 0.002 (temporal 3) + 0.000025 (geographical 2)
    # + 0.008 (technological 3) = 0.010625
    assert uncertainty.pedigree_variance(scores) == pytest.approx(0.010625)
    assert uncertainty.sigma(0.0006, scores) == pytest.approx(math.sqrt(0.0006 + 0.010625))
    # the factor's own range replaces both
    assert uncertainty.sigma(0.0006, scores, gsd=1.2) == pytest.approx(math.log(1.2))


@pytest.mark.parametrize("age, score", [(3, 1), (6, 2), (10, 3), (15, 4), (16, 5), (None, 5)])
def test_temporal_pedigree_steps(age, score):
    assert uncertainty.temporal_pedigree(age) == score


def test_background_line_sigma_from_its_row(assessor):
    # abs-cn: material (basic 0.0006), confidence mirror (reliability 2: 0.0006), 2005 against
    # 2024 = 19 years (temporal 5: 0.04), China for a China product (geographical 1 -> 1: 0),
    # cradle-to-gate material (technological 1 -> 1: 0)
    spec = parse_spec({"product": {"name": "x", "reference_year": 2024},
                       "lines": [line("materials", "ABS", 1, "kg", "abs-cn")]})
    [resolved] = resolve(spec, assessor.catalogue)
    rated = quality.rate_line(resolved, spec, assessor.factors, 2024)
    factor = uncertainty.line_factor(resolved, rated, spec, assessor.factors)
    assert factor.key == "factor:abs-cn"
    assert factor.sigma == pytest.approx(math.sqrt(0.0006 + 0.0006 + 0.04))


def test_same_seed_same_numbers_other_seed_other_numbers(assessor):
    spec = parse_spec({"product": {"name": "x"}, "lines": [
        line("materials", "steel", 2, "kg", "steel-bof"),
        line("manufacturing", "power", 5, "kWh", "elec-cn-lca-2024")]})
    first = assessor.assess(spec).to_dict()["uncertainty"]
    again = assessor.assess(spec).to_dict()["uncertainty"]
    assert first == again
    assert first["seed"] == uncertainty.SEED and first["iterations"] == 1000
    other = assessor.assess(spec, seed=uncertainty.SEED + 1).to_dict()["uncertainty"]
    assert other["total"]["p50"] != first["total"]["p50"]


def test_lines_on_one_factor_take_the_same_draw(assessor):
    spec = parse_spec({"product": {"name": "x"}, "lines": [
        line("materials", "steel frame", 2, "kg", "steel-bof"),
        line("packaging", "steel strap", 0.5, "kg", "steel-bof"),
        line("manufacturing", "power", 5, "kWh", "elec-cn-lca-2024")]})
    lines = resolve(spec, assessor.catalogue)
    factors = [uncertainty.line_factor(item, quality.rate_line(item, spec, assessor.factors, 2024),
                                       spec, assessor.factors) for item in lines]
    keys, sigmas, index = uncertainty.factor_index(factors)
    assert keys == ["factor:elec-cn-lca-2024", "factor:steel-bof"]  # sorted
    carbon = np.array([0.002 * 1990, 0.0005 * 1990, 5 * 0.5777])  # steel-bof, elec-cn-lca-2024
    samples = uncertainty.line_samples(uncertainty.draw_multipliers(keys, sigmas, 1000), index,
                                       carbon)
    same = np.corrcoef(samples[:, 0], samples[:, 1])[0, 1]
    other = np.corrcoef(samples[:, 0], samples[:, 2])[0, 1]
    assert same == pytest.approx(1.0, abs=1e-12)  # one draw, scaled: perfectly correlated
    # independent draws: |r| of 1000 pairs of independent samples is below 0.15 (about 4.7
    # standard errors of 1 / sqrt(1000) = 0.032)
    assert abs(other) < 0.15
    # and the stage sums are the matrix product of the same draws
    stages = ("materials", "manufacturing", "packaging")
    by_stage = uncertainty.stage_samples(uncertainty.draw_multipliers(keys, sigmas, 1000), index,
                                         carbon, [item.stage for item in lines], stages)
    assert np.allclose(by_stage[:, 0], samples[:, 0]) and np.allclose(by_stage[:, 2],
                                                                      samples[:, 1])


def test_credits_are_scaled_by_their_multiplier():
    multipliers = uncertainty.draw_multipliers(["factor:a", "factor:b"], np.array([0.2, 0.3]),
                                               50)
    carbon = np.array([4.0, -1.5])  # an emission and a credit
    by_stage = uncertainty.stage_samples(multipliers, np.array([0, 1]), carbon,
                                         ["materials", "end_of_life"], ("materials", "end_of_life"))
    assert np.allclose(by_stage[:, 1], -1.5 * multipliers[:, 1])
    assert (by_stage[:, 1] < 0).all()


def test_one_factor_percentiles_are_the_lognormal_quantiles(assessor):
    gsd, iterations = 1.5, 20_000
    spec = parse_spec({"product": {"name": "x"}, "factors": [supplier("acme", 3.0, gsd)],
                       "lines": [line("materials", "part", 2, "kg", "acme")]})
    result = assessor.assess(spec, iterations=iterations).to_dict()["uncertainty"]
    sigma, median = math.log(gsd), 2 * 3.0  # 2 kg x 3.0 kg CO2e/kg
    for key, percent in uncertainty.PERCENTILES.items():
        p = percent / 100
        analytic = median * math.exp(sigma * norm.ppf(p))
        # The standard error of a sample p-quantile of the normal ln-values is
        # sqrt(p (1 - p) / n) / pdf(z_p); allow 4 of them, on the log scale (at p = 2.5 %:
        # sqrt(0.025 x 0.975 / 20000) / 0.0584 = 0.0189, x 4 x ln 1.5 = 3.1 %).
        tolerance = 4 * sigma * math.sqrt(p * (1 - p) / iterations) / norm.pdf(norm.ppf(p))
        assert abs(math.log(result["total"][key] / analytic)) < tolerance, key
        assert result["by_stage"]["materials"][key] == pytest.approx(result["total"][key])
        assert result["by_stage"]["packaging"][key] == 0.0
    assert result["total"]["iterations"] == iterations


def test_sensitivity_ranks_the_line_that_dominates_the_variance(assessor):
    spec = parse_spec({"product": {"name": "x"},
                       "factors": [supplier("wide", 10.0, 2.0), supplier("narrow", 1.0, 1.1),
                                   supplier("tight", 5.0, 1.05)],
                       "lines": [line("materials", "tight part", 1, "kg", "tight"),
                                 line("materials", "wide part", 1, "kg", "wide"),
                                 line("materials", "narrow part", 1, "kg", "narrow")]})
    result = assessor.assess(spec).to_dict()["uncertainty"]["sensitivity"]
    # variance of each line: carbon^2 x (exp(s^2) - 1) exp(s^2), s = ln(gsd)
    parts = {"wide part": 10.0 ** 2 * lognormal_variance(math.log(2.0)),
             "tight part": 5.0 ** 2 * lognormal_variance(math.log(1.05)),
             "narrow part": 1.0 ** 2 * lognormal_variance(math.log(1.1))}
    whole = sum(parts.values())
    assert [item["name"] for item in result] == ["wide part", "tight part", "narrow part"]
    assert [item["line"] for item in result] == [1, 0, 2]
    for item in result:
        assert item["variance_share"] == pytest.approx(parts[item["name"]] / whole, rel=REL)
    assert result[0]["reference"] == "wide" and result[0]["variance_share"] > 0.99


def test_lines_sharing_a_factor_split_its_variance_by_carbon():
    sigmas = np.array([0.3])
    shares = uncertainty.variance_shares(np.array([3.0, 1.0]), np.array([0, 0]), sigmas)
    # one factor, total 4: line shares 3 x 4 / 4^2 and 1 x 4 / 4^2
    assert shares == pytest.approx([3 / 4, 1 / 4])


def test_sensitivity_keeps_five_lines():
    lines = [type("L", (), {"index": i, "name": f"l{i}", "reference": f"f{i}"}) for i in range(7)]
    result = uncertainty.sensitivity(np.arange(1.0, 8.0), np.arange(7), np.full(7, 0.1), lines)
    # equal sigmas: the share grows with carbon^2, so lines 6, 5, 4, 3, 2
    assert [item["line"] for item in result] == [6, 5, 4, 3, 2]


SWAP_SPEC = {"product": {"name": "fan"}, "lines": [
    line("materials", "steel", 2, "kg", "steel-bof"),
    line("manufacturing", "power", 10, "kWh", "elec-cn-lca-2024"),
    line("manufacturing", "more power", 5, "kWh", "elec-cn-lca-2024")]}


def test_what_if_arithmetic_from_the_two_rows(assessor):
    change = compare(assessor, parse_spec(SWAP_SPEC), {"elec-cn-lca-2024": "elec-cq-co2-2023"})
    before = 0.002 * 1990 + 15 * 0.5777  # steel-bof 3.98 + 15 kWh x elec-cn-lca-2024 = 12.6455
    after = 0.002 * 1990 + 15 * 0.5581   # 15 kWh x elec-cq-co2-2023 = 12.3515
    assert change["total"]["before"] == pytest.approx(before, rel=REL)
    assert change["total"]["after"] == pytest.approx(after, rel=REL)
    assert change["total"]["delta"] == pytest.approx(15 * (0.5581 - 0.5777), rel=1e-5)  # -0.294
    assert change["by_stage"]["manufacturing"]["delta"] == pytest.approx(-0.294, rel=1e-5)
    assert change["by_stage"]["materials"]["delta"] == 0.0
    assert [(c["line"], c["from"], c["to"]) for c in change["lines"]] == [
        (1, "elec-cn-lca-2024", "elec-cq-co2-2023"), (2, "elec-cn-lca-2024", "elec-cq-co2-2023")]
    assert change["lines"][0]["delta"] == pytest.approx(10 * (0.5581 - 0.5777), rel=1e-5)


@pytest.mark.parametrize("swap, code, words", [
    ({"elec-cn-lca-2024": "steel-bof"}, "swap_unit_mismatch",
     "factor 'elec-cn-lca-2024' is per kWh and factor 'steel-bof' per t"),
    ({"pp-cn": "abs-cn"}, "swap_from_unused", "no line uses factor 'pp-cn'"),
    ({"steel-bof": "no-such"}, "swap_to_unknown", "unknown factor 'no-such'"),
])
def test_what_if_refuses_a_bad_swap(assessor, swap, code, words):
    with pytest.raises(SwapError) as caught:
        compare(assessor, parse_spec(SWAP_SPEC), swap)
    assert caught.value.code == code and words in str(caught.value)


def test_cli_what_if_and_compute_iterations(tmp_path, bw_dir):
    path = tmp_path / "fan.json"
    path.write_text(json.dumps(SWAP_SPEC))
    done = run_cli("what-if", str(path), "--swap", "elec-cn-lca-2024=elec-cq-co2-2023", "--json",
                   bw_dir=bw_dir)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["total"]["delta"] == pytest.approx(15 * (0.5581 - 0.5777),
                                                                      rel=1e-5)
    done = run_cli("what-if", str(path), "--swap", "elec-cn-lca-2024=steel-bof", bw_dir=bw_dir)
    assert done.returncode == 2 and "'elec-cn-lca-2024'" in done.stderr \
        and "'steel-bof'" in done.stderr
    skipped = run_cli("compute", str(path), "--json", "--iterations", "0", bw_dir=bw_dir)
    assert json.loads(skipped.stdout)["uncertainty"] is None
    full = json.loads(run_cli("compute", str(path), "--json", bw_dir=bw_dir).stdout)
    assert set(full["uncertainty"]["total"]) == {"p2_5", "p5", "p50", "p95", "p97_5",
                                                 "iterations"}
    assert set(full["uncertainty"]["by_stage"]) == {"materials", "inbound_transport",
                                                    "manufacturing", "packaging"}
    assert full["uncertainty"]["method"] == "Monte Carlo, lognormal, pedigree"
    assert full["data_quality"]["primary_share"] == 0.0  # every line on a dataset row
    assert full["lines"][0]["primary"] is False and "flags" in full["lines"][0]["data_quality"]


def test_the_draws_do_not_depend_on_the_order_of_the_lines(assessor):
    lines = [line("materials", "steel frame", 2, "kg", "steel-bof"),
             {"stage": "manufacturing", "name": "kiln", "emission": "CH4", "amount": 0.3,
              "unit": "kg"},
             line("manufacturing", "power", 5, "kWh", "elec-cn-lca-2024"),
             {"stage": "manufacturing", "name": "dryer", "emission": "CH4", "amount": 0.3,
              "unit": "kg"},
             line("packaging", "steel strap", 0.5, "kg", "steel-bof")]
    forward = assessor.assess(parse_spec({"product": {"name": "x"}, "lines": lines}))
    shuffled = [lines[i] for i in (2, 4, 1, 0, 3)]  # power first, the CH4 lines swapped
    other = assessor.assess(parse_spec({"product": {"name": "x"}, "lines": shuffled}))
    assert forward.uncertainty["total"] == other.uncertainty["total"]
    assert forward.uncertainty["by_stage"] == other.uncertainty["by_stage"]


def test_a_factor_takes_the_same_draws_whatever_else_the_product_holds():
    alone = uncertainty.draw_multipliers(["factor:pp-cn"], np.array([0.1]), 200)
    among = uncertainty.draw_multipliers(["factor:steel-bof", "factor:pp-cn", "line:x#0"],
                                         np.array([0.3, 0.1, 0.2]), 200)
    assert np.array_equal(among[:, 1], alone[:, 0])
    assert not np.array_equal(among[:, 0], among[:, 2])  # each key a stream of its own
