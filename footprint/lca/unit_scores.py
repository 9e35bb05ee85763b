"""Characterised unit scores of a background, one file per dataset version.

One factorisation of the background technosphere and one transposed solve per method,
y = A^-T B^T c, give the score of one unit of every background activity for every method (a dense
array activities x methods). With it, a line on a background activity costs amount x score, and an
assessment needs no LCA of its own. The characterisation factors (flows x methods) are kept beside
it: supplier factors, direct emissions and water lines are flows characterised with them.

The file lives in the prepared Brightway project's directory and is named after the dataset
version, so a new version (dataset files, loader code, Brightway packages, the methods) finds no
file and builds one; the files of other versions are removed then. A rebuild of the same version
(`footprint dataset build --force`) may give the activities new ids: the file also records when
the databases it was computed from were written, and is rebuilt when that differs.
"""
from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import flows, methods

FILE_PREFIX = "footprint-unit-scores-"
FILE_SUFFIX = ".npz"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class UnitScores:
    activity_ids: np.ndarray  # (activities,) Brightway ids of the background activities
    scores: np.ndarray  # (activities, methods) score of one unit of each activity's product
    flow_ids: np.ndarray  # (flows,) every flow some method characterises
    cfs: np.ndarray  # (flows, methods) characterisation factors
    method_keys: tuple[str, ...]  # column order: the keys of methods.ALL when built
    written: str = ""  # when the databases it was computed from were written (see `written`)


def path_for(project_dir: Path, dataset_version: str) -> Path:
    return Path(project_dir) / f"{FILE_PREFIX}{dataset_version}{FILE_SUFFIX}"


def load_or_build(project_dir: Path, database: str, dataset_version: str) -> UnitScores:
    """The unit scores of `database` in the current Brightway project, from the file if it is
    there and was built for the same methods, else computed and written."""
    path = path_for(project_dir, dataset_version)
    wanted = tuple(m.key for m in methods.ALL)
    if path.exists():
        try:
            stored = load(path)
        except (OSError, ValueError, KeyError) as exc:  # a torn or foreign file: build anew
            log.warning("Unit scores in %s unreadable (%s); rebuilding", path, exc)
        else:
            if stored.method_keys == wanted and stored.written == written(database):
                return stored
    started = time.perf_counter()
    built = compute(database)
    save(built, path)
    for other in Path(project_dir).glob(f"{FILE_PREFIX}*{FILE_SUFFIX}"):
        if other != path:
            other.unlink(missing_ok=True)
    log.info("Unit scores of %s (%d activities) built in %.1f s", database,
             len(built.activity_ids), time.perf_counter() - started)
    return built


def load(path: Path) -> UnitScores:
    with np.load(path, allow_pickle=False) as data:
        return UnitScores(activity_ids=data["activity_ids"], scores=data["scores"],
                          flow_ids=data["flow_ids"], cfs=data["cfs"],
                          method_keys=tuple(str(k) for k in data["method_keys"]),
                          written=str(data["written"]))


def save(unit_scores: UnitScores, path: Path) -> None:
    # Written aside and renamed: a reader (another web worker) sees the old file or the whole new
    # one, never half of it.
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    with open(partial, "wb") as handle:
        np.savez(handle, activity_ids=unit_scores.activity_ids, scores=unit_scores.scores,
                 flow_ids=unit_scores.flow_ids, cfs=unit_scores.cfs,
                 method_keys=np.array(unit_scores.method_keys),
                 written=np.array(unit_scores.written))
    os.replace(partial, path)


def compute(database: str) -> UnitScores:
    """Factorise the technosphere of `database` once and solve it transposed for every method.

    The matrices are the ones bw2calc builds from the database's datapackage (the same float32
    values), so the scores agree with a bw2calc LCA of any product on this background."""
    import bw2data
    from scipy.sparse.linalg import splu

    from .reference import bw2calc

    flow_ids, cfs = characterisation_factors()
    background = bw2data.Database(database)
    any_activity = next(iter(background)).id
    lca = bw2calc().LCA({any_activity: 1.0}, data_objs=[background.datapackage()])
    lca.load_lci_data()
    row_of_flow = {int(flow): row for row, flow in enumerate(flow_ids)}
    characterisation = np.zeros((lca.biosphere_matrix.shape[0], len(methods.ALL)))
    for flow, row in lca.dicts.biosphere.items():
        if flow in row_of_flow:
            characterisation[row] = cfs[row_of_flow[flow]]
    per_activity = np.asarray(lca.biosphere_matrix.T @ characterisation)
    per_product = splu(lca.technosphere_matrix.T.tocsc()).solve(per_activity)
    products = lca.dicts.product
    activity_ids = np.fromiter(products.keys(), dtype=np.int64, count=len(products))
    rows = np.fromiter(products.values(), dtype=np.int64, count=len(products))
    return UnitScores(activity_ids=activity_ids, scores=per_product[rows], flow_ids=flow_ids,
                      cfs=cfs, method_keys=tuple(m.key for m in methods.ALL),
                      written=written(database))


def written(database: str) -> str:
    """When the background and the flow databases were last written: Brightway ids (which the
    file holds) change only with a write."""
    import bw2data

    return json.dumps({name: bw2data.databases[name].get("modified") for name in
                       (database, flows.BIOSPHERE3, flows.PLATFORM_FLOWS)}, sort_keys=True)


def characterisation_factors() -> tuple[np.ndarray, np.ndarray]:
    """(flow ids, flows x methods CFs) as bw2calc reads them from the methods' datapackages:
    float32 values, duplicates of a flow summed."""
    import bw2data

    by_flow: dict[int, np.ndarray] = {}
    for column, method in enumerate(methods.ALL):
        package = bw2data.Method(method.name).datapackage()
        for resource in package.resources:
            if resource["matrix"] != "characterization_matrix" or resource["kind"] != "data":
                continue
            name = resource["name"].removesuffix(".data")
            data, _ = package.get_resource(f"{name}.data")
            indices, _ = package.get_resource(f"{name}.indices")
            for flow, value in zip(indices["row"].tolist(), np.asarray(data, dtype=float)):
                by_flow.setdefault(flow, np.zeros(len(methods.ALL)))[column] += value
    flow_ids = np.array(sorted(by_flow), dtype=np.int64)
    cfs = np.array([by_flow[f] for f in flow_ids.tolist()]).reshape(len(flow_ids),
                                                                    len(methods.ALL))
    return flow_ids, cfs

