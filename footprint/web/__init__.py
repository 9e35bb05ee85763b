"""The web tier: blueprints are registered here, explicitly."""
from __future__ import annotations

from flask import Blueprint, Flask, current_app, jsonify, render_template

main = Blueprint("main", __name__)


@main.get("/")
def index():
    return render_template("index.html")


@main.get("/health")
def health():
    from ..lca import dataset_version

    return jsonify(status="ok", dataset_version=dataset_version(),
                   brightway_dir=bool(current_app.config["BRIGHTWAY2_DIR"]))


def register_blueprints(app: Flask) -> None:
    app.register_blueprint(main)
