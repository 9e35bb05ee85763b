from flask import Blueprint

bp = Blueprint("assessments", __name__, template_folder="templates")

from . import views  # noqa: E402,F401
