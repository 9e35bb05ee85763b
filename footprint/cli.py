"""Command line: `python -m footprint compute SPEC... [--json] [--out DIR] [--iterations N]`,
`what-if SPEC --swap FROM=TO`, `dataset build`, `db upgrade`, `serve [--production]`, `worker`,
`create-user`, `keys rotate|list`, `verify-cert`, `findings escalate` and `certificates lapse`
(daily)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from . import config
from .accounts.roles import OrganisationKind, Role


@click.group()
def cli():
    """Product carbon and water footprints on the open Chinese background dataset."""


SPEC_SUFFIXES = (".json", ".yaml", ".yml")


@cli.command()
@click.argument("spec_paths", nargs=-1, required=True,
                type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Write one JSON result per spec into this folder, named after the spec.")
@click.option("--iterations", type=click.IntRange(min=0), default=None,
              help="Monte Carlo iterations (default 1000; 0 skips the uncertainty range).")
def compute(spec_paths: tuple[Path, ...], as_json: bool, out_dir: Path | None,
            iterations: int | None):
    """Assess the products described in SPEC_PATHS (JSON or YAML files, or folders of them).

    One spec without --out: the result on stdout (a table, or JSON with --json), problems on
    stderr and exit code 2. With --out (needed for several specs or a folder): one
    <spec name>.json each; a spec with problems is reported with its file and line, the others
    are still computed, and the exit code is 1 if any failed."""
    from .lca import SpecError

    paths = _spec_files(spec_paths)
    if out_dir is None:
        if len(paths) != 1 or paths[0] != spec_paths[0]:
            raise click.UsageError("give --out DIR to compute several specs or a folder")
        try:
            result = _assess_file(paths[0], iterations)
        except SpecError as exc:
            for problem in exc.problems:
                click.echo(f"error: {problem}", err=True)
            sys.exit(2)
        if as_json:
            click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        else:
            click.echo(format_table(result))
        return
    sys.exit(0 if _compute_batch(paths, out_dir, iterations) else 1)


def _spec_files(spec_paths: tuple[Path, ...]) -> list[Path]:
    files = []
    for path in spec_paths:
        if path.is_dir():
            files += sorted(p for p in path.iterdir()
                            if p.is_file() and p.suffix.lower() in SPEC_SUFFIXES)
        else:
            files.append(path)
    return files


def _assess_file(path: Path, iterations: int | None = None):
    from .lca import get_assessor, load_spec_file
    from .lca.dataset import catalogue
    from .lca.uncertainty import DEFAULT_ITERATIONS

    return get_assessor(config.brightway_dir()).assess(
        load_spec_file(path, catalogue()),
        iterations=DEFAULT_ITERATIONS if iterations is None else iterations)


def _compute_batch(paths: list[Path], out_dir: Path, iterations: int | None = None) -> bool:
    """One JSON per spec; a failure is reported and does not stop the others."""
    from .lca import SpecError

    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[Path, Path] = {}
    failed = 0
    for path in paths:
        target = out_dir / f"{path.stem}.json"
        if target in written:
            click.echo(f"error: {path}: its result would overwrite that of {written[target]} "
                       f"({target.name}); rename one of them", err=True)
            failed += 1
            continue
        try:
            result = _assess_file(path, iterations)
        except SpecError as exc:
            for problem in exc.problems:
                click.echo(f"error: {path}: {problem}", err=True)
            failed += 1
            continue
        except (OSError, UnicodeDecodeError) as exc:
            click.echo(f"error: {path}: cannot be read: {exc}", err=True)
            failed += 1
            continue
        partial = target.with_name(f".{target.name}.partial")
        partial.write_text(json.dumps(result.to_dict(), ensure_ascii=False, indent=2),
                           encoding="utf-8")
        partial.replace(target)  # a result file is whole or absent
        written[target] = path
        click.echo(f"{path} -> {target}")
    click.echo(f"{len(written)} computed, {failed} failed", err=bool(failed))
    return failed == 0


def _swap_pair(ctx, param, values) -> dict[str, str]:
    pairs = {}
    for value in values:
        old, sep, new = value.partition("=")
        if not sep or not old.strip() or not new.strip():
            raise click.BadParameter(f"'{value}' is not FROM=TO (two factor codes)")
        pairs[old.strip()] = new.strip()
    return pairs


@cli.command("what-if")
@click.argument("spec_path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--swap", "swap", multiple=True, required=True, callback=_swap_pair,
              help="FROM=TO: assess the lines on factor FROM with factor TO instead.")
@click.option("--json", "as_json", is_flag=True, help="Print the change as JSON.")
def what_if_command(spec_path: Path, swap: dict[str, str], as_json: bool):
    """The change in the footprint of SPEC_PATH when one factor is swapped for another."""
    from .lca import SpecError, load_spec_file
    from .lca.dataset import catalogue
    from .lca.whatif import SwapError, what_if

    try:
        change = what_if(load_spec_file(spec_path, catalogue()), swap, config.brightway_dir())
    except SpecError as exc:
        for problem in exc.problems:
            click.echo(f"error: {problem}", err=True)
        sys.exit(2)
    except SwapError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    if as_json:
        click.echo(json.dumps(change, ensure_ascii=False, indent=2))
        return
    out = [f"{'':<18}{'before':>14}{'after':>14}{'change':>14}  kg CO2e"]
    rows = [("total", change["total"]), *change["by_stage"].items()]
    out += [f"{name:<18}{c['before']:14.4f}{c['after']:14.4f}{c['delta']:+14.4f}"
            for name, c in rows]
    out += ["", *(f"{c['name'][:40]}: {c['from']} -> {c['to']}, {c['delta']:+.4f} kg CO2e"
                  for c in change["lines"])]
    click.echo("\n".join(out))


def format_table(result) -> str:
    data = result.to_dict()
    carbon, water = data["carbon"], data["water"]
    out = [f"{data['product']['name']} — per {data['product']['functional_unit']} "
           f"({data['product']['boundary']})", ""]
    out.append(f"Carbon footprint   {carbon['total']:14.4f} kg CO2e")
    out.append(f"  {'fossil':<16} {carbon['fossil']:14.4f} kg CO2e")
    out.append(f"  {'biogenic':<16} {carbon['biogenic']:14.4f} kg CO2e")
    out.append(f"    {'emissions':<14} {carbon['biogenic_emissions']:14.4f} kg CO2e")
    out.append(f"    {'removals':<14} {carbon['biogenic_removals']:14.4f} kg CO2e")
    if carbon["land_use_assessed"]:
        out.append(f"  {'land_use':<16} {carbon['land_use']:14.4f} kg CO2e")
    else:
        out.append(f"  {'land_use':<16} {'not assessed':>14}")
    out.append(f"  {'emissions':<16} {carbon['emissions_excluding_credits']:14.4f} kg CO2e "
               f"(excluding credits)")
    out.append(f"  {'credits':<16} {carbon['credits']:14.4f} kg CO2e "
               f"(end of life: {data['product']['end_of_life_method']})")
    if data.get("uncertainty"):
        total = data["uncertainty"]["total"]
        out.append(f"  95% range        {total['p2_5']:14.4f} to {total['p97_5']:.4f} kg CO2e "
                   f"(Monte Carlo, {total['iterations']} iterations)")
    if data.get("data_quality") and data["data_quality"]["total"] is not None:
        quality = data["data_quality"]
        out.append(f"Data quality       {quality['total']:14.2f} (1 good .. 3 poor), primary "
                   f"data {quality['primary_share']:.0%}, {len(quality['flags'])} flag(s)")
    coverage = f"(lines with water data: {water['coverage']:.0%} of the carbon footprint)"
    out.append(f"Water consumption  {water['consumption_m3']:14.6f} m3 {coverage}")
    out.append(f"Water scarcity     {water['scarcity_m3_world_eq']:14.6f} m3 world-eq "
               f"(AWARE, {water['region']})")
    out += ["", f"{'stage':<18}{'kg CO2e':>14}{'m3 water':>14}"]
    for stage, value in carbon["by_stage"].items():
        out.append(f"{stage:<18}{value:14.4f}{water['by_stage'][stage]:14.6f}")
    out += ["", f"{'line':<32}{'stage':<18}{'kg CO2e':>14}{'m3 water':>14}"]
    for line in data["lines"]:
        name = line["name"] if not line.get("cff") else f"{line['name']} ({line['cff']['term']})"
        out.append(f"{name[:31]:<32}{line['stage']:<18}{line['carbon']:14.4f}"
                   f"{line['water']:14.6f}")
    out += ["", f"dataset {data['dataset_version']}"]
    return "\n".join(out)


@cli.group()
def dataset():
    """The background dataset and the prepared Brightway project."""


@dataset.command("build")
@click.option("--force", is_flag=True, help="Rebuild even if the dataset hash is unchanged.")
def build(force: bool):
    """Build (or check) the Brightway project from datasets/."""
    import time

    from .lca import project

    started = time.perf_counter()
    version = project.prepare(config.brightway_dir(), force=force)
    click.echo(f"dataset {version} ready in {config.brightway_dir()} "
               f"({time.perf_counter() - started:.1f} s)")


@cli.group("db")
def database():
    """The SQL database schema: Alembic migrations in footprint/migrations."""


@database.command("upgrade")
@click.option("--revision", default="head", show_default=True, help="Revision to migrate to.")
def database_upgrade(revision: str):
    """Create or migrate the database (DATABASE_URL, else the instance folder's SQLite)."""
    from . import db

    url = config.database_url()
    try:
        reached = db.upgrade(url, revision)
    except db.UnknownDatabase as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"database {db.safe_url(url)} at revision {reached}")


@database.command("current")
def database_current():
    """Print the revision the database is at and the one the code expects."""
    from . import db

    url = config.database_url()
    click.echo(f"database {db.safe_url(url)} at revision {db.current(url) or '(none)'}; "
               f"code expects {db.head()}")


@database.command("revision")
@click.option("-m", "--message", required=True, help="What the revision changes.")
@click.option("--autogenerate", is_flag=True,
              help="Fill in what the models have that the head schema has not.")
@click.option("--database-url", default=None,
              help="Compare with this database (at head) instead of a temporary SQLite one.")
def database_revision(message: str, autogenerate: bool, database_url: str | None):
    """Write a new migration in footprint/migrations/versions (read and tidy it, then commit)."""
    from . import db

    path = db.revision(message, autogenerate=autogenerate, url=database_url)
    if path is None:
        click.echo("the models match the head revision: no migration written")
    else:
        click.echo(f"wrote {path}")


REPO = Path(__file__).resolve().parents[1]


@cli.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--demo", is_flag=True, help="Create demo accounts (once) and print them.")
@click.option("--production", is_flag=True,
              help="Serve with gunicorn and gunicorn.conf.py (several worker processes); "
                   "further arguments go to gunicorn, e.g. --bind 0.0.0.0:8000 --workers 4.")
@click.pass_context
def serve(ctx, host: str, port: int, demo: bool, production: bool):
    """Migrate the database to head, then serve the web app with waitress (the embedded default:
    SQLite + local Brightway project), or with gunicorn (--production)."""
    from . import create_app, db
    from .lca import get_assessor

    if ctx.args and not production:
        raise click.UsageError(f"unknown arguments {' '.join(ctx.args)} (only --production "
                               "passes arguments on, to gunicorn)")
    click.echo(f"database at revision {db.upgrade(config.database_url())}")
    app = create_app()
    # Prepare before the first request (built once per dataset version, on disk: gunicorn's
    # workers then find it ready).
    get_assessor(Path(app.config["BRIGHTWAY2_DIR"]))
    if demo:
        _print_demo(_seed_demo(app))
    if production:
        import os

        from click.core import ParameterSource

        # gunicorn.conf.py binds 127.0.0.1:8000 unless --host or --port (or --bind) says more
        given = any(ctx.get_parameter_source(name) != ParameterSource.DEFAULT
                    for name in ("host", "port"))
        bind = ["--bind", f"{host}:{port}"] if given else []
        arguments = [sys.executable, "-m", "gunicorn", "--config",
                     str(REPO / "gunicorn.conf.py"), "--chdir", str(REPO), *bind, *ctx.args,
                     "wsgi:app"]
        click.echo(f"gunicorn: {' '.join(arguments[3:])}  (instance folder: {app.instance_path})")
        os.execv(sys.executable, arguments)
    import waitress

    click.echo(f"Serving on http://{host}:{port}/  (instance folder: {app.instance_path})")
    waitress.serve(app, host=host, port=port, threads=8)


@cli.command("nginx-config")
@click.option("--listen", default="80", show_default=True, help="port (or address:port) nginx "
              "answers on")
@click.option("--upstream", default="127.0.0.1:8000", show_default=True,
              help="host:port of the production server (gunicorn.conf.py's bind)")
@click.option("--cache-dir", default="/var/cache/nginx/footprint", show_default=True,
              help="folder of the verify cache (nginx's user must own it)")
def nginx_config(listen: str, upstream: str, cache_dir: str):
    """Print the nginx site to put in front of the production server (footprint/deploy/
    nginx-site.conf): it caches the public verify answers for a second."""
    from .deploy import nginx_site

    try:
        click.echo(nginx_site(listen=listen, upstream=upstream, cache_dir=cache_dir), nl=False)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None


@cli.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.pass_context
def worker(ctx):
    """Run a Celery worker for the long jobs (needs FOOTPRINT_REDIS_URL or CELERY_BROKER_URL);
    further arguments go to `celery worker`, e.g. --concurrency 2."""
    from . import create_app

    app = create_app()
    celery = app.extensions["celery"]
    if celery.conf.task_always_eager:
        raise click.ClickException("no broker configured: set FOOTPRINT_REDIS_URL (or "
                                   "CELERY_BROKER_URL); without one jobs run in the web process")
    from celery.signals import worker_process_init

    # No database connection may cross the fork into the pool's processes: each opens its own.
    engine = app.extensions["db_engine"]
    engine.dispose()
    worker_process_init.connect(lambda **_: engine.dispose(close=False), weak=False)
    celery.worker_main(["worker", "--loglevel=INFO", *ctx.args])


def _seed_demo(app) -> dict:
    from . import db
    from .demo import seed

    with app.app_context():
        return seed(db.session(), Path(app.instance_path), Path(app.config["BRIGHTWAY2_DIR"]),
                    app.extensions["criteria"], Path(app.config["CRITERIA_DIR"]))


def _print_demo(demo: dict) -> None:
    click.echo("Demo accounts (stored in the instance folder):")
    for account in demo["accounts"]:
        click.echo(f"  {account['role']:<10} {account['email']:<26} {account['password']}")
    click.echo(f"Demo certificate: {demo['certificate_id']}")


@cli.command("demo")
@click.option("--json", "as_json", is_flag=True, help="Print the accounts and certificate ID "
              "as JSON.")
def demo_command(as_json: bool):
    """Seed the demo (once): organisations, accounts, a product with its assessment, an
    application evaluated and approved by two certifiers, and the certificate it issued."""
    from . import create_app, db
    from .lca import get_assessor

    db.upgrade(config.database_url())
    app = create_app()
    get_assessor(Path(app.config["BRIGHTWAY2_DIR"]))
    demo = _seed_demo(app)
    if as_json:
        click.echo(json.dumps(demo, ensure_ascii=False))
    else:
        _print_demo(demo)


@cli.command("create-user")
@click.option("--role", type=click.Choice([Role.CERTIFIER.value, Role.ADMIN.value]), required=True)
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--organisation", required=True, help="Organisation name (created if new).")
@click.option("--credit-code", required=True, help="The organisation's credit code.")
@click.password_option()
def create_user(role, email, name, organisation, credit_code, password):
    """Create a certifier or admin account (and its organisation if it is new)."""
    from . import create_app, db
    from .accounts import credit_code as codes
    from .accounts import operations

    problem = codes.problem(credit_code)
    if problem:
        raise click.BadParameter(problem.message, param_hint="--credit-code")
    app = create_app()
    with app.app_context():
        session = db.session()
        try:
            kind = OrganisationKind.for_role(Role(role))
            existing = operations.find_organisation_by_code(session, credit_code)
            if existing:
                user = operations.create_user(session, organisation=existing, name=name,
                                              email=email, password=password, role=Role(role))
            else:
                user = operations.register_organisation(
                    session, name=organisation, credit_code=credit_code, address="",
                    user_name=name, email=email, password=password, kind=kind)
        except operations.AccountError as exc:
            session.rollback()
            raise click.ClickException(str(exc)) from None
        session.commit()
        click.echo(f"created {user.role} {user.email}")


@cli.group()
def audit():
    """The append-only, hash-chained audit log."""


@audit.command("verify")
@click.option("--expect-head", metavar="HASH",
              help="The head hash printed by an earlier verify: the chain must still reach it.")
def audit_verify(expect_head: str | None):
    """Walk the audit chain: exit 0 with the count if intact, 1 and the first broken row if not."""
    from . import create_app, db
    from .audit.operations import verify_database

    app = create_app()
    with app.app_context():
        check = verify_database(db.session(), expect_head)
    if check.intact:
        click.echo(f"audit chain intact: {check.count} events, head {check.head_hash}")
        return
    click.echo(f"audit chain broken at event {check.broken_id}: {check.reason} "
               f"({check.count} events before it are intact)", err=True)
    sys.exit(1)


@cli.group()
def findings():
    """Findings raised on applications for certification."""


@findings.command("escalate")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The date to judge overdue against (default: today, UTC).")
def findings_escalate(today):
    """Make every overdue, unanswered minor nonconformity major (run daily, e.g. from cron)."""
    from . import create_app, db
    from .certs.findings import escalate_overdue
    from .timeutil import utcnow

    app = create_app()
    with app.app_context():
        session = db.session()
        escalated = escalate_overdue(session, (today or utcnow()).date())
        session.commit()
    click.echo(f"{len(escalated)} overdue minor finding(s) made major"
               + "".join(f"\n  finding {f.id} (application {f.application_id}, item "
                         f"{f.item_id})" for f in escalated))


@cli.group()
def certificates():
    """Certificates issued on approval."""


@certificates.command("lapse")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The date to judge the restore deadlines against (default: today, UTC).")
def certificates_lapse(today):
    """Withdraw every suspended certificate not restored by its deadline (run daily, e.g. from
    cron)."""
    from . import create_app, db
    from .certificates.lifecycle import lapse_suspensions
    from .timeutil import utcnow

    app = create_app()
    with app.app_context():
        session = db.session()
        lapsed = lapse_suspensions(session, (today or utcnow()).date())
        session.commit()
        click.echo(f"{len(lapsed)} suspended certificate(s) withdrawn: not restored in time"
                   + "".join(f"\n  {c.public_id} ({c.status_reason})"
                             for c in lapsed))


@cli.group()
def keys():
    """The Ed25519 keys that sign certificates (FOOTPRINT_KEYS_DIR, else <instance>/keys)."""


def _print_keys(directory) -> None:
    from .certificates import keys as signing_keys

    for key in signing_keys.all_keys(directory):
        published = key.published()
        state = f"retired {published['retired']}" if key.retired else "current"
        click.echo(f"{key.key_id}  {key.fingerprint}  created {published['created']}  {state}")


@keys.command("list")
def keys_list():
    """Every key, oldest first (the first is created if there is none)."""
    _print_keys(config.keys_dir())


@keys.command("rotate")
def keys_rotate():
    """Make a new signing key; every old one is kept, so what it signed still verifies."""
    from .certificates import keys as signing_keys

    key = signing_keys.rotate(config.keys_dir())
    click.echo(f"new signing key {key.key_id} ({key.fingerprint})")
    _print_keys(config.keys_dir())


@cli.command("verify-cert")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--keys", "keys_source", required=True, metavar="FILE_OR_URL",
              help="The published keys: a saved /.well-known/footprint-keys.json or its "
                   "http(s) URL.")
def verify_cert(file: Path, keys_source: str):
    """Check a downloaded certificate (its JSON, Verifiable Credential or PDF) against the
    published keys: exit 0 if the signature is valid, 1 naming what fails."""
    from urllib.error import URLError

    from .certificates.check import check_file, load_published
    from .certificates.errors import VerificationError

    try:
        published = load_published(keys_source)
    except (OSError, URLError, VerificationError) as exc:
        click.echo(f"cannot read the keys: {exc}", err=True)
        sys.exit(1)
    checked = check_file(file.read_bytes(), published["keys"],
                         published.get("pdf_signers", []))
    if not checked.result.valid:
        click.echo(f"not valid ({checked.result.error.code}): {checked.result.error}", err=True)
        sys.exit(1)
    if checked.result.key_id.startswith("pdf:"):
        click.echo(f"valid PDF signature, signer {checked.result.key_id[4:]}")
    else:
        click.echo(f"valid signature, key {checked.result.key_id}, "
                   f"certificate {checked.certificate_id}")
