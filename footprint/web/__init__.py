"""The web tier: extensions, blueprints (registered explicitly) and error pages."""
from __future__ import annotations

from flask import (Blueprint, Flask, jsonify, redirect, render_template, send_from_directory,
                   url_for)
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from .. import db
from ..accounts.roles import Role
from . import labels
from .extensions import LANGUAGES, init_extensions
from .formatting import init_filters
from .security import init_security, register_converters

main = Blueprint("main", __name__)


@main.get("/")
def index():
    if current_user.is_authenticated:
        if current_user.role == Role.APPLICANT:
            return redirect(url_for("products.index"))
        if current_user.role == Role.ADMIN:
            return redirect(url_for("admin.users"))
        if current_user.role == Role.CERTIFIER:
            return redirect(url_for("applications.index"))
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
        if code >= 500:
            # A database error leaves the session's transaction failed; without a rollback the
            # error page itself (the user loader, the header) would fail on the next query.
            db.rollback()
        return render_template(template, code=code, error=error), code
    return handler


def _conflict(error):
    """A uniqueness race lost to a simultaneous request: nothing was saved, try again."""
    from .. import db

    db.session().rollback()
    return render_template("errors/error.html", code=409, error=error), 409


def register_blueprints(app: Flask) -> None:
    from .admin import bp as admin_bp
    from .applications import bp as applications_bp
    from .assessments import bp as assessments_bp
    from .auth import bp as auth_bp
    from .certificates import bp as certificates_bp
    from .evidence import bp as evidence_bp
    from .factors import bp as factors_bp
    from .jobs import bp as jobs_bp
    from .notifications import bp as notifications_bp
    from .products import bp as products_bp
    from .sites import bp as sites_bp
    from .verify import bp as verify_bp

    register_converters(app)
    init_extensions(app)
    init_security(app)
    init_filters(app)
    for blueprint in (main, auth_bp, sites_bp, products_bp, factors_bp, assessments_bp, admin_bp,
                      notifications_bp, applications_bp, evidence_bp, verify_bp,
                      certificates_bp, jobs_bp):
        app.register_blueprint(blueprint)
    for code in (400, 403, 404, 405, 409, 413, 429, 500):
        app.register_error_handler(code, _error(code))
    app.register_error_handler(IntegrityError, _conflict)

    @app.context_processor
    def _globals():
        return {"current_locale": str(get_locale()), "languages": LANGUAGES, "Role": Role,
                **labels.context()}
