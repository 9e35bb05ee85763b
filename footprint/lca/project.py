"""The prepared Brightway project: built from `datasets/` once, reused while its hash matches.

Brightway keeps process-wide state (the current project and its directory), so the directory is
chosen once per process through `open_project` and never switched inside a request.
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import sys
import time
from pathlib import Path

from . import dataset, flows, methods

PROJECT_NAME = "footprint"
BACKGROUND_DB = "cn-open-factors"
STAMP_FILE = "footprint-dataset.json"

log = logging.getLogger(__name__)


def open_project(bw_dir: Path) -> None:
    """Make `bw_dir` the Brightway data directory and `footprint` the current project."""
    bw_dir = Path(bw_dir).resolve()
    bw_dir.mkdir(parents=True, exist_ok=True)
    os.environ["BRIGHTWAY2_DIR"] = str(bw_dir)  # read by bw2data at import time
    os.environ.setdefault("BRIGHTWAY_NO_STRUCTLOG", "1")
    # Brightway's feedback handler binds to sys.stdout when imported; keep stdout for results
    # (`compute --json`) by importing it while stdout points at stderr.
    with contextlib.redirect_stdout(sys.stderr):
        import bw2data

    if Path(bw2data.projects._base_data_dir).resolve() != bw_dir:
        bw2data.projects.change_base_directories(bw_dir, project_name=PROJECT_NAME, update=False)
    elif bw2data.projects.current != PROJECT_NAME:
        bw2data.projects.set_current(PROJECT_NAME, update=False)


def _stamp_path() -> Path:
    import bw2data

    return Path(bw2data.projects.dir) / STAMP_FILE


def built_version() -> str | None:
    path = _stamp_path()
    if not path.exists():
        return None
    return json.loads(path.read_text())["dataset_version"]


def prepare(bw_dir: Path, datasets_dir: Path = dataset.DATASETS_DIR, *, force: bool = False) -> str:
    """Open the project and (re)build it if the dataset files changed. Returns the dataset version."""
    open_project(bw_dir)
    version = dataset.dataset_version(datasets_dir)
    if not force and built_version() == version:
        return version
    # One builder at a time (web workers, CLI); the others wait, then find the project built.
    with open(Path(bw_dir) / ".footprint-build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not force and built_version() == version:
            return version
        started = time.perf_counter()
        with contextlib.redirect_stdout(sys.stderr):  # importers print progress bars
            _build(datasets_dir)
        _stamp_path().write_text(json.dumps({"dataset_version": version}))
    log.info("Built Brightway project for dataset %s in %.1f s", version,
             time.perf_counter() - started)
    return version


def _build(datasets_dir: Path) -> None:
    import bw2data

    factors = dataset.load_factors(datasets_dir)
    aware = dataset.load_aware(datasets_dir)
    if flows.BIOSPHERE3 not in bw2data.databases:
        import bw2io

        bw2io.create_default_biosphere3()
    _write_database(flows.PLATFORM_FLOWS, flows.platform_flow_records(aware))
    _write_database(BACKGROUND_DB, _background_records(factors, aware))
    for method, cfs in methods.characterisation_factors(aware).items():
        written = bw2data.Method(method.name)
        if written.name in bw2data.methods:
            written.deregister()
        written.register(unit=method.unit, description=methods.description(method))
        written.write(cfs)


def _write_database(name: str, records: dict) -> None:
    import bw2data

    if name in bw2data.databases:
        del bw2data.databases[name]
    database = bw2data.Database(name)
    database.register()
    database.write(records)


def _background_records(factors, aware) -> dict:
    return {(BACKGROUND_DB, f.code): _activity(f, aware) for f in factors.values()}


def _activity(factor: dataset.Factor, aware) -> dict:
    key = (BACKGROUND_DB, factor.code)
    exchanges = [{"input": key, "amount": 1.0, "type": "production"}]
    amounts: dict[tuple, float] = {}
    for column, amount in factor.gases.items():
        flow = flows.COLUMN_FLOWS[column]
        amounts[flow] = amounts.get(flow, 0.0) + amount
    if factor.co2_biogenic_removal:
        amounts[flows.BIOGENIC_CO2_REMOVAL] = factor.co2_biogenic_removal
    if factor.water_m3:
        region = flows.GEOGRAPHY_WATER_REGION.get(factor.geography, "GLO")
        amounts[flows.water_flow(region if region in aware else "GLO")] = factor.water_m3
    exchanges += [{"input": flow, "amount": amount, "type": "biosphere"}
                  for flow, amount in amounts.items()]
    return {
        "name": factor.name_en, "name_zh": factor.name_zh, "reference product": factor.name_en,
        "unit": factor.unit, "location": factor.geography, "exchanges": exchanges,
        "comment": factor.source, "confidence": factor.confidence, "year": factor.year,
    }
