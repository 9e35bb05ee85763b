"""The production app (wsgi:app) for bench_concurrency.py, with the login rate limit raised for
the run: 55 users log in from one loopback address, which the real limit (10 a minute per
address, tested in tests/web/test_security.py and tests/deploy) would refuse."""
from footprint import create_app

app = create_app({"LOGIN_RATE_LIMIT": "100000 per minute"})
