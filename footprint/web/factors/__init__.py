from flask import Blueprint

bp = Blueprint("factors", __name__, url_prefix="/factors", template_folder="templates")

from . import views  # noqa: E402,F401
