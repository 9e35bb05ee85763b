"""A batch of products on an ecoinvent-sized synthetic background: the naive path (a new bw2calc
LCA per product, footprint/lca/reference.py) against the platform's (amount x characterised unit
score), in one run; then one Calculate through the web (Flask test client) on that background.

    .venv/bin/python bench/synthetic_background.py --dir instance/brightway-synthetic -n 20000
    .venv/bin/python bench/bench_batch.py --dir instance/brightway-synthetic -n 20000

The naive path is timed on a sample (--naive-sample products, the first of each of as many
blocks of the batch) and extrapolated to the batch per product: a new LCA costs seconds, the
whole batch would take an hour. The paths take turns, block by block, so that both meet the
same load of a shared machine. Both paths' results are compared on the sample to relative 1e-9,
line by line. Prints a Markdown report; results are written down in bench/RESULTS.md.
"""
from __future__ import annotations

import argparse
import gc
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
os.environ.setdefault("BRIGHTWAY_NO_STRUCTLOG", "1")

REL = 1e-9
# Differences of less than this many kg (or m3) are the round-off of the two solves (the
# engine reports scores under it as zero: footprint/lca/assessor.ZERO); seen on components of
# about 1e-4 kg of a line, 4e-14 to 4e-13 kg apart.
ROUND_OFF = 1e-12


def max_relative_difference(fast: dict, slow: dict, floor: float = 0.0) -> float:
    """The largest relative difference between the two results' line values, leaving out
    differences of at most `floor` in absolute value."""
    worst = 0.0
    for a, b in zip(fast["lines"], slow["lines"], strict=True):
        pairs = [(a[key], b[key]) for key in ("carbon", "water", "water_scarcity_m3_world_eq")]
        pairs += [(a["carbon_detail"][key], value) for key, value in b["carbon_detail"].items()]
        for x, y in pairs:
            if abs(x - y) > floor:
                worst = max(worst, abs(x - y) / max(abs(x), abs(y)))
    return worst


def batch(bw_dir: Path, n_activities: int, n_products: int, naive_sample: int,
          seed: int, mc_sample: int = 100, freeze: bool = True) -> tuple[dict, object]:
    from bench import synthetic_background
    from footprint.lca import parse_spec, reference, uncertainty, unit_scores
    from footprint.lca.assessor import Assessor

    background = synthetic_background.build(bw_dir, n_activities)
    import bw2data

    cached = unit_scores.path_for(Path(bw2data.projects.dir), background.version)
    cached.unlink(missing_ok=True)  # time the one-time setup
    started = time.perf_counter()
    assessor = Assessor(bw_dir, background=background)
    setup = time.perf_counter() - started
    started = time.perf_counter()
    Assessor(bw_dir, background=background)
    warm_start = time.perf_counter() - started

    rng = np.random.default_rng(seed)
    specs = [parse_spec(synthetic_background.random_spec(
        rng, background.catalogue, int(rng.integers(50, 201)), name=f"product {k}"))
        for k in range(n_products)]
    n_lines = [len(spec.lines) for spec in specs]

    # The specs stand for the batch's input files: a batch reads one at a time. Frozen out of
    # the garbage collector (gc.freeze) so that its full collections do not walk 1,000 specs
    # of 50 to 200 pydantic lines each, which no real batch holds (measured both ways in
    # bench/RESULTS.md).
    if freeze:
        gc.collect()
        gc.freeze()

    # The ratio compares like with like: the footprint of each product (iterations=0), as the
    # naive path gives it; the Monte Carlo every Calculate adds is timed apart below. Like a
    # batch, which writes each result and lets it go, only the results compared with the naive
    # path's are kept. The two paths take turns, a block of the batch then one naive product,
    # so that both meet the same moments of a shared, noisy machine.
    assessor.assess(specs[0])  # first call imports what it needs
    blocks = np.array_split(np.arange(n_products), naive_sample)
    fast_total, naive_times, worst, worst_raw = 0.0, [], 0.0, 0.0
    for block in blocks:
        started = time.perf_counter()
        for k in block:
            result = assessor.assess(specs[k], iterations=0)
            if k == block[0]:
                kept = result
        fast_total += time.perf_counter() - started
        started = time.perf_counter()
        slow = reference.reference_assess(assessor, specs[block[0]], iterations=0)
        naive_times.append(time.perf_counter() - started)
        fast_json, slow_json = kept.to_dict(), slow.to_dict()
        worst = max(worst, max_relative_difference(fast_json, slow_json, ROUND_OFF))
        worst_raw = max(worst_raw, max_relative_difference(fast_json, slow_json))
    started = time.perf_counter()
    for spec in specs:
        assessor.assess(spec, iterations=0).to_dict()
    json_total = time.perf_counter() - started
    started = time.perf_counter()
    for spec in specs[:mc_sample]:
        assessor.assess(spec)
    mc_per_product = (time.perf_counter() - started) / mc_sample

    from footprint.lca.spec import resolve

    resolve_total = scores_total = 0.0
    for spec in specs:
        started = time.perf_counter()
        lines = resolve(spec, assessor.catalogue)
        resolve_total += time.perf_counter() - started
        started = time.perf_counter()
        assessor.line_scores(spec, lines)
        scores_total += time.perf_counter() - started

    figures = {
        "activities": n_activities,
        "technosphere exchanges": int(sum(len(a.technosphere()) + 1 for a in
                                          bw2data.Database(background.database))),
        "products": n_products, "lines min/mean/max": (min(n_lines), statistics.mean(n_lines),
                                                       max(n_lines)),
        "setup s": setup, "warm start s": warm_start,
        "specs frozen out of the garbage collector": freeze,
        "platform batch s": fast_total, "platform per product s": fast_total / n_products,
        "platform per product with each result's JSON document s": json_total / n_products,
        "  of which validation (resolve) per product s": resolve_total / n_products,
        "  of which amount x unit score (line_scores) per product s": scores_total / n_products,
        f"platform with the Monte Carlo ({uncertainty.DEFAULT_ITERATIONS} iterations) per "
        f"product s (first {mc_sample})": mc_per_product,
        "naive sample": naive_sample, "naive per product s": statistics.mean(naive_times),
        "naive per product min/max s": (min(naive_times), max(naive_times)),
        "max relative difference (differences over 1e-12 absolute)": worst,
        "max relative difference (all, round-off included)": worst_raw,
    }
    figures["naive batch s (extrapolated)"] = figures["naive per product s"] * n_products
    figures["speed-up"] = figures["naive per product s"] / figures["platform per product s"]
    return figures, assessor


def web_calculate(assessor, bw_dir: Path, n_lines: int, repeat: int) -> dict:
    """POST /products/1/calculate through Flask's test client, on the synthetic background."""
    from footprint import create_app, db
    from footprint.accounts import operations as accounts
    from footprint.lca import use_assessor
    from footprint.products import operations as products
    from tests.helpers import credit_code, login

    use_assessor(bw_dir, assessor)
    factors = sorted(assessor.catalogue.factor_units.items())
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite'}"
        db.upgrade(url)
        app = create_app({"INSTANCE_PATH": tmp, "BRIGHTWAY2_DIR": str(bw_dir),
                          "DATABASE_URL": url, "WTF_CSRF_ENABLED": False,
                          "RATELIMIT_ENABLED": False, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
        with app.app_context():
            session = db.session()
            user = accounts.register_organisation(
                session, name="Bench Co", credit_code=credit_code(1), address="",
                user_name="Bench", email="bench@example.cn", password="correct horse 1")
            product = products.create_product(
                session, user, organisation_id=user.organisation_id,
                data={"name": "Bench product", "boundary": "cradle-to-gate",
                      "functional_unit": "1 piece"})
            products.replace_lines(session, user, product, [
                {"stage": "materials", "name": f"part {k}", "factor": code, "amount": 1.0 + k,
                 "unit": unit} for k, (code, unit) in zip(range(n_lines), factors)
                if code not in assessor.catalogue.credit_factors], append=False)
            session.commit()
            product_id = product.id
        client = app.test_client()
        login(client, "bench@example.cn")
        assert client.post(f"/products/{product_id}/calculate").status_code == 302  # warm-up
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            response = client.post(f"/products/{product_id}/calculate")
            times.append(time.perf_counter() - started)
            assert response.status_code == 302 and "/assessments/" in response.location
    return {"lines": n_lines, "repeat": repeat, "median ms": 1000 * statistics.median(times),
            "max ms": 1000 * max(times)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", type=Path, default=REPO / "instance" / "brightway-synthetic")
    parser.add_argument("-n", type=int, default=20_000, help="activities of the background")
    parser.add_argument("--products", type=int, default=1000)
    parser.add_argument("--naive-sample", type=int, default=20)
    parser.add_argument("--web-lines", type=int, default=50)
    parser.add_argument("--web-repeat", type=int, default=20)
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--no-freeze", action="store_true",
                        help="leave the specs to the garbage collector (see batch())")
    args = parser.parse_args()
    bw_dir = args.dir.resolve()
    figures, assessor = batch(bw_dir, args.n, args.products, args.naive_sample, args.seed,
                              freeze=not args.no_freeze)
    web = web_calculate(assessor, bw_dir, args.web_lines, args.web_repeat)
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}; peak RSS "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    print("| measurement | value |")
    print("| --- | --- |")
    for key, value in figures.items():
        print(f"| {key} | {_format(value)} |")
    for key, value in web.items():
        print(f"| web Calculate: {key} | {_format(value)} |")
    ok = figures["max relative difference (differences over 1e-12 absolute)"] <= REL
    print(f"\nresults equal to {REL:g}: {'yes' if ok else 'NO'}")
    sys.exit(0 if ok else 1)


def _format(value) -> str:
    if isinstance(value, tuple):
        return " / ".join(_format(v) for v in value)
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 1e-3 or abs(value) >= 1e4 else f"{value:.4f}"
    return str(value)


if __name__ == "__main__":
    main()
