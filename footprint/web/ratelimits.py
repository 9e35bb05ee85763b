"""Rate limits per client address, counted with the `limits` library.

One storage per app, from RATELIMIT_STORAGE_URI: memory:// by default (each process counts
alone), Redis when configured, so that every worker counts together. Windows are fixed
("10 per minute"); the limit itself is read from the app's configuration on each request, so a
test or an operator can change it. RATELIMIT_ENABLED=False turns every limit off (tests).

A request over its limit gets the site's 429 page. The client address is request.remote_addr,
which FOOTPRINT_PROXY_FIX makes the one the proxy saw.

Counting is one call of the limits strategy. (Flask-Limiter, used before, worked out on every
request of the site which limits applied to it: about a quarter of the busiest public answer,
the verify JSON; bench/RESULTS.md.)
"""
from __future__ import annotations

from functools import lru_cache, wraps

from flask import Blueprint, Flask, abort, current_app, request
from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

EXTENSION = "footprint_rate_limits"


def init_app(app: Flask) -> None:
    storage = storage_from_string(app.config.get("RATELIMIT_STORAGE_URI") or "memory://")
    app.extensions[EXTENSION] = FixedWindowRateLimiter(storage)


def hit(scope: str, config_key: str, default: str | None = None) -> None:
    """Count this request against the app's limit `config_key` (else `default`) for `scope`
    and the client's address; abort with 429 once it is over."""
    config = current_app.config
    if not config.get("RATELIMIT_ENABLED", True):
        return
    limit = _parsed(config.get(config_key) or default)
    address = request.remote_addr or "127.0.0.1"
    if not current_app.extensions[EXTENSION].hit(limit, scope, address):
        abort(429)


def limit(scope: str, config_key: str, default: str, methods: tuple[str, ...] = ("POST",)):
    """A view decorator: requests of `methods` to the view count against the limit."""
    def decorate(view):
        @wraps(view)
        def limited(*args, **kwargs):
            if request.method in methods:
                hit(scope, config_key, default)
            return view(*args, **kwargs)
        return limited
    return decorate


def limit_blueprint(blueprint: Blueprint, scope: str, config_key: str) -> None:
    """Every request to the blueprint's routes counts against one shared limit."""
    blueprint.before_request(lambda: hit(scope, config_key))


@lru_cache(maxsize=32)
def _parsed(value: str) -> RateLimitItem:
    return parse(value)
