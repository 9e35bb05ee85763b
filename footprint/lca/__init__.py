"""Life-cycle assessment: the only place a footprint is computed.

Imports neither Flask nor the database; takes a ProductSpec, returns plain results.
"""
from __future__ import annotations

from pathlib import Path

from .dataset import DATASETS_DIR, DatasetError, dataset_version, load_factors
from .results import AssessmentResult, LineResult
from .spec import STAGES, ProductSpec, SpecError, load_spec_file, parse_spec

__all__ = [
    "AssessmentResult", "DATASETS_DIR", "DatasetError", "LineResult", "ProductSpec", "STAGES",
    "SpecError", "assess", "dataset_version", "get_assessor", "load_factors", "load_spec_file",
    "parse_spec", "use_assessor",
]

_assessors: dict[Path, object] = {}


def get_assessor(bw_dir: Path):
    """The process-wide Assessor for a Brightway directory, prepared on first use."""
    from .assessor import Assessor

    bw_dir = Path(bw_dir).resolve()
    if bw_dir not in _assessors:
        _assessors.clear()  # Brightway has one current directory per process
        _assessors[bw_dir] = Assessor(bw_dir)
    return _assessors[bw_dir]


def use_assessor(bw_dir: Path, assessor) -> None:
    """Make `assessor` the process-wide one for `bw_dir`: how benchmarks and tests put the app
    on another background (bench/synthetic_background.py); the app's configuration cannot."""
    _assessors.clear()
    _assessors[Path(bw_dir).resolve()] = assessor


def assess(spec: ProductSpec, bw_dir: Path) -> AssessmentResult:
    return get_assessor(bw_dir).assess(spec)
