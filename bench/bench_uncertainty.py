"""Cost of the Monte Carlo: 1,000 iterations on a 200-line product spread over the open dataset.

    .venv/bin/python bench/bench_uncertainty.py            # in-process table (Markdown)
    .venv/bin/python bench/bench_uncertainty.py once --iterations 1000 --bw-dir DIR
        # one assessment in a fresh process, for timing whole processes against --iterations 0

The in-process table gives the median of 15 warm assessments with 1,000 iterations and with none
(their difference is the Monte Carlo's cost), the Monte Carlo step alone, and the peak memory that
tracemalloc sees during one assessment with 1,000 iterations (numpy reports its arrays to it).
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from itertools import cycle
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
STAGE_OF_CATEGORY = {"material": "materials", "transport": "inbound_transport",
                     "waste": "end_of_life"}
LINES, ITERATIONS, REPEAT = 200, 1000, 15


def spec_with(n_lines: int, factors) -> dict:
    """n lines cycling through every dataset factor (so 200 lines use ~150 distinct factors)."""
    lines = []
    for index, factor in zip(range(n_lines), cycle(factors)):
        stage = STAGE_OF_CATEGORY.get(factor.category, "manufacturing")
        lines.append({"stage": stage, "name": f"line {index}", "factor": factor.code,
                      "amount": 1.0 + index % 7, "unit": factor.unit})
    return {"product": {"name": f"{n_lines} lines", "boundary": "cradle-to-grave"},
            "lines": lines}


def build(bw_dir: Path) -> None:
    env = {**os.environ, "BRIGHTWAY2_DIR": str(bw_dir)}
    subprocess.run([sys.executable, "-m", "footprint", "dataset", "build"], env=env, cwd=REPO,
                   check=True, capture_output=True)


def median_seconds(call, repeat: int = REPEAT) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def open_assessor(bw_dir: Path):
    os.environ["BRIGHTWAY2_DIR"] = str(bw_dir)
    from footprint.lca import get_assessor, parse_spec

    assessor = get_assessor(bw_dir)
    spec = parse_spec(spec_with(LINES, list(assessor.factors.values())))
    return assessor, spec


def table(bw_dir: Path) -> None:
    from footprint.lca import quality, uncertainty
    from footprint.lca.spec import resolve

    assessor, spec = open_assessor(bw_dir)
    assessor.assess(spec, iterations=0)  # first call loads bw2calc
    result = assessor.assess(spec).to_dict()
    lines = resolve(spec, assessor.catalogue)
    carbon = [line["carbon"] for line in result["lines"]]
    qualities = [quality.rate_line(line, spec, assessor.factors, 2026) for line in lines]
    factors = [uncertainty.line_factor(line, q, spec, assessor.factors)
               for line, q in zip(lines, qualities)]
    distinct = len({f.key for f in factors})
    stages = assessor.assess(spec, iterations=0).stages

    with_mc = median_seconds(lambda: assessor.assess(spec, iterations=ITERATIONS))
    without = median_seconds(lambda: assessor.assess(spec, iterations=0))
    mc_only = median_seconds(lambda: uncertainty.analyse(lines, carbon, factors, stages,
                                                         ITERATIONS))
    tracemalloc.start()
    assessor.assess(spec, iterations=ITERATIONS)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    tracemalloc.start()
    assessor.assess(spec, iterations=0)
    _, peak_without = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{LINES} lines on {distinct} distinct factors, {ITERATIONS} iterations, "
          f"median of {REPEAT}\n")
    print("| measurement | value |")
    print("| --- | --- |")
    print(f"| one warm assessment with {ITERATIONS} iterations | {with_mc:.4f} s |")
    print(f"| one warm assessment without Monte Carlo (iterations 0) | {without:.4f} s |")
    print(f"| Monte Carlo step alone (draws, stage sums, percentiles, sensitivity) | "
          f"{mc_only:.4f} s |")
    print(f"| peak traced memory, one assessment with {ITERATIONS} iterations | "
          f"{peak / 2**20:.2f} MiB |")
    print(f"| peak traced memory, one assessment without Monte Carlo | "
          f"{peak_without / 2**20:.2f} MiB |")
    print(f"| peak resident set of the whole benchmark process | {rss:.0f} MiB |")


def once(bw_dir: Path, iterations: int) -> None:
    assessor, spec = open_assessor(bw_dir)
    assessor.assess(spec, iterations=iterations)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", nargs="?", default="table", choices=("table", "once"))
    parser.add_argument("--iterations", type=int, default=ITERATIONS)
    parser.add_argument("--bw-dir", type=Path)
    args = parser.parse_args()
    if args.bw_dir:  # a project directory to reuse (the Assessor builds it if it must)
        runner = table if args.mode == "table" else lambda d: once(d, args.iterations)
        runner(args.bw_dir)
        return
    with tempfile.TemporaryDirectory() as tmp:
        build(Path(tmp))
        table(Path(tmp)) if args.mode == "table" else once(Path(tmp), args.iterations)


if __name__ == "__main__":
    main()
