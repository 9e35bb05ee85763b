"""The plain bw2calc LCA of one product: the reference the engine is tested and benchmarked against.

The product's foreground (one activity per line, one per supplier factor, and the product) is an
in-memory bw_processing datapackage on top of the background, solved by a new bw2calc LCA; every
activity's cumulative score per unit comes from one solve of the transposed technosphere. This
was the engine until unit scores (unit_scores.py) replaced it: it costs a factorisation of the
whole background per product, seconds on an ecoinvent-sized one.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from . import flows, methods
from .results import AssessmentResult
from .spec import ProductSpec, ResolvedLine, resolve


@dataclass
class Foreground:
    technosphere: list[tuple[int, int, float, bool]]  # (product, activity, amount, consumed)
    biosphere: list[tuple[int, int, float]]  # (flow, activity, amount)
    root: int
    line_ids: list[int]


def reference_assess(assessor, spec: ProductSpec, **options) -> AssessmentResult:
    """What `assessor.assess(spec, **options)` gives, computed by a bw2calc LCA of the
    product (options: iterations, seed of the Monte Carlo)."""
    import bw2data

    lines = resolve(spec, assessor.catalogue)
    foreground = build_foreground(assessor, spec, lines)
    background = bw2data.Database(assessor.background.database).datapackage()
    packages = [bw2data.Method(m.name).datapackage() for m in methods.ALL]
    scores = foreground_unit_scores(foreground, background, packages)
    per_line = np.array([scores[id_] for id_ in foreground.line_ids]).reshape(
        len(lines), len(methods.ALL))
    # The solve leaves round-off of ~1e-17 where a line has no such flow: report it as zero.
    per_line[np.abs(per_line) <= 1e-12] = 0.0
    return assessor.result(spec, lines, per_line, **options)


def build_foreground(assessor, spec: ProductSpec, lines: list[ResolvedLine]) -> Foreground:
    first_free_id = max(int(assessor.unit_scores.activity_ids.max()),
                        *assessor.flow_ids.values()) + 1
    next_id = iter(range(first_free_id, first_free_id + 1 + len(lines) + len(spec.factors)))
    root = next(next_id)
    technosphere = [(root, root, 1.0, False)]
    biosphere = []
    custom_ids = {}
    for factor in spec.factors:
        custom_ids[factor.code] = id_ = next(next_id)
        technosphere.append((id_, id_, 1.0, False))
        biosphere += [(assessor.flow_ids[flow], id_, amount) for flow, amount in (
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
            technosphere.append((assessor.factor_ids[line.reference], id_, line.flow_amount,
                                 True))
        elif line.kind == "custom_factor":
            technosphere.append((custom_ids[line.reference], id_, line.flow_amount, True))
        elif line.kind == "emission":
            flow = flows.GASES[line.reference][0]
            biosphere.append((assessor.flow_ids[flow], id_, line.flow_amount))
        else:
            flow = flows.water_flow(spec.product.water_region)
            biosphere.append((assessor.flow_ids[flow], id_, line.flow_amount))
    return Foreground(technosphere, biosphere, root, line_ids)


def foreground_unit_scores(foreground: Foreground, background, method_packages
                           ) -> dict[int, np.ndarray]:
    """(activity id -> score per unit) x methods, from a new LCA of the product."""
    from scipy.sparse.linalg import splu

    lca = bw2calc().LCA({foreground.root: 1.0}, data_objs=[
        background, datapackage(foreground), method_packages[0]])
    lca.lci()
    characterisation = []
    with warnings.catch_warnings():
        # A method may characterise none of this product's flows; a zero score is right then.
        warnings.filterwarnings("ignore", "All values in characterization matrix are zero")
        for package in method_packages:
            lca.switch_method([package])
            characterisation.append(lca.characterization_matrix.diagonal())
    per_flow = lca.biosphere_matrix.T @ np.column_stack(characterisation)
    per_product = splu(lca.technosphere_matrix.T.tocsc()).solve(np.asarray(per_flow))
    return {id_: per_product[row] for id_, row in lca.dicts.product.items()}


def bw2calc():
    with warnings.catch_warnings():
        # The optional PARDISO solver is not installed; SuperLU does the work.
        warnings.filterwarnings("ignore", message="(?s).*pypardiso")
        import bw2calc
    return bw2calc


def datapackage(foreground: Foreground):
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
