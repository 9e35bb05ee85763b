"""Assess a ProductSpec on the prepared background: every line is an amount times a unit score.

The characterised unit scores of the background (unit_scores.py: one factorisation per dataset
version, kept on disk) give one row of scores per background activity; supplier factors, direct
emissions and water lines are rows characterised with the methods' CFs. A product is then a
handful of array products, the same numbers as a bw2calc LCA of its foreground on the background
(reference.py, kept as the reference in tests and benchmarks) without a factorisation per product.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..timeutil import utcnow
from . import dataset, flows, methods, project, quality, uncertainty, unit_scores
from .reporting import line_reporting
from .results import AssessmentResult, LineReporting, LineResult
from .spec import BOUNDARY_STAGES, Catalogue, ProductSpec, ResolvedLine, resolve

# Below this a line's score is round-off of the reference LCA's solve: reported as zero.
ZERO = 1e-12


@dataclass(frozen=True)
class Background:
    """The Brightway database lines on a factor code refer to, and the version results name.

    The default is the open dataset built by project.prepare; benchmarks and tests pass another
    (bench/synthetic_background.py), never the app's configuration."""
    database: str
    version: str
    catalogue: Catalogue
    # The rows' metadata (year, geography, scope...) that data quality and reporting read;
    # None: the open dataset's rows.
    factors: dict[str, dataset.Factor] | None = None


class Assessor:
    """Holds the opened project and the background's unit scores; one per process."""

    def __init__(self, bw_dir: Path, datasets_dir: Path = dataset.DATASETS_DIR,
                 background: Background | None = None):
        version = project.prepare(bw_dir, datasets_dir)
        import bw2data

        self.background = background or Background(project.BACKGROUND_DB, version,
                                                   dataset.catalogue(datasets_dir))
        self.dataset_version = self.background.version
        self.catalogue = self.background.catalogue
        self.factors = self.background.factors or dataset.load_factors(datasets_dir)
        self.aware = dataset.load_aware(datasets_dir)
        self.factor_ids = dict(_codes_and_ids(self.background.database))
        self.flow_ids = {}
        for database in (flows.BIOSPHERE3, flows.PLATFORM_FLOWS):
            self.flow_ids.update(
                {(database, code): id_ for code, id_ in _codes_and_ids(database)})
        self.unit_scores = unit_scores.load_or_build(
            Path(bw2data.projects.dir), self.background.database, self.dataset_version)
        row_of_activity = {id_: row for row, id_ in
                           enumerate(self.unit_scores.activity_ids.tolist())}
        self._row_of_factor = {code: row_of_activity[id_]
                               for code, id_ in self.factor_ids.items()}
        row_of_flow = {id_: row for row, id_ in enumerate(self.unit_scores.flow_ids.tolist())}
        self._cf_row = {key: row_of_flow[id_] for key, id_ in self.flow_ids.items()
                        if id_ in row_of_flow}
        self._no_cf = np.zeros(len(methods.ALL))  # a flow no method characterises
        keys = [m.key for m in methods.ALL]
        # Where each result of a line is in its row of scores, found once.
        self._carbon_columns = [(key.split(".")[1], column) for column, key in enumerate(keys)
                                if key.startswith("carbon.")]
        self._total_column = dict(self._carbon_columns)["total"]
        self._water_column = keys.index(methods.WATER_CONSUMPTION.key)
        self._scarcity_column = keys.index(methods.WATER_SCARCITY.key)
        self._method_names = {m.key: m.name for m in methods.ALL}
        self._gas_rows = {("emission", gas): self._cf(flow)
                          for gas, (flow, _) in flows.GASES.items()}
        self._supplier_cfs_of: dict[str, list[np.ndarray]] = {}
        self._facts_by_profile: dict[tuple, LineFacts] = {}
        self._profile_of = _row_profiles(self.factors)

    def assess(self, spec: ProductSpec, *, iterations: int = uncertainty.DEFAULT_ITERATIONS,
               seed: int = uncertainty.SEED) -> AssessmentResult:
        """The footprint of `spec`; `iterations` = 0 skips the Monte Carlo (uncertainty None)."""
        lines = resolve(spec, self.catalogue)
        return self.result(spec, lines, self.line_scores(spec, lines),
                           iterations=iterations, seed=seed)

    def line_scores(self, spec: ProductSpec, lines: list[ResolvedLine]) -> np.ndarray:
        """(lines x methods) score of each line: its flow amount x the unit score of what it
        uses (a background activity, a supplier factor, a gas, consumed water)."""
        row_of = self._row_of_factor
        rows = np.array([row_of[line.reference] if line.kind == "factor" else -1
                         for line in lines], dtype=np.intp)
        others = np.flatnonzero(rows < 0)
        rows[others] = 0  # replaced below
        per_unit = self.unit_scores.scores[rows]
        if len(others):
            extra = self._extra_rows(spec)
            for i in others.tolist():
                per_unit[i] = extra[(lines[i].kind, lines[i].reference)]
        amounts = np.array([line.flow_amount for line in lines], dtype=float)
        per_line = amounts[:, None] * per_unit
        per_line[np.abs(per_line) <= ZERO] = 0.0
        return per_line

    def _extra_rows(self, spec: ProductSpec) -> dict[tuple[str, str], np.ndarray]:
        """Unit scores of what is not a background activity, by (line kind, reference)."""
        region = spec.product.water_region
        rows = dict(self._gas_rows)
        water = self._cf(flows.water_flow(region))
        rows.update({("water", kind): water for kind in ("consumption", "withdrawal",
                                                         "discharge")})
        for factor in spec.factors:
            amounts = (factor.co2e_fossil, factor.co2e_biogenic, factor.co2e_land_use,
                       factor.co2_biogenic_removal, factor.water_m3)
            # term by term in this order: the reference LCA's sums, to 1e-9 (a matrix product
            # adds in another order and can differ by more where terms cancel)
            rows[("custom_factor", factor.code)] = sum(
                (amount * cf for amount, cf in zip(amounts, self._supplier_cfs(
                    factor.water_region)) if amount), self._no_cf)
        return rows

    def _supplier_cfs(self, water_region: str) -> list[np.ndarray]:
        """The CFs of what a supplier factor gives per unit: fossil, biogenic and land-use
        CO2e, biogenic CO2 removal, water consumed in its region."""
        cfs = self._supplier_cfs_of.get(water_region)
        if cfs is None:
            cfs = self._supplier_cfs_of[water_region] = [self._cf(flow) for flow in (
                flows.CO2_FOSSIL, flows.BIOGENIC_CO2E, flows.CO2_LAND_USE,
                flows.BIOGENIC_CO2_REMOVAL, flows.water_flow(water_region))]
        return cfs

    def _cf(self, flow: tuple[str, str]) -> np.ndarray:
        row = self._cf_row.get(flow)
        return self._no_cf if row is None else self.unit_scores.cfs[row]

    def result(self, spec: ProductSpec, lines: list[ResolvedLine], per_line: np.ndarray, *,
               iterations: int = uncertainty.DEFAULT_ITERATIONS,
               seed: int = uncertainty.SEED) -> AssessmentResult:
        facts = self._facts_of(spec, lines)
        carbon = per_line[:, self._total_column].tolist()
        stages = BOUNDARY_STAGES[spec.product.boundary]
        qualities = [fact.quality for fact in facts]
        summary = quality.summary(qualities, carbon, [line.name for line in lines])
        uncertain = None
        if iterations > 0:
            uncertain = uncertainty.analyse(lines, carbon, _draws(lines, facts), stages,
                                            iterations, seed)
        return AssessmentResult(
            product=spec.product.model_dump(),
            stages=stages,
            make_lines=lambda: self._line_results(spec, lines, facts, per_line),
            dataset_version=self.dataset_version,
            methods=dict(self._method_names),
            water_region=spec.product.water_region,
            water_region_cf=self.aware[spec.product.water_region].cf,
            data_quality=summary,
            uncertainty=uncertain,
        )

    def _line_results(self, spec: ProductSpec, lines: list[ResolvedLine],
                      facts: list["LineFacts"], per_line: np.ndarray) -> tuple[LineResult, ...]:
        water, scarcity = (per_line[:, self._water_column].tolist(),
                           per_line[:, self._scarcity_column].tolist())
        carbon_parts = [(name, per_line[:, column].tolist())
                        for name, column in self._carbon_columns]
        return tuple(
            LineResult(index=line.index, name=line.name, stage=line.stage, kind=line.kind,
                       reference=line.reference, amount=line.amount, unit=line.unit,
                       carbon={name: values[i] for name, values in carbon_parts},
                       water_consumption_m3=water[i], water_scarcity_m3_world_eq=scarcity[i],
                       reporting=(fact.reporting if fact.reusable
                                  else line_reporting(line, spec, self.factors)),
                       data_quality=fact.quality_dict, cff=line.cff)
            for i, (line, fact) in enumerate(zip(lines, facts)))

    def monte_carlo(self, spec: ProductSpec, *, iterations: int,
                    seed: int = uncertainty.SEED, chunks: int = 1, on_chunk=None) -> dict:
        """The `uncertainty` block of assess(spec), alone: a longer run (more iterations) of an
        assessment as a job, in chunks (see uncertainty.analyse)."""
        lines = resolve(spec, self.catalogue)
        carbon = self.line_scores(spec, lines)[:, self._total_column].tolist()
        return uncertainty.analyse(lines, carbon, _draws(lines, self._facts_of(spec, lines)),
                                   BOUNDARY_STAGES[spec.product.boundary], iterations, seed,
                                   chunks=chunks, on_chunk=on_chunk)

    def _facts_of(self, spec: ProductSpec, lines: list[ResolvedLine]) -> list["LineFacts"]:
        """What each line's reporting, quality and uncertainty take from what it refers to.
        They depend only on a profile of it: a background row's metadata (category, scope,
        year, place, confidence...), a supplier factor's ratings and flags, a measured line's
        gas or water kind; and on the stage and the product's year and geography. Found once
        per Assessor, as a batch meets the same profiles again and again."""
        reference_year = spec.product.reference_year or utcnow().year
        geography = spec.product.geography
        known, profile_of = self._facts_by_profile, self._profile_of
        suppliers = None
        found = []
        for line in lines:  # a batch runs this for every line: kept flat
            if line.kind == "factor":
                profile = profile_of[line.reference]
            elif line.kind == "custom_factor":
                if suppliers is None:
                    suppliers = {f.code: _supplier_profile(f) for f in spec.factors}
                profile = suppliers[line.reference]
            else:  # a measured emission or water line
                profile = (line.kind, line.reference)
            key = (profile, line.stage, line.cff["term"] if line.cff else None,
                   reference_year, geography)
            facts = known.get(key)
            if facts is None:
                facts = self._new_facts(line, spec, reference_year)
                if len(known) >= MAX_PROFILE_FACTS:
                    known.clear()
                known[key] = facts
            found.append(facts)
        return found

    def _new_facts(self, line: ResolvedLine, spec: ProductSpec,
                   reference_year: int) -> "LineFacts":
        rated = quality.rate_line(line, spec, self.factors, reference_year)
        reporting = line_reporting(line, spec, self.factors)
        return LineFacts(rated, rated.to_dict(),
                         uncertainty.line_sigma(line, rated, spec, self.factors),
                         reporting, reusable=reporting.biogenic_carbon_kg is None)


def _row_profiles(factors: dict[str, dataset.Factor]) -> dict[str, int]:
    """Each dataset row's metadata profile, numbered: rows with equal metadata rate, report
    and vary alike whatever their values, so their facts are found once."""
    numbers: dict[tuple, int] = {}
    return {code: numbers.setdefault(
        (row.category, row.scope, row.year, row.geography, row.confidence,
         getattr(row, "gsd", None), row.is_credit, row.has_water_data, row.land_use_assessed,
         row.biogenic_carbon_kg is None), len(numbers)) for code, row in factors.items()}


def _supplier_profile(factor) -> tuple:
    """What a supplier factor's facts depend on (quality.rate_line, reporting.line_reporting,
    uncertainty.line_sigma)."""
    rating = factor.data_quality
    return ("custom_factor", rating.technological, rating.temporal, rating.geographical,
            factor.gsd, bool(factor.water_m3), factor.land_use_assessed,
            factor.co2e_land_use != 0, factor.biogenic_carbon_kg is None)


# Lines whose factor takes one draw wherever it is used; the others (direct emissions, water)
# are measurements of their own.
SHARED_DRAWS = ("factor", "custom_factor")


def _draws(lines: list[ResolvedLine], facts: list["LineFacts"]) -> list:
    """The factor whose draw scales each line: shared by the lines on one factor, a draw of its
    own for each measured line."""
    seen: dict[tuple, int] = {}
    draws = []
    for line, fact in zip(lines, facts):
        if line.kind in SHARED_DRAWS:
            draws.append(uncertainty.shared_factor(line, fact.sigma))
            continue
        same = (line.kind, line.reference, line.stage, line.amount, line.unit)
        seen[same] = seen.get(same, -1) + 1
        draws.append(uncertainty.measured_factor(line, fact.sigma, seen[same]))
    return draws


# Profiles x stages x years x places an Assessor remembers facts of, before starting afresh.
MAX_PROFILE_FACTS = 500_000


@dataclass(frozen=True)
class LineFacts:
    quality: quality.LineQuality
    quality_dict: dict  # shared by the lines on one profile: read, never changed
    sigma: float  # of the line's factor (uncertainty.line_sigma)
    reporting: LineReporting
    # False when the reporting holds a carbon content, which scales with each line's amount
    reusable: bool


def _codes_and_ids(database: str):
    from bw2data.backends import ActivityDataset

    return (ActivityDataset.select(ActivityDataset.code, ActivityDataset.id)
            .where(ActivityDataset.database == database).tuples())
