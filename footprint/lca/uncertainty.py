"""Monte Carlo uncertainty of the carbon footprint, and which lines drive it.

Every factor (a dataset row, a supplier factor, and each direct emission or water line on its
own) gets a lognormal multiplier with median 1 and sigma = ln(GSD). A line's carbon is linear in
its factor (amount x unit score), so iteration i gives line l the carbon c_l x m[i, f(l)], where
f(l) is the line's factor: lines on the same factor share its draw. Totals and stages are then
one matrix product, draws (iterations x factors) @ carbon (factors x stages). Credits (negative
lines) are scaled by their multiplier like any other line.

Sigma, after the ecoinvent v3 pedigree approach (B. P. Weidema, C. Bauer, R. Hischier, C. Mutel,
T. Nemecek, J. Reinhard, C. O. Vadenbo, G. Wernet: "Overview and methodology. Data quality
guideline for the ecoinvent database version 3", ecoinvent report 1 (v3), St. Gallen 2013,
chapter 10): sigma^2 = basic variance + the variances of the five pedigree scores, all as
variances of the natural log of the value. A row's own `gsd` (or a supplier's) replaces that sum:
sigma = ln(gsd).

Pedigree variances, Weidema et al. 2013 table 10.5 (scores 1..5):

    reliability       0       0.0006   0.002   0.008   0.04
    completeness      0       0.0001   0.0006  0.002   0.008
    temporal          0       0.0002   0.002   0.008   0.04
    geographical      0       0.000025 0.0001  0.0006  0.002
    technological     0       0.0006   0.008   0.04    0.12

Basic variances, same guideline, basic uncertainty table (variance of ln; each is (ln U / 2)^2 of
the ecoinvent v2 basic factor U): demand of electricity, thermal energy, semi-finished products,
working material and waste treatment services 0.0006; transport services 0.12; CO2 emissions
0.0006; CH4 and N2O from combustion 0.04. Our choice by factor category: material, fuel,
fuel_upstream, electricity, electricity_green and waste rows 0.0006; transport rows 0.12 (the
ecoinvent value for transport services, which is wide because distances are rarely known: our
lines give t*km as one amount, so the factor's draw also carries that); supplier factors 0.0006;
direct emission lines by gas: CO2 0.0006, every other gas 0.04 (the guideline's value for CH4 and
N2O from combustion; it gives none for fluorinated gases, so refrigerant and process gases take
the same, our assumption); water lines 0.0006 (measured volumes). A category not listed takes
0.0006.

Pedigree scores from the PACT ratings of quality.py:
- temporal: from the row's age in years by the pedigree's own steps (<= 3: 1, <= 6: 2, <= 10: 3,
  <= 15: 4, more or unknown: 5); a user's rating maps 1 -> 1, 2 -> 2, 3 -> 4;
- geographical: 1 -> 1 (the area under study), 2 -> 2 (a larger area that includes it), 3 -> 4
  (an area with only slightly similar production conditions);
- technological: 1 -> 1, 2 -> 3 (same output, different scope or technology), 3 -> 4 (related
  process or material);
- reliability from the row's confidence tag: primary, mirror and paper 2 (published, verified in
  part), derived 3 (computed from cited inputs, partly estimated), unconfirmed 4 (a qualified
  estimate), anything else 4; supplier factors and measured lines 2 (measured, not verified here);
- completeness 1 (no added variance): a row is a published aggregate for its declared unit and the
  share of sites behind it is not recorded; we add no variance rather than guess one.
A factor used on lines of several stages can rate differently per stage (technological); it
takes the largest sigma of its lines, so one factor keeps one draw.

Sensitivity: each line's share of the variance of the total, from the independent lognormal
multipliers (exact, no sampling noise): Var(total) = sum over factors f of C_f^2 v_f, with C_f the
carbon of the lines on f and v_f = (exp(s^2) - 1) exp(s^2) the variance of a median-1 lognormal.
Line l on factor f takes Cov(c_l m_f, total) = c_l C_f v_f of it, so the shares of all lines add
up to 1 and lines that share a factor split its part in proportion to their carbon.
"""
from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

METHOD = "Monte Carlo, lognormal, pedigree"
DEFAULT_ITERATIONS = 1000
SEED = 14067  # fixed (the number of ISO 14067), recorded with every result
PERCENTILES = {"p2_5": 2.5, "p5": 5.0, "p50": 50.0, "p95": 95.0, "p97_5": 97.5}
SENSITIVITY_LINES = 5

PEDIGREE_VARIANCE = {
    "reliability": (0.0, 0.0006, 0.002, 0.008, 0.04),
    "completeness": (0.0, 0.0001, 0.0006, 0.002, 0.008),
    "temporal": (0.0, 0.0002, 0.002, 0.008, 0.04),
    "geographical": (0.0, 0.000025, 0.0001, 0.0006, 0.002),
    "technological": (0.0, 0.0006, 0.008, 0.04, 0.12),
}
BASIC_VARIANCE = {"material": 0.0006, "fuel": 0.0006, "fuel_upstream": 0.0006,
                  "electricity": 0.0006, "electricity_green": 0.0006, "waste": 0.0006,
                  "transport": 0.12}
DEFAULT_BASIC_VARIANCE = 0.0006
SUPPLIER_BASIC_VARIANCE = 0.0006
WATER_BASIC_VARIANCE = 0.0006
CO2_BASIC_VARIANCE = 0.0006
OTHER_GAS_BASIC_VARIANCE = 0.04

RELIABILITY = {"primary": 2, "mirror": 2, "paper": 2, "derived": 3, "unconfirmed": 4}
MEASURED_RELIABILITY = 2
GEOGRAPHICAL_PEDIGREE = {1: 1, 2: 2, 3: 4}
TECHNOLOGICAL_PEDIGREE = {1: 1, 2: 3, 3: 4}
TEMPORAL_PEDIGREE = {1: 1, 2: 2, 3: 4}


@dataclass(frozen=True)
class FactorUncertainty:
    """The multiplier of one factor: `key` names it ("factor:pp-cn", "custom:acme-pcb",
    "line:emission:CH4:manufacturing:2.0:kg#0" for a direct emission or water line)."""
    key: str
    sigma: float


def temporal_pedigree(age_years: int | None) -> int:
    if age_years is None:
        return 5
    for score, limit in ((1, 3), (2, 6), (3, 10), (4, 15)):
        if age_years <= limit:
            return score
    return 5


def pedigree_variance(scores: dict[str, int]) -> float:
    """Sum of the pedigree variances of the given scores (1..5 by indicator)."""
    return sum(PEDIGREE_VARIANCE[key][score - 1] for key, score in scores.items())


def sigma(basic_variance: float, scores: dict[str, int], gsd: float | None = None) -> float:
    """sigma of ln(multiplier): ln(gsd) when a range is given, else basic + pedigree.

    A gsd of None or 0 (an empty column read as a number) means none was given."""
    if gsd:
        return math.log(gsd)
    return math.sqrt(basic_variance + pedigree_variance(scores))


def pedigree_scores(quality, reliability: int, *, rated_by_user: bool = False) -> dict[str, int]:
    """The five pedigree scores of a line from its LineQuality (quality.py)."""
    if rated_by_user:
        temporal = TEMPORAL_PEDIGREE[quality.temporal]
    else:
        temporal = temporal_pedigree(quality.age_years)
    return _pedigree(reliability, temporal, quality.geographical, quality.technological)


def _pedigree(reliability: int, temporal: int, geographical: int, technological: int) -> dict:
    return {"reliability": reliability, "completeness": 1, "temporal": temporal,
            "geographical": GEOGRAPHICAL_PEDIGREE[geographical],
            "technological": TECHNOLOGICAL_PEDIGREE[technological]}


@lru_cache(maxsize=4096)  # a handful of combinations; a batch of products asks them again
def _row_sigma(basic_variance: float, reliability: int, age_years: int | None,
               geographical: int, technological: int, gsd: float | None) -> float:
    return sigma(basic_variance, _pedigree(reliability, temporal_pedigree(age_years),
                                           geographical, technological), gsd)


def shared_factor(line, sigma_: float) -> FactorUncertainty:
    """A dataset row or supplier factor: one draw for every line on it."""
    prefix = "factor" if line.kind == "factor" else "custom"
    return FactorUncertainty(f"{prefix}:{line.reference}", sigma_)


def line_factor(line, quality, spec, factors: dict) -> FactorUncertainty:
    """The factor whose multiplier scales this resolved line, with its sigma."""
    sigma_ = line_sigma(line, quality, spec, factors)
    if line.kind in ("factor", "custom_factor"):
        return shared_factor(line, sigma_)
    return measured_factor(line, sigma_)


def line_sigma(line, quality, spec, factors: dict) -> float:
    """The sigma of the multiplier of this resolved line's factor."""
    if line.kind == "factor":
        row = factors[line.reference]
        return _row_sigma(BASIC_VARIANCE.get(row.category, DEFAULT_BASIC_VARIANCE),
                          RELIABILITY.get(row.confidence, 4), quality.age_years,
                          quality.geographical, quality.technological, getattr(row, "gsd", None))
    if line.kind == "custom_factor":
        custom = next(f for f in spec.factors if f.code == line.reference)
        scores = pedigree_scores(quality, MEASURED_RELIABILITY, rated_by_user=True)
        return sigma(SUPPLIER_BASIC_VARIANCE, scores, getattr(custom, "gsd", None))
    if line.kind == "emission":
        basic = CO2_BASIC_VARIANCE if line.reference.startswith("CO2") else \
            OTHER_GAS_BASIC_VARIANCE
    else:
        basic = WATER_BASIC_VARIANCE
    return sigma(basic, pedigree_scores(quality, MEASURED_RELIABILITY))


def measured_factor(line, sigma_: float, occurrence: int = 0) -> FactorUncertainty:
    """A direct emission or water line: a measurement of its own, drawn alone. Its key is what
    the line says (and which of several identical lines it is), not where it stands, so the
    draws do not depend on the order of the lines."""
    return FactorUncertainty(f"line:{line.kind}:{line.reference}:{line.stage}:"
                             f"{line.amount!r}:{line.unit}#{occurrence}", sigma_)


def factor_index(line_factors: list[FactorUncertainty]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(factor keys, sorted, sigma per factor, factor index per line).

    Sorted so that the same lines in another order give bit for bit the same sums. A factor on
    several lines takes the largest of their sigmas (see the module docstring)."""
    sigmas: dict[str, float] = {}
    for item in line_factors:
        sigmas[item.key] = max(sigmas.get(item.key, 0.0), item.sigma)
    keys = sorted(sigmas)
    position = {key: i for i, key in enumerate(keys)}
    return (keys, np.array([sigmas[key] for key in keys], dtype=float),
            np.array([position[item.key] for item in line_factors], dtype=np.intp))


def draw_multipliers(keys: list[str], sigmas: np.ndarray, iterations: int,
                     seed: int = SEED) -> np.ndarray:
    """iterations x factors lognormal multipliers with median 1, reproducible for a seed."""
    return next(multiplier_chunks(keys, sigmas, [iterations], seed))


def multiplier_chunks(keys: list[str], sigmas: np.ndarray, sizes: list[int], seed: int = SEED):
    """draw_multipliers in chunks of the given sizes, without holding them all at once.

    Each factor draws from a stream of its own, seeded by the seed and the factor's key: a
    factor takes the same draws in every product, whatever other lines the product has and in
    whatever order, and the chunks together are exactly one run's draws (each stream is read on
    from where the last chunk left it)."""
    streams = [np.random.Generator(np.random.PCG64([seed, _key_number(key)])) for key in keys]
    for size in sizes:
        normals = np.empty((size, len(keys)))
        for column, stream in enumerate(streams):
            normals[:, column] = stream.standard_normal(size)
        yield np.exp(normals * sigmas)


@lru_cache(maxsize=65536)
def _key_number(key: str) -> int:
    """A factor key as a stable 64-bit number (Python's own hash() changes between runs)."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "little")


def chunk_sizes(iterations: int, chunks: int) -> list[int]:
    """`iterations` split into `chunks` nearly equal parts (none empty)."""
    chunks = max(1, min(chunks, iterations))
    return [len(part) for part in np.array_split(np.arange(iterations), chunks)]


def line_samples(multipliers: np.ndarray, line_index: np.ndarray,
                 line_carbon: np.ndarray) -> np.ndarray:
    """iterations x lines: each line's carbon in each iteration."""
    return multipliers[:, line_index] * line_carbon


def stage_samples(multipliers: np.ndarray, line_index: np.ndarray, line_carbon: np.ndarray,
                  line_stages: list[str], stages: tuple[str, ...]) -> np.ndarray:
    """iterations x stages, as one product: draws @ (carbon of each factor in each stage)."""
    by_factor_stage = np.zeros((multipliers.shape[1], len(stages)))
    column = {stage: j for j, stage in enumerate(stages)}
    np.add.at(by_factor_stage, (line_index, [column[s] for s in line_stages]), line_carbon)
    return multipliers @ by_factor_stage


def percentiles(sample: np.ndarray) -> dict:
    values = np.percentile(sample, list(PERCENTILES.values()))
    return {**{key: float(v) for key, v in zip(PERCENTILES, values)},
            "iterations": int(sample.shape[0])}


def variance_shares(line_carbon: np.ndarray, line_index: np.ndarray,
                    sigmas: np.ndarray) -> np.ndarray:
    """Each line's share of Var(total) (sums to 1; zeros when the total has no variance)."""
    variance = (np.exp(sigmas ** 2) - 1.0) * np.exp(sigmas ** 2)
    by_factor = np.bincount(line_index, weights=line_carbon, minlength=len(sigmas))
    total = float(np.sum(by_factor ** 2 * variance))
    if total <= 0:
        return np.zeros_like(line_carbon)
    return line_carbon * by_factor[line_index] * variance[line_index] / total


def sensitivity(line_carbon: np.ndarray, line_index: np.ndarray, sigmas: np.ndarray,
                lines) -> list[dict]:
    """The SENSITIVITY_LINES lines with the largest share of the variance, largest first."""
    shares = variance_shares(line_carbon, line_index, sigmas)
    order = sorted((i for i in range(len(shares)) if shares[i] > 0),
                   key=lambda i: (-shares[i], i))[:SENSITIVITY_LINES]
    return [{"line": lines[i].index, "name": lines[i].name, "reference": lines[i].reference,
             "variance_share": float(shares[i])} for i in order]


def analyse(lines, line_carbon: list[float], line_factors: list[FactorUncertainty],
            stages: tuple[str, ...], iterations: int = DEFAULT_ITERATIONS,
            seed: int = SEED, *, chunks: int = 1, on_chunk=None) -> dict:
    """The `uncertainty` block of the results for resolved `lines` with their carbon.

    In `chunks` (a long run as a job: on_chunk(chunk number, iterations done) after each), with
    the same draws as one chunk."""
    keys, sigmas, index = factor_index(line_factors)
    carbon = np.asarray(line_carbon, dtype=float)
    line_stages = [line.stage for line in lines]
    parts, done = [], 0
    sizes = chunk_sizes(iterations, chunks)
    for number, multipliers in enumerate(multiplier_chunks(keys, sigmas, sizes, seed)):
        parts.append(stage_samples(multipliers, index, carbon, line_stages, stages))
        done += len(multipliers)
        if on_chunk is not None:
            on_chunk(number, done)
    by_stage = parts[0] if len(parts) == 1 else np.vstack(parts)
    return {
        "method": METHOD, "iterations": iterations, "seed": seed,
        "total": percentiles(by_stage.sum(axis=1)),
        "by_stage": {stage: percentiles(by_stage[:, j]) for j, stage in enumerate(stages)},
        "sensitivity": sensitivity(carbon, index, sigmas, lines),
    }
