"""Cost of importing hostile spreadsheets: time, peak memory and what the user is shown.

    .venv/bin/python bench/bench_import.py                      # the current code
    .venv/bin/python bench/bench_import.py --before /tmp/before # and an older tree beside it
    .venv/bin/python bench/bench_import.py --web                # and the import page's size

The files (made in a temporary folder, or in --keep DIR and kept there) are the outside probe's:

  rows150k      150,000 data rows, one distinct name each (150,005 shared strings)
  bigstr        5,000 rows sharing one 100,000-character string as the factor code
  rows70k_same  70,000 rows with the same few texts (the sheet part stays under its 16 MB cap)
  rows70k_uniq  70,000 rows, one distinct name each (70,005 shared strings)

all written as Excel writes them: every text in the sharedStrings table, no <dimension>
(tests/xlsxraw.py). Each file is read and checked in a fresh process (`read` below) with a
time limit; its wall time and peak resident memory come from the operating system's accounting of
that one child (os.wait4), the outcome from what the child prints. With --web a second child
posts the file to the import page through Flask's test client and measures the page.

    .venv/bin/python bench/bench_import.py read FILE [--tree DIR]

is one child on its own: it imports `footprint` from DIR (default: this checkout), reads and
checks FILE with that tree's API (read_upload + check_upload, or the older read_rows +
check_rows) and prints one JSON line. It is also the command to time with an outside tool.
"""
from __future__ import annotations

import argparse
import inspect
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
HEADER = ["stage", "name", "kind", "reference", "amount", "unit", "annual_amount",
          "allocation_basis", "product_quantity", "plant_quantity", "units_per_year"]
FILES = {
    "rows150k": lambda: [HEADER] + [["materials", f"line {i}", "factor", "steel-bof", 1.5, "kg"]
                                    for i in range(150_000)],
    "bigstr": lambda: [HEADER] + [["materials", "n", "factor", "x" * 100_000, 1.5, "kg"]] * 5000,
    "rows70k_same": lambda: [HEADER] + [["materials", "line", "factor", "steel-bof", 1.5, "kg"]]
    * 70_000,
    "rows70k_uniq": lambda: [HEADER] + [["materials", f"line {i}", "factor", "steel-bof", 1.5,
                                         "kg"] for i in range(70_000)],
}
MiB = 2**20


# --- the children ------------------------------------------------------------------------------

def _child_env(tmp: str) -> None:
    # the import needs no Brightway project; keep bw2data (if anything imports it) off real data
    os.environ.setdefault("BRIGHTWAY2_DIR", str(Path(tmp) / "brightway"))


def read_child(path: str, tree: str) -> None:
    """Read and check one file with the tree's own API; print one JSON line."""
    sys.path.insert(0, tree)
    _child_env(tempfile.mkdtemp(prefix="bench-import-"))
    from footprint.lca.dataset import catalogue
    from footprint.products import spreadsheet

    data = Path(path).read_bytes()
    cat = catalogue()
    new_api = hasattr(spreadsheet, "read_upload")
    started = time.perf_counter()
    result = {"api": "read_upload+check_upload" if new_api else "read_rows+check_rows"}
    try:
        if new_api:
            upload = spreadsheet.read_upload("f.xlsx", data)
            # trees from issue 9 on also take the product's end-of-life method
            method = ({"end_of_life_method": "cut-off"} if "end_of_life_method" in
                      inspect.signature(spreadsheet.check_upload).parameters else {})
            lines, _ = spreadsheet.check_upload(upload, boundary="cradle-to-gate",
                                                catalogue=cat, existing_factors={}, **method)
        else:
            rows = spreadsheet.read_rows("f.xlsx", data)
            lines = spreadsheet.check_rows(rows, boundary="cradle-to-gate", catalogue=cat,
                                           custom_units={})
        result.update(outcome="accepted", lines=len(lines))
    except spreadsheet.ImportRejected as rejected:
        codes: dict[str, int] = {}
        for issue in rejected.issues:
            codes[issue.code] = codes.get(issue.code, 0) + 1
        result.update(outcome="rejected", codes=codes, issues=len(rejected.issues),
                      message_chars=len(str(rejected)))
    result["seconds"] = round(time.perf_counter() - started, 3)
    print(json.dumps(result))


def web_child(path: str, tree: str, upload_cap: int) -> None:
    """Post one file to /products/1/import through the test client; print one JSON line."""
    sys.path.insert(0, tree)
    tmp = tempfile.mkdtemp(prefix="bench-import-web-")
    _child_env(tmp)
    import io
    import re

    from footprint import create_app, db
    from footprint.accounts import operations
    from tests.helpers import credit_code, login

    url = f"sqlite:///{tmp}/footprint.sqlite"
    if hasattr(db, "upgrade"):  # migrations; an older tree's create_app makes the tables
        db.upgrade(url)
    app = create_app({"INSTANCE_PATH": tmp, "BRIGHTWAY2_DIR": os.environ["BRIGHTWAY2_DIR"],
                      "DATABASE_URL": url, "TESTING": True, "WTF_CSRF_ENABLED": False,
                      "RATELIMIT_ENABLED": False, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                      "MAX_CONTENT_LENGTH": upload_cap})
    with app.app_context():
        operations.register_organisation(
            db.session(), name="Org", credit_code=credit_code(1), address="", user_name="U",
            email="a@example.cn", password="correct horse 1")
        db.session().commit()
    client = app.test_client()
    login(client, "a@example.cn")
    client.post("/sites/new", data={"name": "s", "grid_region": "CN-CQ"})
    client.post("/products/new", data={"name": "p", "functional_unit": "1 piece",
                                       "boundary": "cradle-to-gate", "site_id": "1"})
    data = Path(path).read_bytes()
    started = time.perf_counter()
    response = client.post("/products/1/import", content_type="multipart/form-data",
                           data={"file": (io.BytesIO(data), "f.xlsx"), "mode": "append"})
    seconds = time.perf_counter() - started
    page = response.get_data(as_text=True)
    errors = re.search(r'<div class="errors"[^>]*id="import-errors">.*?</div>', page, re.S)
    listing = errors.group(0) if errors else ""
    print(json.dumps({"status": response.status_code, "page_bytes": len(page.encode()),
                      "list_bytes": len(listing.encode()), "list_items": listing.count("<li>"),
                      "seconds": round(seconds, 3)}))


# --- the parent --------------------------------------------------------------------------------

def measure(command: list[str], timeout: float, memory_mb: int) -> dict:
    """Run one child: wall seconds, its own peak RSS (wait4's rusage of that child alone:
    RUSAGE_CHILDREN would be the largest of all children so far) and its JSON line."""
    def limit():
        os.setsid()
        if memory_mb:
            resource.setrlimit(resource.RLIMIT_AS, (memory_mb * MiB, memory_mb * MiB))

    with tempfile.TemporaryFile() as out:
        started = time.monotonic()
        child = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT,
                                 preexec_fn=limit, cwd=REPO)
        timer = threading.Timer(timeout, lambda: os.killpg(child.pid, signal.SIGKILL))
        timer.start()
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.monotonic() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        timed_out = not timer.is_alive() and child.returncode == -signal.SIGKILL
        timer.cancel()
        out.seek(0)
        text = out.read().decode(errors="replace")
    result = {"wall": wall, "peak_mb": usage.ru_maxrss / 1024, "exit": child.returncode}
    last = text.strip().splitlines()[-1] if text.strip() else ""
    if timed_out:
        result["error"] = f"killed after {timeout:g} s"
    elif child.returncode != 0 or not last.startswith("{"):
        result["error"] = (last or f"exit {child.returncode}")[-120:]
    else:
        result.update(json.loads(last))
    return result


def outcome(r: dict) -> str:
    if "error" in r:
        return r["error"]
    if r.get("outcome") == "accepted":
        return f"accepted, {r['lines']} lines"
    return "rejected: " + ", ".join(f"{c} x{n}" if n > 1 else c for c, n in r["codes"].items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", metavar="DIR", help="also measure the tree in DIR "
                        "(e.g. git archive 86f9fbd | tar -x -C DIR)")
    parser.add_argument("--web", action="store_true", help="also post each file to the import "
                        "page")
    parser.add_argument("--keep", metavar="DIR", help="write the files into DIR and keep them")
    parser.add_argument("--only", nargs="+", choices=list(FILES), help="these files only")
    parser.add_argument("--timeout", type=float, default=60, help="seconds per child (60)")
    parser.add_argument("--memory-mb", type=int, default=8192,
                        help="address-space limit per child in MiB, 0 for none (8192)")
    parser.add_argument("--upload-cap-mb", type=int, default=64, help="MAX_CONTENT_LENGTH of the "
                        "--web app (64; the deployed default is 2 MB, which would answer 413 "
                        "for the 150,000-row file before reading it)")
    args = parser.parse_args()

    sys.path.insert(0, str(REPO))
    from tests.xlsxraw import build

    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-import-"))
    folder.mkdir(parents=True, exist_ok=True)
    names = args.only or list(FILES)
    paths = {}
    for name in names:
        paths[name] = folder / f"{name}.xlsx"
        if not paths[name].exists():
            paths[name].write_bytes(build(FILES[name]()))
    trees = [("after", str(REPO))] + ([("before", args.before)] if args.before else [])
    me = [sys.executable, str(Path(__file__).resolve())]

    print(f"files in {folder}; {os.cpu_count()} cores; child limits: {args.timeout:g} s, "
          f"{args.memory_mb or 'no'} MiB address space\n")
    print("| file | size | code | process wall s | read+check s | peak RSS MB | outcome | "
          "issues | message chars |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for name in names:
        size = f"{paths[name].stat().st_size / 1e6:.2f} MB"
        for label, tree in trees:
            r = measure(me + ["read", str(paths[name]), "--tree", tree], args.timeout,
                        args.memory_mb)
            chars = f"{r['message_chars']:,}" if "message_chars" in r else "-"
            print(f"| {name} | {size} | {label} | {r['wall']:.2f} | "
                  f"{r.get('seconds', '-')} | {r['peak_mb']:.0f} | {outcome(r)} | "
                  f"{r.get('issues', '-')} | {chars} |", flush=True)
    if args.web:
        print(f"\nImport page (POST /products/1/import, test client, upload cap "
              f"{args.upload_cap_mb} MB):\n")
        print("| file | code | process wall s | POST s | peak RSS MB | status | page bytes | "
              "problem list bytes | list items |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        for name in names:
            for label, tree in trees:
                r = measure(me + ["web", str(paths[name]), "--tree", tree, "--upload-cap",
                                  str(args.upload_cap_mb * MiB)], args.timeout, args.memory_mb)
                if "error" in r:
                    print(f"| {name} | {label} | {r['wall']:.2f} | - | {r['peak_mb']:.0f} | "
                          f"{r['error']} | | | |", flush=True)
                    continue
                print(f"| {name} | {label} | {r['wall']:.2f} | {r['seconds']} | "
                      f"{r['peak_mb']:.0f} | {r['status']} | {r['page_bytes']:,} | "
                      f"{r['list_bytes']:,} | {r['list_items']} |", flush=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] in ("read", "web"):
        child = argparse.ArgumentParser()
        child.add_argument("mode")
        child.add_argument("file")
        child.add_argument("--tree", default=str(REPO))
        child.add_argument("--upload-cap", type=int, default=64 * MiB)
        options = child.parse_args()
        if options.mode == "read":
            read_child(options.file, str(Path(options.tree).resolve()))
        else:
            web_child(options.file, str(Path(options.tree).resolve()), options.upload_cap)
    else:
        main()
