"""Assess a ProductSpec in Brightway: the product's foreground on top of the open background.

The foreground (one activity per line plus the product) is an in-memory bw_processing datapackage,
so nothing is written to the project per assessment. Contributions by line come from one solve of
the transposed technosphere: y = A^-T B^T c gives every activity's cumulative score per unit, so a
200-line product costs one factorisation, not 200 calculations.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from scipy.sparse.linalg import splu

from ..timeutil import utcnow
from . import dataset, flows, methods, project, quality, uncertainty
from .reporting import line_reporting
from .results import AssessmentResult, LineResult
from .spec import BOUNDARY_STAGES, ProductSpec, ResolvedLine, resolve


@dataclass
class _Foreground:
    technosphere: list[tuple[int, int, float, bool]]  # (product, activity, amount, consumed)
    biosphere: list[tuple[int, int, float]]  # (flow, activity, amount)
    root: int
    line_ids: list[int]


class Assessor:
    """Holds the opened project and its datapackages; one per process."""

    def __init__(self, bw_dir: Path, datasets_dir: Path = dataset.DATASETS_DIR):
        self.dataset_version = project.prepare(bw_dir, datasets_dir)
        import bw2data

        self.factors = dataset.load_factors(datasets_dir)
        self.aware = dataset.load_aware(datasets_dir)
        self.catalogue = dataset.catalogue(datasets_dir)
        background = bw2data.Database(project.BACKGROUND_DB)
        self._factor_ids = {node["code"]: node.id for node in background}
        self._flow_ids = {}
        for database in (flows.BIOSPHERE3, flows.PLATFORM_FLOWS):
            self._flow_ids.update(
                {(database, code): id_ for code, id_ in _codes_and_ids(database)})
        self._first_free_id = max([*self._factor_ids.values(), *self._flow_ids.values()]) + 1
        self._background = background.datapackage()
        self._method_packages = {m: bw2data.Method(m.name).datapackage() for m in methods.ALL}

    def assess(self, spec: ProductSpec, *, iterations: int = uncertainty.DEFAULT_ITERATIONS,
               seed: int = uncertainty.SEED) -> AssessmentResult:
        """The footprint of `spec`; `iterations` = 0 skips the Monte Carlo (uncertainty None)."""
        lines = resolve(spec, self.catalogue)
        foreground = self._foreground(spec, lines)
        scores = self._unit_scores(foreground)  # (activity id -> row) x methods
        results = [self._line_result(line, scores[id_])
                   for line, id_ in zip(lines, foreground.line_ids)]
        stages = BOUNDARY_STAGES[spec.product.boundary]
        qualities, summary, uncertain = self._quality_and_uncertainty(
            spec, lines, [r.carbon["total"] for r in results], stages, iterations, seed)
        return AssessmentResult(
            product=spec.product.model_dump(),
            stages=stages,
            lines=tuple(replace(result, reporting=line_reporting(line, spec, self.factors),
                                data_quality=q.to_dict())
                        for result, line, q in zip(results, lines, qualities)),
            dataset_version=self.dataset_version,
            methods={m.key: m.name for m in methods.ALL},
            water_region=spec.product.water_region,
            water_region_cf=self.aware[spec.product.water_region].cf,
            data_quality=summary,
            uncertainty=uncertain,
        )

    def _quality_and_uncertainty(self, spec, lines, carbon, stages, iterations, seed):
        reference_year = spec.product.reference_year or utcnow().year
        qualities = [quality.rate_line(line, spec, self.factors, reference_year)
                     for line in lines]
        summary = quality.summary(qualities, carbon, [line.name for line in lines])
        if iterations <= 0:
            return qualities, summary, None
        line_factors = [uncertainty.line_factor(line, q, spec, self.factors)
                        for line, q in zip(lines, qualities)]
        return qualities, summary, uncertainty.analyse(lines, carbon, line_factors, stages,
                                                       iterations, seed)

    def _foreground(self, spec: ProductSpec, lines: list[ResolvedLine]) -> _Foreground:
        next_id = iter(range(self._first_free_id, self._first_free_id + 1 + len(lines)
                             + len(spec.factors)))
        root = next(next_id)
        technosphere = [(root, root, 1.0, False)]
        biosphere = []
        custom_ids = {}
        for factor in spec.factors:
            custom_ids[factor.code] = id_ = next(next_id)
            technosphere.append((id_, id_, 1.0, False))
            biosphere += [(self._flow_ids[flow], id_, amount) for flow, amount in (
                (flows.CO2_FOSSIL, factor.co2e_fossil),
                (flows.BIOGENIC_CO2E, factor.co2e_biogenic),
                (flows.CO2_LAND_USE, factor.co2e_land_use),
                (flows.BIOGENIC_CO2_REMOVAL, factor.co2_biogenic_removal),
                (flows.water_flow(factor.water_region), factor.water_m3),
            ) if amount]
        line_ids = []
        for line in lines:
            line_ids.append(id_ := next(next_id))
            technosphere += [(id_, id_, 1.0, False), (id_, root, 1.0, True)]
            if line.kind == "factor":
                technosphere.append((self._factor_ids[line.reference], id_, line.flow_amount, True))
            elif line.kind == "custom_factor":
                technosphere.append((custom_ids[line.reference], id_, line.flow_amount, True))
            elif line.kind == "emission":
                flow = flows.GASES[line.reference][0]
                biosphere.append((self._flow_ids[flow], id_, line.flow_amount))
            else:
                flow = flows.water_flow(spec.product.water_region)
                biosphere.append((self._flow_ids[flow], id_, line.flow_amount))
        return _Foreground(technosphere, biosphere, root, line_ids)

    def _unit_scores(self, foreground: _Foreground) -> dict[int, np.ndarray]:
        lca = _bw2calc().LCA({foreground.root: 1.0}, data_objs=[
            self._background, _datapackage(foreground),
            self._method_packages[methods.ALL[0]],
        ])
        lca.lci()
        characterisation = []
        with warnings.catch_warnings():
            # A method may characterise none of this product's flows; a zero score is right then.
            warnings.filterwarnings("ignore", "All values in characterization matrix are zero")
            for method in methods.ALL:
                lca.switch_method([self._method_packages[method]])
                characterisation.append(lca.characterization_matrix.diagonal())
        per_flow = lca.biosphere_matrix.T @ np.column_stack(characterisation)
        per_product = splu(lca.technosphere_matrix.T.tocsc()).solve(np.asarray(per_flow))
        return {id_: per_product[row] for id_, row in lca.dicts.product.items()}

    def _line_result(self, line: ResolvedLine, scores: np.ndarray) -> LineResult:
        # The solve leaves round-off of ~1e-17 where a line has no such flow: report it as zero.
        by_key = {m.key: float(s) if abs(s) > 1e-12 else 0.0 for m, s in zip(methods.ALL, scores)}
        return LineResult(
            index=line.index, name=line.name, stage=line.stage, kind=line.kind,
            reference=line.reference, amount=line.amount, unit=line.unit,
            carbon={key.split(".")[1]: value for key, value in by_key.items()
                    if key.startswith("carbon.")},
            water_consumption_m3=by_key[methods.WATER_CONSUMPTION.key],
            water_scarcity_m3_world_eq=by_key[methods.WATER_SCARCITY.key],
        )


def _bw2calc():
    with warnings.catch_warnings():
        # The optional PARDISO solver is not needed for a foreground of a few hundred lines.
        warnings.filterwarnings("ignore", message="(?s).*pypardiso")
        import bw2calc
    return bw2calc


def _codes_and_ids(database: str):
    from bw2data.backends import ActivityDataset

    return (ActivityDataset.select(ActivityDataset.code, ActivityDataset.id)
            .where(ActivityDataset.database == database).tuples())


def _datapackage(foreground: _Foreground):
    import bw_processing as bwp

    package = bwp.create_datapackage(sum_intra_duplicates=True, sum_inter_duplicates=False)
    rows, cols, amounts, flips = zip(*foreground.technosphere)
    package.add_persistent_vector(
        matrix="technosphere_matrix", name="foreground-technosphere",
        indices_array=np.array(list(zip(rows, cols)), dtype=bwp.INDICES_DTYPE),
        data_array=np.array(amounts, dtype=float), flip_array=np.array(flips, dtype=bool),
    )
    if foreground.biosphere:
        rows, cols, amounts = zip(*foreground.biosphere)
        package.add_persistent_vector(
            matrix="biosphere_matrix", name="foreground-biosphere",
            indices_array=np.array(list(zip(rows, cols)), dtype=bwp.INDICES_DTYPE),
            data_array=np.array(amounts, dtype=float),
        )
    return package
