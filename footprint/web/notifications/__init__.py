from flask import Blueprint

bp = Blueprint("notifications", __name__, template_folder="templates")

from . import views  # noqa: E402,F401  (routes attach to bp)
