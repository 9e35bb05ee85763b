"""A batch of products on an ecoinvent-sized synthetic background: the naive path (a new bw2calc
LCA per product, footprint/lca/reference.py) against the platform's (amount x characterised unit
score), in one run; then one Calculate through the web (Flask test client) on that background.

    .venv/bin/python bench/synthetic_background.py --dir instance/brightway-synthetic -n 20000
    .venv/bin/python bench/bench_batch.py --dir instance/brightway-synthetic -n 20000

The naive path is timed on a sample (--naive-sample products, the first of the batch) and
extrapolated to the batch per product: a new LCA costs seconds, the whole batch would take an
hour. Both paths' results are compared on the sample to relative 1e-9, line by line. Prints a
Markdown report; results are written down in bench/RESULTS.md.
"""
from __future__ import annotations

import argparse
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


def max_relative_difference(fast: dict, slow: dict) -> float:
    worst = 0.0
    for a, b in zip(fast["lines"], slow["lines"], strict=True):
        for key in ("carbon", "water", "water_scarcity_m3_world_eq"):
            if a[key] != b[key]:
                worst = max(worst, abs(a[key] - b[key]) / max(abs(a[key]), abs(b[key])))
        for key, value in b["carbon_detail"].items():
            if a["carbon_detail"][key] != value:
                worst = max(worst, abs(a["carbon_detail"][key] - value)
                            / max(abs(a["carbon_detail"][key]), abs(value)))
    return worst


def batch(bw_dir: Path, n_activities: int, n_products: int, naive_sample: int,
          seed: int, mc_sample: int = 100) -> tuple[dict, object]:
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

    # The ratio compares like with like: the footprint of each product (iterations=0), as the
    # naive path gives it; the Monte Carlo every Calculate adds is timed apart below.
    assessor.assess(specs[0])  # first call imports what it needs
    started = time.perf_counter()
    fast = [assessor.assess(spec, iterations=0) for spec in specs]
    fast_total = time.perf_counter() - started
    started = time.perf_counter()
    for spec in specs[:mc_sample]:
        assessor.assess(spec)
    mc_per_product = (time.perf_counter() - started) / mc_sample

    from footprint.lca.spec import resolve

    started = time.perf_counter()
    resolved = [resolve(spec, assessor.catalogue) for spec in specs]
    resolve_total = time.perf_counter() - started
    started = time.perf_counter()
    scores = [assessor.line_scores(spec, lines) for spec, lines in zip(specs, resolved)]
    scores_total = time.perf_counter() - started

    naive_times, worst = [], 0.0
    for spec, result in zip(specs[:naive_sample], fast):
        started = time.perf_counter()
        slow = reference.reference_assess(assessor, spec, iterations=0)
        naive_times.append(time.perf_counter() - started)
        worst = max(worst, max_relative_difference(result.to_dict(), slow.to_dict()))
    figures = {
        "activities": n_activities,
        "technosphere exchanges": int(sum(len(a.technosphere()) + 1 for a in
                                          bw2data.Database(background.database))),
        "products": n_products, "lines min/mean/max": (min(n_lines), statistics.mean(n_lines),
                                                       max(n_lines)),
        "setup s": setup, "warm start s": warm_start,
        "platform batch s": fast_total, "platform per product s": fast_total / n_products,
        "  of which validation (resolve) per product s": resolve_total / n_products,
        "  of which amount x unit score (line_scores) per product s": scores_total / n_products,
        f"platform with the Monte Carlo ({uncertainty.DEFAULT_ITERATIONS} iterations) per "
        f"product s (first {mc_sample})": mc_per_product,
        "naive sample": naive_sample, "naive per product s": statistics.mean(naive_times),
        "naive per product min/max s": (min(naive_times), max(naive_times)),
        "max relative difference": worst,
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
    args = parser.parse_args()
    bw_dir = args.dir.resolve()
    figures, assessor = batch(bw_dir, args.n, args.products, args.naive_sample, args.seed)
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
    ok = figures["max relative difference"] <= REL
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
