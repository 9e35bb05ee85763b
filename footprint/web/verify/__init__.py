"""Public verification of certificates by ID (no login): the page, the JSON, the credential, the
PDF and the published keys. One shared rate limit per client over all of them."""
from flask import Blueprint

from .. import ratelimits

bp = Blueprint("verify", __name__, template_folder="templates")
ratelimits.limit_blueprint(bp, "verify", "VERIFY_RATE_LIMIT")

from . import views  # noqa: E402,F401  (routes attach to bp)
