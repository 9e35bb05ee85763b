"""Product carbon-footprint and green-certification platform."""
from __future__ import annotations

from pathlib import Path

from flask import Flask

from . import config, db  # db first: it sets the constraint naming convention of every model


def create_app(test_config: dict | None = None) -> Flask:
    instance = Path((test_config or {}).get("INSTANCE_PATH", config.instance_path()))
    config.ensure_instance(instance)
    app = Flask(__name__, instance_path=str(instance), instance_relative_config=True,
                template_folder="web/templates", static_folder="web/static")
    app.config.update(config.from_environment(instance))
    if test_config:
        app.config.update(test_config)

    db.init_app(app)
    from .certs.criteria import load_all

    # Every criteria file is checked now: a malformed one stops the start, naming file and item.
    app.extensions["criteria"] = load_all(app.config["CRITERIA_DIR"])

    from .jobs.celery_app import init_app as init_jobs
    from .web import register_blueprints

    init_jobs(app)

    register_blueprints(app)
    if app.config.get("PROXY_FIX"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["PROXY_FIX"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops,
                                x_prefix=hops)
    # The schema is made by migrations (python -m footprint db upgrade; `serve` runs it), never here.
    db.require_head(app.extensions["db_engine"])
    return app
