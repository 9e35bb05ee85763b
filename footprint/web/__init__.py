"""The web tier: extensions, blueprints (registered explicitly) and error pages."""
from __future__ import annotations

from flask import (Blueprint, Flask, jsonify, redirect, render_template, send_from_directory,
                   url_for)
from flask_babel import get_locale
from flask_login import current_user

from . import labels
from .extensions import LANGUAGES, init_extensions
from .formatting import init_filters

main = Blueprint("main", __name__)


@main.get("/")
def index():
    if current_user.is_authenticated:
        if current_user.role == "applicant":
            return redirect(url_for("products.index"))
        if current_user.role == "admin":
            return redirect(url_for("admin.users"))
    return render_template("index.html")


@main.get("/favicon.ico")
def favicon():
    return send_from_directory(main.root_path + "/static", "favicon.svg",
                               mimetype="image/svg+xml", max_age=86400)


@main.get("/health")
def health():
    from ..lca import dataset_version

    return jsonify(status="ok", dataset_version=dataset_version())


def _error(code: int, template: str = "errors/error.html"):
    def handler(error):
        return render_template(template, code=code, error=error), code
    return handler


def register_blueprints(app: Flask) -> None:
    from .admin import bp as admin_bp
    from .assessments import bp as assessments_bp
    from .auth import bp as auth_bp
    from .factors import bp as factors_bp
    from .products import bp as products_bp
    from .sites import bp as sites_bp

    init_extensions(app)
    init_filters(app)
    for blueprint in (main, auth_bp, sites_bp, products_bp, factors_bp, assessments_bp, admin_bp):
        app.register_blueprint(blueprint)
    for code in (400, 403, 404, 413, 429, 500):
        app.register_error_handler(code, _error(code))

    @app.context_processor
    def _globals():
        return {"current_locale": str(get_locale()), "languages": LANGUAGES, **labels.context()}
