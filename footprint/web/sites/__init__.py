from flask import Blueprint

bp = Blueprint("sites", __name__, url_prefix="/sites", template_folder="templates")

from . import views  # noqa: E402,F401
