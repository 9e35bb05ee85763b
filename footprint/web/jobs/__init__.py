from flask import Blueprint

bp = Blueprint("jobs", __name__, url_prefix="/jobs", template_folder="templates")

from . import views  # noqa: E402,F401
