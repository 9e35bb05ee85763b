"""Public verification of certificates by ID (no login): the page, the JSON, the credential, the
PDF and the published keys. One shared rate limit per client over all of them."""
from flask import Blueprint, current_app

from ..extensions import limiter

bp = Blueprint("verify", __name__, template_folder="templates")
limiter.shared_limit(lambda: current_app.config["VERIFY_RATE_LIMIT"], scope="verify")(bp)

from . import views  # noqa: E402,F401  (routes attach to bp)
