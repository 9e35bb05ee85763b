"""The Monte Carlo of issue 9 as a job (issue 10) on the 20,000-activity synthetic background:
a 200-line product's assessment run again with 1,000, 10,000 and 100,000 iterations through the
job runner (Celery eager, as the embedded default runs it: POST /jobs/monte-carlo/<assessment> through
Flask's test client), timed, with the process's peak RSS after each and, apart, the peak of
memory traced by tracemalloc during the engine's run alone (numpy's arrays included).

    .venv/bin/python bench/synthetic_background.py --dir instance/brightway-synthetic -n 20000
    .venv/bin/python bench/bench_mc_job.py --dir instance/brightway-synthetic -n 20000

Prints a Markdown table; results are written down in bench/RESULTS.md.
"""
from __future__ import annotations

import argparse
import os
import platform
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
os.environ.setdefault("BRIGHTWAY_NO_STRUCTLOG", "1")

ITERATIONS = (1_000, 10_000, 100_000)


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", type=Path, default=REPO / "instance" / "brightway-synthetic")
    parser.add_argument("-n", type=int, default=20_000, help="activities of the background")
    parser.add_argument("--lines", type=int, default=200)
    args = parser.parse_args()

    from bench import synthetic_background
    from footprint import create_app, db
    from footprint.accounts import operations as accounts
    from footprint.assessments.models import Assessment
    from footprint.jobs.models import Job
    from footprint.lca import parse_spec, use_assessor
    from footprint.lca.assessor import Assessor
    from footprint.products import operations as products
    from tests.helpers import credit_code, login

    bw_dir = args.dir.resolve()
    background = synthetic_background.build(bw_dir, args.n)
    started = time.perf_counter()
    assessor = Assessor(bw_dir, background=background)
    setup = time.perf_counter() - started
    use_assessor(bw_dir, assessor)
    # Lines the web accepts: the open dataset's codes (the synthetic background holds them
    # too), 95 % on factors and 5 % direct emissions, amounts drawn once (seed 3).
    from footprint.lca.dataset import catalogue

    rng = np.random.default_rng(3)
    web = catalogue()
    codes = sorted(set(web.factor_units) & set(background.catalogue.factor_units)
                   - web.credit_factors - set(web.recycled_content))
    lines = [{"stage": "materials", "name": f"part {k}", "factor": codes[k % len(codes)],
              "unit": web.factor_units[codes[k % len(codes)]],
              "amount": float(rng.lognormal(0.0, 1.0))} for k in range(args.lines * 95 // 100)]
    lines += [{"stage": "manufacturing", "name": f"kiln {k}", "emission": "CO2", "unit": "kg",
               "amount": float(rng.lognormal(0.0, 1.0))} for k in range(args.lines - len(lines))]
    spec = {"product": {"name": "Bench product", "boundary": "cradle-to-gate"},
            "lines": lines}
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite'}"
        db.upgrade(url)
        app = create_app({"INSTANCE_PATH": tmp, "BRIGHTWAY2_DIR": str(bw_dir),
                          "DATABASE_URL": url, "WTF_CSRF_ENABLED": False,
                          "RATELIMIT_ENABLED": False,
                          "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
        with app.app_context():
            session = db.session()
            user = accounts.register_organisation(
                session, name="Bench Co", credit_code=credit_code(1), address="",
                user_name="Bench", email="bench@example.cn", password="correct horse 1")
            product = products.create_product(
                session, user, organisation_id=user.organisation_id,
                data={**spec["product"], "functional_unit": "1 piece"})
            products.replace_lines(session, user, product, spec["lines"], append=False)
            session.commit()
        client = app.test_client()
        login(client, "bench@example.cn")
        assert client.post(f"/products/{product.id}/calculate").status_code == 302
        for job_number, iterations in enumerate(ITERATIONS, start=1):
            started = time.perf_counter()
            response = client.post("/jobs/monte-carlo/1", data={"iterations": iterations})
            wall = time.perf_counter() - started
            assert response.status_code == 302, response.get_data(as_text=True)
            with app.app_context():
                job = db.session().get(Job, job_number)
                assert job.state == "done", job.error
                result = job.result
                stored = parse_spec(db.session().get(Assessment, 1).spec)
            tracemalloc.start()
            assessor.monte_carlo(stored, iterations=iterations, chunks=10)
            traced = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
            rows.append((iterations, wall, result["seconds"], traced, peak_rss_mib(),
                         result["total"]["p2_5"], result["total"]["p50"],
                         result["total"]["p97_5"]))
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}; background {args.n} activities, assessor "
          f"setup {setup:.2f} s; product of {len(spec['lines'])} lines")
    print("| iterations | job wall s (POST, eager) | engine s (in the job) | traced peak MiB "
          "(engine alone) | process peak RSS MiB after | p2.5 | p50 | p97.5 |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for row in rows:
        print("| {:,} | {:.3f} | {:.3f} | {:.1f} | {:.0f} | {:.4g} | {:.4g} | {:.4g} |"
              .format(*row))


if __name__ == "__main__":
    main()
