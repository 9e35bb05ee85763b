"""The product and results pages with one stored assessment and with 5,000, in one run.

    .venv/bin/python bench/bench_pages.py                        # this checkout
    .venv/bin/python bench/bench_pages.py --before /tmp/before   # and another tree, same way
    .venv/bin/python bench/bench_pages.py --many 1000 --requests 10

What it does, for each tree in a fresh process of its own (PYTHONPATH=<tree>):

1. a throwaway instance folder in /tmp with a SQLite database migrated by that tree's code; two
   manufacturers, "one" and "many", each with a site and the same product of ~200 lines (the
   demo motorcycle's 17 lines repeated, each copy named apart);
2. one real Calculate of each product (operations.run_assessment on the tests' prepared Brightway
   project); then, for "many", copies of that real assessment row inserted through the models
   (same spec and result, each a minute later) until it has --many assessments. The real row's
   spec + result are about 150 kB of JSON: a realistic row, not a stub;
3. each applicant logged in with Flask's test client; for each page, the same URL kind of "one"
   and of "many", in turn (one, many, one, many, ...): --warmup pairs, then --requests timed
   pairs (median, max, and the median of the pairs' ratios many / one), and one more request
   under tracemalloc for the peak of Python allocations during it. Pages:
     products     GET /products/                          (the list, with the latest result)
     product      GET /products/<id>                      (lines, and the history)
     results      GET /assessments/<newest>               (the results page)
     compare      GET /products/<id>/compare?a=..&b=..    (the two newest)
4. it prints one JSON line; the parent prints a Markdown table with the ratio many / one.

Wall times are medians of whole requests through the test client (routing, database, template);
no server or network. The database is on /tmp: 5,000 rows are ~0.75 GB of disk per tree.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "datasets" / "examples" / "motorcycle-125cc.yaml"
REPEATS = 12  # 17 example lines x 12 = 204 lines
BATCH = 250
PAGES = ("products", "product", "results", "compare")


def default_bw_dir() -> str | None:
    if os.environ.get("BRIGHTWAY2_DIR"):
        return os.environ["BRIGHTWAY2_DIR"]
    candidate = REPO / "instance" / "brightway-test"
    return str(candidate) if (candidate / "projects.db").exists() else None


# --- the child: seed, then time (runs with the measured tree first on sys.path) ----------------

def lines_of_200() -> list[dict]:
    import yaml

    example = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))["lines"]
    return [{**line, "name": f"{line['name']} #{copy + 1}"}
            for copy in range(REPEATS) for line in example]


def seed(app, bw_dir: Path, many: int) -> dict:
    """Two organisations, each a product with one real assessment; "many" gets copies."""
    from footprint import db
    from footprint.accounts import operations as accounts
    from footprint.accounts.roles import OrganisationKind
    from footprint.assessments.models import Assessment
    from footprint.assessments.operations import run_assessment
    from footprint.products import operations as products

    made = {}
    with app.app_context():
        session = db.session()
        for n, name in enumerate(("one", "many"), start=1):
            email = f"{name}@bench.example"
            accounts.register_organisation(
                session, name=f"Bench {name}", credit_code=credit_code(n), address="",
                user_name=f"Bench {name}", email=email, password="bench password 1",
                kind=OrganisationKind.MANUFACTURER)
            user = accounts.find_user_by_email(session, email)
            site = accounts.save_site(session, user, {
                "name": "Plant", "address": "Chongqing", "grid_region": "CN-CQ",
                "annual_output": 50000, "output_unit": "piece", "land_area_m2": 80000},
                organisation_id=user.organisation_id)
            product = products.create_product(
                session, user, organisation_id=user.organisation_id, data={
                    "name": "125 cc motorcycle x12", "model": "CQ125", "category": "motorcycle",
                    "functional_unit": "1 piece", "reference_flow": "",
                    "boundary": "cradle-to-gate", "site_id": site.id})
            products.replace_lines(session, user, product, lines_of_200(), append=False)
            real = run_assessment(session, user, product=product, bw_dir=bw_dir)
            session.commit()
            made[name] = {"email": email, "product_id": product.id, "first_id": real.id,
                          "json_bytes": len(json.dumps({"spec": real.spec,
                                                        "result": real.result}))}
        real = session.get(Assessment, made["many"]["first_id"])
        fields = {k: getattr(real, k) for k in (
            "organisation_id", "product_id", "product_version", "user_id", "spec", "result",
            "dataset_version", "carbon_total", "water_consumption_m3", "content_hash")}
        start, stored = real.created_dt, 1
        while stored < many:
            count = min(BATCH, many - stored)
            session.add_all(Assessment(**fields, created_dt=start + timedelta(minutes=stored + i))
                            for i in range(count))
            session.commit()
            session.expunge_all()
            stored += count
        newest = session.exec(_newest_two(Assessment, made["many"]["product_id"])).all()
        made["many"]["ids"] = [a for a in newest]
        made["one"]["ids"] = [made["one"]["first_id"], made["one"]["first_id"]]
    return made


def _newest_two(Assessment, product_id: int):
    from sqlmodel import select

    return (select(Assessment.id).where(Assessment.product_id == product_id)
            .order_by(Assessment.created_dt.desc(), Assessment.id.desc()).limit(2))


def credit_code(n: int) -> str:
    from footprint.accounts.credit_code import check_character

    first17 = f"91500000MA{n:07d}"
    return first17 + check_character(first17)


def urls(made: dict, name: str) -> dict[str, str]:
    product, (newest, previous) = made[name]["product_id"], made[name]["ids"]
    return {"products": "/products/", "product": f"/products/{product}",
            "results": f"/assessments/{newest}",
            "compare": f"/products/{product}/compare?a={previous}&b={newest}"}


def measure(args) -> None:
    from footprint import create_app, db

    instance = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    try:
        url = f"sqlite:///{instance / 'bench.db'}"
        db.upgrade(url)
        app = create_app({"INSTANCE_PATH": str(instance), "BRIGHTWAY2_DIR": args.bw_dir,
                          "DATABASE_URL": url,
                          "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})
        started = time.perf_counter()
        made = seed(app, Path(args.bw_dir), args.many)
        seeding = time.perf_counter() - started
        out = {"tree": args.tree, "many": args.many, "seed_s": seeding,
               "row_json_bytes": made["many"]["json_bytes"],
               "db_bytes": (instance / "bench.db").stat().st_size, "pages": {}}
        clients = {}
        for name in ("one", "many"):
            clients[name] = app.test_client()
            response = clients[name].post("/login", data={"email": made[name]["email"],
                                                          "password": "bench password 1"})
            assert response.status_code == 302, response.get_data(as_text=True)[-500:]
        for page in PAGES:
            # one and many in turn, request by request: a drift of the machine's speed (it is
            # shared) falls on both alike
            times = {"one": [], "many": []}
            for n in range(args.warmup + args.requests):
                for name in ("one", "many"):
                    url = urls(made, name)[page]
                    t0 = time.perf_counter()
                    response = clients[name].get(url)
                    elapsed = time.perf_counter() - t0
                    assert response.status_code == 200, (url, response.status_code)
                    if n >= args.warmup:
                        times[name].append(elapsed)
            for name in ("one", "many"):
                url = urls(made, name)[page]
                tracemalloc.start()
                response = clients[name].get(url)
                peak = tracemalloc.get_traced_memory()[1]
                tracemalloc.stop()
                out["pages"].setdefault(page, {})[name] = {
                    "url": url, "median_ms": statistics.median(times[name]) * 1000,
                    "max_ms": max(times[name]) * 1000, "peak_mib": peak / 2**20,
                    "bytes": len(response.get_data())}
            out["pages"][page]["ratio"] = statistics.median(
                m / o for o, m in zip(times["one"], times["many"]))
        import resource

        out["maxrss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(out))
    finally:
        shutil.rmtree(instance, ignore_errors=True)


# --- the parent: one child per tree, one table ------------------------------------------------

def run_child(tree: Path, args) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "measure", "--tree", str(tree),
               "--many", str(args.many), "--requests", str(args.requests), "--warmup",
               str(args.warmup), "--bw-dir", args.bw_dir]
    env = dict(os.environ, PYTHONPATH=str(tree), BRIGHTWAY2_DIR=args.bw_dir)
    done = subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True,
                          timeout=args.time_cap)
    if done.returncode != 0:
        sys.exit(f"{tree}: exit {done.returncode}\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("mode", nargs="?", default="compare", choices=["compare", "measure"])
    parser.add_argument("--many", type=int, default=5000, help="assessments of the big "
                        "product (5000)")
    parser.add_argument("--requests", type=int, default=20, help="timed requests a page (20)")
    parser.add_argument("--warmup", type=int, default=2, help="requests a page first (2)")
    parser.add_argument("--tree", default=str(REPO), help="the tree measured (this checkout)")
    parser.add_argument("--before", help="also measure this tree (e.g. a `git archive` of the "
                        "code before), with --before-requests requests a page")
    parser.add_argument("--before-requests", type=int, default=3)
    parser.add_argument("--before-many", type=int, help="assessments of the big product for "
                        "the --before tree (default: --many; the code before parses every row "
                        "on each list page: 5,000 rows are several GB of memory)")
    parser.add_argument("--bw-dir", default=default_bw_dir(),
                        help="a prepared Brightway project (BRIGHTWAY2_DIR)")
    parser.add_argument("--time-cap", type=float, default=1800,
                        help="seconds at most for each tree (1800)")
    args = parser.parse_args()
    if args.bw_dir is None:
        sys.exit("no prepared Brightway project: set BRIGHTWAY2_DIR or run the tests once")
    if args.mode == "measure":
        sys.path.insert(0, args.tree)
        measure(args)
        return
    results = [("after" if args.before else "this tree", run_child(Path(args.tree), args))]
    if args.before:
        before = argparse.Namespace(**{**vars(args), "requests": args.before_requests,
                                       "many": args.before_many or args.many})
        results.append(("before", run_child(Path(args.before).resolve(), before)))
    print(f"{os.cpu_count()} cores; one = 1 assessment, many = "
          f"{' / '.join(str(r['many']) for _, r in results)} ({', '.join(l for l, _ in results)})"
          f" of the same product; a row's spec + result: "
          f"{results[0][1]['row_json_bytes']:,} bytes of JSON\n")
    print("| code | many | page | one: median ms | many: median ms | many / one (pairs) | one: peak MiB | "
          "many: peak MiB | many: max ms | page bytes one / many |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for label, r in results:
        for page in PAGES:
            one, many = r["pages"][page]["one"], r["pages"][page]["many"]
            print(f"| {label} | {r['many']} | {page} | {one['median_ms']:.1f} | {many['median_ms']:.1f} | "
                  f"{r['pages'][page]['ratio']:.2f} | {one['peak_mib']:.1f} | "
                  f"{many['peak_mib']:.1f} | {many['max_ms']:.1f} | "
                  f"{one['bytes']:,} / {many['bytes']:,} |")
    for label, r in results:
        print(f"\n{label}: {r['tree']}; seeding {r['seed_s']:.1f} s, database "
              f"{r['db_bytes'] / 2**20:.0f} MiB, process peak RSS {r['maxrss_mib']:.0f} MiB "
              f"(seeding included)")


if __name__ == "__main__":
    main()
