from flask import Blueprint

bp = Blueprint("products", __name__, url_prefix="/products", template_folder="templates")

from . import views, io_views  # noqa: E402,F401
