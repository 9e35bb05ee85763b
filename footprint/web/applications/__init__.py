from flask import Blueprint

bp = Blueprint("applications", __name__, url_prefix="/applications",
               template_folder="templates")

from . import views  # noqa: E402,F401
