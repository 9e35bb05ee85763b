"""Load on the public verify page and the certificate JSON, with the production server on loopback.

    .venv/bin/python bench/bench_verify.py                          # gunicorn, 2 workers, wrk
    .venv/bin/python bench/bench_verify.py --server waitress --client python
    .venv/bin/python bench/bench_verify.py --requests 2000 --concurrency 16 --time-cap 60
    .venv/bin/python bench/bench_verify.py --tree /tmp/before       # the server from another tree

Servers (--server): gunicorn (default; --workers 2, --worker-class sync, `python -m gunicorn
wsgi:app` with the tree's wsgi.py; --gunicorn-path puts a folder holding the pinned gunicorn first
on PYTHONPATH) or waitress (`python -m footprint serve`, one process, threads=8). Clients
(--client): wrk (default when /usr/bin/wrk exists: one C thread, --concurrency keep-alive
connections for --duration seconds, with a Lua script that counts answers whose status is not
the expected one) or python (the threads described below, which take a core's
worth of CPU from the server on a 2-core machine).

What it does, all on this machine:

1. a throwaway instance folder in /tmp (FOOTPRINT_INSTANCE_PATH), seeded by
   `python -m footprint demo --json`, which prints the ID of an issued certificate. The Brightway
   project is reused from --bw-dir (default: $BRIGHTWAY2_DIR, else the tests' prepared project
   instance/brightway-test if it exists) so that it is not built again;
2. the real server (see --server) on a free loopback port, with the verify rate limit raised for
   the run
   (FOOTPRINT_VERIFY_RATE_LIMIT=1000000/minute: this measures the server; the limit itself is
   tested in tests/certificates/test_verify_web.py);
3. for each URL, a fixed number of requests (bounded by --time-cap seconds too) from
   --concurrency client threads, each on its own keep-alive http.client connection:
     html  GET /verify/<id>                               (200, the page)
     json  GET /api/v1/certificates/<id>                  (200)
     304   GET /api/v1/certificates/<id>, If-None-Match   (304, the ETag of the first answer)
   A request is an error if it raises, or if its status is not the expected one.
   Latency is from sending the request to having read the whole body.

The server's CPU seconds per URL come from /proc/<pid>/stat (utime + stime, of the server and of
its worker processes) read before and after that URL's run; "server CPU %" is those seconds over the wall time (200 % = both of 2 cores).
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
    """utime + stime of a process (all its threads) and of its living children, in seconds."""
    total = 0.0
    for one in [pid, *children(pid)]:
        try:
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += (int(fields[11]) + int(fields[12])) / CLK_TCK
    return total


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except FileNotFoundError:
            pass
    return found


WRK_SCRIPT = r"""
-- counts the answers, and those of another status than the expected one
local threads = {}
function setup(thread)
  table.insert(threads, thread)
end
function init(args)
  expect = tonumber(args[2])
  answered, unexpected = 0, 0
  wrk.headers["Connection"] = "keep-alive"
  if args[3] ~= nil and args[3] ~= "" then wrk.headers["If-None-Match"] = args[3] end
end
function response(status, headers, body)
  answered = answered + 1
  if status ~= expect then unexpected = unexpected + 1 end
end
function done(summary, latency, requests)
  local bad, n = 0, 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("unexpected")
    n = n + thread:get("answered")
  end
  io.write(string.format("RESULT %d %d %d %d %d %d %d %.3f %.3f %.3f\n", n, bad,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status,
    summary.errors.timeout, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000))
  io.write(string.format("DURATION %.6f\n", summary.duration / 1e6))
end
"""


def drive_wrk(port: int, path: str, headers: dict, expect: int, total: int, concurrency: int,
              duration: float, script: Path) -> dict:
    """As many requests as wrk (one thread) makes in `duration` seconds: wrk is bounded in time
    (its threads cannot stop early without the run's duration staying the full -d)."""
    command = ["wrk", "-t", "1", "-c", str(concurrency), "-d", f"{max(1, int(duration))}s",
               "--timeout", "10s", "-s", str(script), f"http://127.0.0.1:{port}{path}", "--",
               str(total), str(expect), headers.get("If-None-Match", "")]
    done = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60)
    result = next((line.split()[1:] for line in done.stdout.splitlines()
                   if line.startswith("RESULT ")), None)
    duration = next((float(line.split()[1]) for line in done.stdout.splitlines()
                     if line.startswith("DURATION ")), None)
    if result is None or duration is None:
        sys.exit(f"wrk failed:\n{done.stdout}\n{done.stderr}")
    n, bad, connect, read, write, status, timeout = (int(x) for x in result[:7])
    p50, p99, worst = (float(x) for x in result[7:])
    errors = bad + connect + read + write + timeout
    kinds = [f"{name} {count}" for name, count in (
        ("status", bad), ("connect", connect), ("read", read), ("write", write),
        ("timeout", timeout)) if count]
    return {"requests": n, "wall": duration, "rps": n / duration, "p50_ms": p50,
            "p99_ms": p99, "max_ms": worst, "errors": errors, "error_kinds": kinds}


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


def wait_for_port(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    sys.exit(f"nothing listens on port {port} after {seconds:g} s")


def server_command(args, port: int) -> list[str]:
    if args.server == "waitress":
        return [sys.executable, "-m", "footprint", "serve", "--host", "127.0.0.1", "--port",
                str(port)]
    return [sys.executable, "-m", "gunicorn", "--workers", str(args.workers), "--worker-class",
            args.worker_class, "--threads", str(args.threads), "--bind", f"127.0.0.1:{port}",
            "--backlog", "2048", "--keep-alive", "5", "wsgi:app"]


def start_server(env: dict, tree: Path, port: int, log: Path, command: list[str]
                 ) -> subprocess.Popen:
    server = subprocess.Popen(command, env=env, cwd=tree, stdout=log.open("wb"),
                              stderr=subprocess.STDOUT)
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


def start_nginx(instance: Path, upstream_port: int) -> tuple[subprocess.Popen, int]:
    """nginx with the site of `python -m footprint nginx-config`, in front of the server."""
    sys.path.insert(0, str(REPO))
    from footprint.deploy import nginx_main, nginx_site

    folder, port = instance / "nginx", free_port()
    folder.mkdir(exist_ok=True)
    site = nginx_site(listen=f"127.0.0.1:{port}", upstream=f"127.0.0.1:{upstream_port}",
                      cache_dir=str(folder / "cache"))
    (folder / "nginx.conf").write_text(nginx_main(site, folder))
    proxy = subprocess.Popen([shutil.which("nginx") or "/usr/sbin/nginx", "-c",
                              str(folder / "nginx.conf"), "-p", str(folder), "-g", "daemon off;"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_port(port)
    return proxy, port


def serving_cpu(server: subprocess.Popen, proxy: subprocess.Popen | None) -> float:
    """CPU seconds of the server and of nginx in front of it, if any."""
    return process_cpu(server.pid) + (process_cpu(proxy.pid) if proxy is not None else 0.0)


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


def client_cpu_now() -> float:
    """This process's CPU and that of its finished children (wrk), in seconds."""
    own = os.times()
    return own.user + own.system + own.children_user + own.children_system


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
    parser.add_argument("--server", choices=["gunicorn", "waitress"], default="gunicorn")
    parser.add_argument("--proxy", choices=["none", "nginx"], default="none",
                        help="nginx: the site of `python -m footprint nginx-config` in front of "
                             "the server (its 1-second verify cache), the load sent to nginx")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--worker-class", default="sync", help="gunicorn worker class (sync)")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads a worker (1)")
    parser.add_argument("--gunicorn-path", help="a folder with gunicorn in it (pip install "
                        "--target), put first on the server's PYTHONPATH")
    parser.add_argument("--ratelimit-storage", choices=["redis", "memory"], default="redis",
                        help="where the rate limiter counts: a private redis-server started for "
                        "the run (default; what several workers need to share one limit) or "
                        "memory:// (one count per worker)")
    parser.add_argument("--client", choices=["wrk", "python"],
                        default="wrk" if shutil.which("wrk") else "python")
    parser.add_argument("--duration", type=float, default=10,
                        help="seconds of load a URL with wrk (10); --requests and --time-cap "
                        "bound the python client and the warm-up")
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
    if args.gunicorn_path:
        env["PYTHONPATH"] = os.pathsep.join([args.gunicorn_path, env["PYTHONPATH"]])
    remembered = instance / "bench-certificate.txt"
    if remembered.exists():
        certificate_id = remembered.read_text().strip()
    else:
        certificate_id = seed(env, tree)
        remembered.write_text(certificate_id + "\n")
    port = free_port()
    log = instance / "server.log"
    redis = None
    if args.ratelimit_storage == "redis":
        redis_port = free_port()
        redis = subprocess.Popen(["redis-server", "--port", str(redis_port), "--bind",
                                  "127.0.0.1", "--save", "", "--appendonly", "no"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        env["FOOTPRINT_RATELIMIT_STORAGE_URI"] = f"redis://127.0.0.1:{redis_port}/0"
        wait_for_port(redis_port)
    else:
        env["FOOTPRINT_RATELIMIT_STORAGE_URI"] = "memory://"
    if args.proxy == "nginx":
        env["FOOTPRINT_PROXY_FIX"] = "1"
    command = server_command(args, port)
    server = start_server(env, tree, port, log, command)
    proxy, load_port = None, port
    if args.proxy == "nginx":
        proxy, load_port = start_nginx(instance, port)
    script = instance / "bench-wrk.lua"
    script.write_text(WRK_SCRIPT)
    try:
        if args.server == "gunicorn":  # the master answers before its workers have the app
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                try:
                    if fetch(port, "/health")[0] == 200:
                        break
                except OSError:
                    pass
                time.sleep(0.3)
        # the ETag as the load's clients see it (behind nginx the answer names nginx's host)
        status, headers, _ = fetch(load_port, f"/api/v1/certificates/{certificate_id}")
        if status != 200:
            sys.exit(f"GET /api/v1/certificates/{certificate_id}: {status}")
        etag = headers.get("ETag") or headers.get("Etag")
        urls = {
            "html": (f"/verify/{certificate_id}", {}, 200),
            "json": (f"/api/v1/certificates/{certificate_id}", {}, 200),
            "304": (f"/api/v1/certificates/{certificate_id}", {"If-None-Match": etag}, 304),
        }
        version = subprocess.run([sys.executable, "-c", "import gunicorn, waitress; print("
                                  "gunicorn.__version__)"], env=env, capture_output=True,
                                 text=True).stdout.strip()
        described = ("python -m footprint serve (waitress, threads=8, one process)"
                     if args.server == "waitress" else
                     f"gunicorn {version} ({args.workers} workers, {args.worker_class}, "
                     f"threads {args.threads})")
        if proxy is not None:
            described += f", behind nginx on port {load_port} (server CPU includes nginx)"
        print(f"certificate {certificate_id}; server: {described} on 127.0.0.1:{port}, tree "
              f"{tree}; {os.cpu_count()} cores; client {args.client}; rate-limit storage "
              f"{args.ratelimit_storage}; "
              + (f"{args.duration:g} s a URL" if args.client == "wrk" else
                 f"{args.requests} requests a URL (cap {args.time_cap:g} s)")
              + f" after {args.warmup} warm-up requests, concurrency {args.concurrency}, "
              "keep-alive\n")
        print("| URL | expect | requests | wall s | requests/s | p50 ms | p99 ms | max ms | "
              "errors | server CPU s | server CPU % | client CPU s |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for name in args.only or list(urls):
            path, extra, expect = urls[name]
            if args.warmup:
                drive(load_port, path, extra, expect, args.warmup, args.concurrency,
                      args.time_cap)
            cpu_before, client_before = serving_cpu(server, proxy), client_cpu_now()
            if args.client == "wrk":
                r = drive_wrk(load_port, path, extra, expect, args.requests, args.concurrency,
                              args.duration, script)
            else:
                r = drive(load_port, path, extra, expect, args.requests, args.concurrency,
                          args.time_cap)
            server_cpu = serving_cpu(server, proxy) - cpu_before
            client_cpu = client_cpu_now() - client_before
            kinds = f" ({', '.join(r['error_kinds'])})" if r["errors"] else ""
            label = path + (" + If-None-Match" if extra else "")
            print(f"| {label} | {expect} | {r['requests']} | {r['wall']:.2f} | {r['rps']:.0f} | "
                  f"{r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {r['max_ms']:.1f} | "
                  f"{r['errors']}{kinds} | {server_cpu:.2f} | "
                  f"{100 * server_cpu / r['wall']:.0f} | {client_cpu:.2f} |", flush=True)
    finally:
        if proxy is not None:
            proxy.terminate()
            proxy.wait(timeout=20)
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        if redis is not None:
            redis.terminate()
            redis.wait(timeout=20)
        if not args.keep:
            shutil.rmtree(instance, ignore_errors=True)
        elif not args.instance:
            print(f"\ninstance folder kept: {instance}")


if __name__ == "__main__":
    main()
