"""Speed of the engine: cold build, warm start, and one warm assessment of 10 and 200 lines.

    .venv/bin/python bench/bench_assess.py

Prints a Markdown table; results are written down in bench/RESULTS.md and the README.
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from itertools import cycle
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
STAGE_OF_CATEGORY = {"material": "materials", "transport": "inbound_transport",
                     "waste": "end_of_life"}


def timed_build(bw_dir: Path) -> float:
    env = {**os.environ, "BRIGHTWAY2_DIR": str(bw_dir)}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "footprint", "dataset", "build"], env=env, cwd=REPO,
                   check=True, capture_output=True)
    return time.perf_counter() - started


def spec_with(n_lines: int, factors) -> dict:
    lines = []
    for index, factor in zip(range(n_lines), cycle(factors)):
        stage = STAGE_OF_CATEGORY.get(factor.category, "manufacturing")
        lines.append({"stage": stage, "name": f"line {index}", "factor": factor.code,
                      "amount": 1.0 + index % 7, "unit": factor.unit})
    # Substitution allows the credit rows at end of life (cut-off, the default, refuses them).
    return {"product": {"name": f"{n_lines} lines", "boundary": "cradle-to-grave",
                        "end_of_life_method": "substitution"},
            "lines": lines}


def median_seconds(assessor, spec, repeat: int = 15) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        assessor.assess(spec)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        bw_dir = Path(tmp)
        cold = timed_build(bw_dir)
        warm = timed_build(bw_dir)
        os.environ["BRIGHTWAY2_DIR"] = str(bw_dir)
        from footprint.lca import get_assessor, parse_spec

        assessor = get_assessor(bw_dir)
        # Recycled-content rows would meet their own recycling credit: a refused double count.
        factors = [f for f in assessor.factors.values()
                   if f.code not in assessor.catalogue.recycled_content]
        small = parse_spec(spec_with(10, factors))
        large = parse_spec(spec_with(200, factors))
        assessor.assess(small)  # first call loads bw2calc
        t_small, t_large = median_seconds(assessor, small), median_seconds(assessor, large)
    print("| measurement | seconds |")
    print("| --- | --- |")
    print(f"| cold build of the Brightway project (new process) | {cold:.2f} |")
    print(f"| warm start: hash check of a built project (new process) | {warm:.2f} |")
    print(f"| one warm assessment, 10 lines (median of 15) | {t_small:.3f} |")
    print(f"| one warm assessment, 200 lines (median of 15) | {t_large:.3f} |")
    print(f"| ratio 200 lines / 10 lines | {t_large / t_small:.2f} |")


if __name__ == "__main__":
    main()
