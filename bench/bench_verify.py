"""Load on the public verify page and the certificate JSON, with the production server on loopback.

    .venv/bin/python bench/bench_verify.py                          # 5,000 requests a URL
    .venv/bin/python bench/bench_verify.py --requests 2000 --concurrency 16 --time-cap 60
    .venv/bin/python bench/bench_verify.py --tree /tmp/before       # the server from another tree

What it does, all on this machine:

1. a throwaway instance folder in /tmp (FOOTPRINT_INSTANCE_PATH), seeded by
   `python -m footprint demo --json`, which prints the ID of an issued certificate. The Brightway
   project is reused from --bw-dir (default: $BRIGHTWAY2_DIR, else the tests' prepared project
   instance/brightway-test if it exists) so that it is not built again;
2. the real server, `python -m footprint serve` (waitress, threads=8, one process), on a free
   loopback port, with the verify rate limit raised for the run
   (FOOTPRINT_VERIFY_RATE_LIMIT=1000000/minute: this measures the server; the limit itself is
   tested in tests/certificates/test_verify_web.py);
3. for each URL, a fixed number of requests (bounded by --time-cap seconds too) from
   --concurrency client threads, each on its own keep-alive http.client connection:
     html  GET /verify/<id>                               (200, the page)
     json  GET /api/v1/certificates/<id>                  (200)
     304   GET /api/v1/certificates/<id>, If-None-Match   (304, the ETag of the first answer)
   A request is an error if it raises, or if its status is not the expected one.
   Latency is from sending the request to having read the whole body.

The server's CPU seconds per URL come from /proc/<pid>/stat (utime + stime) read before and after
that URL's run; "server CPU %" is those seconds over the wall time (200 % = both of 2 cores).
The client runs on the same machine and takes CPU too ("client CPU s").
It prints one Markdown table. The process exits when the server has stopped, so the whole
command can be timed from outside (e.g. /usr/bin/time -v); its CPU then includes the server's.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CLK_TCK = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def process_cpu(pid: int) -> float:
    """utime + stime of a process (all its threads), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def default_bw_dir() -> str | None:
    if os.environ.get("BRIGHTWAY2_DIR"):
        return os.environ["BRIGHTWAY2_DIR"]
    for candidate in (REPO / "instance" / "brightway-test",):
        if (candidate / "projects.db").exists():
            return str(candidate)
    return None  # the demo builds <instance>/brightway (a few seconds)


def environment(instance: Path, bw_dir: str | None, tree: Path) -> dict:
    env = dict(os.environ, FOOTPRINT_INSTANCE_PATH=str(instance),
               FOOTPRINT_VERIFY_RATE_LIMIT="1000000/minute", PYTHONPATH=str(tree))
    if bw_dir:
        env["BRIGHTWAY2_DIR"] = bw_dir
    return env


def seed(env: dict, tree: Path) -> str:
    done = subprocess.run([sys.executable, "-m", "footprint", "demo", "--json"], env=env,
                          cwd=tree, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        sys.exit(f"demo failed:\n{done.stderr[-2000:]}")
    line = next(x for x in reversed(done.stdout.splitlines()) if x.startswith("{"))
    return json.loads(line)["certificate_id"]


def start_server(env: dict, tree: Path, port: int, log: Path) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "-m", "footprint", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env, cwd=tree, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"the server stopped (exit {server.returncode}):\n{log.read_text()[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    sys.exit("the server did not start within 120 s")


def fetch(port: int, path: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def drive(port: int, path: str, headers: dict, expect: int, total: int, concurrency: int,
          time_cap: float) -> dict:
    """`total` requests (or fewer, if time_cap seconds pass first) from `concurrency` threads."""
    lock = threading.Lock()
    issued = [0]
    latencies: list[float] = []
    errors: list[str] = []
    deadline = time.monotonic() + time_cap

    def take() -> bool:
        with lock:
            if issued[0] >= total or time.monotonic() >= deadline:
                return False
            issued[0] += 1
            return True

    def worker() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        bad: list[str] = []
        while take():
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                mine.append(time.perf_counter() - started)
                if response.status != expect:
                    bad.append(f"status {response.status}")
                if response.will_close:
                    connection.close()
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            except (OSError, http.client.HTTPException) as error:
                mine.append(time.perf_counter() - started)
                bad.append(type(error).__name__)
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.close()
        with lock:
            latencies.extend(mine)
            errors.extend(bad)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    latencies.sort()
    if not latencies:
        sys.exit(f"no request to {path} finished within {time_cap:g} s")

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(round(p / 100 * (len(latencies) - 1))))]

    return {"requests": len(latencies), "wall": wall, "rps": len(latencies) / wall,
            "p50_ms": pct(50) * 1000, "p99_ms": pct(99) * 1000, "max_ms": latencies[-1] * 1000,
            "errors": len(errors), "error_kinds": sorted(set(errors))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=5000, help="requests per URL (5000)")
    parser.add_argument("--concurrency", type=int, default=16, help="client threads (16)")
    parser.add_argument("--time-cap", type=float, default=60,
                        help="seconds at most per URL; fewer requests are then counted (60)")
    parser.add_argument("--warmup", type=int, default=200, help="requests per URL first, "
                        "not counted (200)")
    parser.add_argument("--only", nargs="+", choices=["html", "json", "304"],
                        help="these URLs only")
    parser.add_argument("--tree", default=str(REPO), help="serve the code of this tree "
                        "(default: this checkout)")
    parser.add_argument("--bw-dir", default=default_bw_dir(),
                        help="a prepared Brightway project to reuse (BRIGHTWAY2_DIR)")
    parser.add_argument("--keep", action="store_true", help="keep the instance folder")
    parser.add_argument("--instance", help="use (and keep) this instance folder: seeded on the "
                        "first run, its certificate ID kept in bench-certificate.txt; later runs "
                        "skip the seeding (for repeated runs)")
    args = parser.parse_args()

    tree = Path(args.tree).resolve()
    if args.instance:
        instance = Path(args.instance)
        instance.mkdir(parents=True, exist_ok=True)
        args.keep = True
    else:
        instance = Path(tempfile.mkdtemp(prefix="bench-verify-"))
    env = environment(instance, args.bw_dir, tree)
    remembered = instance / "bench-certificate.txt"
    if remembered.exists():
        certificate_id = remembered.read_text().strip()
    else:
        certificate_id = seed(env, tree)
        remembered.write_text(certificate_id + "\n")
    port = free_port()
    log = instance / "server.log"
    server = start_server(env, tree, port, log)
    try:
        status, headers, _ = fetch(port, f"/api/v1/certificates/{certificate_id}")
        if status != 200:
            sys.exit(f"GET /api/v1/certificates/{certificate_id}: {status}")
        etag = headers.get("ETag") or headers.get("Etag")
        urls = {
            "html": (f"/verify/{certificate_id}", {}, 200),
            "json": (f"/api/v1/certificates/{certificate_id}", {}, 200),
            "304": (f"/api/v1/certificates/{certificate_id}", {"If-None-Match": etag}, 304),
        }
        print(f"certificate {certificate_id}; server: python -m footprint serve (waitress, "
              f"threads=8) on 127.0.0.1:{port}, tree {tree}; {os.cpu_count()} cores; "
              f"{args.requests} requests a URL (cap {args.time_cap:g} s), "
              f"concurrency {args.concurrency}, keep-alive\n")
        print("| URL | expect | requests | wall s | requests/s | p50 ms | p99 ms | max ms | "
              "errors | server CPU s | server CPU % | client CPU s |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for name in args.only or list(urls):
            path, extra, expect = urls[name]
            if args.warmup:
                drive(port, path, extra, expect, args.warmup, args.concurrency, args.time_cap)
            cpu_before, client_before = process_cpu(server.pid), time.process_time()
            r = drive(port, path, extra, expect, args.requests, args.concurrency, args.time_cap)
            server_cpu = process_cpu(server.pid) - cpu_before
            client_cpu = time.process_time() - client_before
            kinds = f" ({', '.join(r['error_kinds'])})" if r["errors"] else ""
            label = path + (" + If-None-Match" if extra else "")
            print(f"| {label} | {expect} | {r['requests']} | {r['wall']:.2f} | {r['rps']:.0f} | "
                  f"{r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {r['max_ms']:.1f} | "
                  f"{r['errors']}{kinds} | {server_cpu:.2f} | "
                  f"{100 * server_cpu / r['wall']:.0f} | {client_cpu:.2f} |", flush=True)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        if not args.keep:
            shutil.rmtree(instance, ignore_errors=True)
        elif not args.instance:
            print(f"\ninstance folder kept: {instance}")


if __name__ == "__main__":
    main()
